// Implied thresholds: the value at which a centre holds half of its doses (ED50 of a logistic fit held ~ value),
// with delta-method and Fieller intervals, beside the consensus band for the same variable; and the step a centre's
// rule makes in its hold rate (change point of a two-level binomial model, profile-likelihood interval). A centre that
// applies a rule holds at a floor rate below the edge (other criteria, unprompted holds) and a ceiling rate above it
// (less the doses given through): the logistic ED50 of such a step is pulled towards the bulk of the data, while the
// change point estimates the edge itself, and is where the hold rate crosses one half whenever floor < ½ < ceiling.
// Beside both, the ED50 of a four-parameter logistic (floor and ceiling estimated; analytics/stats), half-way between
// floor and ceiling: the logistic estimate of the edge itself, with a profile-likelihood interval.
// Here: which slots each centre × variable is fitted on (impliedCells) and the rows; the fits are in implied-fit.ts.
import type { Ruleset } from '../../schemas/ruleset.js';
import type { RuleVariableCode } from '../../schemas/vocabularies.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import type { RulesetEvaluation } from '../../rules/engine.js';
import { centreRows, fitSlots, otherCriteria, plausibleRange, type FitSlots } from './implied-slots.js';
import { fitImplied, type ImpliedFit, type ImpliedFitOptions, type ImpliedTask } from './implied-fit.js';

export { ed50, fitLogistic1, fitStep, type LogisticFit1, type StepFit } from './implied-fit.js';

// Phenylephrine both at the dose and as the interval's maximum: rulesets use each (consensus Table 3 uses both).
export const IMPLIED_THRESHOLD_VARIABLES = [
  'heart_rate_at_dose', 'creatinine', 'phenylephrine_at_dose', 'phenylephrine_max_interval', 'urine_output_shift', 'platelets_min',
] as const satisfies readonly RuleVariableCode[];

/** Fewest held and fewest given slots (each) a threshold is located from: below it, "not estimable" (about 10 events per parameter). */
export const MIN_EVENTS = 10;

export interface ImpliedThresholdRow {
  centre_id: string;
  variable: RuleVariableCode;
  /** Given or held slots with the value recorded (and, when adjusted, no criterion on another variable met). */
  n: number;
  held: number;
  /** Held slots left out: their recorded reason names another criterion or a physician's decision. */
  held_other_reasons: number;
  /** Slots left out because the reference ruleset has a criterion met on another variable there. */
  excluded_other_criteria: number;
  /**
   * 'ml' (maximum likelihood) when the logistic fit gave the ED50; 'firth' when held and given values separate and the
   * ED50 is from Firth's penalised likelihood instead (logistic_note says so); null when not estimable (see problem).
   */
  logistic_method: 'ml' | 'firth' | null;
  /** Which fit gave the ED50 and why, when it is not plain maximum likelihood; else null. */
  logistic_note: string | null;
  slope: number | null;
  ed50: number | null;
  delta_lower: number | null;
  delta_upper: number | null;
  /** Fieller interval; null when the slope is not significant at the level (the interval is unbounded). */
  fieller_lower: number | null;
  fieller_upper: number | null;
  /**
   * ED50 of a four-parameter logistic (analytics/stats/four-parameter-logistic.ts): the hold rate's floor and ceiling
   * are estimated with the ED50 and slope, and the ED50 is the value half-way between them, so doses given through
   * above the edge (a ceiling below 1) or holds below it (a floor above 0) do not move it as they move the plain ED50.
   * Interval: profile likelihood (slots as independent), its ends widened to the recorded values either side. A
   * centre applying an edge exactly makes a sharp step: the slope is unbounded (ed50_4pl_slope null), the ED50 is any
   * value between the recorded values either side of the step (the midpoint is given; ed50_4pl_note says so) and the
   * interval spans at least that gap.
   */
  ed50_4pl: number | null;
  ed50_4pl_lower: number | null;
  ed50_4pl_upper: number | null;
  /** Slope on the logit scale per unit; null for a sharp step (unbounded) or without an estimate. */
  ed50_4pl_slope: number | null;
  /** A sharp step's gap, or why there is no 4PL estimate ("not estimable: …"); null for a plain estimate. */
  ed50_4pl_note: string | null;
  /** Why there is no logistic estimate ("logistic fit not estimable (separation)", too few events, implausible), else null. */
  problem: string | null;
  /** Why there is no change point (too few events, no step), else null. */
  step_problem: string | null;
  /** Change point: 'up' = held at and above step_threshold, 'down' = held at and below it; null without a step. */
  step_direction: 'up' | 'down' | null;
  /** The edge value on the held side of the best split, and a patient-cluster bootstrap percentile interval of it. */
  step_threshold: number | null;
  step_lower: number | null;
  step_upper: number | null;
  /** Hold rates on the not-held side (floor) and the held side (ceiling) of the step. */
  hold_rate_floor: number | null;
  hold_rate_ceiling: number | null;
  /** Likelihood-ratio statistic of the step against one hold rate. */
  step_lr: number | null;
  /** The reference ruleset's criteria on this variable, as text (e.g. "relative [100, 130]; absolute >130"). */
  reference_band: string;
  reference_ruleset: string;
}

/** Describes a ruleset's criteria on one variable, e.g. "relative [100, 130]; absolute >130". */
export function referenceBand(ruleset: Ruleset, variable: RuleVariableCode): string {
  const sym = { lt: '<', le: '≤', gt: '>', ge: '≥' } as const;
  return ruleset.rules
    .filter((r) => r.variable === variable)
    .map((r) => {
      const what =
        r.comparator === 'in_band'
          ? `${r.band?.lower_inclusive === false ? '(' : '['}${r.band?.lower ?? '-∞'}, ${r.band?.upper ?? '∞'}${r.band?.upper_inclusive ? ']' : ')'}`
          : r.comparator === 'present'
            ? 'present'
            : `${sym[r.comparator]}${r.threshold}`;
      return `${r.level ?? r.action} ${what}`;
    })
    .join('; ');
}

