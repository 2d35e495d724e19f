// Data access: SQL that pulls the response analysis tables from the store (TimeZone = UTC). Times
// come back as epoch milliseconds. Everything after this is pure.
import type { DuckDBConnection } from '@duckdb/node-api';
import { centreFilter, loadCaseMix, queryRows } from '../doses/load.js';
import { loadCourseLabs } from './course-labs.js';
import { CYCLE_TIMING_SQL } from './cycle-timing-sql.js';
import {
  SIGNAL_EVENTS,
  SIGNAL_LABS,
  type CycleTiming,
  type EventRow,
  type LabRow,
  type LabWindowParams,
  type PressorRow,
  type ResponseCategoryCode,
  type ResponseInputs,
  type ResponseRow,
} from './types.js';

const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');
const ms = (v: unknown) => Number(v);
const msOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export { CYCLE_TIMING_SQL };

/**
 * Pulls everything the response analyses need: patients, cycle timing, phenylephrine, autoimmune events and response
 * assessments, and the signal labs summarised per course in DuckDB (courseLabs; `labs` stays empty). With
 * `labRows: true` the lab values come back one row each instead (the reference path, memory growing with them).
 * @example const inputs = await loadResponseInputs(conn)
 */
export async function loadResponseInputs(
  conn: DuckDBConnection,
  options: { centres?: readonly string[]; labRows?: boolean; labParams?: Partial<LabWindowParams> } = {},
): Promise<ResponseInputs> {
  const where = centreFilter(options.centres);
  const patients = await loadCaseMix(conn, options);
  const cycles: CycleTiming[] = (await queryRows(conn, CYCLE_TIMING_SQL(centreFilter(options.centres, 'c.centre_id')))).map((r) => ({
    centre_id: String(r.centre_id),
    patient_key: String(r.patient_key),
    cycle_id: String(r.cycle_id),
    course_number: Number(r.course_number),
    cycle_number: Number(r.cycle_number),
    start_at: ms(r.start_at),
    first_dose_at: msOrNull(r.first_dose_at),
    last_dose_at: msOrNull(r.last_dose_at),
    doses_given: Number(r.doses_given),
    iu_per_kg_given: Math.round(Number(r.iu_per_kg_given) * 1000) / 1000,
    doses_unknown_iu: Number(r.doses_unknown_iu),
  }));
  const courseLabs = options.labRows === true ? undefined : await loadCourseLabs(conn, { centres: options.centres, params: options.labParams });
  const labs: LabRow[] =
    courseLabs !== undefined
      ? []
      : (
          await queryRows(
            conn,
            `SELECT centre_id, patient_key, variable, epoch_ms(observed_at) AS observed_at, value FROM observation WHERE ${where} AND variable IN ` +
              `(${list(SIGNAL_LABS)}) ORDER BY centre_id, patient_key, observed_at`,
          )
        ).map((r) => ({
          centre_id: String(r.centre_id),
          patient_key: String(r.patient_key),
          variable: r.variable as LabRow['variable'],
          observed_at: ms(r.observed_at),
          value: Number(r.value),
        }));
  const pressors: PressorRow[] = (
    await queryRows(
      conn,
      `SELECT centre_id, patient_key, epoch_ms(start_at) AS start_at, rate FROM infusion WHERE ${where} AND agent = 'phenylephrine' AND rate IS NOT NULL ` +
        `ORDER BY centre_id, patient_key, start_at`,
    )
  ).map((r) => ({ centre_id: String(r.centre_id), patient_key: String(r.patient_key), start_at: ms(r.start_at), rate: Number(r.rate) }));
  const events: EventRow[] = (
    await queryRows(
      conn,
      `SELECT centre_id, patient_key, event_type, epoch_ms(onset_at) AS onset_at FROM clinical_event WHERE ${where} AND event_type IN ` +
        `(${list(SIGNAL_EVENTS)}) ORDER BY centre_id, patient_key, onset_at`,
    )
  ).map((r) => ({
    centre_id: String(r.centre_id),
    patient_key: String(r.patient_key),
    event_type: r.event_type as EventRow['event_type'],
    onset_at: ms(r.onset_at),
  }));
  const responses: ResponseRow[] = (
    await queryRows(
      conn,
      `SELECT centre_id, patient_key, course_number, best_overall_response, epoch_ms(assessed_at) AS assessed_at FROM response WHERE ${where} ORDER BY ` +
        `centre_id, patient_key, course_number`,
    )
  ).map((r) => ({
    centre_id: String(r.centre_id),
    patient_key: String(r.patient_key),
    course_number: Number(r.course_number),
    best_overall_response: r.best_overall_response as ResponseCategoryCode,
    assessed_at: ms(r.assessed_at),
  }));
  return { patients, cycles, labs, pressors, events, responses, ...(courseLabs === undefined ? {} : { courseLabs }) };
}
