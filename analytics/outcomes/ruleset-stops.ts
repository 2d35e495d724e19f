// What would have stopped each cycle under a ruleset: the first slot where the ruleset's decision is to stop the
// cycle or discontinue, read as a cycle policy (relative-criteria count, held-dose count) or as the organ system of
// the first rule that fired there. Grain: ruleset × cycle that the ruleset stops.
import { DISCONTINUE, POLICIES, STOP_CYCLE, type RulesetEvaluation, type SlotFeatureTable } from '../../rules/engine.js';

/** One row per ruleset × stopped cycle. */
export interface RulesetStop {
  ruleset_id: string;
  cycle_id: string;
  slot_number: number;
  /** 'criterion: <system>' or 'policy: <counter>'. */
  reason: string;
  /** Rule that fired first at that slot (null for a policy stop with no rule of its own), and its status. */
  rule_id: string | null;
  status: string | null;
}

/**
 * First stop per cycle of one evaluated ruleset.
 * @example rulesetStops(frame, evaluateRuleset(consensus, frame, { history: 'recorded' }))
 */
export function rulesetStops(table: SlotFeatureTable, ev: RulesetEvaluation): RulesetStop[] {
  const seen = new Set<string>();
  const out: RulesetStop[] = [];
  for (let i = 0; i < ev.n; i++) {
    const d = ev.decision[i]!;
    if (d !== STOP_CYCLE && d !== DISCONTINUE) continue;
    const cycle = table.cycle_id[i]!;
    if (seen.has(cycle)) continue;
    seen.add(cycle);
    const policy = POLICIES[ev.policy[i]!] ?? 'none';
    const first = ev.fired.offsets[i]! < ev.fired.offsets[i + 1]! ? ev.rules[ev.fired.rule[ev.fired.offsets[i]!]!] : undefined;
    const reason = policy !== 'none' ? `policy: ${policy.replace('_', ' ')}` : `criterion: ${first?.system ?? 'unnamed'}`;
    out.push({
      ruleset_id: ev.ruleset.id,
      cycle_id: cycle,
      slot_number: Number(table.slot_number[i]),
      reason,
      rule_id: first?.id ?? null,
      status: first?.status ?? null,
    });
  }
  return out;
}
