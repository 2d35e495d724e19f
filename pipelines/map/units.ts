// One unit table: every accepted spelling of a unit, per variable, and how to reach the
// canonical unit. Conversions needing context (mcg/min → ug/kg/min needs the dosing weight;
// mL/h needs the period) take it as an argument. A unit not listed is an error, never a guess.
import { OBSERVATION_VARIABLES } from '../../schemas/index.js';

const normalised = new Map<string, string>();

/** Normalises a unit spelling: case, micro signs, superscripts, spaces, "per". */
export function normaliseUnit(u: string): string {
  let n = normalised.get(u);
  if (n === undefined) {
    if (normalised.size > 10_000) normalised.clear();
    normalised.set(u, (n = normaliseUnitUncached(u)));
  }
  return n;
}

function normaliseUnitUncached(u: string): string {
  return u
    .trim()
    .replace(/[µμ]/g, 'u')
    .replace(/mcg/gi, 'ug')
    .replace(/³/g, '3')
    .replace(/⁹/g, '9')
    // "x10*9/L" (FHIR display texts) as "x10^9/L": the multiplication sign before 10 with either exponent mark.
    .replace(/[×x]\s*10[\^*]?/gi, '10^')
    // FHIR display texts spell the minute out ("beats/minute", "breaths/minute"): the UCUM min.
    .replace(/minutes?\b/gi, 'min')
    .replace(/\*/g, '^')
    .replace(/°\s*/g, 'deg')
    .replace(/\s+/g, '')
    .replace(/\bper\b/gi, '/')
    .toLowerCase();
}

export interface Conversion {
  /** Canonical unit (UCUM). */
  to: string;
  convert: (value: number, ctx: ConversionContext) => number;
  /** Conversion needs this context value. */
  needs?: 'weight_kg' | 'period_hours';
}

export interface ConversionContext {
  weight_kg?: number | null;
  period_hours?: number | null;
}

const same = (v: number) => v;
const factor = (f: number) => (v: number) => v * f;

/** Per analyte, because the same unit converts differently (creatinine vs bilirubin µmol/L). */
const ANALYTE_UNITS: Record<string, Record<string, (v: number, ctx: ConversionContext) => number>> = {
  creatinine: { 'mg/dl': same, 'umol/l': factor(1 / 88.42), 'mmol/l': factor(1000 / 88.42) },
  bun: { 'mg/dl': same, 'mmol/l': factor(2.801) }, // urea nitrogen: 1 mmol/L = 2.801 mg/dL
  bilirubin: { 'mg/dl': same, 'umol/l': factor(1 / 17.104) },
  potassium: { 'mmol/l': same, 'meq/l': same },
  bicarbonate: { 'mmol/l': same, 'meq/l': same },
  haemoglobin: { 'g/dl': same, 'g/l': factor(0.1), 'mmol/l': factor(1.611) },
  platelets: cellCount(),
  lymphocytes: cellCount(),
  eosinophils: cellCount(),
  granulocytes: cellCount(),
  temperature: {
    cel: same,
    c: same,
    degc: same,
    celsius: same,
    f: (v) => ((v - 32) * 5) / 9,
    degf: (v) => ((v - 32) * 5) / 9,
    '[degf]': (v) => ((v - 32) * 5) / 9,
    fahrenheit: (v) => ((v - 32) * 5) / 9,
  },
  weight: {
    kg: same,
    g: factor(0.001),
    lb: factor(0.45359237),
    lbs: factor(0.45359237),
    '[lb_av]': factor(0.45359237),
    oz: factor(0.028349523125),
    '[oz_av]': factor(0.028349523125),
  },
  sbp: { 'mm[hg]': same, mmhg: same },
  dbp: { 'mm[hg]': same, mmhg: same },
  heart_rate: { '/min': same, bpm: same, 'beats/min': same, '{beats}/min': same },
  resp_rate: { '/min': same, 'breaths/min': same, '{breaths}/min': same },
  spo2: { '%': same },
  fio2: { '%': same, '1': factor(100), fraction: factor(100) },
  o2_flow: { 'l/min': same, lpm: same },
  ast: { 'u/l': same, 'iu/l': same },
  alt: { 'u/l': same, 'iu/l': same },
  troponin: { 'ng/ml': same, 'ug/l': same, 'ng/l': factor(0.001), 'pg/ml': factor(0.001) },
  tsh: { 'm[iu]/l': same, 'miu/l': same, 'uiu/ml': same, 'mu/l': same },
  sits_score: { '{score}': same, '': same, score: same },
  urine_output: volume(),
  diarrhoea_volume: volume(),
};

