import { afterAll, describe, expect, it } from 'vitest';
import { cumulativeIncidence, cumulativeIncidenceByGroup, kaplanMeier, type CumulativeIncidenceResult } from '../../../analytics/stats/index.js';
import { expectAllClose, expectNoNaN, loadFixture, reportMaxRel } from './r-fixtures.js';

interface RSurvfit {
  time: number[];
  nRisk: number[];
  pcm: number[];
  death: number[];
}
interface RCuminc {
  pcm: { est: (number | null)[]; var: (number | null)[] };
  death: { est: (number | null)[]; var: (number | null)[] };
}
interface Fixture {
  times: number[];
  survfit: RSurvfit;
  survfitBySex: Record<string, RSurvfit>;
  cuminc: RCuminc;
  cumincBySex: Record<string, RCuminc>;
}
const fx = loadFixture<Fixture>('competing-risks');
const mgus = loadFixture<{ columns: { etime: number[]; event: number[]; sex: string[] } }>('data-mgus2-competing').columns;
afterAll(reportMaxRel);

const data = { time: mgus.etime, event: mgus.event, group: mgus.sex };

function compareSurvfit(r: CumulativeIncidenceResult, ref: RSurvfit, label: string): void {
  expect(r.time, `${label} times`).toEqual(ref.time);
  expect(r.nRisk, `${label} n.risk`).toEqual(ref.nRisk);
  expectAllClose('Aalen-Johansen CIF (survfit)', r.causes[0]!.cif, ref.pcm, 1e-6, 1e-12, `${label} pcm`);
  expectAllClose('Aalen-Johansen CIF (survfit)', r.causes[1]!.cif, ref.death, 1e-6, 1e-12, `${label} death`);
}

/** cuminc was evaluated at every distinct time of the whole data set; pick this result's times out of it. */
function compareCuminc(r: CumulativeIncidenceResult, ref: RCuminc, label: string): void {
  const at = r.time.map((t) => fx.times.indexOf(t));
  for (const [k, name] of [[0, 'pcm'], [1, 'death']] as const) {
    const est = at.map((i) => ref[name].est[i] ?? null);
    const v = at.map((i) => ref[name].var[i] ?? null);
    // cuminc has no estimate past a group's last time; those entries are null and skipped.
    const keep = est.flatMap((e, i) => (e === null ? [] : [i]));
    expect(keep.length).toBeGreaterThan(0);
    expectAllClose('Aalen-Johansen CIF (cuminc)', keep.map((i) => r.causes[k]!.cif[i]!), keep.map((i) => est[i]!), 1e-6, 1e-12, `${label} ${name}`);
    expectAllClose('Gray variance (cuminc)', keep.map((i) => r.causes[k]!.variance[i]!), keep.map((i) => v[i]!), 1e-6, 1e-14, `${label} ${name} var`);
  }
}

describe('cumulative incidence against survfit (multi-state) and cmprsk::cuminc, mgus2', () => {
  it('all subjects', () => {
    const r = cumulativeIncidence(data);
    expect(r.causes.map((c) => c.cause)).toEqual([1, 2]);
    expect(r.causes.map((c) => c.events)).toEqual([1, 2].map((k) => mgus.event.filter((e) => e === k).length));
    expect(r.causes[0]!.events).toBe(115);
    compareSurvfit(r, fx.survfit, 'all');
    compareCuminc(r, fx.cuminc, 'all');
    // event-free probability is 1 - sum of the CIFs
    r.eventFree.forEach((s, i) => expect(s).toBeCloseTo(1 - r.causes[0]!.cif[i]! - r.causes[1]!.cif[i]!, 14));
  });
  it('by sex', () => {
    const groups = cumulativeIncidenceByGroup(data);
    expect(groups.map((g) => g.group)).toEqual(['F', 'M']);
    for (const g of groups) {
      compareSurvfit(g.result, fx.survfitBySex[g.group]!, g.group);
      compareCuminc(g.result, fx.cumincBySex[g.group]!, g.group);
    }
  });
});

describe('cumulative incidence edge cases', () => {
  it('n = 0 gives empty arrays', () => {
    const r = cumulativeIncidence({ time: [], event: [] }, { causes: 2 });
    expect(r.time).toEqual([]);
    expect(r.causes.map((c) => c.cif)).toEqual([[], []]);
  });
  it('no events: every CIF is 0 with variance 0', () => {
    const r = cumulativeIncidence({ time: [1, 2, 3], event: [0, 0, 0] }, { causes: 2 });
    expect(r.causes[0]!.cif).toEqual([0, 0, 0]);
    expect(r.causes[1]!.variance).toEqual([0, 0, 0]);
    expect(r.eventFree).toEqual([1, 1, 1]);
  });
  it('all subjects have an event: CIFs sum to 1 at the end, no NaN', () => {
    const r = cumulativeIncidence({ time: [1, 2, 3, 4], event: [1, 2, 1, 1] });
    expect(r.causes[0]!.cif.at(-1)! + r.causes[1]!.cif.at(-1)!).toBeCloseTo(1, 14);
    expect(r.causes[0]!.cif.at(-1)).toBeCloseTo(0.75, 14);
    expect(r.eventFree.at(-1)).toBe(0);
    expectNoNaN(r);
  });
  it('a single subject', () => {
    const r = cumulativeIncidence({ time: [7], event: [2] });
    expect(r.causes[1]!.cif).toEqual([1]);
    expect(r.causes[0]!.cif).toEqual([0]);
    expectNoNaN(r);
  });
  it('without competing events it is 1 - Kaplan-Meier', () => {
    const d = { time: [1, 2, 2, 3, 5, 8], event: [1, 0, 1, 1, 0, 1] };
    const r = cumulativeIncidence(d);
    const km = kaplanMeier(d);
    r.causes[0]!.cif.forEach((f, i) => expect(1 - f).toBeCloseTo(km.survival[i]!, 14));
  });
  it('rejects codes above the declared number of causes', () => {
    expect(() => cumulativeIncidence({ time: [1, 2], event: [1, 3] }, { causes: 2 })).toThrow(/event\[1\] is 3; it must be an integer from 0 \(censored\) to 2/);
    expect(() => cumulativeIncidence({ time: [1, 2], event: [1, 0.5] })).toThrow(/event\[1\] is 0.5/);
  });
});
