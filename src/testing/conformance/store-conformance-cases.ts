import { concurrencyCases } from './cases/concurrency-cases.js';
import { guardedWriteCases } from './cases/guarded-write-cases.js';
import { listingCases } from './cases/listing-cases.js';
import { membershipCases } from './cases/membership-cases.js';
import { tenantCases } from './cases/tenant-cases.js';
import { transactionCases } from './cases/transaction-cases.js';
import type { StoreConformanceCase } from './conformance-case.js';

const cases = [...tenantCases, ...membershipCases, ...listingCases, ...guardedWriteCases, ...transactionCases, ...concurrencyCases] as const;

/** The name of one conformance case. */
export type StoreConformanceCaseName = (typeof cases)[number]['name'];

/**
 * Every behaviour a {@link Store} must have, as framework-agnostic cases
 * asserting with `node:assert/strict`: each operation's results and errors
 * (duplicates, missing tenants, `not_found` and `last_owner` outcomes),
 * exact identifier comparison, code-unit ordering and keyset paging,
 * millisecond timestamps, transaction commit, rollback and isolation of the
 * `tx` handle, atomicity of `createTenant`, and the last-owner guard and
 * unique keys under concurrent calls.
 *
 * Run them with {@link runStoreConformance}, or iterate them yourself.
 */
export const storeConformanceCases: readonly StoreConformanceCase<StoreConformanceCaseName>[] = Object.freeze(cases);
