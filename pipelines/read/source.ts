// Reads one source of a mapping spec into rows that keep their place in the file: the
// data row number (CSV, xlsx) or the NDJSON line and JSON pointer (FHIR).
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { SourceSpec } from '../../schemas/mapping-spec.js';
import { parseCsv, parseRecords } from './csv.js';
import { assertEndsWithCompleteRow } from './complete.js';
import { decodeText } from './decode.js';
import { csvPieces, ndjsonPieces, type Piece, type PieceOptions } from './pieces.js';
import { InputError } from './errors.js';
import { bytesSha256, fileIdentity, fileSha256 } from './file-hash.js';
import { indexZip, sheetEntry, sheetNumbers, zipWithSheet, type ZipIndex } from './zip.js';
import { NotPlain, scanSheet, type SheetRow, type WorkbookParts } from './xlsx-scan.js';

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
  const id = fileIdentity(path);
  try {
    bytes = readFileSync(path);
  } catch {
    throw new InputError(src.file, '', `cannot read ${path}`, 'Check the file name in the mapping spec and that the export is in the spec’s folder');
  }
  const file = basename(path);
  const sha256 = bytesSha256(path, bytes, id);
  if (bytes.length === 0)
    throw new InputError(file, '', 'the file is empty', 'Export the table again; an empty file cannot be told apart from a failed export');
  const base = { file, path, sha256, bytes: statSync(path).size };
  if (src.format === 'csv') return { ...base, ...csvRows(decodeText(bytes, file, src.encoding), file, src) };
  if (src.format === 'ndjson') return { ...base, columns: [], rows: ndjsonRows(decodeText(bytes, file, src.encoding)) };
  assertCompleteZip(bytes, file);
  return { ...base, ...(await xlsxRows(path, bytes, sha256, file, src)) };
}

function csvRows(text: string, file: string, src: SourceSpec): { columns: string[]; rows: SourceRow[] } {
  const { header, records } = parseCsv(text, file, { delimiter: src.delimiter, quote: src.quote, maxFieldChars: src.max_field_chars });
  if (header.length === 1 && /[;,\t|]/.test(header[0]!) && header[0]!.split(/[;,\t|]/).length > 2) {
    const seen = header[0]!.match(/[;,\t|]/)![0];
    throw new InputError(
      file,
      'header',
      `the header is one column although it contains ${JSON.stringify(seen)}: the delimiter looks wrong (spec says ${JSON.stringify(src.delimiter)})`,
      `Set delimiter: "${seen === '\t' ? '\\t' : seen}" for this source in the mapping spec`,
    );
  }
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup !== undefined)
    throw new InputError(file, 'header', `column ${JSON.stringify(dup)} appears twice`, 'Rename or remove the duplicate column in the export');
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

/** NDJSON lines from physical line `firstLine` on; a broken line is a row for the quarantine, not a file error. */
function ndjsonRows(text: string, firstLine = 1): SourceRow[] {
  const rows: SourceRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === '') continue;
    const n = firstLine + i;
    try {
      const v = JSON.parse(l) as unknown;
      rows.push({
        row: n,
        pointer: `line ${n}`,
        values:
          typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : { __parse_error__: `line ${n} is not a JSON object` },
      });
    } catch (e) {
      rows.push({
        row: n,
        pointer: `line ${n}`,
        values: { __parse_error__: `line ${n} is not valid JSON (${(e as Error).message})`, __raw__: l.slice(0, 200) },
      });
    }
  }
  return rows;
}

/**
 * An .xlsx is a zip; a truncated one lacks the end-of-central-directory record, and exceljs's
 * streaming reader would wait forever on it. Checked up front so the user gets a message.
 */
function assertCompleteZip(bytes: Uint8Array, file: string): void {
  const from = Math.max(0, bytes.length - 65_557); // EOCD (22 bytes) + the longest zip comment
  for (let i = bytes.length - 22; i >= from; i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 0x05 && bytes[i + 3] === 0x06) return;
  }
  throw new InputError(
    file,
    '',
    'not a complete Excel workbook (the file looks truncated or is not .xlsx)',
    'Copy or export the workbook again and save it as .xlsx',
  );
}

