import { z } from 'zod';
import { field } from './fields.js';
import { RULE_ACTIONS, RULE_VARIABLES, VERIFICATION_STATUSES, codesOf, type RuleVariableCode } from './vocabularies.js';

export const RuleVariableCodeSchema = z.enum(codesOf(RULE_VARIABLES));
export const Comparator = z.enum(['lt', 'le', 'gt', 'ge', 'in_band', 'present']);
export type Comparator = z.infer<typeof Comparator>;

/** A band [lower, upper) by default: overlapping printed ranges are written half-open (il2-domain.md §2.1 engine notes). */
export const Band = z.strictObject({
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  lower_inclusive: z.boolean().default(true),
  upper_inclusive: z.boolean().default(false),
});
export type Band = z.infer<typeof Band>;

/** A single comparison of one rule variable: used for triggers and resume conditions. */
const conditionShape = {
  variable: field(RuleVariableCodeSchema, { description: 'Slot feature the rule reads (see RULE_VARIABLES)' }),
  unit: field(z.string(), { description: 'Unit of the threshold; must equal the variable’s unit' }),
  comparator: field(Comparator, { description: 'lt, le, gt, ge against threshold; in_band against band; present for yes/no features' }),
  threshold: field(z.number().nullable().default(null), { description: 'Threshold for lt/le/gt/ge' }),
  band: field(Band.nullable().default(null), { description: 'Band for in_band' }),
};

export const Condition = z.strictObject(conditionShape).superRefine(checkCondition);
export type Condition = z.infer<typeof Condition>;

export const Rule = z
  .strictObject({
    id: field(z.string().regex(/^[a-z0-9_.-]+$/, 'rule id: lower-case letters, digits, _ . -'), { description: 'Rule id, unique in the ruleset' }),
    system: field(z.string().min(1), { description: 'Organ system as printed in the source' }),
    ...conditionShape,
    window_hours: field(z.number().positive().max(72).default(8), { description: 'Length of the look-back interval for interval/duration features' }),
    level: field(z.enum(['relative', 'absolute']).nullable().default(null), {
      description: 'Consensus column: relative (hold) or absolute (stop); null where the source has no such split',
    }),
    threshold_parameter: field(z.string().regex(/^[a-z0-9_]+$/).nullable().default(null), {
      description: 'Name of a ruleset parameter whose value is the threshold (lt/le/gt/ge), for a value the source leaves to the centre (e.g. a multiple of ' +
        'its laboratory’s upper limit of normal); threshold stays null',
    }),
    action: field(z.enum(codesOf(RULE_ACTIONS)), { description: 'What the rule does when it fires' }),
    action_status: field(z.enum(codesOf(VERIFICATION_STATUSES)).nullable().default(null), {
      description: 'Verification status of the action where it differs from the threshold’s (e.g. a relative → hold mapping the source does not print); null ' +
        '= the rule’s status',
    }),
    criterion: field(z.string().regex(/^[a-z0-9_.-]+$/).nullable().default(null), {
      description: 'The criterion a relative rule counts towards in stop_after_relative_criteria, as the source lists it; rules sharing a criterion count ' +
        'once; null = the rule’s own id',
    }),
    all_of: field(z.array(Condition).default([]), {
      description: 'Further conditions that must all be met, with the main comparison, for the rule to fire (compound criteria such as oliguria with rising ' +
        'creatinine)',
    }),
    resume: field(z.array(Condition).default([]), {
      description: 'All must hold before dosing resumes after a hold; empty = reassess the trigger at the next dose',
    }),
    resume_any_of: field(z.array(Condition).default([]), {
      description: 'Alternatives: dosing also resumes after a hold when any one is met (e.g. creatinine back to normal or to the patient’s baseline)',
    }),
    resume_text: field(z.string().nullable().default(null), { description: 'Resume condition as printed, where not machine-checkable' }),
    resume_status: field(z.enum(codesOf(VERIFICATION_STATUSES)).nullable().default(null), {
      description: 'Verification status of the machine-checked resume conditions where it differs from the rule’s',
    }),
    source: field(z.string().min(1), { description: 'Source id in il2-domain.md (e.g. S1-T3) and location' }),
    status: field(z.enum(codesOf(VERIFICATION_STATUSES)), { description: 'Verification status carried through to reports' }),
    note: field(z.string().nullable().default(null), { description: 'Wording, inference or caveat' }),
    flags: field(z.array(z.string().regex(/^[a-z0-9_]+$/)).default([]), {
      description: 'Machine-readable caveats carried to reports (e.g. centre_variable, label_resume_condition_not_specified)',
    }),
  })
  .superRefine((r, ctx) => {
    if (r.threshold_parameter === null) return checkCondition(r, ctx);
    if (!['lt', 'le', 'gt', 'ge'].includes(r.comparator))
      ctx.addIssue({ code: 'custom', path: ['comparator'], message: 'threshold_parameter needs lt, le, gt or ge' });
    if (r.threshold !== null) ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'give either threshold or threshold_parameter, not both' });
    checkCondition({ ...r, comparator: 'gt', threshold: 0 }, ctx);
  });
export type Rule = z.infer<typeof Rule>;

/**
 * A value a rule needs that the source does not give and a centre supplies (e.g. its laboratory's upper limit of
 * normal): `unverified` until the centre states it; null = not supplied, and the rules reading it are not evaluated.
 */
