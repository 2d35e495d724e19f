// Data-quality checks in the OHDSI DQD style: each has a category, a severity, a threshold
// (% of the denominator, or an absolute count), and a status: passed, failed, not_applicable, error.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableCounts } from '../../schemas/index.js';
import { fromDuck } from '../read/table-file.js';
import { sql } from '../store/sql.js';

export type CheckStatus = 'passed' | 'failed' | 'not_applicable' | 'error';
export type CheckCategory = 'conformance' | 'completeness' | 'plausibility';

export interface CheckResult {
  id: string;
  category: CheckCategory;
  table: string;
  description: string;
  severity: 'error' | 'warning' | 'info';
  /** Fails when the failing share exceeds this % of the denominator… */
  threshold_pct: number;
  /** …or when the failing count exceeds this number (null: no absolute limit). */
  threshold_n: number | null;
  n_failed: number;
  n_total: number;
  pct: number;
  status: CheckStatus;
  examples: Record<string, unknown>[];
  message: string | null;
}

interface SqlCheck {
  id: string;
  category: CheckCategory;
  table: string;
  description: string;
  severity: CheckResult['severity'];
  threshold_pct: number;
  threshold_n?: number;
  /** SQL returning the failing rows (for this centre). */
  failing: string;
  /** SQL returning the denominator. */
  total: string;
}

