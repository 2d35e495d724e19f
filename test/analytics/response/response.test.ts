// Response analyses: the landmark window, edge cases (no responders, no variation, one-patient
// centres) and recovery of the simulator's stated effects on 5,000 simulated patients.
import { beforeAll, describe, expect, it } from 'vitest';
import { analyseResponse, courseSignals, fitTerms, responseByDoses, responseRates, SIGNALS, signalOddsRatios, type CourseSignalRow, type ResponseInputs } from '../../../analytics/response/index.js';
import { RESPONSE_MODEL } from '../../../simulate/parameters.js';
import { expectNoNaN } from '../doses/no-nan.js';
import { simulateTables, type SimTables } from './sim-tables.js';

const H = 3_600_000;
const D = 24 * H;
const ids = { centre_id: 'a', patient_key: 'p1' };

function oneCourse(): ResponseInputs {
  const t0 = Date.UTC(2020, 0, 6, 8);
  return {
    patients: [{ ...ids, disease: 'melanoma', age_at_first_dose: 50, ecog: 0 }],
    cycles: [
      { ...ids, cycle_id: 'p1-c1.1', course_number: 1, cycle_number: 1, start_at: t0, first_dose_at: t0, last_dose_at: t0 + 3 * D, doses_given: 10, iu_per_kg_given: 6e6 },
      { ...ids, cycle_id: 'p1-c1.2', course_number: 1, cycle_number: 2, start_at: t0 + 14 * D, first_dose_at: t0 + 14 * D, last_dose_at: t0 + 16 * D, doses_given: 7, iu_per_kg_given: 4.2e6 },
      { ...ids, cycle_id: 'p1-c2.1', course_number: 2, cycle_number: 1, start_at: t0 + 90 * D, first_dose_at: t0 + 90 * D, last_dose_at: t0 + 92 * D, doses_given: 8, iu_per_kg_given: 4.8e6 },
    ],
    labs: [
      { ...ids, variable: 'lymphocytes', observed_at: t0 - 20 * D, value: 100 }, // too early for a baseline
      { ...ids, variable: 'lymphocytes', observed_at: t0 - 2 * H, value: 1000 }, // baseline
      { ...ids, variable: 'lymphocytes', observed_at: t0 + 2 * D, value: 9000 }, // during dosing: not rebound
      { ...ids, variable: 'lymphocytes', observed_at: t0 + 4 * D, value: 3000 }, // after cycle 1's last dose
      { ...ids, variable: 'lymphocytes', observed_at: t0 + 17 * D, value: 2500 },
      { ...ids, variable: 'platelets', observed_at: t0 + 3 * D, value: 45_000 },
      { ...ids, variable: 'platelets', observed_at: t0 + 60 * D, value: 20_000 }, // after the assessment
      { ...ids, variable: 'bicarbonate', observed_at: t0 + 15 * D, value: 18 },
      { ...ids, variable: 'eosinophils', observed_at: t0 + 16 * D, value: 2500 },
      { ...ids, variable: 'tsh', observed_at: t0 + 44 * D, value: 2 },
    ],
    pressors: [
      { ...ids, start_at: t0 + 1 * D, rate: 0.8 },
      { ...ids, start_at: t0 + 91 * D, rate: 3 }, // course 2
    ],
    events: [
      { ...ids, event_type: 'vitiligo', onset_at: t0 + 40 * D },
      { ...ids, event_type: 'hypothyroidism', onset_at: t0 + 50 * D }, // after the assessment day
    ],
    responses: [
      { ...ids, course_number: 1, best_overall_response: 'PR', assessed_at: t0 + 44 * D },
      { ...ids, course_number: 2, best_overall_response: 'PR', assessed_at: t0 + 120 * D },
    ],
  };
}

describe('courseSignals: the landmark window', () => {
  it('measures each signal only from the first slot of the course to the end of the assessment day', () => {
    const { rows } = courseSignals(oneCourse());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      course_number: 1, responder: 1, doses_given: 17, miu_per_kg_given: 10.2,
      lymphocyte_baseline: 1000, lymphocyte_peak_after_dosing: 3000, lymphocyte_rebound: 3,
      eosinophil_peak: 2500, platelet_nadir: 45_000, bicarbonate_nadir: 18, phenylephrine_max: 0.8,
      thyroid_dysfunction: 0, vitiligo: 1,
    });
  });
  it('course 2 reads its own window; events before it still count; no pressor means 0', () => {
    const inputs = oneCourse();
    const { rows } = courseSignals(inputs, { course: 2 });
    expect(rows[0]).toMatchObject({ course_number: 2, phenylephrine_max: 3, thyroid_dysfunction: 1, vitiligo: 1, lymphocyte_baseline: null, lymphocyte_rebound: null, platelet_nadir: null });
    const none = courseSignals({ ...inputs, pressors: [] }).rows[0]!;
    expect(none.phenylephrine_max).toBe(0);
  });
  it('abnormal TSH in the window counts as thyroid dysfunction unless the reference is switched off', () => {
    const inputs = oneCourse();
    const hypo = { ...inputs, labs: [...inputs.labs, { ...ids, variable: 'tsh' as const, observed_at: inputs.responses[0]!.assessed_at - 2 * H, value: 14 }] };
    expect(courseSignals(hypo).rows[0]!.thyroid_dysfunction).toBe(1);
    expect(courseSignals(hypo, { tshReference: null }).rows[0]!.thyroid_dysfunction).toBe(0);
  });
  it('says what it left out', () => {
    const inputs = oneCourse();
    const r = courseSignals({ ...inputs, responses: [{ ...inputs.responses[0]!, best_overall_response: 'NE' }] }, { notEvaluable: 'exclude' });
    expect(r.rows).toHaveLength(0);
    expect(r.notes).toContain('1 assessment(s) are NE (not evaluable); counted as left out');
    expect(courseSignals({ ...inputs, responses: [] }).notes).toEqual([
      'no response assessment for course 1; ingest the response table (il2kit ingest) or choose another course',
      '1 patient(s) had course 1 but no response assessment; they are left out of the rate of the assessed and counted as not evaluable in the rate of all treated',
    ]);
  });
});