interface XlsxSheet {
  columns: string[];
  /** Data rows in pieces of `pieceRows`. */
  pieces: AsyncGenerator<SourceRow[]>;
}

/**
 * Streams one sheet of a workbook, never holding it whole: our own scanner (xlsx-scan.ts) when the
 * workbook is a plain, sound zip, otherwise exceljs's streaming reader (the scanner also hands over to
 * exceljs, from the row it stopped at, when it meets XML outside the plain form). Both give the rows
 * exceljs gives. Rows above `header_row` (e.g. merged group headers) are skipped; empty rows are not records.
 */
async function xlsxSheet(path: string, bytes: Buffer, sha256: string, file: string, src: SourceSpec, pieceRows = 20_000): Promise<XlsxSheet> {
  const sheetNo = src.sheet === undefined ? null : await sheetNumber(bytes, sha256, src.sheet);
  let batches: AsyncGenerator<SheetRow[]>;
  if (sheetNo && sheetNo.parts && xlsxReader.own) batches = scannedRows(bytes, sheetNo.index, sheetNo.no, sheetNo.parts, file, src);
  else {
    // exceljs gets the workbook without the other sheets (see zip.ts) when that can be set up.
    let sheet = sheetNo ? await openSheet(zipWithSheet(bytes, sheetNo.index, sheetNo.no), file, src) : null;
    if (!sheet?.ws) sheet = await openSheet(path, file, src);
    if (!sheet.ws) throw new InputError(file, `sheet ${src.sheet}`, 'the sheet does not exist', `Use one of: ${sheet.seen.join(', ')}`);
    batches = exceljsRows(sheet.ws, 0);
  }
  const unreadable = (e: unknown) =>
    e instanceof InputError
      ? e
      : new InputError(
          file,
          `sheet ${src.sheet}`,
          `the workbook cannot be read to the end (${(e as Error).message})`,
          'Open and save it again as .xlsx, or export the sheet as CSV',
        );
  let batch: SheetRow[] = [];
  let at = 0;
  /** The next row, or null at the end of the sheet. */
  const next = async (): Promise<SheetRow | null> => {
    while (at >= batch.length) {
      let r: IteratorResult<SheetRow[]>;
      try {
        r = await batches.next();
      } catch (e) {
        throw unreadable(e);
      }
      if (r.done) return null;
      batch = r.value;
      at = 0;
    }
    return batch[at++]!;
  };
  let columns: string[] = [];
  for (;;) {
    const r = await next();
    if (!r) break;
    if (r.number === src.header_row) {
      columns = (r.values as ExcelJS.CellValue[]).slice(1).map((v) => cellText(v).trim());
      break;
    }
    if (r.number > src.header_row) break;
  }
  if (columns.filter((c) => c).length === 0)
    throw new InputError(file, `sheet ${src.sheet} row ${src.header_row}`, 'the header row is empty', 'Set header_row to the row holding the column names');
  const pieces = async function* (): AsyncGenerator<SourceRow[]> {
    let piece: SourceRow[] = [];
    for (;;) {
      const row = await next();
      if (!row) break;
      if (!row.hasValues) continue;
      const values: Record<string, unknown> = {};
      const cells = row.values as ExcelJS.CellValue[];
      for (let c = 1; c < cells.length; c++) {
        const name = columns[c - 1];
        const v = cells[c];
        if (name && v !== undefined && v !== null) values[name] = cellValue(v);
      }
      piece.push({ row: row.number - src.header_row, pointer: `${src.sheet}!${row.number}`, values });
      if (piece.length >= pieceRows) {
        yield piece;
        piece = [];
      }
    }
    if (piece.length) yield piece;
  };
  return { columns: columns.filter((c) => c), pieces: pieces() };
}

/**
 * Which reader streams a sheet: our scanner (own, the default) or exceljs alone (tests compare the two);
 * `handovers` counts the sheets the scanner handed to exceljs part-way (in this thread).
 */
