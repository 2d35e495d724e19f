// The panel report's figures as vega-lite specs, through the kit's own chart builders (pooled rows reshaped to the
// rows those builders take).
import type { TopLevelSpec } from 'vega-lite';
import type { PanelResult } from '../../analytics/panel/pool.js';
import type { ForestRow } from '../../analytics/response/signal-odds-ratios.js';
import { LANDMARK_NOTE } from '../../analytics/response/messages.js';
import type { SignalId } from '../../analytics/response/signals.js';
import { doseSurvivalSpec, meanDosesFunnelSpec } from '../../charts/doses.js';
import { forestSpec, responseFunnelSpec } from '../../charts/response.js';

/** Forest rows (charts/response) from the pooled signal rows. */
function forestRows(r: PanelResult): ForestRow[] {
  return r.signals.map((s) => ({
    signal: s.signal as SignalId,
    label: s.label,
    per: s.per,
    kind: s.kind,
    centre_id: s.centre_id,
    n: s.n,
    events: s.events,
    method: s.method === 'firth' || s.method === 'maximum-likelihood' ? s.method : null,
    interval: 'wald',
    or: s.or,
    lower: s.lower,
    upper: s.upper,
    log_or: s.log_or,
    std_err: s.std_err,
    p_value: null,
    firth_reason: null,
    message: null,
    weight_percent: s.weight_percent,
    tau2: s.tau2,
    i2: s.i2,
    q_p_value: s.q_p_value,
    k_centres: s.k_centres,
  }));
}

/** The panel report's figures, in the order they are written. */
export const PANEL_FIGURES = ['dose_survival', 'doses_funnel', 'response_funnel', 'signal_forest'] as const;
export type PanelFigure = (typeof PANEL_FIGURES)[number];

/** Specs of the panel figures; null where there is nothing to draw. @example panelFigures(poolBundles(bundles)) */
export function panelFigures(r: PanelResult): Record<PanelFigure, TopLevelSpec | null> {
  return {
    dose_survival:
      r.doses.survival.length > 0
        ? doseSurvivalSpec(r.doses.survival, { includeAll: true, title: 'Doses reached, pooled from the bundles (Kaplan–Meier)' })
        : null,
    doses_funnel:
      r.doses.meanFunnel.rows.length > 0
        ? meanDosesFunnelSpec(r.doses.meanFunnel, {
            note: r.doses.meanFunnel.centres_left_out ? `Left out (a dose cell suppressed): ${r.doses.meanFunnel.centres_left_out}.` : '',
          })
        : null,
    response_funnel:
      r.funnel.length > 0
        ? responseFunnelSpec(
            { rates: [], funnel: r.funnel, curves: r.funnelCurves, target: r.funnelTarget, phi: null, notes: [] },
            {
              title: 'Response rate of all treated by centre (centres whose response table was released whole)',
              xTitle: 'Patients treated (not evaluable counted as not responding)',
            },
          )
        : null,
    signal_forest:
      r.signals.length > 0
        ? forestSpec(
            { landmark: LANDMARK_NOTE, adjusted_for: 'disease (within centre)', single: [], joint: [], forest: forestRows(r), notes: [] },
            { title: 'Response signals: each centre and random-effects pooled' },
          )
        : null,
  };
}
