// Slot features kept in the store, so comparing rulesets does not recompute them. Each centre's rows of slot_features
// are rebuilt when that centre is ingested (refreshStoredSlotFeatures, run by ingest after the commit) and stamped in
// slot_features_state with the centre's data version (il2kit_meta 'centre_version:<id>', raised by every commit) and a
// hash of the feature definitions. A reader uses a centre's stored rows only when both stamps still match; otherwise
// it computes that centre again (stale evidence is never read). Rows are stored per centre in SLOT_ORDER.
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { type FrameStamp, removeFeatureFrame, writeFeatureFrame } from './feature-frames.js';
import { FEATURE_COLUMNS, readSlotFeatures, slotFeaturesSql } from './features.js';
import { sql } from '../pipelines/store/sql.js';

/** Hash of what the features mean (their SQL and columns): stored rows written under other definitions are stale. */
export const FEATURE_DEFINITION = createHash('sha256')
  .update(slotFeaturesSql({ table: 'slot_features' }).join('\n') + '\n' + FEATURE_COLUMNS.join(','))
  .digest('hex')
  .slice(0, 16);

const q = sql;

async function tableExists(conn: DuckDBConnection, schema: string, table: string): Promise<boolean> {
  const catalog = schema === '' ? 'current_database()' : q(schema);
  const r = await conn.runAndReadAll(
    `SELECT count(*)::INTEGER FROM duckdb_tables() WHERE database_name = ${catalog} AND table_name = ${q(table)} AND NOT temporary`,
  );
  return Number(r.getRows()[0]![0]) > 0;
}

/**
 * The centre's data version: raised by every commit of the centre (null when the store does not record one).
 * `db` names an attached store ('' for the connection's own database).
 */
export async function centreDataVersion(conn: DuckDBConnection, centreId: string, db = ''): Promise<number | null> {
  const prefix = db === '' ? '' : `${db}.`;
  if (!(await tableExists(conn, db, 'il2kit_meta'))) return null;
  const r = await conn.runAndReadAll(`SELECT value FROM ${prefix}il2kit_meta WHERE key = ${q(`centre_version:${centreId}`)}`);
  const v = r.getRows()[0]?.[0];
  return v === undefined || v === null ? null : Number(v);
}

/**
 * Rebuilds one centre's stored slot features (all variables) and stamps them; returns the centre's slot count.
 * Other centres' rows are left as they are. Runs in one transaction: a failure leaves the previous rows and stamp.
 * @example await refreshStoredSlotFeatures(conn, 'amstel')
 */
export async function refreshStoredSlotFeatures(conn: DuckDBConnection, centreId: string): Promise<number> {
  await conn.run("SET TimeZone = 'UTC'");
  for (const stmt of slotFeaturesSql({ centres: [centreId], table: '_sf_new', temp: true })) await conn.run(stmt);
  const version = await centreDataVersion(conn, centreId);
  try {
    // Definitions changed since the table was made (other columns): every centre's stored rows are stale; start over.
    if (await tableExists(conn, '', 'slot_features')) {
      const cols = async (t: string) =>
        (await conn.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE ${t})`))
          .getRows()
          .map((r) => `${r[0]} ${r[1]}`)
          .join(',');
      if ((await cols('slot_features')) !== (await cols('_sf_new'))) {
        await conn.run('DROP TABLE slot_features');
        await conn.run('DROP TABLE IF EXISTS slot_features_state');
      }
    }
    await conn.run('BEGIN TRANSACTION');
    await conn.run('CREATE TABLE IF NOT EXISTS slot_features AS SELECT * FROM _sf_new LIMIT 0');
    await conn.run(
      'CREATE TABLE IF NOT EXISTS slot_features_state (centre_id VARCHAR PRIMARY KEY, data_version BIGINT, definition VARCHAR NOT NULL, slots BIGINT NOT NULL)',
    );
    await conn.run(`DELETE FROM slot_features WHERE centre_id = ${q(centreId)}`);
    await conn.run('INSERT INTO slot_features SELECT * FROM _sf_new');
    const n = Number((await conn.runAndReadAll('SELECT count(*) FROM _sf_new')).getRows()[0]![0]);
    await conn.run(`INSERT OR REPLACE INTO slot_features_state VALUES (${q(centreId)}, ${version ?? 'NULL'}, ${q(FEATURE_DEFINITION)}, ${n})`);
    await conn.run('COMMIT');
    return n;
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await conn.run('DROP TABLE IF EXISTS _sf_new');
  }
}

/**
 * Of `centres`, those whose stored slot features are current (same data version and definitions), in database `db`,
 * with the stamp a frame of them must carry (rules/feature-frames.ts).
 * @example const stamps = await freshFeatureStamps(conn, ['amstel', 'summit'], 'store');
 */
export async function freshFeatureStamps(conn: DuckDBConnection, centres: readonly string[], db = ''): Promise<Map<string, FrameStamp>> {
  const prefix = db === '' ? '' : `${db}.`;
  const out = new Map<string, FrameStamp>();
  if (!(await tableExists(conn, db, 'slot_features_state')) || !(await tableExists(conn, db, 'slot_features'))) return out;
  const rows = (await conn.runAndReadAll(`SELECT centre_id, data_version, definition FROM ${prefix}slot_features_state ORDER BY centre_id`)).getRows();
  for (const [centre, version, definition] of rows) {
    const c = String(centre);
    if (!centres.includes(c) || version === null || String(definition) !== FEATURE_DEFINITION) continue;
    if ((await centreDataVersion(conn, c, db)) === Number(version)) out.set(c, { centre_id: c, data_version: Number(version), definition: FEATURE_DEFINITION });
  }
  return out;
}

/**
 * Of `centres`, those whose stored slot features are current (same data version and definitions), in database `db`.
 * @example const fresh = await freshFeatureCentres(conn, ['amstel', 'summit'], 'store');
 */
export async function freshFeatureCentres(conn: DuckDBConnection, centres: readonly string[], db = ''): Promise<Set<string>> {
  return new Set((await freshFeatureStamps(conn, centres, db)).keys());
}

/**
 * Writes the frame of one centre's stored slot features into <storeDir>/frames (rules/feature-frames.ts), stamped
 * like its rows; removes an old frame instead when the rows are not current. Returns whether a frame was written.
 * @example await refreshStoredSlotFeatures(conn, 'amstel'); await writeStoredFrame(conn, storeDir, 'amstel');
 */
export async function writeStoredFrame(conn: DuckDBConnection, storeDir: string, centreId: string): Promise<boolean> {
  const stamp = (await freshFeatureStamps(conn, [centreId])).get(centreId);
  if (stamp === undefined) {
    removeFeatureFrame(storeDir, centreId);
    return false;
  }
  writeFeatureFrame(storeDir, await readSlotFeatures(conn, { centres: [centreId] }), stamp);
  return true;
}
