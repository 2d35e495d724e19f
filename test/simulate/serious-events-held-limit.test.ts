// Issue 22 (s16): a dose held because a dialysis (or coma) is under way counts against the centre's held-dose limit
// exactly like a rule's hold (decide.ts holdOrStop): at lakeshore (S5: stop after 3 held doses) the hold that reaches
// the limit stops the cycle. The old simulator counted such holds but never stopped, and went on dosing where the kit's
// engine stops (truth-large, lakeshore). Each patient is given one 60-hour dialysis after dose 2 (the draw is replaced:
// at the cited 1 % too few patients have one for a test).
import { describe, expect, it, vi } from 'vitest';
import { simulatePatient } from '../../simulate/patient.js';
import { PROFILES } from '../../simulate/profiles.js';
import { centrePractice } from '../../simulate/rulesets.js';
import type { SimCycle } from '../../simulate/types.js';

vi.mock('../../simulate/serious-events.js', () => ({
  drawSeriousEvents: () => [{ type: 'dialysis', afterDose: 2, durationH: 60, limitH: 72 }],
}));

const firstCycles = (centre: 'lakeshore' | 'riverside', n: number): SimCycle[] => {
  const ruleset = centrePractice(centre);
  return Array.from({ length: n }, (_, i) => simulatePatient({ seed: 'held-limit-test', profile: PROFILES[centre], ruleset }, i).courses[0]!.cycles[0]!);
};
const decided = (cy: SimCycle) => cy.slots.filter((s) => s.status !== 'not_reached');
const duringDialysis = (cy: SimCycle) => {
  const e = cy.events.find((x) => x.type === 'dialysis')!;
  return decided(cy).filter((s) => s.scheduledAt >= e.onsetAt && s.scheduledAt < (e.resolvedAt ?? Infinity));
};

describe("holds during a dialysis obey the centre's held-dose limit", () => {
  it('lakeshore (limit 3): no hold at or past the limit; the limit stops the cycle for the dialysis, and nothing is given after', () => {
    const max = centrePractice('lakeshore').policies.stop_after_held_doses!;
    expect(max).toBe(3);
    let limitStops = 0;
    for (const cy of firstCycles('lakeshore', 30)) {
      for (const s of decided(cy).filter((x) => x.decision === 'hold')) expect(s.heldSoFar, `slot ${s.slotNumber}`).toBeLessThan(max);
      const stop = duringDialysis(cy).find((s) => s.heldSoFar === max);
      if (stop === undefined) continue;
      expect([stop.decision, stop.reasonCodes.includes('cycle_limit'), cy.endReason]).toEqual(['stop_cycle', true, 'toxicity_stop']);
      expect(decided(cy).filter((s) => s.slotNumber > stop.slotNumber)).toEqual([]);
      // the stop is the dialysis' own hold reaching the limit, unless a rule held at that slot as well
      if (stop.reasonCodes.join() === 'renal_replacement,cycle_limit') limitStops += 1;
    }
    expect(limitStops).toBeGreaterThan(5);
  });

  it('riverside (no held-dose limit): the same dialysis holds dose after dose, with its reason', () => {
    let long = 0;
    for (const cy of firstCycles('riverside', 30)) {
      const held = duringDialysis(cy).filter((s) => s.decision === 'hold' && s.reasonCodes.includes('renal_replacement'));
      if (held.length >= 3) long += 1;
    }
    expect(long).toBeGreaterThan(5);
  });
});
