import { z } from 'zod';
import { CentreId, field } from './fields.js';
import { DOSE_LEVELS_IU_PER_KG, MAX_DOSES_PER_CYCLE } from './vocabularies.js';

/** One row per centre: regimen defaults, local ruleset, time zone. Configuration, not patient data. */
export const Centre = z.strictObject({
  centre_id: field(CentreId, { description: 'Short stable id of the centre' }),
  name: field(z.string().min(1), { description: 'Display name of the centre' }),
  country: field(z.string().regex(/^[A-Z]{2}$/, 'country: ISO 3166-1 alpha-2, e.g. US'), { description: 'Country (ISO 3166-1 alpha-2)' }),
  time_zone: field(z.string().refine(isIanaZone, 'time zone: an IANA name such as Europe/Amsterdam'), {
    description: 'IANA time zone the export’s local times are in',
  }),
  dose_iu_per_kg: field(z.union(DOSE_LEVELS_IU_PER_KG.map((d) => z.literal(d)) as [z.ZodLiteral<600000>, z.ZodLiteral<720000>]), {
    description: 'Default dose per administration',
    unit: '[iU]/kg',
  }),
  max_doses_per_cycle: field(z.union(MAX_DOSES_PER_CYCLE.map((d) => z.literal(d)) as [z.ZodLiteral<14>, z.ZodLiteral<15>]), {
    description: 'Default maximum doses per cycle (label 14; NCI 15)',
  }),
  local_ruleset_id: field(z.string().min(1).nullable(), { description: 'Id of the ruleset file with the centre’s stated local hold rules' }),
});
export type Centre = z.infer<typeof Centre>;

function isIanaZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
