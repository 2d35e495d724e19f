// Four-parameter logistic (4PL) of a binomial rate on one covariate, from counts per distinct value:
//   p(x) = low + (high - low) · expit(β (x - ed50)),  β > 0,
// with the rates far below (low) and far above (high) the rise estimated with the ED50 and slope, by maximum likelihood
// (as R drc's L.4 with type = "binomial", or psychometric functions with guess and lapse rates, Wichmann & Hill 2001).
// The ED50 is the value half-way between low and high, so a ceiling below 1 or a floor above 0 does not move it.
// A rise applied exactly (a centre holding at an edge) is a sharp step: the likelihood's supremum is the step, β has
// no finite estimate and the ED50 is any value between the two recorded values either side of the step. The step is
// the model's limit (β → ∞), so it is included: the fit reports it as a step, with the ED50 at the gap's midpoint.
// Interval: profile likelihood, {t : 2 (ℓmax - ℓp(t)) ≤ χ²₁}, where ℓp(t) is the best likelihood with the ED50 fixed
// at t, over finite slopes and over the step at t; its hull is reported (a step's gap counts in whole: its closure).
// Slots are treated as independent (no clustering by patient). Checked against R optim/uniroot on the same likelihood
// (scripts/r/make-fixtures-4pl.R, test/fixtures/r/four-pl.json).
import { normalQuantile } from './distributions.js';

export interface FourPlOptions {
  level?: number;
  /**
   * Widen the interval's ends to the recorded values either side (an end inside the gap between two recorded values
   * becomes the gap's end), locating the crossing only to that gap: far fewer profile fits. Default false: exact ends.
   */
  snap?: boolean;
}

export interface FourPlFit {
  /** Rate far below the ED50 (x → -∞) and far above it (x → +∞); for a step, the rates either side. */
  low: number;
  high: number;
  ed50: number;
  /** β on the logit scale per unit of x; Infinity for a sharp step. */
  slope: number;
  loglik: number;
  /** Profile-likelihood interval of the ED50 at the level (hull). */
  lower: number;
  upper: number;
  /** A sharp step: the recorded values either side of it (the ED50 is not located closer); else null. */
  step: [number, number] | null;
}

const expit = (eta: number): number => 1 / (1 + Math.exp(-eta));
const LOGIT_CAP = 25;

interface Data {
  x: readonly number[];
  n: readonly number[];
  e: readonly number[];
  /** Largest β fitted as a curve (beyond it the curve is the step, which is scored exactly). */
  betaCap: number;
}

/** θ = (logit low, logit high, ed50, log β). */
type Theta = [number, number, number, number];

function loglik(d: Data, th: Theta): number {
  const lo = expit(th[0]), hi = expit(th[1]), b = Math.exp(th[3]);
  let ll = 0;
  for (let i = 0; i < d.x.length; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, lo + (hi - lo) * expit(b * (d.x[i]! - th[2]))));
    ll += d.e[i]! * Math.log(p) + (d.n[i]! - d.e[i]!) * Math.log(1 - p);
  }
  return ll;
}

/** Score and Fisher information over the free parameters (indices in `free`). */
function scoreInfo(d: Data, th: Theta, free: readonly number[]): { u: number[]; info: number[][] } {
  const lo = expit(th[0]), hi = expit(th[1]), b = Math.exp(th[3]);
  const k = free.length;
  const u = new Array<number>(k).fill(0);
  const info = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const g = [0, 0, 0, 0];
  for (let i = 0; i < d.x.length; i++) {
    const z = d.x[i]! - th[2];
    const s = expit(b * z);
    const p = Math.min(1 - 1e-15, Math.max(1e-15, lo + (hi - lo) * s));
    const v = p * (1 - p);
    g[0] = lo * (1 - lo) * (1 - s);
    g[1] = hi * (1 - hi) * s;
    g[2] = -(hi - lo) * b * s * (1 - s);
    g[3] = (hi - lo) * s * (1 - s) * b * z;
    const r = (d.e[i]! - d.n[i]! * p) / v;
    const w = d.n[i]! / v;
    for (let a = 0; a < k; a++) {
      const ga = g[free[a]!]!;
      u[a]! += r * ga;
      for (let c = 0; c <= a; c++) info[a]![c]! += w * ga * g[free[c]!]!;
    }
  }
  for (let a = 0; a < k; a++) for (let c = 0; c < a; c++) info[c]![a] = info[a]![c]!;
  return { u, info };
}

