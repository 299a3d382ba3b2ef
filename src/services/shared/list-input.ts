import { z } from 'zod';
import { MAX_PAGE_SIZE } from '../../core/paging/page.js';

/** Input of every tenant-scoped list (`members.list`, `audit.list`). */
export interface ListInput {
  readonly tenantId: string;
  /** Page size, 1 to 1000. Default is 100. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/** Boundary schema of {@link ListInput}; the tenant id is checked first by the tenant-id rule. */
export const listInputSchema = z
  .object({ tenantId: z.string(), limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(), cursor: z.string().optional() })
  .strict();
