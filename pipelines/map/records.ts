// Source rows → candidate records of the common schema, one table mapping at a time.
// Nothing is dropped: each row yields records, problems (for the quarantine), or a counted
// reason it was not meant for this table (routed elsewhere, ignored code, empty wide cell).
import { OBSERVATION_VARIABLES, TABLES, describeFields, type TableName } from '../../schemas/index.js';
import type { SourceData, SourceRow } from '../read/source.js';
import { evalField, type EvalContext } from './expr.js';
import { patientKey } from './pseudonymise.js';
import { followReferences, type SourceReferences } from './references.js';
import { AUTO_FIELDS, VIRTUAL_FIELDS, fieldObject } from './spec-load.js';
import { coerceCell } from '../../schemas/coerce.js';
import type { FieldMapObject, MappingSpec, SourceSpec, TableMap } from '../../schemas/mapping-spec.js';
import {
  ConversionError, FIELD_UNITS, canonicalUnit, fieldUnitProblem, reportedDecimals, spelledUnit, spellingMap, toCanonicalAtPrecision, unknownUnitMessage,
} from './units.js';

export interface Where {
  file: string;
  sha256: string;
  row: number | null;
  pointer: string | null;
}

export interface RecordProblem {
  field: string | null;
  raw: unknown;
  check: string;
  message: string;
}

/** A record on its way to a table: mapped values, extra inputs, and where it came from. */
export interface Candidate {
  table: TableName;
  values: Record<string, unknown>;
  /** Virtual inputs (course/cycle numbers, dosing weight, time) used to build keys and grids. */
  extra: Record<string, unknown>;
  where: Where;
  problems: RecordProblem[];
}

export interface SourceCounts {
  source: string;
  file: string;
  rows: number;
  /** Rows a table mapping's `when` sent elsewhere, per table. */
  routed: Record<string, number>;
  /** Records left out on purpose through ignore_codes, per code. */
  ignoredCodes: Record<string, number>;
  /** Empty cells of melted (wide) columns: no measurement, not a record. */
  emptyWideCells: number;
  /** Rows left out by the source's skip rule, with its reason. */
  skipped: number;
  skipReason: string | null;
  /** Rows no table mapping took (every `when` said no): listed as a data-quality finding. */
  unusedRows: number;
  unusedExamples: number[];
  /** Rows of patients outside the spec's cohort (map/cohort.ts): counted here, nothing else of them kept. */
  outsideCohort: number;
  /** Rows the source's flag rule marks (kept, mapped as any other), with its reason. */
  flagged: number;
  flagReason: string | null;
  /** References that name no resource (map/references.ts), by `source.reference`, with the first lines where they stand. */
  unresolvedReferences: Record<string, number>;
  unresolvedExamples: string[];
}

export interface MapContext {
  spec: MappingSpec;
  key: string;
  unmapped: Map<string, Map<string, number>>;
  /** The cohort's patient keys (map/cohort.ts); absent or null: every patient's rows are kept. */
  cohort?: Set<string> | null;
  /** Each source's references with the resources they may name (map/references.ts). */
  references?: SourceReferences | null;
}

/**
 * Maps the rows of one source. Only the table maps in `produce` (default: all) make records;
 * the others are still asked whether they take a row, so rows no map takes are counted once
 * (when `countUnused`) even when a source is mapped in two passes.
 */
export interface MapHooks {
  /** Weight of each row in the counts (columnar mapping: a distinct tuple stands for that many rows). */
  weights?: ArrayLike<number>;
  /** Told, after each row, whether a table map took it and whether the skip rule left it out. */
  onRow?: (index: number, taken: boolean, skipped: boolean) => void;
  defer?: EvalContext['defer'];
}

/** A source's counts before its first row. */
function emptyCounts(src: SourceSpec, data: SourceData): SourceCounts {
  return {
    source: src.id,
    file: data.file,
    rows: data.rows.length,
    routed: {},
    ignoredCodes: {},
    emptyWideCells: 0,
    skipped: 0,
    skipReason: src.skip?.reason ?? null,
    unusedRows: 0,
    unusedExamples: [],
    outsideCohort: 0,
    flagged: 0,
    flagReason: src.flag?.reason ?? null,
    unresolvedReferences: {},
    unresolvedExamples: [],
  };
}

export function mapSource(
  src: SourceSpec,
  data: SourceData,
  ctx: MapContext,
  produce?: Set<TableMap>,
  countUnused = true,
  hooks: MapHooks = {},
): { candidates: Candidate[]; counts: SourceCounts } {
  return mapSourcePhases(src, data, ctx, [{ produce, countUnused }], hooks)[0] as MapOutput;
}

