import { z } from 'zod';
import { CentreId, DatePrecision, Instant, PatientKey, field, provenanceShape } from './fields.js';
import { CycleId } from './cycle.js';
import { OBSERVATION_VARIABLES, VALUE_ABSENT_REASONS, codesOf } from './vocabularies.js';

export type ObservationVariableCode = z.infer<typeof ObservationVariableCode>;
export const ObservationVariableCode = z.enum(codesOf(OBSERVATION_VARIABLES));

/**
 * One row per measured value, in the canonical unit, with the raw value and unit beside it (SDTM --ORRES/--STRESN); or a
 * recorded absence: no value, and the reason it is absent (FHIR dataAbsentReason, SDTM --STAT NOT DONE). The store's
 * `observation` view holds the measured values only; `observation_absent` the absences (docs/decisions.md).
 */
export const Observation = z
  .strictObject({
    centre_id: field(CentreId, { description: 'Centre' }),
    patient_key: field(PatientKey, { description: 'Pseudonymous patient key', identifier: 'pseudonym' }),
    cycle_id: field(CycleId.nullable(), { description: 'Cycle the observation falls in; null outside cycles' }),
    observed_at: field(Instant, {
      description:
        'Time of measurement, or end of the period for interval variables (UTC); a date without a time is the start of that day in the centre’s zone (see ' +
          'observed_precision)',
    }),
    observed_precision: field(DatePrecision, {
      description:
        'How precisely the export gave observed_at: minute (a time), or day, month, year (ISO 8601 reduced precision; the instant is the start of that period)',
    }),
    reading_number: field(z.number().int().min(1).nullable(), {
      description:
        'Order of the reading among readings of the variable at one time (SDTM --TPTNUM: three blood pressures at one visit); null when the export gives none',
    }),
    variable: field(ObservationVariableCode, { description: 'Variable code (see the observation-variable vocabulary)' }),
    value: field(z.number().finite().nullable(), {
      description: 'Value in the canonical unit of the variable; null when the value is absent (value_absent_reason)',
    }),
    value_absent_reason: field(z.enum(codesOf(VALUE_ABSENT_REASONS)).nullable(), {
      description: 'Why the value is absent (FHIR data-absent-reason code; see the value-absent-reason vocabulary); null for a measured value',
    }),
    unit: field(z.string(), { description: 'Canonical UCUM unit of the variable' }),
    period_hours: field(z.number().positive().max(72).nullable(), {
      description: 'Length of the collection period for interval variables (urine, stool)',
      unit: 'h',
    }),
    value_raw: field(z.string().nullable(), { description: 'Value as exported (--ORRES)' }),
    unit_raw: field(z.string().nullable(), { description: 'Unit as exported' }),
    ...provenanceShape,
  })
  .superRefine((o, ctx) => {
    const def = OBSERVATION_VARIABLES[o.variable];
    if (o.unit !== def.unit) {
      ctx.addIssue({ code: 'custom', path: ['unit'], message: `${o.variable} is stored in ${def.unit}, not ${o.unit}; convert it in the mapping spec` });
    }
    if (o.value === null) {
      if (o.value_absent_reason === null) {
        ctx.addIssue({ code: 'custom', path: ['value'], message: `the ${o.variable} row has no value and no reason for its absence` });
      }
      return;
    }
    if (o.value_absent_reason !== null) {
      ctx.addIssue({ code: 'custom', path: ['value_absent_reason'], message: `the ${o.variable} row has both a value and a reason for its absence; keep one` });
    }
    const [lo, hi] = def.range;
    if (o.value < lo || o.value > hi) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${o.variable} ${o.value} ${def.unit} is outside the plausible range ${lo}–${hi}` });
    }
    if (def.kind === 'interval' && o.period_hours === null) {
      ctx.addIssue({ code: 'custom', path: ['period_hours'], message: `${o.variable} is a total over a period: period_hours is required` });
    }
    if (def.kind === 'point' && o.period_hours !== null) {
      ctx.addIssue({ code: 'custom', path: ['period_hours'], message: `${o.variable} is a point measurement: period_hours must be null` });
    }
  });
export type Observation = z.infer<typeof Observation>;
