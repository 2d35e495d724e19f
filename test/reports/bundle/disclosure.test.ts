// Disclosure control, adversarially: primary and complementary suppression, withheld tables, the model-estimate
// policy, and differencing between two releases.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recoverableCells, suppressTable } from '../../../reports/bundle/suppress.js';
import { discloseSummary as disclose } from '../../../reports/bundle/disclose.js';
import { differencingProblems } from '../../../reports/bundle/differencing.js';
import { caseMixTables, responseTable, signalTables } from '../../../analytics/panel/summarise-response.js';
import { doseEndFirstTables, doseEndTables } from '../../../analytics/panel/summarise-doses.js';
import type { CycleDoses } from '../../../analytics/doses/types.js';
import { poolBundles } from '../../../analytics/panel/pool.js';
import { DEFAULT_POLICY } from '../../../analytics/panel/types.js';
import type { PatientCaseMix } from '../../../analytics/doses/types.js';
import type { CourseSignalRow } from '../../../analytics/response/types.js';
import { summaryOf } from '../../helpers/panel.js';
import { bundleScanProblems } from '../../helpers/bundle-scan.js';
import type { PanelBundle } from '../../../schemas/bundle.js';

/** Every bundle the cases below release, for the scan at the end (issue 20: every bundle written in the tests). */
const released: ReturnType<typeof disclose>['bundle'][] = [];
const discloseSummary: typeof disclose = (...args) => {
  const r = disclose(...args);
  released.push(r.bundle);
  return r;
};

/** Every way the margins (row, column, grand totals) can pin a suppressed cell: none may remain. */
function expectUnrecoverable(cells: (number | null)[][]): void {
  const hidden = cells.flatMap((row, r) => row.flatMap((v, c) => (v === null ? [[r, c] as const] : [])));
  expect(recoverableCells(cells.length, cells[0]!.length, hidden)).toEqual([]);
}

let courseNo = 0;
const course = (centre: string, disease: 'rcc' | 'melanoma', responder: 0 | 1, extra: Partial<CourseSignalRow> = {}): CourseSignalRow => ({
  centre_id: centre, patient_key: `p${courseNo++}`, disease, ecog: 0, age_at_first_dose: 55, course_number: 1, response: responder ? 'PR' : 'PD', responder, window_start: 0, window_end: 0, doses_given: 12,
  miu_per_kg_given: 7, lymphocyte_baseline: null, lymphocyte_peak_after_dosing: null, lymphocyte_rebound: null, eosinophil_peak: null, platelet_nadir: 80_000, bicarbonate_nadir: 22,
  phenylephrine_max: 0, thyroid_dysfunction: 0, vitiligo: 0, ...extra,
});
const patient = (centre: string, i: number, disease: 'rcc' | 'melanoma' = 'rcc', ecog: number | null = 0): PatientCaseMix => ({ centre_id: centre, patient_key: `k${i}`, disease, age_at_first_dose: 45 + (i % 20), ecog });

