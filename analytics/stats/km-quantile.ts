// Quantiles of a Kaplan-Meier curve (the median survival and its interval), as
// survival's quantile.survfit: the quantile is where 1 - S(t) first reaches p,
// the midpoint of a flat stretch at exactly p; the interval reads the same off
// the pointwise log-scale limits.
import type { KaplanMeierCurve } from './kaplan-meier.js';

export interface SurvivalQuantile {
  /** Probability of the event by that time (0.5 for the median). */
  p: number;
  /** null when the curve never reaches 1 - p ("not reached"). */
  quantile: number | null;
  lower: number | null;
  upper: number | null;
}

const TOL = Math.sqrt(2.220446049250313e-16);

/** survival's findq: x = [0, times…], y = [0, 1 - S…] with nulls where the limit is undefined. */
function findQ(x: readonly number[], y: readonly (number | null)[], p: number): number | null {
  const finite = y.filter((v): v is number => v !== null);
  if (finite.length === 0 || Math.max(...finite) < p) return null;
  const xmax = x[x.length - 1]!;
  const keptX: number[] = [];
  const keptY: (number | null)[] = [];
  const seen = new Set<number | null>();
  y.forEach((v, i) => {
    if (seen.has(v)) return;
    seen.add(v);
    keptX.push(x[i]!);
    keptY.push(v);
  });
  // approx(y ± tol, 1:n, p, "constant", f = 1) drops null pairs, sorts by y and returns the index of the smallest
  // y reaching p. The limit curves need not be monotone, so this is the smallest value, not the first index.
  const firstAtLeast = (shift: number): number | null => {
    let best: number | null = null;
    keptY.forEach((v, j) => {
      if (v !== null && v + shift >= p && (best === null || v < keptY[best]!)) best = j;
    });
    return best;
  };
  const i1 = firstAtLeast(TOL);
  const i2 = firstAtLeast(-TOL);
  if (p === 0) return keptX[0]!;
  const last = keptY[keptY.length - 1];
  if (last !== null && last !== undefined && Math.abs(p - last) < TOL && i1 !== null) return (keptX[i1]! + xmax) / 2;
  if (i1 === null || i2 === null) return null;
  return (keptX[i1]! + keptX[i2]!) / 2;
}

/**
 * Time by which a share p of subjects had the event, with its interval (p = 0.5: median survival).
 * null means not reached. Matches `quantile(survfit(...), probs = p)`.
 * @example survivalQuantile(kaplanMeier({ time: [1, 2, 3], event: [1, 1, 0] })).quantile // 2
 */
export function survivalQuantile(curve: KaplanMeierCurve, p = 0.5): SurvivalQuantile {
  if (!(p >= 0 && p <= 1)) throw new Error(`survivalQuantile: p must be in [0, 1], got ${p}`);
  const x = [0, ...curve.time];
  const oneMinus = (v: number | null): number | null => (v === null ? null : 1 - v);
  return {
    p,
    quantile: findQ(x, [0, ...curve.survival.map((s) => 1 - s)], p),
    // The lower curve reaches 1 - p first, so it gives the lower limit of the time.
    lower: findQ(x, [0, ...curve.lower.map(oneMinus)], p),
    upper: findQ(x, [0, ...curve.upper.map(oneMinus)], p),
  };
}
