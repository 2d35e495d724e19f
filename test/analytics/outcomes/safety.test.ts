// Reversibility, serious-event rates, retreatment gaps, cycle-end reasons, practice meta-regression and regimen tables
// on hand-made rows.
import { describe, expect, it } from 'vitest';
import {
  centreAggregates,
  courseGaps,
  patientOutcomes,
  practiceMeasures,
  cycleEndCounts,
  cycleEndReasons,
  dosesByRegimen,
  ECOLOGICAL_CAVEAT,
  practiceOutcome,
  retreatmentCompliance,
  reversalTimes,
  reversibility,
  safetyRates,
  type CentreAggregate,
} from '../../../analytics/outcomes/index.js';
import { metaRegression, clopperPearsonInterval, poissonExactInterval } from '../../../analytics/stats/index.js';
import { expectNoNaN } from '../stats/r-fixtures.js';
import { cycle, day, emptyInputs, syntheticInputs } from './rows.js';

describe('reversalTimes and reversibility', () => {
  function renal() {
    const inp = emptyInputs();
    // p1: baseline 1.0, 2.4 during the cycle, 1.4 on day 8 (≤ 1.5×), 1.0 on day 12. Last dose day 4 + 16 h.
    inp.cycles.push(cycle('a', 'p1', 1, 1, 0, 14));
    inp.followUp.push({ centre_id: 'a', patient_key: 'p1', progression_at: null, death_at: null, last_contact_at: day(200), death_cause: null });
    for (const [d, v] of [
      [-1, 1.0],
      [3, 2.4],
      [8, 1.4],
      [12, 1.0],
    ] as const)
      inp.creatinine.push({ centre_id: 'a', patient_key: 'p1', observed_at: day(d), value: v });
    // p2 died during the cycle (day 3), creatinine still raised: death competes.
    inp.cycles.push(cycle('a', 'p2', 1, 1, 0, 7));
    inp.followUp.push({ centre_id: 'a', patient_key: 'p2', progression_at: null, death_at: day(3), last_contact_at: day(3), death_cause: 'treatment_related' });
    for (const [d, v] of [
      [-1, 1.0],
      [2, 3.0],
    ] as const)
      inp.creatinine.push({ centre_id: 'a', patient_key: 'p2', observed_at: day(d), value: v });
    // p3 never raised; pressor from day 2 to day 5 + 12 h; mental-status change with no resolution recorded.
    inp.cycles.push(cycle('b', 'p3', 1, 1, 0, 14));
    inp.followUp.push({ centre_id: 'b', patient_key: 'p3', progression_at: null, death_at: null, last_contact_at: day(60), death_cause: null });
    for (const [d, v] of [
      [-1, 1.0],
      [3, 1.2],
    ] as const)
      inp.creatinine.push({ centre_id: 'b', patient_key: 'p3', observed_at: day(d), value: v });
    inp.pressors.push({ centre_id: 'b', patient_key: 'p3', start_at: day(2), end_at: day(5.5) });
    inp.events.push({ centre_id: 'b', patient_key: 'p3', cycle_id: 'p3-c1.1', event_type: 'mental_status_change', onset_at: day(4), resolved_at: null });
    return inp;
  }
  it('times each reversal from the last dose, with death competing and unresolved events censored', () => {
    const { times, counts } = reversalTimes(renal());
    const last = (13 * 8) / 24; // 14th dose: day 4 + 8 h
    const t = (p: string, m: string) => times.find((x) => x.patient_key === p && x.measure === m);
    expect(t('p1', 'creatinine_1_5x')).toMatchObject({ status: 1 });
    expect(t('p1', 'creatinine_1_5x')!.days).toBeCloseTo(8 - last, 10);
    expect(t('p1', 'creatinine_baseline')!.days).toBeCloseTo(12 - last, 10);
    expect(t('p2', 'creatinine_1_5x')).toMatchObject({ status: 2 });
    expect(t('p3', 'creatinine_1_5x')).toBeUndefined();
    expect(t('p3', 'pressor_free')!.days).toBeCloseTo(5.5 - last, 10);
    expect(t('p3', 'mental_status')).toMatchObject({ status: 0 });
    expect(t('p3', 'mental_status')!.days).toBeCloseTo(60 - last, 10);
    expect(counts.find((c) => c.centre_id === 'b' && c.measure === 'creatinine_1_5x')).toEqual({
      centre_id: 'b',
      measure: 'creatinine_1_5x',
      present: 0,
      absent: 1,
      not_evaluable: 0,
    });
  });
  it('reads the share reversed by day 7/14/30, beside the S31 reference, and never NaN for a centre without the toxicity', () => {
    const rev = reversalTimes(renal());
    const rows = reversibility(rev.times, { counts: rev.counts });
    const a7 = rows.find((r) => r.centre_id === 'a' && r.measure === 'creatinine_1_5x' && r.day === 7)!;
    // Two cycles: p2's death at day 0 competes, p1 reversed at ~3.7 days → F(7) = 1/2.
    expect(a7).toMatchObject({ courses: 2, reversed: 1, died_first: 1, cumulative_incidence: 0.5 });
    const ref = rows.find((r) => r.centre_id === 'a' && r.measure === 'creatinine_baseline' && r.day === 14)!;
    expect(ref.reference).toBe(0.84);
    expect(ref.reference_status).toBe('V');
    const none = rows.find((r) => r.centre_id === 'b' && r.measure === 'creatinine_1_5x' && r.day === 30)!;
    expect(none).toMatchObject({ courses: 0, cumulative_incidence: null, note: 'no course with this toxicity' });
    expectNoNaN(rows);
  });
});

