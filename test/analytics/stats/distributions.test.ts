import { afterAll, describe, expect, it } from 'vitest';
import { binomialCdf, binomialPmf, chiSquareUpper, normalQuantile, normalTwoSidedP } from '../../../analytics/stats/index.js';
import { expectClose, loadFixture, reportMaxRel } from './r-fixtures.js';

interface DistFixture {
  chisq: { x: number[]; df: number[]; upper: number[] };
  normal: { z: number[]; twoSided: number[] };
  qnorm: { p: number[]; q: number[] };
}
const fx = loadFixture<DistFixture>('distributions');
afterAll(reportMaxRel);

describe('distribution helpers against R', () => {
  // jstat's erfc is computed as 1 - erf, so tail probabilities carry ~1e-15 absolute error.
  it('chi-square upper tail matches pchisq(lower.tail = FALSE)', () => {
    fx.chisq.x.forEach((x, i) => expectClose('pchisq upper', chiSquareUpper(x, fx.chisq.df[i]!), fx.chisq.upper[i]!, 1e-6, 1e-14, `x=${x} df=${fx.chisq.df[i]}`));
  });
  it('two-sided normal p matches 2 * pnorm(-|z|)', () => {
    fx.normal.z.forEach((z, i) => expectClose('2*pnorm', normalTwoSidedP(z), fx.normal.twoSided[i]!, 1e-6, 1e-14, `z=${z}`));
  });
  it('normal quantile matches qnorm', () => {
    fx.qnorm.p.forEach((p, i) => expectClose('qnorm', normalQuantile(p), fx.qnorm.q[i]!, 1e-9, 1e-14, `p=${p}`));
  });
  it('chi-square of 0 has p = 1; bad df throws', () => {
    expect(chiSquareUpper(0, 3)).toBe(1);
    expect(() => chiSquareUpper(1, 0)).toThrow(/df must be positive/);
    expect(() => normalQuantile(1)).toThrow(/\(0, 1\)/);
  });
  it('binomial pmf sums to the cdf (to jstat incomplete-beta accuracy, ~1e-9)', () => {
    let s = 0;
    for (let r = 0; r <= 7; r++) s += binomialPmf(r, 20, 0.3);
    expect(binomialCdf(7, 20, 0.3)).toBeCloseTo(s, 8);
    expect(binomialCdf(-1, 20, 0.3)).toBe(0);
    expect(binomialCdf(20, 20, 0.3)).toBe(1);
  });
});