/** What one mapSource call gives: candidate records and the source's counts. */
export interface MapOutput {
  candidates: Candidate[];
  counts: SourceCounts;
}

/**
 * One of the passes a source is mapped for: the table maps it produces (default: all), whether it counts rows no map
 * takes, and where its field maps tally unmapped codes (default: the context's).
 */
export interface MapPhase {
  produce?: Set<TableMap>;
  countUnused: boolean;
  unmapped?: Map<string, Map<string, number>>;
}

/** A phase's output, or (phases after the first) the error that stopped it: its records and counts of the piece are dropped. */
export type PhaseOutput = MapOutput | { error: unknown };

/** A phase's per-row state, kept apart from the other phases' exactly as a call of its own would keep it. */
interface PhaseRun {
  produce: Set<TableMap> | undefined;
  countUnused: boolean;
  unmapped: Map<string, Map<string, number>>;
  counts: SourceCounts;
  candidates: Candidate[];
  failed: { error: unknown } | null;
  taken: boolean;
  /** The tables whose `when` routed the row away, and those that took it. */
  routedFrom: TableName[];
  takenBy: TableName[];
  rowKey: string | null | undefined;
  keyProblem: RecordProblem | null;
  /** A problem of the row itself (its shape, its patient id) is quarantined once, by the first table map taking it. */
  rowProblemTold: boolean;
}

/**
 * Maps the rows of one source once for several phases (the dose-log and the observation phase of a source feeding both):
 * each row is read, gated and routed once, and each phase keeps its own records, counts, unmapped codes and per-row
 * state, so each gets exactly what `mapSource(src, data, ctx, phase.produce, phase.countUnused)` alone would give (the
 * gate's counts, told by the first phase, are copied to the others). A phase after the first that throws stops there
 * (its output is the error); the first phase's errors are thrown. A patient id with a code map may tally unmapped codes
 * while it is read, once per call: such a source is mapped phase by phase.
 */
export function mapSourcePhases(src: SourceSpec, data: SourceData, ctx: MapContext, phases: readonly MapPhase[], hooks: MapHooks = {}): PhaseOutput[] {
  if (phases.length > 1 && fieldObject(src.patient_id).codes !== undefined) return mapPhaseByPhase(src, data, ctx, phases);
  const runs: PhaseRun[] = phases.map((p) => ({
    produce: p.produce,
    countUnused: p.countUnused,
    unmapped: p.unmapped ?? ctx.unmapped,
    counts: emptyCounts(src, data),
    candidates: [],
    failed: null,
    taken: false,
    routedFrom: [],
    takenBy: [],
    rowKey: undefined,
    keyProblem: null,
    rowProblemTold: false,
  }));
  const first = runs[0]!;
  const m = rowMapper(src, data, ctx, hooks, first);
  const weights = hooks.weights;
  for (let ri = 0; ri < data.rows.length; ri++) {
    const row = data.rows[ri]!;
    if (weights) m.evalCtx.weight = m.rw = weights[ri]!;
    // References followed; a row outside the cohort or skipped on purpose is counted and goes no further.
    if (!m.gate(row, m.rw)) {
      hooks.onRow?.(ri, false, true);
      continue;
    }
    m.startRow(row);
    for (const r of runs) resetRow(r);
    for (let mi = 0; mi < m.compiled.length; mi++) {
      m.step(first, mi);
      for (let pi = 1; pi < runs.length; pi++) {
        const r = runs[pi]!;
        if (r.failed) continue;
        try {
          m.step(r, mi);
        } catch (e) {
          r.failed = { error: e };
        }
      }
    }
    for (const r of runs) if (!r.failed) endRow(r, row, m.rw);
    hooks.onRow?.(ri, first.taken, false);
  }
  return runs.map((r) => (r.failed ? r.failed : { candidates: r.candidates, counts: r === first ? r.counts : withGateCounts(r.counts, first.counts) }));
}

/** Each phase by a call of its own (with its own unmapped tally), a failing phase after the first returned as its error. */
function mapPhaseByPhase(src: SourceSpec, data: SourceData, ctx: MapContext, phases: readonly MapPhase[]): PhaseOutput[] {
  return phases.map((p, i) => {
    const one = () => mapSourcePhases(src, data, { ...ctx, unmapped: p.unmapped ?? ctx.unmapped }, [p])[0]!;
    if (i === 0) return one();
    try {
      return one();
    } catch (e) {
      return { error: e };
    }
  });
}

