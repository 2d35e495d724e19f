// The §4.3 response signals (il2-domain.md) as data: how each enters the model and what one unit means.
import type { CourseSignalRow } from './types.js';

export type SignalId =
  | 'lymphocyte_rebound'
  | 'eosinophil_peak'
  | 'platelet_nadir_below_50k'
  | 'bicarbonate_nadir_below_19'
  | 'phenylephrine_max'
  | 'thyroid_dysfunction'
  | 'vitiligo'
  | 'doses'
  | 'cumulative_dose';

export interface SignalDef {
  label: string;
  /** What the odds ratio is per. */
  per: string;
  /** The covariate value of a course; null when not measured. */
  value: (r: CourseSignalRow) => number | null;
  /** In the joint (mutually adjusted) model; cumulative dose is left out there because it is doses × dose per kg. */
  joint: boolean;
  /** il2-domain.md §4.3 source of the reported association. */
  source: string;
}

/** Each signal declares its transform; shared code does not branch on signal names. */
export const SIGNALS = {
  lymphocyte_rebound: {
    label: 'Lymphocyte rebound (peak after dosing / baseline)',
    per: 'doubling of the ratio',
    value: (r) => (r.lymphocyte_rebound === null ? null : Math.log2(r.lymphocyte_rebound)),
    joint: true,
    source: 'S11, S12',
  },
  eosinophil_peak: {
    label: 'Eosinophil peak',
    per: '1,000/uL',
    value: (r) => (r.eosinophil_peak === null ? null : r.eosinophil_peak / 1000),
    joint: true,
    source: 'scilit abstract (survival, not response)',
  },
  platelet_nadir_below_50k: {
    label: 'Platelet nadir < 50,000/uL',
    per: 'nadir below 50,000/uL vs not',
    value: (r) => (r.platelet_nadir === null ? null : r.platelet_nadir < 50_000 ? 1 : 0),
    joint: true,
    source: 'S6, S5',
  },
  bicarbonate_nadir_below_19: {
    label: 'Bicarbonate nadir < 19 mmol/L',
    per: 'nadir below 19 mmol/L vs not',
    value: (r) => (r.bicarbonate_nadir === null ? null : r.bicarbonate_nadir < 19 ? 1 : 0),
    joint: true,
    source: 'S6',
  },
  phenylephrine_max: { label: 'Highest phenylephrine rate', per: '1 ug/kg/min', value: (r) => r.phenylephrine_max, joint: true, source: 'S6' },
  thyroid_dysfunction: { label: 'Thyroid dysfunction', per: 'present vs absent', value: (r) => r.thyroid_dysfunction, joint: true, source: 'S11, S22' },
  vitiligo: { label: 'Vitiligo', per: 'present vs absent', value: (r) => r.vitiligo, joint: true, source: 'S11' },
  doses: { label: 'Doses received in the course', per: 'dose', value: (r) => r.doses_given, joint: true, source: 'S11, S21, S5' },
  cumulative_dose: { label: 'Cumulative dose in the course', per: 'MIU/kg', value: (r) => r.miu_per_kg_given, joint: false, source: 'S12, S21' },
} as const satisfies Record<SignalId, SignalDef>;

export const SIGNAL_IDS = Object.keys(SIGNALS) as SignalId[];