export const xlsxReader = { own: true, handovers: 0 };

/** Rows of a sheet read by our scanner; from where it meets XML outside the plain form, read on by exceljs. */
async function* scannedRows(bytes: Buffer, index: ZipIndex, no: string, parts: WorkbookParts, file: string, src: SourceSpec): AsyncGenerator<SheetRow[]> {
  const entry = sheetEntry(bytes, index, no);
  let done = 0;
  try {
    for await (const rows of scanSheet(entry.data, entry.stored, entry.size, parts)) {
      done += rows.length;
      yield rows;
    }
    return;
  } catch (e) {
    if (!(e instanceof NotPlain)) throw e;
    xlsxReader.handovers++;
  }
  const sheet = await openSheet(zipWithSheet(bytes, index, no), file, src);
  if (!sheet.ws) throw new InputError(file, `sheet ${src.sheet}`, 'the sheet does not exist', `Use one of: ${sheet.seen.join(', ')}`);
  yield* exceljsRows(sheet.ws, done);
}

/** exceljs's rows of a sheet in batches, after the first `skip`. */
async function* exceljsRows(ws: SheetReader, skip: number): AsyncGenerator<SheetRow[]> {
  let batch: SheetRow[] = [];
  let seen = 0;
  for await (const r of ws) {
    if (seen++ < skip) continue;
    batch.push({ number: r.number, values: r.values as unknown[], hasValues: r.hasValues });
    if (batch.length >= 1000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

type SheetReader = AsyncIterable<ExcelJS.Row> & { name: string };
const readerOptions = {
  worksheets: 'emit',
  sharedStrings: 'cache',
  styles: 'cache',
  hyperlinks: 'ignore',
  entries: 'ignore',
} as ExcelJS.stream.xlsx.WorkbookStreamReaderOptions;

/** The workbook's sheets up to the one named `src.sheet` (null when it is not there). */
async function openSheet(input: string | Readable, file: string, src: SourceSpec): Promise<{ ws: SheetReader | null; seen: string[] }> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input as unknown as string, readerOptions);
  const seen: string[] = [];
  try {
    for await (const ws of reader as unknown as AsyncIterable<SheetReader>) {
      seen.push(ws.name);
      if (ws.name === src.sheet) return { ws, seen };
      skipSheet(ws);
    }
  } catch (e) {
    throw new InputError(file, '', `not a readable Excel workbook (${(e as Error).message})`, 'Save it again as .xlsx');
  }
  return { ws: null, seen };
}

type WorkbookMeta = {
  workbookRels?: { Id: string; Target: string }[];
  model?: { sheets?: { name: string; rId: string }[] };
  sharedStrings?: unknown[];
  styles?: { getStyleModel?: (id: number) => { numFmt?: string } | null };
  properties?: { model?: { date1904?: boolean } };
};
/** The last workbook's zip index and sheet names (as exceljs read them), kept for its other sheets. */
let lastIndex: { sha256: string; index: ZipIndex | null; meta?: Promise<WorkbookMeta | null> } | null = null;

/**
 * Which xl/worksheets/sheetN.xml holds the sheet named `name`, found as exceljs names sheets
 * (workbook relationships → workbook.xml) from the workbook read without any sheet. Null when the
 * zip is not plain and sound (zip.ts) or the name is not found exactly once.
 */
async function sheetNumber(bytes: Buffer, sha256: string, name: string): Promise<{ index: ZipIndex; no: string; parts: WorkbookParts | null } | null> {
  if (lastIndex?.sha256 !== sha256) lastIndex = { sha256, index: indexZip(bytes) };
  const index = lastIndex.index;
  if (!index) return null;
  lastIndex.meta ??= (async () => {
    try {
      const reader = new ExcelJS.stream.xlsx.WorkbookReader(zipWithSheet(bytes, index, null) as unknown as string, readerOptions);
      for await (const _ of reader as unknown as AsyncIterable<unknown>) void _;
      return reader as unknown as WorkbookMeta;
    } catch {
      return null;
    }
  })();
  const meta = await lastIndex.meta;
  if (!meta) return null;
  const named = sheetNumbers(index).filter((no) => {
    const rel = (meta.workbookRels ?? []).find((r) => r.Target === `worksheets/sheet${no}.xml`);
    return rel !== undefined && (meta.model?.sheets ?? []).find((s) => s.rId === rel.Id)?.name === name;
  });
  return named.length === 1 ? { index, no: named[0]!, parts: workbookParts(meta) } : null;
}

/** What a sheet's cells need from the rest of the workbook, as exceljs read it (null: not all of it is there). */
function workbookParts(meta: WorkbookMeta): WorkbookParts | null {
  const styles = meta.styles;
  if (!Array.isArray(meta.sharedStrings) || typeof styles?.getStyleModel !== 'function') return null;
  return {
    sharedStrings: meta.sharedStrings,
    numFmt: (id) => {
      const m = styles.getStyleModel!(id);
      return { found: !!m, numFmt: m?.numFmt };
    },
    date1904: !!meta.properties?.model?.date1904,
  };
}

/**
 * Passes over a sheet we do not want without parsing it: exceljs moves on to the next sheet
 * whether or not this one was iterated (a zip entry is drained, a sheet parked in a temp file is
 * simply not opened again), so only the stream it holds is closed here.
 */
function skipSheet(ws: object): void {
  const it = (ws as { iterator?: { destroy?: () => void } }).iterator;
  if (it && typeof it.destroy === 'function') it.destroy();
}

async function xlsxRows(path: string, bytes: Buffer, sha256: string, file: string, src: SourceSpec): Promise<{ columns: string[]; rows: SourceRow[] }> {
  const sheet = await xlsxSheet(path, bytes, sha256, file, src);
  const rows: SourceRow[] = [];
  for await (const piece of sheet.pieces) for (const r of piece) rows.push(r);
  return { columns: sheet.columns, rows };
}

function cellValue(v: ExcelJS.CellValue): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'object') {
    if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
    // A formula whose cached result exceljs dropped (it keeps only truthy results) or never had.
    if ('formula' in v || 'sharedFormula' in v) return null;
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

export interface SourceStream {
  file: string;
  path: string;
  sha256: string;
  bytes: number;
  /** Header of a tabular source ([] for NDJSON). */
  columns: string[];
  /** Rows in pieces of about `chunkBytes`, in file order. */
  chunks: AsyncIterable<SourceRow[]>;
}

/**
 * Lines [start, end) of a large NDJSON file: the two ends are just after a line break (or the file's
 * ends). Read on their own, with line numbers, pieces and messages as a read of the whole file gives.
 * With `hash: false` the SHA-256 is left out ('') and taken by whoever reads the first range.
 */
export interface LineRange {
  start: number;
  end: number;
  hash: boolean;
}

/**
 * Streams a large CSV or NDJSON source in pieces so memory stays flat; the SHA-256 is taken
 * in a first pass because every record carries it. xlsx is read whole (one piece).
 */
export async function streamSource(src: SourceSpec, dir: string, chunkBytes = 2 << 20, range?: LineRange): Promise<SourceStream> {
  const path = join(dir, src.file);
  const file = basename(path);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new InputError(src.file, '', `cannot read ${path}`, 'Check the file name in the mapping spec and that the export is in the spec’s folder');
  }
  if (src.format === 'xlsx') return streamXlsx(src, path, file, size);
  if (range && src.format !== 'ndjson') throw new Error('only NDJSON sources are read in line ranges');
  if (src.format === 'csv') assertEndsWithCompleteRow(path, file, size, src);
  if (size <= chunkBytes && !range) {
    const data = await readSource(src, dir);
    return { file, path, sha256: data.sha256, bytes: data.bytes, columns: data.columns, chunks: (async function* () { yield data.rows; })() };
  }
  const sha256 = !range || range.hash ? await fileSha256(path) : '';
  const o: PieceOptions = {
    path,
    file,
    from: range?.start ?? 0,
    to: range?.end ?? size,
    chunkBytes,
    encoding: src.encoding,
    quote: src.quote,
    maxFieldChars: src.max_field_chars,
  };
  const header: string[] = [];
  const all = pieceRows(src, file, src.format === 'ndjson' ? ndjsonPieces(o) : csvPieces(o), header);
  // Read the header now so callers can check columns before the first piece is mapped.
  const firstRows = await all.next();
  const rest = async function* (): AsyncGenerator<SourceRow[]> {
    try {
      if (!firstRows.done) yield firstRows.value;
      for await (const r of all) yield r;
    } finally {
      await all.return(undefined);
    }
  };
  return { file, path, sha256, bytes: size, columns: header, chunks: rest() };
}

