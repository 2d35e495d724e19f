// RFC 4180 CSV with the dialects centres send: any one-character delimiter, quoted fields
// with embedded delimiters, quotes and newlines, CRLF or LF, a UTF-8 BOM.
import { InputError } from './errors.js';

export interface CsvDialect {
  delimiter: string;
  quote: string;
  /** Stop with an error when a single field exceeds this many characters. */
  maxFieldChars: number;
}

export const DEFAULT_DIALECT: CsvDialect = { delimiter: ',', quote: '"', maxFieldChars: 1_000_000 };

export interface CsvRecord {
  /** 1-based data row number (the header is row 0). */
  row: number;
  /** Physical line the record starts on (1-based, header is line 1). */
  line: number;
  cells: string[];
}

export interface CsvTable {
  header: string[];
  records: CsvRecord[];
}

/** Parses CSV text. Throws InputError for an unterminated quote or an oversized field, naming the line. */
export function parseCsv(text: string, file: string, dialect: Partial<CsvDialect> = {}): CsvTable {
  const nonBlank = parseRecords(text, file, dialect, 1);
  const [head, ...body] = nonBlank;
  if (!head) throw new InputError(file, '', 'the file is empty', 'Export the table again with a header row');
  return { header: head.cells.map((h) => h.trim()), records: body.map((r, k) => ({ row: k + 1, line: r.line, cells: r.cells })) };
}

/** Records of a piece of CSV text that starts at a record boundary on physical line `firstLine` (blank lines dropped). */
export function parseRecords(text: string, file: string, dialect: Partial<CsvDialect>, firstLine: number): { line: number; cells: string[] }[] {
  const { delimiter, quote, maxFieldChars } = { ...DEFAULT_DIALECT, ...dialect };
  if (delimiter.length !== 1 || quote.length !== 1) throw new Error('CSV delimiter and quote must be one character');
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const D = delimiter.charCodeAt(0);
  const Q = quote.charCodeAt(0);
  const all: { line: number; cells: string[] }[] = [];
  // Blank (unquoted, whitespace-only) lines are not records.
  const keep = (cells: string[], quoted: boolean) => quoted || !(cells.length === 1 && cells[0]!.trim() === '');
  let quoted = false;
  let cells: string[] = [];
  let line = firstLine;
  let recordLine = firstLine;
  let i = 0;
  const n = src.length;
  let atRecordStart = true;
  while (i < n) {
    atRecordStart = false;
    let value: string;
    if (src.charCodeAt(i) === Q) {
      quoted = true;
      const startLine = line;
      let j = i + 1;
      let buf = '';
      let chunkStart = j;
      for (;;) {
        if (j >= n) {
          throw new InputError(
            file,
            `line ${startLine}`,
            'a quoted field is never closed (the file may be truncated)',
            'Check the quoting of that line or re-export the file completely',
          );
        }
        const c = src.charCodeAt(j);
        if (c === Q) {
          if (src.charCodeAt(j + 1) === Q) {
            buf += src.slice(chunkStart, j + 1);
            j += 2;
            chunkStart = j;
            continue;
          }
          buf += src.slice(chunkStart, j);
          j++;
          break;
        }
        if (c === 10) line++;
        j++;
        if (j - i > maxFieldChars) throw oversize(file, startLine, maxFieldChars);
      }
      value = buf;
      i = j;
      // Characters between the closing quote and the delimiter are kept (lenient, like most readers).
      const k = nextStop(src, i, D);
      if (k > i) value += src.slice(i, k).replace(/\r$/, '');
      i = k;
    } else {
      const k = nextStop(src, i, D);
      if (k - i > maxFieldChars) throw oversize(file, line, maxFieldChars);
      value = src.slice(i, k);
      if (value.endsWith('\r')) value = value.slice(0, -1);
      i = k;
    }
    cells.push(value);
    if (i >= n) break;
    const c = src.charCodeAt(i);
    i++;
    if (c === 10) {
      if (keep(cells, quoted)) all.push({ line: recordLine, cells });
      cells = [];
      quoted = false;
      line++;
      recordLine = line;
      atRecordStart = true;
    } else if (i >= n) {
      cells.push(''); // trailing delimiter at end of file
    }
  }
  if (!atRecordStart && cells.length > 0 && keep(cells, quoted)) all.push({ line: recordLine, cells });
  return all;
}

/**
 * Length of the longest prefix of `text` that ends just after a record (a newline outside quotes).
 * The text must start at a record boundary; doubled quotes keep the parity, so counting works.
 */
export function completeRecordsLength(text: string, quote = '"'): number {
  const Q = quote.charCodeAt(0);
  let inQuotes = false;
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === Q) inQuotes = !inQuotes;
    else if (c === 10 && !inQuotes) last = i + 1;
  }
  return last;
}

function nextStop(src: string, from: number, D: number): number {
  for (let k = from; k < src.length; k++) {
    const c = src.charCodeAt(k);
    if (c === D || c === 10) return k;
  }
  return src.length;
}

function oversize(file: string, line: number, max: number): InputError {
  return new InputError(
    file,
    `line ${line}`,
    `a field is longer than ${max.toLocaleString('en')} characters`,
    'This is usually a broken quote or a binary file; check the export, or raise maxFieldChars in the mapping spec if the field is genuine',
  );
}

/** Guesses the delimiter from the header line: the most frequent of , ; tab |. */
export function sniffDelimiter(text: string): string {
  const first = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t', '|']) {
    const count = first.split(d).length - 1;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}
