// Cohen's kappa for two raters and two categories, with the large-sample standard error of Fleiss, Cohen & Everitt (1969).
import { normalQuantile } from '../stats/distributions.js';

export interface KappaResult {
  n: number;
  agreement: number;
  expected: number;
  kappa: number;
  stdErr: number;
  lower: number;
  upper: number;
  level: number;
}

/**
 * Kappa from a 2×2 table: a = both yes, b = rater 1 yes / rater 2 no, c = rater 1 no / rater 2 yes, d = both no.
 * Returns null when n = 0 or expected agreement is 1 (kappa undefined).
 * @example cohenKappa(40, 10, 5, 45).kappa
 */
export function cohenKappa(a: number, b: number, c: number, d: number, level = 0.95): KappaResult | null {
  const n = a + b + c + d;
  if (n === 0) return null;
  const p = [[a / n, b / n], [c / n, d / n]] as const;
  const row = [p[0][0] + p[0][1], p[1][0] + p[1][1]] as const;
  const col = [p[0][0] + p[1][0], p[0][1] + p[1][1]] as const;
  const po = p[0][0] + p[1][1];
  const pe = row[0] * col[0] + row[1] * col[1];
  if (pe >= 1) return null;
  const kappa = (po - pe) / (1 - pe);
  let s = 0;
  for (let i = 0; i < 2; i++) {
    // Large-sample variance of Fleiss, Cohen & Everitt (1969): A = Σ p_ii [1 − (p_i. + p_.i)(1 − κ)]².
    s += p[i]![i]! * (1 - (row[i]! + col[i]!) * (1 - kappa)) ** 2;
    for (let j = 0; j < 2; j++) if (i !== j) s += (1 - kappa) ** 2 * p[i]![j]! * (col[i]! + row[j]!) ** 2;
  }
  s -= (kappa - pe * (1 - kappa)) ** 2;
  const stdErr = Math.sqrt(Math.max(0, s) / (n * (1 - pe) ** 2));
  const z = normalQuantile(1 - (1 - level) / 2);
  return { n, agreement: po, expected: pe, kappa, stdErr, lower: kappa - z * stdErr, upper: kappa + z * stdErr, level };
}
