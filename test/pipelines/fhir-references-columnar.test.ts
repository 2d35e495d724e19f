// References of an observation source followed on the columnar path (#27 item 3): our reader follows each row's references
// as it writes the raw cells, or DuckDB's JSON reader resolves them by joins (map/json-refs.ts), so the `@name…` paths are cells
// the columnar mapping reads like any other, and references naming nothing are counted (before the cohort test) and listed by
// line exactly as the row path does. DuckDB's reading, ours on the main thread (IL2KIT_DUCKDB_JSON=0), without reader threads,
// and the row path store the same, count the same and say the same; a file DuckDB would read otherwise goes to our reader.
// The export is test/fixtures/ingest/fhir-refs plus observations naming their Encounter: exported (in either of two files, a
// duplicated id, a URL with a version), contained (#id), missing, of the wrong type, not a string, and one of a patient
// outside the cohort whose reference names nothing.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCentre, type IngestResult } from '../../pipelines/ingest.js';
import { columnarStats } from '../../pipelines/map/columnar.js';
import { loadSpec } from '../../pipelines/map/spec-load.js';
import { planColumnar } from '../../pipelines/map/columnar-plan.js';
import { parquetHashes, queryStore } from '../helpers/store.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'fhir-refs');
const cr = (id: string, patient: string, more: object) =>
  JSON.stringify({
    resourceType: 'Observation', id, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '2160-0' }] },
    subject: { reference: `Patient/${patient}` }, valueQuantity: { value: 1.2, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
    ...more,
  });
// Lines 9–13 of Observation.ndjson.
const MORE = [
  // 9: no time of its own; the contained Encounter's start.
  cr('cr-contained', 'pat-a', {
    contained: [{ resourceType: 'Encounter', id: 'enc0', status: 'finished', period: { start: '2024-03-27T04:00:00Z' } }],
    encounter: { reference: '#enc0' },
  }),
  // 10: the exported Encounter's start.
  cr('cr-exported', 'pat-a', { encounter: { reference: 'Encounter/enc-1' } }),
  // 11: its own time; the Encounter is not in the export (counted, listed by line).
  cr('cr-enc-missing', 'pat-a', { encounter: { reference: 'Encounter/enc-gone' }, effectiveDateTime: '2024-03-27T06:00:00Z' }),
  // 12: a patient outside the cohort whose Encounter is not in the export: counted as unresolved and as outside.
  cr('cr-outside', 'pat-z', { encounter: { reference: 'Encounter/enc-nothere' }, effectiveDateTime: '2024-03-27T07:00:00Z' }),
  // 13: a contained id that the row does not contain.
  cr('cr-contained-missing', 'pat-a', { encounter: { reference: '#nope' }, effectiveDateTime: '2024-03-27T08:00:00Z' }),
  // 14: a reference to a resource of another type (a Patient, where the Encounters are): counted.
  cr('cr-wrong-type', 'pat-a', { encounter: { reference: 'Patient/pat-a' }, effectiveDateTime: '2024-03-27T09:00:00Z' }),
  // 15: an absolute URL with a version: the first enc-3 of the files (Encounter.z.ndjson holds another).
  cr('cr-url', 'pat-a', { encounter: { reference: 'https://ehr.example.org/fhir/Encounter/enc-3/_history/2' } }),
  // 16: an Encounter of the second file.
  cr('cr-second-file', 'pat-a', { encounter: { reference: 'Encounter/enc-2' } }),
  // 17: a reference that is a number: counted.
  cr('cr-number', 'pat-a', { encounter: { reference: 5 }, effectiveDateTime: '2024-03-27T10:00:00Z' }),
  // 18: an empty reference and 21 a null one: no reference, not counted.
  cr('cr-empty', 'pat-a', { encounter: { reference: '' }, effectiveDateTime: '2024-03-27T11:00:00Z' }),
  // 19: a contained Encounter read at a list index (its location's period).
  cr('cr-contained-location', 'pat-a', {
    contained: [{ resourceType: 'Encounter', id: 'enc9', location: [{ period: { start: '2024-03-27T12:00:00Z' } }] }],
    encounter: { reference: '#enc9' },
  }),
  // 20: a contained resource whose id is a number, not the string the reference names: counted.
  cr('cr-contained-number', 'pat-a', {
    contained: [{ resourceType: 'Encounter', id: 7 }],
    encounter: { reference: '#7' },
    effectiveDateTime: '2024-03-27T13:00:00Z',
  }),
  cr('cr-null', 'pat-a', { encounter: { reference: null }, effectiveDateTime: '2024-03-27T14:00:00Z' }),
];
const ENC = (id: string, start: string) =>
  JSON.stringify({
    resourceType: 'Encounter', id, status: 'finished', subject: { reference: 'Patient/pat-a' }, period: { start, end: '2024-03-30T12:00:00Z' },
  });
