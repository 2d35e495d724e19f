// Figures of the dose analyses (analytics/doses): dose-survival curves, cumulative incidence of the
// end reasons, distributions of doses per cycle, and the funnel of cycles reaching N doses.
// Builders take already-shaped analysis rows and never load data.
import type { TopLevelSpec } from 'vega-lite';
import type { DoseHistogramRow, DoseSurvivalRow, EndCause, EndCauseIncidenceRow, MeanDosesFunnelResult, ReachingResult } from '../analytics/doses/index.js';
import { funnelLayers, unlabelledNote } from './funnel.js';
import { ANALYSIS_CONFIG, VEGA_LITE_SCHEMA, centreScale, wrapText } from './spec-types.js';

const ALL = 'ALL';

/** Colour and label of each competing end event (exhaustive: a new cause is a compile error here). */
export const END_CAUSE_STYLE = {
  toxicity: { label: 'Stopped for toxicity', color: '#D55E00' },
  maximum: { label: 'Reached the maximum', color: '#009E73' },
  other: { label: 'Other (clinician, patient, window closed)', color: '#999999' },
} as const satisfies Record<EndCause, { label: string; color: string }>;

export interface DoseChartOptions {
  title?: string;
  /** Draw the all-centres curve too (default false). */
  includeAll?: boolean;
}

/** A mutable [from, to] pair (vega-lite's types reject readonly tuples inside `as const` objects). */
const numbers = (a: number, b: number): number[] => [a, b];

const keep = (includeAll: boolean | undefined) => (r: { centre_id: string }) => includeAll === true || r.centre_id !== ALL;

/**
 * Dose-survival curves: Kaplan–Meier P(at least k doses) per centre with pointwise 95% bands, one panel per cap.
 * @example doseSurvivalSpec(analyseDoses(cycles, patients).survival.curves)
 */
export function doseSurvivalSpec(curves: readonly DoseSurvivalRow[], options: DoseChartOptions = {}): TopLevelSpec {
  const rows = curves.filter(keep(options.includeAll)).map((r) => ({
    centre: r.centre_id,
    panel: `Cap ${r.cap} doses`,
    doses: r.doses,
    p: r.p_at_least,
    lower: r.lower,
    upper: r.upper,
    at_risk: r.n_at_risk,
  }));
  const colour = { field: 'centre', type: 'nominal', title: 'Centre', scale: centreScale(rows.map((r) => r.centre)) } as const;
  const x = {
    field: 'doses',
    type: 'quantitative',
    title: 'Dose number k',
    axis: { tickMinStep: 1, format: 'd' },
    scale: { domain: numbers(1, 15), nice: false },
  } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? 'Dose survival: share of cycles that gave at least k doses',
      subtitle: wrapText(
        'Kaplan–Meier per centre with 95% pointwise intervals (Greenwood, log scale); one panel per cap, so 14-dose cycles are never read as stopping ' +
          'short of 15',
        110,
      ),
    },
    data: { values: rows },
    facet: { column: { field: 'panel', type: 'nominal', title: null } },
    spec: {
      width: 300,
      height: 220,
      layer: [
        {
          mark: { type: 'area', interpolate: 'step-after', opacity: 0.12 },
          encoding: { x, y: { field: 'lower', type: 'quantitative' }, y2: { field: 'upper' }, color: colour },
        },
        {
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
          encoding: {
            x,
            y: { field: 'p', type: 'quantitative', title: 'P(at least k doses)', scale: { domain: [0, 1] }, axis: { format: '%' } },
            color: colour,
            tooltip: [
              { field: 'centre', title: 'Centre' },
              { field: 'doses', title: 'k' },
              { field: 'p', title: 'P(≥ k)', format: '.1%' },
              { field: 'lower', title: 'lower', format: '.1%' },
              { field: 'upper', title: 'upper', format: '.1%' },
              { field: 'at_risk', title: 'cycles at risk' },
            ],
          },
        },
      ],
    },
    config: ANALYSIS_CONFIG,
  };
}

/**
 * Cumulative incidence of how cycles ended (toxicity stop, maximum reached, other) by doses given,
 * Aalen–Johansen with 95% bands, one panel per centre and cap.
 * @example endReasonIncidenceSpec(analyseDoses(cycles, patients).survival.incidence)
 */
