// The relative-criteria policy under the other window reading, read off one evaluation (rules/relative-window.ts), on
// the sample store's slot features: the same stops as evaluating each shipped ruleset again under that reading (what
// the holds report did before issue 25), for policies of 1, 2 and the shipped number of criteria.
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateRuleset } from '../../rules/engine.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import { kitRulesets } from '../../rules/kit.js';
import { relativePolicyUnder } from '../../rules/relative-window.js';
import { sampleSlotFeatures } from '../helpers/store.js';

let frame: SlotFeatureFrame;

beforeAll(async () => {
  frame = await sampleSlotFeatures();
}, 300_000);

describe('relative-criteria window on the samples', () => {
  it('derived stops equal a second evaluation, every shipped ruleset with the policy, both readings', () => {
    const shipped = kitRulesets().filter((rs) => rs.policies.stop_after_relative_criteria !== null);
    expect(shipped.length).toBeGreaterThanOrEqual(3);
    let stops = 0;
    let differ = 0;
    for (const base of shipped)
      for (const k of [1, 2, base.policies.stop_after_relative_criteria!])
        for (const own of ['cycle', 'slot'] as const) {
          const rs = { ...base, policies: { ...base.policies, stop_after_relative_criteria: k, relative_criteria_window: own } };
          const ev = evaluateRuleset(rs, frame, { history: 'recorded' });
          const other = own === 'cycle' ? 'slot' : 'cycle';
          const again = evaluateRuleset({ ...rs, policies: { ...rs.policies, relative_criteria_window: other } }, frame, { history: 'recorded' });
          const want = again.policy.map((p) => (p === 1 ? 1 : 0));
          expect(relativePolicyUnder(ev, frame, other), `${base.id} ${k} ${own} → ${other}`).toEqual(want);
          expect(relativePolicyUnder(ev, frame, own)).toEqual(ev.policy.map((p) => (p === 1 ? 1 : 0)));
          for (let i = 0; i < frame.n; i++) {
            stops += want[i]!;
            differ += want[i] !== (ev.policy[i] === 1 ? 1 : 0) ? 1 : 0;
          }
        }
    expect(stops).toBeGreaterThan(0);
    expect(differ).toBeGreaterThan(0);
  }, 300_000);
});
