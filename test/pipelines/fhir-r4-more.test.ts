// Three shapes of issue 27's list that test/pipelines/fhir-r4.test.ts did not ingest, added to its R4-shaped export
// (test/fixtures/ingest/fhir-r4), each with its expected outcome on DuckDB's reading, ours and the row path:
//   - a valueQuantity coded in SNOMED CT (R4 allows any system; the kit reads UCUM): quarantined, naming file, line, the
//     field and what to map instead;
//   - a Patient.birthDate of year and month only (`1961-05`, R4's partial date): accepted, read as the month's start (the
//     store keeps the age at the first dose, never the date);
//   - a blood-pressure panel with no subject, which two table maps take (systolic, diastolic): quarantined once.
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCentre, type IngestResult } from '../../pipelines/ingest.js';
import { parquetHashes, queryStore } from '../helpers/store.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'fhir-r4');
const runs: Record<string, IngestResult> = {};
let root: string;

const SNOMED_HR = JSON.stringify({
  resourceType: 'Observation', id: 'hr-snomed', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: 'Patient/pat-a' }, effectiveDateTime: '2024-03-26T08:00:00Z',
  valueQuantity: { value: 72, unit: 'beats per minute', system: 'http://snomed.info/sct', code: '258983007' },
});
const NO_SUBJECT_BP = JSON.stringify({
  resourceType: 'Observation', id: 'bp-nosubject', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
  effectiveDateTime: '2024-03-26T09:00:00Z',
  component: [
    { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 120, code: 'mm[Hg]' } },
    { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: { value: 80, code: 'mm[Hg]' } },
  ],
});

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'il2kit-fhirr4more-'));
  const dir = join(root, 'export');
  cpSync(FIXTURE, dir, { recursive: true });
  appendFileSync(join(dir, 'Observation.000.ndjson'), SNOMED_HR + '\n' + NO_SUBJECT_BP + '\n');
  const patients = readFileSync(join(dir, 'Patient.ndjson'), 'utf8');
  expect(patients).toContain('"birthDate":"1961-05-14"');
  writeFileSync(join(dir, 'Patient.ndjson'), patients.replace('"birthDate":"1961-05-14"', '"birthDate":"1961-05"'));
  const spec = join(dir, 'mapping.yaml');
  runs.duck = await ingestCentre(spec, { storeDir: join(root, 'duck'), env: {}, duckdbJson: true, aheadBytes: 0, acceptFailedChecks: true });
  runs.ours = await ingestCentre(spec, { storeDir: join(root, 'ours'), env: {}, duckdbJson: false, acceptFailedChecks: true });
  runs.rows = await ingestCentre(spec, { storeDir: join(root, 'rows'), env: {}, columnar: false, acceptFailedChecks: true });
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const quarantine = (which: string) =>
  queryStore(join(root, which), 'SELECT table_name, source_file, source_pointer, field, check_name, message FROM quarantine ORDER BY ALL');

describe('more R4 shapes, each with its expected outcome', () => {
  it('stores and says the same on every path', async () => {
    for (const w of ['ours', 'rows']) {
      expect(parquetHashes(join(root, w)), w).toEqual(parquetHashes(join(root, 'duck')));
      expect(runs[w]!.counts, w).toEqual(runs.duck!.counts);
      expect(await quarantine(w), w).toEqual(await quarantine('duck'));
    }
  });

  it('quarantines a SNOMED-coded unit, naming the file, the line, the field and what to map instead', async () => {
    const q = (await quarantine('duck')).filter((r) => r.source_file === 'Observation.000.ndjson' && r.source_pointer === 'line 5');
    expect(q).toHaveLength(1);
    expect(q[0]!.field).toBe('unit');
    expect(q[0]!.message).toMatch(/"258983007" is a SNOMED CT concept id .*http:\/\/snomed\.info\/sct/);
  });

  it('quarantines a panel with no subject once, though two table maps take it', async () => {
    const q = (await quarantine('duck')).filter((r) => r.source_file === 'Observation.000.ndjson' && r.source_pointer === 'line 6');
    expect(q).toHaveLength(1);
    expect(q[0]!.field).toBe('patient_id');
  });

  it('accepts a birth date of year and month: pat-a stored with the age at the first dose, nothing quarantined for it', async () => {
    const rows = await queryStore(join(root, 'duck'), 'SELECT age_at_first_dose AS age FROM patient ORDER BY age');
    // pat-a: born May 1961 (read as 1961-05-01), first dose 2024-03-25: 62 years.
    expect(rows.map((r) => r.age)).toContain(62);
    expect((await quarantine('duck')).filter((r) => r.source_file === 'Patient.ndjson')).toEqual([]);
  });
});
