export * from './sql.js';
export * from './engine.js';
export * from './layout.js';
export * from './staging.js';
export * from './commit.js';
export * from './memory.js';
export * from './open.js';
