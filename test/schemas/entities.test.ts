import { describe, expect, it } from 'vitest';
import { OBSERVATION_VARIABLES, TABLES, TABLE_NAMES, type TableName } from '../../schemas/index.js';
import { valid } from '../helpers/records.js';

function check(table: TableName, patch: Record<string, unknown>, drop: string[] = []) {
  const rec: Record<string, unknown> = { ...valid[table], ...patch };
  for (const k of drop) delete rec[k];
  return TABLES[table].schema.safeParse(rec);
}

function issueAt(table: TableName, patch: Record<string, unknown>, drop: string[] = []) {
  const r = check(table, patch, drop);
  expect(r.success).toBe(false);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message }));
}

describe('every table', () => {
  it.each(TABLE_NAMES)('%s accepts its valid example', (t) => {
    const r = TABLES[t].schema.safeParse(valid[t]);
    expect(r.success ? [] : r.error.issues).toEqual([]);
  });

  it.each(TABLE_NAMES)('%s rejects a record missing a required field', (t) => {
    const first = Object.keys(valid[t])[0]!;
    expect(issueAt(t, {}, [first])).toContainEqual(expect.objectContaining({ path: first, code: 'invalid_type' }));
  });

  it.each(TABLE_NAMES)('%s rejects a direct identifier field (mrn, name, date_of_birth)', (t) => {
    for (const id of ['mrn', 'name_x_unused', 'date_of_birth']) {
      if (id in valid[t]) continue;
      expect(issueAt(t, { [id]: 'x' })).toContainEqual(expect.objectContaining({ code: 'unrecognized_keys' }));
    }
  });
});

describe('observation', () => {
  it('rejects a value in a non-canonical unit', () => {
    expect(issueAt('observation', { value: 124, unit: 'umol/L' })).toContainEqual(expect.objectContaining({ path: 'unit', message: expect.stringContaining('mg/dL') }));
  });
  it('rejects a value outside the plausible range of its variable', () => {
    expect(issueAt('observation', { variable: 'heart_rate', unit: '/min', value: 1200 })).toContainEqual(expect.objectContaining({ path: 'value', message: expect.stringContaining('plausible range') }));
  });
  it('rejects an unknown variable code', () => {
    expect(issueAt('observation', { variable: 'lactate' })).toContainEqual(expect.objectContaining({ path: 'variable', code: 'invalid_value' }));
  });
  it('requires a period for interval variables and forbids it for point ones', () => {
    expect(issueAt('observation', { variable: 'urine_output', unit: 'mL', value: 240, period_hours: null })).toContainEqual(expect.objectContaining({ path: 'period_hours' }));
    expect(check('observation', { variable: 'urine_output', unit: 'mL', value: 240, period_hours: 8 }).success).toBe(true);
    expect(issueAt('observation', { period_hours: 8 })).toContainEqual(expect.objectContaining({ path: 'period_hours' }));
  });
  it('has a canonical unit, a non-empty range and a LOINC code (except scores) for every variable', () => {
    for (const [code, v] of Object.entries(OBSERVATION_VARIABLES)) {
      expect(v.range[0], code).toBeLessThan(v.range[1]);
      expect(v.unit.length, code).toBeGreaterThan(0);
      if (v.unit !== '{score}') expect(v.loinc, code).toMatch(/^\d+-\d$/);
    }
  });
});

