// Pieces the five consensus figures share: a centre-level panel (median line and interquartile band per centre),
// a single-cycle panel (the cycle's values), dose marks for both, and the notes that say what is missing.
import type { TopLevelSpec } from 'vega-lite';
import type { ConsensusSeries, CoursePoint, CourseSlot, SlotSummaryRow, SummaryRow } from '../../analytics/consensus/index.js';
import { REASON_GROUP_STYLE, SLOT_STATUS_STYLE, reasonGroupOf } from '../encodings.js';
import { variableLabel, variableName } from '../labels.js';
import { ANALYSIS_CONFIG, VEGA_LITE_SCHEMA, centreScale, wrapText } from '../spec-types.js';

/** A vega-lite view of a vconcat (built as plain objects; the harness validates the whole spec against the schema). */
export type Panel = Record<string, unknown>;

/** Width of every panel's plotting area: with axis, legend and padding the figure stays under 1,400 px. */
export const PANEL_WIDTH = 840;
const PANEL_HEIGHT = 110;

/** The time axis of a figure: hours (vitals) or days (labs, weight) since the first scheduled dose. */
export interface TimeAxis {
  unit: 'hours' | 'days';
  from: number;
  to: number;
}

const per = (axis: TimeAxis) => (axis.unit === 'days' ? 24 : 1);

/** The axis cut to the data: it ends a step after the last time any series has (never before `minTo`). */
export function fitAxis(axis: TimeAxis, hours: readonly number[], minTo: number): TimeAxis {
  const last = Math.max(-Infinity, ...hours.map((h) => h / per(axis)));
  const step = axis.unit === 'days' ? 1 : 24;
  const to = Number.isFinite(last) ? Math.min(axis.to, Math.max(minTo, Math.ceil((last + 0.01) / step) * step)) : minTo;
  return { ...axis, to };
}

export function xEncoding(axis: TimeAxis, title: boolean | undefined): Record<string, unknown> {
  const step = axis.unit === 'days' ? (axis.to - axis.from > 16 ? 2 : 1) : 24;
  const values: number[] = [];
  for (let v = Math.ceil(axis.from / step) * step; v <= axis.to; v += step) values.push(v);
  return {
    field: 't', type: 'quantitative', scale: { domain: [axis.from, axis.to], nice: false, zero: false },
    title: title ? (axis.unit === 'days' ? 'Days since the first scheduled dose (day 0 = first 24 h)' : 'Hours since the first scheduled dose') : null,
    axis: { values, format: 'd', labelOverlap: false, labelFlush: false },
  };
}

/** A text in the middle of an empty panel, saying why it is empty. */
function notePanel(text: string, heading: string): Panel {
  return {
    title: { text: heading, anchor: 'start', fontSize: 12 }, width: PANEL_WIDTH, height: 40,
    data: { values: [{ note: text }] },
    mark: { type: 'text', fontSize: 12, color: '#555555', fontStyle: 'italic' },
    encoding: { x: { value: PANEL_WIDTH / 2 }, y: { value: 20 }, text: { field: 'note', type: 'nominal' } },
  };
}

export interface SummaryPanelOptions {
  series: ConsensusSeries;
  axis: TimeAxis;
  widthHours: number;
  centres: string[];
  log?: boolean;
  /** Axis title; default the series' clinical name and unit. */
  title?: string;
  bottom?: boolean;
}

/** Centre-level panel: per centre, the median over cycles (line) and interquartile range (band) per time bin. */
export function summaryPanel(rows: readonly SummaryRow[], o: SummaryPanelOptions): Panel {
  const heading = o.title ?? variableLabel(o.series);
  const values = rows
    .filter((r) => r.series === o.series && r.bin_width_hours === o.widthHours && o.centres.includes(r.centre_id))
    .map((r) => ({ centre: r.centre_id, t: (r.bin_hours + r.bin_width_hours / 2) / per(o.axis), median: r.median, q1: r.q1, q3: r.q3, cycles: r.cycles }))
    .filter((v) => v.t >= o.axis.from && v.t <= o.axis.to && (!o.log || v.median > 0));
  if (values.length === 0)
    return notePanel(`${variableName(o.series)}: not recorded at ${o.centres.length === 1 ? o.centres[0] : 'any centre shown'}`, heading);
  const colour = { field: 'centre', type: 'nominal', title: 'Centre', scale: centreScale(o.centres) };
  const y = { type: 'quantitative', title: null, scale: o.log ? { type: 'log' } : { zero: false } };
  return {
    title: { text: heading, anchor: 'start', fontSize: 12 },
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    data: { values },
    layer: [
      {
        transform: o.log ? [{ filter: 'datum.q1 > 0' }] : [],
        mark: { type: 'area', opacity: 0.15 },
        encoding: { x: xEncoding(o.axis, o.bottom), y: { ...y, field: 'q1' }, y2: { field: 'q3' }, color: colour },
      },
      {
        mark: { type: 'line', strokeWidth: 2, point: { size: 14 } },
        encoding: { x: xEncoding(o.axis, o.bottom), y: { ...y, field: 'median' }, color: colour },
      },
    ],
  };
}

