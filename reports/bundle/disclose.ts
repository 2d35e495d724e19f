// Disclosure control of a centre's summary: cell suppression of every table, then the model-estimate rules, then the
// content hash. What comes out is the bundle (nothing patient-level, nothing under k); the per-cell reasons go only to
// the centre's audit log.
import { bundleHash } from '../../analytics/panel/hash.js';
import { coarsenLifeTable } from '../../analytics/panel/life-table.js';
import { coarsenCycleEndTable, coarsenReversalTable } from '../../analytics/panel/coarsen-toxicity.js';
import type { CentreSummary, CountTable } from '../../analytics/panel/types.js';
import { protectCrossTables } from './cross-table.js';
import { protectRows } from './cross-rows.js';
import { BUNDLE_KIND, BUNDLE_SCHEMA_VERSION, PanelBundle, type BundleTable, type DisclosurePolicy } from '../../schemas/bundle.js';
import { revealsByDifference } from './nested.js';
import { suppressTable, type SuppressionReason } from './suppress.js';

export interface SuppressionRecord {
  table: string;
  row: string;
  col: string;
  reason: SuppressionReason;
}

export interface DisclosedBundle {
  bundle: PanelBundle;
  /** Every suppressed cell with its reason (kept at the centre, in the audit log; not in the bundle). */
  suppressed: SuppressionRecord[];
}

type Withheld = PanelBundle['withheld_estimates'][number];

function estimateRule(n: number, events: number, parameters: number, p: DisclosurePolicy): Withheld['rule'] | null {
  if (n < p.min_model_patients) return 'min_patients';
  if (events < p.min_model_events || n - events < p.min_model_events) return 'min_events';
  if (parameters / n > p.max_parameter_ratio) return 'parameter_ratio';
  return null;
}

/** Life, reversal and cycle-end tables are coarsened (intervals, bands or rare reasons merged until every cell is 0 or ≥ k). */
function coarsen(t: CountTable, k: number): CountTable {
  if (t.kind === 'os_life' || t.kind === 'pfs_life') return { ...t, ...coarsenLifeTable(t.counts, k) };
  if (t.kind === 'reversal') return { ...t, ...coarsenReversalTable(t.counts, k) };
  if (t.kind === 'cycle_end') return { ...t, ...coarsenCycleEndTable(t.rows, t.counts, k) };
  return t;
}

/**
 * Applies the policy to a summary and returns the bundle with its hash.
 * @example const { bundle } = discloseSummary(summariseCentre(inputs), DEFAULT_POLICY, '0.1.0')
 */
export function discloseSummary(s: CentreSummary, policy: DisclosurePolicy, kitVersion: string): DisclosedBundle {
  const k = policy.min_cell;
  const suppressed: SuppressionRecord[] = [];
  const cross = protectCrossTables(s.tables.map((t) => coarsen(t, k)), k);
  // Rows differing from another table's row by 1 … k − 1 patients are left out; the audit log names them.
  const { tables: source, withheld: rowsOut, empty } = protectRows(cross.tables, k);
  const withhold = new Set([...cross.withhold, ...empty]);
  for (const r of rowsOut) for (const col of r.cols) suppressed.push({ table: r.table, row: r.row, col, reason: 'withheld' });
  const results = new Map(source.map((t) => [t.id, suppressTable(t.counts, k)]));
  const tables: BundleTable[] = source.map((t) => {
    let r = results.get(t.id)!;
    const outer = t.kind === 'dose_end_first' ? source.find((x) => x.id === `dose_end:${t.group.regimen}`) : undefined;
    const nested = outer !== undefined && !r.withheld && revealsByDifference(t, r.cells, outer, results.get(outer.id)!.cells, k);
    // A first-cycle table nested in its all-cycles one, or a table whose difference from another of the same patients is under k.
    if (nested || (withhold.has(t.id) && !r.withheld))
      r = {
        cells: t.counts.map((row) => row.map(() => null)),
        suppressed: t.counts.flatMap((row, i) => row.map((_, j) => ({ row: i, col: j, reason: 'withheld' as const }))),
        withheld: true,
      };
    for (const c of r.suppressed) suppressed.push({ table: t.id, row: t.rows[c.row]!, col: t.cols[c.col]!, reason: c.reason });
    return { id: t.id, kind: t.kind, group: t.group, rows: t.rows, cols: t.cols, cells: r.cells, withheld: r.withheld };
  });
  const whole = new Set(tables.filter((t) => t.cells.every((row) => row.every((c) => c !== null))).map((t) => t.id));
  const withheld: Withheld[] = [];
  const signal_estimates: PanelBundle['signal_estimates'] = [];
  for (const e of s.estimates) {
    if (e.log_or === null || e.std_err === null || e.method === null || !(e.std_err > 0) || !Number.isFinite(e.std_err)) {
      withheld.push({ what: 'signal', id: e.signal, rule: 'not_estimable' });
      continue;
    }
    const rule = estimateRule(e.n, e.events, e.parameters, policy) ?? (e.table !== null && !whole.has(e.table) ? 'suppressed_table' : null);
    if (rule !== null) withheld.push({ what: 'signal', id: e.signal, rule });
    else
      signal_estimates.push({
        signal: e.signal,
        method: e.method,
        log_or: e.log_or,
        std_err: e.std_err,
        n: e.n,
        events: e.events,
        parameters: e.parameters,
      });
  }
  const implied_thresholds: PanelBundle['implied_thresholds'] = [];
  for (const t of s.implied) {
    // Two parameters (intercept and slope, or the step's two rates) over the slots with the value recorded.
    const rule = t.ed50 === null && t.step_threshold === null ? 'not_estimable' : estimateRule(t.n, t.held, 2, policy);
    if (rule !== null) withheld.push({ what: 'implied_threshold', id: t.variable, rule });
    else implied_thresholds.push(t);
  }
  const count = (reason: SuppressionReason) => suppressed.filter((x) => x.reason === reason).length;
  const content = {
    kind: BUNDLE_KIND,
    schema_version: BUNDLE_SCHEMA_VERSION,
    kit_version: kitVersion,
    centre_id: s.centre_id,
    period: s.period,
    policy,
    suppression: { primary: count('primary'), secondary: count('secondary'), withheld_tables: tables.filter((t) => t.withheld).length },
    response_course: s.response_course,
    rulesets: s.rulesets,
    tables,
    signal_estimates,
    implied_thresholds,
    withheld_estimates: withheld,
  };
  const bundle = PanelBundle.parse({ ...content, content_sha256: bundleHash(content) });
  return { bundle, suppressed };
}