function resetRow(r: PhaseRun): void {
  r.taken = false;
  r.routedFrom.length = 0;
  r.takenBy.length = 0;
  r.rowKey = undefined;
  r.keyProblem = null;
  r.rowProblemTold = false;
}

/** The row's routed and unused counts of one phase. */
function endRow(r: PhaseRun, row: SourceRow, rw: number): void {
  const counts = r.counts;
  // Routed elsewhere once per table: a row another map of the same table takes is not routed away from it.
  for (let i = 0; i < r.routedFrom.length; i++) {
    const t = r.routedFrom[i]!;
    if (!r.takenBy.includes(t) && r.routedFrom.indexOf(t) === i) counts.routed[t] = (counts.routed[t] ?? 0) + rw;
  }
  if (!r.taken && r.countUnused) {
    counts.unusedRows += rw;
    if (counts.unusedExamples.length < 5) counts.unusedExamples.push(row.row);
  }
}

/** A later phase's counts with the gate's counts (told once, by the first phase), as its own call would have counted them. */
function withGateCounts(c: SourceCounts, gate: SourceCounts): SourceCounts {
  c.skipped = gate.skipped;
  c.outsideCohort = gate.outsideCohort;
  c.flagged = gate.flagged;
  c.unresolvedReferences = { ...gate.unresolvedReferences };
  c.unresolvedExamples = [...gate.unresolvedExamples];
  return c;
}

/**
 * The per-source mapping state (compiled maps, the gate, the row's shape and shared `when` answers) and `step`, which
 * takes one table map of the current row for one phase.
 */
function rowMapper(src: SourceSpec, data: SourceData, ctx: MapContext, hooks: MapHooks, gateRun: PhaseRun) {
  const evalCtx: EvalContext = {
    decimal: src.decimal,
    dateFormat: src.date_format ?? ctx.spec.date_format,
    timeZone: src.time_zone ?? ctx.spec.centre.time_zone,
    unmapped: gateRun.unmapped,
    fieldName: '',
    routing: false,
    defer: hooks.defer,
  };
  const patientId = fieldObject(src.patient_id);
  const compiled = compileTableMaps(src, evalCtx.dateFormat);
  // The spec's unit spellings (GI/L → 10^9/L) travel with each observation to its conversion.
  const spellings = Object.keys(ctx.spec.unit_spellings).length > 0 ? spellingMap(ctx.spec.unit_spellings) : null;
  const patientLabel = `${src.id}.patient_id`;
  const keyCache = new Map<string, string>();
  const gate = rowGate(src, ctx, evalCtx, gateRun.counts, keyCache);
  // The row being mapped, its shape problems, and each `when` answer once worked out (the same for every phase).
  let row: SourceRow = data.rows[0]!;
  let where: Where = { file: data.file, sha256: data.sha256, row: null, pointer: null };
  let shape: readonly RecordProblem[] = NO_PROBLEMS;
  const whenOk: (boolean | undefined)[] = new Array(compiled.length);
  // One input object for every table map mapped (not a new one per record).
  const input: RowInput = { row, where, evalCtx, spellings, rowKey: undefined, rw: 1, src, ctx };
  /** The row's patient key, or null with the problem recorded (for every table map of the row). */
  const keyOf = (r: PhaseRun, problems: RecordProblem[]): string | null => {
    evalCtx.fieldName = patientLabel;
    evalCtx.routing = false;
    const pid = evalField(patientId, row, evalCtx);
    if (!pid.ok) r.keyProblem = withheldPatientId(pid, patientId, ctx.key, ctx.spec.centre.centre_id);
    else if (pid.value === null || pid.value === undefined || pid.value === '')
      r.keyProblem = { field: 'patient_id', raw: null, check: 'required', message: 'the patient id is empty; the row cannot be linked to a patient' };
    else {
      const local = String(pid.value);
      let k = keyCache.get(local);
      if (k === undefined) keyCache.set(local, (k = patientKey(ctx.key, ctx.spec.centre.centre_id, local)));
      return k;
    }
    problems.push(r.keyProblem);
    return null;
  };
  const routedIn = (mi: number): boolean => {
    let ok = whenOk[mi];
    if (ok === undefined) {
      const { tm, when, whenLabel } = compiled[mi]!;
      evalCtx.fieldName = whenLabel;
      evalCtx.routing = true;
      evalCtx.accept = tm.when!.in;
      const w = evalField(when!, row, evalCtx);
      evalCtx.accept = undefined;
      whenOk[mi] = ok = w.ok && tm.when!.in.includes(w.value as string);
    }
    return ok;
  };
  const m = {
    evalCtx,
    compiled,
    gate,
    rw: 1,
    startRow(next: SourceRow): void {
      row = next;
      // NDJSON rows are located by line pointer; tabular rows by data row number.
      where = { file: data.file, sha256: data.sha256, row: src.format === 'ndjson' ? null : row.row, pointer: row.pointer };
      shape = shapeProblems(row);
      whenOk.fill(undefined);
      input.row = row;
      input.where = where;
    },
    step(r: PhaseRun, mi: number): void {
      const { tm, table, when } = compiled[mi]!;
      const clean = r.keyProblem === null && shape.length === 0;
      if (when && tm.when && clean && !routedIn(mi)) {
        // Counted by the phase that produces this table map only.
        if (!r.produce || r.produce.has(tm)) r.routedFrom.push(table);
        return;
      }
      r.taken = true;
      r.takenBy.push(table);
      if (!clean) {
        if (r.rowProblemTold) return;
        r.rowProblemTold = true;
      }
      if (r.produce && !r.produce.has(tm)) return;
      // The row's problems (shape, patient key) come first; the patient key is worked out once
      // per row, by the first table map that takes it.
      let problems: RecordProblem[];
      if (clean) {
        problems = [];
        evalCtx.unmapped = r.unmapped;
        if (r.rowKey === undefined) r.rowKey = keyOf(r, problems);
        if (r.rowKey === null) r.rowProblemTold = true;
      } else problems = r.keyProblem ? [...shape, r.keyProblem] : [...shape];
      evalCtx.unmapped = r.unmapped;
      input.rowKey = r.rowKey;
      input.rw = m.rw;
      mapOne(compiled[mi]!, input, problems, r);
      evalCtx.unmapped = gateRun.unmapped;
    },
  };
  return m;
}

