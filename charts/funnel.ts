// Funnel plot layers shared by the doses and response funnels: control limits as lines by level,
// the target as a rule, and each unit as a labelled point coloured by where it falls. Labels are placed in pixels
// (charts/label-placement.ts) so they never overprint each other or a point; the scales' domains are therefore fixed.
import { placeLabels } from './label-placement.js';
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

/** Panel size in pixels (the funnel's width and height). */
export interface FunnelSize {
  width: number;
  height: number;
}

/** The layers of a funnel panel, and the centres whose label found no free place (name them beside the chart). */
export interface FunnelLayers {
  layers: ChartLayer[];
  unlabelled: string[];
}

const FONT_SIZE = 10;
const POINT_SIZE = 70;
const ORDER: Record<PositionLabel, number> = { 'above 99.8%': 0, 'below 99.8%': 0, 'above 95%': 1, 'below 95%': 1, within: 2 };

/** A step of 1, 2 or 5 × 10ⁿ giving about `count` ticks over [lo, hi] (d3's tickIncrement rule). */
function tickStep(lo: number, hi: number, count: number): number {
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f >= 7.07 ? 10 : f >= 3.16 ? 5 : f >= 1.41 ? 2 : 1) * power;
}

/** The y domain: zero and every value, widened to whole ticks. */
function yDomain(values: readonly number[]): [number, number] {
  const lo = Math.min(0, ...values);
  const hi = Math.max(lo + 1e-9, ...values);
  const step = tickStep(lo, hi, 10);
  return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
}

/** Label positions in data units, most telling centres first (outside 99.8%, outside 95%, then the largest). */
function labelRows(dots: readonly { label: string; x: number; y: number; position: PositionLabel }[], xMax: number, yd: [number, number], size: FunnelSize) {
  const px = (x: number) => (x / xMax) * size.width;
  const py = (y: number) => size.height * (1 - (y - yd[0]) / (yd[1] - yd[0]));
  const rank = (a: number, b: number) =>
    ORDER[dots[a]!.position] - ORDER[dots[b]!.position] || dots[b]!.x - dots[a]!.x || dots[a]!.label.localeCompare(dots[b]!.label);
  const order = dots.map((_, i) => i).sort(rank);
  const placed = placeLabels(order.map((i) => ({ px: px(dots[i]!.x), py: py(dots[i]!.y), text: dots[i]!.label })), {
    ...size, fontSize: FONT_SIZE, pointRadius: Math.sqrt(POINT_SIZE) / 2, // vega's circle: area `size` as a square's
  });
  const toX = (p: number) => (p / size.width) * xMax;
  const toY = (p: number) => yd[0] + (1 - p / size.height) * (yd[1] - yd[0]);
  const labels = placed.map((p) => ({ ...dots[order[p.index]!]!, lx: toX(p.ax), ly: toY(p.ay), leader: p.leader }));
  const done = new Set(placed.map((p) => order[p.index]!));
  return { labels, unlabelled: dots.filter((_, i) => !done.has(i)).map((d) => d.label).sort() };
}

/**
 * The layers of one funnel panel (limits, target, points, labels placed clear of each other), each with its own
 * inline data, for a panel of the given size.
 * @example { width: 360, height: 260, layer: funnelLayers(points, limits, axes, { width: 360, height: 260 }).layers }
 */
export function funnelLayers(points: readonly FunnelPoint[], limits: readonly FunnelLimit[], axes: FunnelAxes, size: FunnelSize): FunnelLayers {
  const lines = limits.flatMap((l) =>
    (['lower', 'upper'] as const).map((bound) => ({ x: l.x, value: l[bound], limit: `${percentLabel(l.level)} limits`, series: `${l.level} ${bound}` })),
  );
  const levels = [...new Set(limits.map((l) => l.level))].sort((a, b) => a - b);
  const dots = points.map((p) => ({ label: p.label, x: p.x, y: p.y, position: positionOf(p), detail: p.detail }));
  const xMax = Math.max(1, ...points.map((p) => p.x), ...limits.map((l) => l.x)) * 1.12; // room on the right for the largest centre's label
  const yd = yDomain([...points.map((p) => p.y), ...lines.map((l) => l.value), axes.target].filter(Number.isFinite));
  const xDomain: number[] = [0, xMax];
  const x = { field: 'x', type: 'quantitative', title: axes.xTitle, scale: { domain: xDomain, nice: false } } as const;
  const yScale = { domain: [...yd], nice: false, zero: false };
  const positions = Object.keys(POSITION_STYLE) as PositionLabel[];
  const { labels, unlabelled } = labelRows(dots, xMax, yd, size);
  const leaders = labels.filter((l) => l.leader);
  const layers: ChartLayer[] = [
    {
      data: { values: lines },
      mark: { type: 'line', color: '#888888', strokeWidth: 1, interpolate: 'monotone' },
      encoding: {
        x,
        y: { field: 'value', type: 'quantitative', title: axes.yTitle, axis: { format: axes.yFormat }, scale: yScale },
        detail: { field: 'series', type: 'nominal' },
        strokeDash: {
          field: 'limit',
          type: 'nominal',
          title: 'Control limits',
          scale: { domain: levels.map((l) => `${percentLabel(l)} limits`), range: levels.map((_, i) => (i === 0 ? [5, 3] : [1, 0])) },
        },
      },
    },
    {
      data: { values: [{ target: axes.target, label: axes.targetLabel }] },
      mark: { type: 'rule', color: '#888888', strokeWidth: 1 },
      encoding: { y: { field: 'target', type: 'quantitative', scale: yScale }, tooltip: [{ field: 'label', title: 'Target' }] },
    },
    ...(leaders.length > 0
      ? [
          {
            data: { values: leaders },
            mark: { type: 'rule', color: '#999999', strokeWidth: 0.75 },
            encoding: { x, y: { field: 'y', type: 'quantitative', scale: yScale }, x2: { field: 'lx' }, y2: { field: 'ly' } },
          } as ChartLayer,
        ]
      : []),
    {
      data: { values: dots },
      name: 'funnel_points',
      mark: { type: 'point', filled: true, size: POINT_SIZE, opacity: 1 },
      encoding: {
        x,
        y: { field: 'y', type: 'quantitative', scale: yScale },
        color: {
          field: 'position',
          type: 'nominal',
          title: 'Centre lies',
          scale: { domain: positions, range: positions.map((p) => POSITION_STYLE[p].color) },
        },
        tooltip: [
          { field: 'label', title: 'Centre' },
          { field: 'detail', title: 'Detail' },
        ],
      },
    },
    {
      data: { values: labels },
      name: 'funnel_labels',
      mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: FONT_SIZE },
      encoding: {
        x: { ...x, field: 'lx' },
        y: { field: 'ly', type: 'quantitative', scale: yScale },
        text: { field: 'label', type: 'nominal' },
      },
    },
  ];
  return { layers, unlabelled };
}

/** The sentence naming centres left unlabelled for want of room, or none. */
export function unlabelledNote(unlabelled: readonly string[]): string[] {
  if (unlabelled.length === 0) return [];
  const shown = unlabelled.slice(0, 8).join(', ');
  return [`Not labelled (no free room beside the point): ${shown}${unlabelled.length > 8 ? ` and ${unlabelled.length - 8} more` : ''}; see the table.`];
}
