// Referential integrity inside the centre's transaction: a row whose patient (or, where it has one, cycle)
// is not stored — quarantined, or never in the export — is an orphan. It goes to the quarantine with the
// missing key named, never into its table (a run that quarantined its cycles keeps no slots pointing to them).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableName } from '../../schemas/index.js';
import { sql } from './sql.js';

/** The stored parents a child table's rows must point to; `nullable`: a null key points to nothing and is fine. */
interface ParentLink {
  parent: 'patient' | 'cycle';
  column: 'patient_key' | 'cycle_id';
  nullable: boolean;
}

const PATIENT: ParentLink = { parent: 'patient', column: 'patient_key', nullable: false };
const CYCLE = (nullable: boolean): ParentLink => ({ parent: 'cycle', column: 'cycle_id', nullable });

/** Every child table of the common schema and its parents (parents are inserted first: TABLE_NAMES order). */
export const PARENT_LINKS: Partial<Record<TableName, ParentLink[]>> = {
  cycle: [PATIENT],
  dose_slot: [PATIENT, CYCLE(false)],
  observation: [PATIENT, CYCLE(true)],
  infusion: [PATIENT, CYCLE(true)],
  clinical_event: [PATIENT, CYCLE(true)],
  response: [PATIENT],
};

/** SQL true when row `alias` of `table` misses the parent of `link` among the centre's stored rows. */
function missing(alias: string, link: ParentLink, centre: string): string {
  const miss = `NOT EXISTS (SELECT 1 FROM ${link.parent} p WHERE p.centre_id = ${centre} AND p.${link.column} = ${alias}.${link.column})`;
  return link.nullable ? `(${alias}.${link.column} IS NOT NULL AND ${miss})` : miss;
}

/** SQL true when row `alias` of `table` is an orphan ('false' for tables without parents). */
export function orphanSql(table: TableName, alias: string, centreId: string): string {
  const links = PARENT_LINKS[table] ?? [];
  return links.length === 0 ? 'false' : links.map((l) => missing(alias, l, sql(centreId))).join(' OR ');
}

/**
 * Moves the orphans among `rel` (rows of `table` with provenance, aliased `s`) to the quarantine, numbered from
 * `nextRecord` in `order`. Returns how many were quarantined.
 */
export async function quarantineOrphans(
  conn: DuckDBConnection,
  table: TableName,
  rel: string,
  centreId: string,
  nextRecord: number,
  order: string,
  data: string[],
): Promise<number> {
  const links = PARENT_LINKS[table] ?? [];
  if (links.length === 0) return 0;
  const id = sql(centreId);
  // The first missing parent is the one named: a row of a quarantined patient also misses its cycle.
  const field = `CASE ${links.map((l) => `WHEN ${missing('s', l, id)} THEN '${l.column}'`).join(' ')} END`;
  const raw = `CASE ${links.map((l) => `WHEN ${missing('s', l, id)} THEN CAST(s.${l.column} AS VARCHAR)`).join(' ')} END`;
  const message = `CASE ${links
    .map(
      (l) =>
        `WHEN ${missing('s', l, id)} THEN '${table} row points to ${l.parent} ' || s.${l.column} || ` +
        `', which is not stored (quarantined or not in the export): it is quarantined with it; fix the ${l.parent} row'`,
    )
    .join(' ')} END`;
  return (
    await conn.run(`INSERT INTO quarantine
      SELECT ${id}, ${nextRecord} + row_number() OVER (ORDER BY ${order}), '${table}', s.source_file, s.source_row,
        s.source_pointer, ${field}, ${raw}, 'orphan', ${message},
        to_json(struct_pack(${data.map((c) => `${c} := s.${c}`).join(', ')}))::VARCHAR
      FROM ${rel} WHERE ${orphanSql(table, 's', centreId)}`)
  ).rowsChanged;
}

/**
 * Whether any row of `rel` (aliased `s`, a superset of the rows to store) misses a parent. Asked of the distinct
 * (patient, cycle) pairs only: a scan of two columns, where the quarantine's and the insert's orphan tests read every
 * column of every row. When there is none, both are left out; when there is one, they run as before.
 */
export async function anyOrphans(conn: DuckDBConnection, table: TableName, rel: string, centreId: string): Promise<boolean> {
  const links = PARENT_LINKS[table] ?? [];
  if (links.length === 0) return false;
  const cols = [...new Set(links.map((l) => l.column))].map((c) => `s.${c}`).join(', ');
  const r = await conn.runAndReadAll(`SELECT count(*) FROM (SELECT DISTINCT ${cols} FROM ${rel}) s WHERE ${orphanSql(table, 's', centreId)}`);
  return Number(r.getRows()[0]![0]) > 0;
}