/** What mapping one table map of a row reads besides the map itself. */
interface RowInput {
  row: SourceRow;
  where: Where;
  evalCtx: EvalContext;
  spellings: Map<string, string> | null;
  rowKey: string | null | undefined;
  rw: number;
  src: SourceSpec;
  ctx: MapContext;
}

/** One table map of a row taken by a phase that produces it: its candidate(s) into the phase's list. */
function mapOne(cm: CompiledMap, x: RowInput, problems: RecordProblem[], r: PhaseRun): void {
  const { tm, table, fields, melt, pivot } = cm;
  const { row, where, evalCtx, spellings, rw, src } = x;
  const counts = r.counts;
  const candidates = r.candidates;
  const base: Record<string, unknown> = { centre_id: x.ctx.spec.centre.centre_id };
  if (x.rowKey) base.patient_key = x.rowKey;
  const values = base;
  const extra: Record<string, unknown> = {};
  if (spellings && (table === 'observation' || table === 'infusion')) extra.__spellings = spellings;
  if (problems.length === 0) mapFields(fields, row, evalCtx, values, extra, problems);
  if (problems.length === 0 && table !== 'observation') checkFieldUnits(extra, spellings, problems);
  if (table === 'clinical_event' && problems.length === 0) values.onset_precision = extra.onset_at__precision ?? 'minute';
  if (tm.merge) extra.__merge = true;
  if (pivot && problems.length === 0) applyPivot(pivot, table, row, evalCtx, values, problems);
  if (melt) {
    if (problems.length > 0) {
      candidates.push({ table, values, extra, where, problems });
      return;
    }
    counts.emptyWideCells += meltRow(melt, table, row, evalCtx, values, extra, where, src.decimal, candidates) * rw;
    return;
  }
  if (table === 'observation' && problems.length === 0 && tm.ignore_codes.includes(String(values.variable))) {
    counts.ignoredCodes[String(values.variable)] = (counts.ignoredCodes[String(values.variable)] ?? 0) + rw;
    return;
  }
  if (table === 'observation') extra.__units = tm.units;
  const c: Candidate = { table, values, extra, where, problems };
  candidates.push(table === 'observation' && problems.length === 0 ? finishObservation(c, src.decimal) : c);
}

/**
 * What happens to a row before any table map reads it: its references followed (map/references.ts); a patient outside the
 * cohort counted (a row whose id does not evaluate goes on, to be quarantined); the skip rule, then the flag rule. False:
 * the row was counted here and goes no further.
 */
