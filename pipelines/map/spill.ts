// Candidates parked on disk between the ingest's two phases: a source that feeds the dose log
// (phase A) and the long tables (phase B) is read once; its phase-B candidates are written
// here in phase A and read back, in the same order, once the slot grid exists. Memory stays
// flat: one frame (one piece of the source) is held at a time.
//
// Compact and exact: a frame is JSON of a flat cell list; each candidate is a shape (table,
// key order of its values and extra, number of problems) followed by its cells. Cells JSON
// cannot carry exactly (undefined, dates, -0, non-finite numbers, objects) go to a side list
// written with v8's structured serialisation, so every value comes back as it went in.
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import type { TableName } from '../../schemas/index.js';
import type { Candidate, RecordProblem } from './records.js';

interface Shape {
  table: TableName;
  /** Key order of values and extra; null: the whole object is one side-list cell. */
  values: string[] | null;
  extra: string[] | null;
  problems: number;
}

type Cell = string | number | boolean | null | { a: Cell[] } | { x: number };

const isPlain = (v: unknown): v is string | number | boolean | null =>
  typeof v === 'string' || v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0));

function keysOf(o: Record<string, unknown>): string[] | null {
  const keys: string[] = [];
  for (const k in o) {
    if (k === '__proto__') return null;
    keys.push(k);
  }
  return keys;
}

/** Pushes the cells of `o` if its keys are `keys` in that order; false (cells partly pushed) if not. */
function pushObject(o: Record<string, unknown>, keys: string[] | null, cells: Cell[], slow: (v: unknown) => Cell): boolean {
  if (keys === null) return false;
  let i = 0;
  for (const k in o) {
    if (keys[i] !== k) return false;
    const v = o[k];
    cells.push(
      typeof v === 'string' || v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v) && (v !== 0 || 1 / v > 0)) ? v : slow(v),
    );
    i++;
  }
  return i === keys.length;
}

type Decoder = (c: Cell[], i: number, m: (v: Cell) => unknown, w: [string, string][]) => Candidate;

/** Compiles `(cells, at, …) → candidate` for a shape: object literals in the shape's key order. */
function decoder(sh: Shape): { decode: Decoder; cells: number } {
  let n = 0;
  const cell = () => {
    const at = n++;
    return `(typeof (a = c[i + ${at}]) === 'object' && a !== null ? m(a) : a)`;
  };
  const obj = (keys: string[] | null) => (keys === null ? cell() : `{ ${keys.map((k) => `${JSON.stringify(k)}: ${cell()}`).join(', ')} }`);
  const values = obj(sh.values);
  const extra = obj(sh.extra);
  const w = n++;
  const where = `{ file: w[c[i + ${w}]][0], sha256: w[c[i + ${w}]][1], row: ${cell()}, pointer: ${cell()} }`;
  const problems: string[] = [];
  for (let p = 0; p < sh.problems; p++) problems.push(`{ field: ${cell()}, raw: ${cell()}, check: ${cell()}, message: ${cell()} }`);
  // Keys are field names of our own schemas and specs (never input data; "__proto__" gets a null shape), so the generated code is safe.
  const decode = new Function(
    'c',
    'i',
    'm',
    'w',
    `let a;\nreturn { table: ${JSON.stringify(sh.table)}, values: ${values}, extra: ${extra}, where: ${where}, problems: [${problems.join(', ')}] };`,
  ) as Decoder;
  return { decode, cells: n };
}

