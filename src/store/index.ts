export * from './records.js';
export * from './store.js';
export * from './audit-records.js';
export * from './audit-operations.js';
export * from './entitlement-records.js';
export * from './entitlement-operations.js';
export * from './rate-limit-operations.js';
