// Outcome records that need more than one row: the course's best overall response derived from its dated
// assessments (best-response.ts), recorded responses completed, and each patient's follow-up rows combined
// into one record and checked against the first dose. Pure functions on candidates; no IO.
import type { ResponseCategory, ResponseCriteria } from '../../schemas/index.js';
import { bestOverallResponse, type TimePoint } from './best-response.js';
import type { Candidate, RecordProblem } from './records.js';
import type { CycleInfo } from './slots.js';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const ms = (v: unknown) => (typeof v === 'string' && v !== '' ? Date.parse(v) : NaN);

/** A dated assessment (or recorded response) without its date: a problem naming the field and the fix. */
export function checkAssessmentDate(c: Candidate): void {
  const v = c.values.assessed_at;
  if (v !== null && v !== undefined && v !== '') return;
  c.problems.push({
    field: 'assessed_at', raw: v ?? null, check: 'date_missing',
    message: 'the assessment has no date: each assessment needs one to place it in a course and to derive the best response; map assessed_at or fix the export',
  });
}

/** First dose of each course, by patient key and course number. */
export function courseStarts(index: Map<string, CycleInfo[]>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [patient, infos] of index) {
    for (const i of infos) {
      const k = `${patient}|${i.course_number}`;
      out.set(k, Math.min(out.get(k) ?? Infinity, i.startMs));
    }
  }
  return out;
}

/** A recorded best response: marked recorded; its date starts the response duration when it is CR or PR. */
export function finishRecordedResponse(c: Candidate): void {
  const r = c.values.best_overall_response;
  c.values.derivation = 'recorded';
  c.values.first_response_at = r === 'CR' || r === 'PR' ? (c.values.assessed_at ?? null) : null;
  c.values.confirmed = null;
}

/**
 * One response record per patient and course from its valid assessments, by the criteria's rules. A course whose
 * assessments name different criteria, or that has no cycle in the dose log, gives a record with a problem.
 */
export function deriveResponses(assessments: Candidate[], starts: Map<string, number>): Candidate[] {
  const groups = new Map<string, Candidate[]>();
  for (const a of assessments) {
    const k = `${String(a.values.patient_key)}|${Number(a.values.course_number)}`;
    const g = groups.get(k);
    if (g) g.push(a);
    else groups.set(k, [a]);
  }
  return [...groups.entries()].map(([k, g]) => deriveOne(g, starts.get(k)));
}

function deriveOne(g: Candidate[], start: number | undefined): Candidate {
  const first = g[0]!;
  const values: Record<string, unknown> = {
    centre_id: first.values.centre_id,
    patient_key: first.values.patient_key,
    course_number: first.values.course_number,
    derivation: 'derived_from_assessments',
  };
  const criteria = [...new Set(g.map((a) => String(a.values.criteria)))];
  const out: Candidate = { table: 'response', values, extra: {}, where: first.where, problems: [] };
  if (criteria.length > 1) {
    const message = `the course's assessments use different response criteria (${criteria.join(', ')}); map one criteria per course`;
    out.problems.push({ field: 'criteria', raw: criteria.join(', '), check: 'mixed_criteria', message });
    return out;
  }
  if (start === undefined) {
    const message = 'the assessments name a course with no cycle in the dose log, so the best response cannot be timed from its first dose';
    out.problems.push({ field: 'course_number', raw: first.values.course_number, check: 'no_course', message });
    return out;
  }
  const points: TimePoint[] = g.map((a) => ({ at: ms(a.values.assessed_at), response: a.values.overall_response as ResponseCategory }));
  const b = bestOverallResponse(criteria[0] as ResponseCriteria, points, start);
  const decisive = g.find((a) => ms(a.values.assessed_at) === b.at) ?? first;
  Object.assign(values, {
    criteria: criteria[0],
    best_overall_response: b.best,
    assessed_at: iso(b.at),
    first_response_at: b.firstResponseAt === null ? null : iso(b.firstResponseAt),
    confirmed: b.confirmed,
  });
  out.where = decisive.where;
  return out;
}

/** Courses that have a derived response: a recorded response of the same course is not stored (quarantined with the reason). */
export function recordedSuperseded(recorded: Candidate, derived: Set<string>): RecordProblem | null {
  const k = `${String(recorded.values.patient_key)}|${Number(recorded.values.course_number)}`;
  if (!derived.has(k)) return null;
  const message = "the course's best response is derived from its dated assessments (response_assessment); this recorded value is not stored";
  return { field: 'best_overall_response', raw: recorded.values.best_overall_response ?? null, check: 'derived_instead', message };
}
