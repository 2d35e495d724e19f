// Data access: SQL that pulls the outcome analysis tables from the store (TimeZone = UTC), times as epoch
// milliseconds. Everything after this is pure. A store written before the follow-up tables existed is refused with
// what to do.
import type { DuckDBConnection } from '@duckdb/node-api';
import { centreFilter, queryRows } from '../doses/load.js';
import { MENTAL_STATUS_EVENTS } from './reversal-times.js';
import { SERIOUS_EVENTS } from './safety.js';
import type {
  AssessmentRow,
  CourseResponseRow,
  CreatinineRow,
  FollowUpRow,
  OutcomeCycle,
  OutcomeEvent,
  OutcomeInputs,
  OutcomePatient,
  PressorSegment,
  ResponseCode,
} from './types.js';

const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');
const msOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown) => String(v);

export const OUTCOME_CYCLES_SQL = (where: string) => `
WITH s AS (
  SELECT cycle_id,
         count(*) FILTER (WHERE status = 'given') AS doses_given,
         coalesce(sum(dose_iu) FILTER (WHERE status = 'given'), 0) AS iu_given,
         count(*) FILTER (WHERE status = 'given' AND dose_iu IS NULL) AS unknown_iu,
         epoch_ms(min(given_at) FILTER (WHERE status = 'given')) AS first_dose_at,
         epoch_ms(max(given_at) FILTER (WHERE status = 'given')) AS last_dose_at,
         coalesce(max(slot_number) FILTER (WHERE status = 'given'), 0) AS last_given_slot
  FROM dose_slot GROUP BY cycle_id),
r AS (
  SELECT d.cycle_id, list_sort(flatten(list(d.hold_reason_codes))) AS codes
  FROM dose_slot d JOIN s USING (cycle_id)
  WHERE d.status = 'held' AND d.slot_number > s.last_given_slot GROUP BY d.cycle_id)
SELECT c.centre_id, c.patient_key, c.cycle_id, c.course_number, c.cycle_number, epoch_ms(c.start_at) AS start_at,
       c.dose_iu_per_kg, c.planned_max_doses, c.end_reason, coalesce(s.doses_given, 0) AS doses_given,
       CASE WHEN s.unknown_iu > 0 THEN NULL ELSE coalesce(s.iu_given, 0) / c.dosing_weight_kg END AS iu_per_kg_given, s.first_dose_at, s.last_dose_at,
       coalesce(r.codes, []) AS codes
FROM cycle c LEFT JOIN s ON s.cycle_id = c.cycle_id LEFT JOIN r ON r.cycle_id = c.cycle_id
WHERE ${where}
ORDER BY c.centre_id, c.patient_key, c.course_number, c.cycle_number`;

async function requireTables(conn: DuckDBConnection, names: readonly string[]): Promise<void> {
  const rows = await queryRows(conn, 'SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views()');
  const have = new Set(rows.map((r) => String(r.table_name)));
  const missing = names.filter((n) => !have.has(n));
  if (missing.length > 0) {
    throw new Error(
      `the store has no ${missing.join(' or ')} table: it was written before follow-up was kept. ` +
        "Re-run 'il2kit ingest' with a mapping that maps follow-up, then run 'il2kit outcomes' again",
    );
  }
}

async function loadCycles(conn: DuckDBConnection, centres?: readonly string[]): Promise<OutcomeCycle[]> {
  return (await queryRows(conn, OUTCOME_CYCLES_SQL(centreFilter(centres, 'c.centre_id')))).map((r) => ({
    centre_id: str(r.centre_id),
    patient_key: str(r.patient_key),
    cycle_id: str(r.cycle_id),
    course_number: Number(r.course_number),
    cycle_number: Number(r.cycle_number),
    start_at: Number(r.start_at),
    dose_iu_per_kg: Number(r.dose_iu_per_kg),
    planned_max_doses: Number(r.planned_max_doses),
    end_reason: r.end_reason as OutcomeCycle['end_reason'],
    doses_given: Number(r.doses_given),
    iu_per_kg_given: r.iu_per_kg_given === null ? null : Math.round(Number(r.iu_per_kg_given) * 1000) / 1000,
    first_dose_at: msOrNull(r.first_dose_at),
    last_dose_at: msOrNull(r.last_dose_at),
    last_hold_reasons: (r.codes as unknown[]).map(str),
  }));
}

