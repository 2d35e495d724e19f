export * from './schemas/index.js';
export * from './pipelines/index.js';
