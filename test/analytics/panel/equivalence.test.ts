// Equivalence: with nothing suppressed, every pooled count-based figure equals the patient-level analysis of one store
// holding all centres, exactly; pooled odds ratios equal the patient-level per-centre + DerSimonian-Laird result.
// On the five sample centres (bundled from their store) and on a larger simulation (20 centres, analysis level).
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleStore, SAMPLE_CENTRES } from '../../../data-samples/sample-store.js';
import { loadCaseMix, loadCycleDoses } from '../../../analytics/doses/load.js';
import { doseDistribution, doseHistogram } from '../../../analytics/doses/dose-distribution.js';
import { doseSurvival } from '../../../analytics/doses/dose-survival.js';
import { meanDosesFunnel } from '../../../analytics/doses/mean-doses-funnel.js';
import type { CycleDoses } from '../../../analytics/doses/types.js';
import { readStore } from '../../../analytics/read-store.js';
import { loadResponseInputs } from '../../../analytics/response/load.js';
import { analyseResponse } from '../../../analytics/response/analyse.js';
import { responseRates } from '../../../analytics/response/response-rates.js';
import { eligibleRates, isResponder, type EligibleCourse } from '../../../analytics/response/eligible-rates.js';
import { signalOddsRatios } from '../../../analytics/response/signal-odds-ratios.js';
import type { CourseSignalRow, ResponseInputs } from '../../../analytics/response/types.js';
import { concordance } from '../../../analytics/practice/concordance.js';
import { cohenKappa } from '../../../analytics/practice/kappa.js';
import { DEFAULT_REFERENCE, kitRulesets, slotFeaturesFromStore } from '../../../analytics/practice/report.js';
import { evaluateRuleset } from '../../../rules/engine.js';
import { summariseCentre } from '../../../analytics/panel/summarise.js';
import { doseEndFirstTables, doseEndTables } from '../../../analytics/panel/summarise-doses.js';
import { estimateCandidates, responseAllTable, responseTable, signalTables } from '../../../analytics/panel/summarise-response.js';
import { poolBundles, type PanelResult } from '../../../analytics/panel/pool.js';
import type { PanelBundle } from '../../../schemas/bundle.js';
import { subsetFrame, summaryOf, unsuppressedBundle } from '../../helpers/panel.js';
import { holdTables } from '../../../analytics/panel/summarise-holds.js';
import { enforcement } from '../../../analytics/practice/enforcement.js';
import { holdReasonMix } from '../../../analytics/practice/hold-reasons.js';
import { concatFrames } from '../../../rules/feature-frames.js';
import { mulberry32 } from '../../helpers/random.js';

const byCentre = <T extends { centre_id: string }>(rows: readonly T[], c: string) => rows.filter((r) => r.centre_id === c);
const key = (r: { centre_id: string; disease: string }) => `${r.centre_id}|${r.disease}`;

function expectDosesEqual(cycles: CycleDoses[], r: PanelResult): void {
  const s = doseSurvival(cycles);
  expect(r.doses.survival).toEqual(s.curves);
  expect(r.doses.incidence).toEqual(s.incidence);
  // both the all-cycles and the first-cycle (one per patient) log-rank tests between centres
  expect(r.doses.logRank.map(({ centres_left_out, ...x }) => x)).toEqual(s.logRank);
  expect(r.doses.logRank.map((x) => [x.cycles, x.centres_left_out])).toEqual([['all', ''], ['first', '']]);
  expect(r.doses.logRank[1]!.p_value).not.toBeNull();
  expect(r.doses.histogram).toEqual(doseHistogram(cycles).filter((x) => x.cycle_number === 'all'));
  const dist = doseDistribution(cycles).filter((x) => x.cycle_number === 'all');
  expect(r.doses.distribution.map(({ sd, mean_lower, mean_upper, ...rest }) => rest)).toEqual(dist.map(({ sd, mean_lower, mean_upper, ...rest }) => rest));
  r.doses.distribution.forEach((x, i) => expect(x.sd!).toBeCloseTo(dist[i]!.sd!, 12));
  // the mean-doses funnel: the same cycles, so the same rows and limits
  const funnel = meanDosesFunnel(cycles);
  expect(r.doses.meanFunnel.centres_left_out).toBe('');
  expect(r.doses.meanFunnel.rows.map((x) => [x.centre_id, x.n_cycles, x.position95, x.position998])).toEqual(funnel.rows.map((x) => [x.centre_id, x.n_cycles, x.position95, x.position998]));
  r.doses.meanFunnel.rows.forEach((x, i) => expect(x.mean_doses).toBeCloseTo(funnel.rows[i]!.mean_doses, 12));
  expect(r.doses.meanFunnel.target!).toBeCloseTo(funnel.target!, 12);
}

