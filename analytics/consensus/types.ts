// The rows the five consensus figures (il2-domain.md §3.0) are drawn from: one patient-cycle's course, and
// centre-level medians with interquartile ranges per time bin. Times are hours since the cycle's first
// scheduled dose (slot 1, the cycle's start_at).
import type { HoldReasonCode, SlotStatus } from '../../schemas/index.js';

/** Observation variables the figures draw (a subset of the observation vocabulary). */
export type CourseVariable =
  | 'sbp'
  | 'dbp'
  | 'heart_rate'
  | 'bun'
  | 'creatinine'
  | 'potassium'
  | 'bicarbonate'
  | 'weight'
  | 'lymphocytes'
  | 'eosinophils'
  | 'platelets'
  | 'granulocytes'
  | 'haemoglobin';

/** Derived series: % weight gain over the cycle's baseline, fluid and pressor support. */
export type SupportSeries = 'weight_gain_pct' | 'bolus_ml' | 'maintenance_rate' | 'pressor_rate' | 'pressor_share';

export type ConsensusSeries = CourseVariable | SupportSeries;

/** A measured value of one cycle, at hours since the first scheduled dose. */
export interface CoursePoint {
  variable: CourseVariable;
  hours: number;
  value: number;
}

/** A fluid bolus, or a constant-rate segment of a pressor or maintenance infusion, of one cycle. */
export interface CourseInfusion {
  agent: string;
  kind: 'vasopressor' | 'fluid_bolus' | 'maintenance';
  start_hours: number;
  /** End of a segment; null for a bolus, or a segment still running at export. */
  end_hours: number | null;
  rate: number | null;
  volume_ml: number | null;
}

/** A scheduled dose slot of one cycle. */
export interface CourseSlot {
  slot_number: number;
  hours: number;
  status: SlotStatus;
  reasons: HoldReasonCode[];
}

/** Everything the single-cycle versions of the five figures need, for one patient-cycle. */
export interface CycleCourse {
  centre_id: string;
  /** Short, pseudonymous label: patient key prefix, course and cycle (e.g. "01fd9e c1.2"). */
  label: string;
  cycle_id: string;
  doses_given: number;
  planned_max_doses: number;
  /** Weight the % gain is measured against: the last weight up to the first dose, else the cycle's first; null when none. */
  baseline_weight_kg: number | null;
  points: CoursePoint[];
  infusions: CourseInfusion[];
  slots: CourseSlot[];
}

/** Median and interquartile range, over cycles, of one series of one centre in one time bin. */
export interface SummaryRow {
  centre_id: string;
  series: ConsensusSeries;
  /** Start of the bin, hours since the first scheduled dose (multiples of the bin width). */
  bin_hours: number;
  bin_width_hours: number;
  /** Cycles contributing a value in the bin. */
  cycles: number;
  median: number;
  q1: number;
  q3: number;
}

/** Share of a centre's cycles whose slot k was given or held. */
export interface SlotSummaryRow {
  centre_id: string;
  slot_number: number;
  /** Median scheduled time of the slot, hours since the first scheduled dose. */
  hours: number;
  cycles: number;
  given: number;
  held: number;
}

/** Centre-level inputs of the five figures. */
export interface ConsensusSummary {
  rows: SummaryRow[];
  slots: SlotSummaryRow[];
  /** Cycles per centre, and which series each centre records at all. */
  centres: { centre_id: string; cycles: number; recorded: ConsensusSeries[] }[];
  /** The smallest number of cycles a bin needs to be drawn. */
  minCycles: number;
}
