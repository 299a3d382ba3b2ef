export * from './tenantry-error.js';
export * from './access-errors.js';
export * from './catalog-errors.js';
export * from './validation-error.js';
export * from './storage-errors.js';
export * from './membership-errors.js';
export * from './entitlement-errors.js';
export * from './idempotency-error.js';
