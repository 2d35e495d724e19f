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
import { openStore } from '../../pipelines/store/commit.js';
import { computeSlotFeatures } from '../../rules/features.js';
import { valueAbsences } from '../../reports/value-absences.js';

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
    const sql = `SELECT source_pointer, value, strftime(observed_at, '%Y-%m-%dT%H:%M') AS t FROM observation WHERE variable = 'creatinine' ORDER BY 1`;
    expect(await queryStore(join(root, 'a'), sql)).toEqual([
      { source_pointer: 'line 1', value: 1.1, t: '2024-03-25T05:00' },
      { source_pointer: 'line 2', value: 1.3, t: '2024-03-25T06:00' },
      { source_pointer: 'line 3', value: 1.5, t: '2024-03-26T05:30' },
    ]);
    const q = await queryStore(join(root, 'a'), `SELECT source_pointer, field, check_name FROM quarantine WHERE table_name = 'observation' AND field = 'patient_id'`);
    expect(q).toEqual([{ source_pointer: 'line 4', field: 'patient_id', check_name: 'required' }]);
    // An Observation no report lists has no report: that is no broken reference.
    expect(cols.sources.find((s) => s.source === 'observation')!.unresolvedReferences).toEqual({});
  });

  it('maps a source with references column-wise (our reader follows them as it writes the cells)', () => {
    const { spec } = loadSpec(join(FIXTURE, 'mapping.yaml'));
    const src = spec.sources.find((s) => s.id === 'observation')!;
    const plan = planColumnar(spec, src, src.tables);
    expect(typeof plan === 'object' && plan.paths).toContain('@report.effectiveDateTime');
  });

  it('stops with a message naming the reference and the glob when its files are missing', async () => {
    const dir = mkdtempSync(join(root, 'missing-'));
    cpSync(FIXTURE, dir, { recursive: true });
    writeFileSync(join(dir, 'mapping.yaml'), readFileSync(join(FIXTURE, 'mapping.yaml'), 'utf8').replace("'Encounter*.ndjson'", "'Encounters_*.ndjson'"));
    await expect(ingestCentre(join(dir, 'mapping.yaml'), { storeDir: join(root, 'c'), env: {} })).rejects.toThrow(
      /Encounters_\*\.ndjson \(reference admission of source medication\): no file matches Encounters_\*\.ndjson in .+; check the export and the pattern/,
    );
  });

  it('takes the cycle’s admission from the Encounter its doses name (context.reference → Encounter.period)', async () => {
    const sql = `SELECT cycle_id, strftime(admitted_at, '%Y-%m-%dT%H:%M') AS a, strftime(discharged_at, '%Y-%m-%dT%H:%M') AS d FROM cycle`;
    const got = await queryStore(join(root, 'a'), sql);
    expect(got.map((r) => [r.a, r.d])).toEqual([['2024-03-25T07:00', '2024-03-30T12:00']]);
    expect(await queryStore(join(root, 'b'), sql)).toEqual(got);
  });
});

describe('dataAbsentReason: a recorded absence, not an error (R4 obs-6 shapes, observation lines 5–8)', () => {
  const all = `SELECT source_pointer, variable, value, value_absent_reason AS why, value_raw FROM observation_all WHERE value IS NULL ORDER BY 1, 2`;

  it('stores a result not performed and an absent component as rows with no value and their reason, by both readers', async () => {
    const want = [
      { source_pointer: 'line 5', variable: 'creatinine', value: null, why: 'not-performed', value_raw: null },
      { source_pointer: 'line 6', variable: 'dbp', value: null, why: 'error', value_raw: null },
    ];
    expect(await queryStore(join(root, 'a'), all)).toEqual(want);
    expect(await queryStore(join(root, 'b'), all)).toEqual(want);
    // The panel's measured component is stored as a value beside its absent one.
    const sbp = await queryStore(join(root, 'a'), `SELECT source_pointer, value FROM observation WHERE variable = 'sbp'`);
    expect(sbp).toEqual([{ source_pointer: 'line 6', value: 109 }]);
  });

  it('quarantines a value given with a reason (obs-6) and a reason outside the data-absent-reason value set, naming them', async () => {
    const sql = `SELECT source_pointer, field, message FROM quarantine WHERE table_name = 'observation' AND source_pointer IN ('line 7', 'line 8') ORDER BY 1`;
    const q = await queryStore(join(root, 'a'), sql);
    expect(q.map((r) => [r.source_pointer, r.field])).toEqual([
      ['line 7', 'value_absent_reason'],
      ['line 8', 'value_absent_reason'],
    ]);
    expect(String(q[0]!.message)).toMatch(/both a value and a reason for its absence/);
    expect(String(q[1]!.message)).toMatch(/forgot/);
  });

  it('keeps the row balance: read = stored (values and absences) + quarantined + routed', async () => {
    const obs = cols.sources.find((s) => s.source === 'observation')!;
    const stored = await queryStore(join(root, 'a'), `SELECT count(*)::INTEGER AS n FROM observation_all`);
    const quarantined = await queryStore(join(root, 'a'), `SELECT count(DISTINCT record_id)::INTEGER AS n FROM quarantine WHERE table_name = 'observation'`);
    expect(stored[0]!.n).toBe(6); // 3 creatinine values, 1 sbp, 2 absences
    expect(quarantined[0]!.n).toBe(3); // lines 4, 7, 8
    expect(JSON.stringify(obs)).not.toMatch(/cr-not-done|bp-dia-absent/);
  });

  it('is never a value to an analysis: the observation view, which every analysis reads, holds measured values only', async () => {
    const n = await queryStore(join(root, 'a'), `SELECT count(*)::INTEGER AS n FROM observation WHERE value IS NULL OR value_absent_reason IS NOT NULL`);
    expect(n[0]!.n).toBe(0);
    // The Parquet files hold every row, absences included (the table as the schema defines it).
    const pq = await queryStore(
      join(root, 'a'),
      `SELECT count(*)::INTEGER AS n FROM read_parquet('${join(root, 'a', 'parquet', 'observation', '*', '*.parquet')}') WHERE value_absent_reason IS NOT NULL`,
    );
    expect(pq[0]!.n).toBe(2);
  });

  it('is read as no value by the holds features: the latest creatinine before the first dose stays 1.3, not the later absence', async () => {
    // The not-performed creatinine (07:00) is later than 1.3 (06:00) and earlier than the first dose (08:05): read as a row,
    // the latest-value join would have taken it and left the slot without its creatinine.
    const { conn, close } = await openStore(join(root, 'a', 'il2kit.duckdb'));
    try {
      await computeSlotFeatures(conn, { table: 'absence_check', temp: true });
      const got = (await conn.runAndReadAll('SELECT slot_number, creatinine FROM absence_check ORDER BY slot_number LIMIT 1')).getRowObjectsJson();
      expect(got).toEqual([{ slot_number: 1, creatinine: 1.3 }]);
    } finally {
      close();
    }
  });

  it('is counted in the data-quality report by variable and reason', async () => {
    const { conn, close } = await openStore(join(root, 'a', 'il2kit.duckdb'));
    try {
      expect(await valueAbsences(conn, 'fhirrefs')).toEqual({ creatinine: { 'not-performed': 1 }, dbp: { error: 1 } });
    } finally {
      close();
    }
  });
});
