// Reads a file of records for `il2kit validate`: CSV (strings, coerced later), JSON array,
// NDJSON, or Parquet (through DuckDB), or a folder of Parquet files such as a store's table
// (<store>/parquet/<table>/centre_id=<centre>/data.parquet). Each record keeps its row number or
// JSON pointer (for a folder: the file inside it and the row in that file).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, relative, sep } from 'node:path';
import { createDuckDB } from '../store/engine.js';
import { sql } from '../store/sql.js';
import { parseCsv, sniffDelimiter } from './csv.js';
import { decodeText } from './decode.js';
import { InputError } from './errors.js';

export interface SourceRecord {
  /** 1-based data row (CSV, Parquet, NDJSON line) */
  row: number;
  /** JSON pointer for JSON sources */
  pointer: string | null;
  values: Record<string, unknown>;
  /** Cells that were absent from a short CSV row. */
  missingCells?: string[];
  /** Cells beyond the header in a long CSV row. */
  extraCells?: string[];
}

export interface RecordFile {
  file: string;
  format: 'csv' | 'json' | 'ndjson' | 'parquet';
  /** True when values are strings to be coerced to the schema's types (CSV). */
  textual: boolean;
  columns: string[];
  records: SourceRecord[];
}

/**
 * What a table file path is: a folder (of Parquet files), or a non-empty file with its base name and lower-case
 * extension. A missing, unreadable or empty file is an InputError saying what to do.
 */
export function openTableFile(path: string): { folder: true } | { folder: false; file: string; ext: string } {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return { folder: true };
    size = st.size;
  } catch {
    throw new InputError(path, '', 'the file does not exist or cannot be read', 'Check the path');
  }
  const file = basename(path);
  if (size === 0) throw new InputError(file, '', 'the file is empty', 'Export the table again');
  return { folder: false, file, ext: extname(path).toLowerCase() };
}

export async function readRecordFile(path: string): Promise<RecordFile> {
  const opened = openTableFile(path);
  if (opened.folder) return readParquetFolder(path);
  const { file, ext } = opened;
  if (ext === '.parquet') return readParquet(path, file);
  const text = decodeText(readFileSync(path), file, 'utf-8', false);
  if (ext === '.json') return readJsonArray(text, file);
  if (ext === '.ndjson' || ext === '.jsonl') return readNdjson(text, file);
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return readCsvRecords(text, file, ext === '.tsv' ? '\t' : sniffDelimiter(text));
  throw new InputError(file, '', `unknown file type ${ext || '(none)'}`, 'Use .csv, .tsv, .json, .ndjson or .parquet, or a folder of .parquet files');
}

export function readCsvRecords(text: string, file: string, delimiter: string): RecordFile {
  const { header, records } = parseCsv(text, file, { delimiter });
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup !== undefined) throw new InputError(file, 'header', `column ${JSON.stringify(dup)} appears twice`, 'Rename or remove the duplicate column');
  return {
    file,
    format: 'csv',
    textual: true,
    columns: header,
    records: records.map((r) => {
      const values: Record<string, unknown> = {};
      header.forEach((h, i) => {
        if (i < r.cells.length) values[h] = r.cells[i];
      });
      const rec: SourceRecord = { row: r.row, pointer: null, values };
      if (r.cells.length < header.length) rec.missingCells = header.slice(r.cells.length);
      if (r.cells.length > header.length) rec.extraCells = r.cells.slice(header.length);
      return rec;
    }),
  };
}

function readJsonArray(text: string, file: string): RecordFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, '', `not valid JSON (${(e as Error).message})`, 'Fix the JSON, or save one record per line as .ndjson');
  }
  if (!Array.isArray(data)) throw new InputError(file, '', 'the JSON is not an array of records', 'Wrap the records in [ ]');
  const columns = new Set<string>();
  const records = data.map((v, i): SourceRecord => {
    const values = isPlainObject(v) ? v : { __not_an_object__: v };
    Object.keys(values).forEach((k) => columns.add(k));
    return { row: i + 1, pointer: `/${i}`, values };
  });
  return { file, format: 'json', textual: false, columns: [...columns], records };
}

function readNdjson(text: string, file: string): RecordFile {
  const columns = new Set<string>();
  const records: SourceRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new InputError(file, `line ${i + 1}`, `not valid JSON (${(e as Error).message})`, 'Fix or remove that line; NDJSON needs one JSON object per line');
    }
    const values = isPlainObject(v) ? v : { __not_an_object__: v };
    Object.keys(values).forEach((k) => columns.add(k));
    records.push({ row: i + 1, pointer: null, values });
  });
  return { file, format: 'ndjson', textual: false, columns: [...columns], records };
}

async function readParquet(path: string, file: string): Promise<RecordFile> {
  const db = await createDuckDB(':memory:');
  const conn = db.conn;
  try {
    // The file's own columns: a path such as …/centre_id=x/data.parquet must not stand in for them.
    const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(path)}, hive_partitioning = false)`);
    const columns = reader.columnNames();
    const records = reader.getRowObjectsJS().map((r, i): SourceRecord => {
      const values: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) values[k] = fromDuck(v);
      return { row: i + 1, pointer: null, values };
    });
    return { file, format: 'parquet', textual: false, columns, records };
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(file, '', `not a readable Parquet file (${(e as Error).message.split('\n')[0]})`, 'Re-export the table as Parquet');
  } finally {
    db.close();
  }
}

/** Every .parquet file under a folder (any depth, sorted by path), read as one table; a record's pointer names its file and row. */
async function readParquetFolder(dir: string): Promise<RecordFile> {
  const file = basename(dir);
  const files = listParquet(dir).sort();
  if (files.length === 0)
    throw new InputError(file, '', 'the folder holds no .parquet files', 'Give a file, or a store table folder such as out/store/parquet/dose_slot');
  const records: SourceRecord[] = [];
  const columns: string[] = [];
  for (const f of files) {
    const part = await readParquet(f, basename(f));
    for (const c of part.columns) if (!columns.includes(c)) columns.push(c);
    const rel = relative(dir, f).split(sep).join('/');
    for (const r of part.records) records.push({ row: records.length + 1, pointer: `${rel} row ${r.row}`, values: r.values });
  }
  return { file, format: 'parquet', textual: false, columns, records };
}

export function listParquet(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return listParquet(p);
    return e.isFile() && e.name.toLowerCase().endsWith('.parquet') ? [p] : [];
  });
}

/** DuckDB JS values to plain JSON-like values: bigint → number, Date → ISO UTC string. */
export function fromDuck(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return isoUtc(v);
  if (Array.isArray(v)) return v.map(fromDuck);
  return v;
}

export function isoUtc(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

export const sqlString = sql;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