/** Pooled response rates = the patient-level rates of all treated (the all-eligible denominator), and the funnel of those. */
function expectResponseEqual(rows: readonly CourseSignalRow[], courses: readonly EligibleCourse[], r: PanelResult): void {
  const pl = eligibleRates(courses);
  const pooled = new Map(r.rates.map((x) => [key(x), x]));
  expect([...pooled.keys()].sort()).toEqual(pl.map(key).sort());
  for (const x of pl) {
    const y = pooled.get(key(x))!;
    const got = { n: y.n_eligible, x: y.responders, rate: y.rate, wl: y.wilson_lower, wu: y.wilson_upper, el: y.exact_lower, eu: y.exact_upper };
    expect(got).toEqual({ n: x.n_eligible, x: x.responders, rate: x.rate, wl: x.wilson_lower, wu: x.wilson_upper, el: x.exact_lower, eu: x.exact_upper });
  }
  const asRows = courses.map((c) => ({ ...c, responder: isResponder(c.response) ? 1 : 0 }) as CourseSignalRow);
  expect(r.funnel).toEqual(responseRates(asRows).funnel);
  const forest = signalOddsRatios(rows, { adjust: ['centre', 'disease'] }).forest;
  for (const p of forest.filter((f) => f.kind === 'pooled' && f.log_or !== null)) {
    const q = r.signals.find((s) => s.kind === 'pooled' && s.signal === p.signal)!;
    expect(q.k_centres).toBe(p.k_centres);
    expect(q.log_or).toBeCloseTo(p.log_or!, 12);
    expect(q.std_err).toBeCloseTo(p.std_err!, 12);
    expect(q.tau2!).toBeCloseTo(p.tau2!, 12);
    expect(q.i2!).toBeCloseTo(p.i2!, 10);
  }
}

describe('pooling equals the patient-level analysis of the five sample centres (nothing suppressed)', () => {
  let cycles: CycleDoses[];
  let rows: CourseSignalRow[];
  let courses: EligibleCourse[];
  let bundles: PanelBundle[];
  let result: PanelResult;
  let frame: Awaited<ReturnType<typeof slotFeaturesFromStore>>;
  beforeAll(async () => {
    const store = await sampleStore();
    const data = await readStore(store, async (conn) => ({ cycles: await loadCycleDoses(conn), patients: await loadCaseMix(conn), response: await loadResponseInputs(conn) }));
    cycles = data.cycles;
    const resp = analyseResponse(data.response, { adjust: ['centre', 'disease'] });
    rows = resp.signals;
    courses = resp.courses;
    frame = await slotFeaturesFromStore(store);
    const rulesets = kitRulesets();
    const reference = rulesets.find((r) => r.id === DEFAULT_REFERENCE)!;
    bundles = [];
    // The sample centres the store holds (the ingest may keep one out when its error-severity checks fail).
    for (const c of SAMPLE_CENTRES.filter((x) => cycles.some((y) => y.centre_id === x))) {
      const only: ResponseInputs = { patients: byCentre(data.response.patients, c), cycles: byCentre(data.response.cycles, c), labs: byCentre(data.response.labs, c), pressors: byCentre(data.response.pressors, c), events: byCentre(data.response.events, c), responses: byCentre(data.response.responses, c), ...(data.response.courseLabs === undefined ? {} : { courseLabs: { params: data.response.courseLabs.params, rows: byCentre(data.response.courseLabs.rows, c) } }) };
      const f = await slotFeaturesFromStore(store, { centres: [c] });
      bundles.push(unsuppressedBundle(summariseCentre({ centre_id: c, cycles: byCentre(cycles, c), patients: byCentre(data.patients, c), response: only, frame: f, rulesets, reference, bootstrap: 10 })));
    }
    result = poolBundles(bundles);
  }, 300_000);

  it('dose survival, end-cause incidence, the all-cycles and first-cycle log-rank tests, doses-given histogram and distribution', () => expectDosesEqual(cycles, result), 300_000);

  it('response rates with Wilson and exact intervals, the funnel, and DerSimonian-Laird signal odds ratios', () => {
    // The samples have courses given but not assessed, so the all-eligible rates differ from those of the assessed.
    expect(courses.length).toBeGreaterThan(rows.length);
    expectResponseEqual(rows, courses, result);
  }, 300_000);

  it('concordance and kappa per ruleset from summed counts', { timeout: 300_000 }, () => {
    for (const rs of kitRulesets()) {
      const pl = concordance(frame, evaluateRuleset(rs, frame, { history: 'recorded' }));
      const sum = (k: 'met_and_held' | 'met_but_given' | 'held_without_criterion' | 'neither') => pl.reduce((a, r) => a + r[k], 0);
      const pooled = result.concordance.find((r) => r.ruleset_id === rs.id && r.centre_id === 'ALL')!;
      expect([pooled.met_and_held, pooled.met_but_given, pooled.held_without_criterion, pooled.neither]).toEqual([sum('met_and_held'), sum('met_but_given'), sum('held_without_criterion'), sum('neither')]);
      expect(pooled.kappa).toBe(cohenKappa(sum('met_and_held'), sum('met_but_given'), sum('held_without_criterion'), sum('neither'))?.kappa ?? null);
      for (const c of pl) {
        const per = result.concordance.find((r) => r.ruleset_id === rs.id && r.centre_id === c.centre_id)!;
        expect([per.met_and_held, per.met_but_given, per.held_without_criterion, per.neither, per.kappa]).toEqual([c.met_and_held, c.met_but_given, c.held_without_criterion, c.neither, c.kappa]);
      }
    }
  });
});

