// The store step: one DuckDB transaction per centre, the centre's Parquet partition files exported
// after COMMIT (aside, then renamed into place), the centre's data version, and what a run that
// fails or dies at each step leaves behind.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestCentre } from '../../../pipelines/ingest.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { STORAGE_VERSION, centreVersion, commitHooks, openStore, recoverPending } from '../../../pipelines/store/commit.js';
import { QUARANTINE_ORDER, orderBy } from '../../../pipelines/store/layout.js';
import { parquetHashes, queryStore } from '../../helpers/store.js';
import type { TableName } from '../../../schemas/index.js';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'ingest', 'mini');
const TABLES = ['centre', 'patient', 'cycle', 'dose_slot', 'observation', 'infusion', 'clinical_event', 'response', 'response_assessment', 'follow_up', 'quarantine'];
let root: string;
let dir: string;
let store: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'il2kit-commit-'));
  dir = join(root, 'mini');
  store = join(root, 'store');
  cpSync(FIXTURE, dir, { recursive: true });
});
afterEach(() => {
  delete commitHooks.beforeCommit;
  delete commitHooks.afterCommit;
  delete commitHooks.beforePublish;
  rmSync(root, { recursive: true, force: true });
});

const ingest = (spec = join(dir, 'spec.yaml')) => ingestCentre(spec, { storeDir: store, env: {} });
const query = (sql: string) => queryStore(store, sql);
/** Another input for the same centre: one more vitals row. */
const changeInput = () => writeFileSync(join(dir, 'vitals.csv'), readFileSync(join(dir, 'vitals.csv'), 'utf8').trimEnd() + '\nA002;25-03-2024 14:00;120/70;80;37,1\n');

/** The same export as another centre. */
function otherCentre(): string {
  const other = join(root, 'other');
  cpSync(FIXTURE, other, { recursive: true });
  writeFileSync(join(other, 'spec.yaml'), readFileSync(join(other, 'spec.yaml'), 'utf8').replace('centre_id: mini', 'centre_id: other'));
  return join(other, 'spec.yaml');
}


/** Every table's rows (order-independent digest) and the meta table. */
async function contents(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const t of TABLES) out[t] = await query(`SELECT count(*)::INTEGER AS n, bit_xor(hash(x::VARCHAR))::VARCHAR AS h FROM ${t} x`);
  out.meta = await query('SELECT * FROM il2kit_meta ORDER BY key');
  return out;
}

/** Parquet partition files vs the database, table by table. */
async function parquetMatchesDb(): Promise<void> {
  for (const t of TABLES) {
    const [pq] = await query(`SELECT count(*)::INTEGER AS n, bit_xor(hash(x::VARCHAR))::VARCHAR AS h FROM read_parquet('${join(store, 'parquet', t, '*', '*.parquet')}', hive_partitioning = true) x`);
    const [db] = await query(`SELECT count(*)::INTEGER AS n, bit_xor(hash(x::VARCHAR))::VARCHAR AS h FROM ${t} x`);
    expect(pq, t).toEqual(db);
  }
}

const version = async () => {
  const { conn, close } = await openStore(join(store, 'il2kit.duckdb'));
  try {
    return await centreVersion(conn, 'mini');
  } finally {
    close();
  }
};

