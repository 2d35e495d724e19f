// Slot features: for every dose slot, the value of every rule variable, computed in DuckDB.
// Grain of slot_features: one row per dose slot (centre, patient, cycle, slot_number), ordered by patient, cycle start, slot.
// Missing evidence is NULL, never a normal value. Look-backs are data-completeness choices (vitals q2–4 h, labs daily,
// il2-domain.md §3.1), not clinical thresholds; the fixed thresholds inside two variables (<10 mL/h, ≥1000 mL) are part of
// those variables' definitions in RULE_VARIABLES.
// An observation whose time is known only to its day, month or year (observed_precision) cannot be placed inside any of
// these look-backs (none is longer than a day), so it decides no slot; a baseline reads it only once its whole period has
// passed (docs/decisions.md, "Date-only values in the slot features").
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import { CLINICAL_EVENT_TYPES, INFUSION_AGENTS, RULE_VARIABLES, SLOT_STATUSES, type RuleVariableCode } from '../schemas/vocabularies.js';
import type { SlotFeatureTable } from './engine.js';
import type { Ruleset } from '../schemas/ruleset.js';
import { fetchChunks, readDoubleArrayColumn, readNumberColumn, readSparseStringColumn } from './columns.js';
import { sql } from '../pipelines/store/sql.js';

type ObsVar = 'heart_rate' | 'sbp' | 'spo2' | 'o2_flow' | 'fio2' | 'creatinine' | 'bicarbonate' | 'bilirubin' | 'troponin' | 'platelets' | 'weight';
type EventType = keyof typeof CLINICAL_EVENT_TYPES;

/** How each rule variable is derived: exhaustive, so a new variable is a compile error until it is given a derivation. */
export type FeatureSpec =
  | { kind: 'latest'; obs: ObsVar; lookbackHours: number }
  | { kind: 'window_min'; obs: ObsVar; windowHours: number }
  | { kind: 'rising'; obs: 'creatinine'; lookbackHours: number }
  | { kind: 'weight_gain'; lookbackHours: number }
  | { kind: 'baseline_change'; obs: 'creatinine' }
  | { kind: 'interval_total'; obs: 'urine_output' | 'diarrhoea_volume'; measure: 'total' | 'per_kg' | 'rate_mean' | 'rate_min' | 'low_run_hours' }
  | { kind: 'consecutive_shifts'; of: 'diarrhoea_shift'; atLeast: number }
  | { kind: 'pressor_at_dose' }
  | { kind: 'pressor_max' }
  | { kind: 'pressor_any' }
  | { kind: 'event_present' }
  | { kind: 'event_hours' }
  | { kind: 'episode_hours' }
  | { kind: 'recorded_held' }
  | { kind: 'engine_counter' };

const VITALS_H = 4;
const LABS_H = 24;

/** Observations a slot feature may read: those timed to the minute (a date-only value is not placed at midnight). */
export const TIMED_OBSERVATION = "observed_precision = 'minute'";

/**
 * The latest instant a reduced-precision time can stand for, conservatively: the start of its period plus a day of
 * 25 h, a month of 31 days or a year of 366 days (the stored instant is the period's start in the centre's zone; the
 * extra hour covers a daylight-saving day). A minute-precision time is itself.
 */
export const PERIOD_END = (at: string, precision: string) =>
  `(${at} + CASE ${precision} WHEN 'day' THEN INTERVAL 25 HOUR WHEN 'month' THEN INTERVAL 745 HOUR ` +
  `WHEN 'year' THEN INTERVAL 8785 HOUR ELSE INTERVAL 0 HOUR END)`;

