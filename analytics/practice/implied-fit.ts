// The numeric part of an implied threshold, for one centre × variable: the logistic ED50 (maximum likelihood, or Firth
// under separation), the change point with its patient bootstrap, and the four-parameter logistic. Everything here works
// on an ImpliedTask, typed arrays made from the frame by implied-thresholds.ts, so a task can be fitted in a worker thread
// (implied-pool.ts) as well as here, with the same result: the same code on the same numbers, seeded per task.
// The fit is a two-parameter IRLS on counts aggregated by distinct value, written here because the stats module's
// logisticRegression checks separation with a dense simplex meant for thousands of rows, not a centre's ~10^5 slots;
// separation of a one-covariate model is checked exactly (non-overlapping ranges) instead. A test cross-checks the
// estimates against analytics/stats logisticRegression on a small data set.
import type { ImpliedThresholdRow } from './implied-thresholds.js';
import { normalQuantile } from '../stats/distributions.js';
import { fitFirth1 } from './firth1.js';
import { fitFourPl } from '../stats/four-parameter-logistic.js';

const FIRTH_NOTE = 'maximum likelihood not estimable (separation: held and given values do not overlap); ED50 from Firth penalised likelihood';

export interface LogisticFit1 {
  b0: number;
  b1: number;
  v00: number;
  v01: number;
  v11: number;
  iterations: number;
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

/** One centre × variable's slots, as the fits read them (implied-thresholds.ts impliedTasks makes them). */
export interface ImpliedTask {
  /** The variable's plausible range (implied-slots.ts plausibleRange), or null. */
  range: readonly [number, number] | null;
  /** Slots fitted on (n) and how many of them were held. */
  n: number;
  held: number;
  /** The distinct values, ascending. */
  xs: Float64Array;
  /** Each slot's value as an index into xs. */
  xi: Int32Array;
  /** Each slot held (1) or given (0). */
  y: Uint8Array;
  /** Each slot's patient, numbered in the order patients are first seen. */
  patient: Int32Array;
}

export interface ImpliedFitOptions {
  level: number;
  /** Bootstrap replicates of the change point's interval. */
  replicates: number;
  seed: number;
  minEvents: number;
}

/** The columns of an implied-threshold row that the fits give (the rest say which slots and which reference). */
export type ImpliedFit = Omit<
  ImpliedThresholdRow,
  'centre_id' | 'variable' | 'n' | 'held' | 'held_other_reasons' | 'excluded_other_criteria' | 'reference_band' | 'reference_ruleset'
>;

/**
 * Every fit of one task: logistic ED50 (or Firth's), change point with its patient-bootstrap interval, 4PL ED50.
 * @example fitImplied(impliedTasks(frame, consensus)[0], { level: 0.95, replicates: 200, seed: 1, minEvents: 10 })
 */
export function fitImplied(task: ImpliedTask, options: ImpliedFitOptions): ImpliedFit {
  const { level } = options;
  const xs = Array.from(task.xs);
  const ns = new Array<number>(xs.length).fill(0);
  const es = new Array<number>(xs.length).fill(0);
  for (let j = 0; j < task.xi.length; j++) { ns[task.xi[j]!]! += 1; es[task.xi[j]!]! += task.y[j]!; }
  const rare = rareReason(task.n, task.held, xs.length, options.minEvents);
  const ml = rare !== null ? null : fitLogistic1(xs, ns, es);
  // Under separation maximum likelihood has no finite estimate; Firth's penalised likelihood does.
  const firth = rare !== null || ml !== null ? null : fitFirth1(xs, ns, es);
  const fit = ml ?? firth;
  const step = rare !== null ? null : fitStep(xs, ns, es, { level });
  const boot = { level, replicates: options.replicates, seed: options.seed };
  const ci = step === null ? null : stepBootstrap(xs, task, step.direction, boot);
  const raw = fit === null ? null : ed50(fit, level);
  const implausible = raw === null ? null : implausibleReason(task.range, raw.ed50, raw.delta);
  const est = implausible === null ? raw : null;
  const separated = 'logistic fit not estimable (separation): held and given values do not overlap; see the change point';
  const problem = rare ?? (fit === null ? separated : implausible);
  const method = est === null ? null : ml !== null ? 'ml' : 'firth';
  const four = rare !== null ? null : fourPlColumns(task.range, xs, ns, es, level);
  return {
    logistic_method: method,
    logistic_note: method === 'firth' ? FIRTH_NOTE : null,
    slope: est === null ? null : fit!.b1, ed50: est?.ed50 ?? null,
    delta_lower: est?.delta[0] ?? null, delta_upper: est?.delta[1] ?? null,
    fieller_lower: est?.fieller?.[0] ?? null, fieller_upper: est?.fieller?.[1] ?? null,
    ...(four ?? { ed50_4pl: null, ed50_4pl_lower: null, ed50_4pl_upper: null, ed50_4pl_slope: null, ed50_4pl_note: rare }),
    problem, step_problem: rare ?? (step === null ? 'no step in the hold rate (each side needs 10 slots)' : null),
    step_direction: step?.direction ?? null, step_threshold: step?.threshold ?? null, step_lower: ci?.[0] ?? null, step_upper: ci?.[1] ?? null,
    hold_rate_floor: step?.floor ?? null, hold_rate_ceiling: step?.ceiling ?? null, step_lr: step?.lr ?? null,
  };
}

type FourPlColumns = Pick<ImpliedThresholdRow, 'ed50_4pl' | 'ed50_4pl_lower' | 'ed50_4pl_upper' | 'ed50_4pl_slope' | 'ed50_4pl_note'>;

/**
 * The 4PL ED50 columns: a plain estimate, a sharp step (noted), or "not estimable" when there is no fit, the interval
 * runs to the end of the recorded values (no located rise) or leaves the variable's plausible range.
 */
function fourPlColumns(
  range: ImpliedTask['range'], xs: readonly number[], ns: readonly number[], es: readonly number[], level: number,
): FourPlColumns {
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
  const implausible = implausibleReason(range, f.ed50, [f.lower, f.upper]);
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
function implausibleReason(range: ImpliedTask['range'], m: number, delta: [number, number]): string | null {
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
  xs: readonly number[], task: Pick<ImpliedTask, 'xi' | 'y' | 'patient'>, direction: 'up' | 'down',
  options: { level: number; replicates: number; seed: number },
): [number, number] | null {
  const { xi, y: held, patient } = task;
  const groups: number[][] = [];
  for (let j = 0; j < patient.length; j++) (groups[patient[j]!] ??= []).push(j);
  if (groups.length < 2 || options.replicates < 1) return null;
  // Each patient's slots as counts per distinct value (the sums a replicate adds are the same, in fewer steps).
  // The held counts are kept apart for the values a patient was held at (most are not): fewer additions a replicate.
  const off = new Int32Array(groups.length + 1);
  const offE = new Int32Array(groups.length + 1);
  const idxL: number[] = [], cntL: number[] = [], idxEL: number[] = [], evL: number[] = [];
  groups.forEach((js, g) => {
    const per = new Map<number, [number, number]>();
    for (const j of js) { const c = per.get(xi[j]!); if (c === undefined) per.set(xi[j]!, [1, held[j]!]); else { c[0]++; c[1] += held[j]!; } }
    for (const [k, [c, e]] of per) {
      idxL.push(k); cntL.push(c);
      if (e !== 0) { idxEL.push(k); evL.push(e); }
    }
    off[g + 1] = idxL.length;
    offE[g + 1] = idxEL.length;
  });
  const idx = Int32Array.from(idxL), cnt = Float64Array.from(cntL), idxE = Int32Array.from(idxEL), ev = Float64Array.from(evL);
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
      for (let t = off[p]!; t < off[p + 1]!; t++) ns[idx[t]!]! += w * cnt[t]!;
      for (let t = offE[p]!; t < offE[p + 1]!; t++) es[idxE[t]!]! += w * ev[t]!;
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
