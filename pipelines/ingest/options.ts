// The ingest's options: what to ingest into, and the tuning knobs of its scheduling, documented once here.
import { defaultReadWorkers } from '../map/raw-read.js';
import type { IngestStamp } from './incremental.js';

/** The phases of one centre's ingest, in order (the names of its recorded durations and of `onPhase`). */
export const INGEST_PHASES = ['map_dose_log', 'map_observations', 'store', 'derive'] as const;
export type IngestPhase = (typeof INGEST_PHASES)[number];

/** How the ingest schedules its reading; every knob has a default that suits the bundled samples and 20,000 patients. */
export interface IngestTuning {
  /** Map long observation sources column-wise (map/columnar.ts; default true). false: every row through mapSource, as a reference. */
  columnar: boolean;
  /** Reader threads for the columnar path's NDJSON and xlsx sources (map/raw-read.ts); 0 reads them on the main thread. Default: defaultReadWorkers()
   * (IL2KIT_READ_WORKERS). */
  readWorkers: number;
  /** NDJSON files larger than this (bytes; default 64 MiB) are read in line ranges, one per reader thread. */
  rangeBytes: number;
  /** Let DuckDB read NDJSON sources itself where it reads them as our reader does (map/json-cells.ts; default true unless IL2KIT_DUCKDB_JSON=0). false: always
   * our reader. */
  duckdbJson: boolean;
  /** Observation sources DuckDB reads itself are loaded ahead of their turn: the first always, others while their files add up to at most this (bytes; default
   * 2 GiB; 0: none ahead). */
  aheadBytes: number;
}

export interface IngestOptions extends Partial<IngestTuning> {
  storeDir: string;
  keyFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Publish the run even when an error-severity data-quality check fails (the data manager has read the report). Default false: such a run is kept aside under
   * <store>/rejected/. */
  acceptFailedChecks?: boolean;
  /** Largest share by which the centre's patients, cycles or dose slots may fall against its previous version (default 0.1). */
  maxDrop?: number;
  /** The run's stamp (ingest/incremental.ts) when the caller has computed it already; else computed here. */
  stamp?: IngestStamp;
  /** Called as each phase of a centre ends, with its wall time (for progress on a terminal). */
  onPhase?: (centre: string, phase: IngestPhase, elapsedMs: number) => void;
}

/** The tuning knobs with their defaults filled in. */
export function resolveTuning(opts: IngestOptions): IngestTuning {
  const env = opts.env ?? process.env;
  const columnar = opts.columnar ?? true;
  return {
    columnar,
    readWorkers: opts.readWorkers ?? defaultReadWorkers(opts.env),
    rangeBytes: opts.rangeBytes ?? 64 << 20,
    duckdbJson: (opts.duckdbJson ?? env.IL2KIT_DUCKDB_JSON !== '0') && columnar,
    aheadBytes: opts.aheadBytes ?? 2 ** 31,
  };
}
