// One comparison of a rule variable against a threshold or band: the shared primitive of the
// simulator's slot decisions and (later) the rule engine over the store.
// Bands are half-open [lower, upper) by default (il2-domain.md §2.1 engine notes [INFERRED]);
// lower_inclusive / upper_inclusive override either edge.
import type { Band, Comparator } from '../schemas/ruleset.js';

/** The parts of a Condition (or Rule) the comparison needs. */
export interface ConditionLike {
  comparator: Comparator;
  threshold?: number | null;
  band?: Partial<Band> | null;
}

/** A rule variable's value at a slot: number, yes/no, or missing. */
export type ConditionValue = number | boolean | null | undefined;

/**
 * Whether `value` meets `condition`.
 * Returns null when the value is missing (null, undefined or NaN): "not assessable", never "not met".
 * `present` is met by true (or any non-zero number); lt/le/gt/ge/in_band need a number (true = 1, false = 0).
 */
export function conditionMet(condition: ConditionLike, value: ConditionValue): boolean | null {
  if (value === null || value === undefined) return null;
  const x = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  if (Number.isNaN(x)) return null;
  switch (condition.comparator) {
    case 'present':
      return x !== 0;
    case 'lt':
      return x < need(condition.threshold, 'lt');
    case 'le':
      return x <= need(condition.threshold, 'le');
    case 'gt':
      return x > need(condition.threshold, 'gt');
    case 'ge':
      return x >= need(condition.threshold, 'ge');
    case 'in_band':
      return inBand(condition.band ?? null, x);
  }
}

/** Band membership; half-open [lower, upper) unless the inclusivity flags say otherwise; a null edge is unbounded. */
export function inBand(band: Partial<Band> | null, x: number): boolean {
  if (band === null) throw new Error('in_band needs a band');
  const lower = band.lower ?? null;
  const upper = band.upper ?? null;
  if (lower === null && upper === null) throw new Error('a band needs a lower or an upper bound');
  const lowerInclusive = band.lower_inclusive ?? true;
  const upperInclusive = band.upper_inclusive ?? false;
  if (lower !== null && (lowerInclusive ? x < lower : x <= lower)) return false;
  if (upper !== null && (upperInclusive ? x > upper : x >= upper)) return false;
  return true;
}

function need(threshold: number | null | undefined, comparator: string): number {
  if (threshold === null || threshold === undefined) throw new Error(`${comparator} needs a threshold`);
  return threshold;
}
