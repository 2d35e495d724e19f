import { z } from 'zod';
import { CentreId, Instant, PatientKey, field, provenanceShape } from './fields.js';
import { RESPONSE_CATEGORIES, RESPONSE_CRITERIA, RESPONSE_DERIVATIONS, codesOf } from './vocabularies.js';

export type ResponseCategory = z.infer<typeof ResponseCategory>;
export const ResponseCategory = z.enum(codesOf(RESPONSE_CATEGORIES));

/** One row per course: its best overall response, recorded or derived from the dated assessments (response_assessment). */
export const Response = z.strictObject({
  centre_id: field(CentreId, { description: 'Centre' }),
  patient_key: field(PatientKey, { description: 'Pseudonymous patient key', identifier: 'pseudonym' }),
  course_number: field(z.number().int().min(1).max(20), { description: 'Course the assessment follows' }),
  criteria: field(z.enum(codesOf(RESPONSE_CRITERIA)), { description: 'Response criteria used' }),
  best_overall_response: field(ResponseCategory, { description: 'Best overall response after the course' }),
  assessed_at: field(Instant, { description: 'Date-time of the assessment that established the best overall response (UTC)' }),
  derivation: field(z.enum(codesOf(RESPONSE_DERIVATIONS)), {
    description: "recorded in the export, or derived from the dated assessments by the criteria's rules",
  }),
  first_response_at: field(Instant.nullable(), {
    description: 'First assessment with CR or PR when the best overall response is CR or PR (start of response duration); null otherwise',
  }),
  confirmed: field(z.boolean().nullable(), {
    description:
      'CR/PR confirmed ≥ 4 weeks later (RECIST 1.1, RECIST 1.0, WHO); false when a CR/PR visit was not confirmed; null when recorded or not applicable',
  }),
  ...provenanceShape,
});
export type Response = z.infer<typeof Response>;
