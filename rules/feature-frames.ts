// Slot feature frames: each centre's stored slot features in the columns the engine evaluates, one file per centre in
// <store>/frames/slot_features/<centre>.frame, written by ingest right after the centre's slot_features rows.
// Converting DuckDB rows to typed columns cost several times a scan of the observation table (the DOUBLE[k] vectors
// are copied out of DuckDB, then de-interleaved); a frame file is read straight into the columns, one read per column.
// DuckDB stays the source of truth: a frame carries the centre's data version and the feature definition hash it was
// made from, and a reader uses it only when both still match slot_features_state (rules/feature-store.ts). A missing,
// stale or damaged frame is never an error: the reader falls back to slot_features.
//
// Layout (little-endian): "IL2F" | u32 header bytes | header JSON | pad to 8 | slot_number Int32[n] | pad to 8 |
// status Uint8[n] (index into header.statuses, 255 unknown) | pad to 8 | reasons Uint16[n] (index into
// header.reason_sets, 0 = none) | pad to 8 | one Float64[n] per header.columns entry. The header keeps strings once per
// cycle (cycles: parallel arrays) and each distinct set of hold reasons once: reading is a few reads and fills.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { frameFile, framesDir } from '../pipelines/store/paths.js';
import type { RuleVariableCode } from '../schemas/index.js';
import { FEATURE_COLUMNS, type SlotFeatureFrame } from './features.js';

const MAGIC = 'IL2F';
const FORMAT_VERSION = 2;

/** What a frame was made from; a reader compares it with the store's current stamp. */
export interface FrameStamp {
  centre_id: string;
  data_version: number;
  definition: string;
}

interface FrameHeader extends FrameStamp {
  format_version: number;
  n: number;
  columns: string[];
  statuses: string[];
  /** First row, cycle_id and patient_key of each cycle, in row order. */
  cycles: { start: number[]; cycle_id: string[]; patient_key: string[] };
  /** Distinct sets of hold reason codes; set 0 is the empty one. */
  reason_sets: string[][];
}

const pad8 = (x: number): number => (x + 7) & ~7;

/** Byte offsets of the sections after the header (slot numbers start at slotAt). */
function layout(slotAt: number, n: number): { statusAt: number; reasonAt: number; colsAt: number } {
  const statusAt = pad8(slotAt + 4 * n);
  const reasonAt = pad8(statusAt + n);
  return { statusAt, reasonAt, colsAt: pad8(reasonAt + 2 * n) };
}

export { frameFile };

/**
 * Writes one centre's frame (all of `frame` must be that centre's rows, in SLOT_ORDER) atomically (temp file, rename).
 * @example writeFeatureFrame(storeDir, frame, { centre_id: 'amstel', data_version: 3, definition: FEATURE_DEFINITION })
 */
