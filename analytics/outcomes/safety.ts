// Serious events and treatment-related deaths per 100 patients (exact binomial interval) and per course (exact Poisson
// interval), by centre × regimen, with ALL-centre rows per regimen and one row pooled across regimens that says so.
import { clopperPearsonInterval, poissonExactInterval } from '../stats/index.js';
import { regimenLabel } from '../doses/types.js';
import type { OutcomeCycle, OutcomeInputs } from './types.js';
import { CLINICAL_EVENT_TYPES } from '../../schemas/vocabularies.js';

/** Serious events (issue 22): clinical_event types, plus treatment-related death from follow_up.death_cause. */
export const SERIOUS_EVENTS = ['icu_transfer', 'intubation', 'dialysis', 'coma', 'seizure', 'myocardial_infarction_or_ischaemia'] as const;
export const TREATMENT_RELATED_DEATH = 'treatment_related_death';
export const ANY_SERIOUS = 'any_serious';
export const POOLED_REGIMENS = 'all regimens (pooled)';

/** Reader's names of the safety rows' event types (the clinical-event vocabulary's, plus the two the analysis adds). */
export const SAFETY_EVENT_LABELS: Record<string, string> = {
  [ANY_SERIOUS]: 'Any serious event',
  ...Object.fromEntries(SERIOUS_EVENTS.map((t) => [t, CLINICAL_EVENT_TYPES[t]])),
  [TREATMENT_RELATED_DEATH]: 'Treatment-related death',
};

/** One row per centre × regimen × event type. */
export interface SafetyRow {
  centre_id: string;
  regimen: string;
  event_type: string;
  patients: number;
  patients_with_event: number;
  /** null where the event cannot be counted (treatment-related death at a centre whose export has no cause of death). */
  per_100_patients: number | null;
  per_100_lower: number | null;
  per_100_upper: number | null;
  courses: number;
  events: number;
  per_course: number | null;
  per_course_lower: number | null;
  per_course_upper: number | null;
  /** Events with no resolution recorded (possibly irreversible); deaths count here too. */
  unresolved: number;
  /** Why a rate is missing or what it leaves out ('' when nothing). */
  note: string;
}

/**
 * Centres whose deaths all have no known cause (their export has no cause-of-death field, e.g. lakeshore's): a
 * treatment-related death cannot be told from another there, so counting 0 would understate the rate.
 */
export function centresWithoutDeathCause(input: OutcomeInputs): Map<string, number> {
  const deaths = new Map<string, { n: number; known: number }>();
  for (const f of input.followUp) {
    if (f.death_at === null) continue;
    const d = deaths.get(f.centre_id) ?? { n: 0, known: 0 };
    d.n += 1;
    if (f.death_cause !== null && f.death_cause !== 'unknown') d.known += 1;
    deaths.set(f.centre_id, d);
  }
  return new Map([...deaths].filter(([, d]) => d.known === 0).map(([c, d]) => [c, d.n]));
}

const NO_RATE = { per_100_patients: null, per_100_lower: null, per_100_upper: null, per_course: null, per_course_lower: null, per_course_upper: null };
const noCauseNote = (centre: string, deaths: number) =>
  `not countable: ${centre}'s export records no cause of death (${deaths} death(s), cause unknown)`;

interface Occurrence {
  centre_id: string;
  patient_key: string;
  regimen: string;
  event_type: string;
  resolved: boolean;
}

const pk = (c: string, p: string) => `${c}\u0000${p}`;

function cycleFor(cycles: readonly OutcomeCycle[], cycleId: string | null, at: number): OutcomeCycle | undefined {
  return cycles.find((c) => c.cycle_id === cycleId) ?? [...cycles].reverse().find((c) => c.start_at <= at) ?? cycles[0];
}

function occurrences(input: OutcomeInputs, byPatient: Map<string, OutcomeCycle[]>): Occurrence[] {
  const out: Occurrence[] = [];
  for (const e of input.events) {
    if (!(SERIOUS_EVENTS as readonly string[]).includes(e.event_type)) continue;
    const c = cycleFor(byPatient.get(pk(e.centre_id, e.patient_key)) ?? [], e.cycle_id, e.onset_at);
    if (c)
      out.push({ centre_id: e.centre_id, patient_key: e.patient_key, regimen: regimenLabel(c), event_type: e.event_type, resolved: e.resolved_at !== null });
  }
  for (const f of input.followUp) {
    if (f.death_cause !== 'treatment_related' || f.death_at === null) continue;
    const c = cycleFor(byPatient.get(pk(f.centre_id, f.patient_key)) ?? [], null, f.death_at);
    if (c) out.push({ centre_id: f.centre_id, patient_key: f.patient_key, regimen: regimenLabel(c), event_type: TREATMENT_RELATED_DEATH, resolved: false });
  }
  return out;
}