describe('safetyRates', () => {
  function inputs() {
    const inp = emptyInputs();
    for (const [c, p] of [
      ['a', 'p1'],
      ['a', 'p2'],
      ['b', 'p3'],
      ['b', 'p4'],
    ] as const) {
      inp.patients.push({ centre_id: c, patient_key: p, disease: 'rcc' });
      inp.cycles.push(cycle(c, p, 1, 1, 0, 10), cycle(c, p, 1, 2, 14, 10));
    }
    inp.cycles.push(cycle('a', 'p1', 2, 1, 90, 10, { dose_iu_per_kg: 720_000, planned_max_doses: 15 }));
    inp.events.push({ centre_id: 'a', patient_key: 'p1', cycle_id: 'p1-c1.1', event_type: 'icu_transfer', onset_at: day(2), resolved_at: day(4) });
    inp.events.push({ centre_id: 'a', patient_key: 'p1', cycle_id: 'p1-c1.1', event_type: 'intubation', onset_at: day(2.5), resolved_at: null });
    inp.events.push({ centre_id: 'a', patient_key: 'p2', cycle_id: 'p2-c1.2', event_type: 'atrial_fibrillation', onset_at: day(15), resolved_at: day(15.2) });
    inp.followUp.push({
      centre_id: 'a',
      patient_key: 'p2',
      progression_at: null,
      death_at: day(16),
      last_contact_at: day(16),
      death_cause: 'treatment_related',
    });
    return inp;
  }
  it('counts patients with an event per 100 (exact binomial) and events per course (exact Poisson) by centre × regimen', () => {
    const rows = safetyRates(inputs());
    const any = rows.find((r) => r.centre_id === 'a' && r.regimen === '600k/14' && r.event_type === 'any_serious')!;
    const cp = clopperPearsonInterval(2, 2);
    const po = poissonExactInterval(3, 2);
    expect(any).toMatchObject({
      patients: 2,
      patients_with_event: 2,
      courses: 2,
      events: 3,
      unresolved: 2,
      per_100_patients: 100,
      per_100_lower: 100 * cp.lower,
    });
    expect(any.per_course_upper).toBe(po.upper);
    expect(rows.find((r) => r.centre_id === 'a' && r.regimen === '600k/14' && r.event_type === 'treatment_related_death')!.patients_with_event).toBe(1);
    expect(rows.find((r) => r.centre_id === 'a' && r.regimen === '720k/15' && r.event_type === 'any_serious')).toMatchObject({
      patients: 1,
      courses: 1,
      events: 0,
    });
    expect(rows.some((r) => r.centre_id === 'ALL' && r.regimen === 'all regimens (pooled)')).toBe(true);
  });
  // s17: a myocardial infarction or ischaemia is a serious event; an ECG-ischaemia episode alone is not
  it('counts a myocardial infarction as its own serious-event row and in any serious event; ECG ischaemia alone is not counted', () => {
    const inp = inputs();
    inp.events.push(
      { centre_id: 'b', patient_key: 'p3', cycle_id: 'p3-c1.1', event_type: 'myocardial_infarction_or_ischaemia', onset_at: day(3), resolved_at: day(5) },
      { centre_id: 'b', patient_key: 'p4', cycle_id: 'p4-c1.1', event_type: 'ecg_ischaemia', onset_at: day(3), resolved_at: day(3.5) },
    );
    const rows = safetyRates(inp);
    const mi = rows.find((r) => r.centre_id === 'b' && r.regimen === '600k/14' && r.event_type === 'myocardial_infarction_or_ischaemia')!;
    expect(mi).toMatchObject({ patients: 2, patients_with_event: 1, per_100_patients: 50, courses: 2, events: 1, per_course: 0.5, unresolved: 0 });
    expect(mi.per_100_lower).toBeCloseTo(100 * clopperPearsonInterval(1, 2).lower, 12);
    expect(mi.per_course_upper).toBeCloseTo(poissonExactInterval(1, 2).upper, 12);
    const any = rows.find((r) => r.centre_id === 'b' && r.regimen === '600k/14' && r.event_type === 'any_serious')!;
    expect([any.patients_with_event, any.events]).toEqual([1, 1]);
    expect(rows.some((r) => r.event_type === 'ecg_ischaemia')).toBe(false);
  });
  it('a centre with no serious events has 0 with an exact upper limit, never NaN', () => {
    const rows = safetyRates(inputs());
    const b = rows.find((r) => r.centre_id === 'b' && r.event_type === 'any_serious')!;
    expect(b).toMatchObject({ patients: 2, patients_with_event: 0, per_100_patients: 0, per_100_lower: 0, per_course: 0, per_course_lower: 0 });
    expect(b.per_100_upper).toBeCloseTo(100 * clopperPearsonInterval(0, 2).upper, 12);
    expect(b.per_course_upper).toBeCloseTo(poissonExactInterval(0, 2).upper, 12);
    expectNoNaN(rows);
  });
  it("a centre whose export has no cause of death: its treatment-related deaths are not counted as 0 but missing, and left out of ALL", () => {
    const inp = inputs();
    inp.followUp.push({ centre_id: 'b', patient_key: 'q1', progression_at: null, death_at: day(20), last_contact_at: day(20), death_cause: 'unknown' });
    const rows = safetyRates(inp);
    const trd = (c: string, reg = '600k/14') => rows.find((r) => r.centre_id === c && r.regimen === reg && r.event_type === 'treatment_related_death')!;
    expect(trd('b')).toMatchObject({ per_100_patients: null, per_100_upper: null, per_course: null });
    expect(trd('b').note).toBe("not countable: b's export records no cause of death (1 death(s), cause unknown)");
    // ALL: centre a's 2 patients only (b's 2 left out), 1 death among them.
    expect(trd('ALL')).toMatchObject({ patients: 2, patients_with_event: 1, per_100_patients: 50, note: 'excludes b: no cause of death exported' });
    // Any serious event counts treatment-related deaths, so it is missing there too, and ALL leaves b out of it.
    expect(rows.find((r) => r.centre_id === 'b' && r.event_type === 'any_serious')).toMatchObject({ per_100_patients: null, per_course: null });
    expect(rows.find((r) => r.centre_id === 'ALL' && r.regimen === '600k/14' && r.event_type === 'any_serious')).toMatchObject({
      patients: 2,
      note: 'excludes b: no cause of death exported',
    });
    // A store of such a centre alone: missing everywhere, never a division by zero.
    const only = { ...inp, followUp: inp.followUp.filter((f) => f.centre_id === 'b'), cycles: inp.cycles.filter((c) => c.centre_id === 'b') };
    const alone = safetyRates(only).find((r) => r.centre_id === 'ALL' && r.event_type === 'treatment_related_death')!;
    expect(alone).toMatchObject({ per_100_patients: null, note: 'not countable: no centre here records a cause of death (b)' });
    // Where every centre records causes, nothing changes.
    expect(safetyRates(inputs()).every((r) => r.note === '')).toBe(true);
  });
});

