// The rule engine: any ruleset against the slot-feature table -> per slot the decision, the rules that fired
// (with evidence value and threshold) and the rules that could not be evaluated. Same code for every ruleset;
// rules are compiled once to closures over the feature columns, and results are written into typed arrays.
import type { Condition, Rule, Ruleset } from '../schemas/ruleset.js';
import type { RuleAction, RuleVariableCode } from '../schemas/vocabularies.js';
import { criterionIndex } from './criteria.js';
import { withParameters } from './parameters.js';
import type { ConditionLike } from './condition.js';

/** Slot decisions, in order of severity (not_reached: the cycle was already stopped or IL-2 discontinued). */
export const DECISIONS = ['give', 'hold', 'stop_cycle', 'discontinue', 'not_reached'] as const;
export type Decision = (typeof DECISIONS)[number];
export const GIVE = 0;
export const HOLD = 1;
export const STOP_CYCLE = 2;
export const DISCONTINUE = 3;
export const NOT_REACHED = 4;

// stop_course decides the slot as stop_cycle and, in the engine's history, leaves the course's later cycles not reached.
const ACTION_SEVERITY = {
  notify: GIVE, hold: HOLD, stop_cycle: STOP_CYCLE, stop_course: STOP_CYCLE, discontinue: DISCONTINUE,
} as const satisfies Record<RuleAction, number>;

/** Why a cycle policy changed the decision. */
export const POLICIES = ['none', 'relative_criteria', 'held_doses'] as const;
export type PolicyCode = (typeof POLICIES)[number];

/** Variables whose value is the engine's own cycle state, not a stored feature. */
const COUNTER_VARIABLES = ['held_doses_in_cycle', 'relative_criteria_in_cycle'] as const satisfies readonly RuleVariableCode[];
type CounterVariable = (typeof COUNTER_VARIABLES)[number];
const isCounter = (v: RuleVariableCode): v is CounterVariable => (COUNTER_VARIABLES as readonly string[]).includes(v);

/**
 * Slot features in columns, one row per dose slot, rows sorted by patient, cycle and slot number.
 * Values are numbers in the variable's unit, booleans as 1/0, and NaN for missing evidence.
 */
export interface SlotFeatureTable {
  n: number;
  cycle_id: readonly string[];
  slot_number: ArrayLike<number>;
  /** Optional: lets a 'discontinue' decision carry into the patient's later cycles. */
  patient_key?: readonly string[];
  values: Partial<Record<RuleVariableCode, Float64Array>>;
}

export interface EvaluateOptions {
  /**
   * 'engine' (default): state follows the ruleset's own decisions (held count, stop -> later slots not_reached).
   * 'recorded': every slot is evaluated given the history as recorded (held_doses_in_cycle from the store; a
   * stop does not carry forward); use it to compare with what the centre did at each slot.
   */
  history?: 'engine' | 'recorded';
}

/** Rules that fired (or holds still in force) per slot, as compressed rows: slot i owns [offsets[i], offsets[i+1]). */
export interface FiredList {
  offsets: Uint32Array;
  rule: Uint16Array;
  value: Float64Array;
  /** 0 = the trigger is met at this slot; 1 = a hold still in force because its resume condition is not yet met. */
  persisting: Uint8Array;
}

export interface CannotList {
  offsets: Uint32Array;
  rule: Uint16Array;
}

/**
 * The rules that could not be evaluated, compact: the state rules' trigger verdicts (-1 where the evidence is missing;
 * one array per condition, shared by every ruleset) and the few entries the slot loop adds. A mostly missing variable
 * costs nothing here, where as compressed rows it was an entry a slot and rule (cannotAt reads one slot).
 */
export interface MissingEvidence {
  /** Rule index (into ruleset.rules) of each visiting key: the state rules first, then the counter rules. */
  ruleOfKey: Uint16Array;
  /** Per state rule (by key), its trigger's verdict per slot: -1 where it cannot be evaluated. Read-only. */
  verdicts: readonly Int8Array[];
  /**
   * Per state rule (by key), the feature column whose missing values (NaN) are exactly its verdict's -1s (a trigger of
   * one condition on a column the table has), else null: readers may test the column's gaps instead.
   */
  columns: readonly (Float64Array | null)[];
  /** Entries the slot loop found (a missing resume condition, a counter rule's missing evidence), by slot then key. */
  extraSlot: Int32Array;
  extraKey: Uint16Array;
  /** The evaluation's decisions: a slot not reached has no entries. */
  decision: Uint8Array;
}

/** Columnar result of one ruleset over one feature table. */
export interface RulesetEvaluation {
  ruleset: Ruleset;
  rules: readonly Rule[];
  n: number;
  history: 'engine' | 'recorded';
  /** Index into DECISIONS. */
  decision: Uint8Array;
  /** Index into POLICIES: a cycle policy set the decision. */
  policy: Uint8Array;
  /** Distinct relative criteria met so far in the cycle (this slot included). */
  relativeCount: Uint8Array;
  /** Held doses before this slot (engine's count, or recorded in 'recorded' mode). */
  heldBefore: Uint8Array;
  fired: FiredList;
  /** Per slot, the rules that could not be evaluated, as compressed rows: made on first read (cannotAt reads `missing`). */
  readonly cannot: CannotList;
  missing: MissingEvidence;
}

/** One slot of an evaluation, as an object (for reports and tests; the engine itself never builds these). */
export interface SlotDecision {
  cycle_id: string;
  slot_number: number;
  decision: Decision;
  policy: PolicyCode;
  fired: FiredRule[];
  cannot_evaluate: string[];
}

export interface FiredRule {
  rule_id: string;
  variable: RuleVariableCode;
  value: number | null;
  comparator: Rule['comparator'];
  threshold: number | null;
  band: Rule['band'];
  action: RuleAction;
  level: Rule['level'];
  persisting: boolean;
  source: string;
  status: Rule['status'];
}

type Test = (x: number) => boolean;

interface CompiledCondition {
  column: Float64Array | null;
  counter: CounterVariable | null;
  test: Test;
  /** Per slot: 1 met, 0 not met, -1 missing (null for the engine's counters, evaluated as the engine goes). */
  verdict: Int8Array | null;
}

