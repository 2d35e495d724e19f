// Issue 20's equivalence on a larger simulation through the kit's whole path (not count tables made by hand): the
// simulator's exports of three centres at 120 patients each (four times the samples' 30), ingested by `il2kit
// ingest`; each centre summarised as `il2kit bundle` summarises it (slot features from the store, every kit ruleset),
// with nothing suppressed; pooled. The pooled concordance, kappa, enforcement per rule, hold reasons, dose survival
// and response rates equal the patient-level analysis of the one store holding all three centres, exactly.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCaseMix, loadCycleDoses } from '../../../analytics/doses/load.js';
import { doseSurvival } from '../../../analytics/doses/dose-survival.js';
import type { CycleDoses } from '../../../analytics/doses/types.js';
import { readStore } from '../../../analytics/read-store.js';
import { loadResponseInputs } from '../../../analytics/response/load.js';
import { courseSignals } from '../../../analytics/response/course-signals.js';
import { eligibleCourses, eligibleRates } from '../../../analytics/response/eligible-rates.js';
import type { ResponseInputs } from '../../../analytics/response/types.js';
import { concordance } from '../../../analytics/practice/concordance.js';
import { cohenKappa } from '../../../analytics/practice/kappa.js';
import { enforcement } from '../../../analytics/practice/enforcement.js';
import { holdReasonMix } from '../../../analytics/practice/hold-reasons.js';
import { DEFAULT_REFERENCE, kitRulesets, slotFeaturesFromStore } from '../../../analytics/practice/report.js';
import { evaluateRuleset } from '../../../rules/engine.js';
import { summariseCentre } from '../../../analytics/panel/summarise.js';
import { poolBundles, type PanelResult } from '../../../analytics/panel/pool.js';
import { unsuppressedBundle } from '../../helpers/panel.js';
import { il2kit, ROOT } from '../../helpers/cli.js';

const CENTRES = ['riverside', 'lakeshore', 'amstel'];
const PATIENTS = 120;
const work = mkdtempSync(join(tmpdir(), 'il2kit-panel-equivalence-sim-'));
const store = join(work, 'store');
const byCentre = <T extends { centre_id: string }>(rows: readonly T[], c: string) => rows.filter((r) => r.centre_id === c);
const rulesets = kitRulesets();
let cycles: CycleDoses[];
let inputs: ResponseInputs;
let whole: Awaited<ReturnType<typeof slotFeaturesFromStore>>;
let stored: string[];
let result: PanelResult;

