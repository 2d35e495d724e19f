// The signal labs reduced per assessed course in DuckDB: what courseSignals would compute from the lab rows, without
// bringing the rows into JavaScript (at 20,000 patients they were ~4 M objects and most of the command's 1.9 GiB).
// The windows are the same as courseSignals's (test/analytics/response/course-labs.test.ts checks the two agree).
import type { DuckDBConnection } from '@duckdb/node-api';
import { centreFilter, queryRows } from '../doses/load.js';
import { CYCLE_TIMING_SQL } from './cycle-timing-sql.js';
import type { CourseLabRow, CourseLabs, LabWindowParams } from './types.js';

const HOUR = 3_600_000;

/** The window parameters of CourseSignalOptions, with courseSignals's defaults. */
export function labWindowParams(options: Partial<LabWindowParams> = {}): LabWindowParams {
  return {
    windowEndGraceHours: options.windowEndGraceHours ?? 24,
    baselineLookbackHours: options.baselineLookbackHours ?? 14 * 24,
    tshReference: options.tshReference === undefined ? [0.4, 4.5] : options.tshReference,
  };
}

/** Same parameters (the summary can stand in for the lab rows). */
export const sameLabParams = (a: LabWindowParams, b: LabWindowParams): boolean =>
  a.windowEndGraceHours === b.windowEndGraceHours && a.baselineLookbackHours === b.baselineLookbackHours && String(a.tshReference) === String(b.tshReference);

const num = (v: number): string => {
  if (!Number.isFinite(v)) throw new Error(`course lab summary: parameter ${v} is not a finite number`);
  return String(v);
};

/**
 * SQL of the per-course summary. Windows, as courseSignals: the course runs from its first cycle's scheduled start to
 * the assessment + grace (inclusive); the lymphocyte baseline is the last value in [first dose − lookback, first dose];
 * the peak after dosing is the highest value strictly between a cycle's last dose and the next cycle's start (or the
 * window end, whichever is first). Ties in the baseline's instant take the higher value.
 */
export function courseLabSql(where: string, whereCycles: string, p: LabWindowParams): string {
  const grace = num(p.windowEndGraceHours * HOUR);
  const lookback = num(p.baselineLookbackHours * HOUR);
  const tsh = p.tshReference === null ? 'false' : `l.variable = 'tsh' AND (l.value < ${num(p.tshReference[0])} OR l.value > ${num(p.tshReference[1])})`;
  return `
WITH ct AS (${CYCLE_TIMING_SQL(whereCycles).replace(/ORDER BY[^)]*$/, '')}),
cc AS (SELECT *, lead(start_at) OVER (PARTITION BY centre_id, patient_key, course_number ORDER BY cycle_number) AS next_start FROM ct),
a AS (SELECT centre_id, patient_key, course_number, epoch_ms(assessed_at) + ${grace} AS end_at FROM response WHERE ${where}),
w AS (
  SELECT a.centre_id, a.patient_key, a.course_number, min(cc.start_at) AS start_at, any_value(a.end_at) AS end_at,
         coalesce(arg_min(cc.first_dose_at, cc.cycle_number) FILTER (WHERE cc.first_dose_at IS NOT NULL), min(cc.start_at)) AS first_dose
  FROM a JOIN cc ON cc.centre_id = a.centre_id AND cc.patient_key = a.patient_key AND cc.course_number = a.course_number
  GROUP BY a.centre_id, a.patient_key, a.course_number),
pw AS (
  SELECT w.centre_id, w.patient_key, w.course_number, cc.last_dose_at AS from_at,
         CASE WHEN cc.next_start IS NULL THEN w.end_at ELSE least(cc.next_start, w.end_at) END AS until_at
  FROM w JOIN cc ON cc.centre_id = w.centre_id AND cc.patient_key = w.patient_key AND cc.course_number = w.course_number
  WHERE cc.last_dose_at IS NOT NULL),
l AS (SELECT centre_id, patient_key, variable, epoch_ms(observed_at) AS t, value FROM observation
      WHERE ${where} AND variable IN ('lymphocytes', 'eosinophils', 'platelets', 'bicarbonate', 'tsh')),
base AS (
  SELECT w.centre_id, w.patient_key, w.course_number, first(l.value ORDER BY l.t DESC, l.value DESC) AS lymphocyte_baseline
  FROM w JOIN l ON l.centre_id = w.centre_id AND l.patient_key = w.patient_key
  WHERE l.variable = 'lymphocytes' AND l.t <= w.first_dose AND l.t >= w.first_dose - ${lookback}
  GROUP BY w.centre_id, w.patient_key, w.course_number),
peak AS (
  SELECT pw.centre_id, pw.patient_key, pw.course_number, max(l.value) AS lymphocyte_peak_after_dosing
  FROM pw JOIN l ON l.centre_id = pw.centre_id AND l.patient_key = pw.patient_key
  WHERE l.variable = 'lymphocytes' AND l.t > pw.from_at AND l.t < pw.until_at
  GROUP BY pw.centre_id, pw.patient_key, pw.course_number),
ext AS (
  SELECT w.centre_id, w.patient_key, w.course_number,
         max(l.value) FILTER (WHERE l.variable = 'eosinophils') AS eosinophil_peak,
         min(l.value) FILTER (WHERE l.variable = 'platelets') AS platelet_nadir,
         min(l.value) FILTER (WHERE l.variable = 'bicarbonate') AS bicarbonate_nadir,
         coalesce(bool_or(${tsh}), false) AS tsh_outside
  FROM w JOIN l ON l.centre_id = w.centre_id AND l.patient_key = w.patient_key
  WHERE l.t >= w.start_at AND l.t <= w.end_at
  GROUP BY w.centre_id, w.patient_key, w.course_number)
SELECT w.centre_id, w.patient_key, w.course_number, base.lymphocyte_baseline, peak.lymphocyte_peak_after_dosing,
       ext.eosinophil_peak, ext.platelet_nadir, ext.bicarbonate_nadir, coalesce(ext.tsh_outside, false) AS tsh_outside
FROM w
LEFT JOIN base USING (centre_id, patient_key, course_number)
LEFT JOIN peak USING (centre_id, patient_key, course_number)
LEFT JOIN ext USING (centre_id, patient_key, course_number)
ORDER BY w.centre_id, w.patient_key, w.course_number`;
}

const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Summarises the signal labs per assessed course in DuckDB (every course: the summary does not depend on which course
 * is analysed).
 * @example const courseLabs = await loadCourseLabs(conn, { centres: ['riverside'] })
 */
export async function loadCourseLabs(
  conn: DuckDBConnection,
  options: { centres?: readonly string[]; params?: Partial<LabWindowParams> } = {},
): Promise<CourseLabs> {
  const params = labWindowParams(options.params);
  const rows = await queryRows(conn, courseLabSql(centreFilter(options.centres), centreFilter(options.centres, 'c.centre_id'), params));
  return {
    params,
    rows: rows.map((r): CourseLabRow => ({
      centre_id: String(r.centre_id),
      patient_key: String(r.patient_key),
      course_number: Number(r.course_number),
      lymphocyte_baseline: numOrNull(r.lymphocyte_baseline),
      lymphocyte_peak_after_dosing: numOrNull(r.lymphocyte_peak_after_dosing),
      eosinophil_peak: numOrNull(r.eosinophil_peak),
      platelet_nadir: numOrNull(r.platelet_nadir),
      bicarbonate_nadir: numOrNull(r.bicarbonate_nadir),
      tsh_outside: r.tsh_outside === true,
    })),
  };
}
