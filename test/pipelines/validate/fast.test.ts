// The fast validity check must give zod's verdict on every record: ingest stores a record the
// fast check accepts without asking zod, and sends everything else to zod for its messages.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TABLES, TABLE_NAMES, INFUSION_AGENTS, OBSERVATION_VARIABLES, HOLD_REASONS, describeFields, type TableName } from '../../../schemas/index.js';
import { fastCheck } from '../../../pipelines/validate/fast.js';

type Def = { type: string; innerType?: unknown; element?: unknown; checks?: { _zod: { def: { check?: string; pattern?: RegExp; value?: number } } }[]; pattern?: RegExp; entries?: Record<string, unknown> };
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;

const UNITS = [...new Set([...Object.values(OBSERVATION_VARIABLES).map((v) => v.unit), ...Object.values(INFUSION_AGENTS).map((a) => a.unit)])];
const junkString = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('', ' ', 'NA', '2024-02-30T00:00:00Z', '2024-01-01 08:00:00', '0123456789abcdeg', 'x,y'));
const junkAny = fc.oneof(junkString, fc.constantFrom(null, undefined, NaN, Infinity, -Infinity, true, 0, -1, 1.5, 1e300, [], {}, '1'));
const instant = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) })
  .chain((ms) => fc.constantFrom(new Date(ms).toISOString(), new Date(ms - (ms % 1000)).toISOString().replace('.000Z', 'Z')));

/** Values for one zod field: mostly valid, sometimes near a bound or of the wrong kind. */
function arb(s: unknown): fc.Arbitrary<unknown> {
  const d = defOf(s);
  if (d.type === 'nullable') return fc.oneof({ arbitrary: arb(d.innerType), weight: 6 }, { arbitrary: fc.constant(null), weight: 2 });
  const checks = d.checks ?? [];
  const pattern = d.pattern ?? checks.find((c) => c._zod.def.pattern)?._zod.def.pattern;
  let good: fc.Arbitrary<unknown>;
  switch (d.type) {
    case 'string':
      good = (s as { _zod: { def: { format?: string } } })._zod.def.format === 'datetime' ? instant : pattern ? fc.stringMatching(pattern) : fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...UNITS));
      break;
    case 'number': {
      const bounds = checks.map((c) => c._zod.def.value).filter((v): v is number => typeof v === 'number');
      const edges = bounds.flatMap((b) => [b, b - 1, b + 1, b - 1e-9, b + 1e-9, b + 0.5]);
      const lo = checks.find((c) => c._zod.def.check === 'greater_than')?._zod.def.value ?? -10;
      const hi = checks.find((c) => c._zod.def.check === 'less_than')?._zod.def.value ?? 3000;
      const inRange = checks.some((c) => c._zod.def.check === 'number_format') ? fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) }) : fc.double({ min: lo, max: hi, noNaN: true });
      good = fc.oneof({ arbitrary: inRange, weight: 12 }, { arbitrary: fc.integer({ min: -10, max: 3000 }), weight: 1 }, { arbitrary: fc.double({ min: -10, max: 3000, noNaN: true }), weight: 1 }, { arbitrary: fc.constantFrom(0, 1, 4, 15, 20, 72, 600_000, ...edges), weight: 2 });
      break;
    }
    case 'boolean':
      good = fc.boolean();
      break;
    case 'enum':
      good = fc.constantFrom(...Object.values(d.entries ?? {}));
      break;
    case 'array':
      good = fc.array(fc.oneof({ arbitrary: arb(d.element), weight: 8 }, { arbitrary: junkAny, weight: 1 }), { maxLength: 3 });
      break;
    default:
      good = junkAny;
  }
  return fc.oneof({ arbitrary: good, weight: 60 }, { arbitrary: junkAny, weight: 1 });
}

