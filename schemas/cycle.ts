import { z } from 'zod';
import { CentreId, Instant, PatientKey, field, provenanceShape } from './fields.js';
import { CYCLE_END_REASONS, DOSING_WEIGHT_BASES, codesOf } from './vocabularies.js';

export const CycleId = z.string().regex(/^[0-9a-f]{16}-c\d{1,2}\.\d{1,2}$/, 'cycle id: <patient_key>-c<course>.<cycle>, e.g. 0123456789abcdef-c1.2');

/** One row per cycle (a 5-day window of q8h dose slots). */
export const Cycle = z.strictObject({
  centre_id: field(CentreId, { description: 'Centre' }),
  patient_key: field(PatientKey, { description: 'Pseudonymous patient key', identifier: 'pseudonym' }),
  cycle_id: field(CycleId, { description: 'Cycle key: patient key, course and cycle number' }),
  course_number: field(z.number().int().min(1).max(20), { description: 'Course number (a course is usually two cycles)' }),
  cycle_number: field(z.number().int().min(1).max(4), { description: 'Cycle number within the course' }),
  start_at: field(Instant, { description: 'Scheduled time of the first dose slot (UTC)' }),
  dose_iu_per_kg: field(z.number().min(1_000).max(1_000_000), { description: 'Dose per administration for this cycle', unit: '[iU]/kg' }),
  dosing_weight_kg: field(z.number().min(25).max(300), { description: 'Weight the dose was calculated from', unit: 'kg' }),
  dosing_weight_basis: field(z.enum(codesOf(DOSING_WEIGHT_BASES)), { description: 'Basis of the dosing weight' }),
  planned_max_doses: field(z.number().int().min(1).max(15), { description: 'Maximum doses planned for the cycle (14 or 15 usually)' }),
  end_reason: field(z.enum(codesOf(CYCLE_END_REASONS)), { description: 'How the cycle ended' }),
  admitted_at: field(Instant.nullable(), {
    description: 'Start of the hospital admission the cycle was given in (UTC; a FHIR export: the Encounter its doses name); null when the export gives none',
  }),
  discharged_at: field(Instant.nullable(), {
    description: 'End of that admission (UTC; the Encounter’s period.end); null when the export gives none or the patient is still admitted',
  }),
  ...provenanceShape,
});
export type Cycle = z.infer<typeof Cycle>;
