// The validate step: every mapped candidate is checked against its table's schema as it is made, and
// written to the table's staging file or, with its reasons, to the quarantine's.
import { join } from 'node:path';
import { TABLES, TABLE_NAMES, describeFields, type TableCounts, type TableName } from '../../schemas/index.js';
import type { Candidate, RecordProblem } from '../map/records.js';
import { recordBuilder } from '../map/record-builder.js';
import { fastCheck } from '../validate/fast.js';
import { problemsFromIssues } from '../validate/problems.js';
import { StagingWriter } from '../store/staging.js';

const NO_PROBLEMS: readonly RecordProblem[] = Object.freeze([]);

/** Staging files by table; observations are staged in parts, in source order (row-path CSVs between the columnar sources' Parquet files). */
export type StagedFiles = Partial<Record<TableName | 'quarantine', string | string[]>>;

export class RecordStager {
  private readonly writers = new Map<string, StagingWriter>();
  private readonly current = new Map<TableName | 'quarantine', StagingWriter>();
  private readonly obsParts: string[] = [];
  private obsPart = 0;
  private recordId = 0;
  private readonly builders = new Map(TABLE_NAMES.map((t) => [t, recordBuilder(describeFields(TABLES[t].schema))]));
  private readonly fastChecks = new Map(TABLE_NAMES.map((t) => [t, fastCheck(TABLES[t].schema)]));
  /** The quarantine line's fields, in the quarantine's column order (filled per line). */
  private readonly qRow: Record<string, unknown> = {
    centre_id: null, record_id: null, table_name: null, source_file: null, source_row: null, source_pointer: null,
    field: null, raw_value: null, check_name: null, message: null, record_json: null,
  };

  constructor(
    private readonly work: string,
    private readonly spec: { id: string; version: string; centre: { centre_id: string } },
    private readonly counts: Record<string, TableCounts>,
  ) {}

  writer(t: TableName | 'quarantine'): StagingWriter {
    // The table's current writer is remembered (an observation part's name is built once per part, not per record).
    const cur = this.current.get(t);
    if (cur) return cur;
    const k = t === 'observation' ? `observation-${this.obsPart}` : t;
    let w = this.writers.get(k);
    if (!w) this.writers.set(k, (w = new StagingWriter(t, join(this.work, `${k}.csv`))));
    this.current.set(t, w);
    return w;
  }

  /** A columnar source's observations (a Parquet file) take the next place among the observation parts. */
  addObservationPart(parquet: string): void {
    this.current.delete('observation');
    const w = this.writers.get(`observation-${this.obsPart}`);
    if (w) this.obsParts.push(w.path);
    this.obsPart++;
    this.obsParts.push(parquet);
  }

  /** One quarantine row per problem of the candidate (its own and `extraProblems`). */
  quarantine = (c: Candidate, extraProblems: readonly RecordProblem[] = NO_PROBLEMS): void => {
    this.recordId++;
    const q = this.writer('quarantine');
    // One row object for every line of the candidate (the writer turns it into text at once): its JSON made once.
    const row = this.qRow;
    row.centre_id = this.spec.centre.centre_id;
    row.record_id = this.recordId;
    row.table_name = c.table;
    row.source_file = c.where.file;
    row.source_row = c.where.row;
    row.source_pointer = c.where.pointer;
    row.record_json = JSON.stringify(c.values);
    for (let i = 0; i < c.problems.length + extraProblems.length; i++) {
      const p = i < c.problems.length ? c.problems[i]! : extraProblems[i - c.problems.length]!;
      row.field = p.field;
      row.raw_value = p.raw === null || p.raw === undefined ? null : String(p.raw instanceof Date ? p.raw.toISOString() : p.raw).slice(0, 500);
      row.check_name = p.check;
      row.message = p.message;
      q.write(row);
    }
    this.counts[c.table]!.quarantined++;
  };

  /** The candidate validated: to its table's staging file (or `sink`) when valid, else to the quarantine. */
  store = (c: Candidate, sink?: (rec: Record<string, unknown>) => void): void => {
    // The record is rebuilt in the table's column order by a builder made once per table: one
    // object shape per table keeps the validator fast. Fields a mapping leaves out are unknown:
    // null (or an empty list), never invented. (Keys outside the schema cannot reach here: the
    // spec loader rejects unknown field names.)
    c.values = this.builders.get(c.table)!(c.values, c.where, this.spec.id, this.spec.version);
    if (c.problems.length > 0) return this.quarantine(c);
    // Nearly every record is valid: the fast check says so without zod; the rest get zod's verdict and messages.
    if (this.fastChecks.get(c.table)?.(c.values)) return sink ? sink(c.values) : this.writer(c.table).write(c.values);
    const parsed = TABLES[c.table].schema.safeParse(c.values);
    if (!parsed.success) {
      const probs = problemsFromIssues(parsed.error.issues, c.values, { file: c.where.file, row: c.where.row, pointer: c.where.pointer });
      return this.quarantine(c, probs.map((p) => ({ field: p.field, raw: p.value, check: p.check, message: p.message })));
    }
    const rec = parsed.data as Record<string, unknown>;
    if (sink) sink(rec);
    else this.writer(c.table).write(rec);
  };

  /** Closes every staging file and lists them by table. */
  close(): StagedFiles {
    for (const w of this.writers.values()) w.close();
    const staged = Object.fromEntries([...this.writers.entries()].filter(([k]) => !k.startsWith('observation-')).map(([t, w]) => [t, w.path])) as StagedFiles;
    const lastObs = this.writers.get(`observation-${this.obsPart}`);
    if (lastObs) this.obsParts.push(lastObs.path);
    if (this.obsParts.length > 0) staged.observation = this.obsParts.length === 1 ? this.obsParts[0]! : this.obsParts;
    return staged;
  }
}
