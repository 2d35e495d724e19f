// Per-patient survival times, KM summaries, landmark OS, Cox model and durable CRs on hand-made rows.
import { describe, expect, it } from 'vitest';
import {
  coxModel,
  durableCompleteResponses,
  landmarkSubjects,
  MONTH_DAYS,
  osSubjects,
  patientOutcomes,
  survivalSummary,
} from '../../../analytics/outcomes/index.js';
import { expectNoNaN } from '../stats/r-fixtures.js';
import { cycle, day, emptyInputs } from './rows.js';

const m = (days: number) => days / MONTH_DAYS;

function cohort() {
  const inp = emptyInputs();
  const add = (
    id: string,
    centre: string,
    disease: 'rcc' | 'melanoma',
    follow: { prog?: number; death?: number; last: number; cause?: 'treatment_related' | 'disease' },
    resp?: { best: 'CR' | 'PR' | 'SD' | 'PD'; at: number; first?: number },
  ) => {
    inp.patients.push({ centre_id: centre, patient_key: id, disease });
    inp.cycles.push(cycle(centre, id, 1, 1, 0, 10));
    inp.followUp.push({
      centre_id: centre,
      patient_key: id,
      progression_at: follow.prog === undefined ? null : day(follow.prog),
      death_at: follow.death === undefined ? null : day(follow.death),
      last_contact_at: day(follow.last),
      death_cause: follow.cause ?? (follow.death === undefined ? null : 'disease'),
    });
    if (resp) {
      inp.responses.push({
        centre_id: centre,
        patient_key: id,
        course_number: 1,
        best_overall_response: resp.best,
        assessed_at: day(resp.at),
        first_response_at: resp.first === undefined ? null : day(resp.first),
      });
      inp.assessments.push({ centre_id: centre, patient_key: id, course_number: 1, overall_response: resp.best, assessed_at: day(resp.at) });
    }
  };
  add('p1', 'a', 'rcc', { prog: 100, death: 300, last: 300 }, { best: 'PR', at: 60, first: 60 });
  add('p2', 'a', 'rcc', { last: 1200 }, { best: 'CR', at: 60, first: 60 });
  add('p3', 'a', 'melanoma', { prog: 50, death: 90, last: 90 }, { best: 'PD', at: 56 });
  add('p4', 'b', 'melanoma', { death: 40, last: 40, cause: 'treatment_related' });
  add('p5', 'b', 'rcc', { prog: 200, last: 400 }, { best: 'SD', at: 60 });
  add('p6', 'b', 'melanoma', { last: 1500 }, { best: 'CR', at: 70, first: 70 });
  return inp;
}

describe('patientOutcomes', () => {
  it('counts OS and PFS from the first dose and the response duration from the first CR/PR', () => {
    const { rows, excluded } = patientOutcomes(cohort());
    expect(excluded).toEqual([]);
    const p1 = rows.find((r) => r.patient_key === 'p1')!;
    expect(p1.os_months).toBeCloseTo(m(300), 12);
    expect(p1.os_event).toBe(1);
    expect(p1.pfs_months).toBeCloseTo(m(100), 12);
    expect(p1.pfs_event).toBe(1);
    expect(p1.dor_months).toBeCloseTo(m(40), 12);
    expect(p1.dor_event).toBe(1);
    const p2 = rows.find((r) => r.patient_key === 'p2')!;
    expect([p2.os_event, p2.pfs_event, p2.dor_event]).toEqual([0, 0, 0]);
    expect(rows.find((r) => r.patient_key === 'p4')!.best_response).toBe('not_assessed');
    expect(rows.find((r) => r.patient_key === 'p3')!.dor_months).toBeNull();
  });
  it('leaves out a death before the first dose, progression before treatment and a patient with no follow-up, saying why', () => {
    const inp = cohort();
    inp.followUp[0]!.death_at = day(-5);
    inp.followUp[4]!.progression_at = day(-30);
    inp.followUp.splice(5, 1);
    const { rows, excluded } = patientOutcomes(inp);
    expect(rows.map((r) => r.patient_key)).toEqual(['p2', 'p3', 'p4']);
    expect(excluded).toEqual([
      { centre_id: 'a', patient_key: 'p1', reason: 'death 2023-12-27 is before the first dose 2024-01-01' },
      { centre_id: 'b', patient_key: 'p5', reason: 'progression 2023-12-02 is before the first dose 2024-01-01' },
      { centre_id: 'b', patient_key: 'p6', reason: 'no follow_up row (progression, death or last contact)' },
    ]);
  });
});

