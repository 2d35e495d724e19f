import { z } from 'zod';
import { CentreId, Instant, PatientKey, field, provenanceShape } from './fields.js';
import { RESPONSE_CATEGORIES, RESPONSE_CRITERIA, codesOf } from './vocabularies.js';

export type ResponseCategory = z.infer<typeof ResponseCategory>;
export const ResponseCategory = z.enum(codesOf(RESPONSE_CATEGORIES));

/** One row per course assessment. */
export const Response = z.strictObject({
  centre_id: field(CentreId, { description: 'Centre' }),
  patient_key: field(PatientKey, { description: 'Pseudonymous patient key', identifier: 'pseudonym' }),
  course_number: field(z.number().int().min(1).max(20), { description: 'Course the assessment follows' }),
  criteria: field(z.enum(codesOf(RESPONSE_CRITERIA)), { description: 'Response criteria used' }),
  best_overall_response: field(ResponseCategory, { description: 'Best overall response after the course' }),
  assessed_at: field(Instant, { description: 'Assessment date-time (UTC)' }),
  ...provenanceShape,
});
export type Response = z.infer<typeof Response>;