const PRESSORS = "agent IN ('phenylephrine', 'dopamine', 'norepinephrine') AND coalesce(rate, 0) > 0";

/**
 * Pulls everything the outcome analyses need from an open store connection.
 * @example const inputs = await readStore('out/store', (conn) => loadOutcomeInputs(conn))
 */
export async function loadOutcomeInputs(conn: DuckDBConnection, options: { centres?: readonly string[] } = {}): Promise<OutcomeInputs> {
  await requireTables(conn, ['follow_up', 'response_assessment']);
  const w = centreFilter(options.centres);
  const q = (sql: string) => queryRows(conn, sql);
  const who = (r: Record<string, unknown>) => ({ centre_id: str(r.centre_id), patient_key: str(r.patient_key) });
  const patients: OutcomePatient[] = (await q(`SELECT centre_id, patient_key, disease FROM patient WHERE ${w} ORDER BY 1, 2`)).map((r) => ({
    ...who(r),
    disease: r.disease as OutcomePatient['disease'],
  }));
  const followUp: FollowUpRow[] = (
    await q(`SELECT centre_id, patient_key, epoch_ms(progression_at) AS p, epoch_ms(death_at) AS d,
      epoch_ms(last_contact_at) AS l, death_cause FROM follow_up WHERE ${w} ORDER BY 1, 2`)
  ).map((r) => ({
    ...who(r),
    progression_at: msOrNull(r.p),
    death_at: msOrNull(r.d),
    last_contact_at: Number(r.l),
    death_cause: (r.death_cause ?? null) as FollowUpRow['death_cause'],
  }));
  const responses: CourseResponseRow[] = (
    await q(`SELECT centre_id, patient_key, course_number, best_overall_response AS b,
      epoch_ms(assessed_at) AS a, epoch_ms(first_response_at) AS f FROM response WHERE ${w} ORDER BY 1, 2, 3`)
  ).map((r) => ({
    ...who(r),
    course_number: Number(r.course_number),
    best_overall_response: r.b as ResponseCode,
    assessed_at: Number(r.a),
    first_response_at: msOrNull(r.f),
  }));
  const assessments: AssessmentRow[] = (
    await q(`SELECT centre_id, patient_key, course_number, overall_response AS o,
      epoch_ms(assessed_at) AS a FROM response_assessment WHERE ${w} ORDER BY 1, 2, 5`)
  ).map((r) => ({ ...who(r), course_number: Number(r.course_number), overall_response: r.o as ResponseCode, assessed_at: Number(r.a) }));
  const creatinine: CreatinineRow[] = (
    await q(`SELECT centre_id, patient_key, epoch_ms(observed_at) AS t, value FROM observation
      WHERE ${w} AND variable = 'creatinine' ORDER BY 1, 2, 3`)
  ).map((r) => ({ ...who(r), observed_at: Number(r.t), value: Number(r.value) }));
  const pressors: PressorSegment[] = (
    await q(`SELECT centre_id, patient_key, epoch_ms(start_at) AS s, epoch_ms(end_at) AS e FROM infusion
      WHERE ${w} AND ${PRESSORS} ORDER BY 1, 2, 3`)
  ).map((r) => ({ ...who(r), start_at: Number(r.s), end_at: msOrNull(r.e) }));
  const types = list([...SERIOUS_EVENTS, ...MENTAL_STATUS_EVENTS]);
  const events: OutcomeEvent[] = (
    await q(`SELECT centre_id, patient_key, cycle_id, event_type, epoch_ms(onset_at) AS o, epoch_ms(resolved_at) AS r
      FROM clinical_event WHERE ${w} AND event_type IN (${types}) ORDER BY 1, 2, 5`)
  ).map((r) => ({
    ...who(r),
    cycle_id: r.cycle_id === null ? null : str(r.cycle_id),
    event_type: str(r.event_type),
    onset_at: Number(r.o),
    resolved_at: msOrNull(r.r),
  }));
  return { patients, followUp, responses, assessments, cycles: await loadCycles(conn, options.centres), creatinine, pressors, events };
}
