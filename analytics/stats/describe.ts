// Numeric summaries as R computes them: quantile(type = 7), mean, sd and the
// t interval of the mean (t.test(x)$conf.int).
import { studentTQuantile } from './distributions.js';
import { checkFiniteArray, checkLevel } from './validate.js';

/** Sample quantile by linear interpolation between order statistics (R's default, type 7). `sorted` must be ascending and non-empty. */
export function quantileType7(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantileType7: no values');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantileType7: q must be in [0, 1], got ${q}`);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return a + (h - lo) * (b - a);
}

export interface NumericSummary {
  n: number;
  mean: number;
  /** Sample SD (n - 1 denominator); null when n < 2. */
  sd: number | null;
  /** t interval of the mean at `level`; null when n < 2 or sd = 0 gives no spread (then both ends equal the mean). */
  meanLower: number | null;
  meanUpper: number | null;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

/**
 * Summary of a non-empty numeric sample, as R's mean, sd, quantile(type = 7)
 * and t.test(x, conf.level = level)$conf.int. Throws on an empty or non-finite sample.
 */
export function describeNumeric(values: readonly number[], options: { level?: number } = {}): NumericSummary {
  const fn = 'describeNumeric';
  const level = options.level ?? 0.95;
  checkLevel(fn, level);
  checkFiniteArray(fn, 'values', values);
  const n = values.length;
  if (n === 0) throw new Error(`${fn}: no values to summarise; leave the group out instead`);
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : null;
  let meanLower: number | null = null;
  let meanUpper: number | null = null;
  if (sd !== null) {
    const half = studentTQuantile(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n));
    meanLower = mean - half;
    meanUpper = mean + half;
  }
  return {
    n,
    mean,
    sd,
    meanLower,
    meanUpper,
    min: sorted[0]!,
    q1: quantileType7(sorted, 0.25),
    median: quantileType7(sorted, 0.5),
    q3: quantileType7(sorted, 0.75),
    max: sorted[n - 1]!,
  };
}

/** A summary's columns as the analyses' rows name them (mean … max, in that order). */
export function summaryColumns(s: NumericSummary) {
  return { mean: s.mean, sd: s.sd, mean_lower: s.meanLower, mean_upper: s.meanUpper, min: s.min, q1: s.q1, median: s.median, q3: s.q3, max: s.max };
}
