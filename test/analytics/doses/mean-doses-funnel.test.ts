// The mean-doses funnel: target, SD and limits by the stated formula (mean ± z·SD/√n), positions, and the edges.
import { describe, expect, it } from 'vitest';
import { meanDosesFunnel } from '../../../analytics/doses/mean-doses-funnel.js';
import type { CycleDoses } from '../../../analytics/doses/types.js';

const cycle = (centre: string, doses: number): CycleDoses => ({
  centre_id: centre, patient_key: '', cycle_id: '', course_number: 1, cycle_number: 1, dose_iu_per_kg: 600_000, planned_max_doses: 14, end_reason: doses >= 14 ? 'max_reached' : 'toxicity_stop', doses_given: doses, iu_per_kg_given: 0,
});

describe('meanDosesFunnel', () => {
  it('target is the mean over all cycles, SD with n − 1, limits mean ± z·SD/√n with z = 1.959964 and 3.090232, within 0 … cap', () => {
    const cycles = [...[14, 14, 12, 10].map((d) => cycle('a', d)), ...[2, 4, 3, 5, 6, 4].map((d) => cycle('b', d))];
    const f = meanDosesFunnel(cycles);
    const all = cycles.map((c) => c.doses_given);
    const mean = all.reduce((x, y) => x + y, 0) / 10; // 7.4
    const sd = Math.sqrt(all.reduce((x, y) => x + (y - mean) ** 2, 0) / 9);
    expect(f.target).toBeCloseTo(7.4, 12);
    expect(f.sd).toBeCloseTo(sd, 12);
    const a = f.rows[0]!;
    expect(a.mean_doses).toBe(12.5);
    expect(a.upper95).toBeCloseTo(Math.min(14, 7.4 + (1.959964 * sd) / 2), 5);
    expect(a.upper998).toBe(14); // 7.4 + 3.090232 · SD / 2 is above the cap, which a mean cannot pass
    expect(7.4 + (3.090232 * sd) / 2).toBeGreaterThan(14);
    expect(a.position95).toBe(12.5 > 7.4 + (1.959964 * sd) / 2 ? 'above' : 'within');
    const b = f.rows[1]!;
    expect(b.lower95).toBeCloseTo(Math.max(0, 7.4 - (1.959964 * sd) / Math.sqrt(6)), 5);
    expect(b.position95).toBe(4 < 7.4 - (1.959964 * sd) / Math.sqrt(6) ? 'below' : 'within');
    expect(f.curves.filter((c) => c.x === 4 && c.level === 0.95)[0]!.upper).toBeCloseTo(a.upper95, 12);
    expect(f.method).toMatch(/Spiegelhalter 2005/);
  });

  it('fewer than two cycles: no funnel, said so', () => {
    expect(meanDosesFunnel([cycle('a', 3)]).rows).toEqual([]);
    expect(meanDosesFunnel([]).target).toBeNull();
  });
});
