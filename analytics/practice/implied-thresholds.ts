// Implied thresholds: the value at which a centre holds half of its doses (ED50 of a logistic fit held ~ value),
// with delta-method and Fieller intervals, beside the consensus band for the same variable; and the step a centre's
// rule makes in its hold rate (change point of a two-level binomial model, profile-likelihood interval). A centre that
// applies a rule holds at a floor rate below the edge (other criteria, unprompted holds) and a ceiling rate above it
// (less the doses given through): the logistic ED50 of such a step is pulled towards the bulk of the data, while the
// change point estimates the edge itself, and is where the hold rate crosses one half whenever floor < ½ < ceiling.
// Beside both, the ED50 of a four-parameter logistic (floor and ceiling estimated; analytics/stats), half-way between
// floor and ceiling: the logistic estimate of the edge itself, with a profile-likelihood interval.
// The fit is a two-parameter IRLS on counts aggregated by distinct value, written here because the stats module's
// logisticRegression checks separation with a dense simplex meant for thousands of rows, not a centre's ~10^5 slots;
// separation of a one-covariate model is checked exactly (non-overlapping ranges) instead. A test cross-checks the
// estimates against analytics/stats logisticRegression on a small data set.
import type { Ruleset } from '../../schemas/ruleset.js';
import type { RuleVariableCode } from '../../schemas/vocabularies.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import type { RulesetEvaluation } from '../../rules/engine.js';
import { centreRows, fitSlots, otherCriteria, plausibleRange } from './implied-slots.js';
import { normalQuantile } from '../stats/distributions.js';
import { fitFirth1 } from './firth1.js';
import { fitFourPl } from '../stats/four-parameter-logistic.js';

// Phenylephrine both at the dose and as the interval's maximum: rulesets use each (consensus Table 3 uses both).
export const IMPLIED_THRESHOLD_VARIABLES = [
  'heart_rate_at_dose', 'creatinine', 'phenylephrine_at_dose', 'phenylephrine_max_interval', 'urine_output_shift', 'platelets_min',
] as const satisfies readonly RuleVariableCode[];

const FIRTH_NOTE = 'maximum likelihood not estimable (separation: held and given values do not overlap); ED50 from Firth penalised likelihood';

/** Fewest held and fewest given slots (each) a threshold is located from: below it, "not estimable" (about 10 events per parameter). */
export const MIN_EVENTS = 10;

export interface LogisticFit1 {
  b0: number;
  b1: number;
  v00: number;
  v01: number;
  v11: number;
  iterations: number;
}

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

/**
 * Logistic regression of a 0/1 outcome on one covariate, from counts per distinct value; null under separation.
 * @example fitLogistic1([1, 2, 3], [10, 10, 10], [1, 5, 9])
 */
export function fitLogistic1(x: readonly number[], n: readonly number[], events: readonly number[]): LogisticFit1 | null {
  let lo1 = Infinity, hi1 = -Infinity, lo0 = Infinity, hi0 = -Infinity, tn = 0, te = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    if (events[i]! > 0) { lo1 = Math.min(lo1, xi); hi1 = Math.max(hi1, xi); }
    if (events[i]! < n[i]!) { lo0 = Math.min(lo0, xi); hi0 = Math.max(hi0, xi); }
    tn += n[i]!; te += events[i]!;
  }
  if (te === 0 || te === tn || hi1 <= lo0 || hi0 <= lo1) return null;
  const mean = x.reduce((s, xi, i) => s + xi * n[i]!, 0) / tn;
  let b0 = Math.log(te / (tn - te));
  let b1 = 0;
  let it = 0;
  for (; it < 100; it++) {
    let s0 = 0, s1 = 0, i00 = 0, i01 = 0, i11 = 0;
    for (let i = 0; i < x.length; i++) {
      const xc = x[i]! - mean;
      const p = 1 / (1 + Math.exp(-(b0 + b1 * xc)));
      const w = n[i]! * p * (1 - p);
      s0 += events[i]! - n[i]! * p; s1 += (events[i]! - n[i]! * p) * xc;
      i00 += w; i01 += w * xc; i11 += w * xc * xc;
    }
    const det = i00 * i11 - i01 * i01;
    const d0 = (i11 * s0 - i01 * s1) / det;
    const d1 = (i00 * s1 - i01 * s0) / det;
    b0 += d0; b1 += d1;
    if (Math.abs(d0) < 1e-10 * (1 + Math.abs(b0)) && Math.abs(d1) < 1e-10 * (1 + Math.abs(b1))) break;
  }
  let i00 = 0, i01 = 0, i11 = 0;
  for (let i = 0; i < x.length; i++) {
    const xc = x[i]! - mean;
    const p = 1 / (1 + Math.exp(-(b0 + b1 * xc)));
    const w = n[i]! * p * (1 - p);
    i00 += w; i01 += w * xc; i11 += w * xc * xc;
  }
  const det = i00 * i11 - i01 * i01;
  // Covariance of the centred (a, b1), then back to the intercept on the original scale: b0 = a - b1 * mean.
  const ca = i11 / det, cab = -i01 / det, cb = i00 / det;
  return { b0: b0 - b1 * mean, b1, v00: ca - 2 * mean * cab + mean * mean * cb, v01: cab - mean * cb, v11: cb, iterations: it + 1 };
}

