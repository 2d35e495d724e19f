// Issue 25 item 4: a centre that fails in the middle of a multi-centre `il2kit ingest` does not lose the centres
// ingested before it in the same run (each centre commits on its own), and leaves no partial rows of its own. Small
// simulated exports (3 patients a centre); the second centre's lab file is re-exported with a column renamed.
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { il2kit, ROOT } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'il2kit-ingest-partial-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const CENTRES = ['riverside', 'amstel', 'lakeshore'];
const exportsDir = join(work, 'exports');
const store = join(work, 'store');
const spec = (c: string) => join(exportsDir, c, 'mapping.yaml');

/** Rows per centre of one store table (the store opened read-only). */
async function rowsPerCentre(table: string): Promise<Record<string, number>> {
  const inst = await DuckDBInstance.create(join(store, 'il2kit.duckdb'), { access_mode: 'READ_ONLY' });
  const conn = await inst.connect();
  try {
    const rows = (await conn.runAndReadAll(`SELECT centre_id, count(*)::INTEGER AS n FROM ${table} GROUP BY 1 ORDER BY 1`)).getRowObjectsJS();
    return Object.fromEntries(rows.map((r) => [String(r.centre_id), Number(r.n)]));
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

describe('il2kit ingest: a centre failing mid-run', () => {
  const sim = il2kit(['simulate', '--centres', CENTRES.join(','), '--patients', '3', '--seed', 'partial', '--out', exportsDir, '--quiet']);
  for (const c of CENTRES) copyFileSync(join(ROOT, 'data-samples', c, 'mapping.yaml'), spec(c));
  const lab = join(exportsDir, 'amstel', 'amstel_lab.csv');
  const good = readFileSync(lab);
  writeFileSync(lab, good.toString('latin1').replace('Bepaling', 'Test'), 'latin1');
  const run = il2kit(['ingest', ...CENTRES.map(spec), '--store', store, '--reports', join(work, 'reports')]);

  it('exits 2 naming the file and the column, without a stack trace', () => {
    expect(sim.code).toBe(0);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/amstel_lab\.csv \(header\): column\(s\) "Bepaling" named in the mapping spec \(source lab\) are not in the file/);
    expect(run.stderr).not.toContain('    at ');
  });

  it('keeps the centre ingested before it, rows and Parquet files, and stores nothing of the failed centre', async () => {
    const printed = /^riverside: .*dose_slot (\d+)(?:\+(\d+))?→(\d+)/m.exec(run.stdout);
    expect(printed).not.toBeNull();
    const slots = await rowsPerCentre('dose_slot');
    expect(slots.riverside).toBe(Number(printed![3]));
    expect(slots.amstel).toBeUndefined();
    expect(Object.keys(await rowsPerCentre('observation'))).not.toContain('amstel');
    expect(readdirSync(join(store, 'parquet', 'dose_slot'))).toContain('centre_id=riverside');
    expect(readdirSync(join(store, 'parquet', 'dose_slot'))).not.toContain('centre_id=amstel');
  });

  it('once the file is fixed, the failed centre ingests on its own and the earlier centre’s files are untouched', async () => {
    const before = readFileSync(join(store, 'parquet', 'dose_slot', 'centre_id=riverside', 'data.parquet'));
    writeFileSync(lab, good);
    const again = il2kit(['ingest', spec('amstel'), '--store', store, '--reports', join(work, 'reports')]);
    expect(again.code).toBeLessThanOrEqual(1);
    expect(Object.keys(await rowsPerCentre('dose_slot'))).toEqual(['amstel', 'riverside']);
    expect(readFileSync(join(store, 'parquet', 'dose_slot', 'centre_id=riverside', 'data.parquet')).equals(before)).toBe(true);
  });
});
