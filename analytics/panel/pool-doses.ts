// Pooled dose survival and doses reached from the bundles' dose_end tables. Each released cell (doses d, end cause e,
// count n) stands for n cycles that gave d doses and ended by e; the kit's own dose verbs run on those cycles, so where
// nothing is suppressed the result is the patient-level analysis of all centres' cycles, exactly.
import { doseDistribution, doseHistogram, type DoseDistributionRow, type DoseHistogramRow } from '../doses/dose-distribution.js';
import { doseSurvival, type DoseSurvivalRow, type EndCauseIncidenceRow, type LogRankRow } from '../doses/dose-survival.js';
import { meanDosesFunnel, type MeanDosesFunnelResult } from '../doses/mean-doses-funnel.js';
import type { CycleDoses, EndCause } from '../doses/types.js';
import type { CycleEndReason } from '../../schemas/vocabularies.js';
import type { PanelBundle } from '../../schemas/bundle.js';
import { parseRegimen } from './summarise-doses.js';

/** A recorded end reason standing for each competing event (endCause maps it back). */
const REASON_OF = { toxicity: 'toxicity_stop', maximum: 'max_reached', other: 'other' } as const satisfies Record<EndCause, CycleEndReason>;

export interface PooledDoses {
  survival: DoseSurvivalRow[];
  incidence: EndCauseIncidenceRow[];
  /** The all-cycles test (released cells) and the first-cycle test (centres whose first-cycle tables were released whole). */
  logRank: (LogRankRow & { centres_left_out: string })[];
  histogram: DoseHistogramRow[];
  distribution: DoseDistributionRow[];
  /** Mean doses per cycle by centre around the pooled mean, from the centres whose dose tables were released whole. */
  meanFunnel: MeanDosesFunnelResult & { centres_left_out: string };
  /** Per centre × regimen: cells of the dose table left out because they were suppressed. */
  incomplete: { centre_id: string; regimen: string; suppressed_cells: number }[];
}

/**
 * The cycles a bundle's released dose cells stand for (one per cycle; no keys, course and cycle 1): of its all-cycles
 * tables, or of its first-cycle tables.
 */
export function cyclesFromBundle(b: PanelBundle, kind: 'dose_end' | 'dose_end_first' = 'dose_end'): CycleDoses[] {
  const out: CycleDoses[] = [];
  for (const t of b.tables) {
    if (t.kind !== kind || t.group.regimen === undefined) continue;
    const { dose_iu_per_kg, cap } = parseRegimen(t.group.regimen);
    t.rows.forEach((row, i) => {
      t.cols.forEach((col, j) => {
        const n = t.cells[i]![j];
        const reason = REASON_OF[col as EndCause];
        if (n === null || n === undefined || reason === undefined) return;
        for (let m = 0; m < n; m++) {
          out.push({
            centre_id: b.centre_id,
            patient_key: '',
            cycle_id: '',
            course_number: 1,
            cycle_number: 1,
            dose_iu_per_kg,
            planned_max_doses: cap,
            end_reason: reason,
            doses_given: Number(row),
            iu_per_kg_given: 0,
          });
        }
      });
    });
  }
  return out;
}

/** A bundle's first-cycle tables, when it has them and every cell of them was released. */
const wholeFirstTables = (b: PanelBundle) => {
  const t = b.tables.filter((x) => x.kind === 'dose_end_first');
  return t.length > 0 && t.every((x) => x.cells.every((row) => row.every((c) => c !== null)));
};

/**
 * The first-cycle log-rank test between centres (one cycle per patient, so independent) from the centres whose
 * first-cycle tables were released whole; the others are named. Where every centre's were, it equals the patient-level
 * test exactly: the same cycles' doses, ends and centres go into the same logRankTest.
 */
export function firstCycleLogRank(bundles: readonly PanelBundle[]): LogRankRow & { centres_left_out: string } {
  const left = bundles.filter((b) => !wholeFirstTables(b)).map((b) => b.centre_id);
  const first = bundles.filter(wholeFirstTables).flatMap((b) => cyclesFromBundle(b, 'dose_end_first'));
  const message = 'no centre released its first-cycle table whole';
  const none = { cycles: 'first' as const, n_cycles: 0, n_centres: 0, chi_square: null, df: null, p_value: null, message };
  const row = first.length > 0 ? doseSurvival(first).logRank.find((r) => r.cycles === 'first')! : none;
  return { ...row, centres_left_out: left.join(' ') };
}

/**
 * The mean-doses funnel (analytics/doses/mean-doses-funnel) over the centres whose all-cycles dose tables were released
 * whole (a suppressed cell would bias a centre's mean); the others are named. Equal to the patient-level funnel where
 * nothing is suppressed: the same doses per cycle and centres go in.
 */
export function pooledMeanFunnel(bundles: readonly PanelBundle[]): MeanDosesFunnelResult & { centres_left_out: string } {
  const whole = (b: PanelBundle) => {
    const t = b.tables.filter((x) => x.kind === 'dose_end');
    return t.length > 0 && t.every((x) => x.cells.every((row) => row.every((c) => c !== null)));
  };
  const f = meanDosesFunnel(bundles.filter(whole).flatMap((b) => cyclesFromBundle(b)));
  return { ...f, centres_left_out: bundles.filter((b) => !whole(b)).map((b) => b.centre_id).join(' ') };
}

/**
 * Dose-survival curves, end-cause incidence, the all-cycles log-rank test, and the doses-given histogram and
 * distribution (all cycles of a regimen), per centre and pooled.
 * @example poolDoses(bundles).survival.filter((r) => r.centre_id === 'ALL')
 */
export function poolDoses(bundles: readonly PanelBundle[]): PooledDoses {
  const cycles = bundles.flatMap((b) => cyclesFromBundle(b));
  const incomplete = bundles
    .flatMap((b) =>
      b.tables
        .filter((t) => t.kind === 'dose_end')
        .map((t) => ({
          centre_id: b.centre_id,
          regimen: t.group.regimen ?? '',
          suppressed_cells: t.cells.flat().filter((c) => c === null).length,
        })),
    )
    .filter((r) => r.suppressed_cells > 0);
  const meanFunnel = pooledMeanFunnel(bundles);
  if (cycles.length === 0) return { survival: [], incidence: [], logRank: [], histogram: [], distribution: [], meanFunnel, incomplete };
  const s = doseSurvival(cycles);
  const all = s.logRank.filter((r) => r.cycles === 'all').map((r) => ({ ...r, centres_left_out: '' }));
  return {
    survival: s.curves,
    incidence: s.incidence,
    logRank: [...all, firstCycleLogRank(bundles)],
    histogram: doseHistogram(cycles).filter((r) => r.cycle_number === 'all'),
    distribution: doseDistribution(cycles).filter((r) => r.cycle_number === 'all'),
    meanFunnel,
    incomplete,
  };
}
