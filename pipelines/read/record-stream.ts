// The records of a file for `il2kit validate`, in batches, so memory stays flat with file size:
// CSV and NDJSON are read in pieces of 1 MB that end on a record; Parquet (a file, or a folder
// such as a store table) through DuckDB's streaming result, a vector at a time. A JSON array is
// one value and is read whole (readRecordFile).
import { createReadStream } from 'node:fs';
import { basename, relative, sep } from 'node:path';
import { JSDuckDBValueConverter } from '@duckdb/node-api';
import { createDuckDB } from '../store/engine.js';
import { completeRecordsLength, parseRecords, sniffDelimiter } from './csv.js';
import { firstInvalidUtf8, notUtf8 } from './decode.js';
import { InputError } from './errors.js';
import { fromDuck, listParquet, openTableFile, readRecordFile, sqlString, type RecordFile, type SourceRecord } from './table-file.js';

export interface RecordStream {
  file: string;
  format: RecordFile['format'];
  textual: boolean;
  /** The header (CSV); for other formats the columns are only known record by record. */
  columns: string[];
  batches: AsyncGenerator<SourceRecord[]>;
}

const PIECE_BYTES = 1 << 20;
const MAX_FIELD_CHARS = 1_000_000;

export async function streamRecordFile(path: string): Promise<RecordStream> {
  const opened = openTableFile(path);
  if (opened.folder) return parquetStream(listParquet(path).sort(), path, basename(path));
  const { file, ext } = opened;
  if (ext === '.parquet') return parquetStream([path], path, file);
  if (ext === '.ndjson' || ext === '.jsonl') return { file, format: 'ndjson', textual: false, columns: [], batches: ndjsonBatches(path, file) };
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return csvStream(path, file, ext === '.tsv' ? '\t' : null);
  const whole = await readRecordFile(path);
  return { ...whole, batches: (async function* () { yield whole.records; })() };
}

/** Decoded text of a file in pieces, each ending just after a line break (the last one, at the end of the file, may not). */
async function* textPieces(path: string, file: string, cut: (text: string) => number): AsyncGenerator<{ text: string; line: number }> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let carry = '';
  let line = 1;
  let offset = 0;
  const count = (s: string) => {
    for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) line++;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: PIECE_BYTES })) {
    const buf = chunk as Buffer;
    let text: string;
    try {
      text = carry + decoder.decode(buf, { stream: true });
    } catch {
      const bad = firstInvalidUtf8(buf);
      let at = line;
      for (let i = carry.indexOf('\n'); i !== -1; i = carry.indexOf('\n', i + 1)) at++;
      for (let i = 0; i < bad; i++) if (buf[i] === 10) at++;
      throw notUtf8(file, `line ${at}, byte ${offset + bad}`, buf, false);
    }
    offset += buf.length;
    const end = cut(text);
    const piece = text.slice(0, end);
    carry = text.slice(end);
    if (carry.length > MAX_FIELD_CHARS)
      throw new InputError(
        file,
        `line ${line}`,
        `a record is longer than ${MAX_FIELD_CHARS.toLocaleString('en')} characters`,
        'This is usually a broken quote or a binary file; check the export',
      );
    const at = line;
    count(piece);
    if (piece) yield { text: piece, line: at };
  }
  try {
    carry += decoder.decode();
  } catch {
    throw notUtf8(file, `byte ${offset}`, new Uint8Array(0), false);
  }
  if (carry) yield { text: carry, line };
}

