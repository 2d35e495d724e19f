// Ingest benchmark: simulate N patients per centre (in a child process: the simulation's heap is not
// the ingest's), then time (a) DuckDB's bare read_csv / read_json of the same export files into tables
// (exceljs for a workbook), in this process, and (b) the whole ingest (read + map + validate + store),
// right after it in the same process. The ratio b/a is the figure to watch; absolute times on shared
// machines are noise.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import ExcelJS from 'exceljs';
import { loadSpec } from '../pipelines/map/spec-load.js';
import { QUARANTINE_ORDER, orderBy, sql } from '../pipelines/store/layout.js';
import { TABLES, type TableName } from '../schemas/index.js';
import { projectRoot } from '../project/index.js';
import { ingestCentre } from '../pipelines/ingest.js';
import { CENTRE_IDS } from '../simulate/index.js';
import { fmt, measure } from './measure.js';

export interface IngestBenchRow {
  patients_per_centre: number;
  centre: string;
  files_mib: number;
  rows_read: number;
  bare_duckdb_ms: number;
  /** What the bare reference is: DuckDB's readers, or exceljs where the centre exports a workbook. */
  reference: 'duckdb' | 'exceljs';
  ingest_ms: number;
  ratio: number;
  rows_per_s: number;
  peak_rss_mib: number;
  /**
   * DuckDB alone writing the rows this ingest stored (all tables, sorted by key as stored) to a new database file and
   * one Parquet file per table: the floor of the store step, which no mapping or validation can go under.
   */
  store_floor_ms: number;
  where_time_goes: Record<string, number>;
}

