// One centre's ingest in progress: its spec and key, its work folder, the counts that prove nothing was
// lost, the per-source accounting, and the phase timer. Every phase takes it and adds to it.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { TABLE_NAMES, type TableCounts } from '../../schemas/index.js';
import type { MappingSpec, SourceSpec } from '../../schemas/mapping-spec.js';
import type { SourceData } from '../read/source.js';
import { loadSpec } from '../map/spec-load.js';
import { resolveKey, type KeySource } from '../map/pseudonymise.js';
import type { MapContext, SourceCounts } from '../map/records.js';
import { checkColumns } from '../map/source-columns.js';
import { suspectIdentifiers, type SuspectedIdentifier } from '../quality/identifiers.js';
import type { IngestOptions, IngestPhase } from './options.js';
import { RecordStager } from './stage.js';

/** A source's counts with the file it was read from. */
export type SourceEntry = SourceCounts & { sha256: string; bytes: number; path: string };

/** Wall and CPU time per phase (`<phase>_ms`, `cpu_<phase>_ms`) and of named steps within them. */
export class PhaseTimer {
  readonly durations: Record<string, number> = {};
  private readonly t0 = performance.now();

  constructor(
    private readonly centre: string,
    private readonly onPhase?: IngestOptions['onPhase'],
  ) {}

  /** Runs one phase; its wall time and the whole process's CPU time (main thread, reader threads, DuckDB) are recorded under its name. */
  async phase<T>(name: IngestPhase, body: () => Promise<T>): Promise<T> {
    const t = performance.now();
    const cpu = process.cpuUsage();
    const out = await body();
    const used = process.cpuUsage(cpu);
    const ms = performance.now() - t;
    this.durations[`${name}_ms`] = ms;
    this.durations[`cpu_${name}_ms`] = (used.user + used.system) / 1000;
    this.onPhase?.(this.centre, name, ms);
    return out;
  }

  /** Adds `ms` to a step's total (a step may run several times, e.g. once per source). */
  add(step: string, ms: number): void {
    this.durations[`${step}_ms`] = (this.durations[`${step}_ms`] ?? 0) + ms;
  }

  finish(): Record<string, number> {
    this.durations.total_ms = performance.now() - this.t0;
    return this.durations;
  }
}

export interface IngestRun {
  spec: MappingSpec;
  specPath: string;
  key: KeySource;
  /** The spec's folder (source files are relative to it). */
  dir: string;
  storeDir: string;
  /** When the run started, as a folder name (a rejected run is kept under <store>/rejected/<centre>/<runId>/). */
  runId: string;
  /** Whether the store step's duplicates were added to the quarantined counts yet. */
  duplicatesCounted: boolean;
  /** The run's scratch folder (raw cells, staging files), removed when the run ends. */
  work: string;
  ctx: MapContext;
  counts: Record<string, TableCounts>;
  sources: SourceEntry[];
  /** Sources whose rows were counted when the dose-log phase read them. */
  readInA: Set<string>;
  suspected: SuspectedIdentifier[];
  unusedColumns: Record<string, string[]>;
  stager: RecordStager;
  timer: PhaseTimer;
  /** Column checks and suspected identifiers of a source, on its first rows (once per source). */
  inspectColumns: (src: SourceSpec, data: SourceData) => void;
}

/** Loads the spec and key and makes the run's work folder beside the store. */
export function startRun(specPath: string, opts: IngestOptions): IngestRun {
  const { spec } = loadSpec(specPath);
  const key = resolveKey({ keyFile: opts.keyFile, allowSampleKey: spec.samples, env: opts.env });
  mkdirSync(resolve(opts.storeDir), { recursive: true });
  const work = mkdtempSync(join(resolve(opts.storeDir, '..'), '.il2kit-ingest-'));
  const counts: Record<string, TableCounts> = Object.fromEntries(TABLE_NAMES.map((t) => [t, { read: 0, derived: 0, merged: 0, stored: 0, quarantined: 0 }]));
  const suspected: SuspectedIdentifier[] = [];
  const unusedColumns: Record<string, string[]> = {};
  return {
    spec,
    specPath,
    key,
    dir: dirname(resolve(specPath)),
    storeDir: opts.storeDir,
    runId: new Date().toISOString().replace(/[:.]/g, '-'),
    duplicatesCounted: false,
    work,
    ctx: { spec, key: key.key, unmapped: new Map() },
    counts,
    sources: [],
    readInA: new Set(),
    suspected,
    unusedColumns,
    stager: new RecordStager(work, spec, counts),
    timer: new PhaseTimer(spec.centre.centre_id, opts.onPhase),
    inspectColumns: (src, data) => {
      if (src.id in unusedColumns || data.columns.length === 0) return;
      const unused = checkColumns(src, data.file, data.columns, data.rows);
      unusedColumns[src.id] = unused;
      suspected.push(...suspectIdentifiers(src.id, unused, (col) => data.rows.slice(0, 200).map((r) => r.values[col])));
    },
  };
}
