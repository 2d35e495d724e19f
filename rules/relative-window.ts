// The relative-criteria policy under either reading of its window (criteria accumulated over the cycle, or met at one
// slot), read off one evaluation instead of evaluating the ruleset a second time (issue 25, decision 53).
// test/rules/engine-equivalence.test.ts checks it against the second evaluation it replaces.
import type { RulesetEvaluation, SlotFeatureTable } from './engine.js';
import { STOP_CYCLE } from './engine.js';
import { criterionIndex } from './criteria.js';

/**
 * Whether `relativePolicyUnder` can derive the other reading from `ev`: history 'recorded' (no decision feeds a later
 * slot's state) and no condition reading the engine's `relative_criteria_in_cycle` counter (the only state the window
 * changes). Then everything but the count of distinct relative criteria is the same under both readings.
 */
export function windowDerivable(ev: RulesetEvaluation): boolean {
  if (ev.history !== 'recorded') return false;
  return !ev.ruleset.rules.some((r) =>
    [r, ...r.all_of, ...r.resume, ...r.resume_any_of].some((c) => c.variable === 'relative_criteria_in_cycle'),
  );
}

/**
 * Per slot, 1 where the ruleset's relative-criteria policy stops the cycle under `window`, from an evaluation made under
 * either reading (recorded history); null when that cannot be derived (windowDerivable), so the caller evaluates.
 *
 * Exact, because in recorded history: a rule met at a slot is listed in `fired` with persisting 0 (and every such entry
 * is one), so the distinct relative criteria met at the slot, or so far in the cycle, are counted from it; and the
 * severity before the policy is below stop_cycle exactly when the decision is, or a policy set the decision. The engine's
 * cyclePolicy gives the relative policy first, so the held-dose policy never hides it.
 * @example const stops = relativePolicyUnder(evaluateRuleset(rs, frame, { history: 'recorded' }), frame, 'slot');
 */
export function relativePolicyUnder(ev: RulesetEvaluation, table: SlotFeatureTable, window: 'cycle' | 'slot'): Uint8Array | null {
  if (!windowDerivable(ev)) return null;
  const n = ev.n;
  const out = new Uint8Array(n);
  const rs = ev.ruleset;
  const need = rs.policies.stop_after_relative_criteria ?? 0;
  if (need <= 0) return out;
  const criteria = criterionIndex(rs);
  const relative = Uint8Array.from(ev.rules, (r) => (r.level === 'relative' ? 1 : 0));
  const seen = new Uint8Array(criteria.count);
  const { offsets, rule, persisting } = ev.fired;
  const cycles = table.cycle_id;
  const slotWindow = window === 'slot';
  let count = 0;
  for (let i = 0; i < n; i++) {
    if ((slotWindow || i === 0 || cycles[i] !== cycles[i - 1]) && count > 0) {
      seen.fill(0);
      count = 0;
    }
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) {
      if (persisting[k] !== 0 || relative[rule[k]!] === 0) continue;
      const c = criteria.of[rule[k]!]!;
      if (seen[c] === 0) {
        seen[c] = 1;
        count++;
      }
    }
    if (count >= need && (ev.policy[i] !== 0 || ev.decision[i]! < STOP_CYCLE)) out[i] = 1;
  }
  return out;
}