beforeAll(async () => {
  const exportsDir = join(work, 'exports');
  const simArgs = ['--centres', CENTRES.join(','), '--patients', String(PATIENTS), '--seed', 'panel-equivalence', '--out', exportsDir, '--quiet'];
  const sim = il2kit(['simulate', ...simArgs]);
  expect(sim.code).toBe(0);
  const specs = CENTRES.map((c) => join(exportsDir, c, 'mapping.yaml'));
  CENTRES.forEach((c, i) => copyFileSync(join(ROOT, 'data-samples', c, 'mapping.yaml'), specs[i]!));
  // --accept-failed-checks: a centre whose simulated duplicates fail an error check is still stored (the test needs all three).
  const ingest = il2kit(['ingest', ...specs, '--store', store, '--reports', join(work, 'reports'), '--accept-failed-checks']);
  expect([0, 1]).toContain(ingest.code);
  const data = await readStore(store, async (conn) => ({
    cycles: await loadCycleDoses(conn),
    patients: await loadCaseMix(conn),
    response: await loadResponseInputs(conn),
  }));
  cycles = data.cycles;
  inputs = data.response;
  stored = [...new Set(cycles.map((c) => c.centre_id))].sort();
  whole = await slotFeaturesFromStore(store);
  const reference = rulesets.find((r) => r.id === DEFAULT_REFERENCE)!;
  const bundles = [];
  for (const c of stored) {
    const r = data.response;
    const only: ResponseInputs = {
      patients: byCentre(r.patients, c), cycles: byCentre(r.cycles, c), labs: byCentre(r.labs, c), pressors: byCentre(r.pressors, c),
      events: byCentre(r.events, c), responses: byCentre(r.responses, c),
      ...(r.courseLabs === undefined ? {} : { courseLabs: { params: r.courseLabs.params, rows: byCentre(r.courseLabs.rows, c) } }),
    };
    const frame = await slotFeaturesFromStore(store, { centres: [c] });
    const mine = { cycles: byCentre(cycles, c), patients: byCentre(data.patients, c), response: only };
    const s = summariseCentre({ centre_id: c, ...mine, frame, rulesets, reference, bootstrap: 10 });
    bundles.push(unsuppressedBundle(s));
  }
  result = poolBundles(bundles);
}, 1_800_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe(`pooling equals the patient-level analysis on a simulation of ${CENTRES.length} centres × ${PATIENTS} patients (the kit's whole path)`, () => {
  it('stores all three centres, 3 × 120 patients, with slot features for every one', () => {
    expect(stored).toEqual([...CENTRES].sort());
    expect(new Set(inputs.patients.map((p) => `${p.centre_id}|${p.patient_key}`)).size).toBe(CENTRES.length * PATIENTS);
    expect(new Set(whole.centre_id).size).toBe(3);
    expect(whole.n).toBeGreaterThan(10_000);
  });

  it('concordance and kappa per ruleset, and enforcement per rule: pooled counts = patient-level counts', () => {
    for (const rs of rulesets) {
      const ev = evaluateRuleset(rs, whole, { history: 'recorded' });
      const pl = concordance(whole, ev);
      const sum = (k: 'met_and_held' | 'met_but_given' | 'held_without_criterion' | 'neither') => pl.reduce((a, r) => a + r[k], 0);
      const pooled = result.concordance.find((r) => r.ruleset_id === rs.id && r.centre_id === 'ALL')!;
      expect([rs.id, pooled.met_and_held, pooled.met_but_given, pooled.held_without_criterion, pooled.neither]).toEqual([
        rs.id, sum('met_and_held'), sum('met_but_given'), sum('held_without_criterion'), sum('neither'),
      ]);
      expect(pooled.kappa).toBe(cohenKappa(sum('met_and_held'), sum('met_but_given'), sum('held_without_criterion'), sum('neither'))?.kappa ?? null);
      const byRule = new Map<string, [number, number]>();
      for (const e of enforcement(whole, ev)) {
        const [met, held] = byRule.get(e.rule_id) ?? [0, 0];
        byRule.set(e.rule_id, [met + e.met, held + e.held_when_met]);
      }
      const pooledEnf = result.enforcement.filter((r) => r.ruleset_id === rs.id).map((r) => [r.rule_id, r.met, r.held_when_met]);
      expect(pooledEnf.sort()).toEqual([...byRule].map(([rule, [met, held]]) => [rule, met, held]).sort());
    }
    expect(result.concordance.filter((r) => r.centre_id === 'ALL').every((r) => r.centres_pooled === 3)).toBe(true);
  });

  it('hold-reason counts: pooled = patient-level', () => {
    const pl = new Map<string, number>();
    for (const r of holdReasonMix(whole)) pl.set(r.reason, (pl.get(r.reason) ?? 0) + r.slots);
    expect(pl.size).toBeGreaterThan(3);
    expect(result.holdReasons.map((r) => [r.reason, r.slots])).toEqual([...pl].sort(([a], [b]) => a.localeCompare(b)));
  });

  it('dose survival and end-cause incidence; response rates with their intervals', { timeout: 300_000 }, () => {
    const s = doseSurvival(cycles);
    expect(result.doses.survival).toEqual(s.curves);
    expect(result.doses.incidence).toEqual(s.incidence);
    // Pooled rates are of all treated (RECIST 1.1's all-eligible denominator): the patient-level rates of every course given.
    const courses = eligibleCourses(inputs, 1);
    expect(courses.length).toBeGreaterThanOrEqual(courseSignals(inputs).rows.length);
    const rates = eligibleRates(courses);
    const key = (r: { centre_id: string; disease: string }) => `${r.centre_id}|${r.disease}`;
    const pooled = new Map(result.rates.map((x) => [key(x), x]));
    expect([...pooled.keys()].sort()).toEqual(rates.map(key).sort());
    for (const x of rates) {
      const y = pooled.get(key(x))!;
      expect([y.n_eligible, y.responders, y.rate, y.wilson_lower, y.wilson_upper, y.exact_lower, y.exact_upper]).toEqual([
        x.n_eligible, x.responders, x.rate, x.wilson_lower, x.wilson_upper, x.exact_lower, x.exact_upper,
      ]);
    }
  });
});
