// Centre measures of hold practice for the meta-regression, from the holds analysis outputs (il2kit holds):
// enforcement of the reference ruleset's relative criteria (share held when met), the share dosed through a met
// relative criterion, and the implied heart-rate and phenylephrine thresholds (ED50 of the hold decision).
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
  dosing_through: 'Share of slots dosed through a met relative criterion',
  implied_heart_rate: 'Implied heart-rate threshold (ED50, /min)',
  implied_phenylephrine: 'Implied phenylephrine threshold at dosing (ED50, µg/kg/min)',
};

const IMPLIED: Record<string, string> = { heart_rate_at_dose: 'implied_heart_rate', phenylephrine_at_dose: 'implied_phenylephrine' };

/**
 * One value per centre × measure (centres with no met relative criterion get no enforcement value).
 * @example practiceMeasures(enforcementRows, impliedRows, 'consensus_2014_t3')
 */
export function practiceMeasures(enforcement: readonly EnforcementInput[], implied: readonly ImpliedInput[], reference: string): PracticeMeasure[] {
  const sums = new Map<string, { met: number; held: number }>();
  for (const e of enforcement) {
    if (e.ruleset_id !== reference || e.level !== 'relative') continue;
    const s = sums.get(e.centre_id) ?? sums.set(e.centre_id, { met: 0, held: 0 }).get(e.centre_id)!;
    s.met += e.met;
    s.held += e.held_when_met;
  }
  const out: PracticeMeasure[] = [];
  for (const [centre, s] of [...sums.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (s.met === 0) continue;
    out.push(
      { centre_id: centre, measure: 'relative_enforcement', value: s.held / s.met },
      { centre_id: centre, measure: 'dosing_through', value: 1 - s.held / s.met },
    );
  }
  for (const i of implied) {
    const measure = IMPLIED[i.variable];
    if (measure && i.ed50 !== null && Number.isFinite(i.ed50)) out.push({ centre_id: i.centre_id, measure, value: i.ed50 });
  }
  return out;
}
