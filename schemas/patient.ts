import { z } from 'zod';
import { CentreId, PatientKey, field, provenanceShape } from './fields.js';
import { DISEASES, RISK_GROUPS, SEXES, codesOf } from './vocabularies.js';

/** One row per patient. No names, MRNs or birth dates: the key is a keyed hash of centre + local id. */
export const Patient = z.strictObject({
  centre_id: field(CentreId, { description: 'Centre the patient was treated at' }),
  patient_key: field(PatientKey, { description: 'Pseudonymous key (HMAC of centre + local id)', identifier: 'pseudonym' }),
  disease: field(z.enum(codesOf(DISEASES)), {
    description:
      'Disease treated; the kit covers metastatic renal cell carcinoma and melanoma only, and a patient with another disease is quarantined with all their ' +
        'rows',
  }),
  age_at_first_dose: field(z.number().int().min(16).max(100).nullable(), {
    description: 'Age in whole years at the first IL-2 dose; null when the export has neither age nor birth date',
    unit: 'a',
  }),
  sex: field(z.enum(codesOf(SEXES)), { description: 'Sex as recorded' }),
  ecog: field(z.number().int().min(0).max(4).nullable(), { description: 'ECOG performance status before the first course' }),
  risk_group: field(z.enum(codesOf(RISK_GROUPS)), { description: 'Risk group (system named in the code)' }),
  prior_nephrectomy: field(z.boolean().nullable(), { description: 'Nephrectomy before IL-2 (RCC); null if unknown or not applicable' }),
  prior_systemic_therapies: field(z.number().int().min(0).max(20).nullable(), { description: 'Number of prior systemic therapy lines' }),
  prior_immunotherapy: field(z.boolean().nullable(), { description: 'Any prior immunotherapy' }),
  treated_brain_metastases: field(z.boolean().nullable(), { description: 'Treated, stable brain metastases at baseline' }),
  baseline_weight_kg: field(z.number().min(25).max(300), { description: 'Weight before the first course', unit: 'kg' }),
  ...provenanceShape,
});
export type Patient = z.infer<typeof Patient>;