/** ED50 = -b0/b1 with delta-method and Fieller intervals. */
export function ed50(fit: LogisticFit1, level = 0.95): { ed50: number; delta: [number, number]; fieller: [number, number] | null } {
  const { b0, b1, v00, v01, v11 } = fit;
  const z = normalQuantile(1 - (1 - level) / 2);
  const m = -b0 / b1;
  const se = Math.sqrt((v00 + 2 * m * v01 + m * m * v11) / (b1 * b1));
  const A = b1 * b1 - z * z * v11;
  const B = 2 * (b0 * b1 - z * z * v01);
  const C = b0 * b0 - z * z * v00;
  const disc = B * B - 4 * A * C;
  const fieller: [number, number] | null = A > 0 && disc >= 0 ? [(-B - Math.sqrt(disc)) / (2 * A), (-B + Math.sqrt(disc)) / (2 * A)] : null;
  return { ed50: m, delta: [m - z * se, m + z * se], fieller };
}

export interface StepFit {
  direction: 'up' | 'down';
  threshold: number;
  lower: number;
  upper: number;
  floor: number;
  ceiling: number;
  lr: number;
}

/**
 * Change point of a two-level binomial model over sorted distinct values: the split that maximises the likelihood,
 * and every split within the profile-likelihood cut-off (χ²₁ at the level) in the same direction as the interval.
 * Each side keeps at least `minSide` observations. Null when there is no split or no holds.
 * @example fitStep([1, 2, 3, 4], [50, 50, 50, 50], [5, 5, 40, 40]).threshold // 3
 */
