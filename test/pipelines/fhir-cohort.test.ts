// A bulk FHIR export of a whole hospital with patients outside the IL-2 cohort (test/fixtures/ingest/fhir-bulk):
// the spec's cohort keeps pat-a and pat-b (aldesleukin); pat-x (metformin only) and pat-y (no medication) are
// counted as outside the cohort, per source, and nothing of theirs is stored — whichever reader read the files.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCentre, type IngestResult } from '../../pipelines/ingest.js';
import { parseSpec, SpecError } from '../../pipelines/map/spec-load.js';
import { patientKey, SAMPLE_KEY } from '../../pipelines/map/pseudonymise.js';
import { il2kit } from '../helpers/cli.js';
import { parquetHashes, queryStore } from '../helpers/store.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'fhir-bulk');
const SPEC = join(FIXTURE, 'mapping.yaml');
let root: string;
const runs: Record<string, IngestResult> = {};
const store = (which: string) => join(root, which);
const keyOf = (id: string) => patientKey(SAMPLE_KEY, 'fhirbulk', id);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'il2kit-fhircohort-'));
  runs.duck = await ingestCentre(SPEC, { storeDir: store('duck'), env: {}, duckdbJson: true, aheadBytes: 0 });
  runs.ours = await ingestCentre(SPEC, { storeDir: store('ours'), env: {}, duckdbJson: false });
  runs.rows = await ingestCentre(SPEC, { storeDir: store('rows'), env: {}, columnar: false });
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('only the IL-2 cohort of a bulk export', () => {
  it('counts the rows of patients outside the cohort per source, alike on every path, and rows balance', () => {
    for (const w of ['ours', 'rows']) {
      expect(parquetHashes(store(w)), w).toEqual(parquetHashes(store('duck')));
      expect(runs[w]!.counts, w).toEqual(runs.duck!.counts);
      expect(runs[w]!.sources, w).toEqual(runs.duck!.sources);
    }
    const r = runs.duck!;
    expect(r.sources.map((s) => [s.source, s.rows, s.outsideCohort, s.skipped])).toEqual([
      ['patient', 4, 2, 0],
      ['medication', 5, 2, 0],
      ['observation', 5, 3, 0],
      // pat-y's entered-in-error heart rate is outside the cohort (not skipped): its patient decides first.
      ['observation-2', 5, 2, 0],
    ]);
    expect(r.outsideCohort).toEqual({ medication: 2, observation: 5, patient: 2 });
    // pat-b's preliminary creatinine is stored and counted as flagged with the reason (on every path: sources are equal above).
    expect(r.sources.map((s) => [s.source, s.flagged, s.flagReason])).toEqual([
      ['patient', 0, null],
      ['medication', 0, null],
      ['observation', 0, 'FHIR status preliminary: the result may still change'],
      ['observation-2', 1, 'FHIR status preliminary: the result may still change'],
    ]);
    // Rows in = stored + quarantined + outside the cohort (no row here is skipped, routed away or unused).
    expect(r.counts.patient).toEqual({ read: 2, derived: 0, merged: 0, stored: 2, quarantined: 0 });
    expect(r.counts.observation).toEqual({ read: 5, derived: 0, merged: 0, stored: 4, quarantined: 1 });
    const obsRows = r.sources.filter((s) => s.source.startsWith('observation')).reduce((a, s) => a + s.rows, 0);
    expect(obsRows).toBe(r.counts.observation!.stored + r.counts.observation!.quarantined + r.outsideCohort.observation!);
    expect(r.sources.find((s) => s.source === 'medication')!.rows).toBe(r.counts.dose_slot!.read + r.outsideCohort.medication!);
  });

  it('stores nothing of a patient outside the cohort: no key in any table, nothing in the quarantine', async () => {
    const inside = [keyOf('pat-a'), keyOf('pat-b')].sort();
    const outside = [keyOf('pat-x'), keyOf('pat-y')];
    expect((await queryStore(store('duck'), 'SELECT patient_key FROM patient ORDER BY 1')).map((x) => x.patient_key)).toEqual(inside);
    for (const t of ['observation', 'dose_slot', 'cycle']) {
      const keys = (await queryStore(store('duck'), `SELECT DISTINCT patient_key FROM ${t} ORDER BY 1`)).map((x) => x.patient_key);
      expect(keys.every((k) => inside.includes(k as string)), t).toBe(true);
    }
    // pat-x's creatinine in furlongs is not quarantined (only pat-a's is); nothing of pat-x or pat-y anywhere in the store's files.
    const q = await queryStore(store('duck'), 'SELECT source_file, source_pointer, check_name FROM quarantine ORDER BY ALL');
    expect(q.map((x) => `${String(x.source_file)} ${String(x.source_pointer)}`)).toEqual(['Observation.001.ndjson line 4']);
    for (const f of readdirSync(store('duck'), { recursive: true }) as string[]) {
      if (!/\.(parquet|json|csv|duckdb)$/.test(f)) continue;
      const bytes = readFileSync(join(store('duck'), f)).toString('latin1');
      for (const k of [...outside, 'pat-x', 'pat-y', 'pat-a', 'MRN-']) expect(bytes.includes(k), `${f} holds ${k}`).toBe(false);
    }
  });

  it('refuses a cohort naming no source, with the spec line and what to do', () => {
    const text = readFileSync(SPEC, 'utf8').replace('- source: medication', '- source: medications');
    expect(() => parseSpec(text, SPEC)).toThrow(SpecError);
    expect(() => parseSpec(text, SPEC)).toThrow(/mapping\.yaml:\d+ cohort\.any_of\.0\.source — no source has the id medications .+; name the source/);
  });

  it('the CLI summary, the data-quality report and the manifest state the rows outside the cohort', () => {
    const reports = join(root, 'reports');
    const r = il2kit(['ingest', SPEC, '--store', store('cli'), '--reports', reports]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('outside the cohort (not stored): 9 rows — medication 2, observation 5, patient 2');
    const manifest = JSON.parse(readFileSync(join(store('cli'), 'manifests', 'fhirbulk.json'), 'utf8')) as { outside_cohort: Record<string, number> };
    expect(manifest.outside_cohort).toEqual({ medication: 2, observation: 5, patient: 2 });
    const reportFile = (readdirSync(reports, { recursive: true }) as string[]).find((f) => f.endsWith('.json') && f.includes('fhirbulk'));
    type Dq = { outside_cohort: Record<string, number>; sources: { id: string; outside_cohort: number }[] };
    const dq = JSON.parse(readFileSync(join(reports, reportFile!), 'utf8')) as Dq;
    expect(dq.outside_cohort).toEqual({ medication: 2, observation: 5, patient: 2 });
    expect(dq.sources.map((s) => [s.id, s.outside_cohort])).toEqual([['patient', 2], ['medication', 2], ['observation', 3], ['observation-2', 2]]);
  });
});
