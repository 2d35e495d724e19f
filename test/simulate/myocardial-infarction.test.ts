// Issue 22 (s17): a myocardial infarction or ischaemia ends the patient's IL-2 (label S3a §2.4 Table 2: "ECG changes
// consistent with ischaemia or MI" → permanently discontinue [V]; consensus and S5: ECG ischaemia / raised cardiac
// enzymes are absolute criteria). Each patient is given one infarction after dose 3 (the draw is replaced: at the cited
// 1 % too few patients have one for a per-centre test). Before s17 the simulator had no such event: no rule fired, the
// patient was dosed on and went on to later cycles and courses.
import { describe, expect, it, vi } from 'vitest';
import { simulatePatient } from '../../simulate/patient.js';
import { CENTRE_IDS, PROFILES } from '../../simulate/profiles.js';
import { centrePractice } from '../../simulate/rulesets.js';
import { reasonTextEn } from '../../simulate/writers/common.js';
import { Rng } from '../../simulate/prng.js';
import type { SimPatient } from '../../simulate/types.js';

vi.mock('../../simulate/serious-events.js', () => ({
  drawSeriousEvents: () => [{ type: 'myocardial_infarction_or_ischaemia', afterDose: 3, durationH: 30, limitH: 0 }],
}));

const MI = 'myocardial_infarction_or_ischaemia';
const PER_CENTRE = 12;

const simulated = (centre: (typeof CENTRE_IDS)[number]): SimPatient[] => {
  const ruleset = centrePractice(centre);
  return Array.from({ length: PER_CENTRE }, (_, i) => simulatePatient({ seed: 'mi-test', profile: PROFILES[centre], ruleset }, i));
};

describe.each(CENTRE_IDS)('a myocardial infarction after dose 3 at %s', (centre) => {
  const patients = simulated(centre);

  it('stops dosing at the first slot after it, with no later cycle or course; the reason is charted by name', () => {
    let stoppedAtSlot = 0;
    for (const p of patients) {
      expect([p.permanentlyDiscontinued, p.courses.length, p.courses[0]!.cycles.length], p.localId).toEqual([true, 1, 1]);
      const cy = p.courses[0]!.cycles[0]!;
      const mi = cy.events.find((e) => e.type === MI)!;
      expect(mi.grade).toBe(4);
      expect(cy.slots.filter((s) => s.status === 'given' && s.scheduledAt > mi.onsetAt), p.localId).toEqual([]);
      const after = cy.slots.filter((s) => s.scheduledAt > mi.onsetAt && s.status !== 'not_reached');
      if (after.length === 0) continue; // dosing had ended (another stop) before dose 3 was reached
      expect(after.length).toBe(1);
      const [s] = after;
      expect(['stop_cycle', 'discontinue']).toContain(s!.decision);
      expect(s!.firedRules).toContain('cv.ecg_ischaemia');
      expect(s!.reasonCodes).toContain('cardiac_ischaemia');
      expect(reasonTextEn(s!, new Rng('t'))).toContain('troponin up - ?MI');
      stoppedAtSlot += 1;
    }
    expect(stoppedAtSlot).toBeGreaterThan(PER_CENTRE / 2);
  });
});
