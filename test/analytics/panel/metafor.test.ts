// Pooled signal odds ratios from the committed sample bundles against metafor (scripts/r/panel-metafor.R, the recipe
// docs/panel.md gives the panel statistician): DerSimonian-Laird with prediction interval, and Hartung-Knapp.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBundleSet, checkBundleText } from '../../../analytics/panel/check.js';
import { poolSignals } from '../../../analytics/panel/pool-response.js';
import type { PanelBundle } from '../../../schemas/bundle.js';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'panel');
interface RPooled {
  signal: string;
  k: number;
  dl: { estimate: number; se: number; ci_lb: number; ci_ub: number; tau2: number; I2: number; QEp: number; pi_lb: number; pi_ub: number };
  knha: { estimate: number; se: number; ci_lb: number; ci_ub: number; pval: number; pi_lb: number; pi_ub: number };
}
const R = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'r', 'panel-metafor.json'), 'utf8')) as { pooled: RPooled[] };

const bundles: PanelBundle[] = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort().map((f) => {
  const c = checkBundleText(f, readFileSync(join(DIR, f), 'utf8'));
  if (!c.ok) throw new Error(c.problem);
  return c.bundle;
});

describe('pooled signal odds ratios match metafor::rma(method = "DL")', () => {
  it('the fixture bundles pass every check', () => {
    expect(bundles).toHaveLength(5);
    expect(checkBundleSet(bundles.map((b) => ({ file: b.centre_id, bundle: b })))).toEqual([]);
  });

  it('estimate, SE, interval, tau², I², Q p and prediction interval (z test)', () => {
    const rows = poolSignals(bundles).filter((r) => r.kind === 'pooled');
    expect(rows.map((r) => r.signal).sort()).toEqual(R.pooled.map((p) => p.signal).sort());
    for (const p of R.pooled) {
      const r = rows.find((x) => x.signal === p.signal)!;
      expect(r.k_centres).toBe(p.k);
      expect(r.log_or).toBeCloseTo(p.dl.estimate, 10);
      expect(r.std_err).toBeCloseTo(p.dl.se, 10);
      expect(Math.log(r.lower)).toBeCloseTo(p.dl.ci_lb, 8);
      expect(Math.log(r.upper)).toBeCloseTo(p.dl.ci_ub, 8);
      expect(r.tau2!).toBeCloseTo(p.dl.tau2, 10);
      expect(r.i2!).toBeCloseTo(p.dl.I2, 8);
      expect(r.q_p_value!).toBeCloseTo(p.dl.QEp, 8);
      expect(Math.log(r.pi_lower!)).toBeCloseTo(p.dl.pi_lb, 8);
      expect(Math.log(r.pi_upper!)).toBeCloseTo(p.dl.pi_ub, 8);
    }
  });

  it('Hartung-Knapp: SE, t interval, p and prediction interval', () => {
    const rows = poolSignals(bundles, { hartungKnapp: true }).filter((r) => r.kind === 'pooled');
    for (const p of R.pooled) {
      const r = rows.find((x) => x.signal === p.signal)!;
      expect(r.test).toBe('knha');
      expect(r.std_err).toBeCloseTo(p.knha.se, 10);
      expect(Math.log(r.lower)).toBeCloseTo(p.knha.ci_lb, 8);
      expect(Math.log(r.upper)).toBeCloseTo(p.knha.ci_ub, 8);
      expect(Math.log(r.pi_lower!)).toBeCloseTo(p.knha.pi_lb, 8);
      expect(Math.log(r.pi_upper!)).toBeCloseTo(p.knha.pi_ub, 8);
    }
  });
});
