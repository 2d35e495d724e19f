// References of an observation source followed on the columnar path (#27 item 3): our reader follows each row's references
// as it writes the raw cells, so the `@name…` paths are cells the columnar mapping reads like any other, and references naming
// nothing are counted (before the cohort test) and listed by line exactly as the row path does. A source with references is
// never read by DuckDB's JSON reader (it cannot follow them), so both NDJSON settings, and the row path, store the same.
// The export is test/fixtures/ingest/fhir-refs plus observations naming their Encounter: exported, contained (#id), missing,
// and one of a patient outside the cohort whose reference names nothing.
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
];

let root: string;
let dir: string;
const runs: Record<string, IngestResult> = {};
const PATHS = { duckdb: { env: {} }, ours: { env: {}, duckdbJson: false }, threads0: { env: {}, readWorkers: 0 }, rows: { env: {}, columnar: false } } as const;
let rawFilesRead = 0;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'il2kit-fhirrefcol-'));
  dir = join(root, 'export');
  cpSync(FIXTURE, dir, { recursive: true });
  appendFileSync(join(dir, 'Observation.ndjson'), MORE.join('\n') + '\n');
  const spec = readFileSync(join(FIXTURE, 'mapping.yaml'), 'utf8')
    .replace(
      "      - { name: report, listed_in: result, file: DiagnosticReport.ndjson }",
      "      - { name: report, listed_in: result, file: DiagnosticReport.ndjson }\n      - { name: visit, from: encounter.reference, file: 'Encounter*.ndjson' }",
    )
    .replace("observed_at: { first_of: [effectiveDateTime, '@report.effectiveDateTime'] }", "observed_at: { first_of: [effectiveDateTime, '@report.effectiveDateTime', '@visit.period.start'] }");
  expect(spec).toContain('@visit.period.start');
  writeFileSync(join(dir, 'mapping.yaml'), spec);
  const before = columnarStats.rawFile;
  runs.duckdb = await ingestCentre(join(dir, 'mapping.yaml'), { storeDir: join(root, 'duckdb'), ...PATHS.duckdb });
  rawFilesRead = columnarStats.rawFile - before;
  for (const k of ['ours', 'threads0', 'rows'] as const) runs[k] = await ingestCentre(join(dir, 'mapping.yaml'), { storeDir: join(root, k), ...PATHS[k] });
}, 300_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('references of an observation source, on the columnar path', () => {
  it('plans the source column-wise and reads it through our reader, which follows the references', () => {
    const { spec } = loadSpec(join(dir, 'mapping.yaml'));
    const obs = spec.sources.find((s) => s.id === 'observation')!;
    const plan = planColumnar(spec, obs, obs.tables);
    expect(typeof plan).toBe('object');
    expect(typeof plan === 'object' && plan.paths).toContain('@visit.period.start');
    // The observation source's raw file (DuckDB's JSON reader is not used for it).
    expect(rawFilesRead).toBeGreaterThanOrEqual(1);
  });

  it('reads a contained and an exported Encounter, and the report, and counts those naming nothing, before the cohort test', async () => {
    const sql = `SELECT source_pointer AS p, strftime(observed_at, '%Y-%m-%dT%H:%M') AS t FROM observation WHERE variable = 'creatinine' ORDER BY 1`;
    expect(await queryStore(join(root, 'duckdb'), sql)).toEqual([
      { p: 'line 1', t: '2024-03-25T05:00' },
      { p: 'line 10', t: '2024-03-25T07:00' },
      { p: 'line 11', t: '2024-03-27T06:00' },
      { p: 'line 13', t: '2024-03-27T08:00' },
      { p: 'line 2', t: '2024-03-25T06:00' },
      { p: 'line 3', t: '2024-03-26T05:30' },
      { p: 'line 9', t: '2024-03-27T04:00' },
    ]);
    const obs = runs.duckdb!.sources.find((s) => s.source === 'observation')!;
    expect(obs.unresolvedReferences).toEqual({ 'observation.visit': 3 });
    expect(obs.unresolvedExamples).toEqual(['visit line 11', 'visit line 12', 'visit line 13']);
    expect(obs.outsideCohort).toBe(1);
    expect(JSON.stringify(runs.duckdb!.sources)).not.toMatch(/enc-gone|enc-nothere|nope|pat-z/);
  });

  it('stores the same rows, counts, unresolved references and messages on every path', async () => {
    const q = `SELECT table_name, source_pointer, field, check_name, message FROM quarantine ORDER BY ALL`;
    const want = await queryStore(join(root, 'duckdb'), q);
    for (const k of ['ours', 'threads0', 'rows'] as const) {
      expect(parquetHashes(join(root, k))).toEqual(parquetHashes(join(root, 'duckdb')));
      expect(runs[k]!.sources).toEqual(runs.duckdb!.sources);
      expect(runs[k]!.outsideCohort).toEqual(runs.duckdb!.outsideCohort);
      expect(await queryStore(join(root, k), q)).toEqual(want);
    }
  });
});
