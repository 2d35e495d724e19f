// Durable complete responses: among patients whose best response was CR, the Kaplan-Meier share progression-free
// (and alive) at 24 and 36 months from the first dose, per centre and overall.
import { clopperPearsonInterval, kaplanMeier, survivalAt } from '../stats/index.js';
import { groupBy } from '../doses/group.js';
import type { PatientOutcome } from './patient-outcomes.js';

/** One row per centre (and ALL) × horizon. */
export interface DurableCrRow {
  centre_id: string;
  horizon_months: number;
  complete_responders: number;
  /** CR patients still followed (at risk) at the horizon. */
  at_risk: number;
  progression_free: number | null;
  lower: number | null;
  upper: number | null;
  /** Crude share of CR patients with no progression or death recorded by the horizon, among those followed that long. */
  crude_durable: number | null;
  note: string;
}

function rowsFor(centre: string, crs: readonly PatientOutcome[], horizon: number): DurableCrRow {
  const curve = kaplanMeier({ time: crs.map((r) => r.pfs_months), event: crs.map((r) => r.pfs_event) });
  const last = curve.time[curve.time.length - 1] ?? 0;
  const followed = crs.filter((r) => r.pfs_months >= horizon || r.pfs_event === 1);
  const durable = followed.filter((r) => r.pfs_months >= horizon).length;
  const base = { centre_id: centre, horizon_months: horizon, complete_responders: crs.length };
  if (crs.length === 0) return { ...base, at_risk: 0, progression_free: null, lower: null, upper: null, crude_durable: null, note: 'no complete responses' };
  if (last < horizon) {
    return {
      ...base,
      at_risk: 0,
      progression_free: null,
      lower: null,
      upper: null,
      crude_durable: null,
      note: `no complete responder followed ${horizon} months (longest ${last.toFixed(1)})`,
    };
  }
  const p = survivalAt(curve, horizon);
  const crude = followed.length > 0 ? clopperPearsonInterval(durable, followed.length).estimate : null;
  return { ...base, at_risk: p.nRisk, progression_free: p.survival, lower: p.lower, upper: p.upper, crude_durable: crude, note: '' };
}

/**
 * Durable CR at each horizon (default 24 and 36 months), per centre and ALL.
 * @example durableCompleteResponses(patientOutcomes(inputs).rows)
 */
export function durableCompleteResponses(rows: readonly PatientOutcome[], horizons: readonly number[] = [24, 36]): DurableCrRow[] {
  const crs = rows.filter((r) => r.best_response === 'CR');
  const groups: [string, PatientOutcome[]][] = [...groupBy(crs, (r) => r.centre_id).entries(), ['ALL', crs]];
  return groups.flatMap(([centre, members]) => horizons.map((h) => rowsFor(centre, members, h)));
}