interface CompiledRule {
  index: number;
  main: CompiledCondition;
  extras: CompiledCondition[];
  resume: CompiledCondition[];
  /** Alternatives: the hold is lifted when any one is met (or when every `resume` condition is). */
  resumeAny: CompiledCondition[];
  /** The rule's hold persists until a resume condition is met (it has `resume` or `resume_any_of`). */
  holds: boolean;
  severity: number;
  /** The action is stop_course: firing it stops the rest of the course, not only the cycle. */
  stopsCourse: boolean;
  relative: boolean;
  counterRule: boolean;
  /** Per slot, the trigger and all_of together: 1 met, 0 not met, -1 cannot evaluate (null for counter rules). */
  met: Int8Array | null;
  /** Per slot, whether the hold is lifted: 1 yes, 0 no, -1 cannot tell for missing evidence (null if a counter is read). */
  resumeVerdict: Int8Array | null;
}

/**
 * The comparison of conditionMet (rules/condition.ts) specialised to one condition, for a value known not to be missing.
 * test/rules/engine.test.ts checks that the two agree at and around every edge.
 */
export function compileTest(c: ConditionLike): Test {
  const t = c.threshold ?? NaN;
  switch (c.comparator) {
    case 'present':
      return (x) => x !== 0;
    case 'lt':
      return (x) => x < t;
    case 'le':
      return (x) => x <= t;
    case 'gt':
      return (x) => x > t;
    case 'ge':
      return (x) => x >= t;
    case 'in_band': {
      const lo = c.band?.lower ?? -Infinity;
      const hi = c.band?.upper ?? Infinity;
      const loIn = c.band?.lower_inclusive ?? true;
      const hiIn = c.band?.upper_inclusive ?? false;
      if (loIn && hiIn) return (x) => x >= lo && x <= hi;
      if (loIn) return (x) => x >= lo && x < hi;
      if (hiIn) return (x) => x > lo && x <= hi;
      return (x) => x > lo && x < hi;
    }
  }
}

// Verdicts depend only on the condition and the column, so they are computed once per feature table and shared by
// every ruleset and both histories (many rulesets repeat the same criteria). Weakly held: they go with the table.
const verdictCache = new WeakMap<SlotFeatureTable, Map<string, Int8Array>>();

function conditionKey(c: Pick<Condition, 'variable' | 'comparator' | 'threshold' | 'band'>): string {
  const b = c.band;
  const band = b ? `${b.lower ?? ''},${b.upper ?? ''},${b.lower_inclusive ?? ''},${b.upper_inclusive ?? ''}` : '';
  return `${c.variable}|${c.comparator}|${c.threshold ?? ''}|${band}`;
}

function cached(table: SlotFeatureTable, key: string, make: () => Int8Array): Int8Array {
  let m = verdictCache.get(table);
  if (m === undefined) verdictCache.set(table, (m = new Map()));
  let v = m.get(key);
  if (v === undefined) m.set(key, (v = make()));
  return v;
}

/**
 * 1 met, 0 not met, -1 missing, per slot: one loop per comparator (a closure call per slot would dominate). The slots
 * where the condition is met are listed on the way (slotsWhere), and the missing ones are the column's (NaN is missing
 * whatever the comparator), listed once per column.
 */
function conditionVerdict(column: Float64Array | null, c: ConditionLike, n: number): Int8Array {
  const out = new Int8Array(n);
  if (column === null) {
    out.fill(-1);
    metIndexCache.set(out, new Int32Array(0));
    missingIndexCache.set(out, Int32Array.from({ length: n }, (_, i) => i));
    return out;
  }
  if (scratchMet.length < n) scratchMet = new Int32Array(n);
  if (scratchValue.length < n) scratchValue = new Float64Array(n);
  const sm = scratchMet;
  const sv = scratchValue;
  let m = 0;
  const t = c.threshold ?? NaN;
  // Comparisons with NaN are false, so a met test first and the NaN test after mark every slot ('present' excepted).
  switch (c.comparator) {
    case 'present':
      for (let i = 0; i < n; i++) {
        const x = column[i]!;
        if (x !== x) out[i] = -1;
        else if (x !== 0) {
          out[i] = 1;
          sv[m] = x;
          sm[m++] = i;
        }
      }
      break;
    case 'lt':
      for (let i = 0; i < n; i++) {
        const x = column[i]!;
        if (x < t) {
          out[i] = 1;
          sv[m] = x;
          sm[m++] = i;
        } else if (x !== x) out[i] = -1;
      }
      break;
    case 'le':
      for (let i = 0; i < n; i++) {
        const x = column[i]!;
        if (x <= t) {
          out[i] = 1;
          sv[m] = x;
          sm[m++] = i;
        } else if (x !== x) out[i] = -1;
      }
      break;
    case 'gt':
      for (let i = 0; i < n; i++) {
        const x = column[i]!;
        if (x > t) {
          out[i] = 1;
          sv[m] = x;
          sm[m++] = i;
        } else if (x !== x) out[i] = -1;
      }
      break;
    case 'ge':
      for (let i = 0; i < n; i++) {
        const x = column[i]!;
        if (x >= t) {
          out[i] = 1;
          sv[m] = x;
          sm[m++] = i;
        } else if (x !== x) out[i] = -1;
      }
      break;
    case 'in_band': {
      const lo = c.band?.lower ?? -Infinity;
      const hi = c.band?.upper ?? Infinity;
      const loIn = c.band?.lower_inclusive ?? true;
      const hiIn = c.band?.upper_inclusive ?? false;
      for (let i = 0; i < n; i++) {
        const x = column[i]!;
        if ((loIn ? x >= lo : x > lo) && (hiIn ? x <= hi : x < hi)) {
          out[i] = 1;
          sv[m] = x;
          sm[m++] = i;
        } else if (x !== x) out[i] = -1;
      }
      break;
    }
  }
  metIndexCache.set(out, sm.slice(0, m));
  metValueCache.set(out, sv.slice(0, m));
  missingIndexCache.set(out, columnMissing(column));
  return out;
}

