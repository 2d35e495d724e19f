// Deterministic inputs for the consensus figures: three centres' summaries (west records no vasopressor and no
// diastolic pressure) and one cycle that has no diastolic pressure, no haemoglobin and no vasopressor.
import type { ConsensusSeries, ConsensusSummary, CycleCourse, CourseVariable, SummaryRow } from '../../analytics/consensus/index.js';
import { SERIES_BINS } from '../../analytics/consensus/index.js';

const CENTRES = ['north', 'south', 'west-regional-cancer-centre-long-name'] as const;
const LEVEL: Record<string, number> = { sbp: 115, dbp: 62, heart_rate: 95, bun: 25, creatinine: 1.6, potassium: 3.9, bicarbonate: 22, weight: 80, weight_gain_pct: 3, lymphocytes: 900, eosinophils: 1500, platelets: 150_000, granulocytes: 5000, haemoglobin: 11, bolus_ml: 500, maintenance_rate: 100, pressor_rate: 0.5, pressor_share: 12 };

/** A smooth, centre-shifted curve: a dip during dosing (days 0–5) and recovery after. */
function value(series: ConsensusSeries, h: number, k: number): number {
  const base = LEVEL[series]! * (1 + 0.05 * k);
  const dosing = h >= 0 && h < 120 ? Math.sin((Math.PI * h) / 120) : 0;
  if (series === 'lymphocytes') return h < 0 ? base * 2 : h < 120 ? base * 0.3 : base * 4;
  if (series === 'creatinine' || series === 'bun') return base * (1 + dosing);
  return base * (1 - 0.1 * dosing);
}

export function consensusSummarySample(): ConsensusSummary {
  const rows: SummaryRow[] = [];
  const series = Object.keys(SERIES_BINS) as ConsensusSeries[];
  CENTRES.forEach((centre, k) => {
    for (const s of series) {
      if (centre.startsWith('west') && (s === 'dbp' || s.startsWith('pressor'))) continue;
      const widths = s === 'bolus_ml' ? [4, 24] : [SERIES_BINS[s].width];
      for (const w of widths) {
        for (let b = -24; b < Math.min(SERIES_BINS[s].until, 240); b += w) {
          const m = value(s, b + w / 2, k);
          rows.push({ centre_id: centre, series: s, bin_hours: b, bin_width_hours: w, cycles: 20 - k, median: m, q1: m * 0.85, q3: m * 1.2 });
        }
      }
    }
  });
  const slots = CENTRES.flatMap((centre, k) => Array.from({ length: 15 }, (_, i) => ({ centre_id: centre, slot_number: i + 1, hours: i * 8, cycles: 20 - k, given: Math.max(0, 1 - i * 0.05 * (k + 1)), held: Math.min(1, i * 0.03 * (k + 1)) })));
  const all = Object.keys(SERIES_BINS) as ConsensusSeries[];
  return {
    rows, slots, minCycles: 3,
    centres: CENTRES.map((c, k) => ({ centre_id: c, cycles: 20 - k, recorded: c.startsWith('west') ? all.filter((s) => s !== 'dbp' && !s.startsWith('pressor')) : all })),
  };
}

export function consensusCycleSample(): CycleCourse {
  const vars: CourseVariable[] = ['sbp', 'heart_rate', 'bun', 'creatinine', 'potassium', 'bicarbonate', 'weight', 'lymphocytes', 'eosinophils', 'platelets', 'granulocytes'];
  const points = vars.flatMap((v) => {
    const step = v === 'sbp' || v === 'heart_rate' ? 4 : 24;
    const out = [];
    for (let h = -12; h <= (step === 4 ? 130 : 200); h += step) out.push({ variable: v, hours: h, value: Number(value(v, h, 0).toPrecision(4)) });
    return out;
  });
  const statuses = ['given', 'given', 'given', 'given', 'held', 'given', 'held', 'held', 'given', 'given', 'skipped', 'given', 'not_reached', 'not_reached', 'not_reached'] as const;
  return {
    centre_id: 'north', label: 'a1b2c3 c1.1', cycle_id: 'a1b2c3d4e5f60718-c1.1', doses_given: 8, planned_max_doses: 14, baseline_weight_kg: 80,
    points,
    infusions: [
      { agent: 'fluid_bolus', kind: 'fluid_bolus', start_hours: 14, end_hours: 14.5, rate: null, volume_ml: 500 },
      { agent: 'fluid_bolus', kind: 'fluid_bolus', start_hours: 38, end_hours: 38.5, rate: null, volume_ml: 250 },
      { agent: 'maintenance_fluid', kind: 'maintenance', start_hours: 0, end_hours: 72, rate: 100, volume_ml: null },
    ],
    slots: statuses.map((status, i) => ({ slot_number: i + 1, hours: i * 8, status, reasons: status === 'held' ? (i === 4 ? ['hypotension'] : ['creatinine', 'oliguria']) : status === 'skipped' ? ['line_issue'] : [] })),
  };
}
