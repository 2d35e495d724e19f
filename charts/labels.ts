// One label table for every chart: clinical names with display units for observation variables, rule variables,
// infusion agents and the consensus figures' derived series, derived from schemas/vocabularies.ts (names and UCUM
// units live there once), and rule labels such as "Heart rate at dosing time 100–130 /min (relative)".
import type { ConsensusSeries } from '../analytics/consensus/index.js';
import type { Rule } from '../schemas/index.js';
import { INFUSION_AGENTS, OBSERVATION_VARIABLES, RULE_VARIABLES } from '../schemas/vocabularies.js';

/** UCUM codes as a reader writes them; codes not listed are shown as they are. */
const DISPLAY_UNIT: Record<string, string> = {
  'mm[Hg]': 'mmHg', Cel: '°C', '/uL': '/µL', 'ug/kg/min': 'µg/kg/min', 'm[IU]/L': 'mIU/L', '{score}': 'score', '1': '', '[iU]': 'IU',
};

/** A UCUM unit as printed on an axis (mm[Hg] → mmHg, /uL → /µL). */
export const displayUnit = (ucum: string): string => DISPLAY_UNIT[ucum] ?? ucum;

const withUnit = (label: string, ucum: string) => (displayUnit(ucum) ? `${label} (${displayUnit(ucum)})` : label);

/** Derived series of the consensus figures that are not observation variables. */
const DERIVED_SERIES = {
  weight_gain_pct: { label: 'Weight gain over the cycle baseline', unit: '%' },
  bolus_ml: { label: 'Fluid boluses', unit: 'mL' },
  maintenance_rate: { label: 'Maintenance IV fluid rate', unit: 'mL/h' },
  pressor_rate: { label: 'Vasopressor rate', unit: 'ug/kg/min' },
  pressor_share: { label: 'Cycles on a vasopressor', unit: '%' },
} as const satisfies Record<Exclude<ConsensusSeries, keyof typeof OBSERVATION_VARIABLES>, { label: string; unit: string }>;

const TABLES: Record<string, { label: string; unit: string }>[] = [OBSERVATION_VARIABLES, RULE_VARIABLES, INFUSION_AGENTS, DERIVED_SERIES];

/** Clinical name of a variable, rule variable, infusion agent or consensus series; the code itself when unknown. */
export function variableName(code: string): string {
  for (const t of TABLES) if (code in t) return t[code]!.label;
  return code;
}

/** Unit of a code as printed (mmHg, /µL, µg/kg/min); '' when it has none or is unknown. */
export function variableUnit(code: string): string {
  for (const t of TABLES) if (code in t) return displayUnit(t[code]!.unit);
  return '';
}

/**
 * Clinical name and unit of a code, for an axis or legend: "Systolic blood pressure (mmHg)".
 * @example variableLabel('platelets') // 'Platelet count (/µL)'
 */
export function variableLabel(code: string): string {
  for (const t of TABLES) if (code in t) return withUnit(t[code]!.label, t[code]!.unit);
  return code;
}

const num = (x: number) => (Math.abs(x) >= 10_000 ? x.toLocaleString('en-GB') : String(x));
const COMPARATOR = { lt: '<', le: '≤', gt: '>', ge: '≥' } as const;

/** The fields of a rule its label is made from. */
export type RuleLabelInput = Pick<Rule, 'variable' | 'unit' | 'comparator' | 'threshold' | 'band' | 'level' | 'action'>;

/**
 * A rule in words: the variable's clinical name, its threshold or band with the unit, and its level or action.
 * @example ruleLabel(hrRelative) // 'Heart rate at dosing time 100–130 /min (relative)'
 */
export function ruleLabel(rule: RuleLabelInput): string {
  const unit = displayUnit(rule.unit);
  const u = unit === '' ? '' : unit.startsWith('/') || unit === '%' ? unit : ` ${unit}`;
  const name = variableName(rule.variable);
  let test = '';
  if (rule.comparator === 'in_band' && rule.band) {
    const { lower, upper } = rule.band;
    test =
      lower !== null && upper !== null
        ? ` ${num(lower)}–${num(upper)}${u}`
        : lower !== null
          ? ` ≥ ${num(lower)}${u}`
          : upper !== null
            ? ` < ${num(upper)}${u}`
            : '';
  } else if (rule.comparator !== 'present' && rule.comparator !== 'in_band' && rule.threshold !== null)
    test = ` ${COMPARATOR[rule.comparator]} ${num(rule.threshold)}${u}`;
  return `${name}${test} (${rule.level ?? rule.action.replace('_', ' ')})`;
}
