import { z } from 'zod';
import { CentreId, Instant, PatientKey, field, provenanceShape } from './fields.js';
import { DEATH_CAUSES, codesOf } from './vocabularies.js';

export type DeathCauseCode = z.infer<typeof DeathCauseCode>;
export const DeathCauseCode = z.enum(codesOf(DEATH_CAUSES));

/** One row per patient: first documented progression, death or last contact (the survival side of outcomes). */
export const FollowUp = z
  .strictObject({
    centre_id: field(CentreId, { description: 'Centre' }),
    patient_key: field(PatientKey, { description: 'Pseudonymous patient key', identifier: 'pseudonym' }),
    progression_at: field(Instant.nullable(), { description: 'First documented progression (UTC); null if none recorded' }),
    death_at: field(Instant.nullable(), { description: 'Date-time of death (UTC); null if alive at last contact' }),
    last_contact_at: field(Instant, { description: 'Last date known alive, or the date of death (UTC)' }),
    death_cause: field(DeathCauseCode.nullable(), { description: 'Cause of death; null while alive, unknown when not recorded' }),
    ...provenanceShape,
  })
  .superRefine((f, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (f.death_at !== null && f.last_contact_at > f.death_at) issue('last_contact_at', 'last_contact_at is after death_at');
    if (f.death_at === null && f.death_cause !== null) issue('death_cause', 'a cause of death is given but no death_at');
    if (f.death_at !== null && f.death_cause === null) issue('death_cause', 'death_at is given without death_cause (use unknown)');
  });
export type FollowUp = z.infer<typeof FollowUp>;
