// SQL of the centre-level summaries: each cycle contributes one value per time bin (the mean of its values there),
// and the centre's median and quartiles are taken over cycles, in DuckDB, so the result stays a few thousand rows
// however many patients the store holds.
import { sql } from '../../pipelines/store/sql.js';
import { centreFilter } from '../doses/load.js';
import { LOOKBACK_HOURS, SERIES_BINS } from './series.js';
import type { CourseVariable } from './types.js';

const list = (xs: readonly string[]) => xs.map(sql).join(', ');

/**
 * Cycles of the chosen centres with the end of the window their observations are read in: 28 days after the first
 * dose, or a day before the patient's next cycle starts, whichever is first.
 */
export const cyclesCte = (centres: readonly string[] | undefined) => `
cyc AS (
  SELECT centre_id, patient_key, cycle_id, start_at, row_number() OVER (ORDER BY centre_id, patient_key, start_at, cycle_id) AS k,
    least(start_at + INTERVAL 28 DAY,
          coalesce(lead(start_at) OVER (PARTITION BY centre_id, patient_key ORDER BY start_at, cycle_id) - INTERVAL
            ${LOOKBACK_HOURS} HOUR, start_at + INTERVAL 28 DAY)) AS until_at
  FROM cycle WHERE ${centreFilter(centres)}
)`;

/** Observations of the figures' variables, per cycle, at hours since the cycle's first scheduled dose. */
export const observationsCte = (vars: readonly CourseVariable[]) => `
obs AS (
  SELECT c.centre_id, c.cycle_id, c.k, o.variable, (epoch(o.observed_at) - epoch(c.start_at)) / 3600 AS h, o.value
  FROM observation o JOIN cyc c ON o.centre_id = c.centre_id AND o.patient_key = c.patient_key
   AND o.observed_at >= c.start_at - INTERVAL ${LOOKBACK_HOURS} HOUR AND o.observed_at < c.until_at
  WHERE o.variable IN (${list(vars)})
)`;

/** Median and quartiles over cycles of per-cycle bin means: `series, centre_id, bin_hours, bin_width_hours, cycles, median, q1, q3`. */
export const quantilesSql = (source: string, minCycles: number) => `
SELECT centre_id, series, bin_hours, bin_width_hours, cycles, q[2] AS median, q[1] AS q1, q[3] AS q3 FROM (
  SELECT centre_id, series, bin_hours, bin_width_hours, count(*) AS cycles, quantile_cont(v, [0.25, 0.5, 0.75]) AS q
  FROM (SELECT any_value(centre_id) AS centre_id, k, series, bin_hours, bin_width_hours, avg(value) AS v FROM (${source}) GROUP BY
    k, series, bin_hours, bin_width_hours)
  GROUP BY ALL HAVING count(*) >= ${minCycles}
)`;

/**
 * Binned observations (and % weight gain over the cycle's baseline weight) as `centre_id, k, series, bin_hours,
 * bin_width_hours, value` (k: the cycle's number in this query).
 */
export const observationBinsSql = (vars: readonly CourseVariable[]) => `
SELECT o.centre_id, o.k, o.variable AS series, floor(o.h / w.width)::INTEGER * w.width AS bin_hours, w.width AS bin_width_hours, o.value
FROM obs o JOIN (VALUES ${vars.map((v) => `('${v}', ${SERIES_BINS[v].width}, ${SERIES_BINS[v].until})`).join(', ')}) w(variable,
  width, until) ON o.variable = w.variable
WHERE o.h < w.until
UNION ALL
SELECT o.centre_id, o.k, 'weight_gain_pct', floor(o.h / 24)::INTEGER * 24, 24, (o.value - b.base) / b.base * 100
FROM obs o JOIN (
  SELECT k, coalesce(arg_max(value, h) FILTER (WHERE h <= 0), arg_min(value, h)) AS base FROM obs WHERE variable = 'weight' GROUP BY ALL
) b USING (k)
WHERE o.variable = 'weight' AND o.h < ${SERIES_BINS.weight_gain_pct.until}`;

/**
 * Fluid and pressor support per cycle and 4-h bin (boluses also per day), for the cycles of centres that record
 * that kind of infusion at all (elsewhere it is missing, not zero): bolus mL in the bin, the maintenance and
 * pressor rates running at the bin's midpoint (0 when none), and 100 when a pressor runs then (for the share).
 */
