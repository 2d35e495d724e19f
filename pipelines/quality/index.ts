export * from './checks.js';
export * from './identifiers.js';
export * from './trust.js';
export * from './integrity.js';
