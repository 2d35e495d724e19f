// How a source's cells reach the columnar path's DuckDB (map/columnar.ts): DuckDB reads a plain CSV
// itself (DirectCsv), or our reader writes each row's referenced cells to a raw CSV (RawWriter),
// tagged so their types come back as they were.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { SourceRow } from '../read/source.js';
import { picker } from './expr.js';
import { outsideTest, type CohortFilter } from './cohort.js';
import type { UnresolvedReferences } from './references.js';
import type { SourceSpec } from '../../schemas/mapping-spec.js';

export const NULL_MARK = '\\N';
import { sql as sqlText } from '../store/sql.js';

export { sqlText };

/** read_csv of a file the columnar path wrote itself (comma, double quotes, bare \N for null, quoted "\N" for the text). */
export function ownCsvSql(path: string | string[], columns: [string, string][], header = false): string {
  const spec = columns.map(([n, t]) => `'${n}': '${t}'`).join(', ');
  const files = typeof path === 'string' ? sqlText(path) : `[${path.map(sqlText).join(', ')}]`;
  return `read_csv(${files}, header = ${header}, delim = ',', quote = '"', escape = '"', nullstr = '\\N', allow_quoted_nulls = false, columns = {${spec}}, ` +
    `auto_detect = false)`;
}