export class CandidateSpill {
  private fd: number;
  private readonly frames: { at: number; json: number; side: number }[] = [];
  private at = 0;
  private readonly shapes: Shape[] = [];
  private readonly shapeIndex = new Map<string, number>();
  private written = 0;
  private readonly recentShapes = new Map<TableName, number[]>();
  private closed = false;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w+');
  }

  /** Appends one frame: the candidates of one piece of the source, in order. */
  write(candidates: Candidate[]): void {
    const cells: Cell[] = [];
    const side: unknown[] = [];
    const sideIndex = new Map<unknown, number>();
    const wheres: [string, string][] = [];
    let lastFile: string | null = null;
    let lastSha: string | null = null;
    let whereIdx = -1;
    const cell = (v: unknown): Cell => {
      if (isPlain(v)) return v;
      if (Array.isArray(v) && v.every(isPlain)) return { a: v as Cell[] };
      let i = sideIndex.get(v);
      if (i === undefined) {
        i = side.length;
        side.push(v);
        // Objects keep their identity within a frame (e.g. a table map's unit table shared by its records).
        if (typeof v === 'object' && v !== null) sideIndex.set(v, i);
      }
      return { x: i };
    };
    for (const c of candidates) {
      const start = cells.length;
      // The table's recent shapes first (a source's records come in a few shapes, often interleaved).
      let recent = this.recentShapes.get(c.table);
      if (!recent) this.recentShapes.set(c.table, (recent = []));
      let done = false;
      for (const sh of recent) {
        const s = this.shapes[sh]!;
        cells.push(sh);
        if (s.problems === c.problems.length && pushObject(c.values, s.values, cells, cell) && pushObject(c.extra, s.extra, cells, cell)) {
          done = true;
          break;
        }
        cells.length = start;
      }
      if (!done) {
        const sh = this.shapeOf(c);
        const s = this.shapes[sh]!;
        if (recent.length >= 4) recent.pop();
        recent.unshift(sh);
        cells.push(sh);
        if (s.values === null) cells.push(cell(c.values));
        else pushObject(c.values, s.values, cells, cell);
        if (s.extra === null) cells.push(cell(c.extra));
        else pushObject(c.extra, s.extra, cells, cell);
      }
      const w = c.where;
      if (w.file !== lastFile || w.sha256 !== lastSha) {
        whereIdx = wheres.findIndex(([f, s]) => f === w.file && s === w.sha256);
        if (whereIdx === -1) whereIdx = wheres.push([w.file, w.sha256]) - 1;
        lastFile = w.file;
        lastSha = w.sha256;
      }
      cells.push(whereIdx, cell(w.row), cell(w.pointer));
      for (const p of c.problems) cells.push(cell(p.field), cell(p.raw), cell(p.check), cell(p.message));
    }
    const json = Buffer.from(JSON.stringify({ s: this.shapes.slice(this.written), w: wheres, c: cells }));
    this.written = this.shapes.length;
    const sideBuf = side.length > 0 ? serialize(side) : Buffer.alloc(0);
    this.append(json);
    this.append(sideBuf);
    this.frames.push({ at: this.at - json.length - sideBuf.length, json: json.length, side: sideBuf.length });
  }

  /** The frames in the order written, one at a time. */
  *read(): Generator<Candidate[]> {
    const decoders: { decode: Decoder; cells: number }[] = [];
    for (const f of this.frames) {
      const json = Buffer.allocUnsafe(f.json);
      this.readAt(json, f.at);
      const frame = JSON.parse(json.toString('utf8')) as { s: Shape[]; w: [string, string][]; c: Cell[] };
      let side: unknown[] = [];
      if (f.side > 0) {
        const buf = Buffer.allocUnsafe(f.side);
        this.readAt(buf, f.at + f.json);
        side = deserialize(buf) as unknown[];
      }
      for (const s of frame.s) decoders.push(decoder(s));
      const cells = frame.c;
      const marker = (v: Cell): unknown => ('a' in (v as object) ? (v as { a: Cell[] }).a : side[(v as { x: number }).x]);
      const out: Candidate[] = [];
      for (let i = 0; i < cells.length; ) {
        const d = decoders[cells[i] as number]!;
        out.push(d.decode(cells, i + 1, marker, frame.w));
        i += 1 + d.cells;
      }
      yield out;
    }
  }

  /** Closes and removes the file. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.path, { force: true });
  }

  private shapeOf(c: Candidate): number {
    const values = keysOf(c.values);
    const extra = keysOf(c.extra);
    const key = JSON.stringify([c.table, values, extra, c.problems.length]);
    let i = this.shapeIndex.get(key);
    if (i === undefined) {
      i = this.shapes.push({ table: c.table, values, extra, problems: c.problems.length }) - 1;
      this.shapeIndex.set(key, i);
    }
    return i;
  }

  private append(buf: Buffer): void {
    for (let off = 0; off < buf.length; ) off += writeSync(this.fd, buf, off, buf.length - off, this.at + off);
    this.at += buf.length;
  }

  private readAt(buf: Buffer, at: number): void {
    for (let off = 0; off < buf.length; ) {
      const n = readSync(this.fd, buf, off, buf.length - off, at + off);
      if (n === 0) throw new Error(`spill file ${this.path} ended early`);
      off += n;
    }
  }
}