function cellCount(): Record<string, (v: number) => number> {
  const per_uL = same;
  const thousand = factor(1000);
  return {
    '/ul': per_uL, '/mm3': per_uL, 'cells/ul': per_uL, '/cumm': per_uL,
    '10^3/ul': thousand, '10^3/mm3': thousand, 'k/ul': thousand, '10^9/l': thousand, 'g/l': thousand, 'x10^9/l': thousand,
  };
}

function volume(): Record<string, (v: number, ctx: ConversionContext) => number> {
  return {
    ml: same,
    l: factor(1000),
    // Totals named with their period ("ml/8u", "mL/8h", per shift) are totals: the period goes in period_hours.
    'ml/4u': same,
    'ml/6u': same,
    'ml/8u': same,
    'ml/12u': same,
    'ml/24u': same,
    'ml/4h': same,
    'ml/6h': same,
    'ml/8h': same,
    'ml/12h': same,
    'ml/24h': same,
    'ml/shift': same,
    // A rate over a known period becomes the period total.
    'ml/h': (v, ctx) => v * need(ctx.period_hours, 'period_hours'),
    'ml/hr': (v, ctx) => v * need(ctx.period_hours, 'period_hours'),
  };
}

function need(v: number | null | undefined, what: string): number {
  if (v === null || v === undefined || !Number.isFinite(v)) throw new ConversionError(`needs ${what} to convert`);
  return v;
}

export class ConversionError extends Error {}

/** Vasopressor rates: canonical ug/kg/min; ug/min needs the dosing weight. */
const PRESSOR_UNITS: Record<string, (v: number, ctx: ConversionContext) => number> = {
  'ug/kg/min': same,
  'ug/min': (v, ctx) => v / need(ctx.weight_kg, 'the dosing weight (weight_kg)'),
  'mg/h': (v, ctx) => (v * 1000) / 60 / need(ctx.weight_kg, 'the dosing weight (weight_kg)'),
};

const FLUID_RATE_UNITS: Record<string, (v: number) => number> = { 'ml/h': same, 'ml/hr': same, 'ml/uur': same, 'l/h': factor(1000) };

export type UnitDomain = keyof typeof ANALYTE_UNITS | 'vasopressor' | 'fluid_rate' | 'fluid_volume';

function table(domain: string): Record<string, (v: number, ctx: ConversionContext) => number> | undefined {
  if (domain === 'vasopressor') return PRESSOR_UNITS;
  if (domain === 'fluid_rate') return FLUID_RATE_UNITS;
  if (domain === 'fluid_volume') return { ml: same, l: factor(1000) };
  return ANALYTE_UNITS[domain];
}

/** True when `unit` is a known spelling for the domain (a variable code, 'vasopressor', 'fluid_rate', 'fluid_volume'). */
export function isKnownUnit(domain: string, unit: string): boolean {
  return table(domain)?.[normaliseUnit(unit)] !== undefined;
}

/** The domains (variables, 'vasopressor', 'fluid_rate', 'fluid_volume', the FIELD_UNITS fields) in which `unit` is a known spelling. */
export function domainsOfUnit(unit: string): string[] {
  const n = normaliseUnit(unit);
  const fields = Object.entries(FIELD_UNITS).filter(([, f]) => f.spellings.includes(n)).map(([name]) => name);
  return [...[...Object.keys(ANALYTE_UNITS), 'vasopressor', 'fluid_rate', 'fluid_volume'].filter((d) => table(d)?.[n] !== undefined), ...fields];
}

/** A spec's unit spellings as normalised spelling → the known spelling it stands for. */
export function spellingMap(spellings: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(spellings).map(([from, to]) => [normaliseUnit(from), to]));
}

/** A SNOMED CT identifier: 6 to 18 digits (no UCUM unit is digits only, except "1" and powers of ten). */
const SCTID = /^[1-9]\d{5,17}$/;
/**
 * The unit a value is converted from: the spec's spelling resolved to the known unit it stands for, else the export's own.
 * Every unit the kit reads (observations, infusion rates and volumes) goes through this.
 * @example spelledUnit(spellingMap({ 'GI/L': '10^9/L' }), 'gi/l') // '10^9/L'
 */
export function spelledUnit(spellings: ReadonlyMap<string, string> | undefined, unit: string): string {
  return spellings?.get(normaliseUnit(unit)) ?? unit;
}

/**
 * Numeric fields other than observation values and infusion rates and volumes, read in one unit only: a unit the spec
 * gives for them (unit: or unit_from:) must be that unit, after the spec's spellings; nothing is converted.
 */
export const FIELD_UNITS: Readonly<Record<string, { unit: string; spellings: readonly string[] }>> = {
  dose_iu: { unit: 'IU', spellings: ['iu', '[iu]'] },
  dose_iu_per_kg: { unit: 'IU/kg', spellings: ['iu/kg', '[iu]/kg'] },
  dosing_weight_kg: { unit: 'kg', spellings: ['kg'] },
  baseline_weight_kg: { unit: 'kg', spellings: ['kg'] },
};

