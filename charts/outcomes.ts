// Figures of the outcome and safety analyses (analytics/outcomes): Kaplan-Meier curves with log-scale 95% bands,
// reversal shares by day beside the published figures, serious events per 100 patients, why cycles ended.
// Builders take already-shaped analysis rows and never load data.
import type { TopLevelSpec } from 'vega-lite';
import {
  ENDPOINT_LABELS,
  REVERSAL_LABELS,
  type CycleEndCountRow,
  type Endpoint,
  type ReversibilityRow,
  type SafetyRow,
  type SurvivalCurveRow,
} from '../analytics/outcomes/index.js';
import { ANALYSIS_CONFIG, VEGA_LITE_SCHEMA, centreScale, wrapText } from './spec-types.js';

const GROUPING_TITLES: Record<string, string> = {
  all: 'All patients',
  centre: 'Centre',
  disease: 'Disease',
  regimen: 'Regimen',
  best_response: 'Best response',
  responder: 'At the first assessment',
};

/**
 * Kaplan-Meier curves of one endpoint by one grouping, step lines with pointwise 95% bands (log scale, Greenwood).
 * @example survivalCurvesSpec(analyseOutcomes(inputs).curves, 'os', 'centre')
 */
export function survivalCurvesSpec(curves: readonly SurvivalCurveRow[], endpoint: Endpoint, grouping: string): TopLevelSpec {
  const values = curves
    .filter((c) => c.endpoint === endpoint && c.grouping === grouping)
    .map((c) => ({ group: c.group, t: c.time_months, s: c.survival, lo: c.lower, hi: c.upper, n: c.n_risk }));
  const groups = [...new Set(values.map((v) => v.group))].sort();
  const colour = centreScale(groups, 'all');
  const color = { field: 'group', type: 'nominal', title: GROUPING_TITLES[grouping] ?? grouping, scale: colour, sort: groups } as const;
  const x = {
    field: 't',
    type: 'quantitative',
    title:
      endpoint === 'landmark_os'
        ? 'Months since the first response assessment'
        : endpoint === 'dor'
          ? 'Months since the first response'
          : 'Months since the first dose',
  } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: ENDPOINT_LABELS[endpoint],
      subtitle:
        values.length === 0
          ? ['no patients with this endpoint']
          : wrapText('Kaplan–Meier estimate; shaded: pointwise 95% interval (log scale, Greenwood). Steps end at the last follow-up.', 110),
    },
    width: 460,
    height: 260,
    data: { values },
    layer: [
      {
        mark: { type: 'area', interpolate: 'step-after', opacity: 0.15 },
        encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color },
      },
      {
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.8 },
        encoding: {
          x,
          y: { field: 's', type: 'quantitative', title: 'Share without the event', scale: { domain: [0, 1] }, axis: { format: '%' } },
          color,
          tooltip: [
            { field: 'group', title: GROUPING_TITLES[grouping] ?? grouping },
            { field: 't', title: 'Months', format: '.1f' },
            { field: 's', title: 'Survival', format: '.1%' },
            { field: 'n', title: 'At risk' },
          ],
        },
      },
    ],
    config: ANALYSIS_CONFIG,
  };
}

/**
 * Share of cycles whose toxicity reversed by day 7, 14 and 30 after the last dose (death competing), per centre, with
 * the published share as a black tick where there is one.
 * @example reversibilitySpec(analyseOutcomes(inputs).reversibility)
 */
export function reversibilitySpec(rows: readonly ReversibilityRow[]): TopLevelSpec {
  const values = rows
    .filter((r) => r.cumulative_incidence !== null)
    .map((r) => ({
      measure: REVERSAL_LABELS[r.measure],
      centre: r.centre_id === 'ALL' ? 'All centres' : r.centre_id,
      day: `day ${r.day}`,
      f: r.cumulative_incidence,
      lo: r.lower,
      hi: r.upper,
      n: r.courses,
      ref: r.reference,
    }));
  const centres = [...new Set(values.map((v) => v.centre))];
  const colour = centreScale(centres, 'All centres');
  const x = { field: 'day', type: 'ordinal', title: 'After the last dose', sort: ['day 7', 'day 14', 'day 30'], axis: { labelAngle: 0 } } as const;
  const xOffset = { field: 'centre', type: 'nominal', sort: colour.domain } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: 'Reversal of toxicity after the last dose',
      subtitle: wrapText(
        'Cumulative incidence with death as a competing event; 95% interval from Gray’s variance. ' +
          'Black tick: back to baseline in 62% by day 7, 84% by day 14, 95% by day 30 (Belldegrun, S31 [V]). Courses of a patient counted as independent.',
        110,
      ),
    },
    data: { values },
    facet: { field: 'measure', type: 'nominal', title: null, header: { labelLimit: 400 } },
    columns: 2,
    spec: {
      width: 300,
      height: 160,
      layer: [
        {
          mark: { type: 'rule', strokeWidth: 1.5 },
          encoding: {
            x,
            xOffset,
            y: { field: 'lo', type: 'quantitative' },
            y2: { field: 'hi' },
            color: { field: 'centre', type: 'nominal', title: 'Centre', scale: colour },
          },
        },
        {
          mark: { type: 'point', filled: true, opacity: 1 },
          encoding: {
            x,
            xOffset,
            y: { field: 'f', type: 'quantitative', title: 'Share of courses reversed', scale: { domain: [0, 1] }, axis: { format: '%' } },
            color: { field: 'centre', type: 'nominal', title: 'Centre', scale: colour },
            tooltip: [
              { field: 'centre', title: 'Centre' },
              { field: 'day', title: 'By' },
              { field: 'f', title: 'Reversed', format: '.1%' },
              { field: 'n', title: 'Courses' },
            ],
          },
        },
        { mark: { type: 'tick', color: 'black', thickness: 2, size: 40 }, encoding: { x, y: { field: 'ref', type: 'quantitative' } } },
      ],
    },
    config: ANALYSIS_CONFIG,
  };
}