export function endReasonIncidenceSpec(incidence: readonly EndCauseIncidenceRow[], options: DoseChartOptions = {}): TopLevelSpec {
  const rows = incidence.filter(keep(options.includeAll)).map((r) => ({
    panel: `${r.centre_id === ALL ? 'All centres' : r.centre_id} (cap ${r.cap})`,
    doses: r.doses,
    cause: END_CAUSE_STYLE[r.cause].label,
    ci: r.cumulative_incidence,
    lower: r.lower,
    upper: r.upper,
  }));
  const causes = Object.values(END_CAUSE_STYLE);
  const colour = {
    field: 'cause',
    type: 'nominal',
    title: 'Cycle ended',
    scale: { domain: causes.map((c) => c.label), range: causes.map((c) => c.color) },
  } as const;
  const x = {
    field: 'doses',
    type: 'quantitative',
    title: 'Doses given',
    axis: { tickMinStep: 1, format: 'd' },
    scale: { domain: numbers(0, 15), nice: false },
  } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? 'How cycles ended: cumulative incidence by doses given',
      subtitle: wrapText(
        'Competing events (Aalen–Johansen) with 95% pointwise intervals (Gray SE, log(−log) scale); a cycle that reached its cap counts as "maximum"',
        110,
      ),
    },
    data: { values: rows },
    facet: { field: 'panel', type: 'nominal', title: null },
    columns: 3,
    spec: {
      width: 200,
      height: 150,
      layer: [
        {
          mark: { type: 'area', interpolate: 'step-after', opacity: 0.15 },
          encoding: { x, y: { field: 'lower', type: 'quantitative' }, y2: { field: 'upper' }, color: colour },
        },
        {
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
          encoding: {
            x,
            y: { field: 'ci', type: 'quantitative', title: 'Cumulative incidence', scale: { domain: [0, 1] }, axis: { format: '%' } },
            color: colour,
            tooltip: [
              { field: 'panel', title: 'Centre' },
              { field: 'cause', title: 'Ended' },
              { field: 'doses', title: 'By dose' },
              { field: 'ci', title: 'Cumulative incidence', format: '.1%' },
            ],
          },
        },
      ],
    },
    config: ANALYSIS_CONFIG,
  };
}

export interface DoseDistributionChartOptions extends DoseChartOptions {
  /** Cycle number to draw ('1', '2', … or 'all', the default). */
  cycle?: string;
}

/**
 * Distribution of doses given per cycle: a histogram (share of cycles) per centre and regimen.
 * @example doseDistributionSpec(analyseDoses(cycles, patients).histogram)
 */
export function doseDistributionSpec(histogram: readonly DoseHistogramRow[], options: DoseDistributionChartOptions = {}): TopLevelSpec {
  const cycle = options.cycle ?? 'all';
  const rows = histogram
    .filter(keep(options.includeAll))
    .filter((r) => r.cycle_number === cycle)
    .map((r) => ({
      panel: `${r.centre_id === ALL ? 'All centres' : r.centre_id} · ${r.regimen}`,
      regimen: r.regimen,
      doses: r.doses_given,
      cycles: r.n_cycles,
      share: r.share,
    }));
  const regimens = [...new Set(rows.map((r) => r.regimen))].sort();
  const maxDose = Math.max(15, ...rows.map((r) => r.doses));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? `Doses given per cycle${cycle === 'all' ? '' : ` (cycle ${cycle} of a course)`}`,
      subtitle: wrapText(
        'Share of cycles by the number of doses given, per centre and regimen (dose per kg / cap; never pooled across regimens)',
        110,
      ),
    },
    data: { values: rows },
    facet: { field: 'panel', type: 'nominal', title: null },
    columns: 3,
    spec: {
      width: 200,
      height: 120,
      mark: { type: 'bar', width: { band: 0.85 } },
      encoding: {
        x: {
          field: 'doses',
          type: 'ordinal',
          title: 'Doses given',
          scale: { domain: Array.from({ length: maxDose + 1 }, (_, i) => i) },
          axis: { labelAngle: 0, values: [0, 5, 10, 14, 15].filter((v) => v <= maxDose) },
        },
        y: { field: 'share', type: 'quantitative', title: 'Share of cycles', axis: { format: '%' } },
        color: {
          field: 'regimen',
          type: 'nominal',
          title: 'Regimen',
          scale: { domain: regimens, range: regimens.map((_, i) => (['#0072B2', '#E69F00', '#009E73', '#CC79A7'] as const)[i % 4]!) },
        },
        tooltip: [
          { field: 'panel', title: 'Centre' },
          { field: 'doses', title: 'Doses' },
          { field: 'cycles', title: 'Cycles' },
          { field: 'share', title: 'Share', format: '.1%' },
        ],
      },
    },
    config: ANALYSIS_CONFIG,
  };
}