function rowGate(
  src: SourceSpec, ctx: MapContext, evalCtx: EvalContext, counts: SourceCounts, keyCache: Map<string, string>,
): (row: SourceRow, rw: number) => boolean {
  const patientId = fieldObject(src.patient_id);
  const patientLabel = `${src.id}.patient_id`;
  const skip = src.skip ? { fm: fieldObject(src.skip.field), in: src.skip.in, label: `${src.id}.skip` } : null;
  const flag = src.flag ? { fm: fieldObject(src.flag.field), in: src.flag.in, label: `${src.id}.flag` } : null;
  const refs = ctx.references?.get(src.id) ?? null;
  const unresolved = refs ? { counts: counts.unresolvedReferences, examples: counts.unresolvedExamples } : null;
  const outsideCohort = (row: SourceRow): boolean => {
    evalCtx.fieldName = patientLabel;
    evalCtx.routing = false;
    const pid = evalField(patientId, row, evalCtx);
    if (!pid.ok || pid.value === null || pid.value === undefined || pid.value === '') return false;
    const local = String(pid.value);
    let k = keyCache.get(local);
    if (k === undefined) keyCache.set(local, (k = patientKey(ctx.key, ctx.spec.centre.centre_id, local)));
    return !ctx.cohort!.has(k);
  };
  const holds = (rule: { fm: FieldMapObject; in: unknown[]; label: string }, row: SourceRow): boolean => {
    evalCtx.fieldName = rule.label;
    evalCtx.routing = true;
    const v = evalField(rule.fm, row, evalCtx);
    return v.ok && rule.in.includes(v.value as string);
  };
  return (row, rw) => {
    if (row.values.__parse_error__) return true;
    if (refs) followReferences(src, refs, row, unresolved, rw);
    if (ctx.cohort && outsideCohort(row)) {
      counts.outsideCohort += rw;
      return false;
    }
    if (skip && holds(skip, row)) {
      counts.skipped += rw;
      return false;
    }
    if (flag && holds(flag, row)) counts.flagged += rw;
    return true;
  };
}

/** Each table map compiled once: field maps in object form with their implied date/number parsing, labels and keys built. */
function compileTableMaps(src: SourceSpec, dateFormat: string) {
  // Fields whose schema type is a date-time or a number are parsed as such without saying so in the spec.
  const kinds = new Map<string, Map<string, string>>();
  for (const tm of src.tables) kinds.set(tm.table, new Map(describeFields(TABLES[tm.table as TableName].schema).map((f) => [f.name, f.kind])));
  const typed = (table: string, name: string, fm: FieldMapObject): FieldMapObject => typedFieldMap(name, fm, kinds.get(table)?.get(name), dateFormat);
  return src.tables.map((tm) => ({
    tm,
    table: tm.table as TableName,
    fields: Object.entries(tm.fields).map(([name, fm]) => {
      const obj = fieldObject(fm);
      return {
        name,
        fm: typed(tm.table, name, obj),
        virtual: isVirtual(tm.table as TableName, name),
        unitFrom: obj.unit_from ? ({ from: obj.unit_from } as FieldMapObject) : null,
        unit: obj.unit ?? null,
        // Names built once, not per row: the field's label (for unmapped codes) and its extra keys.
        label: `${src.id}.${tm.table}.${name}`,
        rawKey:
          (tm.table === 'observation' || tm.table === 'infusion') && (name === 'value' || name === 'rate' || name === 'volume_ml') ? `${name}__raw` : null,
        unitKey: `${name}__unit`,
      };
    }),
    when: tm.when ? fieldObject(tm.when.field) : null,
    whenLabel: `${src.id}.${tm.table}.when`,
    pivot: tm.pivot
      ? {
          name: fieldObject(tm.pivot.name),
          value: fieldObject(tm.pivot.value),
          info: new Map(describeFields(TABLES[tm.table as TableName].schema).map((f) => [f.name, f])),
          label: `${src.id}.${tm.table}.pivot`,
        }
      : null,
    melt:
      tm.melt?.map((m) => {
        const fm = fieldObject(m.value);
        const reason = m.value_absent_reason === undefined ? null : fieldObject(m.value_absent_reason);
        return { m, fm, reason, label: `${src.id}.${tm.table}.${m.variable}`, unitFrom: fm.unit_from ? ({ from: fm.unit_from } as FieldMapObject) : null };
      }) ?? null,
  }));
}
type CompiledMap = ReturnType<typeof compileTableMaps>[number];

