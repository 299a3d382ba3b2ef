export * from './errors/index.js';
export * from './capabilities/define-capabilities.js';
export * from './roles/define-roles.js';
export * from './decisions/decision.js';
export * from './decisions/action-state.js';
export * from './ids/identifiers.js';
export * from './validation/parse-input.js';
export * from './validation/identifier-text.js';
