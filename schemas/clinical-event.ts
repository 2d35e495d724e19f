import { z } from 'zod';
import { CentreId, DatePrecision, Instant, PatientKey, field, provenanceShape } from './fields.js';
import { CycleId } from './cycle.js';
import { CLINICAL_EVENT_TYPES, codesOf } from './vocabularies.js';

export type ClinicalEventType = z.infer<typeof ClinicalEventType>;
export const ClinicalEventType = z.enum(codesOf(CLINICAL_EVENT_TYPES));

/** One row per clinical event with its onset and (if known) resolution. */
export const ClinicalEvent = z
  .strictObject({
    centre_id: field(CentreId, { description: 'Centre' }),
    patient_key: field(PatientKey, { description: 'Pseudonymous patient key', identifier: 'pseudonym' }),
    cycle_id: field(CycleId.nullable(), { description: 'Cycle the event began in; null outside cycles' }),
    event_type: field(ClinicalEventType, { description: 'Event type (controlled vocabulary)' }),
    onset_at: field(Instant, {
      description: 'Onset (UTC); a reduced-precision onset (2003, 2003-07, a date) is the start of that period in the centre’s zone (see onset_precision)',
    }),
    onset_precision: field(DatePrecision, { description: 'How precisely the export gave onset_at: minute, day, month or year (ISO 8601 reduced precision)' }),
    resolved_at: field(Instant.nullable(), { description: 'Resolution (UTC); null if ongoing or unknown' }),
    grade: field(z.number().int().min(1).max(5).nullable(), { description: 'CTCAE grade if recorded' }),
    detail: field(z.string().nullable(), { description: 'Free text as exported' }),
    ...provenanceShape,
  })
  .superRefine((e, ctx) => {
    if (e.resolved_at !== null && e.resolved_at < e.onset_at)
      ctx.addIssue({ code: 'custom', path: ['resolved_at'], message: 'resolved_at is before onset_at' });
  });
export type ClinicalEvent = z.infer<typeof ClinicalEvent>;
