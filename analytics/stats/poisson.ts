// Exact (Garwood) confidence interval for a Poisson rate x / exposure, as R's poisson.test(x, T)$conf.int.
import { gammaQuantile } from './distributions.js';
import { checkLevel } from './validate.js';

export interface PoissonInterval {
  method: 'exact-poisson';
  /** Number of events. */
  x: number;
  /** Exposure (person-time, patients, courses…) the rate is per. */
  exposure: number;
  level: number;
  /** x / exposure. */
  estimate: number;
  lower: number;
  upper: number;
}

/**
 * Exact Poisson interval for a rate: lower = Gamma quantile (α/2, x) / T, upper = Gamma quantile (1 − α/2, x + 1) / T.
 * x = 0 gives lower 0. Matches `poisson.test(x, T)$conf.int`.
 * @example poissonExactInterval(3, 57.5) // rate 0.052 per unit, 95% 0.011 to 0.152
 */
export function poissonExactInterval(x: number, exposure: number, level = 0.95): PoissonInterval {
  const fn = 'poissonExactInterval';
  checkLevel(fn, level);
  if (!Number.isInteger(x) || x < 0) throw new Error(`${fn}: x must be a non-negative integer count, got ${x}`);
  if (!(exposure > 0) || !Number.isFinite(exposure)) {
    throw new Error(`${fn}: exposure must be a positive number, got ${exposure}; a unit with no exposure has no rate, report it as having no data`);
  }
  const a = (1 - level) / 2;
  return {
    method: 'exact-poisson',
    x,
    exposure,
    level,
    estimate: x / exposure,
    lower: x === 0 ? 0 : gammaQuantile(a, x) / exposure,
    upper: gammaQuantile(1 - a, x + 1) / exposure,
  };
}