async function csvStream(path: string, file: string, delimiter: string | null): Promise<RecordStream> {
  const pieces = textPieces(path, file, (t) => completeRecordsLength(t));
  let first = await pieces.next();
  // The header may come after blank lines; the first piece holds at least one whole record unless the file is one line.
  while (!first.done && parseRecords(first.value.text, file, { delimiter: delimiter ?? ',' }, first.value.line).length === 0) first = await pieces.next();
  if (first.done) throw new InputError(file, '', 'the file is empty', 'Export the table again with a header row');
  const d = delimiter ?? sniffDelimiter(first.value.text.replace(/^\s*\n/, ''));
  const [head, ...body] = parseRecords(first.value.text, file, { delimiter: d }, first.value.line);
  const header = head!.cells.map((h) => h.trim());
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup !== undefined) throw new InputError(file, 'header', `column ${JSON.stringify(dup)} appears twice`, 'Rename or remove the duplicate column');
  let row = 0;
  const toRecord = (cells: string[]): SourceRecord => {
    const values: Record<string, unknown> = {};
    const n = Math.min(cells.length, header.length);
    for (let i = 0; i < n; i++) values[header[i]!] = cells[i];
    const rec: SourceRecord = { row: ++row, pointer: null, values };
    if (cells.length < header.length) rec.missingCells = header.slice(cells.length);
    if (cells.length > header.length) rec.extraCells = cells.slice(header.length);
    return rec;
  };
  async function* batches(): AsyncGenerator<SourceRecord[]> {
    if (body.length > 0) yield body.map((r) => toRecord(r.cells));
    for await (const p of pieces) yield parseRecords(p.text, file, { delimiter: d }, p.line).map((r) => toRecord(r.cells));
  }
  return { file, format: 'csv', textual: true, columns: header, batches: batches() };
}

async function* ndjsonBatches(path: string, file: string): AsyncGenerator<SourceRecord[]> {
  for await (const p of textPieces(path, file, (t) => t.lastIndexOf('\n') + 1)) {
    const out: SourceRecord[] = [];
    const lines = p.text.split('\n');
    for (let k = 0; k < lines.length; k++) {
      const text = lines[k]!;
      if (text.trim() === '') continue;
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (e) {
        throw new InputError(
          file,
          `line ${p.line + k}`,
          `not valid JSON (${(e as Error).message})`,
          'Fix or remove that line; NDJSON needs one JSON object per line',
        );
      }
      const values = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : { __not_an_object__: v };
      out.push({ row: p.line + k, pointer: null, values });
    }
    yield out;
  }
}

/** Parquet files read one after another as one table; for a folder, a record's pointer names its file and row. */
async function parquetStream(files: string[], root: string, file: string): Promise<RecordStream> {
  const folder = files.length !== 1 || files[0] !== root;
  if (files.length === 0)
    throw new InputError(file, '', 'the folder holds no .parquet files', 'Give a file, or a store table folder such as out/store/parquet/dose_slot');
  const db = await createDuckDB(':memory:');
  const conn = db.conn;
  const read = (f: string) => `SELECT * FROM read_parquet(${sqlString(f)}, hive_partitioning = false)`;
  // Each file's own columns first (a path such as …/centre_id=x/data.parquet must not stand in for them);
  // then the files are streamed one at a time (a connection streams one result at a time).
  const fileColumns: string[][] = [];
  try {
    for (const f of files) fileColumns.push((await conn.runAndReadAll(`SELECT * FROM (${read(f)}) LIMIT 0`)).columnNames());
  } catch (e) {
    db.close();
    throw new InputError(file, '', `not a readable Parquet file (${(e as Error).message.split('\n')[0]})`, 'Re-export the table as Parquet');
  }
  const columns = [...new Set(fileColumns.flat())];
  async function* batches(): AsyncGenerator<SourceRecord[]> {
    let n = 0;
    try {
      for (let i = 0; i < files.length; i++) {
        const cols = fileColumns[i]!;
        const result = await conn.stream(read(files[i]!));
        const rel = relative(root, files[i]!).split(sep).join('/');
        let inFile = 0;
        for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
          yield chunk.convertRows(JSDuckDBValueConverter).map((r) => {
            const values: Record<string, unknown> = {};
            cols.forEach((c, k) => (values[c] = fromDuck(r[k])));
            inFile++;
            return { row: folder ? ++n : inFile, pointer: folder ? `${rel} row ${inFile}` : null, values };
          });
        }
      }
    } finally {
      db.close();
    }
  }
  return { file, format: 'parquet', textual: false, columns, batches: batches() };
}
