// Shared by `il2kit doses` and `il2kit response`: open the store read-only, write row tables as
// CSV + Parquet through DuckDB COPY, and a README with the notes.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { STORE_FILE } from '../../pipelines/store/layout.js';
import { UserError } from '../errors.js';

/** Opens <store>/il2kit.duckdb read-only (TimeZone UTC) and runs `body`, closing in finally. */
export async function withStore<T>(storeDir: string, body: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const file = join(storeDir, STORE_FILE);
  if (!existsSync(file)) throw new UserError(`no store at ${file}; run il2kit ingest first (or pass --store <dir>)`);
  const inst = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const conn = await inst.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    return await body(conn);
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

const sqlStr = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Writes each non-empty table as <name>.csv and <name>.parquet; returns the names written. */
export async function writeTables(outDir: string, tables: Record<string, readonly object[]>): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  const written: string[] = [];
  try {
    for (const [name, rows] of Object.entries(tables)) {
      if (rows.length === 0) continue;
      const tmp = join(outDir, `.${name}.ndjson`);
      writeFileSync(tmp, rows.map((r) => JSON.stringify(r)).join('\n'));
      const src = `(SELECT * FROM read_json(${sqlStr(tmp)}, format = 'newline_delimited', sample_size = -1))`;
      await conn.run(`COPY ${src} TO ${sqlStr(join(outDir, `${name}.csv`))} (HEADER, DELIMITER ',')`);
      await conn.run(`COPY ${src} TO ${sqlStr(join(outDir, `${name}.parquet`))} (FORMAT PARQUET)`);
      rmSync(tmp);
      written.push(name);
    }
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
  return written;
}

export function writeReadme(outDir: string, title: string, lines: readonly string[], tables: readonly string[]): void {
  const body = [`# ${title}`, '', ...lines, '', '## Tables (CSV and Parquet)', '', ...tables.map((t) => `- ${t}`), ''];
  writeFileSync(join(outDir, 'README.md'), body.join('\n'));
}