describe('cell suppression', () => {
  it('a suppressed cell that the margins would give back is protected by complementary cells', () => {
    // Row 0 total and column 2 total are public: 2 alone would be 40 − 10 − 28 − … ; a second cell in its row and column is hidden.
    const r = suppressTable([[10, 28, 2], [12, 9, 30], [20, 25, 22]], 5);
    expect(r.suppressed.filter((c) => c.reason === 'primary')).toEqual([{ row: 0, col: 2, reason: 'primary' }]);
    expect(r.suppressed.filter((c) => c.reason === 'secondary').length).toBeGreaterThanOrEqual(3);
    expectUnrecoverable(r.cells);
  });

  it('a category with a single patient in a one-column table hides a second category too', () => {
    const r = suppressTable([[1], [12], [30]], 5);
    expect(r.cells).toEqual([[null], [null], [30]]);
    expectUnrecoverable(r.cells);
  });

  it('a one-patient centre: every table is withheld whole', () => {
    const s = summaryOf('tiny', [responseTable([course('tiny', 'rcc', 1)]), ...caseMixTables([patient('tiny', 1)])]);
    const { bundle } = discloseSummary(s, DEFAULT_POLICY, '0.1.0');
    for (const t of bundle.tables) {
      expect(t.withheld).toBe(true);
      expect(t.cells.flat().every((c) => c === null)).toBe(true);
    }
  });

  it('a centre with no responders: the zero column stays, no count under k is released, and no odds ratio leaves', () => {
    const rows = Array.from({ length: 40 }, (_, i) => course('calm', i % 3 === 0 ? 'melanoma' : 'rcc', 0, { vitiligo: i < 2 ? 1 : 0 }));
    const s = summaryOf('calm', [responseTable(rows), ...signalTables(rows, rows)], [{ signal: 'vitiligo', method: null, log_or: null, std_err: null, n: 40, events: 0, parameters: 3, table: 'signal:vitiligo' }]);
    const { bundle } = discloseSummary(s, DEFAULT_POLICY, '0.1.0');
    expect(bundle.tables.find((t) => t.id === 'response')!.cells).toEqual([[0, 26], [0, 14]]);
    for (const t of bundle.tables) for (const v of t.cells.flat()) expect(v === null || v === 0 || v >= 5).toBe(true);
    for (const t of bundle.tables) expectUnrecoverable(t.cells);
    expect(bundle.signal_estimates).toEqual([]);
    expect(bundle.withheld_estimates).toEqual([{ what: 'signal', id: 'vitiligo', rule: 'not_estimable' }]);
  });

  it('a fuzzed table never leaves a count under k or a recoverable cell', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 200; trial++) {
      const nr = 1 + Math.floor(rand() * 6);
      const nc = 1 + Math.floor(rand() * 5);
      const counts = Array.from({ length: nr }, () => Array.from({ length: nc }, () => (rand() < 0.3 ? 0 : Math.floor(rand() * (rand() < 0.5 ? 6 : 40)))));
      const k = 3 + Math.floor(rand() * 4);
      const r = suppressTable(counts, k);
      for (const v of r.cells.flat()) expect(v === null || v === 0 || v >= k).toBe(true);
      expectUnrecoverable(r.cells);
    }
  });
});

describe('model estimates', () => {
  const est = (n: number, events: number, parameters = 3, table: string | null = null) => ({ signal: 'doses', method: 'firth' as const, log_or: 0.2, std_err: 0.1, n, events, parameters, table });
  it('are released only above the minimum patients and events and below the parameter ratio', () => {
    const s = summaryOf('cc', [], [est(9, 4), { ...est(40, 4), signal: 'vitiligo' }, { ...est(40, 36), signal: 'phenylephrine_max' }, { ...est(12, 6, 5), signal: 'eosinophil_peak' }, { ...est(40, 12), signal: 'lymphocyte_rebound' }]);
    const { bundle } = discloseSummary(s, DEFAULT_POLICY, '0.1.0');
    expect(bundle.signal_estimates.map((e) => e.signal)).toEqual(['lymphocyte_rebound']);
    expect(bundle.withheld_estimates.map((w) => `${w.id}:${w.rule}`)).toEqual(['doses:min_patients', 'vitiligo:min_events', 'phenylephrine_max:min_events', 'eosinophil_peak:parameter_ratio']);
  });
  it('a binary signal whose 2 × 2 table has a suppressed cell keeps its odds ratio back (the OR and its SE would give the cells back)', () => {
    const rows = Array.from({ length: 60 }, (_, i) => course('cc', 'rcc', i % 3 === 0 ? 1 : 0, { vitiligo: i < 3 ? 1 : 0 }));
    const s = summaryOf('cc', signalTables(rows, rows), [{ ...est(60, 20), signal: 'vitiligo', table: 'signal:vitiligo' }]);
    const { bundle } = discloseSummary(s, DEFAULT_POLICY, '0.1.0');
    expect(bundle.withheld_estimates).toEqual([{ what: 'signal', id: 'vitiligo', rule: 'suppressed_table' }]);
  });
});

