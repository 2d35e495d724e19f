// The one way to create a DuckDB instance: sessions in UTC, a bounded memory budget (memory.ts), and a spill
// folder where one is given. A leaf module every layer may use (readers, the columnar map, the store, analyses).
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { duckdbMemoryLimit } from './memory.js';
import { sql } from './sql.js';

export interface DuckDBOptions {
  /** Open an existing database file read-only (several readers can share it). */
  readOnly?: boolean;
  /** DuckDB's threads (default: DuckDB's own choice, one per core). */
  threads?: number;
  /** Storage format of a new database file (e.g. 'v1.3.0'). */
  storageVersion?: string;
  /** Folder DuckDB spills to beyond its memory budget (default: DuckDB's, beside the database file or in .tmp). */
  spillDir?: string;
}

export interface DuckDB {
  conn: DuckDBConnection;
  /** Another connection to the same database (its settings are the instance's), closed with the first. */
  connect: () => Promise<DuckDBConnection>;
  close: () => void;
}

/**
 * A DuckDB database (a file, or ':memory:') with one connection, TimeZone UTC and the kit's memory budget.
 * @example const db = await createDuckDB(':memory:'); try { … } finally { db.close(); }
 */
export async function createDuckDB(path: string, opts: DuckDBOptions = {}): Promise<DuckDB> {
  const limit = duckdbMemoryLimit();
  const inst = await DuckDBInstance.create(path, {
    ...(opts.readOnly ? { access_mode: 'READ_ONLY' } : {}),
    ...(opts.threads ? { threads: String(opts.threads) } : {}),
    ...(opts.storageVersion ? { storage_compatibility_version: opts.storageVersion } : {}),
  });
  const more: DuckDBConnection[] = [];
  let conn: DuckDBConnection | null = null;
  const close = () => {
    for (const c of more) c.closeSync();
    conn?.closeSync();
    inst.closeSync();
  };
  try {
    conn = await inst.connect();
    await conn.run("SET TimeZone = 'UTC'");
    await conn.run(`SET memory_limit = '${limit}'`);
    if (opts.spillDir) await conn.run(`SET temp_directory = ${sql(opts.spillDir)}`);
  } catch (e) {
    close();
    throw e;
  }
  const first = conn;
  return {
    conn: first,
    close,
    connect: async () => {
      const c = await inst.connect();
      more.push(c);
      return c;
    },
  };
}
