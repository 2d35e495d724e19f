// A large CSV or NDJSON file as text pieces that each end with a complete record (CSV) or line
// (NDJSON), with the line each piece starts on: what streamSource parses piece by piece.
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { isAscii } from 'node:buffer';
import { completeRecordsLength } from './csv.js';
import { firstInvalidUtf8, notUtf8 as notUtf8Error } from './decode.js';
import { InputError } from './errors.js';

export interface Piece {
  text: string;
  /** The physical line the piece starts on. */
  line: number;
}

/** Where and how to cut: the bytes [from, to) of the file, in reads of `chunkBytes`. */
export interface PieceOptions {
  path: string;
  file: string;
  from: number;
  to: number;
  chunkBytes: number;
  encoding: 'utf-8' | 'latin1';
  quote: string;
  maxFieldChars: number;
}

const notUtf8 = (o: PieceOptions, at: number, bytes: Uint8Array) => notUtf8Error(o.file, `near byte ${at}`, bytes, true);
const tooLong = (o: PieceOptions, line: number) =>
  new InputError(
    o.file,
    `line ${line}`,
    `a field is longer than ${o.maxFieldChars.toLocaleString('en')} characters`,
    'This is usually a broken quote or a binary file; check the export',
  );

/** CSV text in pieces that end with a complete record (a quoted field may hold line breaks); the whole file. */
export async function* csvPieces(o: PieceOptions): AsyncGenerator<Piece> {
  const decoder = new TextDecoder(o.encoding === 'latin1' ? 'latin1' : 'utf-8', { fatal: true });
  let carry = '';
  let line = 1;
  let last = 0;
  for await (const { buf, offset } of fileChunks(o.path, 0, o.to, o.chunkBytes)) {
    last = offset;
    let text: string;
    try {
      text = carry + decoder.decode(buf, { stream: true });
    } catch {
      throw notUtf8(o, offset, buf);
    }
    if (carry === '' && line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (carry === '' && line === 1 && o.encoding === 'latin1' && text.startsWith('\u00ef\u00bb\u00bf')) text = text.slice(3); // a UTF-8 BOM
    const cut = completeRecordsLength(text, o.quote);
    const piece = text.slice(0, cut);
    carry = text.slice(cut);
    const pieceLine = line;
    for (let i = piece.indexOf('\n'); i !== -1; i = piece.indexOf('\n', i + 1)) line++;
    if (carry.length > o.maxFieldChars) throw tooLong(o, line);
    if (piece) yield { text: piece, line: pieceLine };
  }
  try {
    carry += decoder.decode(); // a character cut off by the end of the file
  } catch {
    throw notUtf8(o, last, new Uint8Array(0));
  }
  if (carry) yield { text: carry, line };
}

/**
 * NDJSON cut on line-break bytes before decoding: a piece is decoded once, flat, and as Latin-1 when it
 * is plain ASCII. (Cutting the decoded text instead copied every chunk twice: about 1 s per 400 MB, more
 * than half of the time outside JSON.parse.) A range starting mid-file counts the line breaks before it.
 */
export async function* ndjsonPieces(o: PieceOptions): AsyncGenerator<Piece> {
  const bytesDecoder = new TextDecoder(o.encoding === 'latin1' ? 'latin1' : 'utf-8', { fatal: true, ignoreBOM: true });
  const from = o.from;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let carryStart = from;
  let counter: { decoder: InstanceType<typeof TextDecoder>; chars: number; counted: number } | null = null;
  let line = from === 0 ? 1 : 1 + countLineBreaks(o.path, from);
  const decodeAt = (bytes: Buffer, start: number): string => {
    if (isAscii(bytes)) return bytes.toString('latin1');
    try {
      return bytesDecoder.decode(bytes);
    } catch {
      const at = start + firstInvalidUtf8(bytes);
      throw notUtf8(o, at - (at % o.chunkBytes), bytes); // the piece it is in, as a CSV read names it
    }
  };
  const emit = (text: string): Piece => {
    if (from === 0 && line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (from === 0 && line === 1 && o.encoding === 'latin1' && text.startsWith('\u00ef\u00bb\u00bf')) text = text.slice(3); // a UTF-8 BOM
    const pieceLine = line;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) line++;
    return { text, line: pieceLine };
  };
  for await (const { buf, offset } of fileChunks(o.path, from, o.to, o.chunkBytes)) {
    const bufStart = Math.max(offset, from); // the first piece of a range starts inside its chunk
    if (carryBytes === 0) carryStart = bufStart;
    const cut = buf.lastIndexOf(10) + 1;
    if (cut === 0) {
      carry.push(buf);
      carryBytes += buf.length;
    } else {
      const bytes = carryBytes > 0 ? Buffer.concat([...carry, buf.subarray(0, cut)]) : buf.subarray(0, cut);
      const start = carryStart;
      carry = cut < buf.length ? [Buffer.from(buf.subarray(cut))] : [];
      carryBytes = buf.length - cut;
      carryStart = bufStart + cut;
      yield emit(decodeAt(bytes, start));
    }
    // Characters are at most bytes: only an unfinished line of more bytes than the limit is counted,
    // piece by piece as it grows.
    if (cut > 0) counter = null;
    if (carryBytes > o.maxFieldChars) {
      if (!counter) counter = { decoder: new TextDecoder(o.encoding === 'latin1' ? 'latin1' : 'utf-8', { ignoreBOM: true }), chars: 0, counted: 0 };
      for (; counter.counted < carry.length; counter.counted++) counter.chars += counter.decoder.decode(carry[counter.counted], { stream: true }).length;
      if (counter.chars > o.maxFieldChars) throw tooLong(o, line);
    }
  }
  if (carryBytes > 0) yield emit(decodeAt(Buffer.concat(carry), carryStart));
}

/**
 * The bytes [from, to) in pieces cut at multiples of `chunkBytes` (a range starting mid-file gets a
 * short first piece), each with the offset a read of the whole file would name for it.
 */
export async function* fileChunks(path: string, from: number, to: number, chunkBytes: number): AsyncGenerator<{ buf: Buffer; offset: number }> {
  const fh = await open(path, 'r');
  try {
    for (let pos = from; pos < to; ) {
      const offset = pos - (pos % chunkBytes);
      const next = Math.min(to, offset + chunkBytes);
      const buf = Buffer.allocUnsafe(next - pos);
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await fh.read(buf, got, buf.length - got, pos + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      if (got === 0) break;
      yield { buf: got < buf.length ? buf.subarray(0, got) : buf, offset };
      pos += got;
    }
  } finally {
    await fh.close();
  }
}

/** Line breaks in the first `upTo` bytes of a file. */
export function countLineBreaks(path: string, upTo: number): number {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 << 20);
    let n = 0;
    for (let pos = 0; pos < upTo; ) {
      const got = readSync(fd, buf, 0, Math.min(buf.length, upTo - pos), pos);
      if (got === 0) break;
      const b = buf.subarray(0, got);
      for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
      pos += got;
    }
    return n;
  } finally {
    closeSync(fd);
  }
}