describe('pooling equals the patient-level analysis on a larger simulation (20 centres, analysis level)', () => {
  const rand = mulberry32(20);
  const cycles: CycleDoses[] = [];
  const rows: CourseSignalRow[] = [];
  for (let c = 0; c < 20; c++) {
    const centre = `sim${String(c).padStart(2, '0')}`;
    const cap = c % 3 === 0 ? 15 : 14;
    const dose = cap === 15 ? 720_000 : 600_000;
    const stopRate = 0.05 + 0.1 * rand();
    for (let i = 0; i < 120 + Math.floor(rand() * 200); i++) {
      let d = 0;
      while (d < cap && rand() > stopRate) d++;
      const reason = d >= cap ? 'max_reached' : rand() < 0.7 ? 'toxicity_stop' : rand() < 0.5 ? 'clinician' : 'patient';
      cycles.push({ centre_id: centre, patient_key: '', cycle_id: `${centre}-${i}`, course_number: 1, cycle_number: 1 + (i % 2), dose_iu_per_kg: dose, planned_max_doses: cap, end_reason: reason, doses_given: d, iu_per_kg_given: d * dose });
    }
    const base = -1.6 + 0.4 * rand();
    for (let i = 0; i < 60 + Math.floor(rand() * 60); i++) {
      const vit = rand() < 0.2 ? 1 : 0;
      const thy = rand() < 0.25 ? 1 : 0;
      const doses = 6 + Math.floor(rand() * 22);
      const disease = rand() < 0.5 ? 'rcc' : 'melanoma';
      const eta = base + 0.8 * vit + 0.5 * thy + 0.04 * (doses - 15) + (disease === 'melanoma' ? 0.2 : 0);
      const responder = rand() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
      rows.push({
        centre_id: centre, patient_key: '', disease, ecog: 0, age_at_first_dose: 55, course_number: 1, response: responder ? 'PR' : 'PD', responder, window_start: 0, window_end: 0,
        doses_given: doses, miu_per_kg_given: doses * 0.6, lymphocyte_baseline: null, lymphocyte_peak_after_dosing: null, lymphocyte_rebound: null, eosinophil_peak: null,
        platelet_nadir: rand() < 0.1 ? null : 20_000 + rand() * 100_000, bicarbonate_nadir: 15 + rand() * 10, phenylephrine_max: rand() < 0.5 ? 0 : rand() * 3, thyroid_dysfunction: thy, vitiligo: vit,
      });
    }
  }
  const centres = [...new Set(cycles.map((c) => c.centre_id))];
  const bundles = centres.map((c) => {
    const rc = byCentre(rows, c);
    const forest = signalOddsRatios(rc, { adjust: ['centre', 'disease'] }).forest;
    return unsuppressedBundle(summaryOf(c, [...doseEndTables(byCentre(cycles, c)), ...doseEndFirstTables(byCentre(cycles, c)), responseTable(rc), responseAllTable(rc), ...signalTables(rc, rc)], estimateCandidates(forest, rc)));
  });
  const result = poolBundles(bundles);

  it('has 20 centres, about 2,700 cycles and a pooled estimate for most signals', () => {
    expect(result.centres).toHaveLength(20);
    expect(cycles.length).toBeGreaterThan(2500);
    expect(result.signals.filter((s) => s.kind === 'pooled' && s.k_centres === 20).length).toBeGreaterThanOrEqual(5);
  });
  it('dose figures', () => expectDosesEqual(cycles, result), 300_000);
  // Every simulated course here is assessed: all treated = assessed.
  it('response rates, funnel and pooled odds ratios', () => expectResponseEqual(rows, rows, result), 300_000);
});

