// One source mapped column-wise: its rows come the way the schedule decided (DuckDB reading the file
// itself, reader threads, or our reader on the main thread), then map/columnar.ts maps them.
import { join } from 'node:path';
import type { SourceSpec } from '../../schemas/mapping-spec.js';
import { streamSource, type SourceData, type SourceRow } from '../read/source.js';
import { followReferences, type UnresolvedReferences } from '../map/references.js';
import {
  DirectCsvRefused,
  RawWriter,
  mapColumnar,
  type ColumnarDb,
  type ColumnarPlan,
  type ColumnarResult,
  type DirectCsv,
  type RawCells,
} from '../map/columnar.js';
import { JsonCellsRefused, type JsonCells } from '../map/json-cells.js';
import type { RawRead } from '../map/raw-read.js';
import { explainOutOfMemory } from '../store/memory.js';
import { columnarStaging } from './columnar-staging.js';
import type { IngestRun } from './run.js';
import type { SourceSchedule } from './schedule.js';

type Info = Omit<SourceData, 'rows'>;
type Cells = RawCells | ((DirectCsv | JsonCells) & { loaded?: ColumnarDb });

/** The source's rows through our reader into a raw-cell file (the columnar path's input when DuckDB does not read the file). */
async function readRows(run: IngestRun, sched: SourceSchedule, src: SourceSpec, plan: ColumnarPlan, setInfo: (i: Info) => void): Promise<RawWriter> {
  // The source's references followed as each row's cells are written, counted before the cohort test (as mapSource's gate does).
  const refs = run.ctx.references?.get(src.id);
  const unresolved: UnresolvedReferences = { counts: {}, examples: [] };
  const follow = refs ? (row: SourceRow) => followReferences(src, refs, row, unresolved) : undefined;
  const w = new RawWriter(plan.paths, join(run.work, `raw-${src.id}.csv`), sched.cohortOf(src, refs !== undefined), follow);
  if (refs) w.unresolved = unresolved;
  sched.raws.set(src.id, w);
  const stream = await streamSource(src, run.dir);
  const info = { file: stream.file, path: stream.path, sha256: stream.sha256, bytes: stream.bytes, columns: stream.columns };
  setInfo(info);
  let first = true;
  for await (const rows of stream.chunks) {
    if (first) run.inspectColumns(src, { ...info, rows });
    first = false;
    w.write(rows);
  }
  if (first) run.inspectColumns(src, { ...info, rows: [] });
  w.close();
  sched.raws.delete(src.id);
  return w;
}

/** A read on the reader threads, waited for. */
async function takeRead(run: IngestRun, src: SourceSpec, read: Promise<RawRead>, setInfo: (i: Info) => void): Promise<RawRead> {
  const tw = performance.now();
  const got = await read;
  run.timer.add('wait_readers', performance.now() - tw);
  setInfo(got.info);
  run.inspectColumns(src, { ...got.info, rows: got.head ?? [] });
  return got;
}

/** The source's cells, however the schedule has them coming. */
async function acquire(
  run: IngestRun,
  sched: SourceSchedule,
  src: SourceSpec,
  plan: ColumnarPlan,
  setInfo: (i: Info) => void,
  parkedRaw?: RawWriter,
): Promise<Cells> {
  const ourNdjsonReader = (): Promise<RawRead> => {
    sched.addThreadRead(src, plan);
    return takeRead(run, src, sched.reads.get(src.id)!, setInfo);
  };
  const jsonLoad = parkedRaw ? undefined : sched.jsonLoads.get(src.id);
  const csvLoad = sched.csvLoads.get(src.id);
  sched.jsonLoads.delete(src.id);
  sched.csvLoads.delete(src.id);
  const read = parkedRaw || jsonLoad ? null : sched.reads.get(src.id);
  if (jsonLoad) {
    const tw = performance.now();
    const pre = await jsonLoad.catch((e: unknown) => {
      throw explainOutOfMemory(e, `reading source ${src.id} (${src.file}) in DuckDB (nothing in the store was changed)`);
    });
    run.timer.add('wait_readers', performance.now() - tw);
    setInfo(pre.got.info);
    // A source with references: DuckDB resolves them against the run's exported resources (map/json-refs.ts); refused, our
    // reader follows them on the main thread.
    const refs = run.ctx.references?.get(src.id);
    if (pre.cells && src.references.length > 0) return { ...pre.cells, srcId: src.id, targets: refs ?? [] };
    if (src.references.length > 0) return readRows(run, sched, src, plan, setInfo);
    return pre.cells ? { ...pre.cells, ...(pre.db ? { loaded: pre.db } : {}) } : await ourNdjsonReader();
  }
  if (read) return takeRead(run, src, read, setInfo);
  if (parkedRaw) {
    const s = run.sources.find((x) => x.source === src.id)!;
    setInfo({ file: s.file, path: s.path, sha256: s.sha256, bytes: s.bytes, columns: [] });
    parkedRaw.close();
    sched.raws.delete(src.id);
    return parkedRaw;
  }
  // NDJSON and workbooks through our readers (NDJSON that DuckDB reads as we do was planned by the schedule: docs/decisions.md §15).
  if (src.format !== 'csv' || src.references.length > 0) return readRows(run, sched, src, plan, setInfo);
  // The header and first rows through our parser (column checks, suspected identifiers); loaded ahead or not.
  const h = await (csvLoad ?? sched.csvHead(src));
  setInfo(h.info);
  run.inspectColumns(src, { ...h.info, rows: h.head });
  return h.direct ? { ...h.direct, ...(h.db ? { loaded: h.db } : {}) } : readRows(run, sched, src, plan, setInfo);
}

/** Maps a source column-wise; when DuckDB refuses its file after all, our reader reads it and the mapping runs again. */
export async function mapColumnarSource(
  run: IngestRun,
  sched: SourceSchedule,
  src: SourceSpec,
  plan: ColumnarPlan,
  parkedRaw?: RawWriter,
): Promise<{ res: ColumnarResult; info: Info }> {
  let info: Info = { file: '', path: '', sha256: '', bytes: 0, columns: [] };
  const setInfo = (i: Info) => (info = i);
  const raw = await acquire(run, sched, src, plan, setInfo, parkedRaw);
  const staging = columnarStaging();
  try {
    const tm = performance.now();
    const res = await mapColumnar(plan, raw, info, run.ctx, run.work, staging);
    run.timer.add('map_columnar', performance.now() - tm);
    return { res, info };
  } catch (e) {
    if (e instanceof DirectCsvRefused)
      return { res: await mapColumnar(plan, await readRows(run, sched, src, plan, setInfo), info, run.ctx, run.work, staging), info };
    if (e instanceof JsonCellsRefused && src.references.length > 0)
      return { res: await mapColumnar(plan, await readRows(run, sched, src, plan, setInfo), info, run.ctx, run.work, staging), info };
    if (e instanceof JsonCellsRefused) {
      sched.addThreadRead(src, plan);
      return { res: await mapColumnar(plan, await takeRead(run, src, sched.reads.get(src.id)!, setInfo), info, run.ctx, run.work, staging), info };
    }
    throw explainOutOfMemory(e, `mapping source ${src.id} (${src.file}) column-wise (nothing in the store was changed)`);
  }
}
