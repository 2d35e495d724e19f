import { afterAll, describe, expect, it } from 'vitest';
import { binomialLimit, funnelLimits, funnelPlot } from '../../../analytics/stats/index.js';
import { expectAllClose, expectClose, expectNoNaN, loadFixture, reportMaxRel } from './r-fixtures.js';

interface Fixture {
  limits: { target: number; n: number[]; lower95: number[]; upper95: number[]; lower998: number[]; upper998: number[] }[];
  overdispersion: {
    events: number[];
    n: number[];
    target: number;
    z: number[];
    winsorisedZ: number[];
    phi: number;
    lower95: number[];
    upper95: number[];
    lower998: number[];
    upper998: number[];
  };
}
const fx = loadFixture<Fixture>('funnel');
afterAll(reportMaxRel);

describe('exact binomial funnel limits against the formula evaluated with R qbinom/pbinom', () => {
  for (const ref of fx.limits) {
    it(`target ${ref.target}`, () => {
      const f = funnelLimits(ref.target, ref.n);
      expect(f.phi).toBe(1);
      const [b95, b998] = f.bands;
      expectAllClose('funnel exact limits', b95!.lower, ref.lower95, 1e-6, 1e-12, 'lower95');
      expectAllClose('funnel exact limits', b95!.upper, ref.upper95, 1e-6, 1e-12, 'upper95');
      expectAllClose('funnel exact limits', b998!.lower, ref.lower998, 1e-6, 1e-12, 'lower998');
      expectAllClose('funnel exact limits', b998!.upper, ref.upper998, 1e-6, 1e-12, 'upper998');
    });
  }
});

describe('over-dispersed funnel (winsorised phi)', () => {
  const od = fx.overdispersion;
  it('z-scores, winsorised z, phi and widened limits', () => {
    const r = funnelPlot({ events: od.events, n: od.n }, { overdispersion: true });
    expect(r.targetSource).toBe('pooled');
    expectClose('funnel phi and z', r.target, od.target);
    expectAllClose('funnel phi and z', r.units.map((u) => u.z), od.z);
    expectAllClose('funnel phi and z', r.units.map((u) => u.winsorisedZ), od.winsorisedZ);
    expectClose('funnel phi and z', r.phi, od.phi);
    expect(r.phi).toBeGreaterThan(1);
    expect(r.overdispersionApplied).toBe(true);
    expectAllClose('funnel over-dispersed limits', r.units.map((u) => u.limits[0]!.lower), od.lower95);
    expectAllClose('funnel over-dispersed limits', r.units.map((u) => u.limits[0]!.upper), od.upper95);
    expectAllClose('funnel over-dispersed limits', r.units.map((u) => u.limits[1]!.lower), od.lower998);
    expectAllClose('funnel over-dispersed limits', r.units.map((u) => u.limits[1]!.upper), od.upper998);
  });
  it('without the option the same data get exact limits and phi is still reported', () => {
    const r = funnelPlot({ events: od.events, n: od.n });
    expect(r.overdispersionApplied).toBe(false);
    expectClose('funnel phi and z', r.phi, od.phi);
    r.units.forEach((u) => expect(u.limits[0]!.upper).toBe(binomialLimit(r.target, u.n, 0.975)));
  });
});

describe('funnel edge cases', () => {
  it('zero-count units are placed, with lower limits clamped at 0', () => {
    const r = funnelPlot({ events: [0, 0, 5, 12], n: [8, 30, 40, 60], label: ['A', 'B', 'C', 'D'] });
    expect(r.units[0]!.proportion).toBe(0);
    expect(r.units[0]!.limits[0]!.lower).toBe(0);
    expect(r.units[0]!.limits[0]!.position).toBe('within');
    expect(r.units[1]!.label).toBe('B');
    expectNoNaN(r);
  });
  it('a single-case unit: lower limit clamped at 0, upper interpolated (R formula gives 0.99)', () => {
    expect(binomialLimit(0.1, 1, 0.001)).toBe(0);
    expect(binomialLimit(0.1, 1, 0.999)).toBeCloseTo(0.99, 12);
  });
  it('no events anywhere: the pooled target is 0 and the call explains how to proceed', () => {
    expect(() => funnelPlot({ events: [0, 0], n: [10, 20] })).toThrow(/no events in any unit.*give options.target/);
    const r = funnelPlot({ events: [0, 0], n: [10, 20] }, { target: 0.05 });
    expect(r.units.every((u) => u.limits.every((l) => l.position === 'within'))).toBe(true);
  });
  it('every case an event throws the same way', () => {
    expect(() => funnelPlot({ events: [10, 20], n: [10, 20] })).toThrow(/every case is an event/);
  });
  it('a unit with n = 0 throws; events above n throw', () => {
    expect(() => funnelPlot({ events: [0, 1], n: [0, 10] })).toThrow(/n\[0\] is 0/);
    expect(() => funnelPlot({ events: [11], n: [10] })).toThrow(/events\[0\] is 11/);
    expect(() => funnelLimits(0, [10])).toThrow(/strictly between 0 and 1/);
    expect(() => funnelPlot({ events: [], n: [] })).toThrow(/no units/);
  });
  it('one unit: phi from its own z-score, limits defined', () => {
    const r = funnelPlot({ events: [3], n: [20] }, { target: 0.1, overdispersion: true });
    expect(r.units).toHaveLength(1);
    expectNoNaN(r);
  });
  it('outliers are flagged above and below', () => {
    const r = funnelPlot({ events: [1, 40, 10], n: [100, 100, 100] }, { target: 0.1 });
    expect(r.units.map((u) => u.limits[1]!.position)).toEqual(['below', 'above', 'within']);
  });
});
