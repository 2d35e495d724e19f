// Every outcome and safety analysis in one call, for the CLI, the notebook, the report and the bench.
import { centreAggregates } from './centre-aggregates.js';
import { coxModel, type CoxRow, type PhTestRow } from './cox-model.js';
import { cycleEndCounts, cycleEndReasons, type CycleEndCountRow } from './cycle-end-reasons.js';
import { dosesByRegimen, responseByRegimen, type DosesByRegimenRow, type ResponseByRegimenRow } from './by-regimen.js';
import { durableCompleteResponses, type DurableCrRow } from './durable-cr.js';
import { dorSubjects, landmarkSubjects, osSubjects, pfsSubjects } from './endpoints.js';
import { patientOutcomes, type PatientOutcomesResult } from './patient-outcomes.js';
import { practiceOutcome, type CentreAggregate, type PracticeMeasure, type PracticeOutcomeRow } from './practice-outcome.js';
import { retreatmentCompliance, type RetreatmentRow } from './retreatment.js';
import { noiseNote, type CreatinineNoise } from './creatinine-noise.js';
import { reversalTimes } from './reversal-times.js';
import { reversibility, type ReversibilityRow } from './reversibility.js';
import type { RulesetStop } from './ruleset-stops.js';
import { safetyRates, type SafetyRow } from './safety.js';
import { survivalSummary, type SurvivalCurveRow, type SurvivalSummaryRow } from './survival-summary.js';
import type { OutcomeInputs } from './types.js';
import type { Tau2Method } from '../stats/index.js';

export interface OutcomeAnalyses {
  excluded: PatientOutcomesResult['excluded'];
  survival: SurvivalSummaryRow[];
  curves: SurvivalCurveRow[];
  cox: CoxRow[];
  ph: PhTestRow[];
  durableCr: DurableCrRow[];
  reversibility: ReversibilityRow[];
  cycleEnds: CycleEndCountRow[];
  safety: SafetyRow[];
  retreatment: RetreatmentRow[];
  dosesByRegimen: DosesByRegimenRow[];
  responseByRegimen: ResponseByRegimenRow[];
  aggregates: CentreAggregate[];
  practice: PracticeOutcomeRow[];
  /** Creatinine CV and "back to baseline" tolerance per centre and ALL (creatinine-noise.ts). */
  creatinineNoise: CreatinineNoise[];
  notes: string[];
}

export interface OutcomeOptions {
  /** First stops of each ruleset (rulesetStops), for the cycle-end reasons under each ruleset. */
  stops?: Readonly<Record<string, readonly RulesetStop[]>>;
  /** Per-centre practice measures for the meta-regression. */
  practice?: readonly PracticeMeasure[];
  /**
   * Margin over the pre-course creatinine still read as "back to baseline" (and not a rise): a share, or 'rcv' (default):
   * the reference change value from the store's own creatinine CV (creatinine-noise.ts).
   */
  baselineTolerance?: number | 'rcv';
  /** tau² estimator of the practice → outcome meta-regression (default REML, as metafor). */
  tau2Method?: Tau2Method;
}

/**
 * Runs every outcome analysis on the pulled tables.
 * @example const o = analyseOutcomes(await loadOutcomeInputs(conn))
 */
export function analyseOutcomes(inputs: OutcomeInputs, options: OutcomeOptions = {}): OutcomeAnalyses {
  const { rows, excluded } = patientOutcomes(inputs);
  const groupings = ['centre', 'disease', 'regimen', 'best_response'];
  const endpoints = [
    survivalSummary('os', osSubjects(rows), groupings),
    survivalSummary('pfs', pfsSubjects(rows), groupings),
    survivalSummary('dor', dorSubjects(rows), ['centre', 'disease', 'regimen', 'best_response']),
    survivalSummary('landmark_os', landmarkSubjects(rows), ['responder']),
  ];
  const coxOs = rows.length > 0 ? coxModel('os', osSubjects(rows)) : { coefficients: [], ph: [], notes: ['os: no patients with follow-up'] };
  const coxPfs = rows.length > 0 ? coxModel('pfs', pfsSubjects(rows)) : { coefficients: [], ph: [], notes: [] };
  const tolerance = options.baselineTolerance ?? 'rcv';
  const rev = reversalTimes(inputs, { baselineTolerance: tolerance });
  const noiseBy = new Map(rev.noise.map((n) => [n.centre_id, n]));
  const definition = (centre: string, measure: string) =>
    measure === 'creatinine_baseline' ? noiseNote(noiseBy.get(centre), tolerance === 'rcv' ? null : tolerance) : '';
  const aggregates = centreAggregates(inputs, rows);
  const notes = [...coxOs.notes, ...coxPfs.notes];
  if (excluded.length > 0) notes.push(`${excluded.length} patient(s) left out of the survival analyses (see excluded)`);
  return {
    excluded,
    survival: endpoints.flatMap((e) => e.rows),
    curves: endpoints.flatMap((e) => e.curves),
    cox: [...coxOs.coefficients, ...coxPfs.coefficients],
    ph: [...coxOs.ph, ...coxPfs.ph],
    durableCr: durableCompleteResponses(rows),
    reversibility: reversibility(rev.times, { counts: rev.counts, definition }),
    creatinineNoise: rev.noise,
    cycleEnds: cycleEndCounts(cycleEndReasons(inputs.cycles, options.stops)),
    safety: safetyRates(inputs),
    retreatment: retreatmentCompliance(inputs.cycles),
    dosesByRegimen: dosesByRegimen(inputs.cycles, inputs.patients),
    responseByRegimen: responseByRegimen(rows),
    aggregates,
    practice: options.practice ? practiceOutcome(aggregates, options.practice, { method: options.tau2Method ?? 'REML' }) : [],
    notes,
  };
}
