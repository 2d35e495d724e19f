import { TABLES, describeFields, type TableName, type TableRecords } from '../../schemas/index.js';
import type { RecordFile } from '../read/index.js';
import { coerceRecord } from '../../schemas/coerce.js';
import { problemsFromIssues, unexpectedField, type Problem } from './problems.js';

export interface ValidationResult<T extends TableName> {
  table: T;
  file: string;
  rowsRead: number;
  valid: TableRecords[T][];
  /** Rows with at least one problem (quarantined by the pipelines). */
  invalidRows: number[];
  problems: Problem[];
}

/** Checks every record of a file against a table schema; never stops at the first bad row. */
export function validateRecordFile<T extends TableName>(table: T, file: RecordFile): ValidationResult<T> {
  const schema = TABLES[table].schema;
  const fields = describeFields(schema);
  const problems: Problem[] = [];
  const valid: TableRecords[T][] = [];
  const invalidRows: number[] = [];
  const missingColumns = fields.filter((f) => !file.columns.includes(f.name)).map((f) => f.name);
  if (file.format === 'csv' && missingColumns.length > 0) {
    problems.push({ file: file.file, row: null, pointer: null, field: missingColumns.join(', '), value: undefined, check: 'missing_column', message: `required column(s) missing from the header: ${missingColumns.join(', ')}` });
  }
  // In a tabular file an unexpected column is one problem for the file, not one per row.
  const fieldNames = new Set(fields.map((f) => f.name));
  const unexpected = file.format === 'csv' ? file.columns.filter((c) => !fieldNames.has(c)) : [];
  for (const col of unexpected) problems.push({ file: file.file, row: null, pointer: null, field: col, value: undefined, ...unexpectedField(col) });
  for (const rec of file.records) {
    for (const col of unexpected) delete rec.values[col];
    const where = { file: file.file, row: rec.row, pointer: rec.pointer };
    const raw = file.textual ? coerceRecord(rec.values, fields) : rec.values;
    const rowProblems: Problem[] = [];
    if (rec.extraCells) rowProblems.push({ ...where, field: null, value: rec.extraCells, check: 'extra_cells', message: `the row has ${rec.extraCells.length} more cell(s) than the header; check the delimiter and quoting` });
    if (rec.missingCells && file.format === 'csv') rowProblems.push({ ...where, field: rec.missingCells.join(', '), value: undefined, check: 'short_row', message: `the row has fewer cells than the header (missing ${rec.missingCells.join(', ')}); the line may be truncated` });
    const parsed = schema.safeParse(raw);
    if (!parsed.success) rowProblems.push(...problemsFromIssues(parsed.error.issues, raw, where));
    if (rowProblems.length > 0) {
      invalidRows.push(rec.row);
      problems.push(...rowProblems);
    } else if (parsed.success) {
      valid.push(parsed.data as TableRecords[T]);
    }
  }
  return { table, file: file.file, rowsRead: file.records.length, valid, invalidRows, problems };
}
