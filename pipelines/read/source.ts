// Reads one source of a mapping spec into rows that keep their place in the file: the
// data row number (CSV, xlsx) or the NDJSON line and JSON pointer (FHIR).
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import ExcelJS from 'exceljs';
import type { SourceSpec } from '../map/spec.js';
import { parseCsv } from './csv.js';
import { decodeText } from './decode.js';
import { InputError } from './errors.js';

export interface SourceRow {
  /** 1-based data row (CSV/xlsx) or NDJSON line. */
  row: number;
  pointer: string | null;
  values: Record<string, unknown>;
  /** Cells beyond the header (CSV): the row is quarantined. */
  extraCells?: string[];
  /** Header columns with no cell (short CSV row). */
  missingCells?: string[];
}

export interface SourceData {
  file: string;
  path: string;
  sha256: string;
  bytes: number;
  columns: string[];
  rows: SourceRow[];
}

export async function readSource(src: SourceSpec, dir: string): Promise<SourceData> {
  const path = join(dir, src.file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new InputError(src.file, '', `cannot read ${path}`, 'Check the file name in the mapping spec and that the export is in the spec’s folder');
  }
  const file = basename(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length === 0) throw new InputError(file, '', 'the file is empty', 'Export the table again; an empty file cannot be told apart from a failed export');
  const base = { file, path, sha256, bytes: statSync(path).size };
  if (src.format === 'csv') return { ...base, ...csvRows(decodeText(bytes, file, src.encoding), file, src) };
  if (src.format === 'ndjson') return { ...base, ...ndjsonRows(decodeText(bytes, file), file) };
  return { ...base, ...(await xlsxRows(path, file, src)) };
}

function csvRows(text: string, file: string, src: SourceSpec): { columns: string[]; rows: SourceRow[] } {
  const { header, records } = parseCsv(text, file, { delimiter: src.delimiter, quote: src.quote, maxFieldChars: src.max_field_chars });
  if (header.length === 1 && /[;,\t|]/.test(header[0]!) && header[0]!.split(/[;,\t|]/).length > 2) {
    const seen = header[0]!.match(/[;,\t|]/)![0];
    throw new InputError(file, 'header', `the header is one column although it contains ${JSON.stringify(seen)}: the delimiter looks wrong (spec says ${JSON.stringify(src.delimiter)})`, `Set delimiter: "${seen === '\t' ? '\\t' : seen}" for this source in the mapping spec`);
  }
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup !== undefined) throw new InputError(file, 'header', `column ${JSON.stringify(dup)} appears twice`, 'Rename or remove the duplicate column in the export');
  const rows = records.map((r): SourceRow => {
    const values: Record<string, unknown> = {};
    for (let i = 0; i < header.length && i < r.cells.length; i++) values[header[i]!] = r.cells[i];
    const row: SourceRow = { row: r.row, pointer: null, values };
    if (r.cells.length > header.length) row.extraCells = r.cells.slice(header.length);
    if (r.cells.length < header.length) row.missingCells = header.slice(r.cells.length);
    return row;
  });
  return { columns: header, rows };
}

function ndjsonRows(text: string, file: string): { columns: string[]; rows: SourceRow[] } {
  const rows: SourceRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      // One broken line is a row problem, not a file problem: keep it for the quarantine.
      rows.push({ row: i + 1, pointer: `line ${i + 1}`, values: { __parse_error__: `line ${i + 1} is not valid JSON (${(e as Error).message})`, __raw__: line.slice(0, 200) } });
      continue;
    }
    rows.push({ row: i + 1, pointer: `line ${i + 1}`, values: typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : { __parse_error__: `line ${i + 1} is not a JSON object` } });
  }
  return { columns: [], rows };
}

async function xlsxRows(path: string, file: string, src: SourceSpec): Promise<{ columns: string[]; rows: SourceRow[] }> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.readFile(path);
  } catch (e) {
    throw new InputError(file, '', `not a readable Excel workbook (${(e as Error).message})`, 'Save it again as .xlsx');
  }
  const ws = wb.getWorksheet(src.sheet ?? '');
  if (!ws) throw new InputError(file, `sheet ${src.sheet}`, 'the sheet does not exist', `Use one of: ${wb.worksheets.map((w) => w.name).join(', ')}`);
  const headerRow = ws.getRow(src.header_row);
  const columns: string[] = [];
  headerRow.eachCell({ includeEmpty: true }, (cell, col) => {
    columns[col - 1] = cellText(cell.value).trim();
  });
  if (columns.filter((c) => c).length === 0) throw new InputError(file, `sheet ${src.sheet} row ${src.header_row}`, 'the header row is empty', 'Set header_row to the row holding the column names');
  const rows: SourceRow[] = [];
  for (let r = src.header_row + 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    if (!row.hasValues) continue;
    const values: Record<string, unknown> = {};
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      const name = columns[col - 1];
      if (name) values[name] = cellValue(cell.value);
    });
    rows.push({ row: r - src.header_row, pointer: `${src.sheet}!${r}`, values });
  }
  return { columns: columns.filter((c) => c), rows };
}

function cellValue(v: ExcelJS.CellValue): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'object') {
    if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
    if ('richText' in v || 'text' in v) return cellText(v);
    if ('error' in v) return null;
  }
  return String(v);
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((t) => t.text).join('');
  if (typeof v === 'object' && 'text' in v) return String(v.text);
  if (typeof v === 'object' && 'result' in v) return cellText(v.result as ExcelJS.CellValue);
  if (v instanceof Date) return v.toISOString();
  return String(v);
}
