// What "≥ N relative criteria" counts: criteria as the source lists them, not rule ids. Rules sharing a `criterion`
// (e.g. the per-shift and the hourly urine-output rules of one oliguric episode) count once.
import type { Ruleset } from '../schemas/ruleset.js';

/**
 * Per rule (by index), the index of the criterion it counts towards, and how many criteria there are.
 * @example criterionIndex(springerplus).of[ruleIndex]
 */
export function criterionIndex(ruleset: Ruleset): { of: Uint16Array; count: number } {
  const ids = new Map<string, number>();
  const of = new Uint16Array(ruleset.rules.length);
  ruleset.rules.forEach((r, i) => {
    const key = r.criterion ?? r.id;
    let k = ids.get(key);
    if (k === undefined) ids.set(key, (k = ids.size));
    of[i] = k;
  });
  return { of, count: ids.size };
}
