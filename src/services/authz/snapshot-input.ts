import { z } from 'zod';
import { parseInput } from '../../core/validation/parse-input.js';

/** Bounded so a request cannot make the server render an unbounded snapshot. */
export const MAX_SNAPSHOT_ACTIONS = 256;

const snapshotOptionsSchema = z
  .strictObject({
    actions: z.array(z.string()).max(MAX_SNAPSHOT_ACTIONS).optional(),
  })
  .optional();

/**
 * Options of `scope.snapshot()`.
 *
 * @typeParam C - capability names.
 */
export interface SnapshotOptions<C extends string = string> {
  /**
   * Capabilities whose action state the server renders into the snapshot
   * (with the host's `formatDisabledReason`); at most 256. The client
   * derives the others with the default tooltip.
   */
  readonly actions?: readonly C[];
}

/** Validates the options; the capability names are checked against the registry by the builder. */
export function parseSnapshotOptions(options: unknown): readonly string[] {
  const parsed = parseInput(snapshotOptionsSchema, options, 'snapshot options');
  return parsed?.actions ?? [];
}
