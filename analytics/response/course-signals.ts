// Per assessed course: the response and the §4.3 signals measured in the landmark window.
import { groupBy } from '../doses/group.js';
import type { PatientCaseMix } from '../doses/types.js';
import { responseMessages } from './messages.js';
import { labWindowParams, sameLabParams } from './course-labs.js';
import type { CourseLabRow, CourseSignalRow, CycleTiming, EventRow, LabRow, PressorRow, ResponseInputs } from './types.js';

const HOUR = 3_600_000;

export interface CourseSignalOptions {
  /** Course whose response is analysed (default 1: one row per patient, before any carry-over from earlier responses). 'all' keeps every assessed course. */
  course?: number | 'all';
  /** Hours after assessed_at still inside the window (default 24: many exports give the assessment date only). */
  windowEndGraceHours?: number;
  /** How far before the course's first dose a lymphocyte value may be to count as its baseline (default 14 days). */
  baselineLookbackHours?: number;
  /** TSH outside this interval (mIU/L) in the window counts as thyroid dysfunction (default [0.4, 4.5], a typical adult reference interval [ASSUMPTION]; null:
   * events only). */
  tshReference?: readonly [number, number] | null;
  /** NE assessments: counted as non-responders (default, as in intention-to-treat response rates) or left out. */
  notEvaluable?: 'non-responder' | 'exclude';
}

export interface CourseSignalsResult {
  rows: CourseSignalRow[];
  notes: string[];
}

const key = (r: { centre_id: string; patient_key: string }) => `${r.centre_id}\u0000${r.patient_key}`;

function index<T extends { centre_id: string; patient_key: string }>(rows: readonly T[]): Map<string, T[]> {
  return groupBy(rows, key);
}

function extreme(labs: readonly LabRow[] | undefined, variable: LabRow['variable'], from: number, to: number, pick: 'max' | 'min'): number | null {
  let best: number | null = null;
  for (const l of labs ?? []) {
    if (l.variable !== variable || l.observed_at < from || l.observed_at > to) continue;
    if (best === null || (pick === 'max' ? l.value > best : l.value < best)) best = l.value;
  }
  return best;
}

type LabSummary = Omit<CourseLabRow, 'centre_id' | 'patient_key' | 'course_number'>;
const NO_LABS: LabSummary = {
  lymphocyte_baseline: null,
  lymphocyte_peak_after_dosing: null,
  eosinophil_peak: null,
  platelet_nadir: null,
  bicarbonate_nadir: null,
  tsh_outside: false,
};

/** The reference path: one course's lab summary from its patient's lab rows (course-labs.ts does the same in DuckDB). */
function labsFromRows(
  pl: readonly LabRow[] | undefined,
  cs: readonly CycleTiming[],
  w: { start: number; end: number; lookback: number; tsh: readonly [number, number] | null },
): LabSummary {
  const firstDose = cs.find((c) => c.first_dose_at !== null)?.first_dose_at ?? w.start;
  let baseline: number | null = null;
  let baselineAt = -Infinity;
  for (const l of pl ?? []) {
    if (l.variable === 'lymphocytes' && l.observed_at <= firstDose && l.observed_at >= firstDose - w.lookback && l.observed_at >= baselineAt) {
      // Ties in the instant take the higher value, as the DuckDB path does.
      if (l.observed_at > baselineAt || baseline === null || l.value > baseline) baseline = l.value;
      baselineAt = l.observed_at;
    }
  }
  let peak: number | null = null;
  cs.forEach((c, i) => {
    if (c.last_dose_at === null) return;
    const until = i + 1 < cs.length ? Math.min(cs[i + 1]!.start_at, w.end) : w.end;
    for (const l of pl ?? []) {
      if (l.variable === 'lymphocytes' && l.observed_at > c.last_dose_at && l.observed_at < until && (peak === null || l.value > peak)) peak = l.value;
    }
  });
  const tsh = w.tsh;
  return {
    lymphocyte_baseline: baseline,
    lymphocyte_peak_after_dosing: peak,
    eosinophil_peak: extreme(pl, 'eosinophils', w.start, w.end, 'max'),
    platelet_nadir: extreme(pl, 'platelets', w.start, w.end, 'min'),
    bicarbonate_nadir: extreme(pl, 'bicarbonate', w.start, w.end, 'min'),
    tsh_outside:
      tsh !== null &&
      (pl ?? []).some((l) => l.variable === 'tsh' && l.observed_at >= w.start && l.observed_at <= w.end && (l.value < tsh[0] || l.value > tsh[1])),
  };
}

/** Given doses of unknown amount in the courses of `rows`. */
function cycleUnknownDoses(rows: readonly CourseSignalRow[], cycles: Map<string, CycleTiming[]>): number {
  let n = 0;
  for (const r of rows) {
    if (r.miu_per_kg_given !== null) continue;
    for (const c of cycles.get(key(r)) ?? []) if (c.course_number === r.course_number) n += c.doses_unknown_iu ?? 0;
  }
  return n;
}

/**
 * Builds one row per assessed patient course with its landmark signals:
 * lymphocyte rebound (highest count after a cycle's last dose and before the next cycle or the
 * assessment, over the last value in the 14 days before the course's first dose), eosinophil peak,
 * platelet and bicarbonate nadirs, highest phenylephrine rate (0 when none), thyroid dysfunction
 * (hypo-/hyperthyroidism with onset up to the window end, or TSH outside the reference interval in
 * the window) and vitiligo (onset up to the window end); doses and MIU/kg given in the course (null when a given dose's
 * amount is unknown: the course is left out of the cumulative-dose model, and a note counts it).
 * @example const { rows } = courseSignals(inputs, { course: 1 })
 */
