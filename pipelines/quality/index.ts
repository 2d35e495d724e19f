export * from './checks.js';
export * from './identifiers.js';