/** The row's field values into `values` (stored) and `extra` (virtual inputs, raw texts, units); problems for those that fail. */
function mapFields(
  fields: CompiledMap['fields'],
  row: SourceRow,
  evalCtx: EvalContext,
  values: Record<string, unknown>,
  extra: Record<string, unknown>,
  problems: RecordProblem[],
): void {
  for (const f of fields) {
    const name = f.name;
    evalCtx.fieldName = f.label;
    evalCtx.routing = false;
    const r = evalField(f.fm, row, evalCtx);
    if (!r.ok) {
      // A birth date is a direct identifier: its text never reaches the quarantine.
      problems.push(
        name === 'birth_date'
          ? {
              field: name,
              raw: WITHHELD,
              check: r.check,
              message: `the birth date cannot be read (${r.check}); its text is withheld (a direct identifier): check the column's date_format in the ` +
                `mapping spec`,
            }
          : { field: name, raw: r.raw, check: r.check, message: r.message },
      );
      continue;
    }
    if (f.virtual) extra[name] = r.value;
    else values[name] = r.value;
    if (r.ms !== undefined) extra.__ms = extra.__ms ?? r.ms;
    if (r.precision !== undefined) extra[`${name}__precision`] = r.precision;
    if (f.rawKey !== null) extra[f.rawKey] = r.raw;
    if (f.unitFrom) {
      const u = evalField(f.unitFrom, row, evalCtx);
      extra[f.unitKey] = u.ok ? u.value : null;
    } else if (f.unit) extra[f.unitKey] = f.unit;
  }
}

/** Each FIELD_UNITS field with the key its unit has among a record's extras (built once, not per record). */
const FIELD_UNIT_KEYS: readonly (readonly [string, string])[] = Object.keys(FIELD_UNITS).map((f) => [f, `${f}__unit`] as const);

/** A unit given for a dose or weight field (FIELD_UNITS) must be that field's unit: a dose in mg is refused, not read as IU. */
function checkFieldUnits(extra: Record<string, unknown>, spellings: ReadonlyMap<string, string> | null, problems: RecordProblem[]): void {
  for (const [field, unitKey] of FIELD_UNIT_KEYS) {
    const unit = extra[unitKey];
    if (unit === undefined || unit === null || String(unit).trim() === '') continue;
    const why = fieldUnitProblem(field, String(unit).trim(), spellings ?? undefined);
    if (why !== null) problems.push({ field, raw: String(unit), check: 'unknown_unit', message: unknownUnitMessage(field, why) });
  }
}

/** One attribute per row: `name` yields the field (through codes), `value` its value, typed by the field. */
function applyPivot(
  pivot: NonNullable<CompiledMap['pivot']>,
  table: TableName,
  row: SourceRow,
  evalCtx: EvalContext,
  values: Record<string, unknown>,
  problems: RecordProblem[],
): void {
  evalCtx.fieldName = pivot.label;
  evalCtx.routing = false;
  const n = evalField(pivot.name, row, evalCtx);
  const v = evalField(pivot.value, row, evalCtx);
  if (!n.ok) problems.push({ field: 'pivot', raw: n.raw, check: n.check, message: n.message });
  else if (!v.ok) problems.push({ field: String(n.value), raw: v.raw, check: v.check, message: v.message });
  else {
    const info = pivot.info.get(String(n.value));
    if (!info || AUTO_FIELDS.has(info.name))
      problems.push({
        field: 'pivot',
        raw: n.value,
        check: 'unknown_field',
        message: `${String(n.value)} is not a field of ${table}; fix the pivot's code map`,
      });
    else values[info.name] = typeof v.value === 'string' ? coerceCell(v.value, info) : v.value;
  }
}

