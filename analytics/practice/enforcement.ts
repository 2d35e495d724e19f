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
  const byIndex: ({ slots: number; met: Uint32Array; held: Uint32Array } | undefined)[] = centres.map(() => undefined);
  for (let i = 0; i < frame.n; i++) {
    if (compared[i] === 0) continue;
    let p = byIndex[centreOf[i]!];
    if (p === undefined) byIndex[centreOf[i]!] = p = { slots: 0, met: new Uint32Array(nr), held: new Uint32Array(nr) };
    p.slots++;
    for (let k = ev.fired.offsets[i]!; k < ev.fired.offsets[i + 1]!; k++) {
      if (ev.fired.persisting[k] === 1) continue;
      const r = ev.fired.rule[k]!;
      p.met[r]! += 1;
      if (isHeld[i] === 1) p.held[r]! += 1;
    }
  }
  // Centres with a compared slot only, as before.
  const per = new Map(centres.flatMap((c, k) => (byIndex[k] === undefined ? [] : [[c, byIndex[k]!] as const])));
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