describe('retreatment compliance', () => {
  it('measures course gaps from the last dose and flags starts under 7 weeks', () => {
    const cycles = [
      cycle('a', 'p1', 1, 1, 0, 14),
      cycle('a', 'p1', 1, 2, 14, 14),
      cycle('a', 'p1', 2, 1, 60, 14),
      cycle('a', 'p2', 1, 1, 0, 14),
      cycle('a', 'p2', 2, 1, 80, 14),
    ];
    const gaps = courseGaps(cycles);
    const lastDose = 14 + (13 * 8) / 24;
    expect(gaps.find((g) => g.patient_key === 'p1')!.gap_days).toBeCloseTo(60 - lastDose, 10);
    expect(gaps.map((g) => g.early)).toEqual([true, false]);
    const all = retreatmentCompliance(cycles).find((r) => r.centre_id === 'ALL')!;
    expect(all).toMatchObject({ later_courses: 2, early: 1, share_early: 0.5 });
    expect(retreatmentCompliance([cycle('b', 'p9', 1, 1, 0, 14)])[0]).toMatchObject({ later_courses: 0, share_early: null, median_gap_days: null });
  });
});

describe('cycleEndReasons', () => {
  it('gives one reason per cycle under the record and under a ruleset', () => {
    const cycles = [
      cycle('a', 'p1', 1, 1, 0, 14),
      cycle('a', 'p1', 1, 2, 14, 6, { last_hold_reasons: ['hypotension', 'oliguria', 'oliguria', 'line_issue', 'line_issue', 'line_issue'] }),
      cycle('a', 'p2', 1, 1, 0, 8, { end_reason: 'clinician' }),
      cycle('b', 'p3', 1, 1, 0, 9),
    ];
    const stops = {
      consensus: [{ ruleset_id: 'consensus', cycle_id: 'p3-c1.1', slot_number: 10, reason: 'policy: relative criteria', rule_id: null, status: null }],
    };
    const rows = cycleEndReasons(cycles, stops);
    expect(rows.filter((r) => r.reading === 'recorded').map((r) => r.reason)).toEqual([
      'maximum reached',
      'criterion: Low urine output',
      'clinician',
      'criterion: not recorded',
    ]);
    expect(rows.filter((r) => r.reading === 'consensus').map((r) => r.reason)).toEqual([
      'maximum reached',
      'no stop by this ruleset (centre: toxicity)',
      'clinician',
      'policy: relative criteria',
    ]);
    const counts = cycleEndCounts(rows);
    expect(counts.find((c) => c.reading === 'recorded' && c.centre_id === 'a' && c.reason === 'clinician')).toMatchObject({ cycles: 1, share: 1 / 3 });
    expect(counts.filter((c) => c.reading === 'recorded' && c.centre_id === 'ALL').reduce((s, c) => s + c.cycles, 0)).toBe(4);
  });
});

