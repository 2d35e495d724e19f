// The doses-reached funnel (mean doses per cycle, Spiegelhalter normal limits) against the same limits computed in R
// from the same cycles (scripts/r/make-fixtures-reml-funnel.R → test/fixtures/r/doses-funnel.json). The panel's pooled
// funnel is this function on the cycles rebuilt from the bundles' histograms (analytics/panel/pool-doses.ts).
import { describe, expect, it } from 'vitest';
import { meanDosesFunnel } from '../../../analytics/doses/mean-doses-funnel.js';
import type { CycleDoses } from '../../../analytics/doses/types.js';
import { expectClose, loadFixture } from '../stats/r-fixtures.js';

interface Row {
  centre_id: string;
  n_cycles: number;
  mean_doses: number;
  lower95: number;
  upper95: number;
  lower998: number;
  upper998: number;
  position95: string;
  position998: string;
}
const fx = loadFixture<{
  cycles: { centre_id: string[]; doses_given: number[]; planned_max_doses: number[] };
  target: number;
  sd: number;
  cap: number;
  rows: Row[];
  curves: { n: number; lower95: number; upper95: number; lower998: number; upper998: number }[];
}>('doses-funnel');

const cycles: CycleDoses[] = fx.cycles.centre_id.map((c, i) => ({
  centre_id: c,
  patient_key: `${c}-${i}`,
  cycle_id: `${c}-${i}`,
  course_number: 1,
  cycle_number: 1,
  dose_iu_per_kg: 600_000,
  planned_max_doses: fx.cycles.planned_max_doses[i]!,
  end_reason: 'toxicity_stop',
  doses_given: fx.cycles.doses_given[i]!,
  iu_per_kg_given: 0,
}));

describe('meanDosesFunnel against R (same cycles, limits from qnorm)', () => {
  const f = meanDosesFunnel(cycles);
  it('target and SD as mean() and sd()', () => {
    expectClose('funnel', f.target!, fx.target, 1e-12, 1e-14, 'target');
    expectClose('funnel', f.sd!, fx.sd, 1e-12, 1e-14, 'sd');
  });
  it('every centre: n, mean, 95% and 99.8% limits (clipped to 0 … cap) and its position', () => {
    expect(f.rows.map((r) => r.centre_id)).toEqual(fx.rows.map((r) => r.centre_id));
    for (const [i, ref] of fx.rows.entries()) {
      const r = f.rows[i]!;
      expect(r.n_cycles).toBe(ref.n_cycles);
      for (const k of ['mean_doses', 'lower95', 'upper95', 'lower998', 'upper998'] as const) {
        expectClose('funnel', r[k], ref[k], 1e-9, 1e-12, `${ref.centre_id} ${k}`);
      }
      expect([r.position95, r.position998]).toEqual([ref.position95, ref.position998]);
    }
    // The fixture has centres outside the limits and a limit clipped at the cap, and a curve clipped at the cap, so positions and clipping are exercised.
    expect(fx.rows.some((r) => r.position95 !== 'within')).toBe(true);
    expect(fx.curves.some((c) => c.upper998 === fx.cap)).toBe(true);
  });
  it('the limit curves at the cycle counts both grids share', () => {
    for (const ref of fx.curves) {
      const at = (level: number) => f.curves.find((c) => c.x === ref.n && c.level === level);
      if (at(0.95) === undefined) continue;
      expectClose('funnel', at(0.95)!.lower, ref.lower95, 1e-9, 1e-12, `n=${ref.n} lower95`);
      expectClose('funnel', at(0.95)!.upper, ref.upper95, 1e-9, 1e-12, `n=${ref.n} upper95`);
      expectClose('funnel', at(0.998)!.lower, ref.lower998, 1e-9, 1e-12, `n=${ref.n} lower998`);
      expectClose('funnel', at(0.998)!.upper, ref.upper998, 1e-9, 1e-12, `n=${ref.n} upper998`);
    }
    expect(fx.curves.filter((c) => f.curves.some((x) => x.x === c.n)).length).toBeGreaterThanOrEqual(5);
  });
});
