// A file is hashed once per run, whichever thread reads it (map/raw-read.ts, read/file-hash.ts): the stamp's hash
// is handed to the reader thread that scans an NDJSON file for DuckDB, and a thread's hash is remembered by the main
// thread. A fake hash handed over shows the file was not hashed again; a file rewritten since is.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RawReadPool, readRawTask, type RawTask } from '../../../pipelines/map/raw-read.js';
import { fileIdentity, knownSha256, rememberFileHash } from '../../../pipelines/read/file-hash.js';
import { SourceSpec } from '../../../schemas/mapping-spec.js';

const dir = mkdtempSync(join(tmpdir(), 'il2kit-rawread-hash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const FAKE = 'f'.repeat(64);

function scanTask(file: string, text: string): RawTask {
  writeFileSync(join(dir, file), text);
  const src = SourceSpec.parse({ id: 'obs', file, format: 'ndjson', patient_id: 'id', tables: [{ table: 'observation' }] });
  return { src, dir, paths: [], out: '', scan: true };
}

describe('an NDJSON scan on a reader thread', () => {
  it('takes the hash the main thread knows instead of hashing the file again', async () => {
    const task = scanTask('a.ndjson', '{"id":1}\n{"id":2}\n');
    const done = await readRawTask({ ...task, known: { id: fileIdentity(join(dir, 'a.ndjson'))!, sha256: FAKE } });
    expect(done.sha256).toBe(FAKE);
    expect(done.scan?.lines).toBe(2);
  });

  it('hashes a file whose identity changed since the hash it was handed', async () => {
    const task = scanTask('b.ndjson', '{"id":1}\n');
    const id = fileIdentity(join(dir, 'b.ndjson'))!;
    writeFileSync(join(dir, 'b.ndjson'), '{"id":22}\n');
    const done = await readRawTask({ ...task, known: { id, sha256: FAKE } });
    expect(done.sha256).toBe(sha('{"id":22}\n'));
  });

  it('on the pool: gets the main thread’s hash, and gives the main thread the hash it worked out', async () => {
    const pool = new RawReadPool(1);
    try {
      const handed = scanTask('c.ndjson', '{"id":3}\n');
      rememberFileHash(join(dir, 'c.ndjson'), fileIdentity(join(dir, 'c.ndjson')), FAKE);
      expect((await pool.run(handed)).sha256).toBe(FAKE);

      const fresh = scanTask('d.ndjson', '{"id":4}\n');
      expect(knownSha256(join(dir, 'd.ndjson'))).toBeNull();
      expect((await pool.run(fresh)).sha256).toBe(sha('{"id":4}\n'));
      expect(knownSha256(join(dir, 'd.ndjson'))).toBe(sha('{"id":4}\n'));
    } finally {
      await pool.close();
    }
  }, 60_000);
});