/** Wide → long: one observation per non-empty melted cell of the row; returns the empty cells (no measurement, not a record). */
function meltRow(
  melt: NonNullable<CompiledMap['melt']>,
  table: TableName,
  row: SourceRow,
  evalCtx: EvalContext,
  values: Record<string, unknown>,
  extra: Record<string, unknown>,
  where: Where,
  decimal: '.' | ',',
  candidates: Candidate[],
): number {
  let empty = 0;
  for (const { m, fm, reason, label, unitFrom } of melt) {
    evalCtx.fieldName = label;
    evalCtx.routing = false;
    const r = evalField(fm, row, evalCtx);
    // The item's absence reason (a component's dataAbsentReason): with an empty value, a recorded absence, not an empty cell.
    const why = reason === null ? null : meltReason(reason, row, evalCtx, `${label}.value_absent_reason`);
    if (r.ok && (r.value === null || r.value === undefined) && (why === null || (why.ok && isBlank(why.value)))) {
      empty++;
      continue;
    }
    // Copied key by key, not spread: spread copies get object shapes of their own, and every
    // field finishObservation adds to them then makes a new shape (slow, megamorphic stores).
    const mv: Record<string, unknown> = {};
    for (const k in values) mv[k] = values[k];
    mv.variable = m.variable;
    const mx: Record<string, unknown> = {};
    for (const k in extra) mx[k] = extra[k];
    mx.value__raw = r.raw;
    if (unitFrom) {
      const u = evalField(unitFrom, row, evalCtx);
      mx.value__unit = u.ok ? u.value : null;
    } else mx.value__unit = fm.unit ?? null;
    if (m.period_hours !== undefined) mv.period_hours = m.period_hours;
    const mp: RecordProblem[] = [];
    if (!r.ok) mp.push({ field: m.variable, raw: r.raw, check: r.check, message: r.message });
    else mv.value = r.value;
    if (why !== null && !why.ok) mp.push({ field: 'value_absent_reason', raw: why.raw, check: why.check, message: why.message });
    else if (why !== null) mv.value_absent_reason = why.value;
    candidates.push(finishObservation({ table, values: mv, extra: mx, where, problems: mp }, decimal));
  }
  return empty;
}

/** A melt item's absence reason, evaluated under its own label (unmapped codes are listed as that field's). */
function meltReason(fm: FieldMapObject, row: SourceRow, evalCtx: EvalContext, label: string): ReturnType<typeof evalField> {
  const was = evalCtx.fieldName;
  evalCtx.fieldName = label;
  const why = evalField(fm, row, evalCtx);
  evalCtx.fieldName = was;
  return why;
}

function isBlank(v: unknown): boolean {
  return v === null || v === undefined || String(v).trim() === '';
}

/** A field mapping with the parsing its schema type implies: date-times get the source's format, numbers are parsed as numbers. */
export function typedFieldMap(name: string, fm: FieldMapObject, schemaKind: string | undefined, dateFormat: string): FieldMapObject {
  if (fm.codes || fm.value !== undefined) return fm;
  const kind = name === 'birth_date' || name === 'time' || name === 'admitted_at' || name === 'discharged_at' ? 'datetime' : schemaKind;
  if (kind === 'datetime' && fm.date === undefined) return { ...fm, date: dateFormat };
  if (
    (kind === 'number' ||
      kind === 'integer' ||
      name === 'dosing_weight_kg' ||
      name === 'dose_iu_per_kg' ||
      name === 'course_number' ||
      name === 'cycle_number') &&
    fm.number === undefined &&
    name !== 'value' &&
    name !== 'rate' &&
    name !== 'volume_ml'
  )
    return { ...fm, number: true };
  return fm;
}

const NO_PROBLEMS: readonly RecordProblem[] = Object.freeze([]);

function shapeProblems(row: SourceRow): readonly RecordProblem[] {
  if (row.values.__parse_error__)
    return [{ field: null, raw: row.values.__raw__ ?? null, check: 'json', message: String(row.values.__parse_error__) + '; fix or remove that line' }];
  if (row.extraCells)
    return [
      {
        field: null,
        raw: row.extraCells.join('|'),
        check: 'row_shape',
        message: `the row has ${row.extraCells.length} more cell(s) than the header; check the delimiter and quoting`,
      },
    ];
  if (row.missingCells)
    return [
      {
        field: row.missingCells.join(', '),
        raw: null,
        check: 'row_shape',
        message: `the row has fewer cells than the header (missing ${row.missingCells.join(', ')}); the line may be truncated`,
      },
    ];
  return NO_PROBLEMS;
}

function isVirtual(table: TableName, name: string): boolean {
  return VIRTUAL_FIELDS[table]?.includes(name) ?? false;
}

