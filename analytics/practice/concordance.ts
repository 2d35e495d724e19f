// Concordance per centre: class counts, agreement and Cohen's kappa between the ruleset (would withhold) and practice (held).
import type { RulesetEvaluation } from '../../rules/engine.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import { MET_AND_HELD, MET_BUT_GIVEN, HELD_WITHOUT, NEITHER, NOT_ASSESSABLE, classifySlots, type SlotClasses } from './classify.js';
import { cohenKappa } from './kappa.js';
import { frameCodes } from './frame-codes.js';

/** One row per centre × ruleset. */
export interface ConcordanceRow {
  centre_id: string;
  ruleset_id: string;
  ruleset_status: string;
  met_and_held: number;
  met_but_given: number;
  held_without_criterion: number;
  neither: number;
  not_assessable: number;
  /** Assessable slots (the four classes above). */
  n: number;
  agreement: number | null;
  kappa: number | null;
  kappa_lower: number | null;
  kappa_upper: number | null;
  /** Rule ids whose evidence is never recorded at the centre. */
  unevaluable_rules: string[];
}

/**
 * Concordance of one ruleset with each centre's practice (evaluation must use history 'recorded').
 * @example concordance(frame, evaluateRuleset(consensus, frame, { history: 'recorded' }))
 */
export function concordance(frame: SlotFeatureFrame, ev: RulesetEvaluation, classes: SlotClasses = classifySlots(frame, ev)): ConcordanceRow[] {
  const { centre: centreOf, centres } = frameCodes(frame);
  const perCentre = centres.map(() => [0, 0, 0, 0, 0, 0]);
  for (let i = 0; i < frame.n; i++) perCentre[centreOf[i]!]![classes.cls[i]!]! += 1;
  const counts = new Map(centres.map((c, k) => [c, perCentre[k]!]));
  return [...counts.keys()].sort().map((centre) => {
    const k = counts.get(centre)!;
    const [a, b, c, d] = [k[MET_AND_HELD]!, k[MET_BUT_GIVEN]!, k[HELD_WITHOUT]!, k[NEITHER]!];
    const kap = cohenKappa(a, b, c, d);
    const n = a + b + c + d;
    return {
      centre_id: centre,
      ruleset_id: ev.ruleset.id,
      ruleset_status: ev.ruleset.status,
      met_and_held: a,
      met_but_given: b,
      held_without_criterion: c,
      neither: d,
      not_assessable: k[NOT_ASSESSABLE]!,
      n,
      agreement: n === 0 ? null : (a + d) / n,
      kappa: kap?.kappa ?? null,
      kappa_lower: kap?.lower ?? null,
      kappa_upper: kap?.upper ?? null,
      unevaluable_rules: [...(classes.unevaluableRules.get(centre) ?? [])].sort((x, y) => x - y).map((r) => ev.rules[r]!.id),
    };
  });
}
