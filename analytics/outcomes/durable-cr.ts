// Durable complete responses: among patients whose best response was CR, the Kaplan-Meier share progression-free
// (and alive) at 24 and 36 months from the first dose, per centre and overall, by disease as §4.2 reports them.
import { clopperPearsonInterval, kaplanMeier, survivalAt } from '../stats/index.js';
import { groupBy } from '../doses/group.js';
import type { PatientOutcome } from './patient-outcomes.js';

export type DurableCrDisease = 'rcc' | 'melanoma' | 'all';

/** What §4.2 of il2-domain.md reports of CR durability, beside which the kit's shares are shown (none gives a horizon). */
export const DURABLE_CR_REFERENCE: Record<DurableCrDisease, { share: number; source: string }> = {
  rcc: { share: 19 / 23, source: 'mRCC: 23 CRs, 4 relapsed (NCI 1986–2006, S17) [V counts; share INFERRED]' },
  melanoma: { share: 0.59, source: 'melanoma: 59% of CRs progression-free (pivotal, S15) [V]' },
  all: { share: 0.82, source: 'both diseases: 82% of CRs ongoing at 39–148+ months (NCI 1985–96, S12) [V]' },
};

/** One row per centre (and ALL) × disease (rcc, melanoma, and all: both pooled, as S12) × horizon. */
export interface DurableCrRow {
  centre_id: string;
  disease: DurableCrDisease;
  horizon_months: number;
  complete_responders: number;
  /** CR patients still followed (at risk) at the horizon. */
  at_risk: number;
  progression_free: number | null;
  lower: number | null;
  upper: number | null;
  /** Crude share of CR patients with no progression or death recorded by the horizon, among those followed that long. */
  crude_durable: number | null;
  /** The published share for this disease (DURABLE_CR_REFERENCE) and its source with status. */
  reference: number;
  reference_source: string;
  note: string;
}

function rowsFor(centre: string, disease: DurableCrDisease, crs: readonly PatientOutcome[], horizon: number): DurableCrRow {
  const curve = kaplanMeier({ time: crs.map((r) => r.pfs_months), event: crs.map((r) => r.pfs_event) });
  const last = curve.time[curve.time.length - 1] ?? 0;
  const followed = crs.filter((r) => r.pfs_months >= horizon || r.pfs_event === 1);
  const durable = followed.filter((r) => r.pfs_months >= horizon).length;
  const ref = DURABLE_CR_REFERENCE[disease];
  const base = { centre_id: centre, disease, horizon_months: horizon, complete_responders: crs.length, reference: ref.share, reference_source: ref.source };
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

const DISEASES: readonly DurableCrDisease[] = ['rcc', 'melanoma', 'all'];

/**
 * Durable CR at each horizon (default 24 and 36 months), per centre and ALL, for RCC, melanoma and both.
 * @example durableCompleteResponses(patientOutcomes(inputs).rows)
 */
export function durableCompleteResponses(rows: readonly PatientOutcome[], horizons: readonly number[] = [24, 36]): DurableCrRow[] {
  const crs = rows.filter((r) => r.best_response === 'CR');
  const groups: [string, PatientOutcome[]][] = [...[...groupBy(crs, (r) => r.centre_id).entries()].sort((a, b) => a[0].localeCompare(b[0])), ['ALL', crs]];
  return groups.flatMap(([centre, members]) =>
    DISEASES.flatMap((d) => {
      const of = d === 'all' ? members : members.filter((r) => r.disease === d);
      return horizons.map((h) => rowsFor(centre, d, of, h));
    }),
  );
}
