export * from './tenantry-error.js';
export * from './access-errors.js';
export * from './catalog-errors.js';
export * from './validation-error.js';
export * from './storage-errors.js';