/** Solves A x = b (small, symmetric) by Gaussian elimination with a ridge; null when singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const k = b.length;
  const m = a.map((row, i) => [...row.map((v, j) => v + (i === j ? 1e-10 * (1 + Math.abs(v)) : 0)), b[i]!]);
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    if (!(Math.abs(m[piv]![c]!) > 1e-300)) return null;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let j = c; j <= k; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row, i) => row[k]! / row[i]!);
}

/** Fisher scoring with step halving over the free parameters, from `start`; the parameters are kept in range. */
function maximise(d: Data, start: Theta, free: readonly number[], tol = 1e-11): { theta: Theta; ll: number } {
  let th: Theta = [...start];
  let ll = loglik(d, th);
  const capLog = Math.log(d.betaCap);
  for (let it = 0; it < 200; it++) {
    const { u, info } = scoreInfo(d, th, free);
    const step = solve(info, u);
    if (step === null) break;
    let scale = 1;
    let next: Theta = th;
    let nll = -Infinity;
    for (let h = 0; h < 20; h++, scale /= 2) {
      next = [...th];
      free.forEach((p, a) => { next[p] = th[p]! + scale * step[a]!; });
      next[0] = Math.max(-LOGIT_CAP, Math.min(LOGIT_CAP, next[0]));
      next[1] = Math.max(-LOGIT_CAP, Math.min(LOGIT_CAP, next[1]));
      next[3] = Math.min(capLog, next[3]);
      nll = loglik(d, next);
      if (nll >= ll - 1e-12) break;
    }
    if (!(nll >= ll - 1e-12)) break;
    const gain = nll - ll;
    const moved = free.reduce((s, p) => Math.max(s, Math.abs(next[p]! - th[p]!)), 0);
    th = next;
    ll = nll;
    if (gain < tol && moved < 1e-8) break;
    if (gain < tol * 1e-3) break;
    // A step halved many times gains next to nothing: the slope is running off towards the step (its supremum).
    if (scale < 1e-3 && gain < 1e-6) break;
    // At the slope's cap the curve is the step to within 1e-9 of its likelihood: further steps only creep.
    if (th[3] >= capLog - 1e-9 && gain < 1e-9) break;
  }
  return { theta: th, ll };
}

/** Log-likelihood of the two-rate split between x[k] and x[k+1], for every k. */
function splitLogliks(d: Data): Float64Array {
  const m = d.x.length;
  const tn = d.n.reduce((a, b) => a + b, 0);
  const te = d.e.reduce((a, b) => a + b, 0);
  const ll = (e: number, k: number): number => (e === 0 || e === k ? 0 : e * Math.log(e / k) + (k - e) * Math.log(1 - e / k));
  const out = new Float64Array(Math.max(0, m - 1));
  let nl = 0, el = 0;
  for (let k = 0; k < m - 1; k++) {
    nl += d.n[k]!; el += d.e[k]!;
    out[k] = ll(el, nl) + ll(te - el, tn - nl);
  }
  return out;
}

const logitOf = (p: number): number => Math.log(Math.min(0.999, Math.max(0.001, p)) / (1 - Math.min(0.999, Math.max(0.001, p))));

/**
 * Profile log-likelihood at ED50 = t over finite slopes (warm-started from `from`), or the step at t when t lies
 * strictly between two recorded values and that is better.
 */
function profileAt(d: Data, t: number, from: Theta, splits: Float64Array): { ll: number; theta: Theta } {
  // The cut-off is compared to within 1e-8 of a log-likelihood unit: the inner fit need not go further.
  const fit = maximise(d, [from[0], from[1], t, from[3]], [0, 1, 3], 1e-8);
  let k = -1;
  for (let j = 0; j < d.x.length - 1; j++) if (d.x[j]! < t && t < d.x[j + 1]!) { k = j; break; }
  return { ll: k >= 0 ? Math.max(fit.ll, splits[k]!) : fit.ll, theta: fit.theta };
}

/**
 * Fits the 4PL of events/n on x (x ascending, distinct) by maximum likelihood, with the ED50's profile-likelihood
 * interval. Null when there are fewer than 3 values, no events or no non-events.
 * @example fitFourPl([1, 2, 3, 4, 5, 6], [50, 50, 50, 50, 50, 50], [1, 2, 10, 30, 38, 40])
 */
