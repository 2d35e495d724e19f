// The FHIR field-map operators of issue 27: first_of (the first path with a value), codings (any coding
// of a CodeableConcept, by system), a period whose start is its end, and unit_from inside a melt item.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalField, fieldPaths, MAX_CODINGS, type EvalContext } from '../../../pipelines/map/expr.js';
import type { FieldMapObject } from '../../../schemas/mapping-spec.js';
import { ingestCentre } from '../../../pipelines/ingest.js';
import { queryStore } from '../../helpers/store.js';

const ctx = (): EvalContext => ({ decimal: '.', dateFormat: 'iso', timeZone: 'UTC', unmapped: new Map(), fieldName: 'x' });
const row = (values: Record<string, unknown>) => ({ row: 1, pointer: 'line 1', values });
const LOINC = 'http://loinc.org';
const concept = (...codings: [string | undefined, string][]) => ({ code: { coding: codings.map(([system, code]) => ({ system, code })) } });

describe('first_of', () => {
  const fm: FieldMapObject = { first_of: ['effectiveDateTime', 'effectivePeriod.start', 'issued'], date: 'iso' };
  it.each([
    [{ effectiveDateTime: '2024-03-25T08:00:00Z', issued: '2024-03-26T00:00:00Z' }, '2024-03-25T08:00:00Z'],
    [{ effectivePeriod: { start: '2024-03-25T09:00:00+01:00', end: '2024-03-25T10:00:00+01:00' }, issued: '2024-03-26T00:00:00Z' }, '2024-03-25T08:00:00Z'],
    [{ effectiveDateTime: '  ', issued: '2024-03-26T00:00:00Z' }, '2024-03-26T00:00:00Z'],
    [{}, null],
  ])('%j → %s (never the parts joined)', (values, want) => {
    const r = evalField(fm, row(values), ctx());
    expect(r.ok && r.value).toBe(want);
  });
});

describe('codings', () => {
  const codes = { exact: { '8867-4': 'heart_rate', '2160-0': 'creatinine' }, ci: {}, regex: [], list: false, unmapped: 'quarantine' as const };
  const fm: FieldMapObject = { codings: { from: 'code', system: LOINC }, codes };
  it('maps any coding of the system, wherever it stands, not only the first', () => {
    expect(evalField(fm, row(concept(['http://acme.org', 'CREAT'], [LOINC, '38483-4'], [LOINC, '2160-0'])), ctx())).toMatchObject({ ok: true, value: 'creatinine' });
    expect(evalField(fm, row(concept([LOINC, '8867-4'])), ctx())).toMatchObject({ ok: true, value: 'heart_rate' });
  });

  it('leaves codings of other systems out, and gives the first code of the system to the unmapped handling', () => {
    const c = ctx();
    const r = evalField(fm, row(concept(['http://acme.org', '2160-0'], [LOINC, '99999-9'])), c);
    expect(r).toMatchObject({ ok: false, check: 'unmapped_code' });
    expect([...c.unmapped.get('x')!.keys()]).toEqual(['99999-9']);
  });

  it('routes by the code list: the coding `when` lists is taken', () => {
    const c = { ...ctx(), routing: true, accept: ['2160-0'] };
    expect(evalField({ codings: { from: 'code', system: LOINC } }, row(concept([LOINC, '38483-4'], [LOINC, '2160-0'])), c)).toMatchObject({ ok: true, value: '2160-0' });
    expect(evalField({ codings: { from: 'code' } }, row(concept(['http://acme.org', 'X'], [LOINC, '2160-0'])), c)).toMatchObject({ ok: true, value: '2160-0' });
  });

  it('says so when a concept has more codings than it reads', () => {
    const many = concept(...Array.from({ length: MAX_CODINGS + 1 }, (_, i): [string, string] => [LOINC, `x${i}`]));
    expect(evalField(fm, row(many), ctx())).toMatchObject({ ok: false, check: 'too_many_codings', message: expect.stringContaining(`more than ${MAX_CODINGS} codings`) });
  });

  it('reads only scalar paths, so DuckDB can read them', () => {
    expect(fieldPaths(fm)).toEqual(Array.from({ length: MAX_CODINGS + 1 }, (_, i) => [`code.coding[${i}].system`, `code.coding[${i}].code`]).flat());
  });
});

describe('hours_between', () => {
  it('gives no period for a period that starts when it ends (a point measurement)', () => {
    const fm: FieldMapObject = { hours_between: { start: 'p.start', end: 'p.end' } };
    expect(evalField(fm, row({ p: { start: '2024-03-25T10:00:00Z', end: '2024-03-25T10:00:00Z' } }), ctx())).toMatchObject({ ok: true, value: null });
    expect(evalField(fm, row({ p: { start: '2024-03-25T10:00:00Z', end: '2024-03-25T18:00:00Z' } }), ctx())).toMatchObject({ ok: true, value: 8 });
  });
});

describe('unit_from inside a melt item', () => {
  it('takes each value’s unit from its column', async () => {
    const root = mkdtempSync(join(tmpdir(), 'il2kit-melt-unit-'));
    try {
      writeFileSync(join(root, 'wide.csv'), 'id,time,temp,temp_unit\nA1,2024-03-25T08:00:00Z,99.5,[degF]\nA1,2024-03-25T12:00:00Z,37.2,Cel\n');
      // The observations need their patient stored (rows of an unstored patient are orphans).
      writeFileSync(join(root, 'patients.csv'), 'id,weight\nA1,80\n');
      writeFileSync(
        join(root, 'spec.yaml'),
        `id: melt\nversion: '1'\ntitle: melt\nsamples: true\ncentre: { centre_id: melt, name: M, country: US, time_zone: UTC, dose_iu_per_kg: 600000, max_doses_per_cycle: 14, local_ruleset_id: null }\n` +
          `sources:\n  - id: patients\n    file: patients.csv\n    format: csv\n    patient_id: id\n    tables:\n      - table: patient\n        fields: { disease: { value: rcc }, age_at_first_dose: { value: null }, sex: { value: male }, ecog: { value: null }, risk_group: { value: unknown }, ` +
          `prior_nephrectomy: { value: null }, prior_systemic_therapies: { value: null }, prior_immunotherapy: { value: null }, treated_brain_metastases: { value: null }, baseline_weight_kg: weight }\n` +
          `  - id: wide\n    file: wide.csv\n    format: csv\n    patient_id: id\n    tables:\n      - table: observation\n        fields: { observed_at: time }\n        melt: [{ variable: temperature, value: { from: temp, unit_from: temp_unit } }]\n`,
      );
      await ingestCentre(join(root, 'spec.yaml'), { storeDir: join(root, 'store'), env: {}, acceptFailedChecks: true });
      const rows = await queryStore(join(root, 'store'), `SELECT value, unit, value_raw, unit_raw FROM observation ORDER BY observed_at`);
      expect(rows).toEqual([
        { value: 37.5, unit: 'Cel', value_raw: '99.5', unit_raw: '[degF]' },
        { value: 37.2, unit: 'Cel', value_raw: '37.2', unit_raw: 'Cel' },
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
