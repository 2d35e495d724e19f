// Delimited-text tables with documented imperfections (parameters.IMPERFECTIONS), each logged to the truth.
import { IMPERFECTIONS as IMP } from '../parameters.js';
import { Rng } from '../prng.js';
import type { FileSink } from './sink.js';

/** How a column takes imperfections: measures can go missing or get a typo; categories get stray whitespace/case. */
export type ColumnKind = 'measure' | 'category' | 'plain';

export interface ColumnSpec {
  name: string;
  kind?: ColumnKind;
  /** Eligible for an out-of-range typo (a slipped decimal point or an extra digit). */
  typo?: boolean;
}

export interface ImperfectionRecord {
  file: string;
  dataRow: number;
  column: string;
  kind: 'missing' | 'duplicate_row' | 'whitespace_case' | 'late_correction' | 'out_of_range_typo';
  original: string;
  exported: string;
  patient: string;
}

/** Collects the imperfection log for one centre (written to _truth/<centre>/imperfections.csv). */
export class ImperfectionLog {
  constructor(private readonly sink: FileSink) {
    sink.line('file,data_row,column,kind,original,exported,patient_local_id');
  }
  add(r: ImperfectionRecord): void {
    this.sink.line([r.file, r.dataRow, r.column, r.kind, r.original, r.exported, r.patient].map((x) => csvField(String(x), ',')).join(','));
    this.sink.rows++;
  }
}

/** Applies imperfections with a seeded stream; the same stream order gives the same damage every run. */
export class Imperfector {
  readonly rng: Rng;
  private readonly missingRng: Rng;
  private readonly typoRng: Rng;
  private readonly duplicateRng: Rng;
  private readonly correctionRng: Rng;

  /** One seeded stream per kind, so the rate of one kind does not depend on how often the others are drawn. */
  constructor(
    streamName: string,
    readonly log: ImperfectionLog,
    readonly enabled = true,
  ) {
    this.rng = new Rng(`${streamName}/category`);
    this.missingRng = new Rng(`${streamName}/missing`);
    this.typoRng = new Rng(`${streamName}/typo`);
    this.duplicateRng = new Rng(`${streamName}/duplicate`);
    this.correctionRng = new Rng(`${streamName}/correction`);
  }

  missing(file: string, dataRow: number, column: string, patient: string, value: string): string {
    if (!this.enabled || value === '' || !this.missingRng.bernoulli(IMP.missingValueRate)) return value;
    this.log.add({ file, dataRow, column, kind: 'missing', original: value, exported: '', patient });
    return '';
  }

  typo(file: string, dataRow: number, column: string, patient: string, value: string): string {
    if (!this.enabled || value === '' || !this.typoRng.bernoulli(IMP.outOfRangeTypoRate)) return value;
    const out = /[.,]/.test(value) ? value.replace(/[.,]/, '') : `${value}0`;
    this.log.add({ file, dataRow, column, kind: 'out_of_range_typo', original: value, exported: out, patient });
    return out;
  }

  category(file: string, dataRow: number, column: string, patient: string, value: string): string {
    if (!this.enabled || value === '' || !this.rng.bernoulli(IMP.whitespaceCaseRate)) return value;
    const variant = this.rng.int(0, 3);
    const out = variant === 0 ? ` ${value}` : variant === 1 ? `${value} ` : variant === 2 ? value.toUpperCase() : value.toLowerCase();
    if (out === value) return value;
    this.log.add({ file, dataRow, column, kind: 'whitespace_case', original: value, exported: out, patient });
    return out;
  }

  duplicate(): boolean {
    return this.enabled && this.duplicateRng.bernoulli(IMP.duplicateRowRate);
  }

  correction(): boolean {
    return this.enabled && this.correctionRng.bernoulli(IMP.lateCorrectionRate);
  }
}

export function csvField(value: string, sep: string): string {
  if (value.includes(sep) || value.includes('"') || value.includes('\n') || value.includes('\r')) return `"${value.replaceAll('"', '""')}"`;
  return value;
}

export interface CsvOptions {
  sep: string;
  newline: string;
  /** Quote every field (some EHR extract tools do). */
  quoteAll?: boolean;
}

export class CsvTable {
  readonly names: string[];
  constructor(
    readonly sink: FileSink,
    readonly file: string,
    readonly columns: ColumnSpec[],
    readonly opts: CsvOptions,
    readonly imp: Imperfector,
  ) {
    this.names = columns.map((c) => c.name);
    sink.line(this.format(this.names), opts.newline);
  }

  private format(cells: string[]): string {
    return cells.map((c) => (this.opts.quoteAll ? `"${c.replaceAll('"', '""')}"` : csvField(c, this.opts.sep))).join(this.opts.sep);
  }

  /** Write a row of formatted cells (same order as the columns), applying imperfections; returns the data row number. */
  row(patient: string, cells: string[], opts: { noDuplicate?: boolean } = {}): number {
    const dataRow = this.sink.rows + 1;
    const out = cells.map((value, i) => {
      const col = this.columns[i];
      if (col === undefined) throw new Error(`${this.file}: more cells than columns`);
      if (col.kind === 'measure') {
        const v = this.imp.missing(this.file, dataRow, col.name, patient, value);
        return col.typo === true ? this.imp.typo(this.file, dataRow, col.name, patient, v) : v;
      }
      if (col.kind === 'category') return this.imp.category(this.file, dataRow, col.name, patient, value);
      return value;
    });
    this.sink.line(this.format(out), this.opts.newline);
    this.sink.rows++;
    if (opts.noDuplicate !== true && this.imp.duplicate()) {
      this.sink.line(this.format(out), this.opts.newline);
      this.sink.rows++;
      this.imp.log.add({ file: this.file, dataRow: dataRow + 1, column: '', kind: 'duplicate_row', original: `copy of row ${dataRow}`, exported: '', patient });
    }
    return dataRow;
  }
}

/** Fixed-decimal number; null/NaN → ''. */
export function num(x: number | null | undefined, decimals = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '';
  const r = x.toFixed(decimals);
  return r === '-0' || /^-0\.0*$/.test(r) ? r.slice(1) : r;
}

/** Same with a decimal comma. */
export function numEu(x: number | null | undefined, decimals = 0): string {
  return num(x, decimals).replace('.', ',');
}
