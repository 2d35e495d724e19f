// A workbook cut down to the entries one sheet needs, so exceljs's streaming reader inflates and
// parses that sheet only. exceljs inflates every entry of the zip (and parks each sheet in a temp
// file when the workbook has no shared strings) before it yields the first sheet; with one reader
// per source that was the whole workbook once per sheet read.
//
// Only raw compressed entries are copied (no XML is parsed here). Anything unusual — zip64, data
// before the first entry, unknown compression, an entry that does not inflate to its stated size —
// returns null and the caller reads the original file as before, so damaged workbooks meet the
// same checks and messages as ever.
import { Readable } from 'node:stream';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

interface Entry {
  name: string;
  /** The central-directory record. */
  cd: Buffer;
  local: number;
  /** Local header + data (+ data descriptor): up to the next entry. */
  length: number;
}

export interface ZipIndex {
  entries: Entry[];
}

const SHEET = /xl\/worksheets\/sheet(\d+)[.]xml/; // exceljs's own test for a worksheet entry

/** The entries of a complete, plain zip whose every entry but the worksheets inflates to its stated size; else null. */
export function indexZip(bytes: Buffer): ZipIndex | null {
  try {
    return indexOrThrow(bytes);
  } catch {
    return null;
  }
}

function indexOrThrow(bytes: Buffer): ZipIndex | null {
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65_557); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = bytes.readUInt16LE(eocd + 10);
  const cdSize = bytes.readUInt32LE(eocd + 12);
  const cdStart = bytes.readUInt32LE(eocd + 16);
  if (bytes.readUInt16LE(eocd + 4) !== 0 || bytes.readUInt16LE(eocd + 8) !== count || count === 0xffff) return null;
  if (cdStart === 0xffffffff || cdStart + cdSize !== eocd) return null;
  const entries: Entry[] = [];
  const names = new Set<string>();
  let p = cdStart;
  for (let k = 0; k < count; k++) {
    if (bytes.readUInt32LE(p) !== 0x02014b50) return null;
    const method = bytes.readUInt16LE(p + 10);
    const comp = bytes.readUInt32LE(p + 20);
    const size = bytes.readUInt32LE(p + 24);
    const nameLen = bytes.readUInt16LE(p + 28);
    const len = 46 + nameLen + bytes.readUInt16LE(p + 30) + bytes.readUInt16LE(p + 32);
    const local = bytes.readUInt32LE(p + 42);
    if ((method !== 0 && method !== 8) || comp === 0xffffffff || size === 0xffffffff || local === 0xffffffff) return null;
    const name = bytes.toString('utf8', p + 46, p + 46 + nameLen);
    if (names.has(name)) return null;
    names.add(name);
    entries.push({ name, cd: Buffer.from(bytes.subarray(p, p + len)), local, length: 0 }); // a copy: the index outlives this buffer
    p += len;
  }
  if (p !== eocd) return null;
  const byOffset = [...entries].sort((a, b) => a.local - b.local);
  if (byOffset.length === 0 || byOffset[0]!.local !== 0) return null;
  for (let i = 0; i < byOffset.length; i++) {
    const e = byOffset[i]!;
    const end = i + 1 < byOffset.length ? byOffset[i + 1]!.local : cdStart;
    if (end <= e.local || bytes.readUInt32LE(e.local) !== 0x04034b50) return null;
    e.length = end - e.local;
    // The data must inflate to the size the central directory states.
    const dataStart = e.local + 30 + bytes.readUInt16LE(e.local + 26) + bytes.readUInt16LE(e.local + 28);
    const comp = e.cd.readUInt32LE(20);
    const size = e.cd.readUInt32LE(24);
    if (dataStart + comp > end) return null;
    // Worksheets are large: whoever reads one checks its size as it inflates (xlsx-scan.ts; exceljs fails on bad data).
    if (SHEET.test(e.name)) continue;
    const data = bytes.subarray(dataStart, dataStart + comp);
    const out = e.cd.readUInt16LE(10) === 0 ? data : inflateRawSync(data);
    if (out.length !== size) return null;
  }
  return { entries: byOffset };
}

