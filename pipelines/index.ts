// The ETL layers: read → map → validate → store → derive → evaluate.
export * from './read/index.js';
export * from './validate/index.js';
