export * from './layout.js';
export * from './staging.js';
export * from './commit.js';