/** Ties the fields the schema's refinements compare, most of the time, so refinements pass as well as fail. */
function related(table: TableName, r: Record<string, unknown>, pick: number): void {
  if (pick > 0.75) return;
  if (table === 'observation' && typeof r.variable === 'string' && Object.hasOwn(OBSERVATION_VARIABLES, r.variable)) {
    const def = (OBSERVATION_VARIABLES as Record<string, { unit: string; range: readonly [number, number]; kind: string }>)[r.variable];
    if (!def) return;
    r.unit = def.unit;
    if (pick < 0.5) r.value = def.range[0] + (def.range[1] - def.range[0]) * pick;
    r.period_hours = def.kind === 'interval' ? (pick < 0.6 ? 8 : r.period_hours) : pick < 0.6 ? null : r.period_hours;
  }
  if (table === 'infusion' && typeof r.agent === 'string' && Object.hasOwn(INFUSION_AGENTS, r.agent)) {
    const def = (INFUSION_AGENTS as Record<string, { kind: string; unit: string; max: number }>)[r.agent];
    if (!def) return;
    if (def.kind === 'fluid_bolus') {
      r.rate = null;
      r.volume_ml = pick < 0.5 ? def.max * pick : r.volume_ml;
    } else {
      r.rate_unit = def.unit;
      r.rate = pick < 0.5 ? def.max * pick : r.rate;
    }
    if (pick < 0.4) r.end_at = null;
  }
  if (table === 'dose_slot') {
    if (r.status === 'given') {
      if (pick < 0.5) r.hold_reason_codes = [];
      if (pick < 0.5) r.dose_iu_source = r.dose_iu === null ? null : 'recorded';
    } else if (pick < 0.6) {
      r.given_at = null;
      r.dose_iu = null;
      r.dose_iu_source = null;
      if (r.status === 'skipped' && pick < 0.3) r.hold_reason_codes = Object.keys(HOLD_REASONS).filter((k) => (HOLD_REASONS as Record<string, { kind: string }>)[k]!.kind !== 'clinical').slice(0, 1);
    }
  }
  if (table === 'clinical_event' && pick < 0.4) r.resolved_at = null;
}

function recordArb(table: TableName): fc.Arbitrary<Record<string, unknown>> {
  const shape = (TABLES[table].schema as unknown as { shape: Record<string, unknown> }).shape;
  const fields = Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, arb(s)]));
  return fc
    .tuple(fc.record(fields), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 40 }), fc.constantFrom(...Object.keys(shape)))
    .map(([rec, pick, shapeChange, key]) => {
      const r = { ...rec } as Record<string, unknown>;
      related(table, r, pick);
      if (shapeChange === 0) delete r[key];
      if (shapeChange === 1) r.unexpected_field = 'x';
      if (shapeChange === 2) r[key] = undefined;
      return r;
    });
}

describe('fast validity check', () => {
  for (const table of TABLE_NAMES) {
    it(`gives zod's verdict on ${table} records`, () => {
      const schema = TABLES[table].schema;
      const fast = fastCheck(schema);
      // Only the centre table (a field-level refinement on the time zone) may go to zod wholesale.
      if (table !== 'centre') expect(fast).not.toBeNull();
      if (!fast) return;
      let valid = 0;
      let invalid = 0;
      fc.assert(
        fc.property(recordArb(table), (r) => {
          const z = schema.safeParse(r).success;
          if (z) valid++;
          else invalid++;
          expect(fast(r)).toBe(z);
        }),
        { numRuns: 4000, seed: 20_251_126 + table.length },
      );
      // Both verdicts must be well represented, or the property says little.
      expect(valid).toBeGreaterThan(200);
      expect(invalid).toBeGreaterThan(200);
    });
  }

  it('rejects exactly at the bounds zod rejects', () => {
    const fast = fastCheck(TABLES.patient.schema)!;
    const base = {
      centre_id: 'riverside', patient_key: '0123456789abcdef', disease: 'rcc', age_at_first_dose: 16, sex: 'male', ecog: 0, risk_group: 'unknown',
      prior_nephrectomy: null, prior_systemic_therapies: 0, prior_immunotherapy: false, treated_brain_metastases: null, baseline_weight_kg: 25,
      source_file: 'p.csv', source_sha256: 'a'.repeat(64), source_row: 1, source_pointer: null, spec_id: 'x', spec_version: '1',
    };
    expect(describeFields(TABLES.patient.schema).map((f) => f.name).sort()).toEqual(Object.keys(base).sort());
    for (const [k, v] of [['age_at_first_dose', 15], ['age_at_first_dose', 100.5], ['age_at_first_dose', 100], ['baseline_weight_kg', 24.999], ['baseline_weight_kg', 300], ['source_row', 0], ['source_row', 2 ** 53], ['ecog', 4], ['ecog', 5], ['spec_id', '']] as const) {
      const r = { ...base, [k]: v };
      expect(fast(r), `${k}=${v}`).toBe(TABLES.patient.schema.safeParse(r).success);
    }
    expect(fast(base)).toBe(true);
  });
});