const sqlChecks = (c: string): SqlCheck[] => [
  {
    id: 'dose_interval_8h',
    category: 'plausibility',
    table: 'dose_slot',
    severity: 'warning',
    threshold_pct: 1,
    description: 'Consecutive given doses in a cycle are at least 6 h apart (q8h schedule, 2 h tolerance)',
    failing: `SELECT cycle_id, slot_number, given_at, prev_given, round(epoch(given_at - prev_given) / 3600, 2) AS hours FROM (
      SELECT *, lag(given_at) OVER (PARTITION BY cycle_id ORDER BY slot_number) AS prev_given FROM dose_slot WHERE centre_id = ${c} AND status = 'given')
      WHERE prev_given IS NOT NULL AND epoch(given_at - prev_given) < 6 * 3600`,
    total: `SELECT count(*) FROM dose_slot WHERE centre_id = ${c} AND status = 'given'`,
  },
  {
    id: 'doses_within_cycle_max',
    category: 'plausibility',
    table: 'cycle',
    severity: 'error',
    threshold_pct: 0,
    threshold_n: 0,
    description: 'No cycle has more given doses than its planned maximum',
    failing: `SELECT c.cycle_id, c.planned_max_doses, count(*) AS given FROM cycle c JOIN dose_slot s USING (cycle_id)
      WHERE c.centre_id = ${c} AND s.status = 'given' GROUP BY ALL HAVING count(*) > c.planned_max_doses`,
    total: `SELECT count(*) FROM cycle WHERE centre_id = ${c}`,
  },
  {
    id: 'dose_iu_matches_weight',
    category: 'plausibility',
    table: 'dose_slot',
    severity: 'warning',
    threshold_pct: 2,
    description: 'Given IU is within 10% of the cycle’s IU/kg × dosing weight',
    failing: `SELECT s.cycle_id, s.slot_number, s.dose_iu, c.dose_iu_per_kg * c.dosing_weight_kg AS expected FROM dose_slot s JOIN cycle c USING (cycle_id)
      WHERE s.centre_id = ${c} AND s.status = 'given' AND abs(s.dose_iu / (c.dose_iu_per_kg * c.dosing_weight_kg) - 1) > 0.10`,
    total: `SELECT count(*) FROM dose_slot WHERE centre_id = ${c} AND status = 'given'`,
  },
  {
    id: 'observations_in_cycle_window',
    category: 'completeness',
    table: 'observation',
    severity: 'info',
    threshold_pct: 25,
    description: 'Observations fall inside a cycle window (24 h before the first slot to 72 h after the last)',
    failing: `SELECT variable, observed_at FROM observation WHERE centre_id = ${c} AND cycle_id IS NULL`,
    total: `SELECT count(*) FROM observation WHERE centre_id = ${c}`,
  },
  {
    id: 'vitals_before_each_dose',
    category: 'completeness',
    table: 'dose_slot',
    severity: 'warning',
    threshold_pct: 10,
    description: 'Each given dose has a heart rate or blood pressure recorded in the 4 h before it',
    failing: `SELECT s.cycle_id, s.slot_number, s.scheduled_at FROM dose_slot s WHERE s.centre_id = ${c} AND s.status = 'given' AND NOT EXISTS (
      SELECT 1 FROM observation o WHERE o.patient_key = s.patient_key AND o.variable IN ('heart_rate', 'sbp')
      AND o.observed_at BETWEEN s.scheduled_at - INTERVAL 4 HOUR AND s.scheduled_at + INTERVAL 30 MINUTE)`,
    total: `SELECT count(*) FROM dose_slot WHERE centre_id = ${c} AND status = 'given'`,
  },
  {
    id: 'slots_recorded',
    category: 'completeness',
    table: 'dose_slot',
    severity: 'warning',
    threshold_pct: 10,
    description: 'Slots of the q8h grid that the export mentions (not_recorded = never mentioned)',
    failing: `SELECT cycle_id, slot_number, scheduled_at FROM dose_slot WHERE centre_id = ${c} AND status = 'not_recorded'`,
    total: `SELECT count(*) FROM dose_slot WHERE centre_id = ${c}`,
  },
  {
    id: 'duplicate_records',
    category: 'conformance',
    table: 'all',
    severity: 'warning',
    threshold_pct: 1,
    description: 'Records recorded twice (duplicates) or corrected later (superseded), moved to the quarantine',
    failing:
      `SELECT table_name, source_file, source_row, source_pointer, check_name, message FROM quarantine WHERE centre_id = ${c} AND check_name IN ` +
      `('duplicate', 'superseded')`,
    total: `SELECT (SELECT count(*) FROM dose_slot WHERE centre_id = ${c}) + (SELECT count(*) FROM observation WHERE centre_id = ${c})`,
  },
  {
    id: 'values_in_plausible_range',
    category: 'plausibility',
    table: 'observation',
    severity: 'warning',
    threshold_pct: 1,
    description: 'Measured values inside the variable’s plausible range (out-of-range values are quarantined)',
    failing:
      `SELECT source_file, source_row, source_pointer, raw_value, message FROM quarantine WHERE centre_id = ${c} AND table_name = 'observation' ` +
      `AND field = 'value' AND message LIKE '%plausible range%'`,
    total: `SELECT count(*) FROM observation WHERE centre_id = ${c}`,
  },
];