export interface ImpliedThresholdOptions {
  variables?: readonly RuleVariableCode[];
  level?: number;
  bootstrap?: number;
  seed?: number;
  adjust?: boolean;
  minEvents?: number;
  /** The reference already evaluated on the frame (recorded history); evaluated here otherwise. */
  evaluation?: RulesetEvaluation;
}

/** One centre × variable: which slots were left out and why, and the task its fits run on. */
export interface ImpliedCell {
  centre_id: string;
  variable: RuleVariableCode;
  held_other_reasons: number;
  excluded_other_criteria: number;
  task: ImpliedTask;
}

/** The fit options of impliedThresholds' options, defaults filled in. */
export function impliedFitOptions(options: ImpliedThresholdOptions = {}): ImpliedFitOptions {
  return { level: options.level ?? 0.95, replicates: options.bootstrap ?? 200, seed: options.seed ?? 1, minEvents: options.minEvents ?? MIN_EVENTS };
}

/**
 * Per centre × variable: logistic fit of held ~ value over given and held slots, ED50 and its intervals, and the change
 * point of the hold rate with a patient-cluster bootstrap percentile interval, beside the reference band. By default
 * (`adjust`) slots where the reference ruleset has a criterion met on another variable are left out: holds for other
 * reasons rise with toxicity and would otherwise pull the estimates below the edge.
 * @example impliedThresholds(frame, consensus)
 */
export function impliedThresholds(frame: SlotFeatureFrame, reference: Ruleset, options: ImpliedThresholdOptions = {}): ImpliedThresholdRow[] {
  const cells = impliedCells(frame, reference, options);
  const fit = impliedFitOptions(options);
  return impliedRows(cells, cells.map((c) => fitImplied(c.task, fit)), reference);
}

/**
 * The cells impliedThresholds fits, variable by variable and centre by centre (centre_id order): each one's slots as
 * typed arrays (an ImpliedTask), so the fits can run here or in a worker thread (implied-pool.ts).
 * @example impliedCells(frame, consensus).map((c) => fitImplied(c.task, impliedFitOptions()))
 */
export function impliedCells(frame: SlotFeatureFrame, reference: Ruleset, options: ImpliedThresholdOptions = {}): ImpliedCell[] {
  // A slot held for another criterion says nothing about this variable's edge: with `adjust` (default) it is left out.
  const other = options.adjust === false ? null : otherCriteria(frame, reference, options.evaluation);
  const rows = centreRows(frame);
  const centres = [...rows.keys()].sort();
  const codes = patientCodes(frame);
  const out: ImpliedCell[] = [];
  for (const variable of options.variables ?? IMPLIED_THRESHOLD_VARIABLES) {
    const range = plausibleRange(variable);
    for (const centre of centres) {
      const slots = fitSlots(frame, centre, variable, other, rows.get(centre));
      const task = cellTask(slots, codes, range);
      out.push({ centre_id: centre, variable, held_other_reasons: slots.heldOtherReasons, excluded_other_criteria: slots.otherCriteria, task });
    }
  }
  return out;
}

/** Each frame row's patient as a number (first-seen order over the frame), and how many patients there are. */
function patientCodes(frame: SlotFeatureFrame): { code: Int32Array; count: number } {
  const ids = new Map<string, number>();
  const code = new Int32Array(frame.n);
  for (let i = 0; i < frame.n; i++) {
    const p = frame.patient_key[i]!;
    let id = ids.get(p);
    if (id === undefined) ids.set(p, (id = ids.size));
    code[i] = id;
  }
  return { code, count: ids.size };
}

/** A cell's slots as typed arrays: distinct values ascending, each slot's index into them, held, patient (first seen = 0). */
function cellTask(slots: FitSlots, patients: { code: Int32Array; count: number }, range: ImpliedTask['range']): ImpliedTask {
  const { values, held, rows } = slots;
  const n = values.length;
  const sorted = values.slice().sort();
  let m = 0;
  for (let j = 0; j < n; j++) if (j === 0 || sorted[j] !== sorted[m - 1]) sorted[m++] = sorted[j]!;
  const xs = sorted.slice(0, m);
  const xi = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    // The value's place among the distinct values (binary search: they are ascending and the value is one of them).
    const v = values[j]!;
    let lo = 0, hi = m - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (xs[mid]! < v) lo = mid + 1; else hi = mid; }
    xi[j] = lo;
  }
  const renumber = new Int32Array(patients.count).fill(-1);
  const patient = new Int32Array(n);
  let seen = 0;
  for (let j = 0; j < n; j++) {
    const p = patients.code[rows[j]!]!;
    if (renumber[p] === -1) renumber[p] = seen++;
    patient[j] = renumber[p]!;
  }
  let h = 0;
  for (let j = 0; j < n; j++) h += held[j]!;
  return { range, n, held: h, xs, xi, y: held, patient };
}

/** The rows of impliedThresholds from its cells and their fits (in the same order), beside the reference band. */
export function impliedRows(cells: readonly ImpliedCell[], fits: readonly ImpliedFit[], reference: Ruleset): ImpliedThresholdRow[] {
  return cells.map((c, k) => ({
    centre_id: c.centre_id, variable: c.variable, n: c.task.n, held: c.task.held,
    held_other_reasons: c.held_other_reasons, excluded_other_criteria: c.excluded_other_criteria,
    ...fits[k]!,
    reference_band: referenceBand(reference, c.variable), reference_ruleset: reference.id,
  }));
}