// enc-3 added to the Encounter file; a second one holds enc-2, and enc-3 again (the first file's wins, as everywhere).
const ENC3 = ENC('enc-3', '2024-03-26T20:00:00Z');
const ENC2 = [ENC('enc-2', '2024-03-26T09:00:00Z'), ENC('enc-3', '2024-03-20T00:00:00Z')];
// Lines only DuckDB would read (its JSON is laxer), or that it would read otherwise (a reference that is an object): our reader reads the file.
const LAX = {
  nan: '{"resourceType":"Observation","id":"x-nan","subject":{"reference":"Patient/pat-a"},"valueQuantity":{"value":NaN}}',
  infinity: '{"resourceType":"Observation","id":"x-inf","subject":{"reference":"Patient/pat-a"},"valueQuantity":{"value":-Infinity}}',
  comma: '{"resourceType":"Observation","id":"x-comma","subject":{"reference":"Patient/pat-a"},}',
  object: cr('x-object', 'pat-a', { encounter: { reference: { id: 'enc-1' } }, effectiveDateTime: '2024-03-27T15:00:00Z' }),
} as const;

let root: string;
let dir: string;
const runs: Record<string, IngestResult> = {};
const PATHS = { duckdb: { env: {} }, ours: { env: {}, duckdbJson: false }, threads0: { env: {}, readWorkers: 0 }, rows: { env: {}, columnar: false } } as const;
let duckStats = { rawFile: 0, jsonCells: 0 };

/** The export (with `more` lines appended to the observations) ingested on the four paths into `<root>/<name>-<path>`. */
async function fourPaths(name: string, more: string[]): Promise<{ runs: Record<string, IngestResult>; stats: typeof duckStats; dir: string }> {
  const d = join(root, name);
  cpSync(FIXTURE, d, { recursive: true });
  appendFileSync(join(d, 'Observation.ndjson'), [...MORE, ...more].join('\n') + '\n');
  appendFileSync(join(d, 'Encounter.ndjson'), ENC3 + '\n');
  writeFileSync(join(d, 'Encounter.z.ndjson'), ENC2.join('\n') + '\n');
  const spec = readFileSync(join(FIXTURE, 'mapping.yaml'), 'utf8')
    .replace(
      "      - { name: report, listed_in: result, file: DiagnosticReport.ndjson }",
      "      - { name: report, listed_in: result, file: DiagnosticReport.ndjson }\n" +
        "      - { name: visit, from: encounter.reference, file: 'Encounter*.ndjson' }",
    )
    .replace(
      "observed_at: { first_of: [effectiveDateTime, '@report.effectiveDateTime'] }",
      "observed_at: { first_of: [effectiveDateTime, '@report.effectiveDateTime', '@visit.period.start', '@visit.location[0].period.start'] }",
    );
  expect(spec).toContain('@visit.period.start');
  writeFileSync(join(d, 'mapping.yaml'), spec);
  const out: Record<string, IngestResult> = {};
  const before = { ...columnarStats };
  out.duckdb = await ingestCentre(join(d, 'mapping.yaml'), { storeDir: join(root, `${name}-duckdb`), ...PATHS.duckdb });
  const stats = { rawFile: columnarStats.rawFile - before.rawFile, jsonCells: columnarStats.jsonCells - before.jsonCells };
  for (const k of ['ours', 'threads0', 'rows'] as const)
    out[k] = await ingestCentre(join(d, 'mapping.yaml'), { storeDir: join(root, `${name}-${k}`), ...PATHS[k] });
  return { runs: out, stats, dir: d };
}