/** With `keepStore`, the ingested store is written there and kept (for the holds bench). */
export async function benchIngest(patients: number, log: (s: string) => void, keepStore?: string): Promise<IngestBenchRow[]> {
  const root = projectRoot();
  const dir = mkdtempSync(join(tmpdir(), 'il2kit-bench-'));
  try {
    log(`simulating ${patients} patients per centre…`);
    // `il2kit simulate` in a child process: after generating 20,000 patients here, the ingest of the five
    // centres measured 188 s; with the simulation in a child process, 179 s (lakeshore 40.1 → 34.4 s).
    const t0 = performance.now();
    const cli = fileURLToPath(new URL(`../cli/main${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
    const child = spawnSync(
      process.execPath,
      [
        ...process.execArgv,
        cli,
        'simulate',
        '--centres',
        CENTRE_IDS.join(','),
        '--patients',
        String(patients),
        '--seed',
        'bench',
        '--out',
        dir,
        '--quiet',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (child.status !== 0) throw new Error(`il2kit simulate failed (exit ${child.status ?? child.signal})`);
    log(`  simulate (child process): ${fmt(performance.now() - t0)}`);
    const out: IngestBenchRow[] = [];
    for (const centre of CENTRE_IDS) {
      const cdir = join(dir, centre);
      copyFileSync(join(root, 'data-samples', centre, 'mapping.yaml'), join(cdir, 'mapping.yaml'));
      const { spec } = loadSpec(join(cdir, 'mapping.yaml'));
      const files = [...new Set(spec.sources.map((x) => x.file))];
      const bytes = files.reduce((a, f) => a + statSync(join(cdir, f)).size, 0);
      const bare = await measure(() => bareRead(cdir, spec));
      const store = keepStore ?? join(dir, 'store');
      const ing = await measure(() => ingestCentre(join(cdir, 'mapping.yaml'), { storeDir: store }));
      const r = ing.value;
      const floor = await storeFloor(store, centre, dir);
      const rows = Object.values(r.counts).reduce((a, c) => a + c.read, 0);
      const row: IngestBenchRow = {
        patients_per_centre: patients,
        centre,
        files_mib: Math.round((bytes / 1048576) * 10) / 10,
        rows_read: rows,
        bare_duckdb_ms: Math.round(bare.ms),
        reference: spec.sources.some((x) => x.format === 'xlsx') ? 'exceljs' : 'duckdb',
        ingest_ms: Math.round(ing.ms),
        ratio: Math.round((ing.ms / bare.ms) * 10) / 10,
        rows_per_s: Math.round(rows / (ing.ms / 1000)),
        peak_rss_mib: ing.peakRssMiB,
        store_floor_ms: Math.round(floor),
        where_time_goes: Object.fromEntries(Object.entries(r.durations).map(([k, v]) => [k, Math.round(v)])),
      };
      log(
        `  ${centre}: ${row.files_mib} MiB, ${rows} rows; bare ${row.reference === 'duckdb' ? 'DuckDB' : 'exceljs'} ${fmt(bare.ms)}; ingest ` +
          `${fmt(ing.ms)} (×${row.ratio}); store floor ${fmt(floor)}; ${row.rows_per_s} rows/s; peak RSS ` +
          `${row.peak_rss_mib} MiB; ${JSON.stringify(row.where_time_goes)}`,
      );
      out.push(row);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The reference for one centre's export: DuckDB's own readers load every CSV/NDJSON file into tables (all text
 * columns), in a bare instance (not the kit's createDuckDB: the reference is DuckDB alone, without the kit's memory
 * budget); DuckDB cannot read xlsx offline, so a workbook's reference is exceljs reading it once.
 * @example await bareRead('sim/riverside', loadSpec('sim/riverside/mapping.yaml').spec)
 */
export async function bareRead(cdir: string, spec: ReturnType<typeof loadSpec>['spec']): Promise<void> {
  const files = [...new Set(spec.sources.map((x) => x.file))];
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  try {
    let i = 0;
    for (const f of files) {
      const src = spec.sources.find((x) => x.file === f)!;
      const p = sql(join(cdir, f));
      if (src.format === 'xlsx') {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.readFile(join(cdir, f));
        continue;
      }
      const reader =
        src.format === 'ndjson'
          ? `read_json(${p}, format = 'newline_delimited', maximum_object_size = 16777216)`
          : `read_csv(${p}, all_varchar = true, delim = '${src.delimiter}', quote = '${src.quote}', encoding = ` +
            `'${src.encoding === 'latin1' ? 'latin-1' : 'utf-8'}', strict_mode = false, null_padding = true)`;
      // DuckDB's parallel CSV reader refuses some quoted files; its single-threaded reader is the fallback.
      await conn.run(`CREATE TABLE t${i} AS SELECT * FROM ${reader}`).catch(async (e: Error) => {
        if (!/parallel = false/.test(e.message)) throw e;
        await conn.run(`CREATE TABLE t${i} AS SELECT * FROM ${reader.replace(/\)$/, ', parallel = false)')}`);
      });
      i++;
    }
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

/**
 * The store step's floor for one centre, in ms: the centre's stored rows are read from the Parquet files the ingest
 * published (not timed), then timed: DuckDB writes them, each table sorted by its key, into a new database file and out to one
 * Parquet file per table. The ingest's store step does this and more (finding duplicates, converting the
 * row path's staging files, the swap), so it cannot go under this.
 */
export async function storeFloor(store: string, centre: string, work: string): Promise<number> {
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  const dir = mkdtempSync(join(work, 'floor-'));
  try {
    const root = join(store, 'parquet');
    const tables = readdirSync(root).filter((t) => existsSync(join(root, t, `centre_id=${centre}`, 'data.parquet')));
    for (const t of tables)
      await conn.run(
        `CREATE TABLE "${t}" AS SELECT * FROM read_parquet(${sql(join(root, t, `centre_id=${centre}`, 'data.parquet'))}, hive_partitioning = true)`,
      );
    const t0 = performance.now();
    await conn.run(`ATTACH ${sql(join(dir, 'floor.duckdb'))} AS f (STORAGE_VERSION 'v1.3.0')`);
    // Sorted as the store sorts each table (its key), which is what makes its files identical run after run.
    const order = (t: string) => (t === 'quarantine' ? QUARANTINE_ORDER : t in TABLES ? orderBy(t as TableName) : 'ALL');
    for (const t of tables) await conn.run(`CREATE TABLE f."${t}" AS SELECT * FROM "${t}" ORDER BY ${order(t)}`);
    await conn.run('CHECKPOINT f');
    for (const t of tables) await conn.run(`COPY f."${t}" TO ${sql(join(dir, `${t}.parquet`))} (FORMAT parquet)`);
    await conn.run('DETACH f');
    return performance.now() - t0;
  } finally {
    conn.closeSync();
    inst.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}