export function writeFeatureFrame(storeDir: string, frame: SlotFeatureFrame, stamp: FrameStamp): string {
  const n = frame.n;
  const statuses = [...new Set(frame.status)].sort();
  const cycles: FrameHeader['cycles'] = { start: [], cycle_id: [], patient_key: [] };
  const reasonSets: string[][] = [[]];
  const reasonSet = new Map<string, number>([['', 0]]);
  const reasonCode = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    if (frame.centre_id[i] !== stamp.centre_id) throw new Error(`writeFeatureFrame: row ${i} belongs to centre ${frame.centre_id[i]}, not ${stamp.centre_id}`);
    if (i === 0 || frame.cycle_id[i] !== frame.cycle_id[i - 1]) {
      cycles.start.push(i);
      cycles.cycle_id.push(frame.cycle_id[i]!);
      cycles.patient_key.push(frame.patient_key[i]!);
    } else if (frame.patient_key[i] !== frame.patient_key[i - 1]) throw new Error(`writeFeatureFrame: row ${i}: cycle ${frame.cycle_id[i]} changes patient`);
    const codes = frame.hold_reason_codes[i]!;
    const key = codes.join('\u0000');
    let k = reasonSet.get(key);
    if (k === undefined) {
      k = reasonSets.length;
      if (k > 0xffff) throw new Error('writeFeatureFrame: more than 65,535 distinct sets of hold reasons');
      reasonSet.set(key, k);
      reasonSets.push([...codes]);
    }
    reasonCode[i] = k;
  }
  const header: FrameHeader = { format_version: FORMAT_VERSION, ...stamp, n, columns: [...FEATURE_COLUMNS], statuses, cycles, reason_sets: reasonSets };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const slotAt = pad8(8 + json.length);
  const { statusAt, reasonAt, colsAt } = layout(slotAt, n);
  const buf = Buffer.alloc(colsAt + 8 * n * FEATURE_COLUMNS.length);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(json.length, 4);
  json.copy(buf, 8);
  const slots = new Int32Array(buf.buffer, buf.byteOffset + slotAt, n);
  for (let i = 0; i < n; i++) slots[i] = frame.slot_number[i]!;
  const code = new Map(statuses.map((s, k) => [s, k]));
  for (let i = 0; i < n; i++) buf[statusAt + i] = code.get(frame.status[i]!) ?? 255;
  new Uint16Array(buf.buffer, buf.byteOffset + reasonAt, n).set(reasonCode);
  FEATURE_COLUMNS.forEach((c, k) => {
    const col = frame.values[c];
    if (col === undefined || col.length !== n) throw new Error(`writeFeatureFrame: column ${c} is missing or has the wrong length`);
    new Float64Array(buf.buffer, buf.byteOffset + colsAt + 8 * n * k, n).set(col);
  });
  const file = frameFile(storeDir, stamp.centre_id);
  mkdirSync(framesDir(storeDir), { recursive: true });
  writeFileSync(`${file}.tmp`, buf);
  renameSync(`${file}.tmp`, file);
  return file;
}

/** Removes a centre's frame (when its features could not be refreshed, so nobody reads an old one by mistake). */
export function removeFeatureFrame(storeDir: string, centreId: string): void {
  rmSync(frameFile(storeDir, centreId), { force: true });
}

interface OpenFrame {
  fd: number;
  header: FrameHeader;
  slotAt: number;
  statusAt: number;
  reasonAt: number;
  colsAt: number;
}

/** Opens and checks a frame: null when it is missing, damaged, or not made from `expect`. */
function openFrame(storeDir: string, expect: FrameStamp): OpenFrame | null {
  const file = frameFile(storeDir, expect.centre_id);
  if (!existsSync(file)) return null;
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(8);
    if (readSync(fd, head, 0, 8, 0) !== 8 || head.toString('latin1', 0, 4) !== MAGIC) throw new Error('bad magic');
    const len = head.readUInt32LE(4);
    if (8 + len > size) throw new Error('bad header length');
    const json = Buffer.alloc(len);
    readSync(fd, json, 0, len, 8);
    const header = JSON.parse(json.toString('utf8')) as FrameHeader;
    const n = header.n;
    const slotAt = pad8(8 + len);
    const { statusAt, reasonAt, colsAt } = layout(slotAt, n);
    const ok =
      header.format_version === FORMAT_VERSION &&
      header.centre_id === expect.centre_id &&
      header.data_version === expect.data_version &&
      header.definition === expect.definition &&
      header.columns.join(',') === FEATURE_COLUMNS.join(',') &&
      size === colsAt + 8 * n * header.columns.length;
    if (!ok) {
      closeSync(fd);
      return null;
    }
    return { fd, header, slotAt, statusAt, reasonAt, colsAt };
  } catch {
    closeSync(fd);
    return null;
  }
}

function readExactly(fd: number, target: Uint8Array, position: number): void {
  let done = 0;
  while (done < target.length) {
    const got = readSync(fd, target, done, target.length - done, position + done);
    if (got === 0) throw new Error('frame file ended early');
    done += got;
  }
}

/**
 * Reads the frames of `stamps` (in that order) into one frame, or returns null when any of them is missing, stale or
 * unreadable.
 * Each column is read from every file straight into its place in the combined column.
 * @example const frame = readFeatureFrames(storeDir, [{ centre_id: 'amstel', data_version: 3, definition }]);
 */
