// Valid example records of every table; tests change one field to check a rejection.
import type { TableRecords } from '../../schemas/index.js';

export const KEY = 'f3a9c2e1b4d5a6c7';
export const CYCLE = `${KEY}-c1.1`;
const prov = {
  source_file: 'export.csv',
  source_sha256: '9d1e2f3a4b5c6d7e8f9012345678901234567890abcdef1234567890abcdef12',
  source_row: 1,
  source_pointer: null,
  spec_id: 'northbay',
  spec_version: '1.0.0',
};

export const valid: { [T in keyof TableRecords]: TableRecords[T] } = {
  centre: { centre_id: 'northbay', name: 'Northbay Cancer Centre', country: 'US', time_zone: 'America/New_York', dose_iu_per_kg: 600000, max_doses_per_cycle: 14, local_ruleset_id: 'local-northbay' },
  patient: {
    centre_id: 'northbay', patient_key: KEY, disease: 'rcc', age_at_first_dose: 58, sex: 'male', ecog: 0, risk_group: 'imdc_intermediate',
    prior_nephrectomy: true, prior_systemic_therapies: 1, prior_immunotherapy: false, treated_brain_metastases: false, baseline_weight_kg: 82.4, ...prov,
  },
  cycle: {
    centre_id: 'northbay', patient_key: KEY, cycle_id: CYCLE, course_number: 1, cycle_number: 1, start_at: '2024-03-04T08:00:00Z',
    dose_iu_per_kg: 600000, dosing_weight_kg: 82.4, dosing_weight_basis: 'actual_admission', planned_max_doses: 14, end_reason: 'toxicity_stop',
    admitted_at: null, discharged_at: null, ...prov,
  },
  dose_slot: {
    centre_id: 'northbay', patient_key: KEY, cycle_id: CYCLE, slot_number: 1, scheduled_at: '2024-03-04T08:00:00Z', status: 'given',
    given_at: '2024-03-04T08:05:00Z', dose_iu: 49_440_000, dose_iu_source: 'recorded', hold_reason_codes: [], hold_reason_text: null, ...prov,
  },
  observation: {
    centre_id: 'northbay', patient_key: KEY, cycle_id: CYCLE, observed_at: '2024-03-04T11:00:00Z', observed_precision: 'minute', reading_number: null, variable: 'creatinine', value: 1.4, unit: 'mg/dL',
    period_hours: null, value_raw: '124', unit_raw: 'umol/L', value_absent_reason: null, ...prov,
  },
  infusion: {
    centre_id: 'northbay', patient_key: KEY, cycle_id: CYCLE, agent: 'phenylephrine', start_at: '2024-03-05T02:00:00Z', end_at: '2024-03-05T09:00:00Z',
    rate: 0.6, rate_unit: 'ug/kg/min', volume_ml: null, value_raw: '50', unit_raw: 'mcg/min', ...prov,
  },
  clinical_event: {
    centre_id: 'northbay', patient_key: KEY, cycle_id: CYCLE, event_type: 'atrial_fibrillation', onset_at: '2024-03-06T03:00:00Z', onset_precision: 'minute', resolved_at: '2024-03-06T09:30:00Z',
    grade: 2, detail: 'new AF, rate 130', ...prov,
  },
  response: {
    centre_id: 'northbay', patient_key: KEY, course_number: 1, criteria: 'RECIST1.1', best_overall_response: 'PR', assessed_at: '2024-05-02T00:00:00Z',
    derivation: 'recorded', first_response_at: '2024-05-02T00:00:00Z', confirmed: null, ...prov,
  },
  response_assessment: { centre_id: 'northbay', patient_key: KEY, course_number: 1, criteria: 'RECIST1.1', overall_response: 'PR', assessed_at: '2024-05-02T00:00:00Z', ...prov },
  follow_up: {
    centre_id: 'northbay', patient_key: KEY, progression_at: '2025-01-10T00:00:00Z', death_at: null, last_contact_at: '2025-06-01T00:00:00Z', death_cause: null, ...prov,
  },
};
