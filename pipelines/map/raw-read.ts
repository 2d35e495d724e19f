// Reading a source's cells for the columnar path (columnar-input.ts) off the main thread. A source
// that only our readers can read (NDJSON, xlsx) is read by a worker thread as soon as the ingest
// starts, while the main thread maps the sources before it; a large NDJSON file is cut into line
// ranges read side by side. Each task writes a raw file of its own; the main thread takes them in
// row order (RawCells). With no workers the same tasks run on the main thread when asked for.
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InputError } from '../read/errors.js';
import { fileIdentity, knownFileHash, knownSha256, rememberFileHash } from '../read/file-hash.js';
import { lineRanges, streamSource, type LineRange, type SourceRow } from '../read/source.js';
import { RawWriter, type RawCells } from './columnar-input.js';
import { checkColumns } from './source-columns.js';
import { scanNdjson, type NdjsonScan } from './json-cells.js';
import type { CohortFilter } from './cohort.js';
import type { SourceSpec } from '../../schemas/mapping-spec.js';
import { startModuleWorker } from '../../project/index.js';

export interface RawTask {
  src: SourceSpec;
  /** The spec's folder. */
  dir: string;
  /** The plan's cell paths. */
  paths: string[];
  /** The raw file to write. */
  out: string;
  range?: LineRange;
  /** Only scan the NDJSON file (its hash and the checks DuckDB's own reading needs, map/json-cells.ts). */
  scan?: boolean;
  /** Leave out (count, never write) the lines of patients outside the cohort. */
  cohort?: CohortFilter;
  /** The file's hash as the main thread knows it (read/file-hash.ts), with the file identity it was taken at. */
  known?: { id: string; sha256: string };
}

export interface RawDone {
  file: string;
  path: string;
  /** '' for a line range other than the first. */
  sha256: string;
  bytes: number;
  columns: string[];
  /** The first rows of the first piece (null when the source had no piece), for the column checks. */
  head: SourceRow[] | null;
  out: string;
  odd: SourceRow[];
  /** Rows of patients outside the cohort: counted, not written. */
  outside: number;
  scan?: NdjsonScan;
  /** The file's identity before it was read, for the main thread to remember the hash by. */
  identity?: string | null;
}

/** Reads one task's rows and writes their cells (what a worker runs). */
export async function readRawTask(task: RawTask): Promise<RawDone> {
  const path = join(task.dir, task.src.file);
  // A hash the main thread has (the run's stamp) is this thread's too: the file is not hashed twice.
  if (task.known) rememberFileHash(path, task.known.id, task.known.sha256);
  const identity = fileIdentity(path);
  if (task.scan && existsSync(path)) {
    const scan = scanNdjson(path, task.src.max_field_chars, undefined, knownSha256(path));
    return { file: basename(path), path, sha256: scan.sha256, bytes: scan.bytes, columns: [], head: null, out: '', odd: [], outside: 0, scan, identity };
  }
  const stream = await streamSource(task.src, task.dir, undefined, task.range);
  const w = new RawWriter(task.paths, task.out, task.cohort);
  let head: SourceRow[] | null = null;
  try {
    for await (const rows of stream.chunks) {
      if (!head) {
        head = rows.slice(0, 200);
        // Checked here, on the first piece, so a missing column is told before a fault further down the file.
        if (stream.columns.length > 0) checkColumns(task.src, stream.file, stream.columns, rows);
      }
      w.write(rows);
    }
  } finally {
    w.close();
  }
  const info = { file: stream.file, path: stream.path, sha256: stream.sha256, bytes: stream.bytes, columns: stream.columns };
  return { ...info, head, out: task.out, odd: w.odd, outside: w.outside, identity };
}

/** A source read in one or more tasks, as the columnar path takes it. */
export interface RawRead extends RawCells {
  info: { file: string; path: string; sha256: string; bytes: number; columns: string[] };
  head: SourceRow[] | null;
  /** A scan task's result: the file was scanned, not read (no raw files). */
  scan?: NdjsonScan;
}

export function joinRawDone(parts: RawDone[]): RawRead {
  const first = parts[0]!;
  return {
    kind: 'raw',
    files: parts.map((p) => p.out),
    odd: parts.flatMap((p) => p.odd),
    outside: parts.reduce((n, p) => n + p.outside, 0),
    info: { file: first.file, path: first.path, sha256: first.sha256, bytes: first.bytes, columns: first.columns },
    head: first.head,
    ...(first.scan ? { scan: first.scan } : {}),
  };
}

/** How many reader threads an ingest uses by default: one per core, at most 3, none on a single core (IL2KIT_READ_WORKERS overrides). */
export function defaultReadWorkers(env: NodeJS.ProcessEnv = process.env): number {
  const set = env.IL2KIT_READ_WORKERS;
  if (set !== undefined && /^\d+$/.test(set)) return Number(set);
  const cores = availableParallelism();
  return cores < 2 ? 0 : Math.min(3, cores);
}

interface Slot {
  w: Worker;
  /** The task it runs, null when idle. */
  job: number | null;
}

type Message = { id: number; done?: RawDone; error?: { name: string; message: string; input?: [string, string, string, string] } };

/** What the raw reads did (for tests): tasks run, of which line ranges, and reader threads alive now. */
export const rawReadStats = { tasks: 0, rangeTasks: 0, threadTasks: 0, liveThreads: 0 };

/** Runs raw-read tasks on up to `size` worker threads (created when first needed, stopped by close). */
export class RawReadPool {
  private workers: Slot[] = [];
  private queue: { id: number; task: RawTask }[] = [];
  private waiting = new Map<number, { task: RawTask; resolve: (d: RawDone) => void; reject: (e: unknown) => void }>();
  private nextId = 0;
  private closed = false;
  constructor(readonly size: number) {}

