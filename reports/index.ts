export * from './dq-report.js';
export * from './ingest-outputs.js';
