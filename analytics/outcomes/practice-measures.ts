// Centre measures of hold practice for the meta-regression, from the holds analysis outputs (il2kit holds):
// enforcement of the reference ruleset's relative criteria (share held when met), the share of slots dosed through a
// met absolute criterion (the consensus' "→ stop" column, il2-domain.md §2.1), and the implied heart-rate and
// phenylephrine thresholds (ED50 of the hold decision). Dosing-through is read on the absolute criteria because on the
// relative ones it would be 1 − enforcement: the meta-regression would report one fit twice.
import type { PracticeMeasure } from './practice-outcome.js';

/** The columns read from holds' enforcement table. */
export interface EnforcementInput {
  centre_id: string;
  ruleset_id: string;
  level: string | null;
  met: number;
  held_when_met: number;
}

/** The columns read from holds' implied_thresholds table. */
export interface ImpliedInput {
  centre_id: string;
  variable: string;
  ed50: number | null;
}

export const PRACTICE_MEASURE_LABELS: Record<string, string> = {
  relative_enforcement: 'Share of slots held when a relative criterion was met',
  dosing_through: 'Share of slots dosed through a met absolute criterion',
  implied_heart_rate: 'Implied heart-rate threshold (ED50, /min)',
  implied_phenylephrine: 'Implied phenylephrine threshold at dosing (ED50, µg/kg/min)',
};

const IMPLIED: Record<string, string> = { heart_rate_at_dose: 'implied_heart_rate', phenylephrine_at_dose: 'implied_phenylephrine' };

/** Met and held-when-met slots per centre, summed over the reference ruleset's criteria of one level. */
function metHeld(enforcement: readonly EnforcementInput[], reference: string, level: string): Map<string, { met: number; held: number }> {
  const sums = new Map<string, { met: number; held: number }>();
  for (const e of enforcement) {
    if (e.ruleset_id !== reference || e.level !== level) continue;
    const s = sums.get(e.centre_id) ?? sums.set(e.centre_id, { met: 0, held: 0 }).get(e.centre_id)!;
    s.met += e.met;
    s.held += e.held_when_met;
  }
  return sums;
}

/**
 * One value per centre × measure (a centre with no met relative criterion gets no enforcement value, one with no met
 * absolute criterion no dosing-through value).
 * @example practiceMeasures(enforcementRows, impliedRows, 'consensus_2014_t3')
 */
export function practiceMeasures(enforcement: readonly EnforcementInput[], implied: readonly ImpliedInput[], reference: string): PracticeMeasure[] {
  const relative = metHeld(enforcement, reference, 'relative');
  const absolute = metHeld(enforcement, reference, 'absolute');
  const out: PracticeMeasure[] = [];
  for (const centre of [...new Set([...relative.keys(), ...absolute.keys()])].sort()) {
    const r = relative.get(centre);
    const a = absolute.get(centre);
    if (r && r.met > 0) out.push({ centre_id: centre, measure: 'relative_enforcement', value: r.held / r.met });
    if (a && a.met > 0) out.push({ centre_id: centre, measure: 'dosing_through', value: 1 - a.held / a.met });
  }
  for (const i of implied) {
    const measure = IMPLIED[i.variable];
    if (measure && i.ed50 !== null && Number.isFinite(i.ed50)) out.push({ centre_id: i.centre_id, measure, value: i.ed50 });
  }
  return out;
}