export const RulesetParameter = z.strictObject({
  value: z.number().nullable().default(null),
  unit: z.string(),
  status: z.enum(codesOf(VERIFICATION_STATUSES)).default('unverified'),
  source: z.string().nullable().default(null),
  description: z.string().min(1),
});
export type RulesetParameter = z.infer<typeof RulesetParameter>;

export const RulesetPolicies = z.strictObject({
  stop_after_relative_criteria: z.number().int().min(1).nullable().default(null),
  stop_after_held_doses: z.number().int().min(1).nullable().default(null),
  /** 'cycle': relative criteria accumulate over the cycle; 'slot': they must be met at the same dose slot. */
  relative_criteria_window: z.enum(['cycle', 'slot']).default('cycle'),
  relative_criteria_window_status: z.enum(codesOf(VERIFICATION_STATUSES)).default('inferred'),
  allow_dose_delay_minutes: z.number().int().min(0).max(480).default(0),
  policy_source: z.string().nullable().default(null),
  policy_status: z.enum(codesOf(VERIFICATION_STATUSES)).nullable().default(null),
});
export type RulesetPolicies = z.infer<typeof RulesetPolicies>;

/** A criterion the source prints that no rule variable can express; kept so reports can list what was not evaluated. */
export const UnencodedCriterion = z.strictObject({
  system: z.string().min(1),
  text: z.string().min(1),
  source: z.string().min(1),
  status: z.enum(codesOf(VERIFICATION_STATUSES)),
  reason: z.string().min(1),
});
export type UnencodedCriterion = z.infer<typeof UnencodedCriterion>;

/** A hold/stop ruleset as data: one file per source (DESIGN.md "Rulesets are data"). */
export const Ruleset = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9_.-]+$/),
    title: z.string().min(1),
    version: z.string().min(1),
    source: z.string().min(1),
    status: z.enum(codesOf(VERIFICATION_STATUSES)),
    description: z.string().nullable().default(null),
    policies: RulesetPolicies.default({
      stop_after_relative_criteria: null,
      stop_after_held_doses: null,
      relative_criteria_window: 'cycle',
      relative_criteria_window_status: 'inferred',
      allow_dose_delay_minutes: 0,
      policy_source: null,
      policy_status: null,
    }),
    /** Values the source leaves to the centre, by name; rules read them through threshold_parameter. */
    parameters: z.record(z.string().regex(/^[a-z0-9_]+$/), RulesetParameter).default({}),
    rules: z.array(Rule).min(1),
    unencoded: z.array(UnencodedCriterion).default([]),
  })
  .superRefine((rs, ctx) => {
    if (rs.rules.every((r) => r.threshold_parameter !== null && rs.parameters[r.threshold_parameter]?.value === null))
      ctx.addIssue({
        code: 'custom', path: ['parameters'],
        message: 'every rule reads a parameter with no value: supply at least one, or the ruleset has nothing to evaluate',
      });
    const seen = new Set<string>();
    rs.rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `rule id ${r.id} is used twice` });
      seen.add(r.id);
      const name = r.threshold_parameter;
      if (name === null) return;
      const param = rs.parameters[name];
      if (param === undefined)
        ctx.addIssue({
          code: 'custom', path: ['rules', i, 'threshold_parameter'],
          message: `no parameter ${name}; declared: ${Object.keys(rs.parameters).join(', ') || 'none'}`,
        });
      else if (param.unit !== r.unit)
        ctx.addIssue({
          code: 'custom', path: ['parameters', name, 'unit'],
          message: `parameter ${name} is in ${JSON.stringify(param.unit)}; rule ${r.id} reads it in ${JSON.stringify(r.unit)}`,
        });
    });
  });
export type Ruleset = z.infer<typeof Ruleset>;

function checkCondition(
  c: { variable: RuleVariableCode; unit: string; comparator: Comparator; threshold: number | null; band: Band | null },
  ctx: z.RefinementCtx,
): void {
  const def = RULE_VARIABLES[c.variable];
  if (c.unit !== def.unit) {
    const message = `unit ${JSON.stringify(c.unit)} is not the unit of ${c.variable}; allowed: ${JSON.stringify(def.unit)} (thresholds are written in the ` +
      `variable's unit)`;
    ctx.addIssue({ code: 'custom', path: ['unit'], message });
  }
  const boolean = def.unit === '1' && def.window === 'present';
  if (c.comparator === 'present') {
    if (!boolean) ctx.addIssue({ code: 'custom', path: ['comparator'], message: `${c.variable} is numeric: use lt/le/gt/ge or in_band, not present` });
  } else if (c.comparator === 'in_band') {
    if (c.band === null) ctx.addIssue({ code: 'custom', path: ['band'], message: 'in_band needs a band' });
    else if (c.band.lower === null && c.band.upper === null)
      ctx.addIssue({ code: 'custom', path: ['band'], message: 'a band needs a lower or an upper bound' });
    else if (c.band.lower !== null && c.band.upper !== null && c.band.lower >= c.band.upper)
      ctx.addIssue({ code: 'custom', path: ['band'], message: `band lower (${c.band.lower}) must be below upper (${c.band.upper})` });
  } else if (c.threshold === null) {
    ctx.addIssue({ code: 'custom', path: ['threshold'], message: `${c.comparator} needs a threshold` });
  }
}