const columnMissingCache = new WeakMap<Float64Array, Int32Array>();

/** Rows where a column is missing (NaN), once per column. */
function columnMissing(column: Float64Array): Int32Array {
  const hit = columnMissingCache.get(column);
  if (hit !== undefined) return hit;
  const n = column.length;
  if (scratchMissing.length < n) scratchMissing = new Int32Array(n);
  const sx = scratchMissing;
  let m = 0;
  for (let i = 0; i < n; i++) {
    sx[m] = i;
    m += column[i] !== column[i] ? 1 : 0;
  }
  const out = sx.slice(0, m);
  columnMissingCache.set(column, out);
  missingColumn.set(out, column);
  return out;
}

// Slots where a verdict array equals 1 (met) or -1 (missing), computed once per array and shared by every ruleset
// with the same trigger.
const metIndexCache = new WeakMap<Int8Array, Int32Array>();
const missingIndexCache = new WeakMap<Int8Array, Int32Array>();
// Scratch space reused by every table (lists are built in it, then copied out at their length); it stays at the
// size of the largest table seen, about 20 bytes a slot.
let scratchMet = new Int32Array(0);
let scratchValue = new Float64Array(0);
/** The column's values at the met slots, in slotsWhere(verdict, 1) order (single conditions only). */
const metValueCache = new WeakMap<Int8Array, Float64Array>();
/** The column a missing list was taken from (columnMissing), so counts can run down the column instead. */
const missingColumn = new WeakMap<Int32Array, Float64Array>();
let scratchNextBuf = new Uint32Array(0);

/** A reused copy of offsets[0..n): the write cursor of each slot while a compressed-row list is filled. */
function scratchNext(offsets: Uint32Array, n: number): Uint32Array {
  if (scratchNextBuf.length < n) scratchNextBuf = new Uint32Array(n);
  scratchNextBuf.set(offsets.subarray(0, n));
  return scratchNextBuf;
}
let scratchMissing = new Int32Array(0);

function slotsWhere(verdict: Int8Array, value: 1 | -1): Int32Array {
  const cache = value === 1 ? metIndexCache : missingIndexCache;
  const hit = cache.get(verdict);
  if (hit !== undefined) return hit;
  // Both lists in one pass over the verdicts (every verdict array is asked for both), through reused scratch space.
  const n = verdict.length;
  if (scratchMet.length < n) scratchMet = new Int32Array(n);
  if (scratchMissing.length < n) scratchMissing = new Int32Array(n);
  const sm = scratchMet;
  const sx = scratchMissing;
  let met = 0;
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const v = verdict[i]!;
    if (v === 1) sm[met++] = i;
    else if (v === -1) sx[missing++] = i;
  }
  const metList = sm.slice(0, met);
  const missingList = sx.slice(0, missing);
  metIndexCache.set(verdict, metList);
  missingIndexCache.set(verdict, missingList);
  return value === 1 ? metList : missingList;
}

function compileCondition(c: Pick<Condition, 'variable' | 'comparator' | 'threshold' | 'band'>, table: SlotFeatureTable): CompiledCondition {
  const counter = isCounter(c.variable) ? c.variable : null;
  const column = counter === null ? (table.values[c.variable] ?? null) : null;
  const test = compileTest(c);
  const verdict = counter === null ? cached(table, conditionKey(c), () => conditionVerdict(column, c, table.n)) : null;
  return { column, counter, test, verdict };
}

/** Conditions in order, combined: the first that is not met decides (0 not met, -1 missing); 1 when all are met. */
function firstFailing(conds: readonly CompiledCondition[], n: number): Int8Array {
  const out = new Int8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < conds.length; k++) {
      const v = conds[k]!.verdict![i]!;
      if (v !== 1) {
        out[i] = v;
        break;
      }
    }
  }
  return out;
}

function compileRule(r: Rule, index: number, table: SlotFeatureTable): CompiledRule {
  const main = compileCondition(r, table);
  const extras = r.all_of.map((c) => compileCondition(c, table));
  const resume = r.resume.map((c) => compileCondition(c, table));
  const resumeAny = r.resume_any_of.map((c) => compileCondition(c, table));
  const counterRule = main.counter !== null || extras.some((c) => c.counter !== null);
  const trigger = [main, ...extras];
  const allKey = `all:${[r, ...r.all_of].map(conditionKey).join('&')}`;
  const met = counterRule ? null : trigger.length === 1 ? main.verdict : cached(table, allKey, () => firstFailing(trigger, table.n));
  const holds = resume.length + resumeAny.length > 0;
  const key = `resume:${r.resume.map(conditionKey).join('&')}|${r.resume_any_of.map(conditionKey).join('|')}`;
  const readsCounter = [...resume, ...resumeAny].some((c) => c.counter !== null);
  const resumeVerdict = !holds || readsCounter ? null : cached(table, key, () => liftVerdict(resume, resumeAny, table.n));
  const severity = ACTION_SEVERITY[r.action];
  const stopsCourse = r.action === 'stop_course';
  return { index, main, extras, resume, resumeAny, holds, severity, stopsCourse, relative: r.level === 'relative', counterRule, met, resumeVerdict };
}

/**
 * Whether a hold is lifted, per slot: every `resume` condition met (when there are any), or any one alternative met;
 * otherwise -1 where missing evidence could have lifted it, else 0.
 */
function liftVerdict(all: readonly CompiledCondition[], any: readonly CompiledCondition[], n: number): Int8Array {
  const out = all.length > 0 ? firstFailing(all, n) : new Int8Array(n);
  if (any.length === 0) return out;
  for (let i = 0; i < n; i++) {
    if (out[i] === 1) continue;
    let v = all.length > 0 ? out[i]! : 0;
    for (let k = 0; k < any.length; k++) {
      const x = any[k]!.verdict![i]!;
      if (x === 1) {
        v = 1;
        break;
      }
      if (x === -1) v = -1;
    }
    out[i] = v;
  }
  return out;
}