/** An xlsx source as a stream: the sheet's rows in pieces (the workbook is read whole for its parts). */
async function streamXlsx(src: SourceSpec, path: string, file: string, size: number): Promise<SourceStream> {
  const id = fileIdentity(path);
  const bytes = readFileSync(path);
  assertCompleteZip(bytes, file);
  const sha256 = bytesSha256(path, bytes, id);
  const sheet = await xlsxSheet(path, bytes, sha256, file, src);
  return { file, path, sha256, bytes: size, columns: sheet.columns, chunks: sheet.pieces };
}


/** Rows of each piece; a CSV's first record is its header, put into `header` before its first rows are given. */
async function* pieceRows(src: SourceSpec, file: string, pieces: AsyncGenerator<Piece>, header: string[]): AsyncGenerator<SourceRow[]> {
  let row = 0;
  let headerDone = false;
  // A reader that stops early (e.g. after the header) closes the file through here.
  try {
    for await (const { text, line } of pieces) {
      if (src.format === 'ndjson') {
        yield ndjsonRows(text, line);
        continue;
      }
      const recs = parseRecords(text, file, { delimiter: src.delimiter, quote: src.quote, maxFieldChars: src.max_field_chars }, line);
      if (!headerDone) {
        const head = recs.shift();
        if (!head) throw new InputError(file, '', 'the file is empty', 'Export the table again with a header row');
        header.push(...head.cells.map((h) => h.trim()));
        headerDone = true;
      }
      yield recs.map((r) => toRow(++row, r.cells, header));
    }
  } finally {
    await pieces.return(undefined);
  }
}

