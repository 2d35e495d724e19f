// Response and case-mix tables of a bundle, and the candidates for released signal estimates (each centre's own
// within-centre model, adjusted for disease, as signalOddsRatios fits it for its forest plot).
import type { ForestRow } from '../response/signal-odds-ratios.js';
import { SIGNALS, type SignalId } from '../response/signals.js';
import type { CourseSignalRow } from '../response/types.js';
import type { PatientCaseMix } from '../doses/types.js';
import { DISEASES, type Disease } from '../../schemas/vocabularies.js';
import { AGE_BANDS, ECOG_COLS, RESPONDER_COLS, SIGNAL_LEVELS, type CountTable, type EstimateCandidate } from './types.js';

const DISEASE_ROWS = Object.keys(DISEASES) as Disease[];

/** Signals that are present/absent, so each has a 2 × 2 table per disease. */
export const BINARY_SIGNALS: readonly SignalId[] = ['platelet_nadir_below_50k', 'bicarbonate_nadir_below_19', 'thyroid_dysfunction', 'vitiligo'];

/** Responders (CR or PR) and non-responders of the analysed course by disease. @example responseTable(rows).counts */
export function responseTable(rows: readonly CourseSignalRow[]): CountTable {
  const counts = DISEASE_ROWS.map((d) => [1, 0].map((y) => rows.filter((r) => r.disease === d && r.responder === y).length));
  return { id: 'response', kind: 'response', group: {}, rows: [...DISEASE_ROWS], cols: [...RESPONDER_COLS], counts };
}

/**
 * Responders and non-responders over all diseases: the column totals of the response table, which the suppression
 * already treats as public, so releasing them (when each is at least k) reveals nothing more.
 */
export function responseAllTable(rows: readonly CourseSignalRow[]): CountTable {
  return {
    id: 'response:all',
    kind: 'response',
    group: {},
    rows: ['all'],
    cols: [...RESPONDER_COLS],
    counts: [[1, 0].map((y) => rows.filter((r) => r.responder === y).length)],
  };
}

/** Per binary signal: rows disease:level, columns responder / non-responder. @example signalTables(rows)[0]!.id // 'signal:platelet_nadir_below_50k' */
export function signalTables(rows: readonly CourseSignalRow[]): CountTable[] {
  return BINARY_SIGNALS.map((s) => {
    const level = (r: CourseSignalRow) => {
      const v = SIGNALS[s].value(r);
      return v === null ? 'not_measured' : v === 1 ? 'present' : 'absent';
    };
    const keys = DISEASE_ROWS.flatMap((d) => SIGNAL_LEVELS.map((l) => [d, l] as const));
    const counts = keys.map(([d, l]) => [1, 0].map((y) => rows.filter((r) => r.disease === d && level(r) === l && r.responder === y).length));
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
