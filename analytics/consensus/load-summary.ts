// Centre-level inputs of the five consensus figures, read from the store in a few aggregate queries.
import type { DuckDBConnection } from '@duckdb/node-api';
import { sql } from '../../pipelines/store/sql.js';
import { queryRows } from '../doses/load.js';
import { COURSE_VARIABLES, MIN_CYCLES_PER_BIN } from './series.js';
import {
  cyclesCte,
  observationBinsSql,
  observationsCte,
  pressorShareSql,
  quantilesSql,
  slotSummarySql,
  supportBinsSql,
  supportRowsSql,
} from './summary-sql.js';
import type { ConsensusSeries, ConsensusSummary, SlotSummaryRow, SummaryRow } from './types.js';

export interface SummaryOptions {
  centres?: readonly string[];
  /** Bins backed by fewer cycles are left out (default MIN_CYCLES_PER_BIN). */
  minCycles?: number;
}

const byKey = <T extends { centre_id: string }>(key: (r: T) => number) => (a: T, b: T) => a.centre_id.localeCompare(b.centre_id) || key(a) - key(b);

/**
 * Median and interquartile range per centre and time bin of every series the five figures draw, the share of
 * cycles given and held at each slot, and which series each centre records.
 * @example const summary = await readStore('out/store', (conn) => loadConsensusSummary(conn))
 */
export async function loadConsensusSummary(conn: DuckDBConnection, options: SummaryOptions = {}): Promise<ConsensusSummary> {
  const minCycles = options.minCycles ?? MIN_CYCLES_PER_BIN;
  const head = `WITH ${cyclesCte(options.centres)}, ${observationsCte(COURSE_VARIABLES)}`;
  const observed = await queryRows(conn, `${head} ${quantilesSql(observationBinsSql(COURSE_VARIABLES), minCycles)}`);
  const withSupport = `WITH ${cyclesCte(options.centres)}, ${supportBinsSql()}`;
  const support = await queryRows(conn, `${withSupport} ${quantilesSql(supportRowsSql(), minCycles)} UNION ALL ${pressorShareSql(minCycles)}`);
  const slots = await queryRows(conn, `WITH ${cyclesCte(options.centres)} ${slotSummarySql()}`);
  // what each centre records at all (not only inside the cycles' windows): cheap distinct scans
  const recorded = await queryRows(conn, `WITH ${cyclesCte(options.centres)}
    SELECT c.centre_id, count(*) AS cycles,
      (SELECT list(DISTINCT variable ORDER BY variable) FROM observation o WHERE o.centre_id = c.centre_id AND o.variable IN
        (${COURSE_VARIABLES.map(sql).join(', ')})) AS vars,
      (SELECT list(DISTINCT CASE WHEN agent = 'fluid_bolus' THEN 'bolus' WHEN agent = 'maintenance_fluid' THEN 'maintenance' ELSE
        'pressor' END) FROM infusion i WHERE i.centre_id = c.centre_id) AS kinds
    FROM cyc c GROUP BY ALL ORDER BY c.centre_id`);
  const rows = [...observed, ...support]
    .map((r): SummaryRow => ({
      centre_id: String(r.centre_id), series: r.series as ConsensusSeries, bin_hours: Number(r.bin_hours), bin_width_hours: Number(r.bin_width_hours),
      cycles: Number(r.cycles), median: Number(r.median), q1: Number(r.q1), q3: Number(r.q3),
    }))
    .sort((a, b) => a.series.localeCompare(b.series) || a.bin_width_hours - b.bin_width_hours || byKey<SummaryRow>((r) => r.bin_hours)(a, b));
  return {
    rows,
    slots: slots
      .map((r): SlotSummaryRow => ({
        centre_id: String(r.centre_id),
        slot_number: Number(r.slot_number),
        hours: Number(r.hours),
        cycles: Number(r.cycles),
        given: Number(r.given),
        held: Number(r.held),
      }))
      .sort(byKey((r) => r.slot_number)),
    centres: recorded.map((r) => ({
      centre_id: String(r.centre_id),
      cycles: Number(r.cycles),
      recorded: recordedSeries((r.vars as string[] | null) ?? [], (r.kinds as string[] | null) ?? []),
    })),
    minCycles,
  };
}

/** The series a centre records: its observed variables, % weight gain with weight, and its kinds of infusion. */
function recordedSeries(vars: readonly string[], kinds: readonly string[]): ConsensusSeries[] {
  const out = vars.filter((v) => (COURSE_VARIABLES as readonly string[]).includes(v)) as ConsensusSeries[];
  if (vars.includes('weight')) out.push('weight_gain_pct');
  if (kinds.includes('bolus')) out.push('bolus_ml');
  if (kinds.includes('maintenance')) out.push('maintenance_rate');
  if (kinds.includes('pressor')) out.push('pressor_rate', 'pressor_share');
  return out;
}
