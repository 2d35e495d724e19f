// Figures of the response analyses (analytics/response): the response-rate funnel, response by
// doses received, and the forest plot of signal odds ratios with the landmark caveat.
// Builders take already-shaped analysis rows and never load data.
import type { TopLevelSpec } from 'vega-lite';
import { LANDMARK_NOTE, type ForestRow, type ResponseByDosesRow, type ResponseRatesResult, type SignalOddsRatiosResult } from '../analytics/response/index.js';
import { funnelLayers, unlabelledNote } from './funnel.js';
import { ANALYSIS_CONFIG, VEGA_LITE_SCHEMA, centreScale, wrapText, type ChartLayer } from './spec-types.js';

const ALL = 'ALL';

/**
 * Funnel of response rates (CR + PR) by centre: exact binomial 95% and 99.8% limits around the all-centre rate.
 * @example responseFunnelSpec(analyseResponse(inputs).rates)
 */
export function responseFunnelSpec(rates: ResponseRatesResult, options: { title?: string; xTitle?: string } = {}): TopLevelSpec {
  const target = rates.target ?? 0;
  const size = { width: 360, height: 260 };
  const { layers, unlabelled } = funnelLayers(
    rates.funnel.map((r) => ({
      label: r.centre_id,
      x: r.n_assessed,
      y: r.rate,
      position95: r.position95,
      position998: r.position998,
      detail: `${r.responders} of ${r.n_assessed} responded`,
    })),
    rates.curves,
    {
      xTitle: options.xTitle ?? 'Patients assessed',
      yTitle: 'Response rate (CR + PR)',
      yFormat: '%',
      target,
      targetLabel: `all centres: ${(target * 100).toFixed(1)}%`,
    },
    size,
  );
  const none = rates.funnel.length === 0 ? [rates.notes[0] ?? 'no funnel: no response assessments'] : [];
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? 'Response rate by centre',
      subtitle: [
        ...none,
        ...wrapText('Exact binomial limits around the all-centre rate; dashed: 95%, solid: 99.8%. Not adjusted for case mix (disease, ECOG).', 110),
        ...unlabelledNote(unlabelled).flatMap((n) => wrapText(n, 110)),
      ],
    },
    ...size,
    layer: layers,
    config: ANALYSIS_CONFIG,
  };
}

/**
 * Response rate by doses received in the course (bands), per centre and all centres, with Wilson 95% intervals.
 * @example responseByDosesSpec(analyseResponse(inputs).byDoses)
 */
export function responseByDosesSpec(rows: readonly ResponseByDosesRow[], options: { title?: string; landmark?: string } = {}): TopLevelSpec {
  const values = rows.map((r) => ({
    centre: r.centre_id === ALL ? 'All centres' : r.centre_id,
    band: r.band,
    from: r.from,
    n: r.n_assessed,
    responders: r.responders,
    rate: r.rate,
    lower: r.lower,
    upper: r.upper,
  }));
  const bands = [...new Map([...values].sort((a, b) => a.from - b.from).map((v) => [v.band, v.band])).keys()];
  const centres = [...new Set(values.map((v) => v.centre))];
  const order = [...centres.filter((c) => c !== 'All centres').sort(), ...centres.filter((c) => c === 'All centres')];
  const colour = centreScale(values.map((v) => v.centre), 'All centres');
  const x = { field: 'band', type: 'ordinal', title: 'Doses received in the course', sort: bands, axis: { labelAngle: 0 } } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? 'Response rate by doses received',
      subtitle: wrapText(
        'Wilson 95% intervals. ' +
          (options.landmark ?? 'Doses received partly reflect tolerance, so this is not a dose–response effect (guarantee-time bias).'),
        110,
      ),
    },
    data: { values },
    facet: { field: 'centre', type: 'nominal', title: null, sort: order },
    columns: 3,
    spec: {
      width: 200,
      height: 140,
      layer: [
        {
          mark: { type: 'rule', strokeWidth: 1.5 },
          encoding: {
            x,
            y: { field: 'lower', type: 'quantitative' },
            y2: { field: 'upper' },
            color: { field: 'centre', type: 'nominal', scale: colour, legend: null },
          },
        },
        {
          mark: { type: 'point', filled: true, opacity: 1 },
          encoding: {
            x,
            y: { field: 'rate', type: 'quantitative', title: 'Response rate', scale: { domain: [0, 1] }, axis: { format: '%' } },
            size: { field: 'n', type: 'quantitative', title: 'Patients', scale: { range: [20, 160] } },
            color: { field: 'centre', type: 'nominal', scale: colour, legend: null },
            tooltip: [
              { field: 'centre', title: 'Centre' },
              { field: 'band', title: 'Doses' },
              { field: 'responders', title: 'Responders' },
              { field: 'n', title: 'Assessed' },
              { field: 'rate', title: 'Rate', format: '.1%' },
              { field: 'lower', title: 'lower', format: '.1%' },
              { field: 'upper', title: 'upper', format: '.1%' },
            ],
          },
        },
      ],
    },
    config: ANALYSIS_CONFIG,
  };
}

