// A centre's data are replaced only by a run that can be trusted (issue 24 items 1, 2, 4): the error-severity
// checks run before the swap; a failing run leaves the previous version published, is kept under
// <store>/rejected/<centre>/<run>/ with its report, and exits 1; --accept-failed-checks publishes it.
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { il2kit } from '../helpers/cli.js';
import { parquetHashes } from '../helpers/store.js';

const MINI = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'mini');
const TRUST = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'trust');
let root: string;
let dir: string;
let store: string;
let reports: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'il2kit-trust-'));
  dir = join(root, 'mini');
  store = join(root, 'store');
  reports = join(root, 'reports');
  cpSync(MINI, dir, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const ingest = (...flags: string[]) => il2kit(['ingest', join(dir, 'spec.yaml'), '--store', store, '--reports', reports, ...flags]);
const useDoses = (name: string) => copyFileSync(join(TRUST, name), join(dir, 'doses.csv'));
const rejectedRuns = () => (existsSync(join(store, 'rejected', 'mini')) ? readdirSync(join(store, 'rejected', 'mini')) : []);

/** Ingests the good export, then the bad one: the bad run must not replace the good version. */
function expectRejected(bad: string, message: RegExp) {
  expect(ingest().code).toBe(0);
  const good = parquetHashes(store);
  const goodDb = readFileSync(join(store, 'il2kit.duckdb'));
  useDoses(bad);
  const r = ingest();
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(message);
  expect(r.stdout).toMatch(/NOT PUBLISHED: \d+ error-severity check\(s\) failed; the centre's previous version stays in the store/);
  expect(r.stderr).toMatch(/those centres were not published/);
  expect(r.stderr).not.toContain('    at ');
  expect(parquetHashes(store)).toEqual(good);
  expect(readFileSync(join(store, 'il2kit.duckdb')).equals(goodDb)).toBe(true);
  const runs = rejectedRuns();
  expect(runs).toHaveLength(1);
  const kept = join(store, 'rejected', 'mini', runs[0]!);
  for (const f of ['data-quality.html', 'data-quality.json', 'manifest.json', 'dose_slot.parquet', 'quarantine.parquet']) expect(existsSync(join(kept, f)), f).toBe(true);
  return r;
}

describe('a run that fails an error-severity check is not published', () => {
  it('a renamed patient-id column stops the run (exit 2), naming the column, even when it is listed under identifiers', () => {
    expect(ingest().code).toBe(0);
    const good = parquetHashes(store);
    useDoses('doses-renamed-mrn.csv');
    const r = ingest();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/doses\.csv.*column\(s\) "MRN" named in the mapping spec \(source doses\) are not in the file/);
    expect(parquetHashes(store)).toEqual(good);
  }, 120_000);

  it('an empty patient-id column: every row quarantined for one reason is an error, the previous version stays', () => {
    expectRejected('doses-empty-mrn.csv', /check source_not_all_quarantined_doses failed: .*every row of doses\.csv was quarantined/);
  }, 120_000);

  it('a cut export: dose slots falling by more than 10% against the previous version name the table and both counts', () => {
    expectRejected('doses-cut.csv', /check no_sharp_drop_dose_slot failed: .*dose_slot: \d+ rows stored against 30 in the previous version/);
  }, 120_000);

  it('--accept-failed-checks publishes the run after all, and --max-drop sets the allowed drop', () => {
    expect(ingest().code).toBe(0);
    const good = parquetHashes(store);
    useDoses('doses-cut.csv');
    const r = ingest('--accept-failed-checks');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/published with \d+ failed error-severity check\(s\), as --accept-failed-checks asked/);
    expect(parquetHashes(store)).not.toEqual(good);
    expect(rejectedRuns()).toEqual([]);
    expect(ingest('--max-drop', 'lots').code).toBe(2);
  }, 120_000);
});
