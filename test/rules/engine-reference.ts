// The engine as it was before the sparse evaluation (commit ebc8c82): a closure per rule, every rule visited at every
// slot. Kept as the reference the faster engine is checked against (engine-equivalence.test.ts); not used by the kit.
import type { Condition, Rule, Ruleset } from '../../schemas/ruleset.js';
import type { RuleAction, RuleVariableCode } from '../../schemas/vocabularies.js';
import { criterionIndex } from '../../rules/criteria.js';
import type { ConditionLike } from '../../rules/condition.js';

/** Slot decisions, in order of severity (not_reached: the cycle was already stopped or IL-2 discontinued). */
export const DECISIONS = ['give', 'hold', 'stop_cycle', 'discontinue', 'not_reached'] as const;
export type Decision = (typeof DECISIONS)[number];
export const GIVE = 0;
export const HOLD = 1;
export const STOP_CYCLE = 2;
export const DISCONTINUE = 3;
export const NOT_REACHED = 4;

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
  cannot: CannotList;
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
}

interface CompiledRule {
  index: number;
  main: CompiledCondition;
  extras: CompiledCondition[];
  resume: CompiledCondition[];
  resumeAny: CompiledCondition[];
  severity: number;
  relative: boolean;
  counterRule: boolean;
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

function compileCondition(c: Pick<Condition, 'variable' | 'comparator' | 'threshold' | 'band'>, table: SlotFeatureTable): CompiledCondition {
  const counter = isCounter(c.variable) ? c.variable : null;
  return { column: counter === null ? (table.values[c.variable] ?? null) : null, counter, test: compileTest(c) };
}

/**
 * Evaluates a ruleset over every slot of a feature table, applying cycle policies and resume conditions in slot order.
 * @example const ev = evaluateRuleset(consensus, features); slotDecision(ev, features, 0).decision
 */
export function evaluateRuleset(ruleset: Ruleset, table: SlotFeatureTable, options: EvaluateOptions = {}): RulesetEvaluation {
  const history = options.history ?? 'engine';
  const recorded = history === 'recorded';
  const n = table.n;
  const rules = ruleset.rules;
  const nr = rules.length;
  const compiled: CompiledRule[] = rules.map((r, index) => ({
    index,
    main: compileCondition(r, table),
    extras: r.all_of.map((c) => compileCondition(c, table)),
    resume: r.resume.map((c) => compileCondition(c, table)),
    resumeAny: r.resume_any_of.map((c) => compileCondition(c, table)),
    severity: ACTION_SEVERITY[r.action],
    relative: r.level === 'relative',
    counterRule: isCounter(r.variable) || r.all_of.some((c) => isCounter(c.variable)),
  }));
  const stateRules = compiled.filter((r) => !r.counterRule);
  const counterRules = compiled.filter((r) => r.counterRule);
  const relPolicy = ruleset.policies.stop_after_relative_criteria ?? 0;
  const heldPolicy = ruleset.policies.stop_after_held_doses ?? 0;
  const recordedHeld = table.values.held_doses_in_cycle ?? null;

  const decision = new Uint8Array(n);
  const policy = new Uint8Array(n);
  const relativeCount = new Uint8Array(n);
  const heldBeforeOut = new Uint8Array(n);
  const fired = new GrowingList(n, true);
  const cannot = new GrowingList(n * 2, false);

  const active = new Uint8Array(nr);
  // Distinct criteria met (by criterion, not rule id), over the cycle or at the slot (the ruleset's policy).
  const criteria = criterionIndex(ruleset);
  const relSeen = new Uint8Array(criteria.count);
  const slotWindow = ruleset.policies.relative_criteria_window === 'slot';
  const counters = { held_doses_in_cycle: 0, relative_criteria_in_cycle: 0 } satisfies Record<CounterVariable, number>;
  let heldCount = 0;
  let relCount = 0;
  let stopped = false;
  let discontinuedPatient: string | null = null;
  // stop_course: the course (cycle id without its cycle number) whose later slots are not reached.
  let stoppedCourse: string | null = null;
  let courseStopHere = false;
  const courseOf = (cycle: string): string => /^(.+-c\d+)\.\d+$/.exec(cycle)?.[1] ?? cycle;
  const cycles = table.cycle_id;
  const slots = table.slot_number;
  const patients = table.patient_key;

  // Value of a condition at row i: NaN when missing.
  const valueOf = (c: CompiledCondition, i: number): number => (c.counter !== null ? counters[c.counter] : c.column === null ? NaN : (c.column[i] as number));

  // 1 = met, 0 = not met, -1 = cannot evaluate (missing evidence in the trigger or an all_of condition).
  const ruleMet = (r: CompiledRule, i: number): number => {
    const v = valueOf(r.main, i);
    if (v !== v) return -1;
    if (!r.main.test(v)) return 0;
    for (let k = 0; k < r.extras.length; k++) {
      const e = r.extras[k]!;
      const x = valueOf(e, i);
      if (x !== x) return -1;
      if (!e.test(x)) return 0;
    }
    return 1;
  };

  const applyRule = (r: CompiledRule, i: number, sev: number): number => {
    const met = ruleMet(r, i);
    if (met === 1) {
      fired.push(r.index, valueOf(r.main, i), 0);
      if (rules[r.index]!.action === 'stop_course') courseStopHere = true;
      if (r.relative && relSeen[criteria.of[r.index]!] === 0) {
        relSeen[criteria.of[r.index]!] = 1;
        relCount++;
      }
      if (r.resume.length + r.resumeAny.length > 0) active[r.index] = 1;
      return r.severity > sev ? r.severity : sev;
    }
    if (met === -1) cannot.push(r.index, NaN, 0);
    if (active[r.index] === 1) {
      // Lifted when every `resume` condition is met (if any), or any one alternative is; missing evidence that could
      // have lifted it is a 'cannot evaluate'.
      let resumed = r.resume.length > 0;
      let missing = false;
      for (let k = 0; k < r.resume.length; k++) {
        const c = r.resume[k]!;
        const x = valueOf(c, i);
        if (x !== x) {
          resumed = false;
          missing = true;
          break;
        }
        if (!c.test(x)) {
          resumed = false;
          break;
        }
      }
      for (let k = 0; !resumed && k < r.resumeAny.length; k++) {
        const x = valueOf(r.resumeAny[k]!, i);
        if (x !== x) missing = true;
        else if (r.resumeAny[k]!.test(x)) resumed = true;
      }
      if (!resumed && missing && met !== -1) cannot.push(r.index, NaN, 0);
      if (resumed) active[r.index] = 0;
      else {
        fired.push(r.index, valueOf(r.main, i), 1);
        return HOLD > sev ? HOLD : sev;
      }
    }
    return sev;
  };

  for (let i = 0; i < n; i++) {
    const cycle = cycles[i]!;
    if (i === 0 || cycle !== cycles[i - 1]) {
      // Holds awaiting their resume conditions carry into the same patient's next cycle.
      if (patients === undefined || i === 0 || patients[i] !== patients[i - 1]) active.fill(0);
      relSeen.fill(0);
      heldCount = 0;
      relCount = 0;
      stopped = false;
    } else if ((slots[i] as number) <= (slots[i - 1] as number)) {
      throw new Error(
        `evaluateRuleset: slot features are not sorted: cycle ${cycle} slot ${slots[i]} follows slot ${slots[i - 1]}; order by patient, cycle, slot_number`,
      );
    }
    if (slotWindow) {
      relSeen.fill(0);
      relCount = 0;
    }
    const patient = patients === undefined ? null : patients[i]!;
    if (!recorded && (stopped || (patient !== null && patient === discontinuedPatient) || (stoppedCourse !== null && courseOf(cycle) === stoppedCourse))) {
      decision[i] = NOT_REACHED;
      fired.close(i);
      cannot.close(i);
      continue;
    }
    const heldBefore = recorded && recordedHeld !== null ? recordedHeldAt(recordedHeld, i) : heldCount;
    counters.held_doses_in_cycle = heldBefore;
    let sev = GIVE;
    courseStopHere = false;
    for (let k = 0; k < stateRules.length; k++) sev = applyRule(stateRules[k]!, i, sev);
    counters.relative_criteria_in_cycle = relCount;
    for (let k = 0; k < counterRules.length; k++) sev = applyRule(counterRules[k]!, i, sev);
    let pol = 0;
    if (relPolicy > 0 && relCount >= relPolicy && sev < STOP_CYCLE) {
      sev = STOP_CYCLE;
      pol = 1;
    }
    if (heldPolicy > 0 && heldBefore + (sev === HOLD ? 1 : 0) >= heldPolicy && sev < STOP_CYCLE) {
      sev = STOP_CYCLE;
      pol = 2;
    }
    decision[i] = sev;
    policy[i] = pol;
    relativeCount[i] = relCount > 255 ? 255 : relCount;
    heldBeforeOut[i] = heldBefore > 255 ? 255 : heldBefore;
    if (!recorded) {
      if (sev === HOLD) heldCount++;
      else if (sev >= STOP_CYCLE) stopped = true;
      if (sev === DISCONTINUE && patient !== null) discontinuedPatient = patient;
      if (courseStopHere) stoppedCourse = courseOf(cycle);
    }
    fired.close(i);
    cannot.close(i);
  }
  return {
    ruleset,
    rules,
    n,
    history,
    decision,
    policy,
    relativeCount,
    heldBefore: heldBeforeOut,
    fired: { offsets: fired.offsets, rule: fired.ruleArray(), value: fired.valueArray(), persisting: fired.flagArray() },
    cannot: { offsets: cannot.offsets, rule: cannot.ruleArray() },
  };
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
  for (let k = ev.cannot.offsets[i]!; k < ev.cannot.offsets[i + 1]!; k++) {
    const id = ev.rules[ev.cannot.rule[k]!]!.id;
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
  constructor(n: number, withValues: boolean) {
    this.offsets = new Uint32Array(n + 1);
    const cap = Math.max(16, n);
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
