// The store folder while a bulk FHIR export with patients outside the IL-2 cohort is ingested (#27 items 5 and 6): the
// cohort is decided first, from the cohort's own sources, and then only cohort patients' lines are read on, so no file
// under the store (its owner-only .work folder included) ever holds a line of an outside patient, whichever reader reads
// the files, on reader threads or not. The folder is watched the whole run (polled, and once more just before COMMIT),
// and the work folder is removed when the run fails part-way.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingestCentre, type IngestResult } from '../../pipelines/ingest.js';
import { commitHooks } from '../../pipelines/store/commit.js';

const SPEC = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'fhir-bulk', 'mapping.yaml');
// pat-x (metformin only) and pat-y (no medication) are outside the cohort; their FHIR ids, MRNs and names.
const OUTSIDE = ['pat-x', 'pat-y', 'MRN-pat-x', 'Doex', 'Doey'];
let root: string;
beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'il2kit-fhirwork-'))));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => delete commitHooks.beforeCommit);

/** Every file under a folder, recursively (files that vanish while listed are left out). */
function files(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = join(dir, n);
    try {
      return statSync(p).isDirectory() ? files(p) : [p];
    } catch {
      return [];
    }
  });
}

/** Files under the folder holding an outside patient's text now, as "<text> in <file>". */
function outsideTexts(dir: string): string[] {
  const found: string[] = [];
  for (const f of files(dir)) {
    let text: string;
    try {
      text = readFileSync(f).toString('latin1');
    } catch {
      continue;
    }
    for (const id of OUTSIDE) if (text.includes(id)) found.push(`${id} in ${f}`);
  }
  return found;
}

/** Runs the ingest while polling the store folder every few milliseconds; returns what was seen and the result. */
async function watched(storeDir: string, opts: object): Promise<{ seen: string[]; polls: number; result: IngestResult | Error }> {
  const seen = new Set<string>();
  let polls = 0;
  const timer = setInterval(() => {
    polls++;
    for (const s of outsideTexts(storeDir)) seen.add(s);
  }, 2);
  commitHooks.beforeCommit = () => {
    polls++;
    for (const s of outsideTexts(storeDir)) seen.add(s);
  };
  try {
    const result = await ingestCentre(SPEC, { storeDir, env: {}, ...opts }).catch((e: Error) => e);
    for (const s of outsideTexts(storeDir)) seen.add(s);
    return { seen: [...seen], polls, result };
  } finally {
    clearInterval(timer);
  }
}

const PATHS = [
  ['DuckDB reader', { duckdbJson: true, aheadBytes: 0 }],
  ['our reader on reader threads', { duckdbJson: false, readWorkers: 2 }],
  ['our reader on the main thread', { duckdbJson: false, readWorkers: 0 }],
  ['row path', { columnar: false }],
] as const;

describe('no line of a patient outside the cohort is ever written under the store', () => {
  for (const [name, opts] of PATHS) {
    it(`${name}: nothing of theirs at any point of the run, the same counts, and rows balance`, async () => {
      const storeDir = join(root, name.replace(/\W/g, '_'));
      const { seen, polls, result } = await watched(storeDir, opts);
      if (result instanceof Error) throw result;
      expect(polls).toBeGreaterThan(0);
      expect(seen).toEqual([]);
      expect(result.outsideCohort).toEqual({ medication: 2, observation: 5, patient: 2 });
      const obs = result.sources.filter((s) => s.source.startsWith('observation'));
      const obsRows = obs.reduce((n, s) => n + s.rows, 0);
      const skipped = obs.reduce((n, s) => n + s.skipped + s.unusedRows + Object.values(s.routed).reduce((a, b) => a + b, 0), 0);
      const c = result.counts.observation!;
      expect(obsRows).toBe(c.stored + c.quarantined + skipped + result.outsideCohort.observation!);
    });
  }

  it('removes the work folder when the run fails before its commit, with nothing of theirs in it before', async () => {
    const storeDir = join(root, 'failed');
    const seen: string[] = [];
    commitHooks.beforeCommit = () => {
      seen.push(...outsideTexts(storeDir));
      throw new Error('interrupted before the commit (test)');
    };
    await expect(ingestCentre(SPEC, { storeDir, env: {}, duckdbJson: false })).rejects.toThrow(/interrupted before the commit/);
    expect(seen).toEqual([]);
    expect(existsSync(join(storeDir, '.work'))).toBe(false);
    expect(files(join(storeDir, 'parquet'))).toEqual([]);
  });
});
