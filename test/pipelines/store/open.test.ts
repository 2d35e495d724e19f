// The store's one read-only opening (pipelines/store/open.ts): a missing store and a store of another schema
// version are user errors that say what to do; a current store opens read-only, in UTC.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCentre, INGEST_PHASES } from '../../../pipelines/ingest.js';
import { openStore } from '../../../pipelines/store/commit.js';
import { StoreMissingError, attachStoreReadOnly, withStoreReadOnly } from '../../../pipelines/store/open.js';
import { createDuckDB } from '../../../pipelines/store/engine.js';
import { sql } from '../../../pipelines/store/sql.js';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'ingest', 'mini');
let root: string;
let store: string;
const phases: [string, string, number][] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'il2kit-open-'));
  cpSync(FIXTURE, join(root, 'mini'), { recursive: true });
  store = join(root, 'store');
  await ingestCentre(join(root, 'mini', 'spec.yaml'), { storeDir: store, env: {}, onPhase: (c, p, ms) => phases.push([c, p, ms]) });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the ingest in named phases', () => {
  it('calls onPhase once per phase, in flow order, and records durations under the phases’ names', () => {
    expect(phases.map(([, p]) => p)).toEqual([...INGEST_PHASES]);
    expect(new Set(phases.map(([c]) => c)).size).toBe(1);
    for (const [, , ms] of phases) expect(ms).toBeGreaterThanOrEqual(0);
  });
});

describe('openStoreReadOnly', () => {
  it('names the missing store file and what to do, as a user error (exit 2)', async () => {
    const e = await withStoreReadOnly(join(root, 'nowhere'), async () => 1).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StoreMissingError);
    expect((e as StoreMissingError).exitCode).toBe(2);
    expect((e as Error).name).toBe('UserError');
    expect((e as Error).message).toBe(`no store at ${join(root, 'nowhere', 'il2kit.duckdb')}; run il2kit ingest first (or pass --store <dir>)`);
  });

  it('opens a current store read-only, in UTC', async () => {
    const got = await withStoreReadOnly(store, async (conn) => {
      const tz = (await conn.runAndReadAll("SELECT current_setting('TimeZone')")).getRows()[0]![0];
      const n = (await conn.runAndReadAll('SELECT count(*)::INTEGER FROM patient')).getRows()[0]![0];
      const write = await conn.run('CREATE TABLE x (a INTEGER)').then(() => 'written', (err: Error) => err.message);
      return { tz, n, write };
    });
    expect(got.tz).toBe('UTC');
    expect(got.n).toBeGreaterThan(0);
    expect(got.write).toMatch(/read-only/i);
  });

  it('refuses a store written under another schema version, reading or attaching', async () => {
    const other = join(root, 'other');
    cpSync(store, other, { recursive: true });
    const w = await openStore(join(other, 'il2kit.duckdb'));
    await w.conn.run("UPDATE il2kit_meta SET value = 'another-layout' WHERE key = 'layout'");
    w.close();
    await expect(withStoreReadOnly(other, async () => 1)).rejects.toThrow(/written by another version of the common schema/);
    const db = await createDuckDB(':memory:');
    try {
      await expect(attachStoreReadOnly(db.conn, other)).rejects.toThrow(/written by another version of the common schema/);
    } finally {
      db.close();
    }
  });
});

describe('sql', () => {
  it('doubles single quotes', () => {
    expect(sql("O'Brien's")).toBe("'O''Brien''s'");
    expect(sql('')).toBe("''");
  });
});