/** liftVerdict at one slot, for conditions that read the engine's counters. */
function liftAt(st: PassState, r: CompiledRule, i: number): number {
  const one = (c: CompiledCondition): number => {
    const x = valueOf(st, c, i);
    return x !== x ? -1 : c.test(x) ? 1 : 0;
  };
  let z = 0;
  if (r.resume.length > 0) {
    z = 1;
    for (let k = 0; k < r.resume.length && z === 1; k++) z = one(r.resume[k]!);
    if (z === 1) return 1;
  }
  for (let k = 0; k < r.resumeAny.length; k++) {
    const x = one(r.resumeAny[k]!);
    if (x === 1) return 1;
    if (x === -1) z = -1;
  }
  return z;
}

/**
 * The mutable state of one evaluation pass that the per-rule steps share (ruleMet, applyRule, resumeOrHold): the
 * fired list, holds in force, distinct relative criteria met, the engine's counters and the extra 'cannot evaluate'
 * entries (slot, visiting key) the loop finds.
 */
interface PassState {
  fired: GrowingList;
  /** 1 where a rule (by index) has a hold in force awaiting its resume conditions. */
  active: Uint8Array;
  activeCount: number;
  /** The holds in force changed: rebuild the visiting list. */
  actDirty: boolean;
  /** Criterion of each rule index; relSeen marks the criteria met so far (cycle or slot window). */
  criterionOf: ArrayLike<number>;
  relSeen: Uint8Array;
  relCount: number;
  counters: Record<CounterVariable, number>;
  /** A stop_course rule fired at the current slot. */
  courseStop: boolean;
  extraSlot: number[];
  extraKey: number[];
}

/** Value of a condition at row i: NaN when missing. */
function valueOf(st: PassState, c: CompiledCondition, i: number): number {
  return c.counter !== null ? st.counters[c.counter] : c.column === null ? NaN : (c.column[i] as number);
}

/** 1 = met, 0 = not met, -1 = cannot evaluate (missing evidence in the trigger or an all_of condition). */
function ruleMet(st: PassState, r: CompiledRule, i: number): number {
  if (r.met !== null) return r.met[i]!;
  const v = valueOf(st, r.main, i);
  if (v !== v) return -1;
  if (!r.main.test(v)) return 0;
  for (let k = 0; k < r.extras.length; k++) {
    const e = r.extras[k]!;
    const x = valueOf(st, e, i);
    if (x !== x) return -1;
    if (!e.test(x)) return 0;
  }
  return 1;
}

/**
 * One rule at one slot: record it when met (and start its hold), otherwise keep a hold in force until its resume
 * conditions are met. Returns the slot's severity so far. key: the rule's visiting order in a slot (position in
 * stateRules, then stateRules.length + position in counterRules); value: the trigger's value when met.
 */
function applyRule(st: PassState, r: CompiledRule, i: number, sev: number, met: number, key: number, value: number): number {
  if (met === 1) {
    st.fired.push(r.index, value, 0);
    if (r.stopsCourse) st.courseStop = true;
    const criterion = st.criterionOf[r.index]!;
    if (r.relative && st.relSeen[criterion] === 0) {
      st.relSeen[criterion] = 1;
      st.relCount++;
    }
    if (r.holds && st.active[r.index] === 0) {
      st.active[r.index] = 1;
      st.activeCount++;
      st.actDirty = true;
    }
    return r.severity > sev ? r.severity : sev;
  }
  if (met === -1 && r.counterRule) {
    st.extraSlot.push(i);
    st.extraKey.push(key);
  }
  return st.active[r.index] === 1 ? resumeOrHold(st, r, i, sev, met, key) : sev;
}

/** A hold in force: lifted when its resume conditions are met (liftVerdict), otherwise the slot is held (missing evidence noted). */
function resumeOrHold(st: PassState, r: CompiledRule, i: number, sev: number, met: number, key: number): number {
  const z = r.resumeVerdict !== null ? r.resumeVerdict[i]! : liftAt(st, r, i);
  if (z === 1) {
    st.active[r.index] = 0;
    st.activeCount--;
    st.actDirty = true;
    return sev;
  }
  if (z === -1 && met !== -1) {
    st.extraSlot.push(i);
    st.extraKey.push(key);
  }
  st.fired.push(r.index, valueOf(st, r.main, i), 1);
  return HOLD > sev ? HOLD : sev;
}

/** The end (exclusive) of a quiet stretch starting at slot i (i itself when none), writing the held-before counts on the way. */
function quietRunEnd(
  i: number,
  n: number,
  layout: TableLayout,
  eOff: Uint32Array,
  recordedHeld: Float64Array | null,
  heldPolicy: number,
  heldCount: number,
  heldBeforeOut: Uint8Array,
): number {
  const cycleStart = layout.cycleStart;
  let j = i;
  if (recordedHeld !== null) {
    for (; j < n && (j === i || cycleStart[j] === 0) && eOff[j] === eOff[j + 1]; j++) {
      const h = recordedHeldAt(recordedHeld, j);
      if (heldPolicy > 0 && h >= heldPolicy) break;
      heldBeforeOut[j] = h > 255 ? 255 : h;
    }
  } else if (heldPolicy === 0 || heldCount < heldPolicy) {
    for (j = i + 1; j < n && cycleStart[j] === 0 && eOff[j] === eOff[j + 1]; j++);
    if (heldCount > 0) heldBeforeOut.fill(heldCount > 255 ? 255 : heldCount, i, j);
  }
  return j;
}

/** The holds in force, as positions in stateRules (ascending): the rules visited at a slot besides its events. */
function activeList(st: PassState, stateRules: readonly CompiledRule[]): number[] {
  const out: number[] = [];
  for (let k = 0; k < stateRules.length; k++) if (st.active[stateRules[k]!.index] === 1) out.push(k);
  return out;
}

/**
 * Evaluates a ruleset over every slot of a feature table, applying cycle policies and resume conditions in slot order.
 * @example const ev = evaluateRuleset(consensus, features); slotDecision(ev, features, 0).decision
 */
