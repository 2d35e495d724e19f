// Per-course times from the last dose to the reversal of a toxicity, with death as a competing event: creatinine back
// within 1.5× the pre-cycle value or back to it, off vasopressors, mental-status change resolved.
// Definitions are the kit's [INFERRED]; the sources give the recovery shares, not how to time them. "Raised" and "back"
// against the pre-course value are judged beyond measurement noise (creatinine-noise.ts; decisions: reversal under noise).
import { creatinineNoise, type CreatinineNoise } from './creatinine-noise.js';
import { DAY_MS, type OutcomeInputs, type OutcomeCycle } from './types.js';

export type ReversalMeasure = 'creatinine_1_5x' | 'creatinine_baseline' | 'pressor_free' | 'mental_status';

export const REVERSAL_LABELS: Record<ReversalMeasure, string> = {
  creatinine_1_5x: 'Creatinine back to ≤ 1.5× the pre-course value',
  creatinine_baseline: 'Creatinine back to baseline (within lab noise)',
  pressor_free: 'Off vasopressors',
  mental_status: 'Mental-status change resolved',
};

/** Event types counted as a mental-status change. */
export const MENTAL_STATUS_EVENTS = ['mental_status_change', 'hallucinations', 'coma'] as const;

/** One row per course × measure where the toxicity was present in its last cycle by the last dose (+ 24 h). */
export interface ReversalTime {
  centre_id: string;
  patient_key: string;
  cycle_id: string;
  measure: ReversalMeasure;
  /** Days from the last dose. */
  days: number;
  /** 0 censored, 1 reversed, 2 died first. */
  status: 0 | 1 | 2;
  /** The pre-course creatinine (mg/dL) for the creatinine measures; null for the others. */
  baseline: number | null;
}

export interface ReversalCounts {
  centre_id: string;
  measure: ReversalMeasure;
  present: number;
  absent: number;
  /** Cycles with no value to judge by (no pre-cycle creatinine). */
  not_evaluable: number;
}

const RAISED_WINDOW_MS = DAY_MS;
const pk = (c: string, p: string) => `${c}\u0000${p}`;

function index<T extends { centre_id: string; patient_key: string }>(rows: readonly T[], time: (r: T) => number): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) (m.get(pk(r.centre_id, r.patient_key)) ?? m.set(pk(r.centre_id, r.patient_key), []).get(pk(r.centre_id, r.patient_key))!).push(r);
  for (const list of m.values()) list.sort((a, b) => time(a) - time(b));
  return m;
}

/** The course's last cycle: its first dose, the course's first dose (the baseline is read before it), last dose, end of follow-up. */
interface Window {
  cycle: OutcomeCycle;
  courseFirst: number;
  first: number;
  last: number;
  end: number;
  death: number | null;
}

function creatinineTimes(
  w: Window,
  values: readonly { observed_at: number; value: number }[],
  factor: number,
  measure: ReversalMeasure,
): ReversalTime | 'absent' | 'not_evaluable' {
  const before = values.filter((v) => v.observed_at <= w.courseFirst);
  if (before.length === 0) return 'not_evaluable';
  const baseline = before[before.length - 1]!.value;
  const threshold = factor * baseline;
  const raised = values.some((v) => v.observed_at >= w.first && v.observed_at <= w.last + RAISED_WINDOW_MS && v.value > threshold);
  if (!raised) return 'absent';
  const after = values.filter((v) => v.observed_at > w.last && v.observed_at <= w.end);
  const back = after.find((v) => v.value <= threshold);
  return outcome(w, measure, back?.observed_at ?? null, after.length ? after[after.length - 1]!.observed_at : w.last, baseline);
}

function outcome(w: Window, measure: ReversalMeasure, reversedAt: number | null, lastSeen: number, baseline: number | null = null): ReversalTime {
  const base = { centre_id: w.cycle.centre_id, patient_key: w.cycle.patient_key, cycle_id: w.cycle.cycle_id, measure, baseline };
  const days = (t: number) => Math.max(0, (t - w.last) / DAY_MS);
  if (reversedAt !== null && (w.death === null || reversedAt <= w.death)) return { ...base, days: days(reversedAt), status: 1 };
  if (w.death !== null && w.death <= w.end) return { ...base, days: days(w.death), status: 2 };
  return { ...base, days: days(lastSeen), status: 0 };
}

function intervalTimes(w: Window, spans: readonly { start: number; end: number | null }[], measure: ReversalMeasure): ReversalTime | 'absent' {
  const mine = spans.filter((s) => s.start >= w.first - RAISED_WINDOW_MS && s.start <= w.end && (s.end === null || s.end >= w.first));
  if (!mine.some((s) => s.start <= w.last + RAISED_WINDOW_MS)) return 'absent';
  // No end recorded: ongoing at export (or not recorded), so censored at the end of the cycle's follow-up.
  if (mine.some((s) => s.end === null)) return outcome(w, measure, null, w.end);
  return outcome(w, measure, Math.max(...mine.map((s) => s.end!)), w.end);
}

