// DerSimonian-Laird random-effects pooling, as metafor::rma(method = "DL"),
// and the effect sizes it is usually fed (metafor::escalc "RR" and "OR").
// Knapp-Hartung adjustment, other tau^2 estimators and the SE of tau^2 are
// not implemented.
import { chiSquareUpper, normalQuantile, normalTwoSidedP } from './distributions.js';
import { checkFiniteArray, checkLevel, checkSameLength } from './validate.js';

export interface MetaInput {
  /** Effect estimates on an additive scale (e.g. log risk ratios). */
  yi: readonly number[];
  /** Their sampling variances (> 0). */
  vi: readonly number[];
}

export interface DerSimonianLairdResult {
  method: 'DL';
  k: number;
  level: number;
  /** Pooled random-effects estimate. */
  estimate: number;
  stdErr: number;
  lower: number;
  upper: number;
  z: number;
  pValue: number;
  /** Between-study variance (method of moments, truncated at 0). */
  tau2: number;
  tau: number;
  /** Cochran's Q and its df (k - 1) and p; with k = 1, Q = 0, df = 0, p = 1. */
  Q: number;
  df: number;
  pQ: number;
  /** I^2 in percent, as metafor: 100 tau2 / (tau2 + s2) with s2 the typical within-study variance; 0 when k = 1. */
  I2: number;
  /** (tau2 + s2) / s2; 1 when k = 1. */
  H2: number;
  /** Random-effects weights in percent, summing to 100. */
  weights: number[];
}

/** DerSimonian-Laird random-effects meta-analysis. One study gives that study back (tau2 = 0, Q = 0). */
export function derSimonianLaird(input: MetaInput, options: { level?: number } = {}): DerSimonianLairdResult {
  const fn = 'derSimonianLaird';
  const level = options.level ?? 0.95;
  checkLevel(fn, level);
  const k = checkSameLength(fn, { yi: input.yi, vi: input.vi });
  checkFiniteArray(fn, 'yi', input.yi);
  checkFiniteArray(fn, 'vi', input.vi);
  if (k === 0) throw new Error(`${fn}: no studies to pool (yi is empty)`);
  input.vi.forEach((v, i) => {
    if (!(v > 0)) throw new Error(`${fn}: vi[${i}] is ${v}; sampling variances must be > 0 (add a continuity correction for zero cells)`);
  });
  const w = input.vi.map((v) => 1 / v);
  const sw = w.reduce((a, b) => a + b, 0);
  const sw2 = w.reduce((a, b) => a + b * b, 0);
  const fixed = input.yi.reduce((s, y, i) => s + w[i]! * y, 0) / sw;
  const Q = input.yi.reduce((s, y, i) => s + w[i]! * (y - fixed) ** 2, 0);
  const df = k - 1;
  const c = sw - sw2 / sw;
  const tau2 = k > 1 && c > 0 ? Math.max(0, (Q - df) / c) : 0;
  const ws = input.vi.map((v) => 1 / (v + tau2));
  const sws = ws.reduce((a, b) => a + b, 0);
  const estimate = input.yi.reduce((s, y, i) => s + ws[i]! * y, 0) / sws;
  const stdErr = Math.sqrt(1 / sws);
  const zq = normalQuantile(1 - (1 - level) / 2);
  const s2 = k > 1 ? (df * sw) / (sw * sw - sw2) : 0;
  const I2 = k > 1 && tau2 + s2 > 0 ? (100 * tau2) / (tau2 + s2) : 0;
  const H2 = k > 1 && s2 > 0 ? (tau2 + s2) / s2 : 1;
  return {
    method: 'DL',
    k,
    level,
    estimate,
    stdErr,
    lower: estimate - zq * stdErr,
    upper: estimate + zq * stdErr,
    z: estimate / stdErr,
    pValue: normalTwoSidedP(estimate / stdErr),
    tau2,
    tau: Math.sqrt(tau2),
    Q,
    df,
    pQ: df > 0 ? chiSquareUpper(Q, df) : 1,
    I2,
    H2,
    weights: ws.map((x) => (100 * x) / sws),
  };
}

/** 2x2 counts per study: ai/bi events/non-events in the treated arm, ci/di in the control arm. */
export interface TwoByTwo {
  ai: readonly number[];
  bi: readonly number[];
  ci: readonly number[];
  di: readonly number[];
}

export interface EffectSizes {
  yi: number[];
  vi: number[];
  /** Indices of studies that received the continuity correction. */
  corrected: number[];
}

function prepare(fn: string, t: TwoByTwo, add: number): { cells: number[][]; corrected: number[] } {
  const k = checkSameLength(fn, { ai: t.ai, bi: t.bi, ci: t.ci, di: t.di });
  for (const [name, col] of Object.entries(t) as [string, readonly number[]][]) {
    checkFiniteArray(fn, name, col);
    col.forEach((v, i) => {
      if (v < 0) throw new Error(`${fn}: ${name}[${i}] is ${v}; counts must be >= 0`);
    });
  }
  for (let i = 0; i < k; i++) {
    if (t.ai[i]! + t.bi[i]! === 0 || t.ci[i]! + t.di[i]! === 0) throw new Error(`${fn}: study ${i} has an arm with no subjects; drop it`);
  }
  const corrected: number[] = [];
  const cells = Array.from({ length: k }, (_, i) => {
    const c = [t.ai[i]!, t.bi[i]!, t.ci[i]!, t.di[i]!];
    if (c.some((v) => v === 0)) {
      corrected.push(i);
      return c.map((v) => v + add);
    }
    return c;
  });
  cells.forEach((c, i) => {
    if (c.some((v) => v === 0)) throw new Error(`${fn}: study ${i} has a zero cell and add = 0, so its variance is infinite; use add > 0 or drop it`);
  });
  return { cells, corrected };
}

/**
 * Log risk ratios and variances, as escalc(measure = "RR") with its defaults:
 * add 0.5 to every cell of a study with a zero cell (to = "only0"), studies
 * with no events in either arm kept (drop00 = FALSE).
 */
export function logRiskRatio(t: TwoByTwo, options: { add?: number } = {}): EffectSizes {
  const { cells, corrected } = prepare('logRiskRatio', t, options.add ?? 0.5);
  return {
    yi: cells.map(([a, b, c, d]) => Math.log(a! / (a! + b!)) - Math.log(c! / (c! + d!))),
    vi: cells.map(([a, b, c, d]) => 1 / a! - 1 / (a! + b!) + 1 / c! - 1 / (c! + d!)),
    corrected,
  };
}

/** Log odds ratios and variances, as escalc(measure = "OR") with the same zero-cell rule. */
export function logOddsRatio(t: TwoByTwo, options: { add?: number } = {}): EffectSizes {
  const { cells, corrected } = prepare('logOddsRatio', t, options.add ?? 0.5);
  return {
    yi: cells.map(([a, b, c, d]) => Math.log((a! * d!) / (b! * c!))),
    vi: cells.map(([a, b, c, d]) => 1 / a! + 1 / b! + 1 / c! + 1 / d!),
    corrected,
  };
}
