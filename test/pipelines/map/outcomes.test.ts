import { describe, expect, it } from 'vitest';
import { combineFollowUp } from '../../../pipelines/map/follow-up.js';
import { checkAssessmentDate, deriveResponses, recordedSuperseded } from '../../../pipelines/map/outcomes.js';
import type { Candidate, RecordProblem } from '../../../pipelines/map/records.js';

const K = 'f3a9c2e1b4d5a6c7';
let row = 0;
const cand = (table: Candidate['table'], values: Record<string, unknown>): Candidate => ({
  table,
  values: { centre_id: 'mini', patient_key: K, ...values },
  extra: {},
  where: { file: 'x.csv', sha256: '0'.repeat(64), row: ++row, pointer: null },
  problems: [],
});
const start = Date.parse('2024-01-01T08:00:00Z');
const starts = new Map([[`${K}|1`, start]]);
const scan = (day: string, r: string, criteria = 'RECIST1.1') =>
  cand('response_assessment', { course_number: 1, criteria, overall_response: r, assessed_at: `${day}T14:00:00Z` });

describe('responses derived from the course scans', () => {
  it('one response per course, with its derivation, first response and confirmation', () => {
    const [r] = deriveResponses([scan('2024-03-20', 'PR'), scan('2024-02-20', 'PR'), scan('2024-05-01', 'PD')], starts);
    expect(r!.problems).toEqual([]);
    expect(r!.values).toEqual({
      centre_id: 'mini', patient_key: K, course_number: 1, derivation: 'derived_from_assessments', criteria: 'RECIST1.1', best_overall_response: 'PR',
      assessed_at: '2024-02-20T14:00:00Z', first_response_at: '2024-02-20T14:00:00Z', confirmed: true,
    });
    expect(r!.where.row).toBe(row - 1); // the scan that established the response
  });
  it('mixed criteria in one course, or a course with no cycle, give a record with the reason', () => {
    expect(deriveResponses([scan('2024-02-20', 'PR'), scan('2024-03-30', 'PR', 'WHO')], starts)[0]!.problems.map((p) => p.check)).toEqual(['mixed_criteria']);
    expect(deriveResponses([scan('2024-02-20', 'PR')], new Map())[0]!.problems.map((p) => p.check)).toEqual(['no_course']);
  });
  it('a recorded response of a course that has scans is superseded; a scan without a date is a problem', () => {
    const recorded = cand('response', { course_number: 1, best_overall_response: 'CR' });
    expect(recordedSuperseded(recorded, new Set([`${K}|1`]))?.check).toBe('derived_instead');
    expect(recordedSuperseded(recorded, new Set([`${K}|2`]))).toBeNull();
    const undated = scan('2024-02-20', 'PR');
    undated.values.assessed_at = '';
    checkAssessmentDate(undated);
    expect(undated.problems.map((p) => p.check)).toEqual(['date_missing']);
  });
});

describe('follow-up combined per patient', () => {
  const counts = () => ({ read: 0, derived: 0, merged: 0, stored: 0, quarantined: 0 });
  const firstDose = new Map([[K, start]]);
  it('earliest progression and death, latest contact, a death without a cause is unknown; the other rows are merged', () => {
    const n = counts();
    const q: RecordProblem[][] = [];
    const out = combineFollowUp(
      [
        cand('follow_up', { last_contact_at: '2024-06-01T00:00:00Z' }),
        cand('follow_up', { progression_at: '2024-05-01T00:00:00Z' }),
        cand('follow_up', { progression_at: '2024-04-01T00:00:00Z' }),
        cand('follow_up', { death_at: '2024-09-01T00:00:00Z' }),
      ],
      n, firstDose, (_c, p) => q.push(p ?? []),
    );
    expect(q).toEqual([]);
    expect(n.merged).toBe(3);
    expect(out).toHaveLength(1);
    expect(out[0]!.values).toMatchObject({
      progression_at: '2024-04-01T00:00:00Z', death_at: '2024-09-01T00:00:00Z', last_contact_at: '2024-09-01T00:00:00Z', death_cause: 'unknown',
    });
  });
  it('one bad row quarantines every row of the patient, naming the bad one', () => {
    const bad = cand('follow_up', { death_at: 'not a date' });
    bad.problems.push({ field: 'death_at', raw: 'not a date', check: 'date_format', message: 'bad date' });
    const q: { row: number | null; p: RecordProblem[] }[] = [];
    const rows = [cand('follow_up', { last_contact_at: '2024-06-01T00:00:00Z' }), bad];
    const out = combineFollowUp(rows, counts(), firstDose, (c, p) => q.push({ row: c.where.row, p: p ?? [] }));
    expect(out).toEqual([]);
    expect(q).toHaveLength(2);
    expect(q[0]!.p[0]!.message).toContain(`x.csv row ${bad.where.row}`);
  });
});