export function evaluateRuleset(given: Ruleset, table: SlotFeatureTable, options: EvaluateOptions = {}): RulesetEvaluation {
  // Parameters are resolved by the loader; a ruleset parsed elsewhere is resolved here (the same object when none).
  const ruleset = withParameters(given);
  const history = options.history ?? 'engine';
  const recorded = history === 'recorded';
  const n = table.n;
  const compiled: CompiledRule[] = ruleset.rules.map((r, index) => compileRule(r, index, table));
  const stateRules = compiled.filter((r) => !r.counterRule);
  const counterRules = compiled.filter((r) => r.counterRule);
  const relPolicy = ruleset.policies.stop_after_relative_criteria ?? 0;
  const heldPolicy = ruleset.policies.stop_after_held_doses ?? 0;
  const recordedHeld = recorded ? (table.values.held_doses_in_cycle ?? null) : null;

  const decision = new Uint8Array(n);
  const policy = new Uint8Array(n);
  const relativeCount = new Uint8Array(n);
  const heldBeforeOut = new Uint8Array(n);
  // State rules reach the slot loop only where they are met (their events) or while a hold of theirs is in force
  // (actList, positions in stateRules): most rule-slot pairs are 'not met' or 'cannot evaluate', and skipping them is
  // most of the engine's speed. Within a slot, rules are still visited in ruleset order. A state rule's missing
  // trigger is known before the loop, so those 'cannot evaluate' entries are laid out after it (cannotList); the loop
  // records only the others (a missing resume condition, counter rules) in `extra`, keyed by their visiting order.
  const events = stateEvents(ruleset, stateRules, table);
  // Distinct criteria met (by criterion, not rule id), over the cycle or at the slot (the ruleset's policy).
  const criteria = criterionIndex(ruleset);
  const st: PassState = {
    fired: new GrowingList(n, true, events.rule.length + 1024),
    active: new Uint8Array(ruleset.rules.length),
    activeCount: 0,
    actDirty: false,
    criterionOf: criteria.of,
    relSeen: new Uint8Array(criteria.count),
    relCount: 0,
    counters: { held_doses_in_cycle: 0, relative_criteria_in_cycle: 0 },
    courseStop: false,
    extraSlot: [],
    extraKey: [],
  };
  const fired = st.fired;
  const slotWindow = ruleset.policies.relative_criteria_window === 'slot';
  let heldCount = 0;
  let stopped = false;
  // A 'discontinue' carries into the patient's later cycles (when the table names patients), until the next patient;
  // a 'stop_course' into the later cycles of the same course (courseStart: the cycle id names a new course).
  let discontinued = false;
  let courseStopped = false;
  const layout = tableLayout(table);
  const { cycleStart, patientStart } = layout;
  const courseStart = compiled.some((r) => r.stopsCourse) ? courseStarts(table, cycleStart) : cycleStart;
  const patients = table.patient_key;
  let actList: number[] = [];
  const hasCounterRules = counterRules.length > 0;
  const eOff = events.offsets;
  for (let i = 0; i < n; i++) {
    if (cycleStart[i] === 1) {
      // A hold awaiting its resume condition survives into the patient's next cycle (and course): only a new patient
      // (or, in a table that names no patients, a new cycle) clears it.
      if (patients === undefined || patientStart[i] === 1) {
        if (st.activeCount > 0) {
          st.active.fill(0);
          st.activeCount = 0;
        }
        if (actList.length > 0) actList = [];
      }
      if (st.relCount > 0) st.relSeen.fill(0);
      heldCount = 0;
      st.relCount = 0;
      stopped = false;
      if (patientStart[i] === 1) discontinued = false;
      if (courseStart[i] === 1) courseStopped = false;
    } else if (slotWindow && st.relCount > 0) {
      st.relSeen.fill(0);
      st.relCount = 0;
    }
    if (!recorded && (stopped || discontinued || courseStopped)) {
      decision[i] = NOT_REACHED;
      fired.close(i);
      continue;
    }
    // A quiet stretch (no rule met, no hold in force, no counter rule, no policy due) is given throughout: write it
    // in runs up to the next event or cycle start instead of slot by slot. Most slots are quiet.
    if (!hasCounterRules && actList.length === 0 && eOff[i] === eOff[i + 1] && (relPolicy === 0 || st.relCount < relPolicy)) {
      const j = quietRunEnd(i, n, layout, eOff, recordedHeld, heldPolicy, heldCount, heldBeforeOut);
      if (j > i) {
        if (st.relCount > 0) relativeCount.fill(st.relCount > 255 ? 255 : st.relCount, i, j);
        fired.closeRun(i, j);
        i = j - 1;
        continue;
      }
    }
    const heldBefore = recordedHeld !== null ? recordedHeldAt(recordedHeld, i) : heldCount;
    if (hasCounterRules) st.counters.held_doses_in_cycle = heldBefore;
    let sev = GIVE;
    st.courseStop = false;
    const eEnd = events.offsets[i + 1]!;
    for (let e = events.offsets[i]!, a = 0; e < eEnd || a < actList.length; ) {
      const ke = e < eEnd ? events.rule[e]! : 0xffff;
      const ka = a < actList.length ? actList[a]! : 0xffff;
      if (ke <= ka) {
        // Met here (an event), whether or not a hold of the rule is in force.
        sev = applyRule(st, stateRules[ke]!, i, sev, 1, ke, events.value[e]!);
        e++;
        if (ka === ke) a++;
      } else {
        const r = stateRules[ka]!;
        sev = applyRule(st, r, i, sev, r.met![i]!, ka, NaN);
        a++;
      }
    }
    if (st.actDirty) {
      actList = activeList(st, stateRules);
      st.actDirty = false;
    }
    st.counters.relative_criteria_in_cycle = st.relCount;
    for (let k = 0; k < counterRules.length; k++) {
      const r = counterRules[k]!;
      const met = ruleMet(st, r, i);
      sev = applyRule(st, r, i, sev, met, stateRules.length + k, met === 1 ? valueOf(st, r.main, i) : NaN);
    }
    const pol = cyclePolicy(sev, relPolicy, st.relCount, heldPolicy, heldBefore);
    if (pol > 0) sev = STOP_CYCLE;
    decision[i] = sev;
    policy[i] = pol;
    relativeCount[i] = st.relCount > 255 ? 255 : st.relCount;
    heldBeforeOut[i] = heldBefore > 255 ? 255 : heldBefore;
    if (!recorded) {
      if (sev === HOLD) heldCount++;
      else if (sev >= STOP_CYCLE) stopped = true;
      if (sev === DISCONTINUE && patients !== undefined) discontinued = true;
      if (st.courseStop) courseStopped = true;
    }
    fired.close(i);
  }
  const out = { decision, policy, relativeCount, heldBefore: heldBeforeOut };
  return evaluationOf(ruleset, table, history, out, st, stateRules, counterRules);
}

