// Must show (issue 6): the implied thresholds recover each simulated centre's true thresholds within their intervals.
// The samples (30 patients a centre) put too few slots near the edges, so this simulates 200 patients for two centres,
// ingests them with the centres' own mapping specs, and checks the change point of the hold rate against the edge of
// each centre's ruleset (rules/centres/<centre>.yaml): riverside holds HR ≥100, amstel HR ≥120 (both: HR relative band
// lower edge, inclusive); both hold creatinine ≥2.5 mg/dL and urine ≤160 mL per shift (relative bands [2.5, 3) and
// [80, 160] with absolute beyond). Amstel records creatinine in whole µmol/L: 2.50 mg/dL is exported as 221 µmol/L,
// stored at the precision the source reported as 2.5 mg/dL (pipelines/map/units.ts), so its edge is recovered exactly
// (before, 221 µmol/L was stored as 2.4994 mg/dL and the edge only to one recording step).
// Platelets <50,000/µL and phenylephrine ≥1 µg/kg/min are too rare in the simulated physiology to locate an edge.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { impliedThresholds, type ImpliedThresholdRow } from '../../../analytics/practice/implied-thresholds.js';
import { ingestCentre } from '../../../pipelines/ingest.js';
import { openStore } from '../../../pipelines/store/commit.js';
import { computeSlotFeatures, readSlotFeatures } from '../../../rules/features.js';
import { loadRuleset } from '../../../rules/load.js';
import { simulate } from '../../../simulate/index.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CENTRES = ['riverside', 'amstel'] as const;
const TRUE_EDGES = [
  { centre: 'riverside', variable: 'heart_rate_at_dose', edge: 100, direction: 'up', resolution: 0 },
  { centre: 'amstel', variable: 'heart_rate_at_dose', edge: 120, direction: 'up', resolution: 0 },
  { centre: 'riverside', variable: 'creatinine', edge: 2.5, direction: 'up', resolution: 0 },
  { centre: 'amstel', variable: 'creatinine', edge: 2.5, direction: 'up', resolution: 0 },
  { centre: 'riverside', variable: 'urine_output_shift', edge: 160, direction: 'down', resolution: 0 },
  { centre: 'amstel', variable: 'urine_output_shift', edge: 160, direction: 'down', resolution: 0 },
] as const;
const dir = mkdtempSync(join(tmpdir(), 'il2kit-thresholds-'));
let rows: ImpliedThresholdRow[] = [];

beforeAll(async () => {
  await simulate({ centres: CENTRES, patients: 200, seed: 'issue-6-implied-thresholds', out: dir });
  for (const c of CENTRES) {
    copyFileSync(join(ROOT, 'data-samples', c, 'mapping.yaml'), join(dir, c, 'mapping.yaml'));
    await ingestCentre(join(dir, c, 'mapping.yaml'), { storeDir: join(dir, 'store'), env: {} });
  }
  const { conn, close } = await openStore(join(dir, 'store', 'il2kit.duckdb'));
  try {
    await computeSlotFeatures(conn);
    const frame = await readSlotFeatures(conn);
    rows = impliedThresholds(frame, loadRuleset(join(ROOT, 'rules', 'sources', 'consensus-2014-t3.yaml')));
  } finally {
    close();
  }
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('implied thresholds on 200 simulated patients a centre', () => {
  it.each(TRUE_EDGES)('$centre holds $variable at $edge: the edge lies in the change point’s interval', ({ centre, variable, edge, direction, resolution }) => {
    const r = rows.find((x) => x.centre_id === centre && x.variable === variable)!;
    expect(r.step_direction).toBe(direction);
    expect(r.step_lower! - resolution).toBeLessThanOrEqual(edge);
    expect(r.step_upper! + resolution).toBeGreaterThanOrEqual(edge);
    expect(Math.abs(r.step_threshold! - edge)).toBeLessThanOrEqual(Math.max(resolution, 0.05 * edge));
    // The hold rate crosses one half at the edge: that is the value at which the centre holds half its doses.
    expect(r.hold_rate_floor!).toBeLessThan(0.5);
    expect(r.hold_rate_ceiling!).toBeGreaterThan(0.5);
  });

  // By the ED50 as well (issue 21), fitted on the holds the variable can explain. With those holds only, the hold rate
  // steps from about 0 below the edge to a ceiling of 0.74–0.88 above it (the doses given through). The plain logistic
  // (0 to 1) crosses one half above the edge and its interval misses it (measured with session 12's simulator: riverside
  // creatinine 2.579 [2.559, 2.600], amstel 2.651 [2.609, 2.700]). The four-parameter logistic estimates floor and
  // ceiling, so its ED50 is half-way between them: within 3% of the edge, and its profile-likelihood interval covers it.
  it.each(TRUE_EDGES)('$centre holds $variable at $edge: the 4PL ED50 is within 3% and its interval covers the edge', ({ centre, variable, edge }) => {
    const r = rows.find((x) => x.centre_id === centre && x.variable === variable)!;
    expect(r.ed50_4pl, JSON.stringify(r)).not.toBeNull();
    expect(Math.abs(r.ed50_4pl! - edge), JSON.stringify(r)).toBeLessThanOrEqual(0.03 * edge);
    expect(r.ed50_4pl_lower!, JSON.stringify(r)).toBeLessThanOrEqual(edge);
    expect(r.ed50_4pl_upper!, JSON.stringify(r)).toBeGreaterThanOrEqual(edge);
    expect(r.held_other_reasons).toBeGreaterThan(0);
  });

  // The plain logistic ED50 is still reported (beside the change point, as the issue asks); where the ceiling is well
  // below 1 it lies above the edge, within 12% of it here. It is also pulled by outliers: since the simulator's
  // myocardial infarction (decision 56) shifted the row-keyed imperfection draws, two amstel patients carry slipped-digit
  // creatinine values (11.65 and 12.78 mg/dL, three doses each given through), and amstel's plain slope falls from 18.0
  // to 3.5 and its ED50 moves from 2.53 to 2.75 (10 % above the edge) while the change point and the 4PL stay on it.
  // This is why the 4PL ED50 is the one to read.
  const notUrine = TRUE_EDGES.filter((e) => e.variable !== 'urine_output_shift');
  it.each(notUrine)('$centre holds $variable at $edge: the plain ED50 is at or above the edge', ({ centre, variable, edge }) => {
    const r = rows.find((x) => x.centre_id === centre && x.variable === variable)!;
    expect(r.problem, JSON.stringify(r)).toBeNull();
    expect(r.logistic_method).toBe('ml');
    expect(r.fieller_upper!, JSON.stringify(r)).toBeGreaterThanOrEqual(edge);
    expect(r.ed50! - edge, JSON.stringify(r)).toBeLessThanOrEqual(0.12 * edge);
    expect(r.ed50!, JSON.stringify(r)).toBeGreaterThanOrEqual(edge);
  });

  it.each(notUrine)('$centre holds $variable at $edge: floor near 0, ceiling below 1', ({ centre, variable }) => {
    const r = rows.find((x) => x.centre_id === centre && x.variable === variable)!;
    expect(r.hold_rate_floor!).toBeLessThan(0.05);
    expect(r.hold_rate_ceiling!).toBeLessThan(0.95);
  });
});
