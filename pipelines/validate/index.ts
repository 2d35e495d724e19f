export * from './problems.js';
export * from './validate-records.js';