/** The last cycle with a dose of each course, with the course's first dose; in time order per patient. */
function courseEnds(cycles: readonly OutcomeCycle[]): { cycle: OutcomeCycle; courseFirst: number }[] {
  const byCourse = new Map<number, OutcomeCycle[]>();
  for (const c of cycles) (byCourse.get(c.course_number) ?? byCourse.set(c.course_number, []).get(c.course_number)!).push(c);
  return [...byCourse.values()].map((cs) => ({ cycle: cs[cs.length - 1]!, courseFirst: Math.min(...cs.map((c) => c.first_dose_at ?? c.start_at)) }));
}

export interface ReversalOptions {
  /**
   * Share above the pre-course creatinine still read as baseline (and not a rise), or 'rcv' (default): per centre, the
   * reference change value √2 · 1.645 · CV with the CV estimated from the store (creatinineNoise).
   */
  baselineTolerance?: number | 'rcv';
}

function tolerances(
  input: OutcomeInputs,
  creat: ReadonlyMap<string, readonly { observed_at: number; value: number }[]>,
  option: number | 'rcv',
): { noise: CreatinineNoise[]; of: (centre: string) => number } {
  const noise = creatinineNoise(input.cycles, creat);
  if (option !== 'rcv') {
    if (!(option >= 0 && option < 0.5)) throw new Error(`reversalTimes: baselineTolerance must be in [0, 0.5) or 'rcv', got ${option}`);
    return { noise, of: () => option };
  }
  const by = new Map(noise.map((n) => [n.centre_id, n.tolerance]));
  return { noise, of: (centre) => by.get(centre) ?? 0 };
}

/**
 * Reversal times after the end of every course (its last cycle with a dose), per measure, and the counts of courses
 * where the toxicity was present, absent or not evaluable. The baseline is the last creatinine before the course's
 * first dose; follow-up ends at the next course's first dose, last contact or death. Cycle 1 of a course is not timed:
 * the second cycle follows it within days, before most toxicity could settle. Creatinine "back to baseline" (and a rise
 * to reverse) is judged against the pre-course value plus the centre's tolerance (options.baselineTolerance).
 * @example cumulativeIncidence of reversalTimes(inputs).times filtered to one measure
 */
export function reversalTimes(
  input: OutcomeInputs,
  options: ReversalOptions = {},
): { times: ReversalTime[]; counts: ReversalCounts[]; noise: CreatinineNoise[] } {
  const creat = index(input.creatinine, (r) => r.observed_at);
  const tol = tolerances(input, creat, options.baselineTolerance ?? 'rcv');
  const press = index(input.pressors, (r) => r.start_at);
  const mental = index(
    input.events.filter((e) => (MENTAL_STATUS_EVENTS as readonly string[]).includes(e.event_type)),
    (r) => r.onset_at,
  );
  const follow = new Map(input.followUp.map((f) => [pk(f.centre_id, f.patient_key), f]));
  const cycles = index(
    input.cycles.filter((c) => c.last_dose_at !== null),
    (c) => c.first_dose_at ?? c.start_at,
  );
  const times: ReversalTime[] = [];
  const counts = new Map<string, ReversalCounts>();
  const count = (centre: string, measure: ReversalMeasure, what: 'present' | 'absent' | 'not_evaluable') => {
    const k = `${centre}\u0000${measure}`;
    const c = counts.get(k) ?? counts.set(k, { centre_id: centre, measure, present: 0, absent: 0, not_evaluable: 0 }).get(k)!;
    c[what]++;
  };
  for (const [k, list] of cycles) {
    const f = follow.get(k);
    const ends = courseEnds(list);
    ends.forEach(({ cycle, courseFirst }, i) => {
      const next = ends[i + 1];
      const limits = [next ? next.courseFirst : Infinity, f?.last_contact_at ?? Infinity, f?.death_at ?? Infinity];
      const w: Window = {
        cycle,
        courseFirst,
        first: cycle.first_dose_at ?? cycle.start_at,
        last: cycle.last_dose_at!,
        end: Math.min(...limits),
        death: f?.death_at ?? null,
      };
      if (!Number.isFinite(w.end)) w.end = w.last + 90 * DAY_MS;
      for (const [measure, r] of courseResults(w, creat.get(k) ?? [], press.get(k) ?? [], mental.get(k) ?? [], tol.of(cycle.centre_id))) {
        if (typeof r === 'string') count(cycle.centre_id, measure, r);
        else {
          count(cycle.centre_id, measure, 'present');
          times.push(r);
        }
      }
    });
  }
  const sorted = [...counts.values()].sort((a, b) => a.centre_id.localeCompare(b.centre_id) || a.measure.localeCompare(b.measure));
  return { times, counts: sorted, noise: tol.noise };
}

function courseResults(
  w: Window,
  creat: readonly { observed_at: number; value: number }[],
  press: readonly { start_at: number; end_at: number | null }[],
  mental: readonly { onset_at: number; resolved_at: number | null }[],
  tol: number,
): [ReversalMeasure, ReversalTime | 'absent' | 'not_evaluable'][] {
  return [
    ['creatinine_1_5x', creatinineTimes(w, creat, 1.5, 'creatinine_1_5x')],
    ['creatinine_baseline', creatinineTimes(w, creat, 1 + tol, 'creatinine_baseline')],
    ['pressor_free', intervalTimes(w, press.map((s) => ({ start: s.start_at, end: s.end_at })), 'pressor_free')],
    ['mental_status', intervalTimes(w, mental.map((e) => ({ start: e.onset_at, end: e.resolved_at })), 'mental_status')],
  ];
}
