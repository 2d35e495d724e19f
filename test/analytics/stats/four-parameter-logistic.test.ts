// The four-parameter logistic against R (scripts/r/make-fixtures-4pl.R: optim on the same binomial likelihood, ED50
// profile-likelihood interval by uniroot; test/fixtures/r/four-pl.json), and the sharp step (the slope's limit) against
// the brute-force two-rate splits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitFourPl } from '../../../analytics/stats/four-parameter-logistic.js';

interface Case { x: number[]; n: number[]; e: number[]; low: number; high: number; ed50: number; slope: number; loglik: number; lower: number; upper: number }
interface StepCase { x: number[]; n: number[]; e: number[]; loglik: number; gap: [number, number]; lower: number; upper: number }
const fx = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'r', 'four-pl.json'), 'utf8')) as {
  gradual_up: Case; gradual_down: Case; step_up: StepCase;
};
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-12, Math.abs(b));

describe('fitFourPl = R optim on the 4PL binomial likelihood', () => {
  it.each(['gradual_up', 'gradual_down'] as const)('%s: estimates, log-likelihood and profile interval', (name) => {
    const r = fx[name];
    const f = fitFourPl(r.x, r.n, r.e)!;
    expect(f.step).toBeNull();
    expect(f.loglik).toBeCloseTo(r.loglik, 6);
    expect(rel(f.ed50, r.ed50)).toBeLessThan(1e-5);
    expect(rel(f.slope, r.slope)).toBeLessThan(1e-3);
    expect(Math.abs(f.low - r.low)).toBeLessThan(1e-5);
    expect(Math.abs(f.high - r.high)).toBeLessThan(1e-5);
    expect(rel(f.lower, r.lower)).toBeLessThan(1e-5);
    expect(rel(f.upper, r.upper)).toBeLessThan(1e-5);
  });
  it('a sharp step: the supremum is the best split, the ED50 its gap, the interval the hull of the splits within the cut-off', () => {
    const r = fx.step_up;
    const f = fitFourPl(r.x, r.n, r.e)!;
    expect(f.slope).toBe(Infinity);
    expect(f.step).toEqual(r.gap);
    expect(f.loglik).toBeCloseTo(r.loglik, 8);
    expect(f.ed50).toBeCloseTo((r.gap[0] + r.gap[1]) / 2, 12);
    expect(f.lower).toBeCloseTo(r.lower, 12);
    expect(f.upper).toBeCloseTo(r.upper, 12);
    // The edge the data were made with (held at ≥ 2.5) lies inside the interval.
    expect(f.lower).toBeLessThanOrEqual(2.5);
    expect(f.upper).toBeGreaterThanOrEqual(2.5);
  });
  it('the ED50 is half-way between floor and ceiling: a ceiling of 0.7 does not move it, as it moves a 0-to-1 logistic', () => {
    const r = fx.gradual_up;
    const f = fitFourPl(r.x, r.n, r.e)!;
    expect(Math.abs(f.ed50 - 120)).toBeLessThan(0.5);
    expect(f.lower).toBeLessThanOrEqual(120);
    expect(f.upper).toBeGreaterThanOrEqual(120);
  });
  it.each(['gradual_up', 'gradual_down', 'step_up'] as const)('%s, snapped: the exact interval widened to the recorded values either side', (name) => {
    const r = fx[name];
    const exact = fitFourPl(r.x, r.n, r.e)!;
    const snapped = fitFourPl(r.x, r.n, r.e, { snap: true })!;
    expect(snapped.ed50).toBe(exact.ed50);
    expect(snapped.lower).toBe(r.x.filter((v) => v <= exact.lower).at(-1));
    expect(snapped.upper).toBe(r.x.find((v) => v >= exact.upper));
  });
  it('null without events, without non-events, or with under 3 values', () => {
    expect(fitFourPl([1, 2, 3], [5, 5, 5], [0, 0, 0])).toBeNull();
    expect(fitFourPl([1, 2, 3], [5, 5, 5], [5, 5, 5])).toBeNull();
    expect(fitFourPl([1, 2], [5, 5], [0, 5])).toBeNull();
  });
});
