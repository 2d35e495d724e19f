// Thresholds across units (issue 21, item 2): a value converted from another unit is compared at the precision the
// source reported. Before: 221 µmol/L became 2.4994 mg/dL and missed a ≥ 2.5 mg/dL rule.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownUnits, reportedDecimals, toCanonical, toCanonicalAtPrecision } from '../../../pipelines/map/units.js';
import { loadRulesets } from '../../../rules/load.js';
import { RULE_VARIABLES } from '../../../schemas/vocabularies.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const rulesets = [...loadRulesets(join(ROOT, 'rules', 'sources')), ...loadRulesets(join(ROOT, 'rules', 'centres'))];

/** Every threshold and band edge the shipped rulesets put on rule variables read from `obs`. */
function edges(obs: string): number[] {
  const out = new Set<number>();
  for (const rs of rulesets)
    for (const r of rs.rules)
      for (const c of [r, ...r.all_of, ...r.resume])
        if ((RULE_VARIABLES[c.variable].from as readonly string[]).length === 1 && RULE_VARIABLES[c.variable].from[0] === obs && RULE_VARIABLES[c.variable].window !== 'present')
          for (const e of [c.threshold, c.band?.lower, c.band?.upper]) if (typeof e === 'number') out.add(e);
  return [...out].sort((a, b) => a - b);
}

/** The report of canonical value `t` in `unit` at `decimals` places, and the report one step below it. */
function reports(domain: string, unit: string, t: number, decimals: number): [number, number] {
  const perCanonical = 1 / (toCanonical(domain, 1, unit) - toCanonical(domain, 0, unit));
  const offset = toCanonical(domain, 0, unit);
  const k = 10 ** decimals;
  const at = Math.round((t - offset) * perCanonical * k) / k;
  return [at, Math.round((at - 1 / k) * k) / k];
}

describe('the issue example', () => {
  it('221 µmol/L is 2.5 mg/dL as written on the ward and fires a ≥ 2.5 mg/dL rule; 220 µmol/L does not', () => {
    expect(toCanonical('creatinine', 221, 'umol/L')).toBeLessThan(2.5); // the old behaviour
    expect(toCanonicalAtPrecision('creatinine', 221, 'µmol/L', 0)).toBe(2.5);
    expect(toCanonicalAtPrecision('creatinine', 220, 'µmol/L', 0)).toBe(2.49);
  });
  it('a finer report keeps its finer meaning: 221.0 µmol/L (one decimal) is below 2.5 mg/dL', () => {
    expect(toCanonicalAtPrecision('creatinine', 221.0, 'umol/L', 1)).toBeLessThan(2.5);
    expect(toCanonicalAtPrecision('creatinine', 221.1, 'umol/L', 1)).toBeGreaterThanOrEqual(2.5);
  });
  it('values in the canonical unit, and unknown precision, are left as converted', () => {
    expect(toCanonicalAtPrecision('creatinine', 2.4994, 'mg/dL', 4)).toBe(2.4994);
    expect(toCanonicalAtPrecision('creatinine', 221, 'umol/L', null)).toBe(toCanonical('creatinine', 221, 'umol/L'));
  });
  it('reads the decimals a source wrote', () => {
    expect([reportedDecimals('221'), reportedDecimals('2.50'), reportedDecimals('2,5'), reportedDecimals('<0.01'), reportedDecimals('1e3')]).toEqual([0, 2, 1, 2, null]);
  });
});

// Rule edges for the variables rules read; clinical reporting values for those no shipped rule reads yet.
const CASES: { domain: string; edges: number[] }[] = [
  { domain: 'creatinine', edges: edges('creatinine') },
  { domain: 'bilirubin', edges: edges('bilirubin') },
  { domain: 'platelets', edges: edges('platelets') },
  { domain: 'lymphocytes', edges: [500, 1000, 4000] },
  { domain: 'eosinophils', edges: [500, 1500] },
  { domain: 'temperature', edges: [38, 38.3, 38.5, 40] },
  { domain: 'weight', edges: [50, 70.5, 100] },
];

const decimalsOf = (x: number): number => (String(x).split('.')[1] ?? '').length;

/**
 * Source precisions to test for a unit: the coarsest that still resolves the edges as printed (its step, converted, no
 * larger than the edges' last printed digit: integer µmol/L for creatinine to 0.1 mg/dL, 0.001 mmol/L), and one finer.
 * A coarser source cannot tell the edge from its neighbours in any policy.
 */
function precisions(domain: string, unit: string, es: number[]): number[] {
  const digit = 10 ** -Math.max(...es.map(decimalsOf));
  const perUnit = Math.abs(toCanonical(domain, 1, unit) - toCanonical(domain, 0, unit));
  let d = 0;
  while (perUnit * 10 ** -d > digit + 1e-12) d++;
  return [d, d + 1];
}

describe.each(CASES)('every band edge of $domain, from every other unit, both directions', ({ domain, edges: es }) => {
  it('has edges to test', () => expect(es.length).toBeGreaterThan(0));
  const units = knownUnits(domain).filter((u) => toCanonical(domain, 1, u) !== 1 || toCanonical(domain, 0, u) !== 0);
  it.each(units.flatMap((u) => es.flatMap((t) => precisions(domain, u, es).map((d) => [u, t, d] as const))))('%s, edge %s, %s decimals', (unit, t, d) => {
    const [at, below] = reports(domain, unit, t, d);
    // The source's report of the edge reads as the edge; the next lower report reads below it.
    expect(toCanonicalAtPrecision(domain, at, unit, d), `${at} ${unit}`).toBeGreaterThanOrEqual(t);
    expect(toCanonicalAtPrecision(domain, below, unit, d), `${below} ${unit}`).toBeLessThan(t);
  });
});
