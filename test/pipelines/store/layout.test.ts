// The store's physical layout: observations in two parts (observation_rows, observation_source) behind the view
// `observation`, which must give back exactly the table's columns, rows and stored order.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestCentre } from '../../../pipelines/ingest.js';
import { distinguishingColumns, layoutHash } from '../../../pipelines/store/commit.js';
import {
  OBSERVATION_ROWS, OBSERVATION_SOURCE, PER_FILE_COLUMNS, createTableSql, observationViewSql, storeTablesSql, tableColumns,
} from '../../../pipelines/store/layout.js';
import { queryStore } from '../../helpers/store.js';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'ingest', 'mini');
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'il2kit-layout-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** The mini export as centre `id`. */
function centre(id: string): string {
  const dir = join(root, id);
  cpSync(FIXTURE, dir, { recursive: true });
  writeFileSync(join(dir, 'spec.yaml'), readFileSync(join(dir, 'spec.yaml'), 'utf8').replace('centre_id: mini', `centre_id: ${id}`));
  return join(dir, 'spec.yaml');
}

describe('store layout: observations', () => {
  it('the view has the table’s columns, and each file’s provenance is stored once', async () => {
    const store = join(root, 'store');
    await ingestCentre(centre('mini'), { storeDir: store, env: {} });
    await ingestCentre(centre('other'), { storeDir: store, env: {} });
    // Same columns and types as the table the schema defines (made here in memory).
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    await conn.run(createTableSql('observation'));
    const table = (await conn.runAndReadAll('SELECT column_name, column_type FROM (DESCRIBE observation)')).getRowObjectsJS();
    conn.closeSync();
    inst.closeSync();
    expect(await queryStore(store, 'SELECT column_name, column_type FROM (DESCRIBE observation)')).toEqual(table);
    expect(table.map((c) => c.column_name)).toEqual(tableColumns('observation').map((c) => c.name));
    const rowCols = (await queryStore(store, `SELECT column_name FROM information_schema.columns WHERE table_name = '${OBSERVATION_ROWS}'`)).map(
      (c) => c.column_name,
    );
    for (const c of PER_FILE_COLUMNS) expect(rowCols).not.toContain(c);
    // One row per centre and file that has observations; the view puts them back on every row.
    const files = await queryStore(store, `SELECT centre_id, source_ord::INTEGER AS source_ord, source_file FROM ${OBSERVATION_SOURCE} ORDER BY ALL`);
    const seen = await queryStore(store, 'SELECT DISTINCT centre_id, source_file FROM observation ORDER BY ALL');
    expect(files.map(({ centre_id, source_file }) => ({ centre_id, source_file }))).toEqual(seen);
    expect(new Set(files.map((f) => f.centre_id))).toEqual(new Set(['mini', 'other']));
    const noProvenance = 'SELECT count(*)::INTEGER AS n FROM observation WHERE source_sha256 IS NULL OR spec_id IS NULL OR spec_version IS NULL';
    expect(await queryStore(store, noProvenance)).toEqual([{ n: 0 }]);
    // Re-ingesting a centre replaces its files' rows, never adds to them.
    const before = await queryStore(store, `SELECT count(*)::INTEGER AS n FROM ${OBSERVATION_SOURCE}`);
    const obs = await queryStore(store, 'SELECT centre_id, count(*)::INTEGER AS n FROM observation GROUP BY ALL ORDER BY ALL');
    await ingestCentre(join(root, 'mini', 'spec.yaml'), { storeDir: store, env: {} });
    expect(await queryStore(store, `SELECT count(*)::INTEGER AS n FROM ${OBSERVATION_SOURCE}`)).toEqual(before);
    expect(await queryStore(store, 'SELECT centre_id, count(*)::INTEGER AS n FROM observation GROUP BY ALL ORDER BY ALL')).toEqual(obs);
    // The Parquet file is the view's rows, in the view's order.
    const file = join(store, 'parquet', 'observation', 'centre_id=other', 'data.parquet');
    const diff = await queryStore(
      store,
      `SELECT count(*)::INTEGER AS n FROM (SELECT *, row_number() OVER () AS r FROM (SELECT * EXCLUDE (centre_id) FROM read_parquet('${file}'))) p
       FULL JOIN (SELECT *, row_number() OVER () AS r FROM (SELECT * EXCLUDE (centre_id) FROM observation WHERE centre_id = 'other')) v USING (r)
       WHERE p IS DISTINCT FROM v`,
    );
    expect(diff).toEqual([{ n: 0 }]);
  });

  it('two files with the same base name (in two folders) keep their own provenance', async () => {
    // vitals.csv in the centre's folder, and another vitals.csv (one later row) in a sub-folder: same name, two hashes.
    const spec = centre('mini');
    const dir = join(root, 'mini');
    mkdirSync(join(dir, 'later'));
    const header = readFileSync(join(dir, 'vitals.csv'), 'utf8').split('\n')[0]!;
    writeFileSync(join(dir, 'later', 'vitals.csv'), `${header}\nA002;25-03-2024 14:00;120/70;80;37,1\n`);
    const text = readFileSync(spec, 'utf8');
    const vitals = text.slice(text.indexOf('  - id: vitals'), text.indexOf('  - id: labs'));
    const later = vitals.replace('id: vitals', 'id: vitals_later').replace('file: vitals.csv', 'file: later/vitals.csv');
    writeFileSync(spec, text.replace('  - id: labs', later + '  - id: labs'));
    const store = join(root, 'store');
    const r = await ingestCentre(spec, { storeDir: store, env: {} });
    const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
    const files = await queryStore(store, `SELECT source_file, source_sha256 FROM ${OBSERVATION_SOURCE} ORDER BY ALL`);
    expect(files.filter((f) => f.source_file === 'vitals.csv').map((f) => f.source_sha256).sort()).toEqual(
      [sha(join(dir, 'vitals.csv')), sha(join(dir, 'later', 'vitals.csv'))].sort(),
    );
    // Every observation carries the hash of the file it came from; together they are all the observations stored.
    const bySha = await queryStore(
      store,
      "SELECT source_sha256, count(*)::INTEGER AS n FROM observation WHERE source_file = 'vitals.csv' GROUP BY ALL ORDER BY ALL",
    );
    expect(bySha.map((x) => x.source_sha256).sort()).toEqual([sha(join(dir, 'vitals.csv')), sha(join(dir, 'later', 'vitals.csv'))].sort());
    const [all] = await queryStore(store, 'SELECT count(*)::INTEGER AS n FROM observation');
    expect(all!.n).toBe(r.counts.observation!.stored);
  });

  it('the view keeps the stored order over many row groups', async () => {
    // 500,000 rows in several row groups, two centres, files numbered per centre: the view must return the rows in
    // the order observation_rows holds them (a join to observation_source gave them back in another order).
    const inst = await DuckDBInstance.create(':memory:', { threads: '2' });
    const conn = await inst.connect();
    try {
      for (const s of storeTablesSql()) await conn.run(s);
      await conn.run(`INSERT INTO ${OBSERVATION_ROWS} SELECT CASE WHEN i < 250000 THEN 'a' ELSE 'b' END, printf('p%06d', i // 40), NULL,
        TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i), 'minute', NULL, 'heart_rate', 60 + i % 50, NULL, '/min', NULL, NULL, NULL, 1 + i % 3, i + 1,
        NULL FROM range(500000) t(i)`);
      const files = ['a', 'b'].flatMap((c) =>
        [1, 2, 3].map((k) => ({
          centre_id: c, source_ord: k, source_file: `${c}-${k}.csv`, source_sha256: `${c}${k}`.padEnd(64, '0'), spec_id: c, spec_version: '1',
        })),
      );
      for (const f of files)
        await conn.run(
          `INSERT INTO ${OBSERVATION_SOURCE} VALUES ('${f.centre_id}', ${f.source_ord}, '${f.source_file}', '${f.source_sha256}', '${f.spec_id}', ` +
            `'${f.spec_version}')`,
        );
      await conn.run(observationViewSql(files));
      const rows = (await conn.runAndReadAll('SELECT source_row, source_file, spec_id FROM observation')).getRows();
      expect(rows.length).toBe(500000);
      let ordered = true;
      let right = true;
      rows.forEach(([row, file, spec], i) => {
        if (row !== i + 1) ordered = false;
        const c = i < 250000 ? 'a' : 'b';
        if (file !== `${c}-${1 + (i % 3)}.csv` || spec !== c) right = false;
      });
      expect(ordered).toBe(true);
      expect(right).toBe(true);
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
  });

  it('a store written with another layout is refused, and left as it was', async () => {
    const store = join(root, 'store');
    await ingestCentre(centre('mini'), { storeDir: store, env: {} });
    const inst = await DuckDBInstance.create(join(store, 'il2kit.duckdb'));
    const conn = await inst.connect();
    await conn.run("UPDATE il2kit_meta SET value = 'an-older-layout' WHERE key = 'layout'");
    conn.closeSync();
    inst.closeSync();
    const before = await queryStore(store, 'SELECT count(*)::INTEGER AS n FROM observation');
    await expect(ingestCentre(join(root, 'mini', 'spec.yaml'), { storeDir: store, env: {} })).rejects.toThrow(
      /written by another version of the common schema\. Ingest every centre again into a new store folder/,
    );
    expect(await queryStore(store, 'SELECT count(*)::INTEGER AS n FROM observation')).toEqual(before);
    expect(await queryStore(store, "SELECT value FROM il2kit_meta WHERE key = 'layout'")).toEqual([{ value: 'an-older-layout' }]);
    expect(layoutHash()).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('store layout: the file number of a staged observation', () => {
  it('is told by the file name, else the hash, else both, else all four provenance values', () => {
    const f = (file: string, sha: string, id = 'spec', version = '1') => [file, sha, id, version];
    expect(distinguishingColumns([f('a.csv', 'x'), f('b.csv', 'x')])).toEqual([0]);
    expect(distinguishingColumns([f('a.csv', 'x'), f('a.csv', 'y')])).toEqual([1]);
    expect(distinguishingColumns([f('a.csv', 'x'), f('a.csv', 'y'), f('b.csv', 'x')])).toEqual([0, 1]);
    expect(distinguishingColumns([f('a.csv', 'x', 'spec'), f('a.csv', 'x', 'other')])).toEqual([0, 1, 2, 3]);
    expect(distinguishingColumns([f('a.csv', 'x')])).toEqual([0]);
  });
});
