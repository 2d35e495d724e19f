// Checks that decide whether a run may replace the centre's published data (run inside the store's
// transaction, before COMMIT): no table shrinking sharply against the previous version, no source
// whose every row was quarantined for one reason.
import type { DuckDBConnection } from '@duckdb/node-api';
import { sql } from '../store/sql.js';
import { checkResult, type CheckResult } from './checks.js';

/** Default largest drop of a centre's patients, cycles or dose slots against its previous version (a share). */
export const DEFAULT_MAX_DROP = 0.1;

/** One error-severity check per table: its stored rows fall by no more than `maxDrop` against the previous version. */
export function dropChecks(previous: Record<string, number> | null, stored: Partial<Record<string, number>>, maxDrop = DEFAULT_MAX_DROP): CheckResult[] {
  if (previous === null) return [];
  return Object.entries(previous).map(([table, before]) => {
    const now = stored[table] ?? 0;
    const dropped = Math.max(0, before - now);
    const failed = before > 0 && dropped / before > maxDrop;
    const r = checkResult(
      {
        id: `no_sharp_drop_${table}`,
        category: 'completeness',
        table,
        severity: 'error',
        threshold_pct: maxDrop * 100,
        threshold_n: null,
        description: `Stored ${table} rows fall by at most ${maxDrop * 100}% against the centre’s previous version (a cut or partial export)`,
      },
      dropped,
      before,
      [{ previous: before, now }],
      failed
        ? `${table}: ${now} rows stored against ${before} in the previous version (−${Math.round((1000 * dropped) / before) / 10}%); check the export is ` +
          `complete`
        : null,
    );
    return r;
  });
}

/**
 * One error-severity check per source: not every row of it went to the quarantine for one and the same reason.
 * Quarantined rows are matched by file name and by the source's tables (the sheets of one workbook share a file name);
 * a source sharing both with another source cannot be told apart in the quarantine, and its check is not applicable.
 */
export async function allQuarantinedChecks(
  conn: DuckDBConnection, centreId: string, sources: { source: string; file: string; rows: number; skipped: number; outsideCohort: number; tables: string[] }[],
): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const s of sources) {
    const shared = sources.some((o) => o !== s && o.file === s.file && o.tables.some((t) => s.tables.includes(t)));
    const rows = shared ? 0 : s.rows - s.skipped - s.outsideCohort;
    const top = (
      await conn.runAndReadAll(`SELECT check_name, field, count(DISTINCT coalesce(CAST(source_row AS VARCHAR), source_pointer))::BIGINT AS n FROM quarantine
        WHERE centre_id = ${sql(centreId)} AND source_file = ${sql(s.file)} AND table_name IN (${s.tables.map(sql).join(', ')})
        GROUP BY ALL ORDER BY n DESC, check_name, field LIMIT 1`)
    ).getRows()[0];
    const n = top ? Number(top[2]) : 0;
    const all = rows > 0 && n >= rows;
    out.push(
      checkResult(
        {
          id: `source_not_all_quarantined_${s.source}`,
          category: 'conformance',
          table: s.source,
          severity: 'error',
          threshold_pct: 100,
          threshold_n: rows - 1,
          description: 'Not every row of the source is quarantined for one and the same reason (a missing, renamed or empty column)',
        },
        all ? n : 0,
        rows,
        all ? [{ check: top![0], field: top![1] }] : [],
        all
          ? `every row of ${s.file} was quarantined (${String(top![0])}${top![1] ? ` on ${String(top![1])}` : ''}); check the column in the export and the spec`
          : null,
      ),
    );
  }
  return out;
}
