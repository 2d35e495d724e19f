// The once-per-process file hash (read/file-hash.ts): the same digest as hashing the bytes, and never a stale one
// for a file rewritten since (same size, other bytes), whichever way it is read.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesSha256, fileIdentity, fileSha256, knownSha256 } from '../../../pipelines/read/file-hash.js';
import { readSource } from '../../../pipelines/read/index.js';
import { SourceSpec } from '../../../schemas/mapping-spec.js';

const dir = mkdtempSync(join(tmpdir(), 'il2kit-filehash-'));
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('fileSha256', () => {
  it('gives the bytes’ SHA-256 and remembers it while the file is unchanged', async () => {
    const p = join(dir, 'a.csv');
    writeFileSync(p, 'id,v\n1,2\n');
    expect(knownSha256(p)).toBeNull();
    expect(await fileSha256(p)).toBe(sha('id,v\n1,2\n'));
    expect(knownSha256(p)).toBe(sha('id,v\n1,2\n'));
    expect(bytesSha256(p, readFileSync(p), fileIdentity(p))).toBe(sha('id,v\n1,2\n'));
  });

  it('hashes again a file rewritten with the same size, even with its old modification time put back', async () => {
    const p = join(dir, 'b.csv');
    writeFileSync(p, 'id,v\n1,2\n');
    const before = await fileSha256(p);
    writeFileSync(p, 'id,v\n3,4\n');
    utimesSync(p, new Date('2024-01-01T00:00:00Z'), new Date('2024-01-01T00:00:00Z'));
    expect(knownSha256(p)).toBeNull();
    const after = await fileSha256(p);
    expect(after).toBe(sha('id,v\n3,4\n'));
    expect(after).not.toBe(before);
  });

  it('readSource carries the new hash of a file rewritten after the stamp hashed it', async () => {
    const p = join(dir, 'c.csv');
    writeFileSync(p, 'id,v\n1,2\n');
    await fileSha256(p);
    writeFileSync(p, 'id,v\n5,6\n');
    const src = SourceSpec.parse({ id: 'c', file: 'c.csv', format: 'csv', patient_id: 'id', tables: [{ table: 'observation' }] });
    expect((await readSource(src, dir)).sha256).toBe(sha('id,v\n5,6\n'));
  });
});