/** The SQL and balance checks of a run (quarantine rates, stored rows and orphans are in integrity.ts). */
export async function runChecks(
  conn: DuckDBConnection,
  centreId: string,
  counts: Record<string, TableCounts>,
  extra: { suspectedIdentifiers: number; unusedRows: { source: string; n: number; rows: number; examples: number[] }[] },
): Promise<CheckResult[]> {
  const c = sql(centreId);
  const out: CheckResult[] = [];
  for (const [table, n] of Object.entries(counts)) {
    const ok = n.read + n.derived === n.stored + n.quarantined + n.merged;
    out.push(
      checkResult(
        {
          id: `rows_balance_${table}`,
          category: 'conformance',
          table,
          severity: 'error',
          threshold_pct: 0,
          threshold_n: 0,
          description: 'Rows read + derived = rows stored + quarantined + merged',
        },
        ok ? 0 : 1,
        n.read + n.derived,
        [],
        ok ? null : `${n.read} read + ${n.derived} derived ≠ ${n.stored} stored + ${n.quarantined} quarantined + ${n.merged} merged`,
        true,
      ),
    );
  }
  for (const chk of sqlChecks(c)) {
    try {
      const total = Number((await conn.runAndReadAll(chk.total)).getRows()[0]![0]);
      const failing = await conn.runAndReadAll(`SELECT count(*) OVER () AS __n, * FROM (${chk.failing}) LIMIT 5`);
      const rows = failing.getRowObjectsJS().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, fromDuck(v)])));
      const n = rows.length > 0 ? Number(rows[0]!.__n) : 0;
      out.push(
        checkResult(
          chk,
          n,
          total,
          rows.map(({ __n, ...rest }) => rest),
          null,
        ),
      );
    } catch (e) {
      out.push({
        ...base(chk),
        n_failed: 0,
        n_total: 0,
        pct: 0,
        status: 'error',
        examples: [],
        message: (e as Error).message.split('\n')[0] ?? 'error',
      });
    }
  }
  for (const u of extra.unusedRows) {
    out.push(
      checkResult(
        {
          id: `rows_used_${u.source}`,
          category: 'conformance',
          table: u.source,
          severity: 'warning',
          threshold_pct: 0,
          threshold_n: 0,
          description: 'Every source row feeds some table, or is skipped on purpose (rows no table mapping takes are not read)',
        },
        u.n,
        u.rows,
        u.examples.map((r) => ({ row: r })),
        u.n ? 'add a table mapping or a skip rule for those rows' : null,
      ),
    );
  }
  const unmappedRecords = Number(
    (
      await conn.runAndReadAll(`SELECT count(DISTINCT record_id) FROM quarantine WHERE centre_id = ${c} AND check_name = 'unmapped_code'`)
    ).getRows()[0]![0],
  );
  const allRecords = Object.values(counts).reduce((a, n) => a + n.read, 0);
  out.push(
    checkResult(
      {
        id: 'codes_mapped',
        category: 'conformance',
        table: 'all',
        severity: 'warning',
        threshold_pct: 0.5,
        threshold_n: null,
        description:
          'Coded values are in the spec’s code maps (records with an unmapped code are quarantined; all unmapped values are listed in the report)',
      },
      unmappedRecords,
      allRecords,
      [],
      null,
    ),
  );
  out.push(
    checkResult(
      {
        id: 'no_identifier_columns',
        category: 'conformance',
        table: 'sources',
        severity: 'error',
        threshold_pct: 0,
        threshold_n: 0,
        description: 'No unmapped column looks like a patient identifier (name, MRN, birth date, phone, e-mail)',
      },
      extra.suspectedIdentifiers,
      extra.suspectedIdentifiers,
      [],
      extra.suspectedIdentifiers ? 'declare those columns under identifiers: in the spec (they are then dropped) or map them' : null,
    ),
  );
  return out;
}

export function base(c: Pick<SqlCheck, 'id' | 'category' | 'table' | 'description' | 'severity' | 'threshold_pct'> & { threshold_n?: number | null }) {
  return {
    id: c.id,
    category: c.category,
    table: c.table,
    description: c.description,
    severity: c.severity,
    threshold_pct: c.threshold_pct,
    threshold_n: c.threshold_n ?? null,
  };
}

export function checkResult(
  c: Parameters<typeof base>[0],
  nFailed: number,
  nTotal: number,
  examples: Record<string, unknown>[],
  message: string | null,
  forceApplicable = false,
): CheckResult {
  const pct = nTotal > 0 ? Math.round((1000 * 100 * nFailed) / nTotal) / 1000 : 0;
  const b = base(c);
  let status: CheckStatus;
  if (nTotal === 0 && !forceApplicable) status = 'not_applicable';
  else status = pct > b.threshold_pct || (b.threshold_n !== null && nFailed > b.threshold_n) ? 'failed' : 'passed';
  return { ...b, n_failed: nFailed, n_total: nTotal, pct, status, examples, message };
}
