// Outcomes through the panel (issue 22 → 20): centres' outcome count tables, pooled, reproduce the patient-level
// analysis of all centres together — exactly for every count and the life table, within the grouping tolerance for
// Kaplan–Meier — and disclosure control holds on them.
import { describe, expect, it } from 'vitest';
import { lifeTableCounts, lifeTableSurvival, outcomeTables, poolDurableCr, poolSeriousEvents, poolSurvival } from '../../../analytics/panel/index.js';
import { DEFAULT_POLICY } from '../../../analytics/panel/types.js';
import { osSubjects, patientOutcomes, safetyRates, survivalSummary } from '../../../analytics/outcomes/index.js';
import type { OutcomeInputs } from '../../../analytics/outcomes/types.js';
import { discloseSummary } from '../../../reports/bundle/disclose.js';
import { labelProblems } from '../../../analytics/panel/vocabulary.js';
import { summaryOf, unsuppressedBundle } from '../../helpers/panel.js';
import { syntheticInputs } from '../outcomes/rows.js';

const all = syntheticInputs(60, 11);
/** The same patients split into pseudo-centres by patient (not by the synthetic centre), so every split is new. */
function split(inp: OutcomeInputs, parts: number): OutcomeInputs[] {
  const keys = [...new Set(inp.patients.map((p) => `${p.centre_id}\u0000${p.patient_key}`))];
  return Array.from({ length: parts }, (_, i) => {
    const mine = new Set(keys.filter((_, j) => j % parts === i));
    const take = <T extends { centre_id: string; patient_key: string }>(rows: readonly T[]) =>
      rows.filter((r) => mine.has(`${r.centre_id}\u0000${r.patient_key}`)).map((r) => ({ ...r, centre_id: `pc${i}` }));
    return {
      patients: take(inp.patients), followUp: take(inp.followUp), responses: take(inp.responses), assessments: take(inp.assessments),
      cycles: take(inp.cycles), creatinine: take(inp.creatinine), pressors: take(inp.pressors), events: take(inp.events),
    };
  });
}
const parts = split(all, 3);
const bundles = parts.map((p, i) => unsuppressedBundle(summaryOf(`pc${i}`, outcomeTables(p))));
const whole = patientOutcomes(all).rows;

describe('pooled outcome tables equal the patient-level analysis of all centres together', () => {
  it('the bundles pass the vocabulary check', () => {
    for (const b of bundles) expect(labelProblems(b)).toEqual([]);
  });
  it('life tables: summed counts are the whole cohort’s, so the pooled life-table survival is the same number', () => {
    const pooled = poolSurvival(bundles);
    for (const disease of ['rcc', 'melanoma'] as const) {
      const mine = whole.filter((r) => r.disease === disease);
      const counts = lifeTableCounts(mine.map((r) => ({ t: r.os_months, event: r.os_event })));
      const surv = lifeTableSurvival(counts);
      for (const m of [12, 24, 36]) {
        const row = pooled.find((x) => x.endpoint === 'os' && x.disease === disease && x.months === m)!;
        expect(row.centres).toBe(3);
        expect(row.patients).toBe(mine.length);
        expect(row.survival).toBe(surv[m / 12 - 1]!.survival);
      }
    }
  });
  it('and the pooled life table is within 0.03 of the patient-level Kaplan–Meier at 12, 24 and 36 months (the grouping)', () => {
    const km = survivalSummary('os', osSubjects(whole), ['disease']).rows;
    const pooled = poolSurvival(bundles);
    for (const disease of ['rcc', 'melanoma'] as const) {
      const k = km.find((r) => r.grouping === 'disease' && r.group === disease)!;
      for (const [m, s] of [[12, k.s12], [24, k.s24], [36, k.s36]] as const) {
        const row = pooled.find((x) => x.endpoint === 'os' && x.disease === disease && x.months === m)!;
        expect(Math.abs(row.survival! - s!), `${disease} ${m} months`).toBeLessThan(0.03);
      }
    }
  });
  it('durable CRs: the counts of complete responders progression-free and progressed add up exactly', () => {
    const pooled = poolDurableCr(bundles);
    for (const disease of ['rcc', 'melanoma'] as const) {
      const crs = whole.filter((r) => r.disease === disease && r.best_response === 'CR');
      const r24 = pooled.find((x) => x.disease === disease && x.horizon_months === 24)!;
      expect(r24.complete_responders).toBe(crs.length);
      expect(r24.progression_free).toBe(crs.filter((r) => r.pfs_months >= 24).length);
      expect(r24.followed).toBe(crs.filter((r) => r.pfs_months >= 24 || r.pfs_event === 1).length);
    }
  });
  it('serious events: patients with each event per regimen equal the all-centre safety rows exactly, with the exact interval', () => {
    const ref = safetyRates(all).filter((r) => r.centre_id === 'ALL' && !r.regimen.includes('pooled'));
    const pooled = poolSeriousEvents(bundles);
    expect(pooled.length).toBe(ref.length);
    for (const r of ref) {
      const x = pooled.find((y) => y.regimen === r.regimen && y.event_type === r.event_type)!;
      expect([x.patients, x.patients_with_event], `${r.regimen} ${r.event_type}`).toEqual([r.patients, r.patients_with_event]);
      expect(x.per_100_upper).toBeCloseTo(r.per_100_upper!, 12);
    }
    expect(pooled.find((x) => x.event_type === 'any_serious')!.I2).not.toBeNull();
  });
});

describe('disclosure control on the outcome tables', () => {
  it('no released outcome count is under k; a small centre’s life table is suppressed, and the pool says it left it out', () => {
    const k = 5;
    const small = split(all, 12);
    const released = small.map((p, i) => discloseSummary(summaryOf(`pc${i}`, outcomeTables(p)), { ...DEFAULT_POLICY, min_cell: k }, '0.0.0-test').bundle);
    let suppressed = 0;
    for (const b of released)
      for (const t of b.tables)
        for (const row of t.cells)
          for (const v of row) {
            if (v === null) suppressed += 1;
            else expect(v === 0 || v >= k, `${b.centre_id} ${t.id}: ${v}`).toBe(true);
          }
    expect(suppressed).toBeGreaterThan(0);
    const os = poolSurvival(released).filter((r) => r.endpoint === 'os');
    expect(os.some((r) => r.centres_left_out !== '')).toBe(true);
    // Nothing in a released table is a date or a key: only interval codes, horizons and event codes.
    const text = JSON.stringify(released.map((b) => b.tables));
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(text).not.toMatch(/north\d|south\d|west\d/);
  });
});
