// FHIR R4 resources in the shapes of the official HL7 R4 examples, as a bulk export writes them
// (test/fixtures/ingest/fhir-r4): each shape with its expected outcome, read by DuckDB and by our reader.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCentre, type IngestResult } from '../../pipelines/ingest.js';
import { parseSpec, SpecError } from '../../pipelines/map/spec-load.js';
import { parquetHashes, queryStore } from '../helpers/store.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'fhir-r4');
let root: string;
let duck: IngestResult;
let ours: IngestResult;
let rows: IngestResult;
const store = (which: string) => join(root, which);
const query = (sql: string) => queryStore(store('duck'), sql);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'il2kit-fhirr4-'));
  const spec = join(FIXTURE, 'mapping.yaml');
  duck = await ingestCentre(spec, { storeDir: store('duck'), env: {}, duckdbJson: true, aheadBytes: 0 });
  ours = await ingestCentre(spec, { storeDir: store('ours'), env: {}, duckdbJson: false });
  rows = await ingestCentre(spec, { storeDir: store('rows'), env: {}, columnar: false });
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('FHIR R4 example shapes as a bulk export', () => {
  it('stores the same whichever reader read the NDJSON, column-wise or row by row, and rows balance', () => {
    expect(parquetHashes(store('duck'))).toEqual(parquetHashes(store('ours')));
    expect(parquetHashes(store('duck'))).toEqual(parquetHashes(store('rows')));
    expect(duck.counts).toEqual(ours.counts);
    expect(duck.counts).toEqual(rows.counts);
    for (const [t, c] of Object.entries(duck.counts)) expect(c.read + c.derived, t).toBe(c.stored + c.quarantined + c.merged);
    expect(duck.counts.observation).toEqual({ read: 9, derived: 0, merged: 0, stored: 8, quarantined: 1 });
  });

  it('reads a glob as one source per file, each file with its own provenance and counts', async () => {
    const obs = duck.sources.filter((s) => s.source.startsWith('observation'));
    expect(obs.map((s) => [s.source, s.file, s.rows, s.skipped])).toEqual([
      ['observation', 'Observation.000.ndjson', 4, 1],
      ['observation-2', 'Observation.001.ndjson', 6, 1],
    ]);
    const files = await query(`SELECT DISTINCT source_file FROM observation ORDER BY 1`);
    expect(files.map((r) => r.source_file)).toEqual(['Observation.000.ndjson', 'Observation.001.ndjson']);
  });

  it('stores each shape as FHIR means it', async () => {
    const rows = await query(
      `SELECT source_file || ' ' || source_pointer AS loc, variable, value, unit, value_raw, unit_raw, strftime(observed_at, '%Y-%m-%dT%H:%M:%S') AS t, period_hours
       FROM observation ORDER BY loc, variable`,
    );
    expect(rows).toEqual([
      // blood-pressure: a panel routed by its LOINC code, components picked by code (one coding of two is SNOMED).
      { loc: 'Observation.000.ndjson line 1', variable: 'dbp', value: 44, unit: 'mm[Hg]', value_raw: '44', unit_raw: 'mm[Hg]', t: '2024-03-25T08:00:00', period_hours: null },
      { loc: 'Observation.000.ndjson line 1', variable: 'sbp', value: 109, unit: 'mm[Hg]', value_raw: '109', unit_raw: 'mm[Hg]', t: '2024-03-25T08:00:00', period_hours: null },
      // heart-rate: "+00:00" offset; the UCUM code /min is the unit, not the text "beats/minute".
      { loc: 'Observation.000.ndjson line 2', variable: 'heart_rate', value: 88, unit: '/min', value_raw: '88', unit_raw: '/min', t: '2024-03-25T08:00:00', period_hours: null },
      // body-temperature: [degF] converted; fractional seconds and a +01:00 offset.
      { loc: 'Observation.000.ndjson line 3', variable: 'temperature', value: 37.5, unit: 'Cel', value_raw: '99.5', unit_raw: '[degF]', t: '2024-03-25T13:30:00', period_hours: null },
      // A lab with no category, a local coding before LOINC, and only `issued` for its time.
      { loc: 'Observation.001.ndjson line 1', variable: 'creatinine', value: 1.2, unit: 'mg/dL', value_raw: '1.2', unit_raw: 'mg/dL', t: '2024-03-25T06:10:00', period_hours: null },
      // Two LOINC codings: the first is not in the map, the second is.
      { loc: 'Observation.001.ndjson line 2', variable: 'creatinine', value: 2.4, unit: 'mg/dL', value_raw: '2.4', unit_raw: 'mg/dL', t: '2024-03-26T10:00:00', period_hours: null },
      // effectivePeriod with start = end: a point measurement at that instant.
      { loc: 'Observation.001.ndjson line 4', variable: 'heart_rate', value: 101, unit: '/min', value_raw: '101', unit_raw: '/min', t: '2024-03-25T10:00:00', period_hours: null },
      // valueQuantity.comparator "<": kept as censoring, as "<0.2" in a CSV is (the bound stored, the text in value_raw).
      { loc: 'Observation.001.ndjson line 5', variable: 'creatinine', value: 0.2, unit: 'mg/dL', value_raw: '<0.2', unit_raw: 'mg/dL', t: '2024-03-26T12:00:00', period_hours: null },
    ]);
  });

  it('counts entered-in-error and cancelled resources as skipped with the reason, and quarantines a broken line once', async () => {
    const skipped = duck.sources.filter((s) => s.skipped > 0).map((s) => [s.source, s.skipped, s.skipReason]);
    expect(skipped).toEqual([
      ['medication', 1, 'FHIR status entered-in-error: no administration'],
      ['observation', 1, 'FHIR status entered-in-error or cancelled: not a result'],
      ['observation-2', 1, 'FHIR status entered-in-error or cancelled: not a result'],
    ]);
    const q = await query(`SELECT table_name, source_file, source_pointer, check_name, message FROM quarantine ORDER BY ALL`);
    expect(q).toEqual([
      {
        table_name: 'observation',
        source_file: 'Observation.001.ndjson',
        source_pointer: 'line 6',
        check_name: 'json',
        message: expect.stringMatching(/^line 6 is not valid JSON \(.+\); fix or remove that line$/),
      },
    ]);
  });

  it('takes aldesleukin by any ATC coding (RxNorm first), and not-done as a held dose with its reason', async () => {
    const slots = await query(`SELECT status, strftime(given_at, '%Y-%m-%dT%H:%M') AS given, hold_reason_text FROM dose_slot WHERE status <> 'not_recorded' ORDER BY source_pointer`);
    expect(slots).toEqual([
      { status: 'given', given: '2024-03-25T08:05', hold_reason_text: null },
      { status: 'held', given: null, hold_reason_text: 'SBP 78, held' },
      { status: 'given', given: '2024-03-26T00:04', hold_reason_text: null },
      { status: 'given', given: '2024-03-26T10:00', hold_reason_text: null },
    ]);
  });
});