function row(centre: string, i: number, responder: 0 | 1, over: Partial<CourseSignalRow> = {}): CourseSignalRow {
  return {
    centre_id: centre, patient_key: `${centre}${i}`, disease: i % 2 ? 'rcc' : 'melanoma', ecog: i % 3 === 0 ? 1 : 0, age_at_first_dose: 50 + (i % 20), course_number: 1,
    response: responder ? 'PR' : 'PD', responder, window_start: 0, window_end: 1, doses_given: 8 + (i % 13), miu_per_kg_given: (8 + (i % 13)) * 0.6,
    lymphocyte_baseline: 1000, lymphocyte_peak_after_dosing: 1000 + 100 * (i % 17), lymphocyte_rebound: 1 + 0.1 * (i % 17), eosinophil_peak: 300 + 50 * (i % 7),
    platelet_nadir: 40_000 + 3000 * (i % 9), bicarbonate_nadir: 17 + (i % 6), phenylephrine_max: 0.1 * (i % 11), thyroid_dysfunction: i % 5 === 0 ? 1 : 0, vitiligo: i % 7 === 0 ? 1 : 0, ...over,
  };
}
function cohort(): CourseSignalRow[] {
  const out: CourseSignalRow[] = [];
  for (let i = 0; i < 120; i++) out.push(row('big', i, (i * 7) % 5 === 0 || (i % 7 === 0 && i % 2 === 0) ? 1 : 0));
  for (let i = 0; i < 60; i++) out.push(row('mid', i, i % 4 === 0 ? 1 : 0));
  for (let i = 0; i < 25; i++) out.push(row('none', i, 0)); // a centre with no responders
  out.push(row('solo', 1, 1)); // a one-patient centre
  return out;
}

/** Firth's profile intervals (~50 constrained fits per term) are checked against R elsewhere; these cases need the estimates and messages only. */
const WALD = { profileMaxN: 0 } as const;

describe('edge cases give a defined result or a clear message, never NaN', () => {
  it('a centre with no responders: Firth in the adjusted model, left out of pooling with its reason', () => {
    const r = signalOddsRatios(cohort(), WALD);
    const doses = r.single.find((x) => x.signal === 'doses')!;
    expect(doses.method).toBe('firth');
    expect(doses.firth_reason).toMatch(/separation/);
    expect(doses.or).toBeGreaterThan(0);
    const none = r.forest.find((x) => x.signal === 'doses' && x.centre_id === 'none')!;
    expect(none).toMatchObject({ kind: 'centre', or: null, weight_percent: null, message: 'doses: no responders among 25, so no odds ratio can be estimated' });
    expect(r.notes).toContain('centre none left out of pooling: doses: no responders among 25, so no odds ratio can be estimated');
    expect(r.forest.find((x) => x.signal === 'doses' && x.centre_id === 'solo')!.message).toBe('doses: only 1 course(s) with a measured value; at least 2 are needed');
    expectNoNaN(r);
  });
  it('a signal with no variation', () => {
    const rows = cohort().map((r) => ({ ...r, vitiligo: 0 as const }));
    const r = signalOddsRatios(rows, WALD);
    expect(r.single.find((x) => x.signal === 'vitiligo')).toMatchObject({ or: null, message: 'vitiligo: no variation (every measured course has 0), so no odds ratio can be estimated' });
    expect(r.notes).toContain('left out of the joint model (no variation or too few measured): vitiligo');
    expect(r.joint.map((j) => j.signal)).not.toContain('vitiligo');
    expectNoNaN(r);
  });
  it('no responders anywhere: rates with exact intervals, no funnel, no odds ratios, all with messages', () => {
    const rows = cohort().map((r) => ({ ...r, responder: 0 as const, response: 'PD' as const }));
    const rates = responseRates(rows);
    expect(rates.rates.find((x) => x.centre_id === 'ALL' && x.disease === 'all')).toMatchObject({ responders: 0, rate: 0, wilson_lower: 0, exact_lower: 0 });
    expect(rates.notes).toEqual(['response funnel not drawn: the pooled response rate is 0, so there are no limits to draw']);
    const or = signalOddsRatios(rows, WALD);
    expect(or.single.every((x) => x.or === null && /no responders among 206/.test(x.message ?? ''))).toBe(true);
    expectNoNaN({ rates, or, byDoses: responseByDoses(rows) });
  });
  it('response by doses received uses the stated bands', () => {
    const b = responseByDoses(cohort()).filter((r) => r.centre_id === 'ALL');
    expect(b.map((r) => r.band)).toEqual(['0–9', '10–14', '15–19', '20–24']);
    expect(b.reduce((a, r) => a + r.n_assessed, 0)).toBe(206);
  });
  it('one analysis call on empty inputs explains itself', () => {
    const r = analyseResponse({ patients: [], cycles: [], labs: [], pressors: [], events: [], responses: [] });
    expect(r.notes[0]).toMatch(/no response assessment for course 1/);
    expect(r.landmark).toMatch(/guarantee-time bias/);
  });
});

