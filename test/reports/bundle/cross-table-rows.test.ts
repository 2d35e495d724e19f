// Rows of one released table whose difference from a row of another is a count of patients (decision 55, issue 22):
// patients with any serious event minus those with one kind (the patients with only other kinds), and a disease's
// assessed-only response row minus its all-eligible row (the patients not assessed). None may be 1 … k − 1 in what is
// released; the fuzz shows the bundle step without the row check would release such counts.
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type CountTable } from '../../../analytics/panel/types.js';
import { RESPONSE_ASSESSED, responseAssessedTable, responseTable } from '../../../analytics/panel/summarise-response.js';
import type { EligibleCourse } from '../../../analytics/response/eligible-rates.js';
import type { CourseSignalRow, ResponseCategoryCode } from '../../../analytics/response/types.js';
import { discloseSummary } from '../../../reports/bundle/disclose.js';
import { protectRows } from '../../../reports/bundle/cross-rows.js';
import { suppressTable } from '../../../reports/bundle/suppress.js';
import type { PanelBundle } from '../../../schemas/bundle.js';
import { summaryOf } from '../../helpers/panel.js';
import { bundleScanProblems } from '../../helpers/bundle-scan.js';
import { mulberry32 } from '../../helpers/random.js';

const K = DEFAULT_POLICY.min_cell;
const KINDS = ['icu_transfer', 'intubation', 'dialysis', 'coma', 'seizure', 'treatment_related_death'] as const;
const small = (d: number) => d > 0 && d < K;

/** A regimen's serious-event table from seeded patients: each kind at its own rate, any = the union. */
function seriousTable(seed: number): CountTable {
  const r = mulberry32(seed);
  const n = 30 + Math.floor(r() * 400);
  // One common kind (as dialysis or ICU transfer would be) and rare others: any minus the common one is often small.
  const main = Math.floor(r() * KINDS.length);
  const rates = KINDS.map((_, j) => (j === main ? 0.02 + r() * 0.15 : r() < 0.4 ? 0 : r() * 0.012));
  const has = Array.from({ length: n }, () => rates.map((p) => r() < p));
  const withEvent = [has.filter((h) => h.some(Boolean)).length, ...KINDS.map((_, j) => has.filter((h) => h[j]).length)];
  return {
    id: 'serious_events:600k/14', kind: 'serious_events', group: { regimen: '600k/14' },
    rows: ['any_serious', ...KINDS], cols: ['with_event', 'without_event'], counts: withEvent.map((x) => [x, n - x]),
  };
}

/** Any minus each kind, from released cells only. */
function anyMinusKind(t: Pick<PanelBundle['tables'][number], 'rows' | 'cells'>): number[] {
  const i = t.rows.indexOf('any_serious');
  const any = i < 0 ? null : t.cells[i]![0];
  if (any === null || any === undefined) return [];
  return t.rows.flatMap((row, j) => (j === i || t.cells[j]![0] === null ? [] : [any - (t.cells[j]![0] as number)]));
}

describe('serious events: any serious event minus one kind', () => {
  it('is 0 or ≥ k in every release of a 200-seed fuzz, and cell suppression alone would leave 1 … k − 1 in many', () => {
    let unprotected = 0;
    let withheld = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const t = seriousTable(seed);
      const plain = suppressTable(t.counts, K);
      if (anyMinusKind({ rows: t.rows, cells: plain.cells }).some(small)) unprotected++;
      const { bundle, suppressed } = discloseSummary(summaryOf('fz', [t]), DEFAULT_POLICY, '0.1.0');
      const out = bundle.tables[0]!;
      expect(anyMinusKind(out).filter(small), `seed ${seed}`).toEqual([]);
      expect(bundleScanProblems(bundle), `seed ${seed}`).toEqual([]);
      // Every row left out is in the audit as withheld, both columns.
      const gone = t.rows.filter((r) => !out.rows.includes(r));
      for (const r of gone) expect(suppressed.filter((s) => s.row === r && s.reason === 'withheld').map((s) => s.col), `seed ${seed} ${r}`).toEqual(t.cols);
      withheld += gone.length;
    }
    expect(unprotected).toBeGreaterThanOrEqual(25); // 32 of the 200 seeds
    expect(withheld).toBeGreaterThanOrEqual(unprotected);
  });

  it('one kind 1 … k − 1 short of any: that kind is left out; two or more: any serious event is left out instead', () => {
    const t = (any: number, kinds: number[]): CountTable => ({
      id: 'serious_events:720k/15', kind: 'serious_events', group: { regimen: '720k/15' }, rows: ['any_serious', ...KINDS.slice(0, kinds.length)],
      cols: ['with_event', 'without_event'], counts: [any, ...kinds].map((x) => [x, 100 - x]),
    });
    expect(protectRows([t(12, [10, 0, 12])], K).tables[0]!.rows).toEqual(['any_serious', 'intubation', 'dialysis']);
    expect(protectRows([t(12, [10, 9, 12])], K).tables[0]!.rows).toEqual(['icu_transfer', 'intubation', 'dialysis']);
    // A kind of 1 … k − 1 is suppressed in its own table: no difference to form, nothing left out.
    expect(protectRows([t(12, [3, 0, 12])], K).withheld).toEqual([]);
    expect(protectRows([t(3, [3, 0, 0])], K).withheld).toEqual([]);
  });
});

