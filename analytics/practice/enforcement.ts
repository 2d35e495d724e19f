// Enforcement per centre × criterion: how often the rule's trigger is met, and how often the dose is held when it is.
import type { RulesetEvaluation } from '../../rules/engine.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import { wilsonInterval } from '../stats/binomial.js';
import { frameCodes } from './frame-codes.js';

/** One row per centre × rule of the ruleset. */
export interface EnforcementRow {
  centre_id: string;
  ruleset_id: string;
  rule_id: string;
  variable: string;
  level: string | null;
  action: string;
  status: string;
  /** Given or held slots at the centre. */
  slots: number;
  /** Slots where the trigger itself was met (holds still in force are not counted). */
  met: number;
  held_when_met: number;
  enforcement: number | null;
  enforcement_lower: number | null;
  enforcement_upper: number | null;
}

/**
 * Per centre and rule: met count and share held when met, with a Wilson 95% interval (evaluation in 'recorded' history).
 * @example enforcement(frame, ev).filter((r) => r.met > 0)
 */
export function enforcement(frame: SlotFeatureFrame, ev: RulesetEvaluation): EnforcementRow[] {
  const nr = ev.rules.length;
  const { compared, held: isHeld, centre: centreOf, centres } = frameCodes(frame);
  const { offsets, persisting, rule } = ev.fired;
  // Flat counters (centre × rule), locals for the fired lists: one tight loop over the slots (issue 25).
  const slots = new Uint32Array(centres.length);
  const metAll = new Uint32Array(centres.length * nr);
  const heldAll = new Uint32Array(centres.length * nr);
  for (let i = 0; i < frame.n; i++) {
    if (compared[i] === 0) continue;
    const c = centreOf[i]!;
    slots[c]! += 1;
    const end = offsets[i + 1]!;
    for (let k = offsets[i]!; k < end; k++) {
      if (persisting[k] === 1) continue;
      const at = c * nr + rule[k]!;
      metAll[at]! += 1;
      if (isHeld[i] === 1) heldAll[at]! += 1;
    }
  }
  // Centres with a compared slot only, as before.
  const per = new Map(
    centres.flatMap((c, k) =>
      slots[k] === 0 ? [] : [[c, { slots: slots[k]!, met: metAll.subarray(k * nr, (k + 1) * nr), held: heldAll.subarray(k * nr, (k + 1) * nr) }] as const],
    ),
  );
  const rows: EnforcementRow[] = [];
  for (const centre of [...per.keys()].sort()) {
    const p = per.get(centre)!;
    ev.rules.forEach((rule, r) => {
      const met = p.met[r]!;
      const held = p.held[r]!;
      const ci = met > 0 ? wilsonInterval(held, met) : null;
      rows.push({
        centre_id: centre, ruleset_id: ev.ruleset.id, rule_id: rule.id, variable: rule.variable, level: rule.level, action: rule.action, status: rule.status,
        slots: p.slots, met, held_when_met: held, enforcement: ci?.estimate ?? null, enforcement_lower: ci?.lower ?? null, enforcement_upper: ci?.upper ?? null,
      });
    });
  }
  return rows;
}
