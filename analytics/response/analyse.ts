// All response analyses in one call, for the CLI, notebooks and the bench.
import { courseSignals, type CourseSignalOptions } from './course-signals.js';
import { eligibleCourses, eligibleRates, type EligibleCourse, type EligibleRateRow } from './eligible-rates.js';
import { LANDMARK_NOTE } from './messages.js';
import { responseByDoses, type ResponseByDosesRow } from './response-by-doses.js';
import { responseRates, type ResponseRatesResult } from './response-rates.js';
import { signalOddsRatios, type OddsRatioOptions, type SignalOddsRatiosResult } from './signal-odds-ratios.js';
import type { CourseSignalRow, ResponseInputs } from './types.js';

export interface ResponseAnalyses {
  landmark: string;
  course: number | 'all';
  signals: CourseSignalRow[];
  /** Rates of the assessed (CR + PR over courses with an assessment; NE as the notEvaluable option says). */
  rates: ResponseRatesResult;
  /** Every patient course given, assessed or not (the all-eligible denominator). */
  courses: EligibleCourse[];
  /** Rates of all treated: CR + PR over every course given, not evaluable counted (RECIST 1.1 §4.6). */
  eligible: EligibleRateRow[];
  byDoses: ResponseByDosesRow[];
  oddsRatios: SignalOddsRatiosResult;
  notes: string[];
}

/**
 * Runs every response analysis on the pulled tables (course 1 by default).
 * @example const r = analyseResponse(await loadResponseInputs(conn))
 */
export function analyseResponse(
  inputs: ResponseInputs,
  options: CourseSignalOptions & OddsRatioOptions & { doseEdges?: readonly number[]; overdispersion?: boolean } = {},
): ResponseAnalyses {
  const { rows, notes } = courseSignals(inputs, options);
  const courses = eligibleCourses(inputs, options.course ?? 1);
  const eligible = eligibleRates(courses, { level: options.level });
  if (rows.length === 0) {
    return {
      landmark: LANDMARK_NOTE,
      course: options.course ?? 1,
      signals: [],
      courses,
      eligible,
      rates: { rates: [], funnel: [], curves: [], target: null, phi: null, notes: [] },
      byDoses: [],
      oddsRatios: {
        landmark: LANDMARK_NOTE,
        adjusted_for: (options.adjust ?? ['centre', 'disease']).join(' + '),
        single: [],
        joint: [],
        forest: [],
        notes: [],
      },
      notes,
    };
  }
  const rates = responseRates(rows, options);
  const oddsRatios = signalOddsRatios(rows, options);
  return {
    landmark: LANDMARK_NOTE,
    course: options.course ?? 1,
    signals: rows,
    rates,
    courses,
    eligible,
    byDoses: responseByDoses(rows, { edges: options.doseEdges, level: options.level }),
    oddsRatios,
    notes: [...new Set([...notes, ...rates.notes, ...oddsRatios.notes])],
  };
}