/** Each kind of forest row declares its mark and how its name reads. */
const FOREST_KIND = {
  centre: { shape: 'circle', name: (r: ForestRow) => r.centre_id },
  pooled: { shape: 'diamond', name: () => 'Pooled (random effects)' },
  adjusted: { shape: 'square', name: () => 'All centres, adjusted' },
} as const satisfies Record<ForestRow['kind'], { shape: string; name: (r: ForestRow) => string }>;

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** y label of a forest row: name, n, and the estimate or why there is none. */
function forestLabel(r: ForestRow): string {
  const est = r.or === null || r.lower === null || r.upper === null ? 'not estimable' : `${fmt(r.or)} (${fmt(r.lower)}–${fmt(r.upper)})`;
  const extra = r.kind === 'pooled' && r.i2 !== null ? `, I² ${Math.round(r.i2)}%` : '';
  return `${FOREST_KIND[r.kind].name(r)} · n ${r.n} · ${est}${extra}`;
}

export interface ForestOptions {
  title?: string;
  /** Smallest and largest odds ratio on the axis; intervals beyond are clamped at the edge (default 1/50 … 50). */
  clamp?: [number, number];
}

/**
 * Forest plot of the signal odds ratios: per centre (sized by random-effects weight), pooled
 * (DerSimonian–Laird) and adjusted over all centres, one panel per signal, log scale, with the
 * landmark / not-causal caveat in the subtitle.
 * @example forestSpec(analyseResponse(inputs).oddsRatios)
 */
export function forestSpec(result: SignalOddsRatiosResult, options: ForestOptions = {}): TopLevelSpec {
  const [lo, hi] = options.clamp ?? [1 / 50, 50];
  const finite = result.forest.flatMap((r) => [r.lower, r.upper, r.or].filter((v): v is number => v !== null && Number.isFinite(v) && v > 0));
  const domain: number[] = [Math.max(lo, Math.min(0.5, ...finite)), Math.min(hi, Math.max(2, ...finite))];
  const signals = [...new Set(result.forest.map((r) => r.signal))];
  const shapes = Object.entries(FOREST_KIND);
  const panels = signals.map((signal): { title: string; width: number; height: { step: number }; layer: ChartLayer[] } => {
    const rows = result.forest.filter((r) => r.signal === signal);
    const values = rows.map((r) => ({
      label: forestLabel(r),
      kind: r.kind,
      or: r.or === null ? null : Math.min(domain[1]!, Math.max(domain[0]!, r.or)),
      lower: r.lower === null ? null : Math.max(domain[0]!, r.lower),
      upper: r.upper === null ? null : Math.min(domain[1]!, r.upper),
      weight: r.weight_percent ?? (r.kind === 'centre' ? 0 : 100),
      method: r.method ?? (r.kind === 'pooled' ? 'DerSimonian-Laird' : ''),
      message: r.message ?? '',
    }));
    const y = { field: 'label', type: 'nominal', title: null, sort: values.map((v) => v.label), axis: { labelLimit: 600 } } as const;
    const x = { field: 'or', type: 'quantitative', title: 'Odds ratio of response (log scale)', scale: { type: 'log', domain, nice: false } } as const;
    const first = rows[0]!;
    return {
      title: `${first.label} — OR per ${first.per}`,
      width: 300,
      height: { step: 16 },
      layer: [
        {
          data: { values: [{ one: 1 }] },
          mark: { type: 'rule', color: '#999999', strokeDash: [4, 3] },
          encoding: { x: { field: 'one', type: 'quantitative', scale: { type: 'log', domain, nice: false } } },
        },
        {
          data: { values },
          mark: { type: 'rule', color: '#333333' },
          encoding: { y, x: { field: 'lower', type: 'quantitative', scale: { type: 'log', domain, nice: false } }, x2: { field: 'upper' } },
        },
        {
          data: { values },
          mark: { type: 'point', filled: true, color: '#333333', opacity: 1 },
          encoding: {
            y,
            x,
            shape: {
              field: 'kind',
              type: 'nominal',
              title: 'Estimate',
              scale: { domain: shapes.map(([k]) => k), range: shapes.map(([, s]) => s.shape) },
            },
            size: { field: 'weight', type: 'quantitative', title: 'Weight (%)', scale: { domain: [0, 100], range: [30, 220] } },
            tooltip: [
              { field: 'label', title: 'Row' },
              { field: 'method', title: 'Method' },
              { field: 'message', title: 'Note' },
            ],
          },
        },
      ],
    };
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? `Response signals: odds ratios of response (CR/PR), adjusted for ${result.adjusted_for}`,
      subtitle: [
        ...wrapText(result.landmark || LANDMARK_NOTE, 110),
        ...wrapText(
          'Circles: each centre (size = random-effects weight); diamond: pooled across centres (DerSimonian–Laird); square: one model over all ' +
            'centres. Intervals beyond the axis are clamped.',
          110,
        ),
      ],
    },
    vconcat: panels,
    resolve: { scale: { size: 'shared', shape: 'shared' } },
    config: { ...ANALYSIS_CONFIG, axis: { labelLimit: 600 } },
  };
}