describe('a source file given as a glob or a list', () => {
  const spec = (file: string) =>
    `id: g\nversion: '1'\ntitle: g\nsamples: true\ncentre: { centre_id: gg, name: G, country: US, time_zone: UTC, dose_iu_per_kg: 600000, max_doses_per_cycle: 14, local_ruleset_id: null }\n` +
    `sources:\n  - id: obs\n    file: ${file}\n    format: ndjson\n    patient_id: id\n    tables: [{ table: observation }]\n`;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'il2kit-glob-'));
    cpSync(FIXTURE, dir, { recursive: true });
    writeFileSync(join(dir, 'Observation.002.ndjson.bak'), '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives one source per file in name order, numbering the ids after the first', () => {
    const s = parseSpec(spec("'Observation.*.ndjson'"), join(dir, 'mapping.yaml'));
    expect(s.sources.map((x) => [x.id, x.file])).toEqual([
      ['obs', 'Observation.000.ndjson'],
      ['obs-2', 'Observation.001.ndjson'],
    ]);
    const l = parseSpec(spec('[Observation.001.ndjson, Patient.ndjson]'), join(dir, 'mapping.yaml'));
    expect(l.sources.map((x) => [x.id, x.file])).toEqual([
      ['obs', 'Observation.001.ndjson'],
      ['obs-2', 'Patient.ndjson'],
    ]);
  });

  it('refuses a glob that matches nothing, naming the spec line and what to do', () => {
    expect(() => parseSpec(spec("'Observations_*.ndjson'"), join(dir, 'mapping.yaml'))).toThrow(SpecError);
    expect(() => parseSpec(spec("'Observations_*.ndjson'"), join(dir, 'mapping.yaml'))).toThrow(/mapping\.yaml:8 sources\.0\.file — no file matches Observations_\*\.ndjson in .+; check the export and the pattern/);
  });
});
