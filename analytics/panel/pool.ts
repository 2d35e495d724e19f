// Pooling at the panel: every pooled table from checked bundles.
import type { PanelBundle } from '../../schemas/bundle.js';
import { poolDoses, type PooledDoses } from './pool-doses.js';
import { poolConcordance, poolEnforcement, poolHoldReasons, rulesetStatuses, type PooledConcordanceRow, type PooledEnforcementRow } from './pool-holds.js';
import { poolResponseRates, poolSignals, type PooledRateRow, type PooledSignalRow } from './pool-response.js';
import { poolCycleEnds, poolReversal, type PooledCycleEndRow, type PooledReversalRow } from './pool-toxicity.js';
import type { ResponseFunnelRow } from '../response/response-rates.js';
import { poolDurableCr, poolSeriousEvents, poolSurvival, type PooledDurableRow, type PooledSeriousRow, type PooledSurvivalRow } from './pool-outcomes.js';

/** One row per contributing centre: what it sent and under which policy. */
export interface CentreRow {
  centre_id: string;
  period_first: string;
  period_last: string;
  min_cell: number;
  kit_version: string;
  schema_version: number;
  tables: number;
  cells_suppressed_primary: number;
  cells_suppressed_secondary: number;
  tables_withheld: number;
  signal_estimates: number;
  estimates_withheld: number;
  content_sha256: string;
}

/** One row per suppressed cell of a bundle (shown as "< k"). */
export interface SuppressedCellRow {
  centre_id: string;
  table: string;
  row: string;
  col: string;
  shown_as: string;
}

export interface PanelResult {
  centres: CentreRow[];
  rulesets: { ruleset_id: string; status: string }[];
  doses: PooledDoses;
  concordance: PooledConcordanceRow[];
  enforcement: PooledEnforcementRow[];
  holdReasons: ReturnType<typeof poolHoldReasons>;
  rates: PooledRateRow[];
  funnel: ResponseFunnelRow[];
  funnelCurves: { x: number; level: number; lower: number; upper: number }[];
  funnelTarget: number | null;
  signals: PooledSignalRow[];
  implied: (PanelBundle['implied_thresholds'][number] & { centre_id: string })[];
  withheldEstimates: (PanelBundle['withheld_estimates'][number] & { centre_id: string })[];
  suppressed: SuppressedCellRow[];
  /** Outcomes (issue 22): pooled life-table survival, durable CRs, serious events. */
  survival: PooledSurvivalRow[];
  durableCr: PooledDurableRow[];
  serious: PooledSeriousRow[];
  /** Reversibility of toxicity and why cycles ended (bundle schema 3). */
  reversal: PooledReversalRow[];
  cycleEnds: PooledCycleEndRow[];
}

/**
 * Pools checked bundles into the panel's tables.
 * @example const r = poolBundles(bundles, { hartungKnapp: false })
 */
export function poolBundles(input: readonly PanelBundle[], options: { hartungKnapp?: boolean } = {}): PanelResult {
  const bundles = [...input].sort((a, b) => a.centre_id.localeCompare(b.centre_id) || a.period.first.localeCompare(b.period.first));
  const rates = poolResponseRates(bundles);
  return {
    centres: bundles.map((b) => ({
      centre_id: b.centre_id, period_first: b.period.first, period_last: b.period.last, min_cell: b.policy.min_cell, kit_version: b.kit_version,
      schema_version: b.schema_version, tables: b.tables.length, cells_suppressed_primary: b.suppression.primary,
      cells_suppressed_secondary: b.suppression.secondary, tables_withheld: b.suppression.withheld_tables,
      signal_estimates: b.signal_estimates.length, estimates_withheld: b.withheld_estimates.length, content_sha256: b.content_sha256,
    })),
    rulesets: [...rulesetStatuses(bundles)].sort(([a], [b]) => a.localeCompare(b)).map(([ruleset_id, status]) => ({ ruleset_id, status })),
    doses: poolDoses(bundles),
    concordance: poolConcordance(bundles),
    enforcement: poolEnforcement(bundles),
    holdReasons: poolHoldReasons(bundles),
    rates: rates.rates,
    funnel: rates.funnel,
    funnelCurves: rates.curves,
    funnelTarget: rates.target,
    signals: poolSignals(bundles, options),
    implied: bundles.flatMap((b) => b.implied_thresholds.map((t) => ({ centre_id: b.centre_id, ...t }))),
    withheldEstimates: bundles.flatMap((b) => b.withheld_estimates.map((w) => ({ centre_id: b.centre_id, ...w }))),
    survival: poolSurvival(bundles),
    durableCr: poolDurableCr(bundles),
    serious: poolSeriousEvents(bundles),
    reversal: poolReversal(bundles),
    cycleEnds: poolCycleEnds(bundles),
    suppressed: bundles.flatMap((b) =>
      b.tables.flatMap((t) =>
        t.rows.flatMap((row, i) =>
          t.cols.flatMap((col, j) => (t.cells[i]![j] === null ? [{ centre_id: b.centre_id, table: t.id, row, col, shown_as: `< ${b.policy.min_cell}*` }] : [])),
        ),
      ),
    ),
  };
}