describe('dose_slot', () => {
  it('rejects an unknown status and an unknown hold reason code', () => {
    expect(issueAt('dose_slot', { status: 'givn' })).toContainEqual(expect.objectContaining({ path: 'status', code: 'invalid_value' }));
    expect(issueAt('dose_slot', { status: 'held', given_at: null, dose_iu: null, dose_iu_source: null, hold_reason_codes: ['low_mood'] })).toContainEqual(
      expect.objectContaining({ path: 'hold_reason_codes.0', code: 'invalid_value' }),
    );
  });
  it('keeps status and dose consistent', () => {
    expect(issueAt('dose_slot', { given_at: null })).toContainEqual(expect.objectContaining({ path: 'given_at' }));
    expect(issueAt('dose_slot', { status: 'held', hold_reason_codes: ['hypotension'] })).toContainEqual(expect.objectContaining({ path: 'dose_iu' }));
    expect(check('dose_slot', { status: 'held', given_at: null, dose_iu: null, dose_iu_source: null, hold_reason_codes: ['hypotension'] }).success).toBe(true);
    expect(issueAt('dose_slot', { status: 'skipped', given_at: null, dose_iu: null, dose_iu_source: null, hold_reason_codes: ['hypotension'] })).toContainEqual(
      expect.objectContaining({ path: 'hold_reason_codes', message: expect.stringContaining('non-clinical') }),
    );
  });
  it('keeps a given dose with no IU in the export as given, with no source, and ties the source to the dose', () => {
    expect(check('dose_slot', { dose_iu: null, dose_iu_source: null }).success).toBe(true);
    expect(issueAt('dose_slot', { dose_iu: null })).toContainEqual(expect.objectContaining({ path: 'dose_iu_source' }));
    expect(issueAt('dose_slot', { dose_iu_source: null })).toContainEqual(expect.objectContaining({ path: 'dose_iu_source' }));
    expect(check('dose_slot', { dose_iu_source: 'derived' }).success).toBe(true);
    expect(issueAt('dose_slot', { dose_iu_source: 'guessed' })).toContainEqual(expect.objectContaining({ path: 'dose_iu_source', code: 'invalid_value' }));
  });
  it('rejects a slot number beyond 15 and local (non-UTC) times', () => {
    expect(issueAt('dose_slot', { slot_number: 16 })).toContainEqual(expect.objectContaining({ path: 'slot_number', code: 'too_big' }));
    expect(issueAt('dose_slot', { scheduled_at: '2024-03-04 08:00' })).toContainEqual(expect.objectContaining({ path: 'scheduled_at' }));
    expect(issueAt('dose_slot', { scheduled_at: '2024-02-31T08:00:00Z' })).toContainEqual(expect.objectContaining({ path: 'scheduled_at' }));
  });
});

describe('patient, cycle, infusion, event, response, centre', () => {
  it('patient: rejects a local id as key, out-of-range age and unknown disease', () => {
    expect(issueAt('patient', { patient_key: 'MRN0042' })).toContainEqual(expect.objectContaining({ path: 'patient_key' }));
    expect(issueAt('patient', { age_at_first_dose: 7 })).toContainEqual(expect.objectContaining({ path: 'age_at_first_dose', code: 'too_small' }));
    expect(issueAt('patient', { disease: 'nsclc' })).toContainEqual(expect.objectContaining({ path: 'disease', code: 'invalid_value' }));
  });
  it('cycle: rejects an unknown end reason and an implausible weight', () => {
    expect(issueAt('cycle', { end_reason: 'tired' })).toContainEqual(expect.objectContaining({ path: 'end_reason' }));
    expect(issueAt('cycle', { dosing_weight_kg: 824 })).toContainEqual(expect.objectContaining({ path: 'dosing_weight_kg', code: 'too_big' }));
  });
  it('infusion: rejects a pressor rate left in mcg/min and a bolus without volume', () => {
    expect(issueAt('infusion', { rate: 50 })).toContainEqual(expect.objectContaining({ path: 'rate', message: expect.stringContaining('mcg/min') }));
    expect(issueAt('infusion', { rate_unit: 'mL/h' })).toContainEqual(expect.objectContaining({ path: 'rate_unit' }));
    expect(issueAt('infusion', { agent: 'fluid_bolus', rate: null, rate_unit: null, volume_ml: null })).toContainEqual(expect.objectContaining({ path: 'volume_ml' }));
  });
  it('clinical_event: rejects resolution before onset and an unknown event', () => {
    expect(issueAt('clinical_event', { resolved_at: '2024-03-06T01:00:00Z' })).toContainEqual(expect.objectContaining({ path: 'resolved_at' }));
    expect(issueAt('clinical_event', { event_type: 'hiccups' })).toContainEqual(expect.objectContaining({ path: 'event_type' }));
  });
  it('response: rejects an unknown category and criteria', () => {
    expect(issueAt('response', { best_overall_response: 'MR' })).toContainEqual(expect.objectContaining({ path: 'best_overall_response' }));
    expect(issueAt('response', { criteria: 'RECIST2' })).toContainEqual(expect.objectContaining({ path: 'criteria' }));
  });
  it('centre: rejects a regimen outside 600,000/720,000 IU/kg and 14/15 doses, and an unknown time zone', () => {
    expect(issueAt('centre', { dose_iu_per_kg: 500000 })).toContainEqual(expect.objectContaining({ path: 'dose_iu_per_kg' }));
    expect(issueAt('centre', { max_doses_per_cycle: 12 })).toContainEqual(expect.objectContaining({ path: 'max_doses_per_cycle' }));
    expect(issueAt('centre', { time_zone: 'Mars/Olympus' })).toContainEqual(expect.objectContaining({ path: 'time_zone' }));
  });
});
