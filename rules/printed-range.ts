// A printed band with nothing printed beyond its worse end (TIL 2024: hold for creatinine 2.5–2.9, no rule above 2.9)
// must not turn into "give" beyond it. Each such band gets a companion rule for the values past its worse end, decided
// by the nearest printed band of the same source (the band itself when no stricter band is printed), flagged
// above_printed_range / below_printed_range and marked inferred (docs/decisions.md, "Beyond a printed range").
import type { Rule, Ruleset } from '../schemas/ruleset.js';
import type { RULE_VARIABLES, RuleVariableCode } from '../schemas/vocabularies.js';

/** Numeric rule variables (every variable whose window is not a yes/no presence). */
export type NumericVariable = { [K in RuleVariableCode]: (typeof RULE_VARIABLES)[K]['window'] extends 'present' ? never : K }[RuleVariableCode];

/** Which way a variable gets worse: physiology, not a threshold. Exhaustive over the numeric variables. */
export const WORSE_DIRECTION = {
  heart_rate_at_dose: 'high',
  sbp_at_dose: 'low',
  sbp_min_interval: 'low',
  phenylephrine_at_dose: 'high',
  phenylephrine_max_interval: 'high',
  urine_output_shift: 'low',
  urine_output_per_kg_shift: 'low',
  urine_output_rate_mean: 'low',
  urine_output_rate_min: 'low',
  oliguria_hours: 'high',
  diarrhoea_shift: 'high',
  diarrhoea_shifts_over_1000: 'high',
  creatinine: 'high',
  creatinine_baseline_change: 'high',
  bicarbonate: 'low',
  bilirubin: 'high',
  platelets_min: 'low',
  weight_gain_pct: 'high',
  spo2_at_dose: 'low',
  o2_flow_at_dose: 'high',
  fio2_at_dose: 'high',
  troponin: 'high',
  mental_status_change_hours: 'high',
  intubation_hours: 'high',
  dialysis_hours: 'high',
  coma_hours: 'high',
  held_doses_in_cycle: 'high',
  relative_criteria_in_cycle: 'high',
} as const satisfies Record<NumericVariable, 'high' | 'low'>;

export const BEYOND_FLAGS = { high: 'above_printed_range', low: 'below_printed_range' } as const;

/** Whether some rule other than `band` is met just beyond `edge` on the worse side. */
function coveredBeyond(band: Rule, side: 'high' | 'low', others: readonly Rule[]): boolean {
  const b = band.band!;
  const edge = side === 'high' ? b.upper! : b.lower!;
  // The first value past the edge: the edge itself when the band leaves it out, else anything just beyond it.
  const edgeOut = side === 'high' ? !b.upper_inclusive : !b.lower_inclusive;
  return others.some((o) => {
    if (o.all_of.length > 0) return false;
    const past = (x: number, inclusive: boolean): boolean =>
      side === 'high' ? x < edge || (x === edge && (inclusive || !edgeOut)) : x > edge || (x === edge && (inclusive || !edgeOut));
    switch (o.comparator) {
      case 'ge':
        return side === 'high' && past(o.threshold!, true);
      case 'gt':
        return side === 'high' && past(o.threshold!, false);
      case 'le':
        return side === 'low' && past(o.threshold!, true);
      case 'lt':
        return side === 'low' && past(o.threshold!, false);
      case 'in_band': {
        const ob = o.band!;
        const near = side === 'high' ? ob.lower : ob.upper;
        const far = side === 'high' ? ob.upper : ob.lower;
        const nearIn = side === 'high' ? ob.lower_inclusive : ob.upper_inclusive;
        const reachesPast = far === null || (side === 'high' ? far > edge : far < edge);
        return reachesPast && (near === null || past(near, nearIn));
      }
      case 'present':
        return false;
    }
  });
}

/** The companion rule for values past a band's worse end. */
function beyondRule(r: Rule, side: 'high' | 'low'): Rule {
  const b = r.band!;
  const edge = side === 'high' ? b.upper! : b.lower!;
  const comparator = side === 'high' ? (b.upper_inclusive ? 'gt' : 'ge') : b.lower_inclusive ? 'lt' : 'le';
  const where = side === 'high' ? 'above' : 'below';
  return {
    ...r,
    id: `${r.id}.${where}_printed_range`,
    comparator,
    threshold: edge,
    band: null,
    criterion: r.criterion ?? r.id,
    status: 'inferred',
    action_status: 'inferred',
    note: `${where[0]!.toUpperCase()}${where.slice(1)} the printed range of ${r.id} (${edge} ${r.unit}): the source prints no rule there; decided by the ` +
      `nearest printed band, ${r.id} [INFERRED].`,
    flags: [...r.flags, BEYOND_FLAGS[side]],
  };
}

/**
 * The ruleset with a companion rule after every band whose worse end no other rule of the ruleset continues.
 * @example withPrintedRangeGuards(til).rules.map((r) => r.id) // [..., 'creatinine', 'creatinine.above_printed_range']
 */
export function withPrintedRangeGuards(rs: Ruleset): Ruleset {
  const rules: Rule[] = [];
  for (const r of rs.rules) {
    rules.push(r);
    if (r.comparator !== 'in_band' || r.band === null || !(r.variable in WORSE_DIRECTION)) continue;
    const side = WORSE_DIRECTION[r.variable as NumericVariable];
    const edge = side === 'high' ? r.band.upper : r.band.lower;
    if (edge === null) continue;
    const others = rs.rules.filter((o) => o !== r && o.variable === r.variable);
    if (!coveredBeyond(r, side, others)) rules.push(beyondRule(r, side));
  }
  return rules.length === rs.rules.length ? rs : { ...rs, rules };
}
