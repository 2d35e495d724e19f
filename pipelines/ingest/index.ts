// The ingest's phases, its schedule and options (pipelines/ingest.ts orders them).
export { INGEST_PHASES, resolveTuning, type IngestOptions, type IngestPhase, type IngestTuning } from './options.js';
export type { IngestResult } from './result.js';