/** The evaluation object of a finished pass: its columns, fired list and missing evidence ('cannot' made on first read). */
function evaluationOf(
  ruleset: Ruleset, table: SlotFeatureTable, history: RulesetEvaluation['history'],
  out: Pick<RulesetEvaluation, 'decision' | 'policy' | 'relativeCount' | 'heldBefore'>, st: PassState,
  stateRules: readonly CompiledRule[], counterRules: readonly CompiledRule[],
): RulesetEvaluation {
  const fired = st.fired;
  const missing: MissingEvidence = {
    ruleOfKey: Uint16Array.from([...stateRules, ...counterRules], (r) => r.index),
    verdicts: stateRules.map((r) => r.met!),
    columns: stateRules.map((r) => (r.extras.length === 0 ? r.main.column : null)),
    extraSlot: Int32Array.from(st.extraSlot),
    extraKey: Uint16Array.from(st.extraKey),
    decision: out.decision,
  };
  const firedList = { offsets: fired.offsets, rule: fired.ruleArray(), value: fired.valueArray(), persisting: fired.flagArray() };
  const makeCannot = () => cannotList(staticCannot(ruleset, stateRules, table), out.decision, stateRules, counterRules, st.extraSlot, st.extraKey);
  return new Evaluation(ruleset, table.n, history, out, firedList, missing, makeCannot);
}

/**
 * A RulesetEvaluation whose 'cannot evaluate' rows are made on first read. A class, so that the lazy getter lives on
 * the prototype: a getter in an object literal gives every evaluation a map of its own, and every function reading
 * evaluations then deoptimises and is compiled again, ruleset after ruleset.
 */
class Evaluation implements RulesetEvaluation {
  readonly rules: readonly Rule[];
  readonly decision: Uint8Array;
  readonly policy: Uint8Array;
  readonly relativeCount: Uint8Array;
  readonly heldBefore: Uint8Array;
  #cannot: CannotList | undefined = undefined;

  constructor(
    readonly ruleset: Ruleset,
    readonly n: number,
    readonly history: RulesetEvaluation['history'],
    out: Pick<RulesetEvaluation, 'decision' | 'policy' | 'relativeCount' | 'heldBefore'>,
    readonly fired: FiredList,
    readonly missing: MissingEvidence,
    private readonly makeCannot: () => CannotList,
  ) {
    this.rules = ruleset.rules;
    this.decision = out.decision;
    this.policy = out.policy;
    this.relativeCount = out.relativeCount;
    this.heldBefore = out.heldBefore;
  }