/**
 * Where to cut a file into `parts` line ranges of about equal size: each cut is just after a line
 * break. Fewer ranges when the file has too few line breaks.
 */
export function lineRanges(path: string, parts: number): LineRange[] {
  const size = statSync(path).size;
  const cuts = [0];
  // The first range also takes the SHA-256 of the whole file, about 5% of the time of reading it
  // (1.4 s against 26 s for 1.75 GB of FHIR): it is that much shorter, so the ranges end together.
  const hashShare = parts > 1 ? 0.05 : 0;
  const boundary = (k: number) => Math.floor(size * (k * (1 + hashShare) / parts - hashShare));
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let k = 1; k < parts; k++) {
      let pos = Math.max(cuts[cuts.length - 1]!, boundary(k));
      let cut = -1;
      while (cut < 0 && pos < size) {
        const got = readSync(fd, buf, 0, buf.length, pos);
        if (got === 0) break;
        const i = buf.subarray(0, got).indexOf(10);
        if (i >= 0) cut = pos + i + 1;
        pos += got;
      }
      if (cut > cuts[cuts.length - 1]! && cut < size) cuts.push(cut);
    }
  } finally {
    closeSync(fd);
  }
  return cuts.map((start, k) => ({ start, end: cuts[k + 1] ?? size, hash: k === 0 }));
}

function toRow(n: number, cells: string[], header: string[]): SourceRow {
  const values: Record<string, unknown> = {};
  for (let i = 0; i < header.length && i < cells.length; i++) values[header[i]!] = cells[i];
  const r: SourceRow = { row: n, pointer: null, values };
  if (cells.length > header.length) r.extraCells = cells.slice(header.length);
  if (cells.length < header.length) r.missingCells = header.slice(cells.length);
  return r;
}