describe('differencing protection', () => {
  const patients = Array.from({ length: 60 }, (_, i) => patient('cc', i, i % 2 === 0 ? 'rcc' : 'melanoma', i % 3));
  const release = (ps: PatientCaseMix[], last: string) => discloseSummary({ ...summaryOf('cc', caseMixTables(ps)), period: { first: '2020-Q1', last } }, DEFAULT_POLICY, '0.1.0').bundle;

  it('two bundles a quarter apart that differ by one patient: the second is refused, naming the cells', () => {
    const first = release(patients, '2023-Q4');
    const second = release([...patients, patient('cc', 60, 'rcc', 1)], '2024-Q1');
    const problems = differencingProblems(second, [first]);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ table: 'case_mix:ecog', row: 'rcc', col: '1', difference: 1, earlier_period: '2020-Q1…2023-Q4' });
  });
  it('the same bundle again, a later period that does not overlap, or a change of at least k pass', () => {
    const first = release(patients, '2023-Q4');
    expect(differencingProblems(first, [first])).toEqual([]);
    const later = { ...release([...patients, patient('cc', 60)], '2025-Q4'), period: { first: '2024-Q1', last: '2025-Q4' } };
    expect(differencingProblems(later, [first])).toEqual([]);
    const grown = release([...patients, ...Array.from({ length: 5 }, (_, i) => patient('cc', 100 + i, 'rcc', 1))], '2024-Q1');
    expect(differencingProblems(grown, [first]).filter((p) => p.difference < 5)).toEqual([]);
  });
  it('a life table cut at other boundaries a quarter later is compared over the boundaries both share', () => {
    const base = JSON.parse(readFileSync('test/fixtures/panel/amstel.json', 'utf8')) as PanelBundle;
    const life = (rows: string[], cells: number[][]): PanelBundle['tables'][number] =>
      ({ id: 'os_life:rcc', kind: 'os_life', group: { disease: 'rcc' }, rows, cols: ['events', 'censored'], cells, withheld: false });
    const first = { ...base, content_sha256: 'a'.repeat(64), tables: [life(['m0-12', 'm12-60', 'ge60'], [[7, 5], [6, 5], [0, 0]])] };
    // Three more events in the first year: every released cell is ≥ 5, and no label matches the first release's.
    const second = { ...base, content_sha256: 'b'.repeat(64), tables: [life(['m0-6', 'm6-60', 'ge60'], [[5, 0], [11, 10], [0, 0]])] };
    const problems = differencingProblems(second, [first]);
    expect(problems).toEqual([expect.objectContaining({ table: 'os_life:rcc', row: 'from month 0', col: 'events', difference: 3 })]);
    const moved = { ...second, tables: [life(['m0-6', 'm6-60', 'ge60'], [[7, 0], [6, 10], [0, 0]])] };
    expect(differencingProblems(moved, [first])).toEqual([]);
  });
});

