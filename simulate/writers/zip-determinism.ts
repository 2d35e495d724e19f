// Make a zip (xlsx) byte-identical across runs: archiver stamps every entry with the current time in the
// DOS date/time fields of the local file headers and the central directory. This rewrites those fields in
// place to a fixed time (and zeroes any extended-timestamp extra field); compressed data is untouched.
import { readFileSync, writeFileSync } from 'node:fs';

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const EOCD_SIG = 0x06054b50;

/** DOS time/date words for a calendar time (no zone: zip times are local wall-clock by convention). */
export function dosDateTime(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): { time: number; date: number } {
  return { time: (hour << 11) | (minute << 5) | Math.floor(second / 2), date: ((year - 1980) << 9) | (month << 5) | day };
}

export function normaliseZipTimes(buf: Buffer, fixed = dosDateTime(2024, 1, 1)): number {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip: end of central directory not found');
  const entries = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let e = 0; e < entries; e++) {
    if (buf.readUInt32LE(p) !== CENTRAL_SIG) throw new Error(`bad central directory entry at ${p}`);
    buf.writeUInt16LE(fixed.time, p + 12);
    buf.writeUInt16LE(fixed.date, p + 14);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    zeroTimestampExtra(buf, p + 46 + nameLen, extraLen);
    const local = buf.readUInt32LE(p + 42);
    if (buf.readUInt32LE(local) !== LOCAL_SIG) throw new Error(`bad local header at ${local}`);
    buf.writeUInt16LE(fixed.time, local + 10);
    buf.writeUInt16LE(fixed.date, local + 12);
    const lNameLen = buf.readUInt16LE(local + 26);
    const lExtraLen = buf.readUInt16LE(local + 28);
    zeroTimestampExtra(buf, local + 30 + lNameLen, lExtraLen);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Extended timestamp (0x5455) and NTFS (0x000a) extra fields carry times too: zero their payloads. */
function zeroTimestampExtra(buf: Buffer, start: number, len: number): void {
  let q = start;
  while (q + 4 <= start + len) {
    const id = buf.readUInt16LE(q);
    const size = buf.readUInt16LE(q + 2);
    if (id === 0x5455 || id === 0x000a) buf.fill(0, q + 4 + (id === 0x5455 ? 1 : 0), q + 4 + size);
    q += 4 + size;
  }
}

export function normaliseZipFile(path: string): void {
  const buf = readFileSync(path);
  normaliseZipTimes(buf);
  writeFileSync(path, buf);
}