describe('store commit', () => {
  it('writes parquet/<table>/centre_id=<centre>/data.parquet and counts the centre’s data version', async () => {
    mkdirSync(store, { recursive: true });
    expect(await version()).toBe(0);
    const a = await ingest();
    expect(a.commit.centreVersion).toBe(1);
    expect(Object.keys(parquetHashes(store))).toEqual(TABLES.map((t) => join(t, 'centre_id=mini', 'data.parquet')).sort());
    await parquetMatchesDb();
    // every file is sorted by its table's key
    for (const t of TABLES) {
      const key = t === 'quarantine' ? QUARANTINE_ORDER : orderBy(t as TableName);
      const file = join(store, 'parquet', t, 'centre_id=mini', 'data.parquet');
      const [bad] = await query(`SELECT count(*)::INTEGER AS n FROM (SELECT (${key}) AS k, lag((${key})) OVER (ORDER BY file_row_number) AS prev FROM read_parquet('${file}', file_row_number = true)) WHERE prev > k`);
      expect(bad, t).toEqual({ n: 0 });
    }
    const b = await ingest();
    expect(b.commit.centreVersion).toBe(2);
    expect(await version()).toBe(2);
    expect(await query("SELECT value FROM il2kit_meta WHERE key = 'centre_version:mini'")).toEqual([{ value: '2' }]);
    expect(readdirSync(store).filter((f) => f.startsWith('.pending'))).toEqual([]);
  });

  it('writes a new store in DuckDB 1.3’s storage format, and keeps an older store’s format', async () => {
    const format = async (file: string) => {
      const inst = await DuckDBInstance.create(':memory:');
      const conn = await inst.connect();
      try {
        await conn.run(`ATTACH '${file}' AS s (READ_ONLY)`);
        return String((await conn.runAndReadAll("SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = 's'")).getRows()[0]![0]);
      } finally {
        conn.closeSync();
        inst.closeSync();
      }
    };
    await ingest();
    expect(STORAGE_VERSION).toBe('v1.3.0');
    expect(await format(join(store, 'il2kit.duckdb'))).toBe('v1.3.0+');
    // A store file DuckDB created in its default format (as stores made before this change were) stays in it.
    const old = join(root, 'old-store');
    mkdirSync(old);
    const inst = await DuckDBInstance.create(join(old, 'il2kit.duckdb'));
    inst.closeSync();
    const before = await format(join(old, 'il2kit.duckdb'));
    expect(before).not.toBe('v1.3.0+');
    await ingestCentre(join(dir, 'spec.yaml'), { storeDir: old, env: {} });
    expect(await format(join(old, 'il2kit.duckdb'))).toBe(before);
    expect(await queryStore(old, 'SELECT count(*)::INTEGER AS n FROM observation')).toEqual(await query('SELECT count(*)::INTEGER AS n FROM observation'));
  });

  it('an ingest rewrites only its own centre’s files', async () => {
    await ingest();
    await ingest(otherCentre());
    const before = parquetHashes(store);
    changeInput();
    await ingest();
    const after = parquetHashes(store);
    for (const f of Object.keys(before).filter((f) => f.includes('centre_id=other'))) expect(after[f], f).toBe(before[f]);
    expect(after[join('observation', 'centre_id=mini', 'data.parquet')]).not.toBe(before[join('observation', 'centre_id=mini', 'data.parquet')]);
    await parquetMatchesDb();
  });

  it('a failure after the rows are loaded, just before COMMIT, leaves the database and the Parquet files as they were', async () => {
    await ingest();
    const db = await contents();
    const files = parquetHashes(store);
    changeInput();
    commitHooks.beforeCommit = () => {
      // Nothing is exported before COMMIT.
      expect(existsSync(join(store, '.pending-mini'))).toBe(false);
      throw new Error('injected failure before COMMIT');
    };
    await expect(ingest()).rejects.toThrow(/injected failure before COMMIT/);
    expect(await contents()).toEqual(db);
    expect(parquetHashes(store)).toEqual(files);
    expect(await version()).toBe(1);
    expect(existsSync(join(store, '.pending-mini'))).toBe(false);
    // and the next run works
    delete commitHooks.beforeCommit;
    expect((await ingest()).commit.centreVersion).toBe(2);
    await parquetMatchesDb();
  });

  const parquetVersion = async () => (await query("SELECT value FROM il2kit_meta WHERE key = 'parquet_version:mini'"))[0]?.value;

  it('a run that dies right after COMMIT has its Parquet files exported by the next run', async () => {
    await ingest();
    const files = parquetHashes(store);
    changeInput();
    commitHooks.afterCommit = () => {
      throw new Error('died after COMMIT');
    };
    await expect(ingest()).rejects.toThrow(/died after COMMIT/);
    // The database committed version 2; the files are still version 1's, and il2kit_meta says so.
    expect(await version()).toBe(2);
    expect(await parquetVersion()).toBe('1');
    expect(parquetHashes(store)).toEqual(files);
    const { conn, close } = await openStore(join(store, 'il2kit.duckdb'));
    try {
      expect(await recoverPending(conn, store)).toEqual(['mini']);
      expect(await recoverPending(conn, store)).toEqual([]);
    } finally {
      close();
    }
    expect(await parquetVersion()).toBe('2');
    expect(existsSync(join(store, '.pending-mini'))).toBe(false);
    expect(parquetHashes(store)).not.toEqual(files);
    await parquetMatchesDb();
  });

  it('a run that dies with its export complete but not yet renamed has the files renamed by the next ingest', async () => {
    await ingest();
    await ingest(otherCentre());
    const files = parquetHashes(store);
    changeInput();
    // Each pending file's hash and inode: a rename keeps the inode, an export again would make new files.
    let pending: Record<string, [string, number]> = {};
    commitHooks.beforePublish = () => {
      const dir = join(store, '.pending-mini');
      pending = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.parquet')).map((f) => [f, [createHash('sha256').update(readFileSync(join(dir, f))).digest('hex'), statSync(join(dir, f)).ino]]));
      expect(Object.keys(pending).length).toBe(TABLES.length);
      throw new Error('died before renaming');
    };
    await expect(ingest()).rejects.toThrow(/died before renaming/);
    expect(readFileSync(join(store, '.pending-mini', 'VERSION'), 'utf8').trim()).toBe('2');
    expect(parquetHashes(store)).toEqual(files);
    delete commitHooks.beforePublish;
    // Any centre's ingest finishes the publication first: mini's files become the pending ones.
    await ingest(otherCentre());
    expect(existsSync(join(store, '.pending-mini'))).toBe(false);
    expect(await parquetVersion()).toBe('2');
    const after = parquetHashes(store);
    for (const [f, [h, ino]] of Object.entries(pending)) {
      const published = join(f.replace(/\.parquet$/, ''), 'centre_id=mini', 'data.parquet');
      expect(after[published], f).toBe(h);
      expect(statSync(join(store, 'parquet', published)).ino, `${f} renamed, not written again`).toBe(ino);
    }
    await parquetMatchesDb();
  });

  it('pending files of a run that died before COMMIT are discarded by the next run', async () => {
    await ingest();
    const files = parquetHashes(store);
    const pending = join(store, '.pending-mini');
    mkdirSync(pending);
    writeFileSync(join(pending, 'patient.parquet'), 'not parquet');
    writeFileSync(join(pending, 'VERSION'), '2\n'); // the database never committed version 2
    const { conn, close } = await openStore(join(store, 'il2kit.duckdb'));
    try {
      expect(await recoverPending(conn, store)).toEqual([]);
    } finally {
      close();
    }
    expect(existsSync(pending)).toBe(false);
    expect(parquetHashes(store)).toEqual(files);
  });

  it('moves a store with one Parquet file per table to the partitioned layout', async () => {
    await ingest();
    await ingest(otherCentre());
    // The layout before partitioning: parquet/<table>.parquet with every centre's rows.
    const { conn, close } = await openStore(join(store, 'il2kit.duckdb'));
    try {
      rmSync(join(store, 'parquet'), { recursive: true });
      mkdirSync(join(store, 'parquet'));
      for (const t of TABLES) await conn.run(`COPY ${t} TO '${join(store, 'parquet', `${t}.parquet`)}' (FORMAT parquet)`);
    } finally {
      close();
    }
    await ingest();
    expect(readdirSync(join(store, 'parquet')).sort()).toEqual([...TABLES].sort());
    expect(readdirSync(join(store, 'parquet', 'dose_slot')).sort()).toEqual(['centre_id=mini', 'centre_id=other']);
    await parquetMatchesDb();
  });
});
