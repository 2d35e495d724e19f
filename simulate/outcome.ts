// Follow-up after the last course (il2-domain.md §4.2): the dated scans of every course, progression, death and last
// contact, drawn from the response category of the last course (parameters OUTCOMES). Its own random stream, so the
// rest of a patient's draws do not move when these parameters change.
import { DAYS_PER_MONTH, OUTCOMES as O } from './parameters.js';
import { Rng } from './prng.js';
import { DAY_MS, HOUR_MS } from './time.js';
import type { SimAssessment, SimCourse, SimFollowUp, SimPatient } from './types.js';

/** A date at 14:00 UTC (a clinic day in every sample time zone). */
const clinicDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS + 14 * HOUR_MS;
const months = (rng: Rng, median: number) => -Math.log(1 - rng.next()) * (median / Math.LN2) * DAYS_PER_MONTH * DAY_MS;

function lastDoseOf(c: SimCourse): number {
  const doses = c.cycles.map((x) => x.lastDoseAt ?? x.startAt);
  return Math.max(...doses);
}

/** Scans of the courses before the last: the first after the course, the second just before the next course. */
function earlierScans(courses: SimCourse[]): SimAssessment[] {
  const out: SimAssessment[] = [];
  for (const [i, c] of courses.slice(0, -1).entries()) {
    const next = courses[i + 1]!;
    const r = c.response.category;
    out.push({ courseNumber: c.courseNumber, at: c.response.assessedAt, response: r });
    const v2 = clinicDay(next.startAt - 2 * DAY_MS);
    if (r !== 'PD' && r !== 'NE' && v2 > c.response.assessedAt) out.push({ courseNumber: c.courseNumber, at: v2, response: r });
  }
  return out;
}

/** When the last course's disease progresses (null: never), from its confirming scan `v2` or first scan `v1`. */
function progressionTime(rng: Rng, p: SimPatient, r: SimCourse['response']['category'], v1: number, v2: number): number | null {
  if (r === 'PD') return v1;
  if (r === 'NE') return clinicDay(v1 + O.neProgressionWeeks * 7 * DAY_MS);
  if (r === 'SD') return clinicDay(v1 + months(rng, O.sdProgressionMedianMonths));
  if (r === 'PR') return clinicDay(v2 + months(rng, O.prDurationMedianMonths[p.disease]));
  return rng.bernoulli(O.durableCrShare[p.disease]) ? null : clinicDay(v2 + months(rng, O.crRelapseMedianMonths));
}

/**
 * The patient's follow-up and every dated scan. Death: treatment-related (a few days after the last dose) or after
 * progression; a death or progression after the last contact is not known to the export.
 * @example simulateFollowUp(patient, `${seed}/${centre}/${i}`).lastContactAt
 */
export function simulateFollowUp(p: SimPatient, stream: string): SimFollowUp {
  const rng = new Rng(`${stream}/outcome`);
  const last = p.courses[p.courses.length - 1]!;
  const r = last.response.category;
  const cutoff = Date.parse(`${O.dataCutoff}T00:00:00Z`);
  const contactCap = clinicDay(cutoff - rng.int(O.lastContactLagDays[0], O.lastContactLagDays[1]) * DAY_MS);
  const trd = rng.bernoulli(O.treatmentRelatedDeath);
  const trdAt = clinicDay(lastDoseOf(last) + rng.int(O.treatmentRelatedDeathDays[0], O.treatmentRelatedDeathDays[1]) * DAY_MS);
  const v1 = last.response.assessedAt;
  const v2 = clinicDay(v1 + rng.int(O.confirmationScanDays[0], O.confirmationScanDays[1]) * DAY_MS);
  let progressionAt = progressionTime(rng, p, r, v1, v2);
  const afterProgression = progressionAt === null ? null : clinicDay(progressionAt + months(rng, O.postProgressionMedianMonths[p.disease]));
  const otherCause = rng.bernoulli(O.otherCauseShare);
  let deathAt = trd ? trdAt : afterProgression;
  if (deathAt !== null && deathAt > contactCap) deathAt = null;
  const lastContactAt = deathAt ?? contactCap;
  if (progressionAt !== null && progressionAt > lastContactAt) progressionAt = null;
  const deathCause = deathAt === null ? null : trd ? 'treatment_related' : otherCause ? 'other' : 'disease';
  const scans = [...earlierScans(p.courses), ...lastCourseScans(last, r, v2, progressionAt, lastContactAt)];
  // Nothing is scanned after death or the last contact (a treatment-related death may come before the first scan).
  const assessments = scans.filter((s) => s.at < lastContactAt || (deathAt === null && s.at === lastContactAt));
  return { progressionAt, deathAt, lastContactAt, deathCause, assessments };
}

/** First scan, confirming scan, surveillance every OUTCOMES.surveillanceDays until progression (a PD scan) or the last contact. */
function lastCourseScans(last: SimCourse, r: SimCourse['response']['category'], v2: number, progressionAt: number | null, end: number): SimAssessment[] {
  const n = last.courseNumber;
  const v1 = last.response.assessedAt;
  const out: SimAssessment[] = [{ courseNumber: n, at: v1, response: r }];
  if (r === 'PD') return out;
  const stop = Math.min(progressionAt ?? Infinity, end);
  for (let t = r === 'NE' ? Infinity : v2; t < stop; t = clinicDay(t + O.surveillanceDays * DAY_MS)) out.push({ courseNumber: n, at: t, response: r });
  if (progressionAt !== null) out.push({ courseNumber: n, at: progressionAt, response: 'PD' });
  return out;
}