/**
 * Funnel of mean doses given per cycle by centre around the all-centre mean (normal limits for a mean, 95% and 99.8%;
 * the method is the result's and is printed under the title).
 * @example meanDosesFunnelSpec(meanDosesFunnel(cycles))
 */
export function meanDosesFunnelSpec(result: MeanDosesFunnelResult, options: { title?: string; note?: string } = {}): TopLevelSpec {
  const size = { width: 360, height: 260 };
  const target = result.target ?? 0;
  const { layers, unlabelled } = funnelLayers(
    result.rows.map((r) => ({
      label: r.centre_id,
      x: r.n_cycles,
      y: r.mean_doses,
      position95: r.position95,
      position998: r.position998,
      detail: `mean ${r.mean_doses.toFixed(1)} doses over ${r.n_cycles} cycles`,
    })),
    result.curves,
    {
      xTitle: 'Number of cycles',
      yTitle: 'Mean doses given per cycle',
      yFormat: '.0f',
      target,
      targetLabel: `all centres: ${target.toFixed(1)} doses`,
    },
    size,
  );
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? 'Mean doses given per cycle, by centre',
      subtitle: [
        ...(result.rows.length === 0 ? ['no funnel: fewer than two cycles'] : []),
        ...[result.method, options.note ?? '', ...unlabelledNote(unlabelled)].filter(Boolean).flatMap((t) => wrapText(t, 110)),
      ],
    },
    ...size,
    layer: layers,
    config: ANALYSIS_CONFIG,
  };
}

/** Size of each panel of the reaching funnel. */
const FUNNEL_PANEL = { width: 300, height: 240 };

/**
 * Funnel of each centre's share of cycles reaching the threshold: crude (exact binomial limits by
 * number of cycles) beside case-mix adjusted (observed / expected by expected count), 95% and 99.8% limits.
 * @example reachingFunnelSpec(analyseDoses(cycles, patients).reaching)
 */
export function reachingFunnelSpec(result: ReachingResult, options: { title?: string } = {}): TopLevelSpec {
  const which = result.cycles === 'first' ? 'first cycles' : 'cycles';
  const crude = funnelLayers(
    result.crude.map((r) => ({
      label: r.centre_id,
      x: r.n_cycles,
      y: r.share,
      position95: r.position95,
      position998: r.position998,
      detail: `${r.n_reaching} of ${r.n_cycles} ${which}`,
    })),
    result.curves.filter((c) => c.kind === 'crude'),
    {
      xTitle: `Number of ${which}`,
      yTitle: `Share reaching ≥ ${result.threshold} doses`,
      yFormat: '%',
      target: result.target,
      targetLabel: `all centres: ${(result.target * 100).toFixed(1)}%`,
    },
    FUNNEL_PANEL,
  );
  const adjusted = funnelLayers(
    result.adjusted.flatMap((r) =>
      r.ratio === null
        ? []
        : [
            {
              label: r.centre_id,
              x: r.expected,
              y: r.ratio,
              position95: r.position95,
              position998: r.position998,
              detail: `observed ${r.observed}, expected ${r.expected.toFixed(1)} from its case mix`,
            },
          ],
    ),
    result.curves.filter((c) => c.kind === 'adjusted'),
    {
      xTitle: 'Expected number reaching it (from case mix)',
      yTitle: 'Observed / expected',
      yFormat: '.2f',
      target: 1,
      targetLabel: 'as expected for the case mix',
    },
    FUNNEL_PANEL,
  );
  const unlabelled = [...new Set([...crude.unlabelled, ...adjusted.unlabelled])].sort();
  const phi = result.overdispersion_applied ? `; limits widened for over-dispersion` : '';
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? `Share of ${which} reaching ≥ ${result.threshold} doses, by centre`,
      subtitle: [
        ...wrapText(
          `Left: crude, exact binomial limits around the all-centre share. Right: adjusted for case mix by indirect standardisation (disease × ECOG × ` +
            `age band)${phi}.`,
          110,
        ),
        ...wrapText(
          'Dashed: 95% limits; solid: 99.8% limits. Cycles of one patient are correlated: read points near the limits with care.',
          110,
        ),
        ...unlabelledNote(unlabelled).flatMap((n) => wrapText(n, 110)),
      ],
    },
    hconcat: [
      { title: 'Crude', ...FUNNEL_PANEL, layer: crude.layers },
      { title: 'Case-mix adjusted', ...FUNNEL_PANEL, layer: adjusted.layers },
    ],
    resolve: { scale: { color: 'shared', strokeDash: 'shared' } },
    config: ANALYSIS_CONFIG,
  };
}