export function fitFourPl(x: readonly number[], n: readonly number[], events: readonly number[], options: FourPlOptions = {}): FourPlFit | null {
  const m = x.length;
  const tn = n.reduce((a, b) => a + b, 0);
  const te = events.reduce((a, b) => a + b, 0);
  if (m < 3 || te === 0 || te === tn) return null;
  const crit = normalQuantile(1 - (1 - (options.level ?? 0.95)) / 2) ** 2;
  const mean = x.reduce((s, v, i) => s + v * n[i]!, 0) / tn;
  const sd = Math.sqrt(x.reduce((s, v, i) => s + n[i]! * (v - mean) ** 2, 0) / tn) || 1;
  const d: Data = { x, n, e: events, betaCap: 1e3 / sd };
  const splits = splitLogliks(d);
  let ks = 0;
  for (let k = 1; k < m - 1; k++) if (splits[k]! > splits[ks]!) ks = k;
  const nBelow = n.slice(0, ks + 1).reduce((a, b) => a + b, 0);
  const eBelow = events.slice(0, ks + 1).reduce((a, b) => a + b, 0);
  const tStep = (x[ks]! + x[ks + 1]!) / 2;
  const base: [number, number] = [logitOf(eBelow / nBelow), logitOf((te - eBelow) / (tn - nBelow))];
  // Finite curves from the step's rates and middle, at a gentle and a steep slope; the better one is the curve fit.
  const curve = [1, 10]
    .map((s) => maximise(d, [base[0], base[1], tStep, Math.log(s / sd)], [0, 1, 2, 3]))
    .reduce((a, b) => (b.ll > a.ll ? b : a));
  const sharp = curve.theta[3] >= Math.log(d.betaCap) - 1e-6 || splits[ks]! >= curve.ll - 1e-9;
  const llMax = Math.max(curve.ll, splits[ks]!);
  const cut = llMax - crit / 2;
  const ed50 = sharp ? tStep : curve.theta[2];
  const from: Theta = sharp ? [base[0], base[1], tStep, Math.log(d.betaCap)] : curve.theta;
  let lower = ed50, upper = ed50;
  // Steps within the cut-off: their gaps, closed.
  for (let k = 0; k < m - 1; k++) {
    if (splits[k]! < cut) continue;
    lower = Math.min(lower, x[k]!);
    upper = Math.max(upper, x[k + 1]!);
  }
  const snap = options.snap === true;
  lower = Math.min(lower, profileEnd(d, ed50, from, splits, cut, -1, snap));
  upper = Math.max(upper, profileEnd(d, ed50, from, splits, cut, 1, snap));
  if (snap) {
    lower = x.reduce((a, v) => (v <= lower ? v : a), x[0]!);
    upper = x.reduceRight((a, v) => (v >= upper ? v : a), x[m - 1]!);
  }
  const th = sharp ? null : curve.theta;
  return {
    low: th === null ? expit(base[0]) : expit(th[0]),
    high: th === null ? expit(base[1]) : expit(th[1]),
    ed50,
    slope: th === null ? Infinity : Math.exp(th[3]),
    loglik: llMax,
    lower,
    upper,
    step: sharp ? [x[ks]!, x[ks + 1]!] : null,
  };
}

/**
 * Searches from the estimate over the recorded values and the midpoints between them (direction -1 or +1), at doubling
 * strides, for a point where the profile falls below the cut-off, then bisects for the crossing (the profile is taken
 * as falling monotonically away from the estimate between the two; steps elsewhere within the cut-off are counted by
 * the caller). The data's end when it never falls below.
 */
function profileEnd(d: Data, start: number, from: Theta, splits: Float64Array, cut: number, dir: -1 | 1, snap: boolean): number {
  const grid: number[] = [];
  for (let j = 0; j < d.x.length; j++) {
    grid.push(d.x[j]!);
    if (j + 1 < d.x.length) grid.push((d.x[j]! + d.x[j + 1]!) / 2);
  }
  const ahead = dir > 0 ? grid.filter((g) => g > start) : grid.filter((g) => g < start).reverse();
  if (ahead.length === 0) return start;
  let inside = start;
  let theta = from;
  let outside: number | null = null;
  let kin = -1, kout = -1;
  for (let k = 0, stride = 1; ; stride *= 2) {
    k = Math.min(k, ahead.length - 1);
    const p = profileAt(d, ahead[k]!, theta, splits);
    if (p.ll < cut) { outside = ahead[k]!; kout = k; break; }
    inside = ahead[k]!;
    kin = k;
    theta = p.theta;
    if (k >= ahead.length - 1) break;
    k += stride;
  }
  if (outside === null) return inside;
  // Snapped: bisect over the grid only, to adjacent grid points; the caller widens the end to the recorded value beyond.
  while (kout - kin > 1) {
    const km = (kin + kout) >> 1;
    const q = profileAt(d, ahead[km]!, theta, splits);
    if (q.ll >= cut) { kin = km; inside = ahead[km]!; theta = q.theta; } else { kout = km; outside = ahead[km]!; }
  }
  if (snap) return (inside + outside) / 2;
  const tol = 1e-7 * (Math.abs(d.x[d.x.length - 1]! - d.x[0]!) + 1e-12);
  let a = inside, b = outside;
  for (let it = 0; it < 60 && Math.abs(b - a) > tol; it++) {
    const mid = (a + b) / 2;
    const q = profileAt(d, mid, theta, splits);
    if (q.ll >= cut) { a = mid; theta = q.theta; } else b = mid;
  }
  return a;
}