export const FEATURE_SPECS = {
  heart_rate_at_dose: { kind: 'latest', obs: 'heart_rate', lookbackHours: VITALS_H },
  sbp_at_dose: { kind: 'latest', obs: 'sbp', lookbackHours: VITALS_H },
  sbp_min_interval: { kind: 'window_min', obs: 'sbp', windowHours: 8 },
  phenylephrine_at_dose: { kind: 'pressor_at_dose' },
  phenylephrine_max_interval: { kind: 'pressor_max' },
  pressor_any_interval: { kind: 'pressor_any' },
  urine_output_shift: { kind: 'interval_total', obs: 'urine_output', measure: 'total' },
  urine_output_per_kg_shift: { kind: 'interval_total', obs: 'urine_output', measure: 'per_kg' },
  urine_output_rate_mean: { kind: 'interval_total', obs: 'urine_output', measure: 'rate_mean' },
  urine_output_rate_min: { kind: 'interval_total', obs: 'urine_output', measure: 'rate_min' },
  oliguria_hours: { kind: 'interval_total', obs: 'urine_output', measure: 'low_run_hours' },
  diarrhoea_shift: { kind: 'interval_total', obs: 'diarrhoea_volume', measure: 'total' },
  diarrhoea_shifts_over_1000: { kind: 'consecutive_shifts', of: 'diarrhoea_shift', atLeast: 1000 },
  creatinine: { kind: 'latest', obs: 'creatinine', lookbackHours: LABS_H },
  creatinine_rising: { kind: 'rising', obs: 'creatinine', lookbackHours: LABS_H },
  creatinine_baseline_change: { kind: 'baseline_change', obs: 'creatinine' },
  bicarbonate: { kind: 'latest', obs: 'bicarbonate', lookbackHours: LABS_H },
  bilirubin: { kind: 'latest', obs: 'bilirubin', lookbackHours: LABS_H },
  platelets_min: { kind: 'window_min', obs: 'platelets', windowHours: LABS_H },
  weight_gain_pct: { kind: 'weight_gain', lookbackHours: LABS_H },
  spo2_at_dose: { kind: 'latest', obs: 'spo2', lookbackHours: VITALS_H },
  o2_flow_at_dose: { kind: 'latest', obs: 'o2_flow', lookbackHours: VITALS_H },
  fio2_at_dose: { kind: 'latest', obs: 'fio2', lookbackHours: VITALS_H },
  atrial_fibrillation: { kind: 'event_present' },
  svt: { kind: 'event_present' },
  ventricular_arrhythmia: { kind: 'event_present' },
  sustained_vt: { kind: 'event_present' },
  ecg_ischaemia: { kind: 'event_present' },
  troponin: { kind: 'latest', obs: 'troponin', lookbackHours: LABS_H },
  mental_status_change: { kind: 'event_present' },
  mental_status_change_hours: { kind: 'event_hours' },
  hallucinations: { kind: 'event_present' },
  cognitive_screen_failed: { kind: 'event_present' },
  vivid_dreams: { kind: 'event_present' },
  resting_dyspnoea: { kind: 'event_present' },
  rales_third: { kind: 'event_present' },
  rales_half: { kind: 'event_present' },
  intubated: { kind: 'event_present' },
  intubation_hours: { kind: 'episode_hours' },
  dialysis_hours: { kind: 'episode_hours' },
  infection: { kind: 'event_present' },
  sepsis: { kind: 'event_present' },
  occult_blood: { kind: 'event_present' },
  frank_bleeding: { kind: 'event_present' },
  vomiting_refractory: { kind: 'event_present' },
  ileus: { kind: 'event_present' },
  abdominal_pain_severe: { kind: 'event_present' },
  moist_desquamation: { kind: 'event_present' },
  bullous_dermatitis: { kind: 'event_present' },
  coma_hours: { kind: 'episode_hours' },
  seizure: { kind: 'event_present' },
  held_doses_in_cycle: { kind: 'recorded_held' },
  relative_criteria_in_cycle: { kind: 'engine_counter' },
} as const satisfies Record<RuleVariableCode, FeatureSpec>;

/** The observation variables the slot features read (their reduced-precision values are left out: TIMED_OBSERVATION). */
export const FEATURE_OBSERVATION_VARIABLES: readonly string[] = [
  ...new Set(Object.values(FEATURE_SPECS as Record<string, FeatureSpec>).flatMap((s) => ('obs' in s ? [s.obs] : s.kind === 'weight_gain' ? ['weight'] : []))),
].sort();

/** Variables a feature is computed from (besides its own observations). */
const FEATURE_DEPENDS: Partial<Record<RuleVariableCode, readonly RuleVariableCode[]>> = {
  diarrhoea_shifts_over_1000: ['diarrhoea_shift'],
  creatinine_baseline_change: ['creatinine'],
};

/**
 * Every rule variable the rulesets read (triggers, all_of and resume conditions), for SlotFeatureOptions.variables.
 * @example computeSlotFeatures(conn, { variables: rulesetVariables(loadRulesets('rules/sources')) })
 */
export function rulesetVariables(rulesets: readonly Ruleset[]): RuleVariableCode[] {
  const out = new Set<RuleVariableCode>();
  for (const rs of rulesets) for (const r of rs.rules) for (const c of [r, ...r.all_of, ...r.resume, ...r.resume_any_of]) out.add(c.variable);
  return [...out].sort();
}

/** Feature columns stored in slot_features (every rule variable except the engine's own counter). */
export const FEATURE_COLUMNS = (Object.keys(FEATURE_SPECS) as RuleVariableCode[]).filter((v) => FEATURE_SPECS[v].kind !== 'engine_counter');

export interface SlotFeatureOptions {
  /** Restrict to these centres (default: all). */
  centres?: readonly string[];
  /** Compute only these rule variables (default: all); the other columns are NULL (cannot evaluate). See rulesetVariables. */
  variables?: readonly RuleVariableCode[];
  /** Output table (default slot_features). */
  table?: string;
  /** Write the output as a temporary table (for a refresh that replaces one centre's stored rows). */
  temp?: boolean;
  /** Length of the inter-dose interval / shift for interval features (default 8 h, il2-domain.md §7.2). */
  intervalHours?: number;
  /** An interval total is used only if its latest period ended at most this long before the dose (default 4 h). */
  intervalStalenessHours?: number;
  /** Share of the interval the charted periods must cover for a total to be computed (default 0.95). */
  minCoverage?: number;
  /**
   * An event with no resolved_at was still going when the record ends: it stays active for the rest of its cycle.
   * One not linked to a cycle stays active this long after onset (default 8 h), except intubation, dialysis and coma (open).
   */
  openEventHours?: number;
}

const US_PER_H = 3_600_000_000;
/** Event types whose unresolved episodes are taken as ongoing (the duration variables' events). */
const OPEN_ENDED_EVENTS: readonly EventType[] = ['intubation', 'dialysis', 'coma'];
const PRESSORS = (Object.keys(INFUSION_AGENTS) as (keyof typeof INFUSION_AGENTS)[]).filter((a) => INFUSION_AGENTS[a].kind === 'vasopressor');

const q = sql;

/**
 * Row order of slot_features (and of every frame read from it): centre, then patient, time, cycle, slot. Per centre,
 * so a centre's rows can be replaced without reordering the others, and every cycle's slots are contiguous and ascending.
 */
