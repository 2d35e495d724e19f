// Response and case-mix tables of a bundle, and the candidates for released signal estimates (each centre's own
// within-centre model, adjusted for disease, as signalOddsRatios fits it for its forest plot).
import type { ForestRow } from '../response/signal-odds-ratios.js';
import { SIGNALS, type SignalId } from '../response/signals.js';
import type { CourseSignalRow } from '../response/types.js';
import { isResponder, type EligibleCourse } from '../response/eligible-rates.js';
import type { PatientCaseMix } from '../doses/types.js';
import { DISEASES, type Disease } from '../../schemas/vocabularies.js';
import { AGE_BANDS, ECOG_COLS, RESPONDER_COLS, SIGNAL_LEVELS, type CountTable, type EstimateCandidate } from './types.js';

const DISEASE_ROWS = Object.keys(DISEASES) as Disease[];

/** Id of the assessed-only response table. */
export const RESPONSE_ASSESSED = 'response:assessed';

/** Signals that are present/absent, so each has a table of levels × responder per disease. */
export const BINARY_SIGNALS: readonly SignalId[] = ['platelet_nadir_below_50k', 'bicarbonate_nadir_below_19', 'thyroid_dysfunction', 'vitiligo'];

/** The column of a course in the all-eligible tables: 0 responder (CR, PR), 1 not (SD, PD, NE or no assessment). */
const eligibleCol = (c: EligibleCourse) => (isResponder(c.response) ? 0 : 1);

/**
 * Every patient course given of the analysed course by disease: responders (CR or PR) and the rest (SD, PD, NE or no
 * assessment: RECIST 1.1's all-eligible denominator), so a disease's total is its patients treated, as in the survival
 * and case-mix tables, and no difference of released totals counts the patients not assessed.
 * @example responseTable(courses).counts
 */
export function responseTable(courses: readonly EligibleCourse[]): CountTable {
  const counts = DISEASE_ROWS.map((d) => [0, 1].map((j) => courses.filter((c) => c.disease === d && eligibleCol(c) === j).length));
  return { id: 'response', kind: 'response', group: {}, rows: [...DISEASE_ROWS], cols: [...RESPONDER_COLS], counts };
}

/**
 * The same over all diseases: the column totals of the response table, which the suppression already treats as
 * public, so releasing them (when each is at least k) reveals nothing more.
 */
export function responseAllTable(courses: readonly EligibleCourse[]): CountTable {
  return {
    id: 'response:all',
    kind: 'response',
    group: {},
    rows: ['all'],
    cols: [...RESPONDER_COLS],
    counts: [[0, 1].map((j) => courses.filter((c) => eligibleCol(c) === j).length)],
  };
}

/**
 * Responders and non-responders of the assessed courses by disease (NE as non-responders, as the rate of the
 * assessed counts them). A row differs from the response table's by the disease's courses not assessed (in its total
 * and its non-responders), so the bundle step releases a disease's row only where that is 0 or ≥ k (cross-rows.ts).
 */
export function responseAssessedTable(rows: readonly CourseSignalRow[]): CountTable {
  const counts = DISEASE_ROWS.map((d) => [1, 0].map((y) => rows.filter((r) => r.disease === d && r.responder === y).length));
  return { id: RESPONSE_ASSESSED, kind: 'response', group: {}, rows: [...DISEASE_ROWS], cols: [...RESPONDER_COLS], counts };
}

/**
 * Per binary signal: rows disease:level, columns of all treated as in the response table (a course not assessed has
 * no landmark window, so its signals are not_measured). @example signalTables(courses, rows)[0]!.id // 'signal:platelet_nadir_below_50k'
 */
export function signalTables(courses: readonly EligibleCourse[], rows: readonly CourseSignalRow[]): CountTable[] {
  const byCourse = new Map(rows.map((r) => [`${r.centre_id}\u0000${r.patient_key}\u0000${r.course_number}`, r]));
  const row = (c: EligibleCourse) => byCourse.get(`${c.centre_id}\u0000${c.patient_key}\u0000${c.course_number}`);
  return BINARY_SIGNALS.map((s) => {
    const level = (c: EligibleCourse) => {
      const r = row(c);
      const v = r === undefined ? null : SIGNALS[s].value(r);
      return v === null ? 'not_measured' : v === 1 ? 'present' : 'absent';
    };
    const keys = DISEASE_ROWS.flatMap((d) => SIGNAL_LEVELS.map((l) => [d, l] as const));
    const counts = keys.map(([d, l]) => [0, 1].map((j) => courses.filter((c) => c.disease === d && level(c) === l && eligibleCol(c) === j).length));
    return { id: `signal:${s}`, kind: 'signal', group: { signal: s }, rows: keys.map(([d, l]) => `${d}:${l}`), cols: [...RESPONDER_COLS], counts };
  });
}

/** Patients by disease × ECOG and disease × ten-year age band at first dose. @example caseMixTables(patients).length // 2 */
export function caseMixTables(patients: readonly PatientCaseMix[]): CountTable[] {
  const ecog = DISEASE_ROWS.map((d) =>
    ECOG_COLS.map((e) => patients.filter((p) => p.disease === d && (p.ecog === null ? 'unknown' : String(p.ecog)) === e).length),
  );
  const age = DISEASE_ROWS.map((d) =>
    AGE_BANDS.map((b) => patients.filter((p) => p.disease === d && p.age_at_first_dose >= b.lo && p.age_at_first_dose < b.hi).length),
  );
  return [
    { id: 'case_mix:ecog', kind: 'case_mix_ecog', group: {}, rows: [...DISEASE_ROWS], cols: [...ECOG_COLS], counts: ecog },
    { id: 'case_mix:age', kind: 'case_mix_age', group: {}, rows: [...DISEASE_ROWS], cols: AGE_BANDS.map((b) => b.label), counts: age },
  ];
}

/** The centre's own estimate per signal (forest rows of kind 'centre'), with its parameter count. */
export function estimateCandidates(forest: readonly ForestRow[], rows: readonly CourseSignalRow[]): EstimateCandidate[] {
  return forest
    .filter((f) => f.kind === 'centre')
    .map((f) => {
      const measured = rows.filter((r) => SIGNALS[f.signal].value(r) !== null);
      const diseases = new Set(measured.map((r) => r.disease)).size;
      return {
        signal: f.signal, method: f.method, log_or: f.log_or, std_err: f.std_err, n: f.n, events: f.events,
        parameters: 2 + (diseases > 1 ? 1 : 0), table: BINARY_SIGNALS.includes(f.signal) ? `signal:${f.signal}` : null,
      };
    });
}