  get cannot(): CannotList {
    return (this.#cannot ??= this.makeCannot());
  }
}

/**
 * The rules (indices into ruleset.rules) that could not be evaluated at slot i, in the order the engine visits them:
 * the same list as the compressed rows of `ev.cannot` at i, without making them. `out` is reused when given.
 * @example cannotAt(ev.missing, 12).map((r) => ev.rules[r].id)
 */
export function cannotAt(m: MissingEvidence, i: number, out: number[] = []): number[] {
  out.length = 0;
  if (m.decision[i] === NOT_REACHED) return out;
  const { extraSlot, extraKey, ruleOfKey, verdicts } = m;
  let e = firstAtOrAfter(extraSlot, i);
  for (let k = 0; k < verdicts.length; k++) {
    // An extra entry with a lower key comes first; a state rule's own entry before an extra with the same key.
    for (; e < extraSlot.length && extraSlot[e] === i && extraKey[e]! < k; e++) out.push(ruleOfKey[extraKey[e]!]!);
    if (verdicts[k]![i] === -1) out.push(ruleOfKey[k]!);
  }
  for (; e < extraSlot.length && extraSlot[e] === i; e++) out.push(ruleOfKey[extraKey[e]!]!);
  return out;
}

/** The first position in an ascending array whose value is ≥ x. */
export function firstAtOrAfter(sorted: Int32Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Which cycle policy stops the cycle at this slot: 0 none, 1 relative criteria, 2 held doses (index into POLICIES). */
function cyclePolicy(sev: number, relPolicy: number, relCount: number, heldPolicy: number, heldBefore: number): number {
  if (sev >= STOP_CYCLE) return 0;
  if (relPolicy > 0 && relCount >= relPolicy) return 1;
  if (heldPolicy > 0 && heldBefore + (sev === HOLD ? 1 : 0) >= heldPolicy) return 2;
  return 0;
}

/**
 * 1 where a course starts: a cycle start whose cycle id (`<patient_key>-c<course>.<cycle>`, schemas/cycle.ts) names
 * another course than the previous cycle's; an id without a course part is a course of its own.
 */
function courseStarts(table: SlotFeatureTable, cycleStart: Uint8Array): Uint8Array {
  const out = new Uint8Array(table.n);
  let prev: string | null = null;
  for (let i = 0; i < table.n; i++) {
    if (cycleStart[i] !== 1) continue;
    const id = table.cycle_id[i]!;
    const course = /^(.+-c\d+)\.\d+$/.exec(id)?.[1] ?? id;
    if (course !== prev) out[i] = 1;
    prev = course;
  }
  return out;
}

interface TableLayout {
  /** 1 where a cycle starts (row 0 included). */
  cycleStart: Uint8Array;
  /** 1 where a patient's first cycle starts (all 0 when the table names no patients). */
  patientStart: Uint8Array;
}

const layoutCache = new WeakMap<SlotFeatureTable, TableLayout>();

/** Cycle and patient starts of a table, checked once per table: slots ascend within each cycle. */
function tableLayout(table: SlotFeatureTable): TableLayout {
  const hit = layoutCache.get(table);
  if (hit !== undefined) return hit;
  const n = table.n;
  const cycles = table.cycle_id;
  const slots = table.slot_number;
  const patients = table.patient_key;
  const cycleStart = new Uint8Array(n);
  const patientStart = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (i === 0 || cycles[i] !== cycles[i - 1]) {
      cycleStart[i] = 1;
      if (patients !== undefined && (i === 0 || patients[i] !== patients[i - 1])) patientStart[i] = 1;
    } else if ((slots[i] as number) <= (slots[i - 1] as number)) {
      throw new Error(
        `evaluateRuleset: slot features are not sorted: cycle ${cycles[i]} slot ${slots[i]} follows slot ${slots[i - 1]}; order by patient, cycle, slot_number`,
      );
    }
  }
  const out = { cycleStart, patientStart };
  layoutCache.set(table, out);
  return out;
}

interface StateEvents {
  offsets: Uint32Array;
  /** Position in stateRules. */
  rule: Uint16Array;
  /** The trigger's value (the evidence a fired rule reports), kept when the verdicts were made (or read here for combined triggers). */
  value: Float64Array;
}

const eventCache = new WeakMap<SlotFeatureTable, WeakMap<Ruleset, StateEvents>>();

/** A value per (feature table, ruleset), made once and kept while both are referenced. */
function perRuleset<T>(cache: WeakMap<SlotFeatureTable, WeakMap<Ruleset, T>>, table: SlotFeatureTable, ruleset: Ruleset, make: () => T): T {
  let byRuleset = cache.get(table);
  if (byRuleset === undefined) cache.set(table, (byRuleset = new WeakMap()));
  let hit = byRuleset.get(ruleset);
  if (hit === undefined) byRuleset.set(ruleset, (hit = make()));
  return hit;
}

/** Per slot, the state rules (positions, ascending) that are met there, as compressed rows. */
function stateEvents(ruleset: Ruleset, stateRules: readonly CompiledRule[], table: SlotFeatureTable): StateEvents {
  return perRuleset(eventCache, table, ruleset, () => {
    const n = table.n;
    const offsets = new Uint32Array(n + 1);
    const lists = stateRules.map((r) => slotsWhere(r.met!, 1));
    for (const list of lists) for (let j = 0; j < list.length; j++) offsets[list[j]! + 1] = offsets[list[j]! + 1]! + 1;
    for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i + 1]! + offsets[i]!;
    const next = scratchNext(offsets, n);
    const rule = new Uint16Array(offsets[n]!);
    const value = new Float64Array(offsets[n]!);
    lists.forEach((list, k) => {
      const r = stateRules[k]!;
      const col = r.main.column;
      const known = metValueCache.get(r.met!);
      for (let j = 0; j < list.length; j++) {
        const p = next[list[j]!]!++;
        rule[p] = k;
        value[p] = known !== undefined ? known[j]! : col === null ? NaN : col[list[j]!]!;
      }
    });
    return { offsets, rule, value };
  });
}

interface StaticCannot {
  offsets: Uint32Array;
  /** Rule index (into ruleset.rules) of each entry. */
  rule: Uint16Array;
  /** Visiting key (position in stateRules) of each rule index that has one. */
  keyOf: Uint16Array;
}

const staticCannotCache = new WeakMap<SlotFeatureTable, WeakMap<Ruleset, StaticCannot>>();
// Rulesets whose state rules sit at the same indices on the same variables (a centre's rules derived from a source,
// with other thresholds) have the same lists: built once, keyed by which missing list each rule index reads.
const staticCannotByShape = new WeakMap<SlotFeatureTable, Map<string, StaticCannot>>();
const listIds = new WeakMap<Int32Array, number>();
let nextListId = 1;

/** Per slot, the state rules (ascending) whose trigger is missing there: shared by both histories of a ruleset. */
function staticCannot(ruleset: Ruleset, stateRules: readonly CompiledRule[], table: SlotFeatureTable): StaticCannot {
  return perRuleset(staticCannotCache, table, ruleset, () => {
    const n = table.n;
    const lists = stateRules.map((r) => slotsWhere(r.met!, -1));
    const shape = `${ruleset.rules.length}:` + lists.map((list, k) => {
      let id = listIds.get(list);
      if (id === undefined) listIds.set(list, (id = nextListId++));
      return `${stateRules[k]!.index}=${id}`;
    }).join(',');
    let byShape = staticCannotByShape.get(table);
    if (byShape === undefined) staticCannotByShape.set(table, (byShape = new Map()));
    const same = byShape.get(shape);
    if (same !== undefined) return same;
    const offsets = new Uint32Array(n + 1);
    // Rules on the same variable share one missing list (the column's): count each list once, times its rules.
    const times = new Map<Int32Array, number>();
    for (const list of lists) times.set(list, (times.get(list) ?? 0) + 1);
    for (const [list, t] of times) {
      const col = missingColumn.get(list);
      if (col !== undefined && list.length * 4 > n) {
        // A long list (a mostly missing variable): one pass down the column beats scattered increments.
        for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i + 1]! + (col[i] !== col[i] ? t : 0);
      } else {
        for (let j = 0; j < list.length; j++) offsets[list[j]! + 1] = offsets[list[j]! + 1]! + t;
      }
    }
    for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i + 1]! + offsets[i]!;
    const next = scratchNext(offsets, n);
    const rule = new Uint16Array(offsets[n]!);
    const keyOf = new Uint16Array(ruleset.rules.length);
    lists.forEach((list, k) => {
      const index = stateRules[k]!.index;
      keyOf[index] = k;
      for (let j = 0; j < list.length; j++) rule[next[list[j]!]!++] = index;
    });
    const out = { offsets, rule, keyOf };
    byShape.set(shape, out);
    return out;
  });
}

/**
 * The 'cannot evaluate' lists of an evaluation: at every reached slot, the state rules whose trigger is missing there
 * (staticCannot) merged with the loop's extra entries (slot, visiting key), both ascending by key. When every slot is
 * reached and nothing was added, the shared static lists are the answer (read-only, like every result array).
 */