/** The four paths stored, counted and said the same. */
async function expectSame(name: string, got: Record<string, IngestResult>): Promise<void> {
  const q = `SELECT table_name, source_pointer, field, check_name, message FROM quarantine ORDER BY ALL`;
  const want = await queryStore(join(root, `${name}-duckdb`), q);
  for (const k of ['ours', 'threads0', 'rows'] as const) {
    expect(parquetHashes(join(root, `${name}-${k}`))).toEqual(parquetHashes(join(root, `${name}-duckdb`)));
    expect(JSON.stringify(got[k]!.sources)).toEqual(JSON.stringify(got.duckdb!.sources));
    expect(got[k]!.outsideCohort).toEqual(got.duckdb!.outsideCohort);
    expect(await queryStore(join(root, `${name}-${k}`), q)).toEqual(want);
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'il2kit-fhirrefcol-'));
  const got = await fourPaths('base', []);
  dir = got.dir;
  Object.assign(runs, got.runs);
  duckStats = got.stats;
}, 300_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('references of an observation source, on the columnar path', () => {
  it('plans the source column-wise, and DuckDB reads it and resolves its references by joins', () => {
    const { spec } = loadSpec(join(dir, 'mapping.yaml'));
    const obs = spec.sources.find((s) => s.id === 'observation')!;
    const plan = planColumnar(spec, obs, obs.tables);
    expect(typeof plan).toBe('object');
    expect(typeof plan === 'object' && plan.paths).toContain('@visit.period.start');
    // DuckDB's JSON reader read the observation file, and no raw-cell file was written for it.
    expect(duckStats.jsonCells).toBe(1);
    expect(duckStats.rawFile).toBe(0);
  });

  it('reads a contained and an exported Encounter, and the report, and counts those naming nothing, before the cohort test', async () => {
    const sql = `SELECT source_pointer AS p, strftime(observed_at, '%Y-%m-%dT%H:%M') AS t FROM observation WHERE variable = 'creatinine' ORDER BY 1`;
    expect(await queryStore(join(root, 'base-duckdb'), sql)).toEqual([
      { p: 'line 1', t: '2024-03-25T05:00' },
      { p: 'line 10', t: '2024-03-25T07:00' },
      { p: 'line 11', t: '2024-03-27T06:00' },
      { p: 'line 13', t: '2024-03-27T08:00' },
      { p: 'line 14', t: '2024-03-27T09:00' },
      // The first enc-3 of the two files, through a URL with a version.
      { p: 'line 15', t: '2024-03-26T20:00' },
      { p: 'line 16', t: '2024-03-26T09:00' },
      { p: 'line 17', t: '2024-03-27T10:00' },
      { p: 'line 18', t: '2024-03-27T11:00' },
      { p: 'line 19', t: '2024-03-27T12:00' },
      { p: 'line 2', t: '2024-03-25T06:00' },
      { p: 'line 20', t: '2024-03-27T13:00' },
      { p: 'line 21', t: '2024-03-27T14:00' },
      { p: 'line 3', t: '2024-03-26T05:30' },
      { p: 'line 9', t: '2024-03-27T04:00' },
    ]);
    const obs = runs.duckdb!.sources.find((s) => s.source === 'observation')!;
    // Missing (11), outside the cohort (12), contained missing (13), wrong type (14), a number (17), a contained number id (20).
    expect(obs.unresolvedReferences).toEqual({ 'observation.visit': 6 });
    expect(obs.unresolvedExamples).toEqual(['visit line 11', 'visit line 12', 'visit line 13', 'visit line 14', 'visit line 17']);
    expect(obs.outsideCohort).toBe(1);
    expect(JSON.stringify(runs.duckdb!.sources)).not.toMatch(/enc-gone|enc-nothere|nope|pat-z/);
  });

  it('stores the same rows, counts, unresolved references and messages on every path', async () => {
    await expectSame('base', runs);
  });

  for (const [name, line] of Object.entries(LAX))
    it(`sends the file to our reader, which follows the references, when a line holds ${name === 'object' ? 'an object reference' : name}`, async () => {
      const got = await fourPaths(name, [line]);
      expect(got.stats.jsonCells).toBe(0);
      expect(got.stats.rawFile).toBeGreaterThanOrEqual(1);
      await expectSame(name, got.runs);
      const obs = got.runs.duckdb!.sources.find((s) => s.source === 'observation')!;
      expect(obs.unresolvedReferences).toEqual({ 'observation.visit': name === 'object' ? 7 : 6 });
    }, 120_000);
});
