// Checks that a run's tables hold together: each table the spec maps stored rows, no table lost too
// many rows to the quarantine, orphans (store/orphans.ts) are counted, and the stated dose maximum fits
// what the slots record. Quarantine-rate limits are the kit's choice (docs/decisions.md), not clinical.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableCounts, TableName } from '../../schemas/index.js';
import { sql } from '../store/sql.js';
import { checkResult, type CheckResult } from './checks.js';

/** Share of a table's records (read + derived) quarantined above which the run warns, and above which it fails. */
export const QUARANTINE_LIMITS: Record<Exclude<TableName, 'centre'>, { warn_pct: number; error_pct: number }> = {
  patient: { warn_pct: 5, error_pct: 25 },
  cycle: { warn_pct: 5, error_pct: 25 },
  dose_slot: { warn_pct: 5, error_pct: 25 },
  observation: { warn_pct: 5, error_pct: 50 },
  infusion: { warn_pct: 5, error_pct: 50 },
  clinical_event: { warn_pct: 5, error_pct: 50 },
  response: { warn_pct: 5, error_pct: 50 },
  response_assessment: { warn_pct: 5, error_pct: 50 },
  follow_up: { warn_pct: 5, error_pct: 50 },
};

/** Per table with records: a warning and an error-severity check on the share quarantined (patients and cycles included). */
export function quarantineRateChecks(counts: Record<string, TableCounts>): CheckResult[] {
  const out: CheckResult[] = [];
  for (const [table, limit] of Object.entries(QUARANTINE_LIMITS)) {
    const n = counts[table];
    if (!n || n.read + n.derived === 0) continue;
    const total = n.read + n.derived;
    const description = 'Share of records (read + derived) that were quarantined';
    out.push(
      checkResult(
        { id: `quarantine_rate_${table}`, category: 'conformance', table, severity: 'warning', threshold_pct: limit.warn_pct, description },
        n.quarantined,
        total,
        [],
        null,
      ),
    );
    const over = (100 * n.quarantined) / total > limit.error_pct;
    const message = over
      ? `${n.quarantined} of ${total} ${table} records quarantined (limit ${limit.error_pct}%); read the quarantine's reasons before publishing`
      : null;
    out.push(
      checkResult(
        { id: `quarantine_limit_${table}`, category: 'conformance', table, severity: 'error', threshold_pct: limit.error_pct, description },
        n.quarantined,
        total,
        [],
        message,
      ),
    );
  }
  return out;
}

/** The tables a spec fills: those it maps, and cycles wherever it maps a dose log (cycles are built from it). */
export function mappedTables(tables: readonly string[]): string[] {
  const set = new Set(tables);
  if (set.has('dose_slot')) set.add('cycle');
  return [...set].sort();
}

/** One error-severity check per mapped table: it stored at least one row (a run with no patient stored fails). */
export function storedRowChecks(mapped: readonly string[], counts: Record<string, TableCounts>): CheckResult[] {
  return mapped.map((table) => {
    const n = counts[table];
    const stored = n?.stored ?? 0;
    const seen = n ? n.read + n.derived : 0;
    const message =
      stored === 0
        ? `the spec maps ${table} but no ${table} row was stored (${seen} read or derived, ${n?.quarantined ?? 0} quarantined); check the source and ` +
          `the field maps`
        : null;
    return checkResult(
      {
        id: `table_stored_${table}`,
        category: 'completeness',
        table,
        severity: 'error',
        threshold_pct: 0,
        threshold_n: 0,
        description: 'A table the spec maps stored at least one row',
      },
      stored === 0 ? 1 : 0,
      1,
      [],
      message,
    );
  });
}

/** Warning per table with orphans: rows whose patient or cycle is not stored, moved to the quarantine. */
export function orphanChecks(orphans: Partial<Record<string, number>>, counts: Record<string, TableCounts>): CheckResult[] {
  return Object.entries(orphans).map(([table, n]) =>
    checkResult(
      {
        id: `references_stored_${table}`,
        category: 'conformance',
        table,
        severity: 'warning',
        threshold_pct: 0,
        threshold_n: 0,
        description: 'Rows point to a stored patient and, where they have one, a stored cycle (orphans are quarantined)',
      },
      n ?? 0,
      (counts[table]?.read ?? 0) + (counts[table]?.derived ?? 0),
      [],
      n
        ? `${n} ${table} row(s) point to a patient or cycle that is not stored; they are quarantined (check orphan) with the missing key`
        : null,
    ),
  );
}

/**
 * Warning when no cycle of the centre reaches its stated maximum of doses while cycles record slots past that
 * number: max_doses_per_cycle may have been written as a number of slots (the grid is always 15 q8h slots).
 */
export async function maxDosesCheck(conn: DuckDBConnection, centreId: string): Promise<CheckResult> {
  const c = sql(centreId);
  const rows = (
    await conn.runAndReadAll(`WITH per AS (
      SELECT c.cycle_id, c.planned_max_doses AS cap, count(*) FILTER (WHERE s.status = 'given') AS given,
        count(*) FILTER (WHERE s.status IN ('given', 'held', 'skipped') AND s.slot_number > c.planned_max_doses) AS past
      FROM cycle c JOIN dose_slot s USING (cycle_id) WHERE c.centre_id = ${c} GROUP BY ALL)
      SELECT count(*)::BIGINT, count(*) FILTER (WHERE given >= cap)::BIGINT, count(*) FILTER (WHERE past > 0)::BIGINT, min(cap) FROM per`)
  ).getRows()[0]!;
  const [cycles, reached, past, cap] = [Number(rows[0]), Number(rows[1]), Number(rows[2]), rows[3] === null ? null : Number(rows[3])];
  const failing = reached === 0 && past > 0 ? past : 0;
  const message = failing
    ? `no cycle reached its stated maximum (${cap} doses) while ${past} cycle(s) record given or held slots past slot ${cap}: check ` +
      `max_doses_per_cycle is the cap on doses given, not a number of slots (docs/mapping-specs.md)`
    : null;
  return checkResult(
    {
      id: 'max_doses_reached',
      category: 'plausibility',
      table: 'cycle',
      severity: 'warning',
      threshold_pct: 0,
      threshold_n: 0,
      description: 'Some cycle reaches the stated maximum of doses, or none records slots past it',
    },
    failing,
    cycles,
    [],
    message,
  );
}
