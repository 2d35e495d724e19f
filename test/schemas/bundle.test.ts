// The bundle schema accepts what il2kit bundle writes and rejects what must never leave a centre.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { PanelBundle } from '../../schemas/bundle.js';

const sample = () => JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'panel', 'amstel.json'), 'utf8')) as PanelBundle;
const issues = (b: unknown) => {
  const r = PanelBundle.safeParse(b);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('PanelBundle', () => {
  it('accepts a bundle written by il2kit bundle, in zod and through the generated JSON Schema (as R or Python would check it)', () => {
    expect(issues(sample())).toEqual([]);
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemas', 'json', 'panel_bundle.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020.default({ strict: false }).compile(schema);
    expect(validate(sample())).toBe(true);
    expect(validate({ ...sample(), policy: { ...sample().policy, min_cell: 1 } })).toBe(false);
  });
  it('rejects a minimum cell count below 3, a date instead of a quarter, free text as a label, a negative count and an extra field', () => {
    const b = sample();
    expect(issues({ ...b, policy: { ...b.policy, min_cell: 2 } })).toEqual(['policy.min_cell: Too small: expected number to be >=3']);
    expect(issues({ ...b, period: { first: '2016-07-14', last: b.period.last } })[0]).toMatch(/^period\.first: year-quarter: YYYY-Qn/);
    const t = b.tables[0]!;
    expect(issues({ ...b, tables: [{ ...t, rows: ['patient said no', ...t.rows.slice(1)] }] })[0]).toMatch(/^tables\.0\.rows\.0: label: a code/);
    expect(issues({ ...b, tables: [{ ...t, cells: t.cells.map((r, i) => (i === 0 ? r.map(() => -1) : r)) }] })[0]).toMatch(/^tables\.0\.cells\.0\.0: Too small/);
    expect(issues({ ...b, patient_keys: ['0123456789abcdef'] })[0]).toMatch(/Unrecognized key/);
    expect(issues({ ...b, tables: [{ ...t, cells: t.cells.slice(1) }] })[0]).toMatch(/^tables\.0\.cells: table dose_end:600k\/14: cells must be 15 rows × 3 columns/);
  });
});
