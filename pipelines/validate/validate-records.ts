import { TABLES, describeFields, identifierReason, isIdentifierFieldName, type FieldInfo, type TableName, type TableRecords } from '../../schemas/index.js';
import type { RecordFile, RecordStream, SourceRecord } from '../read/index.js';
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
  const checker = recordChecker(table, file);
  const problems: Problem[] = [...checker.fileProblems];
  const valid: TableRecords[T][] = [];
  const invalidRows: number[] = [];
  for (const rec of file.records) {
    const r = checker.check(rec);
    if (r.problems.length > 0) {
      invalidRows.push(rec.row);
      problems.push(...r.problems);
    } else valid.push(r.data as TableRecords[T]);
  }
  problems.push(...checker.identifierColumns());
  return { table, file: file.file, rowsRead: file.records.length, valid, invalidRows, problems };
}

export interface StreamValidation {
  table: TableName;
  file: string;
  rowsRead: number;
  valid: number;
  invalid: number;
  /** Problems of the file itself (columns), not of a row. */
  fileProblems: number;
  problems: number;
}

/**
 * validateRecordFile over a stream of batches: each problem goes to `onProblem` as it is found, only counts are
 * kept; `afterBatch` is awaited between batches (back-pressure).
 */
export async function validateRecordStream(
  table: TableName,
  stream: RecordStream,
  onProblem: (p: Problem) => void,
  afterBatch?: () => Promise<void>,
): Promise<StreamValidation> {
  const checker = recordChecker(table, stream);
  const out: StreamValidation = {
    table,
    file: stream.file,
    rowsRead: 0,
    valid: 0,
    invalid: 0,
    fileProblems: checker.fileProblems.length,
    problems: checker.fileProblems.length,
  };
  checker.fileProblems.forEach(onProblem);
  for await (const batch of stream.batches) {
    for (const rec of batch) {
      out.rowsRead++;
      const r = checker.check(rec);
      if (r.problems.length === 0) out.valid++;
      else {
        out.invalid++;
        out.problems += r.problems.length;
        r.problems.forEach(onProblem);
      }
    }
    await afterBatch?.();
  }
  const late = checker.identifierColumns();
  out.fileProblems += late.length;
  out.problems += late.length;
  late.forEach(onProblem);
  return out;
}

/** The file-level problems (missing and unexpected columns) and the check of one record, for a file of known format and header. */
function recordChecker(table: TableName, file: Pick<RecordFile, 'file' | 'format' | 'textual' | 'columns'>) {
  const schema = TABLES[table].schema;
  const fields: FieldInfo[] = describeFields(schema);
  const fileProblems: Problem[] = [];
  const missingColumns = fields.filter((f) => !file.columns.includes(f.name)).map((f) => f.name);
  if (file.format === 'csv' && missingColumns.length > 0) {
    fileProblems.push({
      file: file.file,
      row: null,
      pointer: null,
      field: missingColumns.join(', '),
      value: undefined,
      check: 'missing_column',
      message: `required column(s) missing from the header: ${missingColumns.join(', ')}`,
    });
  }
  // In a tabular file an unexpected column is one problem for the file, not one per row.
  const fieldNames = new Set(fields.map((f) => f.name));
  const unexpected = file.format === 'csv' ? file.columns.filter((c) => !fieldNames.has(c)) : [];
  for (const col of unexpected) fileProblems.push({ file: file.file, row: null, pointer: null, field: col, value: undefined, ...unexpectedField(col) });
  // Columns whose name does not give them away are judged by their values, as the ingest judges unmapped columns.
  const samples = new Map(unexpected.filter((c) => !isIdentifierFieldName(c)).map((c) => [c, [] as unknown[]]));
  const check = (rec: SourceRecord): { problems: Problem[]; data: unknown } => {
    for (const [col, seen] of samples) if (seen.length < SAMPLE) seen.push(rec.values[col]);
    for (const col of unexpected) delete rec.values[col];
    const where = { file: file.file, row: rec.row, pointer: rec.pointer };
    const raw = file.textual ? coerceRecord(rec.values, fields) : rec.values;
    const problems: Problem[] = [];
    if (rec.extraCells)
      problems.push({
        ...where,
        field: null,
        value: rec.extraCells,
        check: 'extra_cells',
        message: `the row has ${rec.extraCells.length} more cell(s) than the header; check the delimiter and quoting`,
      });
    if (rec.missingCells && file.format === 'csv')
      problems.push({
        ...where,
        field: rec.missingCells.join(', '),
        value: undefined,
        check: 'short_row',
        message: `the row has fewer cells than the header (missing ${rec.missingCells.join(', ')}); the line may be truncated`,
      });
    const parsed = schema.safeParse(raw);
    if (!parsed.success) problems.push(...problemsFromIssues(parsed.error.issues, raw, where));
    return { problems, data: parsed.success ? parsed.data : undefined };
  };
  /** After the last record: columns whose sampled values look like identifiers (names, MRNs, birth dates…), one problem each. */
  const identifierColumns = (): Problem[] =>
    [...samples].flatMap(([col, seen]) => {
      const reason = identifierReason(col, seen);
      const message =
        `${col} looks like a direct patient identifier (${reason}) and must not be stored; drop it (mark it as an identifier in the ` +
        `mapping spec)`;
      return reason ? [{ file: file.file, row: null, pointer: null, field: col, value: undefined, check: 'identifier', message }] : [];
    });
  return { fileProblems, check, identifierColumns };
}

/** Values sampled per column for the identifier check (as the ingest samples unmapped columns). */
const SAMPLE = 200;
