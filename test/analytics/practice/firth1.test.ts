// The implied thresholds' Firth fallback on grouped counts (analytics/practice/firth1.ts) agrees with the kit's Firth
// regression on the same data row by row (analytics/stats/firth.ts, itself checked against R logistf in
// test/fixtures/r/firth.json), with and without separation.
import { describe, expect, it } from 'vitest';
import { fitFirth1 } from '../../../analytics/practice/firth1.js';
import { fitLogistic1 } from '../../../analytics/practice/implied-thresholds.js';
import { firthLogistic } from '../../../analytics/stats/firth.js';

function rowsOf(x: number[], n: number[], e: number[]): { y: number[]; x: number[] } {
  const y: number[] = [];
  const xs: number[] = [];
  x.forEach((v, i) => {
    for (let k = 0; k < n[i]!; k++) {
      y.push(k < e[i]! ? 1 : 0);
      xs.push(v);
    }
  });
  return { y, x: xs };
}

const CASES: [string, number[], number[], number[]][] = [
  ['complete separation', [-3, -2, -1, 0, 1, 2, 3], [6, 5, 7, 4, 5, 6, 3], [0, 0, 0, 0, 5, 6, 3]],
  ['quasi-complete separation', [1, 2, 3, 4, 5], [4, 4, 6, 4, 4], [0, 0, 3, 4, 4]],
  ['overlap (ML exists too)', [1, 2, 3, 4, 5, 6], [10, 12, 9, 11, 10, 8], [1, 2, 4, 6, 8, 7]],
];

describe('fitFirth1 (grouped) = firthLogistic (rows)', () => {
  it.each(CASES)('%s', (_, x, n, e) => {
    const g = fitFirth1(x, n, e)!;
    const r = rowsOf(x, n, e);
    const ref = firthLogistic({ y: r.y, covariates: { x: r.x } }, { profile: false });
    const [b0, b1] = ref.terms.map((t) => t.estimate);
    const [s0, s1] = ref.terms.map((t) => t.stdErr);
    expect(g.b0).toBeCloseTo(b0!, 6);
    expect(g.b1).toBeCloseTo(b1!, 6);
    expect(Math.sqrt(g.v00)).toBeCloseTo(s0!, 5);
    expect(Math.sqrt(g.v11)).toBeCloseTo(s1!, 5);
  });
  it('is the fallback only where maximum likelihood has no estimate', () => {
    expect(fitLogistic1(CASES[0]![1], CASES[0]![2], CASES[0]![3])).toBeNull();
    expect(fitLogistic1(CASES[1]![1], CASES[1]![2], CASES[1]![3])).toBeNull();
    expect(fitLogistic1(CASES[2]![1], CASES[2]![2], CASES[2]![3])).not.toBeNull();
  });
  it('no events, or no variation: nothing to fit', () => {
    expect(fitFirth1([1, 2], [5, 5], [0, 0])).toBeNull();
    expect(fitFirth1([1], [5], [2])).toBeNull();
  });
});