describe('dose tables', () => {
  it('count cycles by doses given and end cause, row sums giving the histogram', () => {
    const [t] = doseEndTables([
      { centre_id: 'c', patient_key: '', cycle_id: 'a', course_number: 1, cycle_number: 1, dose_iu_per_kg: 600_000, planned_max_doses: 14, end_reason: 'max_reached', doses_given: 14, iu_per_kg_given: 0 },
      { centre_id: 'c', patient_key: '', cycle_id: 'b', course_number: 1, cycle_number: 1, dose_iu_per_kg: 600_000, planned_max_doses: 14, end_reason: 'toxicity_stop', doses_given: 9, iu_per_kg_given: 0 },
      { centre_id: 'c', patient_key: '', cycle_id: 'c', course_number: 1, cycle_number: 1, dose_iu_per_kg: 600_000, planned_max_doses: 14, end_reason: 'max_reached', doses_given: 12, iu_per_kg_given: 0 },
    ]);
    expect(t!.id).toBe('dose_end:600k/14');
    expect(t!.counts[14]).toEqual([0, 1, 0]);
    expect(t!.counts[9]).toEqual([1, 0, 0]);
    expect(t!.counts[12]).toEqual([0, 0, 1]); // recorded max_reached below the cap counts as 'other', as the dose analysis does
  });

  /** `n` cycles ending at `doses` by `reason`, `first` of them first cycles of a first course. */
  const cycles = (n: number, first: number, doses: number, reason: CycleDoses['end_reason']): CycleDoses[] =>
    Array.from({ length: n }, (_, i) => ({
      centre_id: 'cc', patient_key: '', cycle_id: `${doses}-${reason}-${i}`, course_number: 1, cycle_number: i < first ? 1 : 2, dose_iu_per_kg: 600_000, planned_max_doses: 14,
      end_reason: reason, doses_given: doses, iu_per_kg_given: 0,
    }));
  const disclose = (cs: CycleDoses[]) => discloseSummary(summaryOf('cc', [...doseEndTables(cs), ...doseEndFirstTables(cs)]), DEFAULT_POLICY, '0.1.0');

  it('a first-cycle table whose difference from the all-cycles table would reveal fewer than k later cycles is withheld whole', () => {
    // 12 cycles reached the cap, 10 of them first cycles: releasing both would show 2 later cycles reaching it.
    const cs = [...cycles(12, 10, 14, 'max_reached'), ...cycles(20, 10, 6, 'toxicity_stop')];
    const { bundle, suppressed } = disclose(cs);
    const all = bundle.tables.find((t) => t.id === 'dose_end:600k/14')!;
    const first = bundle.tables.find((t) => t.id === 'dose_end_first:600k/14')!;
    expect(all.withheld).toBe(false);
    expect(all.cells[14]).toEqual([0, 12, 0]);
    expect(first.withheld).toBe(true);
    expect(first.cells.flat().every((c) => c === null)).toBe(true);
    expect(suppressed.filter((x) => x.table === first.id).every((x) => x.reason === 'withheld')).toBe(true);
  });

  it('a first-cycle table is released where every difference is 0 or at least k, and pools into the first-cycle log-rank', () => {
    const cs = [...cycles(15, 10, 14, 'max_reached'), ...cycles(20, 10, 6, 'toxicity_stop'), ...cycles(5, 5, 3, 'other')];
    const { bundle } = disclose(cs);
    const first = bundle.tables.find((t) => t.id === 'dose_end_first:600k/14')!;
    expect(first.withheld).toBe(false);
    expect([first.cells[14], first.cells[6], first.cells[3]]).toEqual([[0, 10, 0], [10, 0, 0], [0, 0, 5]]);
    for (const t of bundle.tables) for (const v of t.cells.flat()) expect(v === null || v === 0 || v >= 5).toBe(true);
    const lr = poolBundles([bundle]).doses.logRank;
    expect(lr.map((x) => [x.cycles, x.n_cycles, x.centres_left_out])).toEqual([['all', 40, ''], ['first', 25, '']]);
    // a bundle whose first-cycle table was withheld is named as left out of the first-cycle test
    const withheld = disclose([...cycles(12, 10, 14, 'max_reached'), ...cycles(20, 10, 6, 'toxicity_stop')]).bundle;
    expect(poolBundles([withheld]).doses.logRank[1]!.centres_left_out).toBe('cc');
  });
});

describe('every bundle the cases above released', () => {
  it('has no count under k, no released estimate under the minimum, no key-like string and no date', () => {
    expect(released.length).toBeGreaterThan(10);
    for (const b of released) expect(bundleScanProblems(b), b.centre_id).toEqual([]);
  });
});
