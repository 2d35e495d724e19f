// The columnar plan of a source (map/columnar.ts): which cells are read, which fields are answered
// per distinct value on their own (patient ids, time stamps, hours between), which cells form the
// tuple mapped once per distinct value, and which melt items are units of their own.
import { TABLES, describeFields, type TableName } from '../../schemas/index.js';
import { fieldObject } from './spec-load.js';
import { fieldPaths } from './expr.js';
import { typedFieldMap } from './records.js';
import type { FieldMapObject, MappingSpec, MeltItem, SourceSpec, TableMap } from '../../schemas/mapping-spec.js';

const TABLE: TableName = 'observation';

export interface TimeSpec {
  key: string;
  fm: FieldMapObject;
  label: string;
  cols: number[];
}

export interface ColumnarPlan {
  src: SourceSpec;
  /** Table maps mapped here: the observation maps, and (full plans) the earlier-phase maps whose rows take the row path. */
  produce: Set<TableMap>;
  /** Full plan: the source also feeds earlier-phase tables, each through a selective `when`; the rows they take go to the row path. */
  early: TableMap[];
  /** Referenced paths (columns or JSON paths), one raw column each. */
  paths: string[];
  patientCols: number[];
  times: TimeSpec[];
  /** Columns of the tuple mapped once per distinct value. */
  tupleCols: number[];
  timeLabels: Set<string>;
  /**
   * Melted (wide) columns of table maps whose other fields are all time stamps: each melt item is a
   * unit of its own (its cells are mapped once per distinct value), not part of the row's tuple,
   * which would otherwise be nearly unique per row.
   */
  melts: { tm: number; item: number; cols: number[] }[];
  /**
   * Fields computed from cells that would make every tuple unique (hours between two time stamps):
   * evaluated once per distinct input, and their result (not their cells) joins the row's tuple as
   * column index paths.length + k.
   */
  derived: TimeSpec[];
  derivedLabels: Set<string>;
}

/**
 * The columnar plan of a source's table maps, or why it has none (then the row path maps it).
 * Only observation maps without pivots or merges; patient id and time fields without code maps.
 */
export function planColumnar(spec: MappingSpec, src: SourceSpec, produce: TableMap[], early: TableMap[] = []): ColumnarPlan | string {
  if (produce.length === 0) return 'nothing to map';
  // A source's references are followed by our reader as it writes the raw cells (ingest/columnar-source.ts): the `@name…`
  // paths are cells like any other.
  for (const tm of produce) {
    if (tm.table !== TABLE) return `table ${tm.table}`;
    if (tm.pivot || tm.merge) return 'pivot or merge';
  }
  if (early.some((tm) => !tm.when)) return 'an earlier-phase table map takes every row';
  const paths: string[] = [];
  const col = (p: string) => {
    let i = paths.indexOf(p);
    if (i < 0) i = paths.push(p) - 1;
    return i;
  };
  const colsOf = (fm: FieldMapObject): number[] => {
    return fieldPaths(fm).map(col);
  };
  const pfm = fieldObject(src.patient_id);
  if (pfm.codes || pfm.date !== undefined || pfm.hours_between) return 'patient id with codes or dates';
  const patientCols = colsOf(pfm);
  const dateFormat = src.date_format ?? spec.date_format;
  const kinds = new Map(describeFields(TABLES[TABLE].schema).map((f) => [f.name, f.kind]));
  const times: TimeSpec[] = [];
  const timeLabels = new Set<string>();
  const tuple = new Set<number>();
  const addTuple = (fm: FieldMapObject) => colsOf(fm).forEach((c) => tuple.add(c));
  if (src.skip) addTuple(fieldObject(src.skip.field));
  if (src.flag) addTuple(fieldObject(src.flag.field));
  for (const tm of src.tables) if (tm.when) addTuple(fieldObject(tm.when.field));
  const melts: ColumnarPlan['melts'] = [];
  const derived: TimeSpec[] = [];
  const derivedLabels = new Set<string>();
  for (const tm of produce) {
    let allTime = true;
    for (const [name, raw] of Object.entries(tm.fields)) {
      const obj = fieldObject(raw);
      // Typed as the row path types it, so the deferred field is recognised by its JSON.
      const fm = typedFieldMap(name, obj, kinds.get(name), dateFormat);
      if (fm.date !== undefined && !fm.hours_between && !fm.codes && fm.value === undefined) {
        const key = JSON.stringify(fm);
        if (!times.some((t) => t.key === key)) times.push({ key, fm, label: `${src.id}.${tm.table}.${name}`, cols: colsOf(fm) });
        timeLabels.add(`${src.id}.${tm.table}.${name}`);
      } else if (fm.hours_between && !['value', 'rate', 'volume_ml'].includes(name)) {
        const key = JSON.stringify(fm);
        if (!derived.some((t) => t.key === key)) derived.push({ key, fm, label: `${src.id}.${tm.table}.${name}`, cols: colsOf(fm) });
        derivedLabels.add(`${src.id}.${tm.table}.${name}`);
        allTime = false;
      } else {
        allTime = false;
        addTuple(fm);
      }
    }
    const ti = src.tables.indexOf(tm);
    if (tm.melt && allTime && early.length === 0) tm.melt.forEach((m, item) => melts.push({ tm: ti, item, cols: meltCols(m, colsOf) }));
    else for (const m of tm.melt ?? []) meltCols(m, colsOf).forEach((c) => tuple.add(c));
  }
  // Rows the earlier-phase maps take are rebuilt from the raw cells for the row path: their cells are read too.
  for (const tm of early) {
    for (const raw of Object.values(tm.fields)) colsOf(fieldObject(raw));
    if (tm.pivot) colsOf(fieldObject(tm.pivot.name)), colsOf(fieldObject(tm.pivot.value));
    for (const m of tm.melt ?? []) meltCols(m, colsOf);
  }
  derived.forEach((_, k) => tuple.add(paths.length + k));
  return {
    src,
    produce: new Set([...early, ...produce]),
    early,
    paths,
    patientCols,
    times,
    tupleCols: [...tuple].sort((a, b) => a - b),
    timeLabels,
    melts,
    derived,
    derivedLabels,
  };
}


/** The columns a melt item reads: its value and, when given, its absence reason. */
function meltCols(m: MeltItem, colsOf: (fm: FieldMapObject) => number[]): number[] {
  const cols = colsOf(fieldObject(m.value));
  if (m.value_absent_reason !== undefined) for (const c of colsOf(fieldObject(m.value_absent_reason))) if (!cols.includes(c)) cols.push(c);
  return cols;
}