/**
 * Patients with a serious event per 100, by centre and regimen, with exact (Clopper–Pearson) 95% intervals.
 * @example safetySpec(analyseOutcomes(inputs).safety)
 */
export function safetySpec(rows: readonly SafetyRow[], eventType = 'any_serious'): TopLevelSpec {
  const values = rows
    .filter((r) => r.event_type === eventType && !r.regimen.includes('pooled'))
    .map((r) => ({
      centre: r.centre_id === 'ALL' ? 'All centres' : r.centre_id,
      regimen: r.regimen,
      rate: r.per_100_patients,
      lo: r.per_100_lower,
      hi: r.per_100_upper,
      n: r.patients,
      k: r.patients_with_event,
    }));
  const centres = [...new Set(values.map((v) => v.centre))];
  const order = [...centres.filter((c) => c !== 'All centres').sort(), ...centres.filter((c) => c === 'All centres')];
  const y = { field: 'centre', type: 'nominal', title: null, sort: order } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: 'Patients with a serious event, per 100 treated',
      subtitle: wrapText(
        'ICU transfer, intubation, dialysis, coma, seizure or treatment-related death. Exact 95% intervals. Regimens are shown apart, never pooled.',
        110,
      ),
    },
    data: { values },
    facet: { field: 'regimen', type: 'nominal', title: 'Regimen (IU/kg per dose / doses per cycle)' },
    spec: {
      width: 260,
      height: { step: 22 },
      layer: [
        { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { y, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } },
        {
          mark: { type: 'point', filled: true, opacity: 1, size: 60 },
          encoding: {
            y,
            x: { field: 'rate', type: 'quantitative', title: 'Per 100 patients' },
            tooltip: [
              { field: 'centre', title: 'Centre' },
              { field: 'k', title: 'With an event' },
              { field: 'n', title: 'Patients' },
              { field: 'rate', title: 'Per 100', format: '.1f' },
            ],
          },
        },
      ],
    },
    config: ANALYSIS_CONFIG,
  };
}

/**
 * Why cycles ended: share of cycles by reason per centre, one panel per reading (the record, each ruleset).
 * @example cycleEndSpec(analyseOutcomes(inputs).cycleEnds)
 */
export function cycleEndSpec(rows: readonly CycleEndCountRow[]): TopLevelSpec {
  const values = rows.map((r) => ({
    reading: r.reading === 'recorded' ? 'As recorded by the centre' : `Under ${r.reading}`,
    centre: r.centre_id === 'ALL' ? 'All centres' : r.centre_id,
    reason: r.reason,
    share: r.share,
    n: r.cycles,
  }));
  const centres = [...new Set(values.map((v) => v.centre))];
  const order = [...centres.filter((c) => c !== 'All centres').sort(), ...centres.filter((c) => c === 'All centres')];
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: 'Why cycles ended',
      subtitle: wrapText(
        'One reason per cycle: the criterion (organ system) or cycle policy that stopped it, the maximum, or a non-clinical end. ' +
          'Under a ruleset: what would have stopped the cycle first.',
        110,
      ),
    },
    data: { values },
    facet: { field: 'reading', type: 'nominal', title: null, header: { labelLimit: 400 } },
    columns: 1,
    spec: {
      width: 520,
      height: { step: 20 },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'centre', type: 'nominal', title: null, sort: order },
        x: { field: 'share', type: 'quantitative', title: 'Share of cycles', stack: 'normalize', axis: { format: '%' } },
        color: { field: 'reason', type: 'nominal', title: 'Reason', legend: { columns: 1, labelLimit: 400 } },
        tooltip: [
          { field: 'centre', title: 'Centre' },
          { field: 'reason', title: 'Reason' },
          { field: 'n', title: 'Cycles' },
          { field: 'share', title: 'Share', format: '.1%' },
        ],
      },
    },
    resolve: { scale: { y: 'independent' } },
    config: ANALYSIS_CONFIG,
  };
}
