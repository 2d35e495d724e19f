// The ETL layers: read → map → validate → store, with data-quality checks.
export * from './read/index.js';
export * from './validate/index.js';
export * from './map/index.js';
export * from './store/index.js';
export * from './quality/index.js';
export * from './ingest.js';
