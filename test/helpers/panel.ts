// Test-only bundles: a centre's summary as a bundle with NOTHING suppressed (every count, every estimate), to check
// that pooling reproduces the patient-level analyses exactly. Never a release path: il2kit bundle always suppresses.
import { bundleHash } from '../../analytics/panel/hash.js';
import type { CentreSummary, CountTable } from '../../analytics/panel/types.js';
import { DEFAULT_POLICY } from '../../analytics/panel/types.js';
import { BUNDLE_KIND, BUNDLE_SCHEMA_VERSION, PanelBundle } from '../../schemas/bundle.js';
import type { SlotFeatureFrame } from '../../rules/features.js';

export function unsuppressedBundle(s: CentreSummary): PanelBundle {
  const content = {
    kind: BUNDLE_KIND, schema_version: BUNDLE_SCHEMA_VERSION, kit_version: '0.0.0-test', centre_id: s.centre_id, period: s.period, policy: DEFAULT_POLICY,
    suppression: { primary: 0, secondary: 0, withheld_tables: 0 }, response_course: s.response_course, rulesets: s.rulesets,
    tables: s.tables.map((t) => ({ id: t.id, kind: t.kind, group: t.group, rows: t.rows, cols: t.cols, cells: t.counts, withheld: false })),
    signal_estimates: s.estimates.flatMap((e) => (e.log_or !== null && e.std_err !== null && e.method !== null && e.std_err > 0 && Number.isFinite(e.std_err) ? [{ signal: e.signal, method: e.method, log_or: e.log_or, std_err: e.std_err, n: e.n, events: e.events, parameters: e.parameters }] : [])),
    implied_thresholds: s.implied, withheld_estimates: [],
  };
  return PanelBundle.parse({ ...content, content_sha256: bundleHash(content) });
}

/** A minimal summary from count tables alone (for synthetic centres). */
export function summaryOf(centre_id: string, tables: CountTable[], estimates: CentreSummary['estimates'] = []): CentreSummary {
  return { centre_id, period: { first: '2020-Q1', last: '2023-Q4' }, response_course: 1, rulesets: [], tables, estimates, implied: [] };
}

/** The rows `rows` of a slot-feature frame (in the order given), e.g. one pseudo-centre's patients. */
export function subsetFrame(frame: SlotFeatureFrame, rows: readonly number[], centre?: string): SlotFeatureFrame {
  const values: SlotFeatureFrame['values'] = {};
  for (const [k, col] of Object.entries(frame.values) as [keyof SlotFeatureFrame['values'], Float64Array][]) values[k] = Float64Array.from(rows, (i) => col[i]!);
  return {
    n: rows.length,
    centre_id: rows.map((i) => centre ?? frame.centre_id[i]!),
    patient_key: rows.map((i) => frame.patient_key[i]!),
    cycle_id: rows.map((i) => frame.cycle_id[i]!),
    slot_number: Int32Array.from(rows, (i) => frame.slot_number[i]!),
    status: rows.map((i) => frame.status[i]!),
    hold_reason_codes: rows.map((i) => frame.hold_reason_codes[i]!),
    values,
  };
}
