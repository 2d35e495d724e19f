// Distribution functions used by the stats module. jstat provides the special
// functions (incomplete beta and its inverse, erfc, normal quantile); nothing
// here re-implements them. jstat ships no types and no ESM entry, so it is
// loaded with createRequire and typed by the small interface below.
import { createRequire } from 'node:module';

interface JStatSubset {
  beta: { inv(p: number, a: number, b: number): number };
  ibeta(x: number, a: number, b: number): number;
  erfc(x: number): number;
  gammaln(x: number): number;
  normal: { inv(p: number, mean: number, sd: number): number };
  chisquare: { cdf(x: number, df: number): number };
  studentt: { inv(p: number, df: number): number; cdf(x: number, df: number): number };
  gamma: { inv(p: number, shape: number, scale: number): number; pdf(x: number, shape: number, scale: number): number };
  lowRegGamma(a: number, x: number): number;
}

const require = createRequire(import.meta.url);
const jStat = require('jstat') as JStatSubset;

/** Standard normal quantile. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normalQuantile: p must be in (0, 1), got ${p}`);
  return jStat.normal.inv(p, 0, 1);
}

/**
 * Two-sided p-value for a standard normal z, P(|Z| >= |z|). jstat computes
 * erfc as 1 - erf, so the result has ~1e-16 absolute error: p below ~1e-9
 * has fewer than 6 correct significant digits.
 */
export function normalTwoSidedP(z: number): number {
  return jStat.erfc(Math.abs(z) / Math.SQRT2);
}

/**
 * Upper tail P(X >= x) of chi-square with integer df, by the closed forms
 * (Poisson sum for even df, erfc plus half-integer terms for odd df). Even df
 * keeps relative precision for tiny p; odd df inherits erfc's ~1e-16 absolute
 * error. Non-integer df (or df > 400) falls back to 1 - jstat's cdf.
 */
export function chiSquareUpper(x: number, df: number): number {
  if (!(df > 0)) throw new Error(`chiSquareUpper: df must be positive, got ${df}`);
  if (!(x > 0)) return 1;
  if (!Number.isInteger(df) || df > 400) return Math.max(0, 1 - jStat.chisquare.cdf(x, df));
  const h = x / 2;
  if (df % 2 === 0) {
    let term = Math.exp(-h);
    let sum = term;
    for (let k = 1; k < df / 2; k++) {
      term *= h / k;
      sum += term;
    }
    return Math.min(1, sum);
  }
  let sum = jStat.erfc(Math.sqrt(h));
  // term_k = h^(k-1/2) e^-h / Gamma(k+1/2), k = 1..(df-1)/2
  let term = (Math.sqrt(h) * Math.exp(-h)) / (Math.sqrt(Math.PI) / 2);
  for (let k = 1; k <= (df - 1) / 2; k++) {
    sum += term;
    term *= h / (k + 0.5);
  }
  return Math.min(1, sum);
}

/** Beta quantile (jstat's inverse regularised incomplete beta). */
export function betaQuantile(p: number, a: number, b: number): number {
  return jStat.beta.inv(p, a, b);
}

/**
 * Binomial P(R <= r). Via jstat's incomplete beta; about 1e-8 relative
 * accuracy for n in the thousands, which is what jstat can give.
 */
export function binomialCdf(r: number, n: number, p: number): number {
  if (r < 0) return 0;
  if (r >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  return Math.min(1, Math.max(0, jStat.ibeta(1 - p, n - r, r + 1)));
}

/** Binomial P(R = r), from log-gamma. */
export function binomialPmf(r: number, n: number, p: number): number {
  if (r < 0 || r > n) return 0;
  if (p <= 0) return r === 0 ? 1 : 0;
  if (p >= 1) return r === n ? 1 : 0;
  const logC = jStat.gammaln(n + 1) - jStat.gammaln(r + 1) - jStat.gammaln(n - r + 1);
  return Math.exp(logC + r * Math.log(p) + (n - r) * Math.log1p(-p));
}

/** Student t quantile (jstat's inverse; about 1e-10 relative to R's qt). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new Error(`studentTQuantile: df must be positive, got ${df}`);
  return jStat.studentt.inv(p, df);
}

/** Student t CDF (jstat). */
export function studentTCdf(x: number, df: number): number {
  if (!(df > 0)) throw new Error(`studentTCdf: df must be positive, got ${df}`);
  return jStat.studentt.cdf(x, df);
}

/**
 * Gamma(shape, 1) quantile: jstat's inverse, polished by Newton steps on the regularised lower incomplete gamma
 * (jstat's own inverse alone is good to about 1e-7 relative).
 */
export function gammaQuantile(p: number, shape: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`gammaQuantile: p must be in (0, 1), got ${p}`);
  if (!(shape > 0)) throw new Error(`gammaQuantile: shape must be positive, got ${shape}`);
  let x = jStat.gamma.inv(p, shape, 1);
  for (let k = 0; k < 8 && x > 0; k++) {
    const d = jStat.gamma.pdf(x, shape, 1);
    if (!(d > 0)) break;
    const step = (jStat.lowRegGamma(shape, x) - p) / d;
    const next = Math.max(x / 2, x - step);
    if (Math.abs(next - x) <= 1e-15 * x) break;
    x = next;
  }
  return x;
}
