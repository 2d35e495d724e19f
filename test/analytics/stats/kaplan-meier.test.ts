import { afterAll, describe, expect, it } from 'vitest';
import { kaplanMeier, kaplanMeierByGroup, survivalAt, type KaplanMeierCurve, type SurvivalData } from '../../../analytics/stats/index.js';
import { expectAllClose, expectNoNaN, loadFixture, reportMaxRel } from './r-fixtures.js';

interface RCurve {
  stratum: string;
  time: number[];
  nRisk: number[];
  nEvent: number[];
  nCensor: number[];
  surv: number[];
  stdErrLog: (number | null)[];
  stdErr: (number | null)[];
  lower: (number | null)[];
  upper: (number | null)[];
}
const fx = loadFixture<{ fits: Record<string, RCurve[]> }>('kaplan-meier');
const aml = loadFixture<{ columns: { time: number[]; status: number[]; x: string[] } }>('data-aml').columns;
const lung = loadFixture<{ columns: { time: number[]; status: number[]; sex: number[] } }>('data-lung').columns;
afterAll(reportMaxRel);

const amlData: SurvivalData = { time: aml.time, event: aml.status, group: aml.x };
// lung codes status 1 = censored, 2 = dead.
const lungData: SurvivalData = { time: lung.time, event: lung.status.map((s) => s - 1), group: lung.sex };

function compare(curve: KaplanMeierCurve, ref: RCurve, label: string): void {
  expect(curve.time, `${label} times`).toEqual(ref.time);
  expect(curve.nRisk, `${label} n.risk`).toEqual(ref.nRisk);
  expect(curve.nEvent, `${label} n.event`).toEqual(ref.nEvent);
  expect(curve.nCensor, `${label} n.censor`).toEqual(ref.nCensor);
  expectAllClose('KM survival', curve.survival, ref.surv, 1e-6, 1e-12, `${label} surv`);
  expectAllClose('KM Greenwood SE of S', curve.stdErr, ref.stdErr, 1e-6, 1e-12, `${label} se`);
  expectAllClose('KM Greenwood SE of log S', curve.stdErrLog, ref.stdErrLog, 1e-6, 1e-12, `${label} se(log)`);
  expectAllClose('KM log CI', curve.lower, ref.lower, 1e-6, 1e-12, `${label} lower`);
  expectAllClose('KM log CI', curve.upper, ref.upper, 1e-6, 1e-12, `${label} upper`);
}

describe('Kaplan-Meier against survival::survfit', () => {
  it('aml, all subjects', () => compare(kaplanMeier(amlData), fx.fits.aml_all![0]!, 'aml'));
  it('aml by maintenance (x)', () => {
    const groups = kaplanMeierByGroup(amlData);
    expect(groups.map((g) => g.group)).toEqual(['Maintained', 'Nonmaintained']);
    groups.forEach((g, i) => compare(g.curve, fx.fits.aml_x![i]!, `aml ${g.group}`));
  });
  it('lung, all subjects', () => compare(kaplanMeier(lungData), fx.fits.lung_all![0]!, 'lung'));
  it('lung by sex', () => {
    const groups = kaplanMeierByGroup(lungData);
    expect(groups.map((g) => g.group)).toEqual(['1', '2']);
    groups.forEach((g, i) => compare(g.curve, fx.fits.lung_sex![i]!, `lung sex=${g.group}`));
  });
  it('survivalAt reads the step function as summary.survfit(times=) does', () => {
    const c = kaplanMeier(amlData);
    const ref = fx.fits.aml_all![0]!;
    const k = ref.time.indexOf(23);
    const p = survivalAt(c, 25);
    expect(p.survival).toBeCloseTo(ref.surv[k]!, 12);
    expect(p.nRisk).toBe(ref.nRisk[k + 1]);
    expect(survivalAt(c, 0).survival).toBe(1);
    expect(survivalAt(c, 1e6).nRisk).toBe(0);
  });
});

describe('Kaplan-Meier edge cases', () => {
  it('n = 0 gives an empty curve', () => {
    const c = kaplanMeier({ time: [], event: [] });
    expect(c.n).toBe(0);
    expect(c.time).toEqual([]);
    expect(c.survival).toEqual([]);
  });
  it('no events: S = 1 throughout with zero SE and a degenerate interval', () => {
    const c = kaplanMeier({ time: [3, 5, 8], event: [0, 0, 0] });
    expect(c.survival).toEqual([1, 1, 1]);
    expect(c.stdErr).toEqual([0, 0, 0]);
    expect(c.lower).toEqual([1, 1, 1]);
    expect(c.upper).toEqual([1, 1, 1]);
  });
  it('all events: S reaches 0, where SE and CI are null as in R (Inf / NA), never NaN', () => {
    const c = kaplanMeier({ time: [1, 2, 2, 3], event: [1, 1, 1, 1] });
    expect(c.survival).toEqual([0.75, 0.25, 0]);
    expect(c.stdErrLog[2]).toBeNull();
    expect(c.stdErr[2]).toBeNull();
    expect(c.lower[2]).toBeNull();
    expect(c.upper[2]).toBeNull();
    // R: std.err = c(0.2886751, 0.8660254, Inf); lower = c(0.42593227, 0.04579076, NA); upper = c(1, 1, NA)
    expect(c.stdErrLog[0]).toBeCloseTo(0.2886751, 7);
    expect(c.stdErrLog[1]).toBeCloseTo(0.8660254, 7);
    expect(c.lower[0]).toBeCloseTo(0.42593227, 8);
    expect(c.lower[1]).toBeCloseTo(0.04579076, 8);
    expect(c.upper.slice(0, 2)).toEqual([1, 1]);
    expectNoNaN(c);
  });
  it('a single subject', () => {
    const died = kaplanMeier({ time: [5], event: [1] });
    expect(died.survival).toEqual([0]);
    expect(died.stdErr).toEqual([null]);
    const censored = kaplanMeier({ time: [5], event: [0] });
    expect(censored.survival).toEqual([1]);
    expect(censored.lower).toEqual([1]);
  });
  it('does not mutate its input', () => {
    const data = { time: [4, 1, 3], event: [1, 0, 1] };
    const copy = structuredClone(data);
    kaplanMeier(data);
    expect(data).toEqual(copy);
  });
  it('rejects bad input with a clear message', () => {
    expect(() => kaplanMeier({ time: [1, 2], event: [1] })).toThrow(/event has 1 values but time has 2/);
    expect(() => kaplanMeier({ time: [1, Number.NaN], event: [1, 0] })).toThrow(/time\[1\] is NaN/);
    expect(() => kaplanMeier({ time: [1, -2], event: [1, 0] })).toThrow(/time\[1\] is -2/);
    expect(() => kaplanMeier({ time: [1, 2], event: [1, 2] })).toThrow(/event\[1\] is 2; it must be 0 \(censored\) or 1/);
    expect(() => kaplanMeierByGroup({ time: [1], event: [1] })).toThrow(/group is missing/);
  });
});