/**
 * A zip holding every entry except the worksheets other than `sheetNo`, as exceljs would read it, with
 * the worksheet last and a shared-strings part (empty) when the workbook has none. exceljs's streaming
 * reader parses a worksheet straight from the zip only once it has read the workbook's relationships
 * and its shared strings; otherwise it first copies the whole sheet to a temporary file and reads it
 * back after the last entry (a workbook written with inline strings has no shared strings at all).
 */
export function zipWithSheet(bytes: Buffer, index: ZipIndex, sheetNo: string | null): Readable {
  const entries: [Buffer, Buffer][] = [];
  const others = index.entries.filter((e) => !SHEET.test(e.name));
  for (const e of others) entries.push([bytes.subarray(e.local, e.local + e.length), e.cd]);
  if (!others.some((e) => e.name === SHARED_STRINGS)) entries.push(zipEntry(SHARED_STRINGS, EMPTY_SST, false));
  for (const e of index.entries) if (e.name.match(SHEET)?.[1] === sheetNo) entries.push([bytes.subarray(e.local, e.local + e.length), e.cd]);
  return Readable.from([assembleZip(entries)], { objectMode: false });
}

/** A zip of entries (each its local header with data, and its central-directory record), in that order. */
export function assembleZip(entries: readonly [Buffer, Buffer][]): Buffer {
  const cds: Buffer[] = [];
  let offset = 0;
  for (const [local, centralRecord] of entries) {
    const cd = Buffer.from(centralRecord);
    cd.writeUInt32LE(offset, 42);
    cds.push(cd);
    offset += local.length;
  }
  const cdSize = cds.reduce((n, b) => n + b.length, 0);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(cds.length, 8);
  eocd.writeUInt16LE(cds.length, 10);
  eocd.writeUInt32LE(cdSize, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...entries.map(([local]) => local), ...cds, eocd]);
}

/** The raw data of worksheet sheetNo (deflated unless `stored`) and the size it inflates to (not yet checked). */
export function sheetEntry(bytes: Buffer, index: ZipIndex, sheetNo: string): { data: Buffer; stored: boolean; size: number } {
  const e = index.entries.find((x) => x.name.match(SHEET)?.[1] === sheetNo);
  if (!e) throw new Error(`no worksheet ${sheetNo} in the zip index`);
  const start = e.local + 30 + bytes.readUInt16LE(e.local + 26) + bytes.readUInt16LE(e.local + 28);
  return { data: bytes.subarray(start, start + e.cd.readUInt32LE(20)), stored: e.cd.readUInt16LE(10) === 0, size: e.cd.readUInt32LE(24) };
}

const SHARED_STRINGS = 'xl/sharedStrings.xml';
const EMPTY_SST = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>',
);

/** A zip entry, stored or deflated: its local header with data, and its central-directory record (offset 0). */
export function zipEntry(name: string, data: Buffer, deflate: boolean): [Buffer, Buffer] {
  const n = Buffer.from(name, 'utf8');
  const crc = crc32(data);
  const body = deflate ? deflateRawSync(data) : data;
  const method = deflate ? 8 : 0;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt16LE(method, 8);
  local.writeUInt16LE(0x21, 12); // date: 1980-01-01
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(n.length, 26);
  const cd = Buffer.alloc(46);
  cd.writeUInt32LE(0x02014b50, 0);
  cd.writeUInt16LE(20, 4); // version made by
  cd.writeUInt16LE(20, 6); // version needed
  cd.writeUInt16LE(method, 10);
  cd.writeUInt16LE(0x21, 14);
  cd.writeUInt32LE(crc, 16);
  cd.writeUInt32LE(body.length, 20);
  cd.writeUInt32LE(data.length, 24);
  cd.writeUInt16LE(n.length, 28);
  return [Buffer.concat([local, n, body]), Buffer.concat([cd, n])];
}

/** The worksheet number (as in xl/worksheets/sheetN.xml) of each sheet entry. */
export function sheetNumbers(index: ZipIndex): string[] {
  const out: string[] = [];
  for (const e of index.entries) {
    const m = e.name.match(SHEET);
    if (m) out.push(m[1]!);
  }
  return out;
}
