// Hold tables of a bundle, from one centre's slot features: per ruleset the concordance table (the ruleset's criterion
// met / not met / not assessable × held / given) and enforcement per rule (held / given when its trigger was met), and
// the recorded hold-reason counts.
import { evaluateRuleset } from '../../rules/engine.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import type { Ruleset } from '../../schemas/ruleset.js';
import { HELD_WITHOUT, MET_AND_HELD, MET_BUT_GIVEN, NEITHER, NOT_ASSESSABLE, classifySlots } from '../practice/classify.js';
import { enforcement } from '../practice/enforcement.js';
import { holdReasonMix } from '../practice/hold-reasons.js';
import { CONCORDANCE_ROWS, HELD_GIVEN_COLS, type CountTable } from './types.js';

/** Concordance and enforcement tables for every ruleset, and the hold-reason table. @example holdTables(frame, kitRulesets()) */
export function holdTables(frame: SlotFeatureFrame, rulesets: readonly Ruleset[]): CountTable[] {
  const out: CountTable[] = [];
  for (const rs of rulesets) {
    const ev = evaluateRuleset(rs, frame, { history: 'recorded' });
    const { cls } = classifySlots(frame, ev);
    const counts = CONCORDANCE_ROWS.map(() => [0, 0]);
    const at: Record<number, [number, number]> = { [MET_AND_HELD]: [0, 0], [MET_BUT_GIVEN]: [0, 1], [HELD_WITHOUT]: [1, 0], [NEITHER]: [1, 1] };
    for (let i = 0; i < frame.n; i++) {
      const c = cls[i]!;
      const cell = c === NOT_ASSESSABLE ? ([2, frame.status[i] === 'held' ? 0 : 1] as const) : at[c];
      if (cell !== undefined) counts[cell[0]]![cell[1]]! += 1;
    }
    out.push({ id: `concordance:${rs.id}`, kind: 'concordance', group: { ruleset: rs.id }, rows: [...CONCORDANCE_ROWS], cols: [...HELD_GIVEN_COLS], counts });
    const enf = enforcement(frame, ev);
    if (enf.length > 0) {
      out.push({
        id: `enforcement:${rs.id}`, kind: 'enforcement', group: { ruleset: rs.id }, rows: enf.map((r) => r.rule_id), cols: [...HELD_GIVEN_COLS],
        counts: enf.map((r) => [r.held_when_met, r.met - r.held_when_met]),
      });
    }
  }
  const reasons = holdReasonMix(frame).sort((a, b) => a.reason.localeCompare(b.reason));
  if (reasons.length > 0)
    out.push({
      id: 'hold_reasons',
      kind: 'hold_reasons',
      group: {},
      rows: reasons.map((r) => r.reason),
      cols: ['slots'],
      counts: reasons.map((r) => [r.slots]),
    });
  return out;
}
