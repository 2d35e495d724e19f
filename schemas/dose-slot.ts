import { z } from 'zod';
import { CentreId, Instant, PatientKey, field, provenanceShape } from './fields.js';
import { CycleId } from './cycle.js';
import { HOLD_REASONS, SLOT_STATUSES, codesOf } from './vocabularies.js';

export type SlotStatus = z.infer<typeof SlotStatus>;
export const SlotStatus = z.enum(codesOf(SLOT_STATUSES));
/** recorded: the export gave the dose; derived: IU/kg × dosing weight, filled in because the spec asks for it. */
export const DoseIuSource = z.enum(['recorded', 'derived']);
export type DoseIuSource = z.infer<typeof DoseIuSource>;
export type HoldReasonCode = z.infer<typeof HoldReasonCode>;
export const HoldReasonCode = z.enum(codesOf(HOLD_REASONS));

/** One row per scheduled q8h dose opportunity of a cycle. */
export const DoseSlot = z
  .strictObject({
    centre_id: field(CentreId, { description: 'Centre' }),
    patient_key: field(PatientKey, { description: 'Pseudonymous patient key', identifier: 'pseudonym' }),
    cycle_id: field(CycleId, { description: 'Cycle the slot belongs to' }),
    slot_number: field(z.number().int().min(1).max(15), { description: 'Position of the slot in the cycle’s q8h grid (1 = first)' }),
    scheduled_at: field(Instant, { description: 'Scheduled dose time (UTC)' }),
    status: field(SlotStatus, { description: 'What happened at the slot' }),
    given_at: field(Instant.nullable(), { description: 'Infusion start when given (UTC)' }),
    dose_iu: field(z.number().positive().max(500_000_000).nullable(), {
      description: 'International units given; null when not given, or given with no dose in the export',
      unit: '[iU]',
    }),
    dose_iu_source: field(DoseIuSource.nullable(), {
      description:
        'Where dose_iu comes from: recorded (the export), derived (IU/kg × dosing weight, only where the spec sets slots.derive_dose_iu); null when dose_iu ' +
          'is null',
    }),
    hold_reason_codes: field(z.array(HoldReasonCode), { description: 'Reason codes for a held or skipped slot (controlled vocabulary)' }),
    hold_reason_text: field(z.string().nullable(), { description: 'Reason as written in the export' }),
    ...provenanceShape,
  })
  .superRefine((s, ctx) => {
    if (s.status === 'given') {
      if (s.given_at === null) ctx.addIssue({ code: 'custom', path: ['given_at'], message: 'a given dose needs given_at' });
      if (s.hold_reason_codes.length > 0) ctx.addIssue({ code: 'custom', path: ['hold_reason_codes'], message: 'a given dose has no hold reasons' });
    } else {
      if (s.given_at !== null) ctx.addIssue({ code: 'custom', path: ['given_at'], message: `status ${s.status} cannot have given_at` });
      if (s.dose_iu !== null) ctx.addIssue({ code: 'custom', path: ['dose_iu'], message: `status ${s.status} cannot have dose_iu` });
    }
    if ((s.dose_iu === null) !== (s.dose_iu_source === null)) {
      ctx.addIssue({ code: 'custom', path: ['dose_iu_source'], message: 'dose_iu_source is set exactly when dose_iu is' });
    }
    if (s.status === 'skipped' && s.hold_reason_codes.some((c) => HOLD_REASONS[c].kind === 'clinical')) {
      ctx.addIssue({ code: 'custom', path: ['hold_reason_codes'], message: 'a skipped slot takes non-clinical reasons; use status held for clinical ones' });
    }
  });
export type DoseSlot = z.infer<typeof DoseSlot>;