/**
 * Why a unit given for a FIELD_UNITS field is refused, or null when it is the field's unit (directly or by a spelling).
 * @example fieldUnitProblem('dose_iu', 'mg', undefined) // 'unit "mg" is not known for dose_iu (known: IU)'
 */
export function fieldUnitProblem(field: string, unit: string, spellings: ReadonlyMap<string, string> | undefined): string | null {
  const f = FIELD_UNITS[field];
  if (f === undefined) return null;
  return f.spellings.includes(normaliseUnit(spelledUnit(spellings, unit))) ? null : `unit ${JSON.stringify(unit)} is not known for ${field} (known: ${f.unit})`;
}

/** The refusal of a unit the table does not know, the same for every value the kit reads. */
export const unknownUnitMessage = (subject: string, why: string) => `${subject}: ${why}; add the unit to the unit table or fix the export`;

export function knownUnits(domain: string): string[] {
  return Object.keys(table(domain) ?? {});
}

/**
 * Converts a value to the canonical unit of the domain.
 * Throws ConversionError naming the unit when it is unknown or needs missing context.
 */
export function toCanonical(domain: string, value: number, unit: string, ctx: ConversionContext = {}): number {
  const t = table(domain);
  if (!t) throw new ConversionError(`no unit table for ${domain}`);
  const fn = t[normaliseUnit(unit)];
  if (!fn && SCTID.test(unit.trim())) {
    throw new ConversionError(
      `unit ${JSON.stringify(unit)} is a SNOMED CT concept id (a FHIR valueQuantity whose system is http://snomed.info/sct), not a unit the kit reads: ` +
        'map unit_from to the unit text (valueQuantity.unit) or ask the export for UCUM codes',
    );
  }
  if (!fn) throw new ConversionError(`unit ${JSON.stringify(unit)} is not known for ${domain} (known: ${Object.keys(t).join(', ')})`);
  const out = fn(value, ctx);
  return Math.round(out * 1e9) / 1e9; // keep stored values free of binary noise like 1.4000000000000001
}

/**
 * Decimal places of a number as the source wrote it ("221" → 0, "2.50" → 2, "2,5" → 1); null when it cannot tell
 * (exponent notation, not a plain number).
 * @example reportedDecimals('221') // 0
 */
export function reportedDecimals(text: string): number | null {
  const m = /^[<>]?=?\s*[+-]?\d*(?:[.,](\d*))?$/.exec(text.trim());
  return m === null ? null : (m[1] ?? '').length;
}

/**
 * Converts a value reported with `decimals` decimal places to the canonical unit at the precision the source reported
 * (docs/decisions.md, "Thresholds across units"): the report stands for every value in [x − step/2, x + step/2); the
 * result is the shortest decimal number in that interval, converted (the closest to the converted value among the
 * shortest). 221 µmol/L stands for [220.5, 221.5) µmol/L = [2.4938, 2.5051) mg/dL, stored as 2.5, which a ≥ 2.5 mg/dL
 * rule reads as the ward writes it; 220 µmol/L is stored as 2.49. A value already in the canonical unit, or converted
 * with context (rates over a period), is converted as toCanonical does.
 * @example toCanonicalAtPrecision('creatinine', 221, 'umol/L', 0) // 2.5
 */
export function toCanonicalAtPrecision(domain: string, value: number, unit: string, decimals: number | null, ctx: ConversionContext = {}): number {
  const exact = toCanonical(domain, value, unit, ctx);
  const fn = table(domain)?.[normaliseUnit(unit)];
  if (decimals === null || fn === undefined || fn === same || fn.length > 1 || decimals > 9) return exact;
  const half = 0.5 * 10 ** -decimals;
  const a = fn(value - half, ctx);
  const b = fn(value + half, ctx);
  return shortestDecimalIn(Math.min(a, b), Math.max(a, b), exact);
}

/** The number with the fewest decimals in [lo, hi), the closest to `near` among them. */
function shortestDecimalIn(lo: number, hi: number, near: number): number {
  const eps = 1e-12 * Math.max(1, Math.abs(near));
  for (let d = 0; d <= 9; d++) {
    const k = 10 ** d;
    const c = Math.round(near * k) / k;
    if (c >= lo - eps && c < hi - eps) return c;
    const up = Math.ceil((lo - eps) * k) / k;
    if (up < hi - eps) return up;
  }
  return near;
}

export function canonicalUnit(domain: string): string {
  if (domain === 'vasopressor') return 'ug/kg/min';
  if (domain === 'fluid_rate') return 'mL/h';
  if (domain === 'fluid_volume') return 'mL';
  const v = (OBSERVATION_VARIABLES as Record<string, { unit: string }>)[domain];
  if (!v) throw new ConversionError(`unknown variable ${domain}`);
  return v.unit;
}
