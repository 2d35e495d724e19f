// A melt item with an absence reason (#27): an R4 blood-pressure panel read through `melt`, one observation per component,
// whose diastolic component carries a dataAbsentReason and no value. Stored as a recorded absence by every path (columnar
// with DuckDB's JSON reader, columnar with ours, row by row), not counted as an empty wide cell nor quarantined.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCentre, type IngestResult } from '../../pipelines/ingest.js';
import { parquetHashes, queryStore } from '../helpers/store.js';

const BULK = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'fhir-bulk');
const DAR = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';
const component = (code: string, v: number | null, why?: string) => ({
  code: { coding: [{ system: 'http://loinc.org', code }] },
  ...(v === null ? {} : { valueQuantity: { value: v, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } }),
  ...(why === undefined ? {} : { dataAbsentReason: { coding: [{ system: DAR, code: why }] } }),
});
const panel = (id: string, at: string, comps: unknown[]) =>
  JSON.stringify({
    resourceType: 'Observation', id, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
    subject: { reference: 'Patient/pat-a' }, effectiveDateTime: at, component: comps,
  });
// Line 1 measured; line 2 diastolic absent (error); line 3 diastolic left out with no reason (an empty wide cell);
// line 4 a value and a reason (obs-6: quarantined); line 5 an unknown reason code (quarantined).
const LINES = [
  panel('bp-1', '2024-03-25T07:00:00Z', [component('8480-6', 118), component('8462-4', 72)]),
  panel('bp-2', '2024-03-25T12:00:00Z', [component('8480-6', 109), component('8462-4', null, 'error')]),
  panel('bp-3', '2024-03-25T16:00:00Z', [component('8480-6', 101)]),
  panel('bp-4', '2024-03-25T20:00:00Z', [component('8480-6', 99), component('8462-4', 60, 'unknown')]),
  panel('bp-5', '2024-03-26T00:00:00Z', [component('8480-6', 97), component('8462-4', null, 'forgot')]),
];
const BP_SOURCE = `
  - id: bp
    file: Vitals.ndjson
    format: ndjson
    patient_id: { from: subject.reference, regex: '^Patient/(.+)$' }
    tables:
      - table: observation
        fields:
          observed_at: effectiveDateTime
        melt:
          - variable: sbp
            value: { from: 'component[code.coding.0.code=8480-6].valueQuantity.value', unit_from: 'component[code.coding.0.code=8480-6].valueQuantity.code' }
            value_absent_reason: { codings: { from: 'component[code.coding.0.code=8480-6].dataAbsentReason', system: '${DAR}' } }
          - variable: dbp
            value: { from: 'component[code.coding.0.code=8462-4].valueQuantity.value', unit_from: 'component[code.coding.0.code=8462-4].valueQuantity.code' }
            value_absent_reason: { codings: { from: 'component[code.coding.0.code=8462-4].dataAbsentReason', system: '${DAR}' } }
`;

let root: string;
const results: Record<string, IngestResult> = {};
const PATHS = { duckdb: { env: {} }, ours: { env: { IL2KIT_DUCKDB_JSON: '0' } }, rows: { env: {}, columnar: false } } as const;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'il2kit-fhirmelt-'));
  const dir = join(root, 'export');
  cpSync(BULK, dir, { recursive: true });
  writeFileSync(join(dir, 'Vitals.ndjson'), LINES.join('\n') + '\n');
  writeFileSync(join(dir, 'mapping.yaml'), readFileSync(join(BULK, 'mapping.yaml'), 'utf8') + BP_SOURCE);
  for (const [name, opts] of Object.entries(PATHS)) results[name] = await ingestCentre(join(dir, 'mapping.yaml'), { storeDir: join(root, name), ...opts });
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a melt item carries an absence reason (a component’s dataAbsentReason)', () => {
  const sql = `SELECT source_pointer AS p, variable, value, value_absent_reason AS why FROM observation_all WHERE source_file LIKE '%Vitals%' ORDER BY 1, 2`;

  it('stores the absent diastolic component as a recorded absence beside the measured systolic', async () => {
    expect(await queryStore(join(root, 'duckdb'), sql)).toEqual([
      { p: 'line 1', variable: 'dbp', value: 72, why: null },
      { p: 'line 1', variable: 'sbp', value: 118, why: null },
      { p: 'line 2', variable: 'dbp', value: null, why: 'error' },
      { p: 'line 2', variable: 'sbp', value: 109, why: null },
      { p: 'line 3', variable: 'sbp', value: 101, why: null },
      { p: 'line 4', variable: 'sbp', value: 99, why: null },
      { p: 'line 5', variable: 'sbp', value: 97, why: null },
    ]);
    const bp = results.duckdb!.sources.find((s) => s.source === 'bp')!;
    // Only line 3's missing diastolic is an empty cell; the absence is a row.
    expect(bp.emptyWideCells).toBe(1);
  });

  it('quarantines a component with both a value and a reason, and a reason outside the value set, naming the field', async () => {
    const q = `SELECT source_pointer AS p, field, check_name FROM quarantine WHERE source_file LIKE '%Vitals%' ORDER BY 1`;
    const got = await queryStore(join(root, 'duckdb'), q);
    expect(got.map((r) => [r.p, r.field])).toEqual([
      ['line 4', 'value_absent_reason'],
      ['line 5', 'value_absent_reason'],
    ]);
  });

  it('stores the same rows, counts and messages whichever path reads the file', async () => {
    const q = `SELECT source_pointer, field, check_name, message FROM quarantine ORDER BY ALL`;
    for (const other of ['ours', 'rows']) {
      expect(parquetHashes(join(root, other))).toEqual(parquetHashes(join(root, 'duckdb')));
      expect(results[other]!.sources).toEqual(results.duckdb!.sources);
      expect(await queryStore(join(root, other), q)).toEqual(await queryStore(join(root, 'duckdb'), q));
    }
  });

  it('is hidden from analyses: the observation view has no row without a value', async () => {
    const n = await queryStore(join(root, 'duckdb'), `SELECT count(*)::INTEGER AS n FROM observation WHERE variable = 'dbp'`);
    expect(n[0]!.n).toBe(1);
  });
});