describe('practiceOutcome', () => {
  const agg = (id: string, mean: number, resp: number, serious: number): CentreAggregate => ({
    centre_id: id,
    cycles: 40,
    doses_mean: mean,
    doses_var: 9,
    assessed: 30,
    responders: resp,
    patients: 30,
    serious_patients: serious,
  });
  const aggregates = [agg('a', 8, 5, 0), agg('b', 9.5, 6, 2), agg('c', 11, 4, 3), agg('d', 10, 7, 1), agg('e', 12, 8, 4)];
  const measures = [
    ['a', 0.9],
    ['b', 0.7],
    ['c', 0.5],
    ['d', 0.6],
    ['e', 0.3],
  ].map(([c, v]) => ({ centre_id: c as string, measure: 'relative_enforcement', value: v as number }));
  it('fits one REML meta-regression (metafor default) per outcome with logit effects (½ added only to empty cells) and writes the caveat', () => {
    const rows = practiceOutcome(aggregates, measures);
    expect(rows.map((r) => r.outcome)).toEqual(['doses_per_cycle', 'response_logit', 'serious_event_logit']);
    const serious = rows[2]!;
    const yi = [Math.log(0.5 / 30.5), Math.log(2 / 28), Math.log(3 / 27), Math.log(1 / 29), Math.log(4 / 26)];
    const vi = [1 / 0.5 + 1 / 30.5, 1 / 2 + 1 / 28, 1 / 3 + 1 / 27, 1 + 1 / 29, 1 / 4 + 1 / 26];
    const direct = metaRegression({ yi, vi, mods: { relative_enforcement: [0.9, 0.7, 0.5, 0.6, 0.3] } });
    expect(serious.slope).toBeCloseTo(direct.coefficients[1]!.estimate, 12);
    expect(rows[0]!.slope).toBeCloseTo(
      metaRegression({ yi: [8, 9.5, 11, 10, 12], vi: Array(5).fill(9 / 40), mods: { x: [0.9, 0.7, 0.5, 0.6, 0.3] } }).coefficients[1]!.estimate,
      12,
    );
    expect(rows.every((r) => r.caveat === ECOLOGICAL_CAVEAT && r.note === 'only 5 centres')).toBe(true);
  });
  it('too few centres or a measure without spread: a note instead of numbers', () => {
    const two = practiceOutcome(aggregates.slice(0, 2), measures);
    expect(two[0]).toMatchObject({ slope: null, note: '2 centre(s) with both the outcome and the measure; a meta-regression needs at least 3' });
    const flat = practiceOutcome(
      aggregates,
      measures.map((m) => ({ ...m, value: 1 })),
    );
    expect(flat[0]!.note).toBe('the measure is the same at every centre, so there is no slope to estimate');
    expectNoNaN([two, flat]);
  });
});

