// Reader threads (pipelines/map/raw-read.ts): NDJSON and xlsx sources of the columnar path are read
// off the main thread, a large NDJSON file in line ranges side by side. The store, counts and
// messages must be exactly those of reading on the main thread.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parquetHashes } from '../helpers/store.js';
import { ingestCentre, type IngestOptions, type IngestResult } from '../../pipelines/ingest.js';
import { InputError } from '../../pipelines/read/errors.js';
import { RawReadPool, rawReadStats } from '../../pipelines/map/raw-read.js';
import { loadSpec } from '../../pipelines/map/spec-load.js';

const SAMPLES = join(import.meta.dirname, '..', '..', 'data-samples');

const summary = (r: IngestResult, store: string) => ({
  counts: r.counts,
  sources: r.sources,
  unmapped: r.unmapped,
  checks: r.checks.map((c) => [c.id, c.status, c.n_failed, c.examples]),
  suspected: r.suspectedIdentifiers,
  unused: Object.entries(r.unusedColumns),
  files: parquetHashes(store),
});

// Our reader on both sides (DuckDB would otherwise read the harbour NDJSON itself: map/json-cells.ts, tested in map/json-cells.test.ts).
const THREADS: Partial<IngestOptions> = { readWorkers: 2, rangeBytes: 1, duckdbJson: false };
const MAIN: Partial<IngestOptions> = { readWorkers: 0, duckdbJson: false };

async function ingestBoth(spec: string, root: string) {
  const main = await ingestCentre(spec, { storeDir: join(root, 'main'), env: {}, ...MAIN });
  const threads = await ingestCentre(spec, { storeDir: join(root, 'threads'), env: {}, ...THREADS });
  return { main: summary(main, join(root, 'main')), threads: summary(threads, join(root, 'threads')) };
}

/** Runs `f` on a copy of a sample centre's folder (`dir`) in a scratch folder (`root`), removed afterwards. */
async function withCopy(centre: string, f: (dir: string, root: string) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), `il2kit-rawread-${centre}-`));
  try {
    const dir = join(root, centre);
    cpSync(join(SAMPLES, centre), dir, { recursive: true });
    await f(dir, root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function messageOf(spec: string, store: string, opts: Partial<IngestOptions>): Promise<InputError> {
  const e = await ingestCentre(spec, { storeDir: store, env: {}, ...opts }).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(InputError);
  return e as InputError;
}

describe('reader threads', () => {
  it.each(['harbour', 'summit'])('store what the main thread stores for %s', async (centre) => {
    const root = mkdtempSync(join(tmpdir(), 'il2kit-rawread-'));
    const before = { ...rawReadStats };
    try {
      const { main, threads } = await ingestBoth(join(SAMPLES, centre, 'mapping.yaml'), root);
      expect(threads).toEqual(main);
      expect(rawReadStats.threadTasks).toBeGreaterThan(before.threadTasks);
      if (centre === 'harbour') expect(rawReadStats.rangeTasks).toBeGreaterThan(before.rangeTasks);
      expect(rawReadStats.liveThreads).toBe(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);

  it('give the same message as the main thread for a fault in a later line range, and stop', () =>
    withCopy('harbour', async (dir, root) => {
      // Near the end of the file: a byte that is not UTF-8 and, before it, a line that is not JSON.
      const path = join(dir, 'Observation.ndjson');
      const lines = readFileSync(path, 'utf8').split('\n');
      lines.splice(lines.length - 5, 0, '{"resourceType": "Observation", broken');
      const text = Buffer.from(lines.join('\n'), 'utf8');
      const bad = Buffer.concat([text.subarray(0, text.length - 40), Buffer.from([0xff]), text.subarray(text.length - 40)]);
      writeFileSync(path, bad);
      const spec = join(dir, 'mapping.yaml');
      const onMain = await messageOf(spec, join(root, 's1'), MAIN);
      const onThreads = await messageOf(spec, join(root, 's2'), THREADS);
      expect(onMain.message).toMatch(/Observation\.ndjson \(near byte \d+\): the file is not valid UTF-8/);
      expect(onThreads.message).toBe(onMain.message);
      expect(onThreads.exitCode).toBe(2);
      expect(rawReadStats.liveThreads).toBe(0);

      // Without the bad byte the broken line is quarantined with its line number, as on the main thread.
      writeFileSync(path, text);
      const { main, threads } = await ingestBoth(spec, root);
      expect(threads).toEqual(main);
      expect(main.counts.observation!.quarantined + main.counts.patient!.quarantined + main.counts.response!.quarantined).toBeGreaterThan(0);
    }), 60_000);

  it('tell a missing column of a sheet read on a thread as on the main thread', () =>
    withCopy('summit', async (dir, root) => {
      const spec = join(dir, 'mapping.yaml');
      const yaml = readFileSync(spec, 'utf8');
      const vitals = yaml.indexOf('sheet: Vitals');
      expect(vitals).toBeGreaterThan(0);
      // The Vitals source reads its time from a column the sheet does not have (the spec is changed, not the file).
      const after = yaml.slice(vitals);
      expect(after).toContain('observed_at: Time\n');
      writeFileSync(spec, yaml.slice(0, vitals) + after.replace('observed_at: Time\n', 'observed_at: Charted\n'));
      const onMain = await messageOf(spec, join(root, 's1'), MAIN);
      const onThreads = await messageOf(spec, join(root, 's2'), THREADS);
      expect(onMain.message).toMatch(/not in the file/);
      expect(onThreads.message).toBe(onMain.message);
      expect(rawReadStats.liveThreads).toBe(0);
    }), 60_000);

  it('fail a task whose thread dies with a message naming its file, and go on with the others', async () => {
    const root = mkdtempSync(join(tmpdir(), 'il2kit-rawread-die-'));
    const pool = new RawReadPool(1);
    try {
      const dir = join(SAMPLES, 'harbour');
      const { spec } = loadSpec(join(dir, 'mapping.yaml'));
      const src = (id: string) => spec.sources.find((x) => x.id === id)!;
      const first = pool.run({ src: src('observation'), dir, paths: ['id'], out: join(root, 'a.csv') });
      const second = pool.run({ src: src('patient'), dir, paths: ['id'], out: join(root, 'b.csv') });
      // The only thread is running the first task: stop it as a crash would.
      await (pool as unknown as { workers: { w: { terminate: () => Promise<number> } }[] }).workers[0]!.w.terminate();
      await expect(first).rejects.toThrow(/^reading Observation\.ndjson \(source observation\) on a reader thread failed: the thread stopped \(exit code \d+\)\. Run again with IL2KIT_READ_WORKERS=0/);
      const done = await second;
      expect(done.file).toBe('Patient.ndjson');
      expect(done.sha256).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await pool.close();
      rmSync(root, { recursive: true, force: true });
    }
    expect(rawReadStats.liveThreads).toBe(0);
  }, 60_000);
});