export function courseSignals(inputs: ResponseInputs, options: CourseSignalOptions = {}): CourseSignalsResult {
  const course = options.course ?? 1;
  const params = labWindowParams(options);
  const grace = params.windowEndGraceHours * HOUR;
  const lookback = params.baselineLookbackHours * HOUR;
  const tsh = params.tshReference;
  if (inputs.courseLabs !== undefined && !sameLabParams(inputs.courseLabs.params, params))
    throw new Error(responseMessages.labParamsDiffer(inputs.courseLabs.params, params));
  const courseLabs = inputs.courseLabs === undefined ? null : new Map(inputs.courseLabs.rows.map((r) => [`${key(r)}\u0000${r.course_number}`, r]));
  const neRule = options.notEvaluable ?? 'non-responder';
  const patients = new Map<string, PatientCaseMix>(inputs.patients.map((p) => [key(p), p]));
  const cycles = index<CycleTiming>(inputs.cycles);
  const labs = index<LabRow>(inputs.labs);
  const pressors = index<PressorRow>(inputs.pressors);
  const events = index<EventRow>(inputs.events);
  const notes: string[] = [];
  let noPatient = 0;
  let noCycles = 0;
  let ne = 0;
  const rows: CourseSignalRow[] = [];
  const assessments = inputs.responses.filter((r) => course === 'all' || r.course_number === course);
  for (const a of assessments) {
    const k = key(a);
    const p = patients.get(k);
    if (!p) {
      noPatient++;
      continue;
    }
    const cs = (cycles.get(k) ?? []).filter((c) => c.course_number === a.course_number).sort((x, y) => x.cycle_number - y.cycle_number);
    if (cs.length === 0) {
      noCycles++;
      continue;
    }
    if (a.best_overall_response === 'NE') {
      ne++;
      if (neRule === 'exclude') continue;
    }
    const start = Math.min(...cs.map((c) => c.start_at));
    const end = a.assessed_at + grace;
    const lab = courseLabs !== null ? courseLabs.get(`${k}\u0000${a.course_number}`) ?? NO_LABS : labsFromRows(labs.get(k), cs, { start, end, lookback, tsh });
    let pe = 0;
    for (const s of pressors.get(k) ?? []) if (s.start_at >= start && s.start_at <= end && s.rate > pe) pe = s.rate;
    const ev = events.get(k) ?? [];
    const thyroidEvent = ev.some((e) => (e.event_type === 'hypothyroidism' || e.event_type === 'hyperthyroidism') && e.onset_at <= end);
    const baseline = lab.lymphocyte_baseline;
    const peak = lab.lymphocyte_peak_after_dosing;
    rows.push({
      centre_id: a.centre_id,
      patient_key: a.patient_key,
      disease: p.disease,
      ecog: p.ecog,
      age_at_first_dose: p.age_at_first_dose,
      course_number: a.course_number,
      response: a.best_overall_response,
      responder: a.best_overall_response === 'CR' || a.best_overall_response === 'PR' ? 1 : 0,
      window_start: start,
      window_end: end,
      doses_given: cs.reduce((s, c) => s + c.doses_given, 0),
      miu_per_kg_given: cs.some((c) => (c.doses_unknown_iu ?? 0) > 0) ? null : cs.reduce((s, c) => s + c.iu_per_kg_given, 0) / 1e6,
      lymphocyte_baseline: baseline,
      lymphocyte_peak_after_dosing: peak,
      lymphocyte_rebound: baseline !== null && baseline > 0 && peak !== null ? peak / baseline : null,
      eosinophil_peak: lab.eosinophil_peak,
      platelet_nadir: lab.platelet_nadir,
      bicarbonate_nadir: lab.bicarbonate_nadir,
      phenylephrine_max: pe,
      thyroid_dysfunction: thyroidEvent || lab.tsh_outside ? 1 : 0,
      vitiligo: ev.some((e) => e.event_type === 'vitiligo' && e.onset_at <= end) ? 1 : 0,
    });
  }
  if (assessments.length === 0 && course !== 'all') notes.push(responseMessages.noAssessments(course));
  if (noPatient > 0) notes.push(responseMessages.noPatientRow(noPatient));
  if (noCycles > 0) notes.push(responseMessages.noCourseCycles(noCycles));
  const unknownDose = rows.filter((r) => r.miu_per_kg_given === null).length;
  if (unknownDose > 0) notes.push(responseMessages.unknownDoseAmount(unknownDose, cycleUnknownDoses(rows, cycles)));
  if (ne > 0) notes.push(responseMessages.notEvaluable(ne, neRule === 'exclude' ? 'as left out' : 'as non-responders'));
  const assessed = new Set(assessments.map((a) => `${key(a)}\u0000${a.course_number}`));
  const courses = new Set(inputs.cycles.filter((c) => course === 'all' || c.course_number === course).map((c) => `${key(c)}\u0000${c.course_number}`));
  const missing = [...courses].filter((c) => !assessed.has(c)).length;
  if (missing > 0) notes.push(responseMessages.missingAssessment(missing, course === 'all' ? 0 : course));
  return { rows, notes };
}