describe('dosesByRegimen', () => {
  it('keeps 600k/14 and 720k/15 apart', () => {
    const cycles = [
      cycle('a', 'p1', 1, 1, 0, 14),
      cycle('a', 'p2', 1, 1, 0, 8, { dose_iu_per_kg: 720_000, planned_max_doses: 15, iu_per_kg_given: 8 * 720_000 }),
    ];
    const rows = dosesByRegimen(cycles, [
      { centre_id: 'a', patient_key: 'p1', disease: 'rcc' },
      { centre_id: 'a', patient_key: 'p2', disease: 'rcc' },
    ]);
    expect(rows.map((r) => [r.regimen, r.mean_doses, r.share_at_cap, r.mean_miu_per_kg])).toEqual([
      ['600k/14', 14, 1, 8.4],
      ['720k/15', 8, 0, 5.76],
    ]);
  });
});

describe('a centre whose export has no cause of death, in the meta-regression inputs', () => {
  it('centreAggregates gives it no serious-event count (not 0), and practiceOutcome leaves it out of that fit and says so', () => {
    const inp = syntheticInputs(20, 3);
    const withCause = centreAggregates(inp, patientOutcomes(inp).rows);
    expect(withCause.every((a) => typeof a.serious_patients === 'number')).toBe(true);
    // west's deaths lose their cause, as in lakeshore's export.
    const unknown = (f: (typeof inp.followUp)[number]) => (f.centre_id === 'west' && f.death_at !== null ? { ...f, death_cause: 'unknown' as const } : f);
    const blind = { ...inp, followUp: inp.followUp.map(unknown) };
    const aggs = centreAggregates(blind, patientOutcomes(blind).rows);
    expect(aggs.find((a) => a.centre_id === 'west')!.serious_patients).toBeNull();
    expect(aggs.find((a) => a.centre_id === 'north')!.serious_patients).toBe(withCause.find((a) => a.centre_id === 'north')!.serious_patients);
    const measures = ['north', 'south', 'west'].map((c, i) => ({ centre_id: c, measure: 'relative_enforcement', value: 0.2 + 0.3 * i }));
    const serious = practiceOutcome(aggs, measures).find((r) => r.outcome === 'serious_event_logit')!;
    expect(serious.centres).toBe(2);
    expect(serious.note).toMatch(/left out: west \(no cause of death exported/);
    expect(practiceOutcome(aggs, measures).find((r) => r.outcome === 'doses_per_cycle')!.centres).toBe(3);
  });
});

describe('practiceMeasures: dosing-through is its own measure', () => {
  it('reads dosing-through on the absolute criteria, so it is not 1 − relative enforcement', () => {
    const enf = [
      // Centre a: relative criteria met 10 times, held 8 (enforcement 0.8); absolute met 4 times, held 4 (dosed through 0).
      { centre_id: 'a', ruleset_id: 'ref', level: 'relative', met: 10, held_when_met: 8 },
      { centre_id: 'a', ruleset_id: 'ref', level: 'absolute', met: 4, held_when_met: 4 },
      // Centre b: relative 0.5; absolute met 5 times, held 3 (dosed through 0.4).
      { centre_id: 'b', ruleset_id: 'ref', level: 'relative', met: 6, held_when_met: 3 },
      { centre_id: 'b', ruleset_id: 'ref', level: 'absolute', met: 5, held_when_met: 3 },
      // Another ruleset is not read; a centre with no met absolute criterion has no dosing-through value.
      { centre_id: 'b', ruleset_id: 'other', level: 'absolute', met: 50, held_when_met: 0 },
      { centre_id: 'c', ruleset_id: 'ref', level: 'relative', met: 4, held_when_met: 1 },
      { centre_id: 'c', ruleset_id: 'ref', level: 'absolute', met: 0, held_when_met: 0 },
    ];
    const m = practiceMeasures(enf, [], 'ref');
    const v = (c: string, k: string) => m.find((x) => x.centre_id === c && x.measure === k)?.value;
    expect([v('a', 'relative_enforcement'), v('a', 'dosing_through')]).toEqual([0.8, 0]);
    expect([v('b', 'relative_enforcement'), v('b', 'dosing_through')]).toEqual([0.5, 0.4]);
    expect([v('c', 'relative_enforcement'), v('c', 'dosing_through')]).toEqual([0.25, undefined]);
    for (const c of ['a', 'b']) expect(v(c, 'dosing_through')).not.toBeCloseTo(1 - v(c, 'relative_enforcement')!, 6);
  });
});

describe('rare serious events from a real export (the simulator does not produce them: il2-domain.md gives no rates)', () => {
  // An export that records dialysis, intubation, coma and seizure: 3 centres × 2 regimens, 10 patients each.
  function rare() {
    const inp = emptyInputs();
    const events: [string, string, string][] = [
      ['a', 'a1', 'dialysis'], ['a', 'a2', 'intubation'], ['a', 'a2', 'seizure'], ['a', 'a13', 'coma'],
      ['b', 'b4', 'dialysis'], ['b', 'b4', 'dialysis'], ['b', 'b15', 'intubation'], ['c', 'c7', 'seizure'],
    ];
    for (const c of ['a', 'b', 'c'])
      for (let i = 0; i < 20; i++) {
        const p = `${c}${i}`;
        const regimen = i >= 10 ? { dose_iu_per_kg: 720_000, planned_max_doses: 15 } : {};
        inp.patients.push({ centre_id: c, patient_key: p, disease: 'rcc' });
        inp.cycles.push(cycle(c, p, 1, 1, 0, 10, regimen));
        inp.followUp.push({ centre_id: c, patient_key: p, progression_at: null, death_at: null, last_contact_at: day(300), death_cause: null });
      }
    for (const [c, p, type] of events)
      inp.events.push({
        centre_id: c, patient_key: p, cycle_id: `${p}-c1.1`, event_type: type, onset_at: day(2), resolved_at: type === 'dialysis' ? null : day(3),
      });
    return inp;
  }
  it('counts each per 100 patients (Clopper–Pearson) and per course (exact Poisson), by centre and regimen, never pooled silently', () => {
    const rows = safetyRates(rare());
    const r = (c: string, reg: string, t: string) => rows.find((x) => x.centre_id === c && x.regimen === reg && x.event_type === t)!;
    expect(r('a', '600k/14', 'dialysis')).toMatchObject({ patients: 10, patients_with_event: 1, events: 1, unresolved: 1, per_100_patients: 10 });
    expect(r('a', '600k/14', 'dialysis').per_100_upper).toBeCloseTo(100 * clopperPearsonInterval(1, 10).upper, 12);
    expect(r('a', '720k/15', 'coma')).toMatchObject({ patients_with_event: 1, per_100_patients: 10 });
    // Two dialysis events of one patient: one patient per 100, two events per course.
    expect(r('b', '600k/14', 'dialysis')).toMatchObject({ patients_with_event: 1, events: 2, per_course: 0.2 });
    expect(r('b', '600k/14', 'dialysis').per_course_upper).toBeCloseTo(poissonExactInterval(2, 10).upper, 12);
    expect(r('ALL', '600k/14', 'seizure')).toMatchObject({ patients: 30, patients_with_event: 2 });
    expect(r('ALL', '720k/15', 'intubation')).toMatchObject({ patients: 30, patients_with_event: 1 });
    expect(r('a', '600k/14', 'any_serious')).toMatchObject({ patients_with_event: 2 });
    expect(rows.some((x) => x.regimen === 'all regimens (pooled)')).toBe(true);
    expectNoNaN(rows);
  });
});
