export * from './dq-report.js';
export * from './dq-html.js';
export * from './html.js';
export * from './quarantine.js';
export * from './ingest-outputs.js';
