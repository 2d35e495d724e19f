// The scheduling of the reads: which sources go column-wise, reader threads for NDJSON and workbooks,
// sources loaded into DuckDB ahead of their turn within a memory budget, and the sources parked between
// the dose-log and observation phases. The phases ask it for a source's rows; it decides how they come.
import type { DuckDBConnection } from '@duckdb/node-api';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { TableName } from '../../schemas/index.js';
import type { MappingSpec, SourceSpec } from '../../schemas/mapping-spec.js';
import { streamSource, type SourceData, type SourceRow } from '../read/source.js';
import {
  DirectCsvRefused,
  RawWriter,
  directCsvAllowed,
  loadDirectCsv,
  loadJsonCells,
  openColumnarDb,
  planColumnar,
  type ColumnarDb,
  type ColumnarPlan,
  type ColumnarResult,
  type DirectCsv,
} from '../map/columnar.js';
import { RawReadPool, RawReads, type RawRead } from '../map/raw-read.js';
import type { CohortFilter } from '../map/cohort.js';
import { JsonCellsRefused, jsonCellsPlan, type JsonCells } from '../map/json-cells.js';
import type { SourceCounts } from '../map/records.js';
import type { CandidateSpill } from '../map/spill.js';
import type { IngestTuning } from './options.js';

/** Tables of the dose-log phase: small, and the slot grid needs them whole. */
export const DOSE_LOG_TABLES = new Set<TableName>(['patient', 'cycle', 'dose_slot', 'response', 'response_assessment', 'follow_up']);
export const inDoseLog = (t: { table: string }) => DOSE_LOG_TABLES.has(t.table as TableName);

/** A CSV source's first rows, and the file as DuckDB may read it (null: our parser reads it), its rows loaded when `db` is set. */
export interface CsvHead {
  info: Omit<SourceData, 'rows'>;
  head: SourceRow[];
  direct: DirectCsv | null;
  db: ColumnarDb | null;
}

/** A source's observation-phase candidates mapped during the dose-log phase (read once), replayed once the slot grid exists. */
export interface Parked {
  spill: CandidateSpill;
  /** Observation-phase counts of the source, summed over its pieces. */
  counts: SourceCounts | null;
  /** Unmapped codes met by the observation-phase table maps, merged in at the source's turn. */
  unmapped: Map<string, Map<string, number>>;
  error: { e: unknown } | null;
}

export type JsonLoad = Promise<{ got: RawRead; cells: JsonCells | null; db: ColumnarDb | null }>;

/** Column-wise plans of the sources that have one (by source id). */
export function planSources(spec: MappingSpec, tuning: IngestTuning): Map<string, ColumnarPlan> {
  const plans = new Map<string, ColumnarPlan>();
  if (!tuning.columnar) return plans;
  for (const src of spec.sources) {
    const early = src.tables.filter(inDoseLog);
    const later = src.tables.filter((t) => !inDoseLog(t));
    // Full plan when the dose-log maps are selective (their rows take the row path); else only the later maps.
    let plan = early.length > 0 ? planColumnar(spec, src, later, early) : 'no earlier-phase maps';
    if (typeof plan === 'string') plan = planColumnar(spec, src, later);
    if (typeof plan !== 'string') plans.set(src.id, plan);
  }
  return plans;
}

export class SourceSchedule {
  readonly reads: RawReads;
  /** NDJSON sources DuckDB reads itself: scanned on a reader thread, then loaded into their columnar DuckDB as soon as the scan is done. */
  readonly jsonLoads = new Map<string, JsonLoad>();
  /** Observation-only CSV sources DuckDB reads itself: header read and rows loaded from the start, while the dose log is mapped. */
  readonly csvLoads = new Map<string, Promise<CsvHead>>();
  /** Raw-cell files being written for sources the dose-log phase reads row by row. */
  readonly raws = new Map<string, RawWriter>();
  readonly parked = new Map<string, Parked>();
  /** Sources mapped column-wise in the dose-log phase whose observations wait (their DuckDB stays open until then). */
  readonly columnarParked = new Map<string, { res: ColumnarResult; info: Omit<SourceData, 'rows'> }>();
  private readonly pool: RawReadPool | null;
  private aheadBytes = 0;

  constructor(
    private readonly dir: string,
    private readonly work: string,
    readonly plans: Map<string, ColumnarPlan>,
    private readonly tuning: IngestTuning,
    /** Each source's cohort filter (map/cohort.ts): raw-cell writers leave out the lines of patients outside the cohort. */
    readonly cohortOf: (src: SourceSpec, followed?: boolean) => CohortFilter | undefined = () => undefined,
  ) {
    // Sources only our readers read (NDJSON, xlsx) are read by reader threads from now on (map/raw-read.ts),
    // except those the dose-log phase reads row by row anyway (their cells are written on the way).
    this.pool = tuning.readWorkers > 0 && [...plans.values()].some((p) => p.src.format !== 'csv') ? new RawReadPool(tuning.readWorkers) : null;
    this.reads = new RawReads(this.pool);
    for (const plan of plans.values()) this.startThreadRead(plan);
    for (const plan of plans.values()) this.startCsvLoad(plan);
  }

