// Durable complete responses by disease (il2-domain.md §4.2 reports RCC and melanoma apart): the KM share of CR
// patients progression-free at each horizon per centre, with its 95% interval, beside the published share.
import type { TopLevelSpec } from 'vega-lite';
import type { DurableCrDisease, DurableCrRow } from '../analytics/outcomes/index.js';
import { ANALYSIS_CONFIG, VEGA_LITE_SCHEMA, wrapText } from './spec-types.js';

/** Clinical names of the disease panels. */
export const DURABLE_CR_DISEASE_LABELS: Record<DurableCrDisease, string> = {
  rcc: 'Renal cell carcinoma',
  melanoma: 'Melanoma',
  all: 'Both diseases',
};

/**
 * One panel per disease (RCC, melanoma), a row per centre and horizon: progression-free share of CR patients with its
 * 95% interval; a tick marks the published share. Centres without an estimate are named in the subtitle.
 * @example durableCrSpec(analyseOutcomes(inputs).durableCr)
 */
export function durableCrSpec(rows: readonly DurableCrRow[]): TopLevelSpec {
  const shown = rows.filter((r) => r.disease !== 'all');
  const values = shown
    .filter((r) => r.progression_free !== null)
    .map((r) => ({
      disease: DURABLE_CR_DISEASE_LABELS[r.disease],
      centre: r.centre_id === 'ALL' ? 'All centres' : r.centre_id,
      horizon: `${r.horizon_months} months`,
      share: r.progression_free,
      lo: r.lower,
      hi: r.upper,
      n: r.complete_responders,
      reference: r.reference,
      source: r.reference_source,
    }));
  const missing = [...new Set(shown.filter((r) => r.progression_free === null).map((r) => `${r.centre_id} ${r.disease} ${r.horizon_months} mo`))];
  const centres = [...new Set(values.map((v) => v.centre))];
  const order = [...centres.filter((c) => c !== 'All centres').sort(), ...centres.filter((c) => c === 'All centres')];
  const y = { field: 'centre', type: 'nominal', title: null, sort: order } as const;
  const x = { field: 'share', type: 'quantitative' as const, title: 'Share progression-free', scale: { domain: [0, 1] }, axis: { format: '%' } };
  const subtitle = 'Kaplan–Meier share of patients whose best response was CR, progression-free and alive, with 95% intervals; ' +
    'the grey tick is the published share (no source gives its horizon).' +
    (missing.length ? ` No estimate (no CR, or none followed that long): ${missing.join('; ')}.` : '');
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: 'Durable complete responses, by disease', subtitle: wrapText(subtitle, 110) },
    data: { values },
    facet: {
      row: { field: 'disease', type: 'nominal', title: null, sort: [DURABLE_CR_DISEASE_LABELS.rcc, DURABLE_CR_DISEASE_LABELS.melanoma] },
      column: { field: 'horizon', type: 'nominal', title: 'From the first dose' },
    },
    spec: {
      width: 260,
      height: { step: 22 },
      layer: [
        { mark: { type: 'tick', color: '#999', thickness: 2 }, encoding: { y, x: { field: 'reference', type: 'quantitative' } } },
        { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { y, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } },
        {
          mark: { type: 'point', filled: true, opacity: 1, size: 60 },
          encoding: {
            y,
            x,
            tooltip: [
              { field: 'centre', title: 'Centre' },
              { field: 'n', title: 'Complete responders' },
              { field: 'share', title: 'Progression-free', format: '.1%' },
              { field: 'source', title: 'Published' },
            ],
          },
        },
      ],
    },
    config: ANALYSIS_CONFIG,
  };
}
