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

  // By the logistic ED50 as well (issue 21), fitted on the holds the variable can explain. With those holds only, the
  // hold rate steps from 0 below the edge to a ceiling of 0.74–0.88 above it (the doses given through), and a logistic
  // curve fitted to such a step crosses one half just above the edge: the ED50 lies at or above the edge, within 8% of it,
  // but its interval covers the edge only where the ceiling is high (measured with the simulator of session 12, whose
  // follow-up physiology moved the creatinine fits: riverside creatinine 2.579 [2.559, 2.600], amstel creatinine 2.651
  // [2.609, 2.700]; before it 2.572 and 2.565). The aim, an ED50 interval covering every edge, is not met (#21).
  it.each(TRUE_EDGES.filter((e) => e.variable !== 'urine_output_shift'))('$centre holds $variable at $edge: the ED50 is at or just above the edge', ({ centre, variable, edge }) => {
    const r = rows.find((x) => x.centre_id === centre && x.variable === variable)!;
    expect(r.problem, JSON.stringify(r)).toBeNull();
    expect(r.logistic_method).toBe('ml');
    expect(r.fieller_upper!, JSON.stringify(r)).toBeGreaterThanOrEqual(edge);
    expect(r.ed50! - edge, JSON.stringify(r)).toBeLessThanOrEqual(0.08 * edge);
    expect(r.held_other_reasons).toBeGreaterThan(0);
  });

  // Why the plain ED50's interval misses the edge (measured): after leaving out holds for other reasons the hold rate
  // steps from a floor of 0 below the edge to a ceiling of 0.74–0.88 above it (doses given through), exactly at the
  // edge. A logistic from 0 to 1 crosses one half above the edge; a logistic scaled between the floor and ceiling
  // (ed50_scaled, which does cover the edge where a centre's practice rises gradually: implied-estimability.test.ts)
  // degenerates to the step here, since the simulated centres apply their edges exactly: its slope has no finite
  // estimate, and it is reported as null. For an exactly applied edge the change point is the estimate.
  it.each(TRUE_EDGES.filter((e) => e.variable !== 'urine_output_shift'))('$centre holds $variable at $edge exactly: a sharp step, no scaled ED50', ({ centre, variable }) => {
    const r = rows.find((x) => x.centre_id === centre && x.variable === variable)!;
    expect(r.hold_rate_floor!).toBeLessThan(0.05);
    expect(r.hold_rate_ceiling!).toBeLessThan(0.95);
    expect(r.ed50_scaled, JSON.stringify(r)).toBeNull();
  });
});