  fileSize(src: SourceSpec): number {
    return statSync(join(this.dir, src.file), { throwIfNoEntry: false })?.size ?? 0;
  }

  rangeParts(src: SourceSpec): number {
    return this.fileSize(src) > this.tuning.rangeBytes ? this.tuning.readWorkers : 1;
  }

  /** Whether the source is being read on reader threads (the dose-log phase takes those last). */
  onThreads(id: string): boolean {
    return this.reads.has(id) || this.jsonLoads.has(id);
  }

  /** Sources loaded ahead of their turn stay in memory until then: the first always, others within `aheadBytes`. */
  private loadAhead(src: SourceSpec): boolean {
    const size = this.fileSize(src);
    if (this.tuning.aheadBytes === 0 || (this.aheadBytes > 0 && this.aheadBytes + size > this.tuning.aheadBytes)) return false;
    this.aheadBytes += size;
    return true;
  }

  /** A columnar DuckDB with table raw loaded by `load`, or null when DuckDB refuses the file (then our reader reads it). */
  async loadedDb(load: (conn: DuckDBConnection) => Promise<void>): Promise<ColumnarDb | null> {
    const db = await openColumnarDb(this.work);
    try {
      await load(db.conn);
      return db;
    } catch (e) {
      db.close();
      if (e instanceof JsonCellsRefused || e instanceof DirectCsvRefused) return null;
      throw e;
    }
  }

  /** A CSV source's header and first rows through our parser, and whether DuckDB may read the file itself (DirectCsv). */
  async csvHead(src: SourceSpec): Promise<CsvHead> {
    const stream = await streamSource(src, this.dir);
    const info = { file: stream.file, path: stream.path, sha256: stream.sha256, bytes: stream.bytes, columns: stream.columns };
    const it = stream.chunks[Symbol.asyncIterator]();
    const first = await it.next();
    await it.return?.();
    const direct: DirectCsv | null = directCsvAllowed(src, stream.columns, stream.path) ? { kind: 'direct', path: stream.path, columns: stream.columns } : null;
    return { info, head: first.done ? [] : first.value, direct, db: null };
  }

  /** Our reader on the reader threads, writing raw cells into the work folder. */
  addThreadRead(src: SourceSpec, plan: ColumnarPlan): void {
    this.reads.add(src, this.dir, plan.paths, (k) => join(this.work, `raw-${src.id}-${k}.csv`), this.rangeParts(src), this.cohortOf(src));
  }

  private startThreadRead(plan: ColumnarPlan): void {
    const src = plan.src;
    const inA = src.tables.some(inDoseLog);
    if (src.format === 'csv' || (inA && plan.early.length === 0)) return;
    // An NDJSON file DuckDB may read itself is only scanned here (hash and checks); our reader reads it if DuckDB refuses.
    // References are resolved by joins in DuckDB (map/json-refs.ts); where it cannot, our reader follows them on the main thread.
    const refs = src.references.length > 0;
    const jp =
      this.tuning.duckdbJson && src.format === 'ndjson' && src.encoding === 'utf-8'
        ? jsonCellsPlan(plan.paths, src.references)
        : 'not an NDJSON source DuckDB may read';
    if (typeof jp === 'string') return refs ? undefined : this.addThreadRead(src, plan);
    this.reads.addScan(src, this.dir);
    // The exported resources are the run's (known at the source's turn): such a file is loaded then.
    const ahead = !refs && this.loadAhead(src);
    const load = this.reads.get(src.id)!.then(async (got) => {
      const scan = got.scan!;
      if (scan.refused) return { got, cells: null, db: null };
      const cells: JsonCells = { kind: 'json', path: got.info.path, lines: scan.lines, maxLineBytes: scan.maxLineBytes, plan: jp };
      if (!ahead) return { got, cells, db: null }; // loaded at its turn
      const db = await this.loadedDb((conn) => loadJsonCells(conn, cells));
      return { got, cells: db ? cells : null, db };
    });
    load.catch(() => undefined); // awaited (and thrown) at the source's turn
    this.jsonLoads.set(src.id, load);
  }

  private startCsvLoad(plan: ColumnarPlan): void {
    const src = plan.src;
    if (src.format !== 'csv' || src.tables.some(inDoseLog) || src.references.length > 0 || !this.loadAhead(src)) return;
    // Column checks and suspected identifiers wait for the source's turn (the report keeps its order).
    const load = this.csvHead(src).then(async (h) => {
      if (!h.direct) return h;
      const direct = h.direct;
      const db = await this.loadedDb((conn) => loadDirectCsv(conn, src, direct, plan.paths));
      return { ...h, direct: db ? direct : null, db };
    });
    load.catch(() => undefined); // awaited (and thrown) at the source's turn
    this.csvLoads.set(src.id, load);
  }

  /** Closes whatever is still open (loaded databases, reader threads, spill and raw files, parked sources). */
  async close(): Promise<void> {
    for (const l of [...this.jsonLoads.values(), ...this.csvLoads.values()]) await l.then((x) => x.db?.close()).catch(() => undefined);
    await this.pool?.close();
    for (const p of this.parked.values()) p.spill.dispose();
    for (const r of this.raws.values()) r.close();
    for (const c of this.columnarParked.values()) c.res.close();
  }
}
