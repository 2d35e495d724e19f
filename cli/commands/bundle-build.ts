// The bundle step without its IO of results: pull one centre's inputs from the store, summarise, disclose, check
// differencing against the audit log. Used by `il2kit bundle` and the bench.
import { loadCaseMix, loadCycleDoses, queryRows } from '../../analytics/doses/load.js';
import { summariseCentre } from '../../analytics/panel/summarise.js';
import { DEFAULT_POLICY } from '../../analytics/panel/types.js';
import { DEFAULT_REFERENCE, kitRulesets, slotFeaturesFromStore } from '../../analytics/practice/report.js';
import { loadResponseInputs } from '../../analytics/response/load.js';
import { releasedBundles } from '../../reports/bundle/audit.js';
import { differencingProblems, type DifferencingProblem } from '../../reports/bundle/differencing.js';
import { discloseSummary, type SuppressionRecord } from '../../reports/bundle/disclose.js';
import type { PanelBundle } from '../../schemas/bundle.js';
import { UserError } from '../errors.js';
import { kitVersion } from '../../project/version.js';
import { withStore } from './analysis-output.js';

export interface BuiltBundle {
  bundle: PanelBundle;
  suppressed: SuppressionRecord[];
  problems: DifferencingProblem[];
}

/**
 * Builds (does not write) a centre's bundle from a store, with the differencing check against earlier releases.
 * @example const { bundle, problems } = await buildBundle('out/store', 'amstel', 5)
 */
export async function buildBundle(store: string, centre: string, minCell: number): Promise<BuiltBundle> {
  const inputs = await withStore(store, async (conn) => {
    const centres = (await queryRows(conn, 'SELECT DISTINCT centre_id FROM cycle ORDER BY 1')).map((r) => String(r.centre_id));
    if (!centres.includes(centre))
      throw new UserError(`--centre ${centre}: no cycles for that centre in ${store} (centres there: ${centres.join(', ') || 'none'})`);
    const only = { centres: [centre] };
    return { cycles: await loadCycleDoses(conn, only), patients: await loadCaseMix(conn, only), response: await loadResponseInputs(conn, only) };
  });
  const frame = await slotFeaturesFromStore(store, { centres: [centre] });
  const rulesets = kitRulesets();
  const reference = rulesets.find((r) => r.id === DEFAULT_REFERENCE) ?? null;
  const summary = summariseCentre({ centre_id: centre, ...inputs, frame: frame.n > 0 ? frame : null, rulesets, reference });
  const { bundle, suppressed } = discloseSummary(
    summary,
    { ...DEFAULT_POLICY, min_cell: minCell, min_model_events: Math.max(DEFAULT_POLICY.min_model_events, minCell) },
    kitVersion(),
  );
  let earlier: PanelBundle[];
  try {
    earlier = releasedBundles(store);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  return { bundle, suppressed, problems: differencingProblems(bundle, earlier) };
}