/** Centre-level dose marks: share of cycles given (solid) and held (dashed) at each slot, by centre. */
export function slotSummaryPanel(slots: readonly SlotSummaryRow[], axis: TimeAxis, centres: string[], bottom = false): Panel {
  const values = slots
    .filter((s) => centres.includes(s.centre_id))
    .flatMap((s) => [
      { centre: s.centre_id, t: s.hours / per(axis), share: s.given, what: 'Given' },
      { centre: s.centre_id, t: s.hours / per(axis), share: s.held, what: 'Held' },
    ]);
  return {
    title: { text: 'Doses given (solid line) and held (dashed), share of cycles, by scheduled slot', anchor: 'start', fontSize: 12 },
    width: PANEL_WIDTH,
    height: 80,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5, point: { size: 16 } },
    encoding: {
      x: xEncoding(axis, bottom),
      y: { field: 'share', type: 'quantitative', title: null, scale: { domain: [0, 1] }, axis: { format: '%', values: [0, 0.5, 1] } },
      color: { field: 'centre', type: 'nominal', title: 'Centre', scale: centreScale(centres) },
      strokeDash: {
        field: 'what',
        type: 'nominal',
        legend: null,
        scale: {
          domain: ['Given', 'Held'],
          range: [
            [1, 0],
            [5, 3],
          ],
        },
      },
      detail: { field: 'what', type: 'nominal' },
    },
  };
}

/** One cycle's values of a variable as a line with points, or a note when the cycle has none. */
export function cyclePanel(
  points: readonly CoursePoint[],
  variable: CoursePoint['variable'],
  axis: TimeAxis,
  o: { log?: boolean; bottom?: boolean; title?: string } = {},
): Panel {
  const heading = o.title ?? variableLabel(variable);
  const values = points
    .filter((p) => p.variable === variable && (!o.log || p.value > 0))
    .map((p) => ({ t: p.hours / per(axis), value: p.value }))
    .filter((v) => v.t >= axis.from && v.t <= axis.to);
  if (values.length === 0) return notePanel(`${variableName(variable)}: not recorded for this cycle`, heading);
  return {
    title: { text: heading, anchor: 'start', fontSize: 12 },
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    data: { values },
    mark: { type: 'line', color: '#0072B2', strokeWidth: 1.5, point: { filled: true, size: 20, color: '#0072B2' } },
    encoding: {
      x: xEncoding(axis, o.bottom),
      y: { field: 'value', type: 'quantitative', title: null, scale: o.log ? { type: 'log' } : { zero: false } },
    },
  };
}

/** One cycle's dose slots as marks on a strip: colour = status, shape = hold-reason group (reasons listed below). */
export function cycleDosePanel(slots: readonly CourseSlot[], axis: TimeAxis, bottom = false): Panel {
  const values = slots
    .filter((s) => s.status !== 'not_reached')
    .map((s) => ({
      t: s.hours / per(axis),
      status: SLOT_STATUS_STYLE[s.status].label,
      reason: REASON_GROUP_STYLE[reasonGroupOf(s.reasons)].label,
      row: 'Doses',
    }));
  const statuses = Object.values(SLOT_STATUS_STYLE).filter((s) => s.label !== SLOT_STATUS_STYLE.not_reached.label);
  const groups = Object.values(REASON_GROUP_STYLE);
  return {
    title: { text: 'Doses (colour: what happened; shape: hold-reason group)', anchor: 'start', fontSize: 12 }, width: PANEL_WIDTH, height: 24, data: { values },
    mark: { type: 'point', filled: true, size: 90, opacity: 1 },
    encoding: {
      x: xEncoding(axis, bottom),
      y: { field: 'row', type: 'nominal', title: null, axis: null },
      color: { field: 'status', type: 'nominal', title: 'Dose', scale: { domain: statuses.map((s) => s.label), range: statuses.map((s) => s.color) } },
      shape: { field: 'reason', type: 'nominal', title: 'Hold reason', scale: { domain: groups.map((g) => g.label), range: groups.map((g) => g.shape) } },
    },
  };
}

/** The hold reasons of a cycle's held and skipped slots, in words, for the subtitle ("slot 5: Hypotension …"). */
export function heldReasonsText(slots: readonly CourseSlot[], reasonLabel: (code: string) => string): string {
  const held = slots.filter((s) => s.status === 'held' || s.status === 'skipped');
  if (held.length === 0) return 'No dose held or skipped.';
  const slotText = (s: (typeof held)[number]) =>
    `slot ${s.slot_number} (${s.reasons.length ? s.reasons.map(reasonLabel).join(', ') : 'no reason recorded'})`;
  return `Held or skipped: ${held.map(slotText).join('; ')}.`;
}

/** The top-level figure: title, wrapped subtitle lines (notes of what is missing included), stacked panels. */
export function figure(title: string, subtitle: string[], panels: Panel[]): TopLevelSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: title, subtitle: subtitle.flatMap((s) => wrapText(s, 130)), anchor: 'start' },
    vconcat: panels,
    spacing: 14,
    resolve: { scale: { color: 'shared', x: 'independent' } },
    config: {
      ...ANALYSIS_CONFIG,
      legend: { ...ANALYSIS_CONFIG.legend, orient: 'right', symbolOpacity: 1, symbolStrokeWidth: 2 },
      axisY: { labelOverlap: 'greedy', labelSeparation: 3 },
    },
  } as unknown as TopLevelSpec;
}

/** "Not recorded: Diastolic blood pressure at harbour; …" for series some centres shown never record. */
export function missingNote(
  recorded: readonly { centre_id: string; recorded: readonly ConsensusSeries[] }[],
  series: readonly ConsensusSeries[],
): string | null {
  const parts = series.flatMap((s) => {
    const missing = recorded.filter((c) => !c.recorded.includes(s)).map((c) => c.centre_id);
    return missing.length ? [`${variableName(s)} at ${missing.join(', ')}`] : [];
  });
  return parts.length ? `Not recorded (not drawn, never zero): ${parts.join('; ')}.` : null;
}
