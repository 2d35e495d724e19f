import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ruleset } from '../../schemas/ruleset.js';
import { buildCentreRulesets, rulesetJson } from '../../simulate/centre-rulesets.js';
import { CENTRE_IDS, PROFILES } from '../../simulate/profiles.js';

describe('centre rulesets (rules/centres/*.json)', () => {
  const built = buildCentreRulesets();
  for (const id of CENTRE_IDS) {
    it(`${id}: valid Ruleset, identical to its builder, every rule cites a source and status`, () => {
      const text = readFileSync(new URL(`../../rules/centres/${PROFILES[id].rulesetId}.json`, import.meta.url), 'utf8');
      const rs = Ruleset.parse(JSON.parse(text));
      const b = built[id];
      expect(b).toBeDefined();
      if (b === undefined) return;
      expect(text).toBe(rulesetJson(b));
      for (const r of rs.rules) {
        expect(r.source).toMatch(/S\d|il2-domain\.md/);
        expect(['verified', 'inferred', 'unverified']).toContain(r.status);
      }
    });
  }

  it('the centres differ where the profiles say (HR cut-off 100 vs 120, pressors, count policies)', () => {
    const lower = (id: string): number | null | undefined => built[id]?.rules.find((r) => r.id === 'cv.hr.relative')?.band?.lower;
    expect(lower('riverside')).toBe(100);
    expect(lower('amstel')).toBe(120);
    expect(lower('lakeshore')).toBe(120);
    expect(built.lakeshore?.rules.some((r) => r.variable === 'pressor_any_interval' && r.action === 'stop_cycle')).toBe(true);
    expect(built.riverside?.rules.some((r) => r.variable === 'pressor_any_interval')).toBe(false);
    expect(built.lakeshore?.policies.stop_after_held_doses).toBe(3);
    expect(built.amstel?.policies.stop_after_relative_criteria).toBe(3);
    expect(built.summit?.rules.some((r) => r.id === 'cv.sbp' && r.threshold === 90)).toBe(true);
  });
});