describe('on 5,000 simulated patients (simulate/, 1,000 per centre)', () => {
  let sim: SimTables;
  let rows: CourseSignalRow[];
  beforeAll(() => {
    sim = simulateTables(1000, { seed: 'or-recovery' });
    rows = courseSignals(sim.inputs).rows;
  }, 600_000);

  const joint = ['lymphocyte_rebound', 'eosinophil_peak', 'platelet_nadir_below_50k', 'bicarbonate_nadir_below_19', 'phenylephrine_max', 'thyroid_dysfunction', 'vitiligo', 'doses'] as const;
  const M = RESPONSE_MODEL;
  const stated: Record<(typeof joint)[number], number> = {
    lymphocyte_rebound: M.perLog2LymphocyteRebound,
    eosinophil_peak: 0, // not in the simulator's response model
    platelet_nadir_below_50k: M.plateletNadirBelow50k,
    bicarbonate_nadir_below_19: M.bicarbonateNadirBelow19,
    phenylephrine_max: M.perPhenylephrineUnit,
    thyroid_dysfunction: M.thyroidDysfunction,
    vitiligo: M.vitiligo,
    doses: M.perDoseAbove16,
  };

  it('the landmark signals, in the simulator’s own model (plus its unobserved immune latent), recover every stated log odds ratio within its family-wise 95% interval', () => {
    const z = new Map(sim.patients.map((p) => [p.localId, p.immuneLatent]));
    const used = rows.filter((r) => joint.every((s) => SIGNALS[s].value(r) !== null));
    expect(used.length).toBeGreaterThan(4900);
    const cov: Record<string, number[]> = {};
    for (const s of joint) cov[s] = used.map((r) => SIGNALS[s].value(r)!);
    cov.melanoma = used.map((r) => (r.disease === 'melanoma' ? 1 : 0));
    cov.ecog = used.map((r) => r.ecog!);
    cov.immune_latent = used.map((r) => z.get(r.patient_key)!);
    const terms = [...joint, 'melanoma', 'ecog', 'immune_latent'];
    const truth = [...joint.map((s) => stated[s]), M.intercept.melanoma - M.intercept.rcc, M.perEcogPoint, M.immuneLatent];
    // Eleven intervals at once: each at 1 − 0.05/11 (Bonferroni), so the family misses a true value 1 time in 20 at most.
    const f = fitTerms(used.map((r) => r.responder), cov, terms, { level: 1 - 0.05 / terms.length });
    expect(f.ok).toBe(true);
    if (!f.ok) return;
    f.fits.forEach((e, i) => {
      expect(Math.log(e.lower), `${terms[i]} lower`).toBeLessThanOrEqual(truth[i]!);
      expect(Math.log(e.upper), `${terms[i]} upper`).toBeGreaterThanOrEqual(truth[i]!);
    });
  });

  it('the kit’s joint model (centre, disease, ECOG; no latent) is biased upward for signals the latent also drives — the reason the output says "not causal"', () => {
    const r = signalOddsRatios(rows, { adjust: ['centre', 'disease', 'ecog'], profileMaxN: 0 });
    const est = (s: string) => r.joint.find((x) => x.signal === s)!;
    for (const s of ['lymphocyte_rebound', 'vitiligo'] as const) expect(est(s).log_or!).toBeGreaterThan(stated[s]);
    for (const s of ['platelet_nadir_below_50k', 'bicarbonate_nadir_below_19', 'doses'] as const) {
      expect(Math.log(est(s).lower!)).toBeLessThanOrEqual(stated[s]);
      expect(Math.log(est(s).upper!)).toBeGreaterThanOrEqual(stated[s]);
    }
    expect(r.landmark).toMatch(/not causal/);
    expectNoNaN(r);
  });
});
