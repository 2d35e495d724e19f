import { z } from 'zod';
import { CentreId, Instant, PatientKey, field, provenanceShape } from './fields.js';
import { RESPONSE_CRITERIA, codesOf } from './vocabularies.js';
import { ResponseCategory } from './response.js';

/** One row per dated tumour assessment (visit): the time-point response by the criteria named. */
export const ResponseAssessment = z.strictObject({
  centre_id: field(CentreId, { description: 'Centre' }),
  patient_key: field(PatientKey, { description: 'Pseudonymous patient key', identifier: 'pseudonym' }),
  course_number: field(z.number().int().min(1).max(20), { description: 'Course the assessment follows (the last course started before it, unless mapped)' }),
  criteria: field(z.enum(codesOf(RESPONSE_CRITERIA)), { description: 'Response criteria used' }),
  overall_response: field(ResponseCategory, { description: 'Overall (time-point) response at this assessment' }),
  assessed_at: field(Instant, { description: 'Assessment date-time (UTC)' }),
  ...provenanceShape,
});
export type ResponseAssessment = z.infer<typeof ResponseAssessment>;
