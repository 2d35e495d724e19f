import type { TopLevelSpec } from 'vega-lite';
import type { DoseSlot } from '../schemas/index.js';
import { REASON_GROUP_STYLE, SLOT_STATUS_STYLE, reasonGroupOf } from './encodings.js';

/** The fields of a dose slot that the swimmer plot draws. */
export type SwimmerSlot = Pick<DoseSlot, 'centre_id' | 'patient_key' | 'cycle_id' | 'slot_number' | 'status' | 'hold_reason_codes'>;

export interface SwimmerOptions {
  title?: string;
  /** Plot width in pixels (lanes are 18 px apart). */
  width?: number;
  /** Characters of the patient key shown in a lane label. */
  keyChars?: number;
}

/** One row per drawn mark: a scheduled slot in its lane. */
interface SwimmerRow {
  lane: string;
  slot: number;
  status: string;
  reason: string;
  reasons: string;
}

/** Lane label: short patient key and cycle (`f3a9c2 c1.1`), prefixed by the centre when several are drawn. */
function laneOf(s: SwimmerSlot, keyChars: number, withCentre: boolean): string {
  const cycle = s.cycle_id.startsWith(`${s.patient_key}-`) ? s.cycle_id.slice(s.patient_key.length + 1) : s.cycle_id;
  const lane = `${s.patient_key.slice(0, keyChars)} ${cycle}`;
  return withCentre ? `${s.centre_id} · ${lane}` : lane;
}

function compareSlots(a: SwimmerSlot, b: SwimmerSlot): number {
  return (
    a.centre_id.localeCompare(b.centre_id) ||
    a.patient_key.localeCompare(b.patient_key) ||
    a.cycle_id.localeCompare(b.cycle_id) ||
    a.slot_number - b.slot_number
  );
}

/**
 * Swimmer plot of dose slots: one lane per patient and cycle, a mark per scheduled slot coloured by
 * status and shaped by the group of its first hold reason.
 * @example swimmerSpec(validSlots, { title: 'Dose slots, northbay' })
 */
export function swimmerSpec(slots: readonly SwimmerSlot[], options: SwimmerOptions = {}): TopLevelSpec {
  const { title = 'Dose slots per patient and cycle', width = 420, keyChars = 6 } = options;
  const withCentre = new Set(slots.map((s) => s.centre_id)).size > 1;
  const sorted = [...slots].sort(compareSlots);
  const rows: SwimmerRow[] = sorted.map((s) => ({
    lane: laneOf(s, keyChars, withCentre),
    slot: s.slot_number,
    status: SLOT_STATUS_STYLE[s.status].label,
    reason: REASON_GROUP_STYLE[reasonGroupOf(s.hold_reason_codes)].label,
    reasons: s.hold_reason_codes.join(', '),
  }));
  const lanes = [...new Set(rows.map((r) => r.lane))];
  const maxSlot = Math.max(15, ...rows.map((r) => r.slot));
  const statuses = Object.values(SLOT_STATUS_STYLE);
  const groups = Object.values(REASON_GROUP_STYLE);
  const y = { field: 'lane', type: 'nominal', sort: lanes, title: null, axis: { labelLimit: 260 } } as const;

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width,
    height: { step: 18 },
    data: { values: rows },
    layer: [
      {
        mark: { type: 'rule', color: '#DDDDDD', strokeWidth: 2 },
        encoding: {
          y,
          x: { aggregate: 'min', field: 'slot', type: 'quantitative' },
          x2: { aggregate: 'max', field: 'slot' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 70, opacity: 1 },
        encoding: {
          y,
          x: {
            field: 'slot',
            type: 'quantitative',
            title: 'Scheduled dose slot (q8h)',
            scale: { domain: [0.5, maxSlot + 0.5], nice: false },
            axis: { values: Array.from({ length: maxSlot }, (_, i) => i + 1), format: 'd', grid: false, labelOverlap: false, tickCount: maxSlot },
          },
          color: {
            field: 'status',
            type: 'nominal',
            title: 'Status',
            scale: { domain: statuses.map((s) => s.label), range: statuses.map((s) => s.color) },
          },
          shape: {
            field: 'reason',
            type: 'nominal',
            title: 'Hold reason (first listed)',
            scale: { domain: groups.map((g) => g.label), range: groups.map((g) => g.shape) },
          },
          tooltip: [
            { field: 'lane', title: 'Cycle' },
            { field: 'slot', title: 'Slot' },
            { field: 'status', title: 'Status' },
            { field: 'reasons', title: 'Reasons' },
          ],
        },
      },
    ],
    config: { font: 'DejaVu Sans', view: { stroke: null }, legend: { labelLimit: 240, titleLimit: 240 } },
  };
}
