// Incremental re-ingest: a centre whose input files (by hash), mapping spec, pseudonymisation key and kit
// version are those of its published version is skipped. The stamp is written in the same transaction as
// the centre's rows (il2kit_meta ingest_stamp:<centre>), so it never describes rows that were not committed.
import { createHash, createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { kitVersion } from '../../project/index.js';
import type { MappingSpec } from '../../schemas/mapping-spec.js';
import { storeFile } from '../store/paths.js';
import { sql } from '../store/sql.js';
import { createDuckDB } from '../store/engine.js';
import { fileSha256 } from '../read/file-hash.js';

export interface IngestStamp {
  kit_version: string;
  spec_sha256: string;
  /** HMAC of a fixed text under the key: tells keys apart without revealing them. */
  key_fingerprint: string;
  files: Record<string, string>;
  /** The run that published this version. */
  run: string;
}

export const stampKey = (centre: string) => `ingest_stamp:${centre}`;

/** What this run would publish: the kit version, the spec as loaded, the key's fingerprint and each input file's hash. */
export async function ingestStamp(spec: MappingSpec, specPath: string, key: string, run: string): Promise<IngestStamp> {
  const dir = resolve(specPath, '..');
  const files: Record<string, string> = {};
  for (const f of [...new Set(spec.sources.map((s) => s.file))].sort()) files[f] = existsSync(join(dir, f)) ? await fileSha256(join(dir, f)) : 'missing';
  return {
    kit_version: kitVersion(),
    spec_sha256: createHash('sha256').update(JSON.stringify(spec)).digest('hex'),
    key_fingerprint: createHmac('sha256', key).update('il2kit ingest stamp').digest('hex').slice(0, 16),
    files,
    run,
  };
}

/** The run that published the centre's current version when `stamp` matches it and its files are published; else null. */
export async function unchangedSince(storeDir: string, centre: string, stamp: IngestStamp): Promise<string | null> {
  if (!existsSync(storeFile(storeDir))) return null;
  const db = await createDuckDB(storeFile(storeDir), { readOnly: true });
  try {
    const meta = await db.conn.runAndReadAll("SELECT count(*) FROM information_schema.tables WHERE table_name = 'il2kit_meta'");
    if (Number(meta.getRows()[0]![0]) === 0) return null;
    const rows = (
      await db.conn.runAndReadAll(
        `SELECT key, value FROM il2kit_meta WHERE key IN (${[stampKey(centre), `centre_version:${centre}`, `parquet_version:${centre}`].map(sql).join(', ')})`,
      )
    ).getRows();
    const v = Object.fromEntries(rows.map(([k, x]) => [String(k), String(x)]));
    const stored = v[stampKey(centre)];
    // A version whose Parquet files a crashed run left unpublished is not skipped: the next ingest publishes them.
    if (stored === undefined || v[`parquet_version:${centre}`] !== v[`centre_version:${centre}`]) return null;
    const before = JSON.parse(stored) as IngestStamp;
    const same = (s: IngestStamp) => JSON.stringify({ ...s, run: '' });
    return same(before) === same(stamp) ? before.run : null;
  } finally {
    db.close();
  }
}