/** Observation value: number in the source's notation → canonical unit; raw value and unit kept beside it. */
export function finishObservation(c: Candidate, decimal: '.' | ','): Candidate {
  const variable = String(c.values.variable);
  const def = (OBSERVATION_VARIABLES as Record<string, { unit: string; kind: string }>)[variable];
  const raw = c.extra.value__raw ?? c.values.value;
  const rawText = raw === null || raw === undefined ? null : raw instanceof Date ? raw.toISOString() : String(raw).trim();
  const fallback = (c.extra.__units as Record<string, string> | undefined)?.[variable];
  const unitGiven =
    c.extra.value__unit === undefined || c.extra.value__unit === null || String(c.extra.value__unit).trim() === '' ? null : String(c.extra.value__unit).trim();
  const unitRaw = unitGiven ?? fallback ?? null;
  c.values.value_raw = rawText;
  c.values.unit_raw = unitRaw;
  c.values.observed_precision = c.extra.observed_at__precision ?? 'minute';
  if (!('reading_number' in c.values)) c.values.reading_number = null;
  if (!('period_hours' in c.values)) c.values.period_hours = null;
  if (!def) {
    c.problems.push({
      field: 'variable',
      raw: c.values.variable,
      check: 'unknown_variable',
      message: `${JSON.stringify(c.values.variable)} is not an observation variable; map it in the spec's code map`,
    });
    return c;
  }
  c.values.unit = def.unit;
  let n: number | null = typeof c.values.value === 'number' ? c.values.value : null;
  // The mapped text (after regex/split) is parsed; value_raw keeps the cell as exported.
  // Censored results such as "<0.01" keep the bound as the value; value_raw keeps the sign.
  const text = (typeof c.values.value === 'string' ? c.values.value.trim() : rawText)?.replace(/^[<>]=?\s*/, '') ?? null;
  if (n === null && text !== null) {
    const t = decimal === ',' ? text.replace(',', '.') : text;
    n = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : null;
  }
  const absent = absenceReason(c.values.value_absent_reason);
  c.values.value_absent_reason = absent;
  if (n === null && (text === null || text === '') && absent !== null) {
    // A recorded absence (FHIR dataAbsentReason, SDTM --STAT NOT DONE): a row with no value and its reason, not an error.
    c.values.value = null;
    return c;
  }
  if (n === null && (text === null || text === '')) {
    c.problems.push({
      field: 'value',
      raw: rawText,
      check: 'required',
      message: `the ${variable} row has no value; fill it in or remove the row from the export`,
    });
    return c;
  }
  if (n === null) {
    c.problems.push({
      field: 'value',
      raw: rawText,
      check: 'number_format',
      message: `${JSON.stringify(text)} is not a number${decimal === ',' ? ' (decimal comma expected)' : ''}`,
    });
    return c;
  }
  if (unitRaw === null) {
    c.problems.push({
      field: 'unit',
      raw: null,
      check: 'unit_missing',
      message: `no unit for ${variable}; give the column's unit (unit:) or unit column (unit_from:) in the spec`,
    });
    return c;
  }
  // A spelling the spec adds stands for a unit the kit knows; unit_raw keeps the export's spelling.
  const unit = spelledUnit(c.extra.__spellings as Map<string, string> | undefined, unitRaw);
  try {
    // A value converted from another unit keeps the precision the source reported (units.ts toCanonicalAtPrecision).
    const decimals = typeof c.values.value === 'number' ? null : reportedDecimals(text!);
    c.values.value = toCanonicalAtPrecision(variable, n, unit, decimals, {
      period_hours: typeof c.values.period_hours === 'number' ? c.values.period_hours : null,
    });
  } catch (e) {
    if (!(e instanceof ConversionError)) throw e;
    c.problems.push({ field: 'unit', raw: unitRaw, check: 'unknown_unit', message: unknownUnitMessage(variable, e.message) });
  }
  return c;
}

/** The mapped reason a value is absent, trimmed (null when none); the schema checks it is a data-absent-reason code. */
function absenceReason(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const t = String(v).trim();
  return t === '' ? null : t;
}

export { canonicalUnit };

/** What the quarantine keeps of an identifier's value: never its text. */
export const WITHHELD = '[withheld: direct identifier]';

/**
 * A patient id the spec's mapping rejects (a regex that does not match, a FHIR reference of another
 * shape): the quarantine gets its pseudonymised key, never the raw text, and the reason without it.
 */
function withheldPatientId(pid: { check: string; raw: unknown }, fm: FieldMapObject, key: string, centreId: string): RecordProblem {
  const text = pid.raw === null || pid.raw === undefined ? '' : String(pid.raw).trim();
  const pseudo = text === '' ? null : `pseudonymised:${patientKey(key, centreId, text)}`;
  const rule =
    pid.check === 'format' && fm.regex !== undefined
      ? `does not match ${fm.regex}`
      : pid.check === 'format' && fm.split
        ? `has no part ${fm.split.index + 1} when split on ${JSON.stringify(fm.split.sep)}`
        : `fails the ${pid.check} check`;
  return {
    field: 'patient_id',
    raw: pseudo ?? WITHHELD,
    check: pid.check,
    message: `the patient id ${rule}; its text is withheld (a direct identifier)${pseudo ? ` and kept only as its pseudonymised key` : ''}: fix the export ` +
      `or the spec's patient_id mapping`,
  };
}
