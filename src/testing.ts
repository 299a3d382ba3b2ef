/**
 * `tenantry/testing`: helpers for testing tenantry itself, third-party store
 * adapters, and host applications that use tenantry. Loads without
 * `fast-check`: the arbitraries, which need it (an optional peer dependency),
 * are in `tenantry/testing/arbitraries`.
 *
 * @packageDocumentation
 */
export { countingStore } from './testing/counting-store.js';
export type { CountedOperationName, CountingStore } from './testing/counting-store.js';
export { roleMatrixCases, roleMatrixFixture } from './testing/role-matrix.js';
export type { RoleMatrix, RoleMatrixCase, RoleMatrixFixture } from './testing/role-matrix.js';
export { findRoleStringChecks } from './testing/find-role-string-checks.js';
export type { RoleStringCheck, RoleStringCheckOptions } from './testing/find-role-string-checks.js';
export * from './testing/conformance/index.js';