export const supportBinsSql = () => `
inf AS (
  SELECT c.centre_id, c.k, i.agent, (epoch(i.start_at) - epoch(c.start_at)) / 3600 AS s, (epoch(coalesce(i.end_at, c.until_at)) -
    epoch(c.start_at)) / 3600 AS e, i.rate, i.volume_ml
  FROM infusion i JOIN cyc c ON i.centre_id = c.centre_id AND i.patient_key = c.patient_key AND i.start_at >= c.start_at -
    INTERVAL ${LOOKBACK_HOURS} HOUR AND i.start_at < c.until_at
),
kinds AS (
  SELECT DISTINCT centre_id, CASE WHEN agent = 'fluid_bolus' THEN 'bolus' WHEN agent = 'maintenance_fluid' THEN 'maintenance' ELSE
    'pressor' END AS kind FROM inf
),
grid AS (
  SELECT c.centre_id, c.k, t.kind, 4 AS width, b.range AS bin
  FROM cyc c JOIN kinds t USING (centre_id) CROSS JOIN range(0, ${SERIES_BINS.bolus_ml.until}, 4) b
  UNION ALL
  SELECT c.centre_id, c.k, t.kind, 24, b.range
  FROM cyc c JOIN kinds t USING (centre_id) CROSS JOIN range(0, ${SERIES_BINS.bolus_ml.until}, 24) b WHERE t.kind = 'bolus'
),
segs AS (
  SELECT i.k, CASE WHEN i.agent = 'maintenance_fluid' THEN 'maintenance' ELSE 'pressor' END AS kind, b.bin, max(i.rate) AS rate
  FROM inf i, unnest(range(greatest(0, ceil((i.s - 2) / 4)::BIGINT * 4), least(${SERIES_BINS.bolus_ml.until}, ceil((i.e - 2) / 4)::BIGINT * 4), 4)) b(bin)
  WHERE i.agent <> 'fluid_bolus' AND i.e > i.s GROUP BY ALL
),
boluses AS (
  SELECT i.k, w.width, floor(i.s / w.width)::BIGINT * w.width AS bin, sum(i.volume_ml) AS ml
  FROM inf i CROSS JOIN (VALUES (4), (24)) w(width) WHERE i.agent = 'fluid_bolus' AND i.s >= 0 GROUP BY ALL
),
support AS (
  SELECT g.centre_id, g.k, g.kind, g.width, g.bin,
    coalesce(b.ml, 0) AS bolus,
    CASE WHEN g.kind = 'maintenance' THEN coalesce(s.rate, 0) ELSE 0 END AS maintenance,
    CASE WHEN g.kind = 'pressor' THEN coalesce(s.rate, 0) ELSE 0 END AS pressor
  FROM grid g
  LEFT JOIN boluses b ON b.k = g.k AND b.width = g.width AND b.bin = g.bin
  LEFT JOIN segs s ON g.kind = s.kind AND s.k = g.k AND s.bin = g.bin
)`;

/** The support series as binned rows (the pressor rate only where a pressor runs: its median is among cycles on one). */
export const supportRowsSql = () => `
SELECT centre_id, k, 'bolus_ml' AS series, bin AS bin_hours, width AS bin_width_hours, bolus AS value FROM support WHERE kind = 'bolus'
UNION ALL SELECT centre_id, k, 'maintenance_rate', bin, width, maintenance FROM support WHERE kind = 'maintenance'
UNION ALL SELECT centre_id, k, 'pressor_rate', bin, width, pressor FROM support WHERE kind = 'pressor' AND pressor > 0`;

/** Share of cycles on a pressor per 4-h bin (median = q1 = q3 = the share, in %). */
export const pressorShareSql = (minCycles: number) => `
SELECT centre_id, 'pressor_share' AS series, bin AS bin_hours, width AS bin_width_hours, count(*) AS cycles,
  100 * avg((pressor > 0)::INT) AS median, 100 * avg((pressor > 0)::INT) AS q1, 100 * avg((pressor > 0)::INT) AS q3
FROM support WHERE kind = 'pressor' GROUP BY ALL HAVING count(*) >= ${minCycles}`;

/** Per centre and slot number: cycles, given and held shares, median scheduled hour. */
export const slotSummarySql = () => `
SELECT c.centre_id, s.slot_number, median((epoch(s.scheduled_at) - epoch(c.start_at)) / 3600) AS hours, count(*) AS cycles,
  avg((s.status = 'given')::INT) AS given, avg((s.status = 'held')::INT) AS held
FROM dose_slot s JOIN cyc c ON s.cycle_id = c.cycle_id GROUP BY ALL`;