function row(centre: string, regimen: string, type: string, patients: Set<string>, courses: number, occ: readonly Occurrence[], level: number): SafetyRow {
  const mine = type === ANY_SERIOUS ? occ : occ.filter((o) => o.event_type === type);
  const withEvent = new Set(mine.map((o) => pk(o.centre_id, o.patient_key))).size;
  const n = patients.size;
  const cp = clopperPearsonInterval(withEvent, n, level);
  const po = poissonExactInterval(mine.length, courses, level);
  return {
    note: '',
    centre_id: centre,
    regimen,
    event_type: type,
    patients: n,
    patients_with_event: withEvent,
    per_100_patients: 100 * cp.estimate,
    per_100_lower: 100 * cp.lower,
    per_100_upper: 100 * cp.upper,
    courses,
    events: mine.length,
    per_course: po.estimate,
    per_course_lower: po.lower,
    per_course_upper: po.upper,
    unresolved: mine.filter((o) => !o.resolved).length,
  };
}

/**
 * Serious-event rates. A patient treated with two regimens counts under each; the pooled row is labelled as pooled.
 * A centre with no serious events gets rows of 0 with exact upper limits (never NaN).
 * @example safetyRates(inputs).filter((r) => r.event_type === 'any_serious')
 */
export function safetyRates(input: OutcomeInputs, options: { level?: number } = {}): SafetyRow[] {
  const level = options.level ?? 0.95;
  const byPatient = new Map<string, OutcomeCycle[]>();
  for (const c of [...input.cycles].sort((a, b) => a.start_at - b.start_at)) {
    const k = pk(c.centre_id, c.patient_key);
    (byPatient.get(k) ?? byPatient.set(k, []).get(k)!).push(c);
  }
  const occ = occurrences(input, byPatient);
  const groups = new Map<string, { centre: string; regimen: string; patients: Set<string>; courses: Set<string> }>();
  const add = (centre: string, regimen: string, c: OutcomeCycle) => {
    const g =
      groups.get(`${centre}|${regimen}`) ??
      groups.set(`${centre}|${regimen}`, { centre, regimen, patients: new Set(), courses: new Set() }).get(`${centre}|${regimen}`)!;
    g.patients.add(pk(c.centre_id, c.patient_key));
    g.courses.add(`${pk(c.centre_id, c.patient_key)}|${c.course_number}`);
  };
  for (const c of input.cycles) {
    const regimen = regimenLabel(c);
    add(c.centre_id, regimen, c);
    add('ALL', regimen, c);
    add('ALL', POOLED_REGIMENS, c);
  }
  const types = [ANY_SERIOUS, ...SERIOUS_EVENTS, TREATMENT_RELATED_DEATH];
  const sorted = [...groups.values()].sort(
    (a, b) => (a.centre === 'ALL' ? 1 : 0) - (b.centre === 'ALL' ? 1 : 0) || a.centre.localeCompare(b.centre) || a.regimen.localeCompare(b.regimen),
  );
  const noCause = centresWithoutDeathCause(input);
  return sorted.flatMap((g) => {
    const mine = occ.filter((o) => (g.centre === 'ALL' || o.centre_id === g.centre) && (g.regimen === POOLED_REGIMENS || o.regimen === g.regimen));
    return types.map((t) => withDeathCause(row(g.centre, g.regimen, t, g.patients, g.courses.size, mine, level), g, mine, noCause, level));
  });
}

/**
 * Treatment-related death, and any serious event (which counts it), where a centre records no cause of death: missing
 * at that centre and left out of the ALL rows (said so), never counted as none.
 */
function withDeathCause(
  r: SafetyRow,
  g: { centre: string; regimen: string; patients: Set<string>; courses: Set<string> },
  occ: readonly Occurrence[],
  noCause: ReadonlyMap<string, number>,
  level: number,
): SafetyRow {
  if (noCause.size === 0 || (r.event_type !== TREATMENT_RELATED_DEATH && r.event_type !== ANY_SERIOUS)) return r;
  if (g.centre !== 'ALL') {
    const deaths = noCause.get(g.centre);
    return deaths === undefined ? r : { ...r, ...NO_RATE, note: noCauseNote(g.centre, deaths) };
  }
  const left = [...noCause.keys()].filter((c) => [...g.patients].some((p) => p.startsWith(`${c}\u0000`)));
  if (left.length === 0) return r;
  const keep = new Set([...g.patients].filter((p) => !left.some((c) => p.startsWith(`${c}\u0000`))));
  if (keep.size === 0) return { ...r, ...NO_RATE, note: `not countable: no centre here records a cause of death (${left.join(', ')})` };
  const courses = [...g.courses].filter((k) => !left.some((c) => k.startsWith(`${c}\u0000`))).length;
  const mine = occ.filter((o) => !left.includes(o.centre_id));
  return { ...row(g.centre, g.regimen, r.event_type, keep, courses, mine, level), note: `excludes ${left.join(', ')}: no cause of death exported` };
}
