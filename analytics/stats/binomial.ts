// Confidence intervals for a binomial proportion x/n.
import { betaQuantile, normalQuantile } from './distributions.js';
import { checkLevel } from './validate.js';

export interface BinomialInterval {
  method: 'wilson' | 'clopper-pearson';
  /** Number of events. */
  x: number;
  /** Number of trials. */
  n: number;
  /** Two-sided confidence level, e.g. 0.95. */
  level: number;
  /** x / n. */
  estimate: number;
  lower: number;
  upper: number;
}

function checkCounts(fn: string, x: number, n: number, level: number): void {
  checkLevel(fn, level);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${fn}: n must be a non-negative integer, got ${n}`);
  if (n === 0) throw new Error(`${fn}: n is 0, so there is no proportion to estimate; report the unit as having no data instead`);
  if (!Number.isInteger(x) || x < 0 || x > n) throw new Error(`${fn}: x must be an integer from 0 to n = ${n}, got ${x}`);
}

/**
 * Wilson score interval (no continuity correction), as R's
 * `prop.test(x, n, correct = FALSE)$conf.int`.
 */
export function wilsonInterval(x: number, n: number, level = 0.95): BinomialInterval {
  checkCounts('wilsonInterval', x, n, level);
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = x / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n))) / (1 + z2n);
  return {
    method: 'wilson',
    x,
    n,
    level,
    estimate: p,
    lower: x === 0 ? 0 : Math.max(0, centre - half),
    upper: x === n ? 1 : Math.min(1, centre + half),
  };
}

/**
 * Exact (Clopper-Pearson) interval from beta quantiles, as R's
 * `binom.test(x, n)$conf.int`. Accuracy is that of jstat's beta inverse
 * (about 1e-10 relative).
 */
export function clopperPearsonInterval(x: number, n: number, level = 0.95): BinomialInterval {
  checkCounts('clopperPearsonInterval', x, n, level);
  const a = (1 - level) / 2;
  return {
    method: 'clopper-pearson',
    x,
    n,
    level,
    estimate: x / n,
    lower: x === 0 ? 0 : betaQuantile(a, x, n - x + 1),
    upper: x === n ? 1 : betaQuantile(1 - a, x + 1, n - x),
  };
}
