// The sample centres' rules exist twice on purpose: the kit's hand-written rules/centres/<id>.yaml (what the engine
// reads) and the simulator's own plain copy (simulate/centre-rulesets.ts, what the truth is decided from). The truth
// test (test/rules/truth.test.ts) compares their decisions slot by slot; here the files load, cite their sources, say
// the same thing as the simulator's copy, and the simulator imports nothing from the kit's rules/.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleset } from '../../rules/load.js';
import type { Condition, Rule } from '../../schemas/ruleset.js';
import { CENTRE_PRACTICE, type PracticeCondition } from '../../simulate/centre-rulesets.js';
import { CENTRE_IDS, PROFILES } from '../../simulate/profiles.js';

const ROOT = join(import.meta.dirname, '..', '..');
const kit = (id: string) => loadRuleset(join(ROOT, 'rules', 'centres', `${PROFILES[id as keyof typeof PROFILES].rulesetId}.yaml`));

/** A condition in one comparable form, from either copy. */
function kitCondition(c: Pick<Condition, 'variable' | 'comparator' | 'threshold' | 'band'>): string {
  if (c.comparator !== 'in_band') return `${c.variable} ${c.comparator} ${c.threshold ?? ''}`;
  const b = c.band!;
  return `${c.variable} ${b.lower_inclusive ? '[' : '('}${b.lower},${b.upper}${b.upper_inclusive ? ']' : ')'}`;
}
function simCondition(c: PracticeCondition): string {
  if (c.comparator !== 'in_band') return `${c.variable} ${c.comparator} ${c.threshold ?? ''}`;
  const [lo, hi, edges] = c.band!;
  return `${c.variable} ${edges[0]}${lo},${hi}${edges[1]}`;
}
const kitRule = (r: Rule): string => `${r.id}: ${kitCondition(r)} -> ${r.action} (${r.level}) resume [${r.resume.map(kitCondition).join('; ')}]`;

describe('centre rulesets (rules/centres/*.yaml)', () => {
  it('are YAML, like every other ruleset: no generated JSON copy is left', () => {
    const files = readdirSync(join(ROOT, 'rules', 'centres')).sort();
    expect(files).toEqual(CENTRE_IDS.map((id) => `${PROFILES[id].rulesetId}.yaml`).sort());
  });

  for (const id of CENTRE_IDS) {
    it(`${id}: loads, every rule cites a source and a status, and says what the simulator's own copy says`, () => {
      const rs = kit(id);
      for (const r of rs.rules) {
        expect(r.source).toMatch(/S\d|il2-domain\.md/);
        expect(['verified', 'inferred', 'unverified']).toContain(r.status);
      }
      const sim = CENTRE_PRACTICE[id];
      expect(rs.id).toBe(sim.id);
      expect(rs.version).toBe(sim.version);
      expect(rs.policies).toEqual(sim.policies);
      // The kit adds companion rules above printed ranges (rules/printed-range.ts); the stated rules are the rest.
      const stated = rs.rules.filter((r) => !r.flags.some((f) => f === 'above_printed_range' || f === 'below_printed_range'));
      expect(stated.map(kitRule)).toEqual(sim.rules.map((r) => `${r.id}: ${simCondition(r)} -> ${r.action} (${r.level}) resume [${r.resume.map(simCondition).join('; ')}]`));
    });
  }

  it('the simulator decides without the kit: nothing in simulate/ imports rules/', () => {
    const dir = join(ROOT, 'simulate');
    const offenders = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /from '(\.\.\/)+rules\//.test(readFileSync(join(dir, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the centres differ where the profiles say (HR cut-off 100 vs 120, pressors, count policies)', () => {
    const lower = (id: string): number | null | undefined => kit(id).rules.find((r) => r.id === 'cv.hr.relative')?.band?.lower;
    expect(lower('riverside')).toBe(100);
    expect(lower('amstel')).toBe(120);
    expect(lower('lakeshore')).toBe(120);
    expect(kit('lakeshore').rules.some((r) => r.variable === 'pressor_any_interval' && r.action === 'stop_cycle')).toBe(true);
    expect(kit('riverside').rules.some((r) => r.variable === 'pressor_any_interval')).toBe(false);
    expect(kit('lakeshore').policies.stop_after_held_doses).toBe(3);
    expect(kit('amstel').policies.stop_after_relative_criteria).toBe(3);
    expect(kit('summit').rules.some((r) => r.id === 'cv.sbp' && r.threshold === 90)).toBe(true);
  });
});
