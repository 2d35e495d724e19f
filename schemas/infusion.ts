import { z } from 'zod';
import { CentreId, Instant, PatientKey, field, provenanceShape } from './fields.js';
import { CycleId } from './cycle.js';
import { INFUSION_AGENTS, codesOf } from './vocabularies.js';

export type InfusionAgent = z.infer<typeof InfusionAgent>;
export const InfusionAgent = z.enum(codesOf(INFUSION_AGENTS));

/**
 * One row per constant-rate segment of a vasopressor or maintenance infusion, or per fluid bolus.
 * Pressor rates are in ug/kg/min; mcg/min exports are converted with the cycle's dosing weight at ingest.
 */
export const Infusion = z
  .strictObject({
    centre_id: field(CentreId, { description: 'Centre' }),
    patient_key: field(PatientKey, { description: 'Pseudonymous patient key', identifier: 'pseudonym' }),
    cycle_id: field(CycleId.nullable(), { description: 'Cycle the infusion falls in' }),
    agent: field(InfusionAgent, { description: 'Agent or fluid type' }),
    start_at: field(Instant, { description: 'Start of the segment or bolus (UTC)' }),
    end_at: field(Instant.nullable(), { description: 'End of the segment; null for a bolus or a segment still running at export' }),
    rate: field(z.number().min(0).max(2000).nullable(), { description: 'Rate: ug/kg/min for pressors, mL/h for maintenance fluid; null for a bolus' }),
    rate_unit: field(z.enum(['ug/kg/min', 'mL/h']).nullable(), { description: 'Canonical unit of rate' }),
    volume_ml: field(z.number().positive().max(5000).nullable(), { description: 'Bolus volume', unit: 'mL' }),
    value_raw: field(z.string().nullable(), { description: 'Rate or volume as exported' }),
    unit_raw: field(z.string().nullable(), { description: 'Unit as exported' }),
    ...provenanceShape,
  })
  .superRefine((r, ctx) => {
    const def = INFUSION_AGENTS[r.agent];
    if (def.kind === 'fluid_bolus') {
      if (r.volume_ml !== null && r.volume_ml > def.max)
        ctx.addIssue({ code: 'custom', path: ['volume_ml'], message: `bolus ${r.volume_ml} mL is above the plausible ${def.max}` });
      if (r.volume_ml === null) ctx.addIssue({ code: 'custom', path: ['volume_ml'], message: 'a bolus needs volume_ml' });
      if (r.rate !== null) ctx.addIssue({ code: 'custom', path: ['rate'], message: 'a bolus has a volume, not a rate' });
    } else {
      if (r.rate === null) ctx.addIssue({ code: 'custom', path: ['rate'], message: `${r.agent} needs a rate` });
      if (r.rate_unit !== def.unit)
        ctx.addIssue({ code: 'custom', path: ['rate_unit'], message: `${r.agent} rate is stored in ${def.unit}, not ${String(r.rate_unit)}` });
      if (r.rate !== null && r.rate > def.max) {
        const hint = def.kind === 'vasopressor' ? '; was it exported in mcg/min? Convert with the dosing weight' : '';
        ctx.addIssue({ code: 'custom', path: ['rate'], message: `${r.agent} ${r.rate} ${def.unit} is above the plausible ${def.max}${hint}` });
      }
    }
    if (r.end_at !== null && r.end_at < r.start_at) ctx.addIssue({ code: 'custom', path: ['end_at'], message: 'end_at is before start_at' });
  });
export type Infusion = z.infer<typeof Infusion>;
