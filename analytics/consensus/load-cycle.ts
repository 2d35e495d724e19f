// One patient-cycle's course for the single-cycle figures, and the rule that picks each centre's example cycle.
import type { DuckDBConnection } from '@duckdb/node-api';
import { INFUSION_AGENTS } from '../../schemas/vocabularies.js';
import type { HoldReasonCode, SlotStatus } from '../../schemas/index.js';
import { sql } from '../../pipelines/store/sql.js';
import { centreFilter, queryRows } from '../doses/load.js';
import { COURSE_VARIABLES } from './series.js';
import { cyclesCte, observationsCte } from './summary-sql.js';
import type { CourseInfusion, CourseVariable, CycleCourse } from './types.js';

/** The rule the example cycles are chosen by, as the report states it. */
export const EXAMPLE_CYCLE_RULE =
  'the cycle whose doses given are closest to the centre’s median doses per cycle; ties go to the cycle with the most of the figures’ variables ' +
  'recorded, then to the lowest cycle id';

/**
 * Each centre's example cycle id, by EXAMPLE_CYCLE_RULE.
 * @example const ids = await exampleCycleIds(conn) // Map { 'amstel' => '…-c1.1', … }
 */
export async function exampleCycleIds(conn: DuckDBConnection, options: { centres?: readonly string[] } = {}): Promise<Map<string, string>> {
  const rows = await queryRows(conn, `
    WITH d AS (
      SELECT c.centre_id, c.cycle_id, count(*) FILTER (WHERE s.status = 'given') AS given
      FROM cycle c LEFT JOIN dose_slot s ON s.cycle_id = c.cycle_id WHERE ${centreFilter(options.centres, 'c.centre_id')} GROUP BY ALL
    ),
    m AS (SELECT centre_id, median(given) AS med FROM d GROUP BY ALL),
    v AS (
      SELECT cycle_id, count(DISTINCT variable) AS vars FROM observation
      WHERE ${centreFilter(options.centres)} AND cycle_id IS NOT NULL AND variable IN (${COURSE_VARIABLES.map(sql).join(', ')}) GROUP BY ALL
    )
    SELECT centre_id, cycle_id FROM (
      SELECT d.centre_id, d.cycle_id, row_number() OVER (PARTITION BY d.centre_id ORDER BY abs(d.given - m.med), coalesce(v.vars, 0) DESC, d.cycle_id) AS rank
      FROM d JOIN m USING (centre_id) LEFT JOIN v USING (cycle_id)
    ) WHERE rank = 1 ORDER BY centre_id`);
  return new Map(rows.map((r) => [String(r.centre_id), String(r.cycle_id)]));
}

/**
 * The course of one patient-cycle: observations of the figures' variables from a day before the first scheduled
 * dose to 28 days after (or the next cycle), infusions, dose slots and the baseline weight.
 * @example const course = await loadCycleCourse(conn, cycleId)
 */
export async function loadCycleCourse(conn: DuckDBConnection, cycleId: string): Promise<CycleCourse> {
  const [cycle] = await queryRows(conn, `SELECT c.centre_id, c.patient_key, c.course_number, c.cycle_number, c.planned_max_doses,
      (SELECT count(*) FROM dose_slot s WHERE s.cycle_id = c.cycle_id AND s.status = 'given') AS given FROM cycle c WHERE c.cycle_id = ${sql(cycleId)}`);
  if (!cycle) throw new Error(`cycle ${cycleId} is not in the store`);
  const centre = String(cycle.centre_id);
  const head = `WITH ${cyclesCte([centre])}`;
  const points = await queryRows(
    conn,
    `${head}, ${observationsCte(COURSE_VARIABLES)} SELECT variable, h, value FROM obs WHERE cycle_id = ${sql(cycleId)} ORDER BY variable, h, value`,
  );
  const infusions = await queryRows(conn, `${head}
    SELECT i.agent, (epoch(i.start_at) - epoch(c.start_at)) / 3600 AS s, (epoch(i.end_at) - epoch(c.start_at)) / 3600 AS e, i.rate, i.volume_ml
    FROM infusion i JOIN cyc c ON i.centre_id = c.centre_id AND i.patient_key = c.patient_key AND i.start_at >= c.start_at -
      INTERVAL 24 HOUR AND i.start_at < c.until_at
    WHERE c.cycle_id = ${sql(cycleId)} ORDER BY s, i.agent, e, i.rate, i.volume_ml`);
  const slots = await queryRows(conn, `SELECT s.slot_number, (epoch(s.scheduled_at) - epoch(c.start_at)) / 3600 AS h, s.status, s.hold_reason_codes
    FROM dose_slot s JOIN cycle c USING (cycle_id) WHERE s.cycle_id = ${sql(cycleId)} ORDER BY s.slot_number`);
  const weights = points.filter((p) => p.variable === 'weight').map((p) => ({ h: Number(p.h), v: Number(p.value) }));
  const before = weights.filter((w) => w.h <= 0);
  const baseline = before.length > 0 ? before[before.length - 1]!.v : (weights[0]?.v ?? null);
  return {
    centre_id: centre,
    label: `${String(cycle.patient_key).slice(0, 6)} c${Number(cycle.course_number)}.${Number(cycle.cycle_number)}`,
    cycle_id: cycleId,
    doses_given: Number(cycle.given),
    planned_max_doses: Number(cycle.planned_max_doses),
    baseline_weight_kg: baseline,
    points: points.map((p) => ({ variable: p.variable as CourseVariable, hours: Number(p.h), value: Number(p.value) })),
    infusions: infusions.map((i): CourseInfusion => ({
      agent: String(i.agent),
      kind: INFUSION_AGENTS[i.agent as keyof typeof INFUSION_AGENTS].kind,
      start_hours: Number(i.s),
      end_hours: i.e === null ? null : Number(i.e),
      rate: i.rate === null ? null : Number(i.rate),
      volume_ml: i.volume_ml === null ? null : Number(i.volume_ml),
    })),
    slots: slots.map((s) => ({
      slot_number: Number(s.slot_number),
      hours: Number(s.h),
      status: s.status as SlotStatus,
      reasons: [...((s.hold_reason_codes as string[] | null) ?? [])] as HoldReasonCode[],
    })),
  };
}