/** Courses of one centre: `n` per disease, with `none` not assessed and `ne` NE in rcc. */
function centreCourses(n: number, none: number, ne: number): { courses: EligibleCourse[]; rows: CourseSignalRow[] } {
  const courses: EligibleCourse[] = [];
  for (const disease of ['rcc', 'melanoma'] as const)
    for (let i = 0; i < n; i++) {
      const response: ResponseCategoryCode | null =
        disease === 'rcc' && i < none ? null : disease === 'rcc' && i < none + ne ? 'NE' : i % 4 === 0 ? 'PR' : i % 9 === 0 ? 'CR' : 'PD';
      courses.push({ centre_id: 'cc', patient_key: `${disease}${i}`, disease, course_number: 1, response });
    }
  const rows = courses
    .filter((c) => c.response !== null)
    .map((c) => ({ ...c, responder: c.response === 'CR' || c.response === 'PR' ? 1 : 0 }) as unknown as CourseSignalRow);
  return { courses, rows };
}

describe('the assessed-only response rows against the rows of all treated', () => {
  const release = (none: number, ne: number) => {
    const { courses, rows } = centreCourses(40, none, ne);
    return discloseSummary(summaryOf('cc', [responseTable(courses), responseAssessedTable(rows)]), DEFAULT_POLICY, '0.1.0');
  };
  const rowOf = (b: PanelBundle, id: string, d: string) => {
    const t = b.tables.find((x) => x.id === id)!;
    const i = t.rows.indexOf(d);
    return i < 0 ? null : (t.cells[i] as number[]);
  };

  it('all treated: a disease total is every course given, not evaluable counted as not responding', () => {
    const { bundle } = release(2, 3);
    expect(rowOf(bundle, 'response', 'rcc')!.reduce((a, b) => a + b, 0)).toBe(40);
    expect(rowOf(bundle, 'response', 'melanoma')!.reduce((a, b) => a + b, 0)).toBe(40);
  });

  it('1 … k − 1 courses not assessed: the disease row of the assessed is withheld, and the audit names it', () => {
    for (const none of [1, 2, 4]) {
      const { bundle, suppressed } = release(none, 3);
      expect(rowOf(bundle, RESPONSE_ASSESSED, 'rcc'), `${none}`).toBeNull();
      expect(rowOf(bundle, RESPONSE_ASSESSED, 'melanoma'), `${none}`).not.toBeNull();
      expect(suppressed.filter((s) => s.table === RESPONSE_ASSESSED && s.row === 'rcc').map((s) => [s.col, s.reason])).toEqual([
        ['responder', 'withheld'], ['non_responder', 'withheld'],
      ]);
    }
  });

  it('0 or ≥ k courses not assessed: released, and every row difference a reader can form is 0 or ≥ k', () => {
    for (const [none, ne] of [[0, 0], [0, 3], [5, 0], [7, 2]] as const) {
      const { bundle } = release(none, ne);
      for (const d of ['rcc', 'melanoma']) {
        const [e, a] = [rowOf(bundle, 'response', d)!, rowOf(bundle, RESPONSE_ASSESSED, d)];
        expect(a, `${none} ${ne} ${d}`).not.toBeNull();
        const diffs = [e[0]! - a![0]!, e[1]! - a![1]!, e[0]! + e[1]! - a![0]! - a![1]!];
        expect(diffs.filter(small), `${none} ${ne} ${d}`).toEqual([]);
      }
    }
  });
});
