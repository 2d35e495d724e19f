// Why each cycle ended, as one reason per cycle: under the centre's record, and under each ruleset (what would have
// stopped it first). Grain: reading × cycle (reasons), then reading × centre × reason (counts).
import { HOLD_REASONS } from '../../schemas/vocabularies.js';
import type { RulesetStop } from './ruleset-stops.js';
import type { OutcomeCycle } from './types.js';

export const RECORDED = 'recorded';
export const MAXIMUM_REACHED = 'maximum reached';
/** A cycle the centre stopped for toxicity that the ruleset would have let go on. */
export const NO_RULESET_STOP = 'no stop by this ruleset (centre: toxicity)';

/** One row per reading × cycle. */
export interface CycleEndReasonRow {
  reading: string;
  centre_id: string;
  cycle_id: string;
  reason: string;
}

/** Code of a cycle-end reason for a panel bundle (letters, digits, _ and :, no free text). */
export function cycleEndCode(reason: string): string {
  if (reason === MAXIMUM_REACHED) return 'maximum';
  if (reason === NO_RULESET_STOP) return 'no_ruleset_stop';
  const nonCriterion = Object.entries(NON_CRITERION).find(([, label]) => label === reason);
  if (nonCriterion) return nonCriterion[0] === 'max_reached' ? 'maximum_below_cap' : nonCriterion[0];
  const [kind, rest] = [reason.slice(0, reason.indexOf(':')), reason.slice(reason.indexOf(':') + 1).trim()];
  if (kind === 'policy') return `policy:${slug(rest)}`;
  if (kind !== 'criterion') return 'other';
  if (rest === 'not recorded') return 'criterion:not_recorded';
  const hold = Object.entries(HOLD_REASONS).find(([, v]) => v.label === rest);
  return hold ? `criterion:${hold[0]}` : `system:${slug(rest)}`;
}

/** The reader's wording of a reason code (the inverse of cycleEndCode, organ systems as their code reads). */
export function cycleEndLabel(code: string): string {
  if (code === 'maximum') return MAXIMUM_REACHED;
  if (code === 'no_ruleset_stop') return NO_RULESET_STOP;
  if (code === 'maximum_below_cap') return NON_CRITERION.max_reached!;
  if (code === 'not_stopped') return 'not stopped by this ruleset';
  if (code in NON_CRITERION) return NON_CRITERION[code]!;
  const [kind, rest] = [code.slice(0, code.indexOf(':')), code.slice(code.indexOf(':') + 1)];
  const words = rest.replace(/_/g, ' ');
  if (kind === 'policy') return `policy: ${words}`;
  if (kind === 'system') return `criterion: ${words.charAt(0).toUpperCase()}${words.slice(1)}`;
  if (kind === 'criterion') return `criterion: ${HOLD_REASONS[rest as keyof typeof HOLD_REASONS]?.label ?? words}`;
  return code;
}

/** An organ system or policy name as a code: lower case, runs of other characters as one _. */
export const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, 40);

/** The fixed codes of cycleEndCode (criterion, system and policy codes come from the vocabularies). */
export const CYCLE_END_FIXED_CODES = [
  'maximum',
  'no_ruleset_stop',
  'clinician',
  'patient',
  'window_closed',
  'other',
  'maximum_below_cap',
  'not_stopped',
] as const;

/** One row per reading × centre × reason. */
export interface CycleEndCountRow {
  reading: string;
  centre_id: string;
  reason: string;
  cycles: number;
  share: number;
}

const NON_CRITERION: Record<string, string> = {
  clinician: 'clinician',
  patient: 'patient',
  window_closed: 'window closed',
  other: 'other',
  max_reached: 'other (maximum recorded below the cap)',
};

/**
 * The centre's own reason: the maximum, the recorded non-criterion cause, or the criterion named most often on the
 * held slots after the last dose (ties: the first label in alphabetical order).
 */
export function recordedReason(c: OutcomeCycle): string {
  if (c.doses_given >= c.planned_max_doses) return MAXIMUM_REACHED;
  if (c.end_reason !== 'toxicity_stop') return NON_CRITERION[c.end_reason] ?? 'other';
  const counts = new Map<string, number>();
  for (const r of c.last_hold_reasons) {
    if (!(r in HOLD_REASONS) || HOLD_REASONS[r as keyof typeof HOLD_REASONS].kind !== 'clinical') continue;
    const label = HOLD_REASONS[r as keyof typeof HOLD_REASONS].label;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const best = [...counts.entries()].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0];
  return best ? `criterion: ${best[0]}` : 'criterion: not recorded';
}

/** A ruleset's reason: its first stop, else the maximum, else whatever non-criterion reason the centre recorded. */
function rulesetReason(c: OutcomeCycle, stop: RulesetStop | undefined): string {
  if (stop) return stop.reason;
  if (c.doses_given >= c.planned_max_doses) return MAXIMUM_REACHED;
  if (c.end_reason === 'toxicity_stop') return NO_RULESET_STOP;
  return NON_CRITERION[c.end_reason] ?? 'other';
}

/**
 * One reason per cycle under the record and under each ruleset whose stops are given.
 * @example cycleEndReasons(cycles, { consensus_2014_t3: rulesetStops(frame, ev) })
 */
export function cycleEndReasons(cycles: readonly OutcomeCycle[], stops: Readonly<Record<string, readonly RulesetStop[]>> = {}): CycleEndReasonRow[] {
  const rows: CycleEndReasonRow[] = cycles.map((c) => ({ reading: RECORDED, centre_id: c.centre_id, cycle_id: c.cycle_id, reason: recordedReason(c) }));
  for (const [ruleset, list] of Object.entries(stops).sort(([a], [b]) => a.localeCompare(b))) {
    const byCycle = new Map(list.map((s) => [s.cycle_id, s]));
    for (const c of cycles) rows.push({ reading: ruleset, centre_id: c.centre_id, cycle_id: c.cycle_id, reason: rulesetReason(c, byCycle.get(c.cycle_id)) });
  }
  return rows;
}

/** Counts and shares of each reason per reading × centre (and ALL). */
export function cycleEndCounts(rows: readonly CycleEndReasonRow[]): CycleEndCountRow[] {
  const counts = new Map<string, number>();
  const totals = new Map<string, number>();
  for (const r of rows) {
    for (const centre of [r.centre_id, 'ALL']) {
      const k = `${r.reading}\u0000${centre}\u0000${r.reason}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
      totals.set(`${r.reading}\u0000${centre}`, (totals.get(`${r.reading}\u0000${centre}`) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .map(([k, n]) => {
      const [reading, centre, reason] = k.split('\u0000') as [string, string, string];
      return { reading, centre_id: centre, reason, cycles: n, share: n / totals.get(`${reading}\u0000${centre}`)! };
    })
    .sort(
      (a, b) =>
        a.reading.localeCompare(b.reading) ||
        (a.centre_id === 'ALL' ? 1 : 0) - (b.centre_id === 'ALL' ? 1 : 0) ||
        a.centre_id.localeCompare(b.centre_id) ||
        b.cycles - a.cycles ||
        a.reason.localeCompare(b.reason),
    );
}