function cannotList(
  stat: StaticCannot, decision: Uint8Array, stateRules: readonly CompiledRule[], counterRules: readonly CompiledRule[],
  extraSlot: readonly number[], extraKey: readonly number[],
): CannotList {
  const n = decision.length;
  if (extraSlot.length === 0 && !decision.includes(NOT_REACHED)) return { offsets: stat.offsets, rule: stat.rule };
  const ns = stateRules.length;
  const offsets = new Uint32Array(n + 1);
  const rule = new Uint16Array(stat.rule.length + extraSlot.length);
  const sOff = stat.offsets;
  const sRule = stat.rule;
  const keyOf = stat.keyOf;
  const ne = extraSlot.length;
  let p = 0;
  let e = 0;
  for (let i = 0; i < n; i++) {
    // Slots not reached have no extras (the loop skips them) and keep no static entries.
    if (decision[i] !== NOT_REACHED) {
      let s = sOff[i]!;
      const end = sOff[i + 1]!;
      if (e < ne && extraSlot[e] === i) {
        while (s < end || (e < ne && extraSlot[e] === i)) {
          if (s < end && !(e < ne && extraSlot[e] === i && extraKey[e]! < keyOf[sRule[s]!]!)) rule[p++] = sRule[s++]!;
          else {
            const key = extraKey[e++]!;
            rule[p++] = key < ns ? stateRules[key]!.index : counterRules[key - ns]!.index;
          }
        }
      } else {
        for (; s < end; s++) rule[p++] = sRule[s]!;
      }
    }
    offsets[i + 1] = p;
  }
  return { offsets, rule: p === rule.length ? rule : rule.slice(0, p) };
}

function recordedHeldAt(col: Float64Array, i: number): number {
  const v = col[i] as number;
  return v === v ? v : 0;
}

/**
 * Materialises one slot of an evaluation as an object with rule ids, evidence and thresholds.
 * @example slotDecision(ev, features, 12).fired.map((f) => f.rule_id)
 */
export function slotDecision(ev: RulesetEvaluation, table: SlotFeatureTable, i: number): SlotDecision {
  const out: SlotDecision = {
    cycle_id: table.cycle_id[i]!,
    slot_number: table.slot_number[i] as number,
    decision: DECISIONS[ev.decision[i]!]!,
    policy: POLICIES[ev.policy[i]!]!,
    fired: [],
    cannot_evaluate: [],
  };
  for (let k = ev.fired.offsets[i]!; k < ev.fired.offsets[i + 1]!; k++) {
    const r = ev.rules[ev.fired.rule[k]!]!;
    const v = ev.fired.value[k]!;
    out.fired.push({
      rule_id: r.id,
      variable: r.variable,
      value: Number.isNaN(v) ? null : v,
      comparator: r.comparator,
      threshold: r.threshold,
      band: r.band,
      action: r.action,
      level: r.level,
      persisting: ev.fired.persisting[k] === 1,
      source: r.source,
      status: r.status,
    });
  }
  for (const r of cannotAt(ev.missing, i)) {
    const id = ev.rules[r]!.id;
    if (!out.cannot_evaluate.includes(id)) out.cannot_evaluate.push(id);
  }
  return out;
}

/** Append-only compressed-row list backed by typed arrays that double when full. */
class GrowingList {
  offsets: Uint32Array;
  private rules: Uint16Array;
  private values: Float64Array | null;
  private flags: Uint8Array | null;
  private size = 0;
  constructor(n: number, withValues: boolean, capacity = n) {
    this.offsets = new Uint32Array(n + 1);
    const cap = Math.max(16, capacity);
    this.rules = new Uint16Array(cap);
    this.values = withValues ? new Float64Array(cap) : null;
    this.flags = withValues ? new Uint8Array(cap) : null;
  }
  push(rule: number, value: number, flag: number): void {
    if (this.size === this.rules.length) this.grow();
    this.rules[this.size] = rule;
    if (this.values !== null) this.values[this.size] = value;
    if (this.flags !== null) this.flags[this.size] = flag;
    this.size++;
  }
  close(i: number): void {
    this.offsets[i + 1] = this.size;
  }
  /** Closes slots from..to-1, none of which added anything. */
  closeRun(from: number, to: number): void {
    this.offsets.fill(this.size, from + 1, to + 1);
  }
  ruleArray(): Uint16Array {
    return this.rules.slice(0, this.size);
  }
  valueArray(): Float64Array {
    return (this.values ?? new Float64Array(0)).slice(0, this.size);
  }
  flagArray(): Uint8Array {
    return (this.flags ?? new Uint8Array(0)).slice(0, this.size);
  }
  private grow(): void {
    const cap = this.rules.length * 2;
    const r = new Uint16Array(cap);
    r.set(this.rules);
    this.rules = r;
    if (this.values !== null) {
      const v = new Float64Array(cap);
      v.set(this.values);
      this.values = v;
    }
    if (this.flags !== null) {
      const f = new Uint8Array(cap);
      f.set(this.flags);
      this.flags = f;
    }
  }
}

/** Row objects (feature name -> number | boolean | null) to the columnar table the engine reads. */
export function featureTableFromRows(rows: readonly Record<string, unknown>[], variables: readonly RuleVariableCode[]): SlotFeatureTable {
  const n = rows.length;
  const values: Partial<Record<RuleVariableCode, Float64Array>> = {};
  for (const v of variables) {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = toNumber(rows[i]![v]);
    values[v] = col;
  }
  const hasPatient = n > 0 && typeof rows[0]!.patient_key === 'string';
  return {
    n,
    cycle_id: rows.map((r) => String(r.cycle_id)),
    slot_number: Int32Array.from(rows, (r) => Number(r.slot_number)),
    ...(hasPatient ? { patient_key: rows.map((r) => String(r.patient_key)) } : {}),
    values,
  };
}

function toNumber(x: unknown): number {
  if (x === null || x === undefined) return NaN;
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (typeof x === 'bigint') return Number(x);
  return typeof x === 'number' ? x : NaN;
}
