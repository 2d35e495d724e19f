// References followed inside a FHIR export (test/fixtures/ingest/fhir-refs), in the shapes of the HL7 R4 examples:
// a contained Medication named by "#id", an exported Medication by relative and absolute reference, an Encounter;
// references naming nothing counted per source and listed by line, never by their text.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCentre, type IngestResult } from '../../pipelines/ingest.js';
import { loadSpec } from '../../pipelines/map/spec-load.js';
import { planColumnar } from '../../pipelines/map/columnar-plan.js';
import { parquetHashes, queryStore } from '../helpers/store.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'fhir-refs');
let root: string;
let rows: IngestResult;
let cols: IngestResult;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'il2kit-fhirrefs-'));
  cols = await ingestCentre(join(FIXTURE, 'mapping.yaml'), { storeDir: join(root, 'a'), env: {} });
  rows = await ingestCentre(join(FIXTURE, 'mapping.yaml'), { storeDir: join(root, 'b'), env: {}, columnar: false });
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('references followed inside a FHIR export', () => {
  it('knows aldesleukin through a contained, an exported and an absolutely referenced Medication', async () => {
    expect(parquetHashes(join(root, 'a'))).toEqual(parquetHashes(join(root, 'b')));
    expect(cols.sources).toEqual(rows.sources);
    const sql = `SELECT source_pointer, strftime(given_at, '%Y-%m-%dT%H:%M') AS t FROM dose_slot WHERE status = 'given' ORDER BY 1`;
    const given = await queryStore(join(root, 'a'), sql);
    expect(given).toEqual([
      { source_pointer: 'line 1', t: '2024-03-25T08:05' },
      { source_pointer: 'line 2', t: '2024-03-25T16:02' },
      { source_pointer: 'line 3', t: '2024-03-26T00:04' },
    ]);
    // The patient is in the cohort through the followed reference (the cohort criterion reads @drug.code).
    expect(cols.outsideCohort).toEqual({ medication: 0, observation: 0, patient: 0 });
    // The referenced files are read: not listed as unread.
    expect(cols.unreadFiles).toEqual([]);
  });

  it('counts references naming nothing per reference and lists them by line, without their text', () => {
    const med = cols.sources.find((s) => s.source === 'medication')!;
    // Metformin (resolved, not aldesleukin) and the two unresolved drugs are routed away from dose_slot.
    expect(med.routed).toEqual({ dose_slot: 3 });
    expect(med.unresolvedReferences).toEqual({ 'medication.admission': 1, 'medication.drug': 2 });
    expect(med.unresolvedExamples).toEqual(['drug line 5', 'drug line 6', 'admission line 6']);
    expect(JSON.stringify(cols.sources)).not.toMatch(/med-gone|nothere|enc-gone/);
  });

  it("takes an Observation's subject and time from the DiagnosticReport listing it when it has none", async () => {
    const sql = `SELECT source_pointer, value, strftime(observed_at, '%Y-%m-%dT%H:%M') AS t FROM observation ORDER BY 1`;
    expect(await queryStore(join(root, 'a'), sql)).toEqual([
      { source_pointer: 'line 1', value: 1.1, t: '2024-03-25T05:00' },
      { source_pointer: 'line 2', value: 1.3, t: '2024-03-25T06:00' },
      { source_pointer: 'line 3', value: 1.5, t: '2024-03-26T05:30' },
    ]);
    const q = await queryStore(join(root, 'a'), `SELECT source_pointer, field, check_name FROM quarantine WHERE table_name = 'observation'`);
    expect(q).toEqual([{ source_pointer: 'line 4', field: 'patient_id', check_name: 'required' }]);
    // An Observation no report lists has no report: that is no broken reference.
    expect(cols.sources.find((s) => s.source === 'observation')!.unresolvedReferences).toEqual({});
  });

  it('maps a source with references row by row (the columnar plan declines it)', () => {
    const { spec } = loadSpec(join(FIXTURE, 'mapping.yaml'));
    const src = { ...spec.sources[1]!, tables: [{ ...spec.sources[1]!.tables[0]!, table: 'observation' }] } as typeof spec.sources[number];
    expect(planColumnar(spec, src, src.tables)).toBe('references');
  });

  it('stops with a message naming the reference and the glob when its files are missing', async () => {
    const dir = mkdtempSync(join(root, 'missing-'));
    cpSync(FIXTURE, dir, { recursive: true });
    writeFileSync(join(dir, 'mapping.yaml'), readFileSync(join(FIXTURE, 'mapping.yaml'), 'utf8').replace("'Encounter*.ndjson'", "'Encounters_*.ndjson'"));
    await expect(ingestCentre(join(dir, 'mapping.yaml'), { storeDir: join(root, 'c'), env: {} })).rejects.toThrow(
      /Encounters_\*\.ndjson \(reference admission of source medication\): no file matches Encounters_\*\.ndjson in .+; check the export and the pattern/,
    );
  });
});