export const SLOT_ORDER = ['centre_id', 'patient_key', 'scheduled_at', 'cycle_id', 'slot_number'] as const;

/**
 * Computes slot_features in the store (CREATE OR REPLACE) and returns its row count.
 * @example await computeSlotFeatures(conn, { centres: ['northbay'] });
 */
export async function computeSlotFeatures(conn: DuckDBConnection, options: SlotFeatureOptions = {}): Promise<number> {
  const sql = slotFeaturesSql(options);
  await conn.run("SET TimeZone='UTC'");
  for (const stmt of sql) await conn.run(stmt);
  const n = await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${options.table ?? 'slot_features'}`);
  return Number(n.getRowObjectsJS()[0]?.n ?? 0);
}

// The interval series at each slot: their latest window, found by ASOF joins on a narrow table of its own. (Joined
// after the assembly's other joins, the ASOF joins sorted every slot with all its columns: 0.95 s against 0.72 s.)
const INTERVAL_AT_SLOT = `CREATE OR REPLACE TEMP TABLE _sf_ia AS
SELECT sl.sid, sl.t - uo.e AS uo_age, uo.total AS uo_total, uo.rate_min AS uo_rate_min, uo.low_hours AS uo_low_hours,
  sl.t - dv.e AS dv_age, dv.total AS dv_total, dv.rate_min AS dv_rate_min, dv.low_hours AS dv_low_hours
FROM _sf_slots sl
ASOF LEFT JOIN _sf_uo uo ON uo.patient_key = sl.patient_key AND sl.t >= uo.e
ASOF LEFT JOIN _sf_dv dv ON dv.patient_key = sl.patient_key AND sl.t >= dv.e`;

const TEMP_TABLES = ['_sf_slots', '_sf_mins', '_sf_point', '_sf_w0', '_sf_base', '_sf_uo', '_sf_dv', '_sf_ia'];
TEMP_TABLES.push('_sf_events', '_sf_evj', '_sf_episodes', '_sf_cov');
const DROP_TEMP = ['DROP VIEW IF EXISTS _sf_all', ...TEMP_TABLES.map((t) => `DROP TABLE IF EXISTS ${t}`)];

// Keys are epoch microseconds * 4 + k: k = 0 end of an episode, 1 start / observation, 2 slot, so a frame
// "RANGE 4h PRECEDING" becomes (4 * h_us - 2) PRECEDING and (t - h, t] is exact.
const back = (us: number): number => 4 * us - 2;

/** What every part of the feature SQL reads: the options resolved once. */
interface FeatureSqlContext {
  W: number;
  stale: number;
  minCov: number;
  openH: number;
  centreFilter: string;
  /** The filter on the source tables' centre_id (TRUE for every centre). */
  inCentres: (alias?: string) => string;
  wanted: Set<RuleVariableCode>;
  allSpecs: [RuleVariableCode, FeatureSpec][];
  specs: [RuleVariableCode, FeatureSpec][];
  /** Clinical event types some wanted variable reads. */
  usedEvents: EventType[];
}

function featureSqlContext(options: SlotFeatureOptions): FeatureSqlContext {
  const W = (options.intervalHours ?? 8) * US_PER_H;
  const stale = (options.intervalStalenessHours ?? 4) * US_PER_H;
  const minCov = options.minCoverage ?? 0.95;
  const openH = options.openEventHours ?? 8;
  const centreList = options.centres === undefined ? null : options.centres.map(q).join(', ') || 'NULL';
  const centreFilter = centreList === null ? '' : `WHERE s.centre_id IN (${centreList})`;
  // Rows of the source tables for the selected centres: a filter on centre_id, never a semi-join on patients.
  const inCentres = (alias = ''): string => (centreList === null ? 'TRUE' : `${alias}centre_id IN (${centreList})`);
  const wanted = new Set<RuleVariableCode>(options.variables ?? (Object.keys(FEATURE_SPECS) as RuleVariableCode[]));
  for (const v of [...wanted]) for (const d of FEATURE_DEPENDS[v] ?? []) wanted.add(d);
  const allSpecs = Object.entries(FEATURE_SPECS) as [RuleVariableCode, FeatureSpec][];
  const specs = allSpecs.filter(([name]) => wanted.has(name));

  const eventTypes = Object.keys(CLINICAL_EVENT_TYPES) as EventType[];
  const usedEvents = [
    ...new Set(
      specs.flatMap(([name, s]): string[] =>
        s.kind === 'event_present' || s.kind === 'event_hours' || s.kind === 'episode_hours' ? [...RULE_VARIABLES[name].from] : [],
      ),
    ),
  ].filter((e: string): e is EventType => (eventTypes as string[]).includes(e));
  return { W, stale, minCov, openH, centreFilter, inCentres, wanted, allSpecs, specs, usedEvents };
}

/** The SQL statements computeSlotFeatures runs, in order (exposed for inspection and the bench). */
export function slotFeaturesSql(options: SlotFeatureOptions = {}): string[] {
  const ctx = featureSqlContext(options);
  return [...pointStatements(ctx), ...intervalStatements(ctx), ...eventStatements(ctx), ...assemblyStatements(ctx, options), ...DROP_TEMP];
}

/** 1. The slots, and the point observations at each (latest within a look-back, minimum over a window, first weight). */
function pointStatements(ctx: FeatureSqlContext): string[] {
  const { centreFilter, inCentres, specs } = ctx;
  // sid numbers the slots in SLOT_ORDER: every per-slot table is keyed by it (one integer, not a cycle id and a slot
  // number) and the output is sorted by it.
  const slots = `CREATE OR REPLACE TEMP TABLE _sf_slots AS
SELECT s.centre_id, s.patient_key, s.cycle_id, s.slot_number, s.scheduled_at, s.status, s.hold_reason_codes,
  c.dosing_weight_kg, c.start_at AS cycle_start_at, epoch_us(s.scheduled_at) AS t, epoch_us(s.scheduled_at) * 4 + 2 AS k,
  row_number() OVER (ORDER BY ${SLOT_ORDER.map((c) => `s.${c}`).join(', ')})::INTEGER AS sid
FROM dose_slot s JOIN cycle c ON c.cycle_id = s.cycle_id ${centreFilter}`;

  // 1. Point observations. Latest value within a look-back: one ASOF join per variable (sort-merge, scales linearly).
  const latestSpecs = specs.filter(([, s]) => s.kind === 'latest' || s.kind === 'rising' || s.kind === 'weight_gain');
  const latestVars = [...new Set(latestSpecs.map(([, s]) => ('obs' in s ? s.obs : 'weight')))];
  const asofJoins = latestVars
    .map(
      (
        v,
      ) => `ASOF LEFT JOIN (SELECT patient_key, epoch_us(observed_at) AS ot, ` +
        `value${v === 'creatinine' ? ', (value > lag(value) OVER (PARTITION BY patient_key ORDER BY observed_at))::DOUBLE AS rising' : ''}
    FROM observation WHERE variable = ${q(v)} AND ${TIMED_OBSERVATION} AND ${inCentres()}) j_${v}
  ON j_${v}.patient_key = sl.patient_key AND sl.t >= j_${v}.ot`,
    )
    .join('\n');
  const latestExprs = latestSpecs.map(([name, s]) => {
    const h = (s as { lookbackHours: number }).lookbackHours * US_PER_H;
    if (s.kind === 'latest') return `CASE WHEN sl.t - j_${s.obs}.ot < ${h} THEN j_${s.obs}.value END AS ${name}`;
    if (s.kind === 'rising') return `CASE WHEN sl.t - j_${s.obs}.ot < ${h} THEN j_${s.obs}.rising END AS ${name}`;
    return `CASE WHEN sl.t - j_weight.ot < ${h} THEN j_weight.value END AS _weight_latest`;
  });
  // Minimum over a window: a stream of slots and those observations, min() over a RANGE frame (segment tree).
  const minSpecs = specs.filter(([, s]) => s.kind === 'window_min') as [RuleVariableCode, Extract<FeatureSpec, { kind: 'window_min' }>][];
  const minVars = [...new Set(minSpecs.map(([, s]) => s.obs))];
  const mins = `CREATE OR REPLACE TEMP TABLE _sf_mins AS
SELECT sid${minSpecs.map(([name, s]) => `, min(v_${s.obs}) OVER (PARTITION BY patient_key ORDER BY k RANGE BETWEEN ` +
  `${back(s.windowHours * US_PER_H)} PRECEDING AND CURRENT ROW) AS ${name}`).join('')}
FROM (
  SELECT patient_key, epoch_us(observed_at) * 4 + 1 AS k, NULL::INTEGER AS sid${minVars.map((v) => `, CASE WHEN variable ` +
    `= ${q(v)} THEN value END AS v_${v}`).join('')}
  FROM observation WHERE variable IN (${minVars.map(q).join(', ') || 'NULL'}) AND ${TIMED_OBSERVATION} AND ${inCentres()}
  UNION ALL
  SELECT patient_key, k, sid${minVars.map(() => ', NULL').join('')} FROM _sf_slots
) QUALIFY sid IS NOT NULL`;
  const point = `CREATE OR REPLACE TEMP TABLE _sf_point AS
SELECT sl.sid${latestExprs.map((e) => `,\n  ${e}`).join('')}${minSpecs.map(([name]) => `, m.${name}`).join('')}
FROM _sf_slots sl
${asofJoins}
LEFT JOIN _sf_mins m ON m.sid = sl.sid`;

  const firstWeight = `CREATE OR REPLACE TEMP TABLE _sf_w0 AS
SELECT cycle_id, arg_min(value, observed_at) AS w0 FROM observation
WHERE variable = 'weight' AND ${inCentres()} AND cycle_id IN (SELECT DISTINCT cycle_id FROM _sf_slots) GROUP BY cycle_id`;
  // The patient's baseline creatinine: the last value at or before the patient's first dose slot (a resume condition
  // "back to baseline" compares with it); a date-only value counts once its whole day has passed by then.
  const baseline = `CREATE OR REPLACE TEMP TABLE _sf_base AS
SELECT f.patient_key, arg_max(o.value, o.observed_at) AS cr0
FROM (SELECT patient_key, min(scheduled_at) AS first_at FROM _sf_slots GROUP BY patient_key) f
JOIN observation o ON o.patient_key = f.patient_key AND o.variable = 'creatinine' AND ${PERIOD_END('o.observed_at', 'o.observed_precision')} <= f.first_at
  AND ${inCentres('o.')}
GROUP BY f.patient_key`;
  return [slots, mins, point, firstWeight, baseline];
}

/** 2. Interval totals (urine, stool) per charted series, and the latest window at each slot. */
function intervalStatements(ctx: FeatureSqlContext): string[] {
  const { W, minCov, inCentres } = ctx;
  // (urine, stool): rolling window over each charted series, then the latest window at the dose. A run of low-rate
  // periods (< 10 mL/h, each starting within a minute of the last one's end) holds only low-rate periods, so the runs
  // are numbered and measured among those rows alone: two sorts of a few per cent of the series instead of two of all
  // of it (docs/decisions.md §57).
  const intervalSeries = (obs: 'urine_output' | 'diarrhoea_volume', name: string) => `CREATE OR REPLACE TEMP TABLE ${name} AS
WITH s AS (
  SELECT patient_key, epoch_us(observed_at) AS e, value AS v, period_hours AS p, value / period_hours AS rate,
    epoch_us(observed_at) - CAST(period_hours * ${US_PER_H} AS BIGINT) AS st
  FROM observation
  WHERE variable = ${q(obs)} AND period_hours > 0 AND ${TIMED_OBSERVATION} AND ${inCentres()}
), w AS (
  SELECT *, sum(v) OVER win AS sv, sum(p) OVER win AS sp, min(st) OVER win AS s0, first_value(v) OVER win AS v1,
    first_value(p) OVER win AS p1, min(rate) OVER win AS rmin,
    lag(e) OVER (PARTITION BY patient_key ORDER BY e) AS prev_e, lag(rate) OVER (PARTITION BY patient_key ORDER BY e) AS prev_rate
  FROM s WINDOW win AS (PARTITION BY patient_key ORDER BY e RANGE BETWEEN ${W - 1} PRECEDING AND CURRENT ROW)
), x AS MATERIALIZED (
  SELECT patient_key, e, st, rate, CASE WHEN rate < 10 AND prev_rate < 10 AND st <= prev_e + 60000000 THEN 0 ELSE 1 END AS starts_run,
    least(sp - excess_h, ${W / US_PER_H}) AS covered_h,
    CASE WHEN sp - excess_h >= ${minCov * (W / US_PER_H)} THEN (sv - v1 * excess_h / p1) * ${W / US_PER_H} / least(sp - excess_h, ${W / US_PER_H}) END AS total,
    CASE WHEN sp - excess_h >= ${minCov * (W / US_PER_H)} THEN rmin END AS rate_min
  FROM (SELECT *, greatest(0, (e - ${W}) - s0) / ${US_PER_H} AS excess_h FROM w)
)
SELECT patient_key, e, covered_h, total, rate_min, 0::DOUBLE AS low_hours FROM x WHERE (rate < 10) IS NOT TRUE
UNION ALL
SELECT patient_key, e, covered_h, total, rate_min, (e - min(st) OVER (PARTITION BY patient_key, run_id)) / ${US_PER_H} AS low_hours
FROM (SELECT *, sum(starts_run) OVER (PARTITION BY patient_key ORDER BY e ROWS UNBOUNDED PRECEDING) AS run_id FROM x WHERE rate < 10)`;
  const intervalAtSlot = INTERVAL_AT_SLOT;
  return [intervalSeries('urine_output', '_sf_uo'), intervalSeries('diarrhoea_volume', '_sf_dv'), intervalAtSlot];
}

/** Per event type at a slot: certainly active (a_), onset period not over (p_), hours since the certain onset (h_). */
const eventColumns = (type: string, e: string) =>
  `, bool_or(e.event_type = ${type} AND e.s_us <= sl.t) AS a_${e}, bool_or(e.event_type = ${type} AND e.s_us > sl.t) AS p_${e}` +
  `, max(CASE WHEN e.event_type = ${type} AND e.s_us <= sl.t THEN (sl.t - e.s_us) / ${US_PER_H} END) AS h_${e}`;

/** 3. Infusions and clinical events at each slot: pressors, active events, episodes, and what each centre records. */
function eventStatements(ctx: FeatureSqlContext): string[] {
  const { W, openH, inCentres, specs, usedEvents } = ctx;
  // One small stream of infusion starts/ends and slots.
  const cum = 'OVER (PARTITION BY patient_key ORDER BY k RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)';
  const left = `OVER (PARTITION BY patient_key ORDER BY k RANGE BETWEEN UNBOUNDED PRECEDING AND ${4 * W + 1} PRECEDING)`;
  const inWin = `OVER (PARTITION BY patient_key ORDER BY k RANGE BETWEEN ${back(W)} PRECEDING AND CURRENT ROW)`;
  const events = `CREATE OR REPLACE TEMP TABLE _sf_events AS
WITH seg AS (
  SELECT i.patient_key, i.agent, i.rate, epoch_us(i.start_at) AS s_us, epoch_us(i.end_at) AS e_us
  FROM infusion i
  WHERE ${inCentres('i.')} AND i.agent IN (${PRESSORS.map(q).join(', ')}) AND i.rate > 0
),
rows AS (
  SELECT patient_key, s_us * 4 + 1 AS k, 1 AS delta, CASE WHEN agent = 'phenylephrine' THEN rate END AS phen FROM seg
  UNION ALL SELECT patient_key, e_us * 4, -1, CASE WHEN agent = 'phenylephrine' THEN 0 END FROM seg WHERE e_us IS NOT NULL
), stream AS (
  SELECT patient_key, k, NULL::INTEGER AS sid, delta AS d_pressor,
    CASE WHEN delta = 1 THEN 1 END AS pstart, phen AS phen_change, CASE WHEN delta = 1 THEN phen END AS phen_start
  FROM rows
  UNION ALL
  SELECT patient_key, k, sid, NULL, NULL, NULL, NULL FROM _sf_slots
)
SELECT sid,
  coalesce(last_value(phen_change IGNORE NULLS) ${cum}, 0) AS phen_at,
  greatest(coalesce(last_value(phen_change IGNORE NULLS) ${left}, 0), coalesce(max(phen_start) ${inWin}, 0)) AS phen_max,
  (coalesce(sum(d_pressor) ${left}, 0) > 0 OR count(pstart) ${inWin} > 0) AS pressor_any
FROM stream QUALIFY sid IS NOT NULL`;

  // Clinical events active at the dose: a join of slots to the patient's (few) episodes. An onset known only to its day
  // (month, year) is certain from the end of that period (s_us); from its start (s0_us) until then the event is pending
  // (p_*): the slot cannot say whether it had begun.
  const onsetKnown = `epoch_us(${PERIOD_END('c.onset_at', 'c.onset_precision')})`;
  const activeEvents = `CREATE OR REPLACE TEMP TABLE _sf_evj AS
WITH ev AS (
  SELECT c.patient_key, c.cycle_id, c.event_type, epoch_us(c.onset_at) AS s0_us, ${onsetKnown} AS s_us,
    CASE WHEN c.resolved_at IS NOT NULL THEN epoch_us(c.resolved_at)
         WHEN c.cycle_id IS NOT NULL OR c.event_type IN (${OPEN_ENDED_EVENTS.map(q).join(', ')}) THEN NULL
         ELSE ${onsetKnown} + ${openH * US_PER_H} END AS e_us
  FROM clinical_event c
  WHERE c.event_type IN (${usedEvents.map(q).join(', ') || 'NULL'}) AND ${inCentres('c.')}
)
SELECT sl.sid
  ${usedEvents.map((e) => eventColumns(q(e), e)).join('\n  ')}
FROM _sf_slots sl JOIN ev e ON e.patient_key = sl.patient_key AND e.s0_us <= sl.t
  AND (e.e_us > sl.t OR (e.e_us IS NULL AND (e.cycle_id IS NULL OR e.cycle_id = sl.cycle_id)))
GROUP BY sl.sid`;

  // Duration limits (intubation > 72 h, dialysis > 72 h, coma > 48 h) are judged on the episode, not at dose times: the
  // longest episode of the patient so far (any cycle or course), cut at the slot. An episode that passes its limit after
  // a cycle's last dose is seen at the patient's next slot. An unresolved episode counts to the slot within its own
  // cycle; in a later cycle its length is unknown and it counts 0.
  const episodeEvents = [...new Set(specs.flatMap(([name, s]): string[] => (s.kind === 'episode_hours' ? [...RULE_VARIABLES[name].from] : [])))] as EventType[];
  const EPISODE_END = 'CASE WHEN e.e_us IS NOT NULL THEN least(e.e_us, sl.t) WHEN e.cycle_id IS NULL OR e.cycle_id = sl.cycle_id THEN sl.t ELSE e.s_us END';
  const episodes = `CREATE OR REPLACE TEMP TABLE _sf_episodes AS
WITH ev AS (
  SELECT patient_key, cycle_id, event_type, epoch_us(${PERIOD_END('onset_at', 'onset_precision')}) AS s_us, epoch_us(resolved_at) AS e_us
  FROM clinical_event WHERE event_type IN (${episodeEvents.map(q).join(', ') || 'NULL'}) AND ${inCentres()}
)
SELECT sl.sid
  ${episodeEvents.map((e) => `, max(CASE WHEN e.event_type = ${q(e)} THEN (${EPISODE_END} - e.s_us) / ${US_PER_H} END) AS x_${e}`).join('\n  ')}
FROM _sf_slots sl JOIN ev e ON e.patient_key = sl.patient_key AND e.s_us <= sl.t
GROUP BY sl.sid`;

  // Which centres record what at all: a centre that never records an event type or a pressor cannot show its absence.
  const coverage = `CREATE OR REPLACE TEMP TABLE _sf_cov AS
SELECT s.centre_id,
  EXISTS (SELECT 1 FROM infusion i WHERE i.centre_id = s.centre_id AND i.agent IN (${PRESSORS.map(q).join(', ')})) AS has_pressor
  ${usedEvents.map((e) => `, EXISTS (SELECT 1 FROM clinical_event c WHERE c.centre_id = s.centre_id AND c.event_type = ${q(e)}) AS has_${e}`).join('\n  ')}
FROM (SELECT DISTINCT centre_id FROM _sf_slots) s`;
  return [events, activeEvents, episodes, coverage];
}

/** 4. Assemble every feature column per slot, then the consecutive-shift counts, into the output table. */
function assemblyStatements(ctx: FeatureSqlContext, options: SlotFeatureOptions): string[] {
  const { W, stale, wanted, allSpecs, specs } = ctx;
  const out = options.table ?? 'slot_features';
  // 4. Assemble.
  const stale_ = (alias: string) => `ia.${alias}_age <= ${stale}`;
  const cols = allSpecs.flatMap(([name, s]): string[] => {
    if (!wanted.has(name)) return s.kind === 'engine_counter' ? [] : [`NULL::DOUBLE AS ${name}`];
    switch (s.kind) {
      case 'latest':
      case 'window_min':
      case 'rising':
        return [`p.${name}`];
      case 'weight_gain':
        return [`(p._weight_latest - w0.w0) / w0.w0 * 100 AS ${name}`];
      case 'baseline_change':
        return [`p.creatinine - b0.cr0 AS ${name}`];
      case 'interval_total': {
        const a = s.obs === 'urine_output' ? 'uo' : 'dv';
        const ok = stale_(a);
        // The mean rate is the shift total over the shift's hours: the same whatever the charting interval.
        const m = {
          total: `ia.${a}_total`,
          per_kg: `ia.${a}_total / sl.dosing_weight_kg`,
          rate_mean: `ia.${a}_total / ${W / US_PER_H}`,
          rate_min: `ia.${a}_rate_min`,
          low_run_hours: `ia.${a}_low_hours`,
        }[s.measure];
        return [`CASE WHEN ${ok} THEN ${m} END AS ${name}`];
      }
      case 'consecutive_shifts':
        return [];
      case 'pressor_at_dose':
        return [`CASE WHEN cov.has_pressor THEN coalesce(ev.phen_at, 0) END AS ${name}`];
      case 'pressor_max':
        return [`CASE WHEN cov.has_pressor THEN coalesce(ev.phen_max, 0) END AS ${name}`];
      case 'pressor_any':
        return [`CASE WHEN cov.has_pressor THEN coalesce(ev.pressor_any, false)::DOUBLE END AS ${name}`];
      case 'event_present': {
        const from = RULE_VARIABLES[name].from as readonly EventType[];
        // Present if an event is certainly under way; unknown (NULL) if one may have begun but its onset day is not over.
        const any = (p: string) => from.map((e) => `coalesce(ej.${p}_${e}, false)`).join(' OR ');
        const covered = from.map((e) => `cov.has_${e}`).join(' OR ');
        return [`CASE WHEN ${covered} THEN CASE WHEN ${any('a')} THEN 1.0 WHEN ${any('p')} THEN NULL ELSE 0.0 END END AS ${name}`];
      }
      case 'episode_hours': {
        const e = RULE_VARIABLES[name].from[0] as EventType;
        return [`CASE WHEN cov.has_${e} THEN coalesce(ep.x_${e}, 0) END AS ${name}`];
      }
      case 'event_hours': {
        // The longest-lasting of the variable's events active at the dose (mental status reads several event types).
        const from = RULE_VARIABLES[name].from as readonly EventType[];
        const hours = from.length === 1 ? `coalesce(ej.h_${from[0]}, 0)` : `greatest(${from.map((e) => `coalesce(ej.h_${e}, 0)`).join(', ')})`;
        const anyOf = (p: string) => from.map((e) => `coalesce(ej.${p}_${e}, false)`).join(' OR ');
        const pendingOnly = `(${anyOf('p')}) AND NOT (${anyOf('a')})`;
        return [`CASE WHEN ${from.map((e) => `cov.has_${e}`).join(' OR ')} AND NOT (${pendingOnly}) THEN ${hours} END AS ${name}`];
      }
      case 'recorded_held':
        return [
          `count(*) FILTER (WHERE sl.status = 'held') OVER (PARTITION BY sl.cycle_id ORDER BY sl.slot_number ROWS BETWEEN UNBOUNDED PRECEDING AND 1 ` +
            `PRECEDING)::DOUBLE AS ${name}`,
        ];
      case 'engine_counter':
        return [];
    }
  });
  // A view: the final statement reads it (twice, with the consecutive-shift counts); materialising it first cost
  // 0.53 s of the 0.94 s the two took (lakeshore).
  const assembled = `CREATE OR REPLACE TEMP VIEW _sf_all AS
SELECT sl.sid, sl.centre_id, sl.patient_key, sl.cycle_id, sl.slot_number, sl.scheduled_at, sl.status, sl.hold_reason_codes, sl.dosing_weight_kg,
  sl.cycle_start_at, ${cols.join(',\n  ')}
FROM _sf_slots sl
LEFT JOIN _sf_point p ON p.sid = sl.sid
LEFT JOIN _sf_events ev ON ev.sid = sl.sid
LEFT JOIN _sf_evj ej ON ej.sid = sl.sid
LEFT JOIN _sf_episodes ep ON ep.sid = sl.sid
LEFT JOIN _sf_w0 w0 ON w0.cycle_id = sl.cycle_id
LEFT JOIN _sf_base b0 ON b0.patient_key = sl.patient_key
LEFT JOIN _sf_cov cov ON cov.centre_id = sl.centre_id
LEFT JOIN _sf_ia ia ON ia.sid = sl.sid`;

  // Consecutive shifts at or over the level, ending at this slot; NULL when a missing shift breaks the run.
  const consec = specs.filter(([, s]) => s.kind === 'consecutive_shifts') as [RuleVariableCode, Extract<FeatureSpec, { kind: 'consecutive_shifts' }>][];
  const consecCte = consec.map(
    ([name, s]) => `c_${name} AS (
  SELECT sid, CASE WHEN f IS NULL THEN NULL WHEN f = 0 THEN 0 WHEN first_value(f IS NULL) OVER g AND grp > 0 THEN NULL
    ELSE row_number() OVER g - CASE WHEN grp > 0 THEN 1 ELSE 0 END END::DOUBLE AS ${name}
  FROM (SELECT sid, cycle_id, slot_number, f, sum(CASE WHEN f = 1 THEN 0 ELSE 1 END)
          OVER (PARTITION BY cycle_id ORDER BY slot_number ROWS UNBOUNDED PRECEDING) AS grp
        FROM (SELECT sid, cycle_id, slot_number, CASE WHEN ${s.of} IS NULL THEN NULL WHEN ${s.of} >= ${s.atLeast} THEN 1 ELSE 0 END AS f FROM _sf_all))
  WINDOW g AS (PARTITION BY cycle_id, grp ORDER BY slot_number ROWS UNBOUNDED PRECEDING)
)`,
  );
  const ordered = FEATURE_COLUMNS.map((c) => (consec.some(([n]) => n === c) ? `c_${c}.${c}` : `a.${c}`));
  const final = `CREATE OR REPLACE ${options.temp === true ? 'TEMP ' : ''}TABLE ${out} AS
${consecCte.length ? `WITH ${consecCte.join(',\n')}` : ''}
SELECT a.centre_id, a.patient_key, a.cycle_id, a.slot_number, a.scheduled_at, a.status, a.hold_reason_codes, a.dosing_weight_kg,
  row_number() OVER (PARTITION BY a.cycle_id ORDER BY a.slot_number) = 1 AS first_in_cycle,
  ${ordered.join(', ')}
FROM _sf_all a ${consec.map(([n]) => `LEFT JOIN c_${n} USING (sid)`).join(' ')}
ORDER BY a.sid`;
  return [assembled, final];
}

/** Slot-level columns read beside the features. */
export interface SlotFeatureFrame extends SlotFeatureTable {
  centre_id: string[];
  patient_key: string[];
  status: string[];
  hold_reason_codes: string[][];
}

export interface ReadSlotFeatureOptions {
  /** Table to read (default slot_features). */
  table?: string;
  /** Centres to read (default: every centre in the table), always in centre_id order. */
  centres?: readonly string[];
  /** Table to read a given centre from (default: `table`): lets stored and freshly computed centres be read together. */
  tableFor?: (centre: string) => string;
}

const STATUS_CODES = Object.keys(SLOT_STATUSES) as (keyof typeof SLOT_STATUSES)[];

/**
 * Reads slot_features into the columnar table the engine evaluates (missing -> NaN), centre by centre in SLOT_ORDER.
 * The table must hold each centre's rows in SLOT_ORDER (computeSlotFeatures and refreshStoredSlotFeatures write them so):
 * rows are read in stored order, not sorted again.
 * @example const features = await readSlotFeatures(conn); evaluateRuleset(consensus, features)
 */
export async function readSlotFeatures(conn: DuckDBConnection, options: ReadSlotFeatureOptions = {}): Promise<SlotFeatureFrame> {
  const table = options.table ?? 'slot_features';
  const centres =
    options.centres === undefined
      ? (await conn.runAndReadAll(`SELECT DISTINCT centre_id FROM ${table} ORDER BY 1`)).getRows().map((r) => String(r[0]))
      : [...new Set(options.centres)].sort();
  // Strings only where they change (first slot of a cycle) and codes for the status: decoding a string per row and
  // column cost more than the whole query. Chunk by chunk, straight into typed arrays (rules/columns.ts).
  const chunks: DuckDBDataChunk[] = [];
  let n = 0;
  for (const centre of centres) {
    const from = options.tableFor?.(centre) ?? table;
    const part = await fetchChunks(
      await conn.stream(
        `SELECT CASE WHEN first_in_cycle THEN centre_id END, CASE WHEN first_in_cycle THEN patient_key END, CASE WHEN first_in_cycle THEN cycle_id END,
           slot_number, CASE status ${STATUS_CODES.map((c, k) => `WHEN ${q(c)} THEN ${k}`).join(' ')} END::INTEGER AS status_code,
           nullif(array_to_string(hold_reason_codes, '|'), '') AS reasons,
           [${FEATURE_COLUMNS.join(', ')}]::DOUBLE[${FEATURE_COLUMNS.length}] AS features
         FROM ${from} WHERE centre_id = ${q(centre)}`,
      ),
    );
    chunks.push(...part.chunks);
    n += part.n;
  }
  const slotNumber = new Int32Array(n);
  readNumberColumn(chunks, 3, slotNumber, 0);
  const statusCode = new Int32Array(n);
  readNumberColumn(chunks, 4, statusCode, -1);
  const status = Array.from(statusCode, (k) => STATUS_CODES[k] ?? 'unknown');
  const none: string[] = []; // one shared empty list: most slots have no recorded reason
  const reasons = readSparseStringColumn(chunks, 5).map((r) => (r === null ? none : r.split('|')));
  const cols = FEATURE_COLUMNS.map(() => new Float64Array(n));
  readDoubleArrayColumn(chunks, 6, cols);
  const values: Partial<Record<RuleVariableCode, Float64Array>> = {};
  FEATURE_COLUMNS.forEach((c, k) => {
    values[c] = cols[k]!;
  });
  const [centreId, patientKey, cycleId] = [0, 1, 2].map((j) => {
    const sparse = readSparseStringColumn(chunks, j);
    const out = new Array<string>(n);
    let last: string | null = null;
    for (let i = 0; i < n; i++) {
      if (sparse[i] !== null) last = sparse[i]!;
      if (last === null)
        throw new Error(`readSlotFeatures: ${table} row ${i} is not preceded by the first slot of its cycle; rows must be stored in SLOT_ORDER`);
      out[i] = last;
    }
    return out;
  }) as [string[], string[], string[]];
  return { n, centre_id: centreId, patient_key: patientKey, cycle_id: cycleId, slot_number: slotNumber, status, hold_reason_codes: reasons, values };
}