describe('pooled holds equal the patient-level holds at 20 centres (the samples\' slots split into 20 pseudo-centres)', () => {
  let result: PanelResult;
  let frame: Awaited<ReturnType<typeof slotFeaturesFromStore>> extends infer F ? F : never;
  let whole: ReturnType<typeof concatFrames>;
  const rulesets = kitRulesets();
  beforeAll(async () => {
    frame = await slotFeaturesFromStore(await sampleStore());
    // Each sample centre's patients dealt into 4 pseudo-centres (whole patients, so whole cycles and their history).
    const rowsOf = new Map<string, number[]>();
    const rank = new Map<string, number>();
    for (let i = 0; i < frame.n; i++) {
      const key = `${frame.centre_id[i]}|${frame.patient_key[i]}`;
      if (!rank.has(key)) rank.set(key, [...rank.keys()].filter((k) => k.startsWith(`${frame.centre_id[i]}|`)).length);
      const centre = `${frame.centre_id[i]}-p${rank.get(key)! % 4}`;
      rowsOf.set(centre, [...(rowsOf.get(centre) ?? []), i]);
    }
    const parts = [...rowsOf].sort(([a], [b]) => a.localeCompare(b)).map(([c, rows]) => subsetFrame(frame, rows, c));
    whole = concatFrames(parts);
    const statuses = rulesets.map((rs) => ({ id: rs.id, version: rs.version ?? null, status: rs.status, rules: rs.rules.length, rules_inferred: 0, rules_unverified: 0 }));
    const bundles = parts.map((f) => unsuppressedBundle({ ...summaryOf(f.centre_id[0]!, holdTables(f, rulesets)), rulesets: statuses }));
    result = poolBundles(bundles);
  }, 300_000);

  it('has 20 pseudo-centres, each with concordance tables for every ruleset', () => {
    // 20 when the store holds all five sample centres (the ingest may keep one out when its error checks fail)
    const k = 4 * new Set(frame.centre_id).size;
    expect(k).toBeGreaterThanOrEqual(16);
    expect(new Set(whole.centre_id).size).toBe(k);
    expect(result.centres).toHaveLength(k);
    expect(result.concordance.filter((r) => r.centre_id === 'ALL').map((r) => r.centres_pooled)).toEqual(rulesets.map(() => k));
  });

  it('concordance, kappa and enforcement per rule: pooled counts = patient-level counts', { timeout: 300_000 }, () => {
    for (const rs of rulesets) {
      const ev = evaluateRuleset(rs, whole, { history: 'recorded' });
      const pl = concordance(whole, ev);
      expect(pl).toHaveLength(20);
      const sum = (k: 'met_and_held' | 'met_but_given' | 'held_without_criterion' | 'neither') => pl.reduce((a, r) => a + r[k], 0);
      const pooled = result.concordance.find((r) => r.ruleset_id === rs.id && r.centre_id === 'ALL')!;
      expect([pooled.met_and_held, pooled.met_but_given, pooled.held_without_criterion, pooled.neither]).toEqual([sum('met_and_held'), sum('met_but_given'), sum('held_without_criterion'), sum('neither')]);
      expect(pooled.kappa).toBe(cohenKappa(sum('met_and_held'), sum('met_but_given'), sum('held_without_criterion'), sum('neither'))?.kappa ?? null);
      for (const c of pl) {
        const per = result.concordance.find((r) => r.ruleset_id === rs.id && r.centre_id === c.centre_id)!;
        expect([per.met_and_held, per.met_but_given, per.held_without_criterion, per.neither, per.kappa]).toEqual([c.met_and_held, c.met_but_given, c.held_without_criterion, c.neither, c.kappa]);
      }
      const enf = enforcement(whole, ev);
      const byRule = new Map<string, { met: number; held: number }>();
      for (const e of enf) {
        const a = byRule.get(e.rule_id) ?? { met: 0, held: 0 };
        byRule.set(e.rule_id, { met: a.met + e.met, held: a.held + e.held_when_met });
      }
      const pooledEnf = result.enforcement.filter((r) => r.ruleset_id === rs.id);
      expect(pooledEnf.map((r) => [r.rule_id, r.met, r.held_when_met, r.centres_left_out]).sort()).toEqual([...byRule].map(([rule, a]) => [rule, a.met, a.held, '']).sort());
    }
  });

  it('hold-reason counts: pooled = patient-level', () => {
    const pl = new Map<string, number>();
    for (const r of holdReasonMix(whole)) pl.set(r.reason, (pl.get(r.reason) ?? 0) + r.slots);
    expect(pl.size).toBeGreaterThan(5);
    expect(result.holdReasons.map((r) => [r.reason, r.slots])).toEqual([...pl].sort(([a], [b]) => a.localeCompare(b)));
    expect(result.holdReasons.every((r) => r.centres_left_out === '')).toBe(true);
  });
});
