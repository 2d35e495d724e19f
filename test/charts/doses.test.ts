import { describe, expect, it } from 'vitest';
import { analyseDoses, type CycleDoses, type PatientCaseMix } from '../../analytics/index.js';
import type { CycleEndReason } from '../../schemas/index.js';
import { END_CAUSE_STYLE, doseDistributionSpec, doseSurvivalSpec, endReasonIncidenceSpec, meanDosesFunnelSpec, reachingFunnelSpec } from '../../charts/index.js';
import { meanDosesFunnel } from '../../analytics/doses/index.js';
import { checkChart } from './harness.js';

const REASONS: CycleEndReason[] = ['toxicity_stop', 'clinician', 'toxicity_stop', 'patient', 'window_closed'];

/** Three centres, two regimens (600k/14 and 720k/15), 20–30 patients each with one or two cycles; deterministic. */
function sample(): { cycles: CycleDoses[]; patients: PatientCaseMix[] } {
  const cycles: CycleDoses[] = [];
  const patients: PatientCaseMix[] = [];
  const centres = [
    { id: 'north', n: 30, cap: 14, dose: 600_000, shift: 0 },
    { id: 'south', n: 24, cap: 15, dose: 720_000, shift: 3 },
    { id: 'west', n: 20, cap: 14, dose: 600_000, shift: -2 },
  ];
  for (const c of centres) {
    for (let i = 0; i < c.n; i++) {
      const key = `${c.id}-${i}`;
      patients.push({ centre_id: c.id, patient_key: key, disease: i % 3 === 0 ? 'melanoma' : 'rcc', age_at_first_dose: 40 + ((i * 7) % 35), ecog: i % 4 === 0 ? 1 : 0 });
      for (let cycle = 1; cycle <= (i % 2 === 0 ? 2 : 1); cycle++) {
        const doses = Math.max(0, Math.min(c.cap, ((i * 5 + cycle * 3) % (c.cap + 4)) + c.shift));
        const end: CycleEndReason = doses >= c.cap ? 'max_reached' : REASONS[(i + cycle) % REASONS.length]!;
        cycles.push({ centre_id: c.id, patient_key: key, cycle_id: `${key}-c1.${cycle}`, course_number: 1, cycle_number: cycle, dose_iu_per_kg: c.dose, planned_max_doses: c.cap, end_reason: end, doses_given: doses, iu_per_kg_given: doses * c.dose });
      }
    }
  }
  return { cycles, patients };
}

export const DOSES_SAMPLE = sample();
const r = analyseDoses(DOSES_SAMPLE.cycles, DOSES_SAMPLE.patients);

checkChart('dose-survival', doseSurvivalSpec, r.survival.curves);
checkChart('dose-survival-with-all', (rows: typeof r.survival.curves) => doseSurvivalSpec(rows, { includeAll: true, title: 'With the all-centres curve' }), r.survival.curves);
checkChart('end-reason-incidence', endReasonIncidenceSpec, r.survival.incidence);
checkChart('dose-distribution', doseDistributionSpec, r.histogram);
checkChart('dose-distribution-cycle-2', (rows: typeof r.histogram) => doseDistributionSpec(rows, { cycle: '2' }), r.histogram);
checkChart('reaching-funnel', reachingFunnelSpec, r.reaching);
checkChart('mean-doses-funnel', meanDosesFunnelSpec, meanDosesFunnel(DOSES_SAMPLE.cycles));
checkChart('mean-doses-funnel-empty', meanDosesFunnelSpec, meanDosesFunnel([]));
checkChart('reaching-funnel-empty', reachingFunnelSpec, { ...r.reaching, crude: [], adjusted: [], curves: [] });

describe('dose charts', () => {
  const values = (spec: object) => (spec as { data: { values: Record<string, unknown>[] } }).data.values;

  it('draw per-centre curves only, unless asked for the all-centres one', () => {
    expect(new Set(values(doseSurvivalSpec(r.survival.curves)).map((v) => v.centre))).toEqual(new Set(['north', 'south', 'west']));
    expect(new Set(values(doseSurvivalSpec(r.survival.curves, { includeAll: true })).map((v) => v.centre))).toContain('ALL');
  });

  it('keep caps in separate panels, so 14-dose cycles are never drawn on the 15-dose axis', () => {
    const panels = values(doseSurvivalSpec(r.survival.curves));
    expect(new Set(panels.filter((v) => v.centre === 'south').map((v) => v.panel))).toEqual(new Set(['Cap 15 doses']));
    expect(new Set(panels.filter((v) => v.centre === 'north').map((v) => v.panel))).toEqual(new Set(['Cap 14 doses']));
  });

  it('label every competing end event, and the histogram keeps regimens apart', () => {
    expect(new Set(values(endReasonIncidenceSpec(r.survival.incidence)).map((v) => v.cause))).toEqual(new Set(Object.values(END_CAUSE_STYLE).map((s) => s.label)));
    const h = values(doseDistributionSpec(r.histogram));
    expect(new Set(h.map((v) => v.panel))).toEqual(new Set(['north · 600k/14', 'south · 720k/15', 'west · 600k/14']));
  });

  it('the funnel has a crude and an adjusted panel with the centres as points', () => {
    const spec = reachingFunnelSpec(r.reaching) as { hconcat: { title: string; layer: { data?: { values: { label?: string }[] } }[] }[] };
    expect(spec.hconcat.map((p) => p.title)).toEqual(['Crude', 'Case-mix adjusted']);
    for (const p of spec.hconcat) expect(p.layer[2]!.data!.values.map((v) => v.label)).toEqual(['north', 'south', 'west']);
  });
});
