// Crash safety of `il2kit ingest` (issue 24): a run interrupted by SIGKILL, SIGINT or SIGTERM at several moments
// leaves a store that opens, with the previous version intact or the new one complete, and a re-run succeeds.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, il2kit } from '../helpers/cli.js';
import { parquetHashes, queryStore } from '../helpers/store.js';

const MINI = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'mini');
let root: string;
let oldHashes: Record<string, string>;
let newHashes: Record<string, string>;
let fullMs = 0;
const counts: number[] = [];
const observations = async (store: string) => (await queryStore(store, "SELECT count(*)::INTEGER AS n FROM observation WHERE centre_id = 'mini'"))[0]!.n as number;

/** The mini centre's folder: version 1 as in the fixture, version 2 with one more vitals row. */
function centre(dir: string, version: 1 | 2): string {
  cpSync(MINI, dir, { recursive: true });
  if (version === 2) writeFileSync(join(dir, 'vitals.csv'), readFileSync(join(dir, 'vitals.csv'), 'utf8').trimEnd() + '\nA002;25-03-2024 14:00;120/70;80;37,1\n');
  return join(dir, 'spec.yaml');
}

const ingestArgs = (spec: string, store: string) => ['ingest', spec, '--store', store, '--reports', join(store, '..', 'reports')];

/** Starts an ingest and sends `signal` after `ms`; resolves when the process has ended. */
function interrupted(args: string[], signal: NodeJS.Signals, ms: number): Promise<void> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), ...args], { cwd: ROOT, env: { ...process.env, TZ: 'UTC' }, stdio: 'ignore' });
    const timer = setTimeout(() => p.kill(signal), ms);
    p.on('exit', () => {
      clearTimeout(timer);
      done();
    });
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'il2kit-crash-'));
  const t = performance.now();
  expect(il2kit(ingestArgs(centre(join(root, 'ref1', 'mini'), 1), join(root, 'ref1', 'store'))).code).toBe(0);
  fullMs = performance.now() - t;
  oldHashes = parquetHashes(join(root, 'ref1', 'store'));
  expect(il2kit(ingestArgs(centre(join(root, 'ref2', 'mini'), 2), join(root, 'ref2', 'store'))).code).toBe(0);
  newHashes = parquetHashes(join(root, 'ref2', 'store'));
  expect(newHashes).not.toEqual(oldHashes);
  counts.push(await observations(join(root, 'ref1', 'store')), await observations(join(root, 'ref2', 'store')));
  expect(counts[1]).toBeGreaterThan(counts[0]!);
}, 300_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('an interrupted ingest', () => {
  const cases: [NodeJS.Signals, number][] = [
    ['SIGKILL', 0.35],
    ['SIGKILL', 0.7],
    ['SIGKILL', 0.9],
    ['SIGINT', 0.6],
    ['SIGTERM', 0.8],
  ];
  it.each(cases)('%s at %s of a run: the store opens with one whole version, and a re-run succeeds', async (signal, at) => {
    const dir = join(root, `${signal}-${at}`);
    const store = join(dir, 'store');
    expect(il2kit(ingestArgs(centre(join(dir, 'v1'), 1), store)).code).toBe(0);
    const spec2 = centre(join(dir, 'v2'), 2);
    await interrupted(ingestArgs(spec2, store), signal, Math.round(fullMs * at));
    // The database opens and holds one whole version of the centre (its Parquet files may lag one version
    // behind after a commit: the next ingest publishes them, store/commit.ts).
    expect(counts).toContain(await observations(store));
    expect([oldHashes, newHashes]).toContainEqual(parquetHashes(store));
    expect(il2kit(ingestArgs(spec2, store)).code).toBe(0);
    expect(parquetHashes(store)).toEqual(newHashes);
  }, 300_000);
});
