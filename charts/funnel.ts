// Funnel plot layers shared by the doses and response funnels: control limits as lines by level,
// the target as a rule, and each unit as a labelled point coloured by where it falls.
import { percentLabel, type ChartLayer } from './spec-types.js';

/** One unit (centre) of a funnel. */
export interface FunnelPoint {
  label: string;
  /** Precision axis: number of cycles / patients, or expected count. */
  x: number;
  y: number;
  /** Where the point lies against the 95% and 99.8% limits. */
  position95: 'below' | 'within' | 'above';
  position998: 'below' | 'within' | 'above';
  /** Tooltip text. */
  detail: string;
}

/** A point of the limit curves at precision x. */
export interface FunnelLimit {
  x: number;
  level: number;
  lower: number;
  upper: number;
}

export interface FunnelAxes {
  xTitle: string;
  yTitle: string;
  yFormat: string;
  target: number;
  targetLabel: string;
}

/** Each position declares its colour and legend label. */
const POSITION_STYLE = {
  'above 99.8%': { color: '#0072B2' },
  'above 95%': { color: '#56B4E9' },
  within: { color: '#444444' },
  'below 95%': { color: '#E69F00' },
  'below 99.8%': { color: '#D55E00' },
} as const;
type PositionLabel = keyof typeof POSITION_STYLE;

function positionOf(p: FunnelPoint): PositionLabel {
  if (p.position998 !== 'within') return `${p.position998} 99.8%`;
  if (p.position95 !== 'within') return `${p.position95} 95%`;
  return 'within';
}

/**
 * The layers of one funnel panel (limits, target, points, labels), each with its own inline data.
 * @example { layer: funnelLayers(points, limits, axes) }
 */
export function funnelLayers(points: readonly FunnelPoint[], limits: readonly FunnelLimit[], axes: FunnelAxes): ChartLayer[] {
  const lines = limits.flatMap((l) =>
    (['lower', 'upper'] as const).map((bound) => ({ x: l.x, value: l[bound], limit: `${percentLabel(l.level)} limits`, series: `${l.level} ${bound}` })),
  );
  const levels = [...new Set(limits.map((l) => l.level))].sort((a, b) => a - b);
  const dots = points.map((p) => ({ label: p.label, x: p.x, y: p.y, position: positionOf(p), detail: p.detail }));
  const xMax = Math.max(1, ...points.map((p) => p.x), ...limits.map((l) => l.x));
  // room on the right for the label of the largest centre
  const xDomain: number[] = [0, xMax * 1.12];
  const x = { field: 'x', type: 'quantitative', title: axes.xTitle, scale: { domain: xDomain, nice: false } } as const;
  const positions = Object.keys(POSITION_STYLE) as PositionLabel[];
  return [
    {
      data: { values: lines },
      mark: { type: 'line', color: '#888888', strokeWidth: 1, interpolate: 'monotone' },
      encoding: {
        x,
        y: { field: 'value', type: 'quantitative', title: axes.yTitle, axis: { format: axes.yFormat } },
        detail: { field: 'series', type: 'nominal' },
        strokeDash: { field: 'limit', type: 'nominal', title: 'Control limits', scale: { domain: levels.map((l) => `${percentLabel(l)} limits`), range: levels.map((_, i) => (i === 0 ? [5, 3] : [1, 0])) } },
      },
    },
    {
      data: { values: [{ target: axes.target, label: axes.targetLabel }] },
      mark: { type: 'rule', color: '#888888', strokeWidth: 1 },
      encoding: { y: { field: 'target', type: 'quantitative' }, tooltip: [{ field: 'label', title: 'Target' }] },
    },
    {
      data: { values: dots },
      layer: [
        {
          mark: { type: 'point', filled: true, size: 70, opacity: 1 },
          encoding: {
            x,
            y: { field: 'y', type: 'quantitative' },
            color: { field: 'position', type: 'nominal', title: 'Centre lies', scale: { domain: positions, range: positions.map((p) => POSITION_STYLE[p].color) } },
            tooltip: [{ field: 'label', title: 'Centre' }, { field: 'detail', title: 'Detail' }],
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 6, dy: -6, fontSize: 10 },
          encoding: { x, y: { field: 'y', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } },
        },
      ],
    },
  ];
}