/** Cell → raw CSV text: strings as they are, other values tagged so they come back as they were. */
function encode(v: unknown): string {
  let s: string;
  if (v === null || v === undefined) return NULL_MARK;
  if (typeof v === 'string') s = v === '' ? '\u0001e' : v.charCodeAt(0) === 1 || v === NULL_MARK ? '\u0001s' + v : v;
  else if (typeof v === 'number') s = '\u0001n' + (Object.is(v, -0) ? '-0' : String(v));
  else if (typeof v === 'boolean') s = v ? '\u0001b1' : '\u0001b0';
  else if (v instanceof Date) s = '\u0001d' + String(v.getTime());
  else s = '\u0001j' + JSON.stringify(v);
  // Quoted when it holds a quote, comma or line break, or starts or ends with anything but printable ASCII
  // (quoting more than needed is harmless; this avoids a trim per cell).
  const a = s.charCodeAt(0);
  const z = s.charCodeAt(s.length - 1);
  return a <= 32 || z <= 32 || a >= 127 || z >= 127 || NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const NEEDS_QUOTES = /[",\n\r]/;

export function decodeTagged(s: string | null): unknown {
  if (s === null) return null;
  if (s.charCodeAt(0) !== 1) return s;
  const body = s.slice(2);
  switch (s[1]) {
    case 'e':
      return '';
    case 's':
      return body;
    case 'n':
      return Number(body);
    case 'b':
      return body === '1';
    case 'd':
      return new Date(Number(body));
    default:
      return JSON.parse(body) as unknown;
  }
}

/**
 * Cells our readers wrote for the columnar path: raw CSV files (with a header each) that hold the
 * plain rows in row order, one after the other, and the rows kept whole for the row path.
 */
export interface RawCells {
  kind: 'raw';
  files: string[];
  odd: SourceRow[];
  /** Rows of patients outside the cohort, counted and never written (CohortFilter). */
  outside?: number;
  /** References naming nothing, counted (with the first lines) as the writer followed them, before the cohort test. */
  unresolved?: UnresolvedReferences;
}

/** Writes the referenced cells (`paths`, the plan's) of each row to a raw CSV; rows with parse or shape problems are kept whole for the row path. */
export class RawWriter implements RawCells {
  readonly kind = 'raw';
  readonly odd: SourceRow[] = [];
  rows = 0;
  /** Rows left out as outside the cohort (never written, not even to the work folder). */
  outside = 0;
  private fd: number;
  private buf = '';
  private readonly pickers: ((values: Record<string, unknown>) => unknown)[];
  private readonly isOutside: ((row: SourceRow) => boolean) | null;
  unresolved?: UnresolvedReferences;
  constructor(
    readonly paths: readonly string[],
    readonly path: string,
    cohort?: CohortFilter,
    /** Follows the row's references (map/references.ts) before its cells are picked, as mapSource's gate does. */
    private readonly follow?: (row: SourceRow) => void,
  ) {
    this.pickers = paths.map(picker);
    this.isOutside = cohort ? outsideTest(cohort) : null;
    this.fd = openSync(path, 'w');
    this.buf = ['__row', '__ptr', ...paths.map((_, i) => `c${i}`)].join(',') + '\n';
  }

  get files(): string[] {
    return [this.path];
  }

  write(rows: SourceRow[]): void {
    const pickers = this.pickers;
    let b = this.buf;
    for (const r of rows) {
      this.rows++;
      if (this.follow && !r.values.__parse_error__) this.follow(r);
      if (r.values.__parse_error__ || r.extraCells || r.missingCells) {
        this.odd.push(r);
        continue;
      }
      if (this.isOutside !== null && this.isOutside(r)) {
        this.outside++;
        continue;
      }
      b += r.row + ',' + encode(r.pointer);
      for (let i = 0; i < pickers.length; i++) b += ',' + encode(pickers[i]!(r.values));
      b += '\n';
      if (b.length > 1 << 20) {
        writeSync(this.fd, b);
        b = '';
      }
    }
    this.buf = b;
  }

  close(): void {
    if (this.buf) writeSync(this.fd, this.buf);
    this.buf = '';
    closeSync(this.fd);
  }
}

/**
 * A CSV source DuckDB can read itself, instead of our parser feeding a raw file: faster by an order of
 * magnitude. Only where its reading cannot differ from parseRecords (read/csv.ts): strict mode (every
 * row exactly the header's cells, no text after a closing quote, no unterminated quote), lines no longer
 * than the longest field we accept, and for latin1 no bytes 0x80–0x9F (TextDecoder's latin1 is
 * windows-1252, DuckDB's is ISO-8859-1). Anything DuckDB refuses makes the caller read the rows
 * itself (DirectCsvRefused), so the row path's checks and messages stay the only ones.
 */
export interface DirectCsv {
  kind: 'direct';
  path: string;
  /** The header as our parser read it. */
  columns: string[];
}

export class DirectCsvRefused extends Error {}

/** Whether a CSV source may be read by DuckDB directly (see DirectCsv). */
export function directCsvAllowed(src: SourceSpec, columns: string[], path: string): boolean {
  if (src.format !== 'csv' || columns.length < 2) return false;
  if (src.encoding === 'latin1') {
    const fd = openSync(path, 'r');
    try {
      const buf = new Uint8Array(4 << 20);
      const words = new Uint32Array(buf.buffer);
      for (let first = true; ; first = false) {
        const n = readSync(fd, buf, 0, buf.length, null);
        if (n === 0) break;
        if (first && n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return false; // a UTF-8 BOM: our reader drops it
        // Four bytes at a time: a word without a high bit is plain ASCII (nearly all of a file).
        const whole = n >>> 2;
        for (let w = 0; w < whole; w++) {
          if ((words[w]! & 0x80808080) === 0) continue;
          for (let i = w * 4; i < w * 4 + 4; i++) if (buf[i]! >= 0x80 && buf[i]! <= 0x9f) return false;
        }
        for (let i = whole * 4; i < n; i++) if (buf[i]! >= 0x80 && buf[i]! <= 0x9f) return false;
      }
    } finally {
      closeSync(fd);
    }
  }
  return true;
}

/**
 * The statements that make view `raw` (__row, __ptr, c0…) from a CSV DuckDB reads itself: table raw_c, read in
 * parallel and filled in file order (preserve_insertion_order), whose row ids are the data rows' numbers.
 * (`row_number() OVER ()` numbered them on one thread: lakeshore's vitals, 3 M rows, 0.76 s against 0.39 s.)
 */
export function directCsvSql(src: SourceSpec, raw: DirectCsv, paths: string[]): string[] {
  const spec = raw.columns.map((_, i) => `'h${i}': 'VARCHAR'`).join(', ');
  // A row's value of a column is its last cell of that name (toRow in read/source.ts); an empty cell is ''.
  const cells = paths.map((p, i) => {
    const at = raw.columns.lastIndexOf(p);
    return at < 0 ? `NULL::VARCHAR AS c${i}` : `coalesce(h${at}, '') AS c${i}`;
  });
  const opts = [
    'header = true',
    `delim = ${sqlText(src.delimiter)}`,
    `quote = ${sqlText(src.quote)}`,
    `escape = ${sqlText(src.quote)}`,
    `columns = {${spec}}`,
    'auto_detect = false',
    'strict_mode = true',
    'null_padding = false',
    'allow_quoted_nulls = false',
    "nullstr = ''",
    `max_line_size = ${src.max_field_chars}`,
    `encoding = ${src.encoding === 'latin1' ? "'latin-1'" : "'utf-8'"}`,
  ];
  return [
    `CREATE TABLE raw_c AS SELECT ${cells.join(', ')} FROM read_csv(${sqlText(raw.path)}, ${opts.join(', ')})`,
    `CREATE VIEW raw AS SELECT rowid + 1 AS __row, NULL::VARCHAR AS __ptr, ${paths.map((_, i) => `c${i}`).join(', ')} FROM raw_c`,
  ];
}