describe('survivalSummary', () => {
  it('gives the KM median by hand: deaths at 40, 90, 300 days among 6 → S = 0.5 from 300 days to the last time', () => {
    const { rows } = patientOutcomes(cohort());
    const s = survivalSummary('os', osSubjects(rows), ['centre']);
    const all = s.rows.find((r) => r.group === 'all')!;
    expect(all.n).toBe(6);
    expect(all.events).toBe(3);
    // S: 5/6 at 40 d, 4/6 at 90 d, at 300 d 4 at risk (p1, p5, p2, p6) → 4/6 × 3/4 = 0.5 until the last time (1500 d):
    // quantile.survfit then takes the midpoint of 300 and 1500 days.
    expect(all.median_months).toBeCloseTo(m(900), 10);
    expect(all.s12).toBeCloseTo(0.5, 12);
    expectNoNaN(s);
  });
  it('everyone censored: no median, a note, no NaN', () => {
    const s = survivalSummary(
      'pfs',
      [
        { time: 3, event: 0, groups: {} },
        { time: 5, event: 0, groups: {} },
      ],
      [],
    );
    expect(s.rows[0]).toMatchObject({
      n: 2,
      events: 0,
      median_months: null,
      median_lower: null,
      median_upper: null,
      note: 'no events: everyone censored; no one followed 36 months',
    });
    expectNoNaN(s);
  });
  it('says when the all row pools regimens', () => {
    const s = survivalSummary(
      'os',
      [
        { time: 3, event: 1, groups: { regimen: '600k/14' } },
        { time: 5, event: 0, groups: { regimen: '720k/15' } },
      ],
      ['regimen'],
    );
    expect(s.rows[0]!.note).toContain('pooled across regimens 600k/14, 720k/15');
    expect(s.rows.filter((r) => r.grouping === 'regimen').map((r) => r.group)).toEqual(['600k/14', '720k/15']);
  });
});

describe('landmarkSubjects', () => {
  it('starts the clock at the first assessment, drops those who died before it, and groups by the status then', () => {
    const inp = cohort();
    const { rows } = patientOutcomes(inp);
    const lm = landmarkSubjects(rows);
    // p4 died at day 40 with no assessment: out. p1 assessed day 60, died day 300 → 240 days.
    expect(lm).toHaveLength(5);
    const p1 = lm.find((s) => Math.abs(s.time - m(240)) < 1e-9)!;
    expect(p1.groups.responder).toBe('responder (CR/PR)');
    expect(lm.filter((s) => s.groups.responder === 'non-responder')).toHaveLength(2);
  });
});

describe('coxModel', () => {
  it('leaves out a factor with one level and says so', () => {
    const { rows } = patientOutcomes(cohort());
    const subjects = osSubjects(rows).map((s) => ({ ...s, groups: { ...s.groups, centre: 'a' } }));
    const res = coxModel('os', subjects);
    expect(res.notes[0]).toBe('os: centre has one level (a), so it is not in the model');
    expect(res.coefficients.map((c) => c.term)).toEqual(['diseasercc']);
    expect(res.ph.map((p) => p.term)).toEqual(['disease', 'GLOBAL']);
    expectNoNaN(res);
  });
  it('no events: a note, no rows, no throw', () => {
    const res = coxModel('pfs', [
      { time: 1, event: 0, groups: { centre: 'a', disease: 'rcc' } },
      { time: 2, event: 0, groups: { centre: 'b', disease: 'melanoma' } },
    ]);
    expect(res.coefficients).toEqual([]);
    expect(res.notes.join(' ')).toMatch(/pfs: no Cox model: coxRegression: there are no events/);
  });
});

describe('durableCompleteResponses', () => {
  it('reads progression-free CRs at 24 and 36 months, and says when no CR was followed that long', () => {
    const { rows } = patientOutcomes(cohort());
    const d = durableCompleteResponses(rows);
    const all24 = d.find((r) => r.centre_id === 'ALL' && r.disease === 'all' && r.horizon_months === 24)!;
    expect(all24).toMatchObject({ complete_responders: 2, progression_free: 1, crude_durable: 1, note: '' });
    const a36 = d.find((r) => r.centre_id === 'a' && r.disease === 'all' && r.horizon_months === 36)!;
    expect(a36.progression_free).toBe(1);
    const shortRows = rows.map((r) => ({ ...r, pfs_months: Math.min(r.pfs_months, 10), pfs_event: 0 as const }));
    const none = durableCompleteResponses(shortRows).find((r) => r.centre_id === 'ALL' && r.disease === 'all' && r.horizon_months === 24)!;
    expect(none.progression_free).toBeNull();
    expect(none.note).toBe('no complete responder followed 24 months (longest 10.0)');
    expect(durableCompleteResponses([])).toEqual(expect.arrayContaining([expect.objectContaining({ centre_id: 'ALL', note: 'no complete responses' })]));
  });
  it('splits RCC and melanoma (§4.2 reports them apart): the disease rows add up to the pooled one, each beside its source', () => {
    const { rows } = patientOutcomes(cohort());
    const d = durableCompleteResponses(rows).filter((r) => r.centre_id === 'ALL' && r.horizon_months === 24);
    expect(d.map((r) => r.disease)).toEqual(['rcc', 'melanoma', 'all']);
    expect(d[0]!.complete_responders + d[1]!.complete_responders).toBe(d[2]!.complete_responders);
    const crs = rows.filter((r) => r.best_response === 'CR');
    expect(d[0]!.complete_responders).toBe(crs.filter((r) => r.disease === 'rcc').length);
    expect(d.map((r) => r.reference)).toEqual([19 / 23, 0.59, 0.82]);
    expect(d[1]!.reference_source).toMatch(/S15\) \[V\]/);
  });
});

describe('first assessments', () => {
  it('come from the scans where a centre keeps them, and from the course rows for a centre that does not', () => {
    const inp = cohort();
    inp.assessments.splice(0, inp.assessments.length, ...inp.assessments.filter((a) => a.centre_id === 'a'));
    const { rows } = patientOutcomes(inp);
    expect(rows.filter((r) => r.first_assessment_at !== null).map((r) => r.patient_key)).toEqual(['p1', 'p2', 'p3', 'p5', 'p6']);
    expect(landmarkSubjects(rows)).toHaveLength(5);
  });
});
