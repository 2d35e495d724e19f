// Validated records are streamed to staging CSV files (one per table) and loaded into DuckDB
// in one read_csv per table: far faster than row inserts, and memory stays flat.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { TableName } from '../../schemas/index.js';
import { QUARANTINE_COLUMNS, tableColumns, type ColumnDef } from './layout.js';
import { sql } from './sql.js';

export const NULL_MARK = '\\N';
const LIST_SEP = '|';

function cell(v: unknown, col: ColumnDef): string {
  if (v === null || v === undefined) return NULL_MARK;
  if (col.type === 'VARCHAR[]') return quote((v as unknown[]).map(String).join(LIST_SEP));
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return quote(String(v));
}

function quote(s: string): string {
  if (s === NULL_MARK) return '"\\N"';
  return /[",\n\r]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}

type LineWriter = (rec: Record<string, unknown>) => string;

/**
 * Compiles `record → CSV line` for a column list: one straight-line function per table, the
 * cell rules of `cell` inlined per column. Text cells repeat (centre, file, hash, spec, unit,
 * variable), so each column remembers its last text and its quoted form.
 */
function lineWriter(columns: ColumnDef[]): LineWriter {
  let body = 'let s = "", v, t;\n';
  columns.forEach((c, i) => {
    const k = JSON.stringify(c.name);
    const sep = i ? 's += ",";\n' : '';
    if (c.type === 'VARCHAR[]') {
      body += `${sep}v = r[${k}];\ns += v === null || v === undefined ? NULL_MARK : cell(v, C[${i}]);\n`;
      return;
    }
    body += `${sep}v = r[${k}];
if (v === null || v === undefined) s += NULL_MARK;
else if (typeof v === 'number') s += v;
else if (typeof v === 'string') { if (v !== L[${i}]) { L[${i}] = v; Q[${i}] = quote(v); } s += Q[${i}]; }
else s += cell(v, C[${i}]);
`;
  });
  body += 'return s + "\\n";';
  const last: unknown[] = columns.map(() => undefined);
  const quoted: string[] = columns.map(() => '');
  // Column names come from our own schemas, never from input, so generating code from them is safe.
  return new Function('C', 'L', 'Q', 'NULL_MARK', 'cell', 'quote', `return function line(r) {\n${body}\n};`)(
    columns,
    last,
    quoted,
    NULL_MARK,
    cell,
    quote,
  ) as LineWriter;
}

const BUFFER_BYTES = 1 << 20;

/** Appends records of one table to a CSV file in the store's column order, buffering writes. */
export class StagingWriter {
  readonly columns: ColumnDef[];
  private fd: number;
  private buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  private readonly line: LineWriter;
  count = 0;

  constructor(
    readonly table: TableName | 'quarantine',
    readonly path: string,
    /** Columns after the table's (e.g. the row order of records merged with another part). */
    extra: ColumnDef[] = [],
  ) {
    this.columns = [...(table === 'quarantine' ? QUARANTINE_COLUMNS : tableColumns(table)), ...extra];
    this.line = lineWriter(this.columns);
    this.fd = openSync(path, 'w');
    this.push(this.columns.map((c) => c.name).join(',') + '\n');
  }

  write(rec: Record<string, unknown>): void {
    this.push(this.line(rec));
    this.count++;
  }

  private push(s: string): void {
    // A UTF-16 unit takes at most 3 bytes in UTF-8.
    if (this.used + s.length * 3 > this.buf.length) {
      this.flush();
      if (s.length * 3 > this.buf.length) {
        writeSync(this.fd, s);
        return;
      }
    }
    this.used += this.buf.write(s, this.used, 'utf8');
  }

  flush(): void {
    let done = 0;
    while (done < this.used) done += writeSync(this.fd, this.buf, done, this.used - done);
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** SELECT that reads a staging file with the store's types (a quoted "\N" is the text \N, only a bare one is null). */
export function readStagingSql(table: TableName | 'quarantine', path: string, extra: ColumnDef[] = []): string {
  const cols = [...(table === 'quarantine' ? QUARANTINE_COLUMNS : tableColumns(table)), ...extra];
  const spec = cols.map((c) => `'${c.name}': '${c.type === 'VARCHAR[]' ? 'VARCHAR' : c.type}'`).join(', ');
  const select = cols
    .map((c) =>
      c.type === 'VARCHAR[]'
        ? `CASE WHEN ${c.name} IS NULL OR ${c.name} = '' THEN []::VARCHAR[] ELSE string_split(${c.name}, '${LIST_SEP}') END AS ${c.name}`
        : c.name,
    )
    .join(', ');
  return (
    `SELECT ${select} FROM read_csv(${sql(path)}, header = true, delim = ',', quote = '"', escape = '"', nullstr = '${NULL_MARK}', ` +
    `allow_quoted_nulls = false, columns = {${spec}}, auto_detect = false)`
  );
}
