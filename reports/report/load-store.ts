// What the report needs to know about a store besides the analyses: whether it holds anything, which centres it
// holds, their size and period, and which kinds of observation each centre recorded.
import type { DuckDBConnection } from '@duckdb/node-api';
import { readStore } from '../../analytics/read-store.js';
import { centreFilter, queryRows } from '../../analytics/doses/load.js';
import { OBSERVATION_VARIABLES } from '../../schemas/vocabularies.js';
import { ReportInputError, reportMessages } from './messages.js';

/** Kinds of observation a centre is expected to record (the vocabulary's categories), plus infusions. */
export const OBSERVATION_KINDS = ['vital', 'fluid', 'anthropometric', 'lab', 'neuro', 'infusion'] as const;
export type ObservationKind = (typeof OBSERVATION_KINDS)[number];

/** Reader-facing names of the observation kinds. */
export const KIND_LABELS: Record<ObservationKind, string> = {
  vital: 'vital-sign',
  fluid: 'fluid balance (urine, stool)',
  anthropometric: 'weight',
  lab: 'laboratory',
  neuro: 'neurological score',
  infusion: 'infusion (pressor, fluid)',
};

/** One row per centre: its size, the period its dose slots cover, and observation counts by kind. */
export interface CentreFacts {
  centre_id: string;
  patients: number;
  courses: number;
  cycles: number;
  dose_slots: number;
  first_slot: Date | null;
  last_slot: Date | null;
  /** Measured observations by kind (recorded absences not counted: a kind recorded only as absent is missing). */
  kinds: Record<ObservationKind, number>;
  /** Observations stored as recorded absences (no value, the export's reason: FHIR dataAbsentReason, SDTM --STAT). */
  absences: number;
}

export interface StoreFacts {
  storeDir: string;
  /** Centres in the store, before any --centres filter. */
  available: string[];
  centres: CentreFacts[];
}

const CATEGORY_SQL = Object.entries(OBSERVATION_VARIABLES)
  .map(([code, v]) => `WHEN '${code}' THEN '${v.category}'`)
  .join(' ');

/** The store's opening (readStore) has checked its layout; a file without the tables is an empty store. */
async function checkTables(conn: DuckDBConnection, storeDir: string): Promise<void> {
  const tables = (await queryRows(conn, 'SELECT table_name FROM information_schema.tables')).map((r) => String(r.table_name));
  if (!tables.includes('patient')) throw new ReportInputError(reportMessages.emptyStore(storeDir));
}

async function centreFacts(conn: DuckDBConnection, centres: readonly string[]): Promise<CentreFacts[]> {
  const where = centreFilter(centres);
  const size = await queryRows(conn, `
    SELECT p.centre_id, count(*) AS patients,
      (SELECT count(DISTINCT (c.patient_key, c.course_number)) FROM cycle c WHERE c.centre_id = p.centre_id) AS courses,
      (SELECT count(*) FROM cycle c WHERE c.centre_id = p.centre_id) AS cycles
    FROM patient p WHERE ${where} GROUP BY p.centre_id ORDER BY p.centre_id`);
  const slots = await queryRows(
    conn,
    `SELECT centre_id, count(*) AS n, min(scheduled_at) AS first, max(scheduled_at) AS last FROM dose_slot WHERE ${where} GROUP BY 1`,
  );
  const obs = await queryRows(
    conn,
    `SELECT centre_id, CASE variable ${CATEGORY_SQL} ELSE 'other' END AS kind, count(*) FILTER (WHERE value_absent_reason IS NULL) AS n,
      count(*) FILTER (WHERE value_absent_reason IS NOT NULL) AS absent FROM observation_rows WHERE ${where} GROUP BY 1, 2`,
  );
  const inf = await queryRows(conn, `SELECT centre_id, count(*) AS n FROM infusion WHERE ${where} GROUP BY 1`);
  return size.map((s) => {
    const id = String(s.centre_id);
    const sl = slots.find((r) => r.centre_id === id);
    const kinds = Object.fromEntries(OBSERVATION_KINDS.map((k) => [k, 0])) as Record<ObservationKind, number>;
    let absences = 0;
    for (const r of obs.filter((o) => o.centre_id === id)) {
      absences += Number(r.absent);
      if (String(r.kind) in kinds) kinds[String(r.kind) as ObservationKind] = Number(r.n);
    }
    kinds.infusion = Number(inf.find((r) => r.centre_id === id)?.n ?? 0);
    const date = (v: unknown) => (v instanceof Date ? v : v === null || v === undefined ? null : new Date(String(v)));
    return {
      centre_id: id,
      patients: Number(s.patients),
      courses: Number(s.courses),
      cycles: Number(s.cycles),
      dose_slots: Number(sl?.n ?? 0),
      first_slot: date(sl?.first),
      last_slot: date(sl?.last),
      kinds,
      absences,
    };
  });
}

/**
 * Checks the store's layout and reads its centres' facts; an unusable store is a ReportInputError naming the fix.
 * @example const facts = await loadStoreFacts('out/store', { centres: ['amstel'] });
 */
export async function loadStoreFacts(storeDir: string, options: { centres?: readonly string[] } = {}): Promise<StoreFacts> {
  // A missing store or one of another layout is refused by the store's own opening, with what to do.
  return readStore(storeDir, async (conn) => {
    await checkTables(conn, storeDir);
    const available = (await queryRows(conn, 'SELECT DISTINCT centre_id FROM patient ORDER BY 1')).map((r) => String(r.centre_id));
    if (available.length === 0) throw new ReportInputError(reportMessages.emptyStore(storeDir));
    const unknown = (options.centres ?? []).filter((c) => !available.includes(c));
    if (unknown.length > 0) throw new ReportInputError(reportMessages.unknownCentres(unknown, available));
    const chosen = options.centres && options.centres.length > 0 ? [...new Set(options.centres)].sort() : available;
    return { storeDir, available, centres: await centreFacts(conn, chosen) };
  });
}