export function fitStep(
  x: readonly number[], n: readonly number[], events: readonly number[], options: { level?: number; minSide?: number } = {},
): StepFit | null {
  const m = x.length;
  const minSide = options.minSide ?? 10;
  const crit = normalQuantile(1 - (1 - (options.level ?? 0.95)) / 2) ** 2;
  const tn = n.reduce((a, b) => a + b, 0);
  const te = events.reduce((a, b) => a + b, 0);
  if (m < 2 || te === 0 || te === tn) return null;
  const ll = (e: number, k: number): number => (e === 0 || e === k ? 0 : e * Math.log(e / k) + (k - e) * Math.log(1 - e / k));
  const l0 = ll(te, tn);
  const lls = new Float64Array(m - 1).fill(-Infinity);
  const up = new Uint8Array(m - 1);
  let nl = 0, el = 0, best = -1;
  for (let k = 0; k < m - 1; k++) {
    nl += n[k]!; el += events[k]!;
    const nr = tn - nl, er = te - el;
    if (nl < minSide || nr < minSide) continue;
    lls[k] = ll(el, nl) + ll(er, nr);
    up[k] = er / nr > el / nl ? 1 : 0;
    if (best < 0 || lls[k]! > lls[best]!) best = k;
  }
  if (best < 0) return null;
  let lo = best, hi = best;
  for (let k = 0; k < m - 1; k++) {
    if (up[k] !== up[best] || 2 * (lls[best]! - lls[k]!) > crit) continue;
    lo = Math.min(lo, k); hi = Math.max(hi, k);
  }
  let nb = 0, eb = 0;
  for (let k = 0; k <= best; k++) { nb += n[k]!; eb += events[k]!; }
  const below = eb / nb, above = (te - eb) / (tn - nb);
  const dirUp = up[best] === 1;
  return {
    direction: dirUp ? 'up' : 'down',
    threshold: dirUp ? x[best + 1]! : x[best]!,
    lower: x[lo]!,
    upper: x[hi + 1]!,
    floor: dirUp ? below : above,
    ceiling: dirUp ? above : below,
    lr: 2 * (lls[best]! - l0),
  };
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

/**
 * Per centre × variable: logistic fit of held ~ value over given and held slots, ED50 and its intervals, and the change
 * point of the hold rate with a patient-cluster bootstrap percentile interval, beside the reference band. By default
 * (`adjust`) slots where the reference ruleset has a criterion met on another variable are left out: holds for other
 * reasons rise with toxicity and would otherwise pull the estimates below the edge.
 * @example impliedThresholds(frame, consensus)
 */
export function impliedThresholds(
  frame: SlotFeatureFrame,
  reference: Ruleset,
  options: {
    variables?: readonly RuleVariableCode[]; level?: number; bootstrap?: number; seed?: number; adjust?: boolean; minEvents?: number;
    /** The reference already evaluated on the frame (recorded history); evaluated here otherwise. */
    evaluation?: RulesetEvaluation;
  } = {},
): ImpliedThresholdRow[] {
  const variables = options.variables ?? IMPLIED_THRESHOLD_VARIABLES;
  const level = options.level ?? 0.95;
  const minEvents = options.minEvents ?? MIN_EVENTS;
  // A slot held for another criterion says nothing about this variable's edge: with `adjust` (default) it is left out.
  const other = options.adjust === false ? null : otherCriteria(frame, reference, options.evaluation);
  const rows = centreRows(frame);
  const centres = [...rows.keys()].sort();
  const out: ImpliedThresholdRow[] = [];
  for (const variable of variables) {
    for (const centre of centres) {
      const slots = fitSlots(frame, centre, variable, other, rows.get(centre));
      const { values: vals, held: helds, patients: pats } = slots;
      const n = vals.length;
      const held = helds.reduce((a, b) => a + b, 0);
      const xs = [...new Set(vals)].sort((a, b) => a - b);
      const index = new Map(xs.map((x, k) => [x, k]));
      const xi = Int32Array.from(vals, (v) => index.get(v)!);
      const ns = new Array<number>(xs.length).fill(0);
      const es = new Array<number>(xs.length).fill(0);
      for (let j = 0; j < n; j++) { ns[xi[j]!]! += 1; es[xi[j]!]! += helds[j]!; }
      const rare = rareReason(n, held, xs.length, minEvents);
      const ml = rare !== null ? null : fitLogistic1(xs, ns, es);
      // Under separation maximum likelihood has no finite estimate; Firth's penalised likelihood does.
      const firth = rare !== null || ml !== null ? null : fitFirth1(xs, ns, es);
      const fit = ml ?? firth;
      const step = rare !== null ? null : fitStep(xs, ns, es, { level });
      const boot = { level, replicates: options.bootstrap ?? 200, seed: options.seed ?? 1 };
      const ci = step === null ? null : stepBootstrap(xs, xi, helds, pats, step.direction, boot);
      const raw = fit === null ? null : ed50(fit, level);
      const implausible = raw === null ? null : implausibleReason(variable, raw.ed50, raw.delta);
      const est = implausible === null ? raw : null;
      const separated = 'logistic fit not estimable (separation): held and given values do not overlap; see the change point';
      const problem = rare ?? (fit === null ? separated : implausible);
      const method = est === null ? null : ml !== null ? 'ml' : 'firth';
      const four = rare !== null ? null : fourPlColumns(variable, xs, ns, es, level);
      out.push({
        centre_id: centre, variable, n, held, held_other_reasons: slots.heldOtherReasons, excluded_other_criteria: slots.otherCriteria,
        logistic_method: method,
        logistic_note: method === 'firth' ? FIRTH_NOTE : null,
        slope: est === null ? null : fit!.b1, ed50: est?.ed50 ?? null,
        delta_lower: est?.delta[0] ?? null, delta_upper: est?.delta[1] ?? null,
        fieller_lower: est?.fieller?.[0] ?? null, fieller_upper: est?.fieller?.[1] ?? null,
        ...(four ?? { ed50_4pl: null, ed50_4pl_lower: null, ed50_4pl_upper: null, ed50_4pl_slope: null, ed50_4pl_note: rare }),
        problem, step_problem: rare ?? (step === null ? 'no step in the hold rate (each side needs 10 slots)' : null),
        step_direction: step?.direction ?? null, step_threshold: step?.threshold ?? null, step_lower: ci?.[0] ?? null, step_upper: ci?.[1] ?? null,
        hold_rate_floor: step?.floor ?? null, hold_rate_ceiling: step?.ceiling ?? null, step_lr: step?.lr ?? null,
        reference_band: referenceBand(reference, variable), reference_ruleset: reference.id,
      });
    }
  }
  return out;
}

type FourPlColumns = Pick<ImpliedThresholdRow, 'ed50_4pl' | 'ed50_4pl_lower' | 'ed50_4pl_upper' | 'ed50_4pl_slope' | 'ed50_4pl_note'>;

/**
 * The 4PL ED50 columns: a plain estimate, a sharp step (noted), or "not estimable" when there is no fit, the interval
 * runs to the end of the recorded values (no located rise) or leaves the variable's plausible range.
 */
function fourPlColumns(variable: RuleVariableCode, xs: readonly number[], ns: readonly number[], es: readonly number[], level: number): FourPlColumns {
  const none = (note: string): FourPlColumns => ({ ed50_4pl: null, ed50_4pl_lower: null, ed50_4pl_upper: null, ed50_4pl_slope: null, ed50_4pl_note: note });
  // Ends widened to the recorded values either side (snap): a rule's edge sits between two recorded values (≥ 100/min
  // on whole beats cannot be told from > 99.5/min), so an end inside a gap is read as the gap's end (conservative).
  const f = fitFourPl(xs, ns, es, { level, snap: true });
  if (f === null) return none('not estimable: fewer than 3 recorded values');
  const fmt = (x: number): string => String(Number(x.toPrecision(4)));
  if (f.lower <= xs[0]! || f.upper >= xs[xs.length - 1]!)
    return none(
      `not estimable: the ED50's interval runs to the end of the recorded values (${fmt(xs[0]!)} to ${fmt(xs[xs.length - 1]!)}): ` +
        'no located rise in the hold rate',
    );
  const implausible = implausibleReason(variable, f.ed50, [f.lower, f.upper]);
  if (implausible !== null) return none(implausible.replace('logistic fit', '4PL fit'));
  const note =
    f.step === null
      ? null
      : `sharp step between ${fmt(f.step[0])} and ${fmt(f.step[1])}: slope unbounded (the edge applied exactly); ` +
        'the ED50 is any value between them, the midpoint shown';
  return { ed50_4pl: f.ed50, ed50_4pl_lower: f.lower, ed50_4pl_upper: f.upper, ed50_4pl_slope: Number.isFinite(f.slope) ? f.slope : null, ed50_4pl_note: note };
}

/** "Not estimable" when there is nothing, or too little, to locate an edge from; null when there is enough. */
function rareReason(n: number, held: number, distinct: number, min: number): string | null {
  if (n === 0) return 'not estimable: no recorded values';
  if (distinct < 2) return 'not estimable: no variation in the value';
  if (held < min) return `not estimable: ${held} held dose(s) this variable could explain, fewer than the minimum ${min}`;
  if (n - held < min) return `not estimable: ${n - held} given dose(s), fewer than the minimum ${min}`;
  return null;
}

/** "Not estimable" when the ED50 or its interval leaves the variable's plausible range: a number there means nothing. */
function implausibleReason(variable: RuleVariableCode, m: number, delta: [number, number]): string | null {
  const range = plausibleRange(variable);
  if (range === null || !Number.isFinite(m)) return Number.isFinite(m) ? null : 'logistic fit not estimable: no finite ED50';
  const [a, b] = range;
  const fmt = (x: number): string => String(Number(x.toPrecision(3)));
  if (m < a || m > b) return `logistic fit not estimable: ED50 ${fmt(m)} lies outside the plausible range ${a} to ${b}`;
  if (delta[1] - delta[0] > b - a)
    return `logistic fit not estimable: interval ${fmt(delta[0])} to ${fmt(delta[1])} is wider than the plausible range ${a} to ${b}`;
  return null;
}

/**
 * Percentile interval of the change point over bootstrap resamples of patients (slots of one patient are not
 * independent); replicates whose best step runs the other way count at the ends. Null with under two patients.
 */
function stepBootstrap(
  xs: readonly number[], xi: Int32Array, held: readonly number[], patients: readonly string[], direction: 'up' | 'down',
  options: { level: number; replicates: number; seed: number },
): [number, number] | null {
  const byPatient = new Map<string, number[]>();
  patients.forEach((p, j) => { const l = byPatient.get(p); if (l === undefined) byPatient.set(p, [j]); else l.push(j); });
  const groups = [...byPatient.values()];
  if (groups.length < 2 || options.replicates < 1) return null;
  // Each patient's slots as counts per distinct value (the sums a replicate adds are the same, in fewer steps).
  const off = new Int32Array(groups.length + 1);
  const idxL: number[] = [], cntL: number[] = [], evL: number[] = [];
  groups.forEach((js, g) => {
    const per = new Map<number, [number, number]>();
    for (const j of js) { const c = per.get(xi[j]!); if (c === undefined) per.set(xi[j]!, [1, held[j]!]); else { c[0]++; c[1] += held[j]!; } }
    for (const [k, [c, e]] of per) { idxL.push(k); cntL.push(c); evL.push(e); }
    off[g + 1] = idxL.length;
  });
  const idx = Int32Array.from(idxL), cnt = Float64Array.from(cntL), ev = Float64Array.from(evL);
  let s = options.seed >>> 0 || 1;
  const rand = (): number => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
  const m = xs.length;
  const ns = new Float64Array(m);
  const es = new Float64Array(m);
  const out: number[] = [];
  const scratch = stepScratch(m);
  // How many times each patient is drawn, then each drawn patient's counts added once times that: the same integer
  // sums as adding a patient per draw (exact in doubles), about a third fewer additions (a third of patients are not drawn).
  const times = new Int32Array(groups.length);
  for (let b = 0; b < options.replicates; b++) {
    ns.fill(0); es.fill(0); times.fill(0);
    for (let g = 0; g < groups.length; g++) times[Math.floor(rand() * groups.length)]!++;
    for (let p = 0; p < groups.length; p++) {
      const w = times[p]!;
      if (w === 0) continue;
      for (let t = off[p]!; t < off[p + 1]!; t++) { ns[idx[t]!]! += w * cnt[t]!; es[idx[t]!]! += w * ev[t]!; }
    }
    const f = bestStep(xs, ns, es, scratch);
    out.push(f === null || f.direction !== direction ? (direction === 'up' ? Infinity : -Infinity) : f.threshold);
  }
  out.sort((a, b) => a - b);
  const q = (p: number): number => out[Math.min(out.length - 1, Math.max(0, Math.floor(p * out.length)))]!;
  const lo = q((1 - options.level) / 2);
  const hi = q(1 - (1 - options.level) / 2 - 1e-9);
  return [Number.isFinite(lo) ? lo : xs[0]!, Number.isFinite(hi) ? hi : xs[m - 1]!];
}

/** Work arrays of bestStep, allocated once per bootstrap. */
function stepScratch(m: number): { lls: Float64Array; up: Uint8Array; kept: Int32Array } {
  return { lls: new Float64Array(m), up: new Uint8Array(m), kept: new Int32Array(m) };
}

/**
 * fitStep's direction and threshold (default level and minSide) on the values whose count is not zero, without
 * building the filtered arrays: the bootstrap's inner step. Same sums in the same order, so the same split.
 */
function bestStep(
  xs: readonly number[], ns: Float64Array, es: Float64Array, w: ReturnType<typeof stepScratch>,
): { direction: 'up' | 'down'; threshold: number } | null {
  let m = 0, tn = 0, te = 0;
  for (let k = 0; k < xs.length; k++) if (ns[k]! > 0) { w.kept[m++] = k; tn += ns[k]!; te += es[k]!; }
  if (m < 2 || te === 0 || te === tn) return null;
  const ll = (e: number, k: number): number => (e === 0 || e === k ? 0 : e * Math.log(e / k) + (k - e) * Math.log(1 - e / k));
  let nl = 0, el = 0, best = -1;
  for (let k = 0; k < m - 1; k++) {
    nl += ns[w.kept[k]!]!; el += es[w.kept[k]!]!;
    const nr = tn - nl, er = te - el;
    if (nl < 10 || nr < 10) continue;
    w.lls[k] = ll(el, nl) + ll(er, nr);
    w.up[k] = er / nr > el / nl ? 1 : 0;
    if (best < 0 || w.lls[k]! > w.lls[best]!) best = k;
  }
  if (best < 0) return null;
  const dirUp = w.up[best] === 1;
  return { direction: dirUp ? 'up' : 'down', threshold: dirUp ? xs[w.kept[best + 1]!]! : xs[w.kept[best]!]! };
}
