import { afterAll, describe, expect, it } from 'vitest';
import { logRankTest, type SurvivalData } from '../../../analytics/stats/index.js';
import { expectAllClose, expectClose, loadFixture, reportMaxRel } from './r-fixtures.js';

interface RTest {
  groups: string[];
  n: number[];
  observed: number[];
  expected: number[];
  variance: number[][];
  chisq: number;
  df: number;
  pvalue: number;
}
const fx = loadFixture<{ tests: Record<string, RTest> }>('logrank');
const aml = loadFixture<{ columns: { time: number[]; status: number[]; x: string[] } }>('data-aml').columns;
const lung = loadFixture<{ columns: { time: number[]; status: number[]; sex: number[]; 'ph.ecog'?: (number | null)[] } }>('data-lung').columns;
const mgus = loadFixture<{ columns: { futime: number[]; death: number[]; sex: string[] } }>('data-mgus2-competing').columns;
afterAll(reportMaxRel);

function compare(data: SurvivalData, ref: RTest): void {
  const r = logRankTest(data);
  expect(r.groups).toEqual(ref.groups);
  expect(r.n).toEqual(ref.n);
  expect(r.df).toBe(ref.df);
  expect(r.observed).toEqual(ref.observed);
  expectAllClose('log-rank expected', r.expected, ref.expected);
  r.variance.forEach((row, a) => expectAllClose('log-rank variance', row, ref.variance[a]!));
  expectClose('log-rank chi-square', r.chiSquare, ref.chisq);
  expectClose('log-rank p', r.pValue, ref.pvalue);
}

describe('log-rank test against survival::survdiff', () => {
  it('aml by x', () => compare({ time: aml.time, event: aml.status, group: aml.x }, fx.tests.aml_x!));
  it('lung by sex', () => compare({ time: lung.time, event: lung.status.map((s) => s - 1), group: lung.sex }, fx.tests.lung_sex!));
  it('mgus2 death by sex (1384 subjects)', () => compare({ time: mgus.futime, event: mgus.death, group: mgus.sex }, fx.tests.mgus2_sex_death!));
  it('lung by ECOG score: four groups, one of a single subject', () => {
    const ecog = lung['ph.ecog']!;
    const keep = ecog.flatMap((e, i) => (e === null ? [] : [i]));
    compare(
      { time: keep.map((i) => lung.time[i]!), event: keep.map((i) => lung.status[i]! - 1), group: keep.map((i) => ecog[i]!) },
      fx.tests.lung_ecog!,
    );
  });
});

describe('log-rank edge cases', () => {
  it('one group throws', () => {
    expect(() => logRankTest({ time: [1, 2], event: [1, 1], group: ['a', 'a'] })).toThrow(/needs at least two/);
  });
  it('no events throws', () => {
    expect(() => logRankTest({ time: [1, 2], event: [0, 0], group: ['a', 'b'] })).toThrow(/no events/);
  });
  it('a group with no one at risk at any event time is dropped from df, as survdiff', () => {
    // group c is censored before the first event: expected 0, so df = 1, not 2.
    const r = logRankTest({ time: [0.5, 1, 2, 3, 4], event: [0, 1, 1, 1, 0], group: ['c', 'a', 'b', 'a', 'b'] });
    expect(r.df).toBe(1);
    expect(r.expected[2]).toBe(0);
    expect(Number.isFinite(r.chiSquare)).toBe(true);
  });
  it('all subjects have the event at the same time: no information, test undefined', () => {
    expect(() => logRankTest({ time: [2, 2], event: [1, 1], group: ['a', 'b'] })).toThrow(/singular/);
  });
  it('missing group column throws', () => {
    expect(() => logRankTest({ time: [1, 2], event: [1, 1] })).toThrow(/group is missing/);
  });
});
