import { afterAll, describe, expect, it } from 'vitest';
import { clopperPearsonInterval, wilsonInterval } from '../../../analytics/stats/index.js';
import { expectClose, loadFixture, reportMaxRel } from './r-fixtures.js';

interface Bounds {
  lower: number;
  upper: number;
}
interface BinomCase {
  x: number;
  n: number;
  conf95: { exact: Bounds; wilson: Bounds; wilsonFormula: Bounds };
  conf998: { exact: Bounds; wilson: Bounds; wilsonFormula: Bounds };
}
const fx = loadFixture<{ cases: BinomCase[] }>('binomial');
afterAll(reportMaxRel);

describe('binomial intervals against R', () => {
  for (const c of fx.cases) {
    for (const [key, level] of [['conf95', 0.95], ['conf998', 0.998]] as const) {
      it(`x=${c.x}, n=${c.n}, level ${level}`, () => {
        const ref = c[key];
        const cp = clopperPearsonInterval(c.x, c.n, level);
        expectClose('Clopper-Pearson (binom.test)', cp.lower, ref.exact.lower, 1e-6, 1e-12, 'lower');
        expectClose('Clopper-Pearson (binom.test)', cp.upper, ref.exact.upper, 1e-6, 1e-12, 'upper');
        const w = wilsonInterval(c.x, c.n, level);
        expectClose('Wilson (prop.test correct=FALSE)', w.lower, ref.wilson.lower, 1e-6, 1e-12, 'lower');
        expectClose('Wilson (prop.test correct=FALSE)', w.upper, ref.wilson.upper, 1e-6, 1e-12, 'upper');
        expect(w.estimate).toBe(c.x / c.n);
      });
    }
  }
});

describe('binomial interval edge cases', () => {
  it('no events: lower bound is exactly 0, upper from the beta quantile', () => {
    expect(clopperPearsonInterval(0, 10).lower).toBe(0);
    expect(wilsonInterval(0, 10).lower).toBe(0);
    // Rule of three-ish: exact upper for 0/10 is 1 - 0.025^(1/10).
    expect(clopperPearsonInterval(0, 10).upper).toBeCloseTo(1 - 0.025 ** (1 / 10), 10);
  });
  it('all events: upper bound is exactly 1', () => {
    expect(clopperPearsonInterval(10, 10).upper).toBe(1);
    expect(wilsonInterval(10, 10).upper).toBe(1);
  });
  it('single subject gives a wide but defined interval', () => {
    const w = clopperPearsonInterval(1, 1);
    expect(w.lower).toBeCloseTo(0.025, 12);
    expect(w.upper).toBe(1);
  });
  it('n = 0 throws with a clear message', () => {
    expect(() => wilsonInterval(0, 0)).toThrow(/n is 0/);
    expect(() => clopperPearsonInterval(0, 0)).toThrow(/n is 0/);
  });
  it('rejects x > n, fractional counts and bad levels', () => {
    expect(() => wilsonInterval(3, 2)).toThrow(/x must be an integer from 0 to n = 2/);
    expect(() => clopperPearsonInterval(1.5, 4)).toThrow(/x must be an integer/);
    expect(() => wilsonInterval(1, 4, 95)).toThrow(/level must be in \(0, 1\)/);
  });
});
