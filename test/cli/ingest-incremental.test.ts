// Incremental re-ingest (issue 25 item 3): a centre whose inputs (by hash), spec, key and kit version are
// unchanged is skipped with "unchanged since <run>", leaving every store file byte-identical; --force
// re-ingests; a changed file re-ingests the centre.
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { il2kit } from '../helpers/cli.js';

const MINI = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'mini');
let root: string;
let dir: string;
let store: string;

/** SHA-256 of every file under the store folder, by path. */
function storeBytes(): Record<string, string> {
  const files = (readdirSync(store, { recursive: true }) as string[]).filter((f) => statSync(join(store, f)).isFile()).sort();
  return Object.fromEntries(files.map((f) => [f, createHash('sha256').update(readFileSync(join(store, f))).digest('hex')]));
}
const ingest = (...flags: string[]) => il2kit(['ingest', join(dir, 'spec.yaml'), '--store', store, '--reports', join(root, 'reports'), ...flags]);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'il2kit-incremental-'));
  dir = join(root, 'mini');
  store = join(root, 'store');
  cpSync(MINI, dir, { recursive: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('il2kit ingest on unchanged inputs', () => {
  it('skips the centre, names the run it stands on, and leaves every store file byte-identical', () => {
    expect(ingest().code).toBe(0);
    const before = storeBytes();
    const r = ingest();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^mini: unchanged since \d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z \(inputs, spec, key and kit version\); --force re-ingests$/m);
    expect(r.stdout).not.toContain('mini: centre 1→1');
    expect(storeBytes()).toEqual(before);
  }, 120_000);

  it('--force re-ingests, and gives the same Parquet files', () => {
    const parquet = (b: Record<string, string>) => Object.fromEntries(Object.entries(b).filter(([f]) => f.startsWith('parquet')));
    const before = parquet(storeBytes());
    const r = ingest('--force');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('mini: centre 1→1');
    expect(parquet(storeBytes())).toEqual(before);
  }, 120_000);

  it('re-ingests a centre one of whose files changed, and a changed key', () => {
    writeFileSync(join(dir, 'vitals.csv'), readFileSync(join(dir, 'vitals.csv'), 'utf8').trimEnd() + '\nA002;25-03-2024 14:00;120/70;80;37,1\n');
    expect(ingest().stdout).toContain('mini: centre 1→1');
    expect(ingest().stdout).toContain('mini: unchanged since');
    const key = join(root, 'key.txt');
    writeFileSync(key, 'another-key-of-enough-length-0123456789');
    expect(ingest('--key-file', key).stdout).toContain('mini: centre 1→1');
  }, 180_000);
});
