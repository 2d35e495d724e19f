// Issue 25 item 4 at more than sample scale: 300 patients a centre (the samples have 30). In one `il2kit ingest` of
// riverside, amstel and lakeshore, amstel's largest CSV is cut off in the middle of a row (as an interrupted export
// is): the run stops at amstel with exit 2, and riverside, committed before it, keeps every row it printed, its
// Parquet files and its manifest; nothing of amstel and no temporary folder is left in the store.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestFile, parquetFile, storeFile } from '../../pipelines/store/paths.js';
import { il2kit, ROOT } from '../helpers/cli.js';

const PATIENTS = 300;
const CENTRES = ['riverside', 'amstel', 'lakeshore'];
const work = mkdtempSync(join(tmpdir(), 'il2kit-ingest-partial-scale-'));
const exportsDir = join(work, 'exports');
const store = join(work, 'store');
const spec = (c: string) => join(exportsDir, c, 'mapping.yaml');
let run: ReturnType<typeof il2kit>;
let cutFile = '';

/** Rows per centre of each store table (read-only). */
async function rowsPerCentre(tables: string[]): Promise<Record<string, Record<string, number>>> {
  const inst = await DuckDBInstance.create(storeFile(store), { access_mode: 'READ_ONLY' });
  const conn = await inst.connect();
  try {
    const out: Record<string, Record<string, number>> = {};
    for (const t of tables) {
      const rows = (await conn.runAndReadAll(`SELECT centre_id, count(*)::INTEGER AS n FROM ${t} GROUP BY 1 ORDER BY 1`)).getRowObjectsJS();
      out[t] = Object.fromEntries(rows.map((r) => [String(r.centre_id), Number(r.n)]));
    }
    return out;
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

beforeAll(() => {
  const sim = il2kit(['simulate', '--centres', CENTRES.join(','), '--patients', String(PATIENTS), '--seed', 'partial-scale', '--out', exportsDir, '--quiet']);
  expect(sim.code).toBe(0);
  for (const c of CENTRES) copyFileSync(join(ROOT, 'data-samples', c, 'mapping.yaml'), spec(c));
  // amstel's largest CSV, cut two thirds in, in the middle of a row.
  const csvs = readdirSync(join(exportsDir, 'amstel')).filter((f) => f.endsWith('.csv')).map((f) => join(exportsDir, 'amstel', f));
  cutFile = csvs.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  const bytes = readFileSync(cutFile);
  let at = Math.floor((bytes.length * 2) / 3);
  while (bytes[at] !== 0x0a) at++;
  writeFileSync(cutFile, bytes.subarray(0, at + 6));
  run = il2kit(['ingest', ...CENTRES.map(spec), '--store', store, '--reports', join(work, 'reports')]);
}, 900_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe(`il2kit ingest: a centre failing mid-run at ${PATIENTS} patients a centre`, () => {
  it('stops at the cut file with exit 2, naming it, without a stack trace', () => {
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(cutFile.split('/').at(-1)!);
    expect(run.stderr).toMatch(/ends in the middle of a row/);
    expect(run.stderr).not.toContain('    at ');
    expect(run.stdout).not.toMatch(/^lakeshore: /m);
  });

  it('keeps every row the centre before it stored, its Parquet files and manifest, and nothing of the failed centre', async () => {
    const printed = /^riverside: (.*)$/m.exec(run.stdout);
    expect(printed).not.toBeNull();
    // "dose_slot 5904→5904, observation 123+4→120 (3 quarantined)": the stored count of each table it printed.
    const stored = Object.fromEntries([...printed![1]!.matchAll(/(\w+) \d+(?:\+\d+)?→(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
    expect(stored.dose_slot).toBeGreaterThan(PATIENTS * 20);
    const rows = await rowsPerCentre(Object.keys(stored));
    for (const [table, n] of Object.entries(stored)) {
      expect([table, rows[table]!.riverside ?? 0]).toEqual([table, n]);
      expect([table, rows[table]!.amstel]).toEqual([table, undefined]);
      if (n > 0) expect(existsSync(parquetFile(store, table as 'dose_slot', 'riverside')), table).toBe(true);
      expect(existsSync(parquetFile(store, table as 'dose_slot', 'amstel')), table).toBe(false);
    }
    expect(existsSync(manifestFile(store, 'riverside'))).toBe(true);
    expect(existsSync(manifestFile(store, 'amstel'))).toBe(false);
    expect(readdirSync(store).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});
