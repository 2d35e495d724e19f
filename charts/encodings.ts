// Fixed visual vocabularies shared by every chart: one exhaustive entry per code, so a new
// status or hold reason is a compile error until it has a colour or a shape.
import type { HoldReasonCode, SlotStatus } from '../schemas/index.js';

/** Colour and legend label of each slot status (Okabe–Ito palette, safe for colour-blind readers). */
export const SLOT_STATUS_STYLE = {
  given: { label: 'Given', color: '#009E73' },
  held: { label: 'Held', color: '#D55E00' },
  skipped: { label: 'Skipped (non-clinical)', color: '#E69F00' },
  not_reached: { label: 'Not reached', color: '#BBBBBB' },
  not_recorded: { label: 'Not recorded', color: '#56B4E9' },
} as const satisfies Record<SlotStatus, { label: string; color: string }>;

/** Groups of hold reasons that share a mark shape (24 reason codes are too many shapes to tell apart). */
export const REASON_GROUP_STYLE = {
  none: { label: 'No reason', shape: 'circle' },
  cardiovascular: { label: 'Cardiovascular', shape: 'triangle-up' },
  renal_fluid: { label: 'Renal, fluid, metabolic', shape: 'square' },
  respiratory: { label: 'Respiratory', shape: 'diamond' },
  neurologic: { label: 'Neurologic', shape: 'triangle-down' },
  other_organ: { label: 'Other organ toxicity', shape: 'cross' },
  judgement: { label: 'Cycle limit or judgement', shape: 'triangle-right' },
  non_clinical: { label: 'Non-clinical', shape: 'triangle-left' },
} as const satisfies Record<string, { label: string; shape: string }>;
export type ReasonGroup = keyof typeof REASON_GROUP_STYLE;

/** Shape group of each hold reason code. */
export const HOLD_REASON_GROUP = {
  hypotension: 'cardiovascular',
  tachycardia: 'cardiovascular',
  arrhythmia: 'cardiovascular',
  cardiac_ischaemia: 'cardiovascular',
  oliguria: 'renal_fluid',
  creatinine: 'renal_fluid',
  acidosis: 'renal_fluid',
  renal_replacement: 'renal_fluid',
  weight_gain: 'renal_fluid',
  hypoxia: 'respiratory',
  pulmonary: 'respiratory',
  neurologic: 'neurologic',
  thrombocytopenia: 'other_organ',
  hepatic: 'other_organ',
  diarrhoea: 'other_organ',
  gastrointestinal: 'other_organ',
  bleeding: 'other_organ',
  infection: 'other_organ',
  skin: 'other_organ',
  cycle_limit: 'judgement',
  clinical_other: 'judgement',
  line_issue: 'non_clinical',
  logistics: 'non_clinical',
  patient_refusal: 'non_clinical',
  unspecified: 'non_clinical',
} as const satisfies Record<HoldReasonCode, ReasonGroup>;

/** Shape group of a slot: that of its first listed reason, or `none`. */
export function reasonGroupOf(codes: readonly HoldReasonCode[]): ReasonGroup {
  const first = codes[0];
  return first === undefined ? 'none' : HOLD_REASON_GROUP[first];
}