export function readFeatureFrames(storeDir: string, stamps: readonly FrameStamp[]): SlotFeatureFrame | null {
  const open: OpenFrame[] = [];
  try {
    for (const s of stamps) {
      const f = openFrame(storeDir, s);
      if (f === null) return null;
      open.push(f);
    }
    const n = open.reduce((a, f) => a + f.header.n, 0);
    const slotNumber = new Int32Array(n);
    const statusCode = new Uint8Array(n);
    // One block for every column: one large allocation instead of one per column (each can set off a collection).
    const block = new ArrayBuffer(8 * n * FEATURE_COLUMNS.length);
    const cols = FEATURE_COLUMNS.map((_, k) => new Float64Array(block, 8 * n * k, n));
    // Arrays made at their final length and filled by runs: growing them row by row cost more than reading the file.
    const centreId = new Array<string>(n);
    const patientKey = new Array<string>(n);
    const cycleId = new Array<string>(n);
    const status = new Array<string>(n);
    const none: string[] = [];
    const reasons = new Array<string[]>(n);
    const reasonCode = new Uint16Array(n);
    let base = 0;
    for (const f of open) {
      const h = f.header;
      const m = h.n;
      readExactly(f.fd, new Uint8Array(slotNumber.buffer, base * 4, m * 4), f.slotAt);
      readExactly(f.fd, new Uint8Array(statusCode.buffer, base, m), f.statusAt);
      readExactly(f.fd, new Uint8Array(reasonCode.buffer, base * 2, m * 2), f.reasonAt);
      cols.forEach((col, k) => readExactly(f.fd, new Uint8Array(col.buffer, col.byteOffset + base * 8, m * 8), f.colsAt + 8 * m * k));
      centreId.fill(h.centre_id, base, base + m);
      const { start, cycle_id: cycleIds, patient_key: patients } = h.cycles;
      for (let c = 0; c < start.length; c++) {
        const end = c + 1 < start.length ? start[c + 1]! : m;
        cycleId.fill(cycleIds[c]!, base + start[c]!, base + end);
        patientKey.fill(patients[c]!, base + start[c]!, base + end);
      }
      const names = h.statuses;
      const sets = h.reason_sets;
      for (let i = base; i < base + m; i++) {
        status[i] = names[statusCode[i]!] ?? 'unknown';
        const r = reasonCode[i]!;
        reasons[i] = r === 0 ? none : sets[r]!;
      }
      base += m;
    }
    const values: Partial<Record<RuleVariableCode, Float64Array>> = {};
    FEATURE_COLUMNS.forEach((c, k) => {
      values[c] = cols[k]!;
    });
    return { n, centre_id: centreId, patient_key: patientKey, cycle_id: cycleId, slot_number: slotNumber, status, hold_reason_codes: reasons, values };
  } catch {
    // A frame that passed its checks but cannot be read (changed underfoot, a header that lies): the caller reads
    // the stored rows instead, as for any other unusable frame.
    return null;
  } finally {
    for (const f of open) closeSync(f.fd);
  }
}

/** Frames one after the other (each in SLOT_ORDER, centres in order): the columns the engine reads over all of them. */
export function concatFrames(parts: readonly SlotFeatureFrame[]): SlotFeatureFrame {
  if (parts.length === 1) return parts[0]!;
  const n = parts.reduce((a, p) => a + p.n, 0);
  const slotNumber = new Int32Array(n);
  const values: Partial<Record<RuleVariableCode, Float64Array>> = {};
  for (const c of FEATURE_COLUMNS) values[c] = new Float64Array(n);
  let base = 0;
  for (const p of parts) {
    slotNumber.set(p.slot_number, base);
    for (const c of FEATURE_COLUMNS) values[c]!.set(p.values[c]!, base);
    base += p.n;
  }
  const cat = <T>(get: (p: SlotFeatureFrame) => readonly T[]): T[] => parts.flatMap((p) => get(p));
  return {
    n,
    centre_id: cat((p) => p.centre_id),
    patient_key: cat((p) => p.patient_key),
    cycle_id: cat((p) => p.cycle_id),
    slot_number: slotNumber,
    status: cat((p) => p.status),
    hold_reason_codes: cat((p) => p.hold_reason_codes),
    values,
  };
}