  run(task: RawTask): Promise<RawDone> {
    if (this.closed) return Promise.reject(new Error('the reader pool is closed'));
    const id = this.nextId++;
    const known = knownFileHash(join(task.dir, task.src.file));
    const p = new Promise<RawDone>((resolve, reject) => this.waiting.set(id, { task, resolve, reject }));
    this.queue.push({ id, task: known === null ? task : { ...task, known } });
    this.pump();
    return p;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.workers.find((x) => x.job === null);
      if (!slot && this.workers.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job.id;
      slot.w.postMessage(job);
    }
  }

  private settle(id: number, outcome: { done: RawDone } | { error: unknown }): void {
    const waiter = this.waiting.get(id);
    this.waiting.delete(id);
    if ('done' in outcome) waiter?.resolve(outcome.done);
    else waiter?.reject(outcome.error);
  }

  private spawn(): Slot {
    const slot: Slot = { w: startWorker(), job: null };
    rawReadStats.liveThreads++;
    slot.w.on('message', (m: Message) => {
      slot.job = null;
      // The thread's hash is the main thread's too (the stamp of a run that did not take one up front).
      if (m.done?.sha256) rememberFileHash(m.done.path, m.done.identity ?? null, m.done.sha256);
      if (m.done) this.settle(m.id, { done: m.done });
      else this.settle(m.id, { error: m.error?.input ? new InputError(...m.error.input) : this.threadError(m.id, m.error?.message ?? 'no message') });
      this.pump();
    });
    // A thread that dies (e.g. out of memory) fails its own task, naming the file; the others go on.
    const died = (why: string) => {
      if (this.closed || !this.workers.includes(slot)) return;
      this.workers = this.workers.filter((x) => x !== slot);
      if (slot.job !== null) this.settle(slot.job, { error: this.threadError(slot.job, why) });
      this.pump();
    };
    slot.w.on('error', (e) => died(e.message));
    slot.w.on('exit', (code) => {
      rawReadStats.liveThreads--;
      died(`the thread stopped (exit code ${code})`);
    });
    this.workers.push(slot);
    return slot;
  }

  /** An unexpected failure of a task, naming its file and what to try. */
  private threadError(id: number, why: string): Error {
    const src = this.waiting.get(id)?.task.src;
    const what = src ? `${src.file} (source ${src.id})` : 'a source';
    return new Error(`reading ${what} on a reader thread failed: ${why}. Run again with IL2KIT_READ_WORKERS=0 to read it on the main thread`);
  }

  private failAll(e: unknown): void {
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
    this.queue = [];
  }

  /** Stops the threads; tasks still running are abandoned (their promises reject). */
  async close(): Promise<void> {
    this.closed = true;
    this.failAll(new Error('the reader pool was closed'));
    await Promise.all(this.workers.map((x) => x.w.terminate()));
    this.workers = [];
  }
}

/** The worker module next to this one (compiled, or its TypeScript source through tsx). */
function startWorker(): Worker {
  // A young generation as large as the CLI's (--max-semi-space-size=64): a piece's parsed rows die young
  // instead of being promoted (about 20% less time on FHIR NDJSON).
  return startModuleWorker(import.meta.url, 'raw-read-worker', { maxYoungGenerationSizeMb: 192 });
}

/**
 * The raw reads of an ingest: started up front on the pool (or, with no pool, run when first asked
 * for). `get` returns the source's RawRead, or null when it was not planned here.
 */
export class RawReads {
  private started = new Map<string, () => Promise<RawRead>>();
  constructor(private pool: RawReadPool | null) {}

  /** Plans the reads of a source: `parts` line ranges for a large NDJSON file when there is a pool. */
  add(src: SourceSpec, dir: string, paths: string[], out: (k: number) => string, rangeParts: number, cohort?: CohortFilter): void {
    const ranges = this.pool && src.format === 'ndjson' && rangeParts > 1 ? lineRanges(join(dir, src.file), rangeParts) : [undefined];
    const tasks: RawTask[] = ranges.map((range, k) => ({ src, dir, paths, out: out(k), ...(range ? { range } : {}), ...(cohort ? { cohort } : {}) }));
    rawReadStats.tasks += tasks.length;
    if (tasks.length > 1) rawReadStats.rangeTasks += tasks.length;
    if (this.pool) rawReadStats.threadTasks += tasks.length;
    if (this.pool) {
      const pool = this.pool;
      const all = Promise.all(tasks.map((t) => pool.run(t))).then(joinRawDone);
      all.catch(() => undefined); // awaited (and thrown) at the source's turn, or abandoned if the run fails first
      this.started.set(src.id, () => all);
    } else {
      this.started.set(src.id, async () => joinRawDone([await readRawTask(tasks[0]!)]));
    }
  }

  /** Plans a scan of an NDJSON source that DuckDB will read itself (map/json-cells.ts). */
  addScan(src: SourceSpec, dir: string): void {
    const task: RawTask = { src, dir, paths: [], out: '', scan: true };
    rawReadStats.tasks++;
    if (this.pool) {
      rawReadStats.threadTasks++;
      const run = this.pool.run(task).then((d) => joinRawDone([d]));
      run.catch(() => undefined);
      this.started.set(src.id, () => run);
    } else {
      this.started.set(src.id, async () => joinRawDone([await readRawTask(task)]));
    }
  }

  has(srcId: string): boolean {
    return this.started.has(srcId);
  }

  get(srcId: string): Promise<RawRead> | null {
    const f = this.started.get(srcId);
    if (!f) return null;
    this.started.delete(srcId);
    return f();
  }
}
