// A dose-log source whose patient id itself reads a reference (#27: MedicationAdministration → its Encounter → the Patient),
// feeding an observation map too, so that the dose-log phase writes its raw cells for the observation phase: the cohort
// applies before any line is written, as for observations. The export is test/fixtures/ingest/fhir-bulk with each
// administration naming its Encounter (context) instead of its patient, and the Encounters in a file of their own. The
// store folder is polled through the run (as fhir-cohort-work.test.ts does) on the four paths.
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingestCentre, type IngestResult } from '../../pipelines/ingest.js';
import { commitHooks } from '../../pipelines/store/commit.js';
import { parquetHashes } from '../helpers/store.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'fhir-bulk');
const OUTSIDE = ['pat-x', 'pat-y', 'MRN-pat-x', 'Doex', 'Doey'];
let root: string;
let spec: string;

/** Every file under a folder, recursively, whose text holds an outside patient's id, MRN or name (as "<text> in <file>"). */
function outsideTexts(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    let names: string[] = [];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      try {
        if (statSync(p).isDirectory()) walk(p);
        else {
          const text = readFileSync(p).toString('latin1');
          for (const id of OUTSIDE) if (text.includes(id)) found.push(`${id} in ${p}`);
        }
      } catch {
        // gone while listed
      }
    }
  };
  walk(dir);
  return found;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'il2kit-fhirref-cohort-'));
  const dir = join(root, 'export');
  cpSync(FIXTURE, dir, { recursive: true });
  const ma = join(dir, 'MedicationAdministration.ndjson');
  const patients = new Set<string>();
  writeFileSync(
    ma,
    readFileSync(ma, 'utf8').replace(/"subject":\{"reference":"Patient\/([^"]+)"\}/g, (_, p: string) => {
      patients.add(p);
      return `"context":{"reference":"Encounter/enc-${p}"}`;
    }),
  );
  expect(patients.size).toBeGreaterThanOrEqual(2);
  const enc = [...patients].map((p) =>
    JSON.stringify({ resourceType: 'Encounter', id: `enc-${p}`, status: 'finished', subject: { reference: `Patient/${p}` } }),
  );
  writeFileSync(join(dir, 'Encounter.ndjson'), enc.join('\n') + '\n');
  const text = readFileSync(join(FIXTURE, 'mapping.yaml'), 'utf8');
  const med = text.indexOf('  - id: medication');
  const medSpec = `  - id: medication
    file: MedicationAdministration.ndjson
    format: ndjson
    patient_id: { from: '@visit.subject.reference', regex: '^Patient/(.+)$' }
    references:
      - { name: visit, from: context.reference, file: Encounter.ndjson }
    skip: { field: status, in: [entered-in-error], reason: 'FHIR status entered-in-error: no administration' }
    tables:
      - table: dose_slot
        fields:
          given_at: { first_of: [effectiveDateTime, effectivePeriod.start] }
          dose_iu: dosage.dose.value
          status: { from: status, codes: { exact: { completed: given, not-done: held } } }
      - table: observation
        when: { field: status, in: [completed] }
        fields:
          observed_at: { first_of: [effectiveDateTime, effectivePeriod.start] }
          variable: { value: heart_rate }
          value: { value: 80, unit: /min }
`;
  expect(med).toBeGreaterThan(0);
  spec = join(dir, 'mapping.yaml');
  writeFileSync(spec, text.slice(0, med) + medSpec);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => delete commitHooks.beforeCommit);

const PATHS = [
  ['DuckDB reader', { duckdbJson: true }],
  ['our reader on reader threads', { duckdbJson: false, readWorkers: 2 }],
  ['our reader on the main thread', { duckdbJson: false, readWorkers: 0 }],
  ['row path', { columnar: false }],
] as const;

describe('a dose-log source whose patient id reads a reference', () => {
  const results: Record<string, IngestResult> = {};
  for (const [name, opts] of PATHS) {
    it(`${name}: no line of a patient outside the cohort is written, and they are counted`, async () => {
      const storeDir = join(root, name.replace(/\W/g, '_'));
      const seen = new Set<string>();
      const poll = () => outsideTexts(storeDir).forEach((s) => seen.add(s));
      const timer = setInterval(poll, 2);
      commitHooks.beforeCommit = poll;
      try {
        results[name] = await ingestCentre(spec, { storeDir, env: {}, ...opts });
      } finally {
        clearInterval(timer);
      }
      poll();
      expect([...seen]).toEqual([]);
      expect(results[name]!.rejected).toBeNull();
      expect(results[name]!.outsideCohort.medication).toBe(2);
      expect(results[name]!.counts.dose_slot!.stored).toBeGreaterThan(0);
    }, 240_000);
  }

  it('stores the same on every path', () => {
    const want = parquetHashes(join(root, 'DuckDB_reader'));
    for (const [name] of PATHS.slice(1)) {
      expect(parquetHashes(join(root, name.replace(/\W/g, '_')))).toEqual(want);
      expect(JSON.stringify(results[name]!.sources)).toEqual(JSON.stringify(results['DuckDB reader']!.sources));
    }
  });
});
