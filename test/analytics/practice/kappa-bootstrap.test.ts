// The analytic standard error of kappa against a seeded bootstrap of the same table: an
// independent check of the variance formula (an earlier version had the diagonal term wrong).
import { describe, expect, it } from 'vitest';
import { cohenKappa } from '../../../analytics/practice/kappa.js';
import { mulberry32 } from '../../helpers/random.js';

function bootstrapSe(cells: [number, number, number, number], reps: number, seed: number): number {
  const n = cells.reduce((x, y) => x + y, 0);
  const cum = cells.map((_, i) => cells.slice(0, i + 1).reduce((x, y) => x + y, 0) / n);
  const rnd = mulberry32(seed);
  const ks: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t: [number, number, number, number] = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const u = rnd();
      const cell = cum.findIndex((c) => u < c) as 0 | 1 | 2 | 3;
      t[cell] += 1;
    }
    const k = cohenKappa(...t);
    if (k) ks.push(k.kappa);
  }
  const m = ks.reduce((x, y) => x + y, 0) / ks.length;
  return Math.sqrt(ks.reduce((x, y) => x + (y - m) ** 2, 0) / (ks.length - 1));
}

describe('kappa standard error', () => {
  it.each([
    [[20, 5, 10, 15], 1],
    [[180, 12, 9, 300], 2],
    [[400, 8, 30, 900], 3],
  ] as [[number, number, number, number], number][])('matches a 4,000-resample bootstrap for %j', (cells, seed) => {
    const k = cohenKappa(...cells)!;
    expect(k.stdErr).toBeGreaterThan(0);
    expect(Math.abs(k.stdErr / bootstrapSe(cells, 4000, seed) - 1)).toBeLessThan(0.1);
  });
});
