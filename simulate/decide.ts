// The slot decision: compare the rule variables seen at the scheduled dose time with the centre's practice (the
// simulator's own copy, centre-rulesets.ts, compared here: no code shared with the kit's rule engine), apply its cycle
// policies, then the clinician variation of the profile.
import { HOLD_REASONS, type RuleVariableCode } from '../schemas/vocabularies.js';
import type { CentrePractice, PracticeCondition, PracticeRule } from './centre-rulesets.js';
import type { PracticeProfile } from './profiles.js';
import type { Rng } from './prng.js';
import type { Deviation, SlotDecision } from './types.js';

export type SlotVariables = Partial<Record<RuleVariableCode, number | null>>;

/** Per-cycle decision state. */
export interface DecisionState {
  /** Rules with resume conditions that fired and have not yet resumed. */
  awaitingResume: Map<string, PracticeRule>;
  heldSoFar: number;
  relativeCriteria: Set<string>;
}

export function newDecisionState(): DecisionState {
  return { awaitingResume: new Map(), heldSoFar: 0, relativeCriteria: new Set() };
}

export interface DecisionResult {
  decision: SlotDecision;
  fired: string[];
  holdRules: string[];
  stopRules: string[];
  reasonCodes: string[];
  deviation: Deviation;
  skipReason: 'line_issue' | 'logistics' | 'patient_refusal' | null;
  endReason: 'toxicity_stop' | 'clinician' | 'patient' | null;
}

const REASON_BY_VARIABLE: Partial<Record<RuleVariableCode, string>> = (() => {
  const out: Partial<Record<RuleVariableCode, string>> = {};
  for (const [code, def] of Object.entries(HOLD_REASONS)) for (const v of def.variables) out[v] ??= code;
  return out;
})();

export function reasonCodeFor(variable: RuleVariableCode): string {
  return REASON_BY_VARIABLE[variable] ?? 'clinical_other';
}

/** Whether a value meets a condition; null when the value is missing (never "not met"). */
export function meets(c: PracticeCondition, value: number | null | undefined): boolean | null {
  if (value === null || value === undefined || Number.isNaN(value)) return null;
  switch (c.comparator) {
    case 'present':
      return value !== 0;
    case 'lt':
      return value < (c.threshold as number);
    case 'le':
      return value <= (c.threshold as number);
    case 'gt':
      return value > (c.threshold as number);
    case 'ge':
      return value >= (c.threshold as number);
    case 'in_band': {
      const [lower, upper, edges] = c.band!;
      return (edges[0] === '[' ? value >= lower : value > lower) && (edges[1] === ']' ? value <= upper : value < upper);
    }
  }
}

/**
 * The ward's reading of mental status: confusion or agitation, hallucinations, a failed cognitive screen, a seizure or
 * coma are each a mental-status change. Written into `vars`, which the cycle records as what the centre saw (the truth).
 */
export function readMentalStatus(vars: SlotVariables): void {
  const signs = [vars.mental_status_change, vars.hallucinations, vars.cognitive_screen_failed, vars.seizure, (vars.coma_hours ?? 0) > 0 ? 1 : 0];
  if (signs.some((x) => x !== null && x !== undefined && x !== 0)) vars.mental_status_change = 1;
}

/** A urine rate ("10–20 mL/h") is read as the shift's mean hourly rate (the shift total over its 8 hours). */
export function readUrineRate(vars: SlotVariables): void {
  const shift = vars.urine_output_shift;
  if (shift !== null && shift !== undefined && vars.urine_output_rate_mean === undefined) vars.urine_output_rate_mean = shift / 8;
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs)];
}

/**
 * Decide one slot. `toxicityScale` (C/3) scales the clinician's unprompted holds and stops, which are
 * more likely when the patient is visibly unwell [ASSUMPTION, profiles.ts].
 */
export function decideSlot(
  ruleset: CentrePractice,
  vars: SlotVariables,
  state: DecisionState,
  profile: PracticeProfile,
  rng: Rng,
  toxicityScale: number,
  slotNumber: number,
  patientStopAtSlot: number | null,
): DecisionResult {
  readMentalStatus(vars);
  readUrineRate(vars);
  const fired: PracticeRule[] = [];
  for (const rule of ruleset.rules) {
    const met = meets(rule, vars[rule.variable]);
    if (met === true) {
      fired.push(rule);
      if (rule.resume.length > 0) state.awaitingResume.set(rule.id, rule);
    } else if (state.awaitingResume.has(rule.id)) {
      const resumed = rule.resume.every((c) => meets(c, vars[c.variable]) === true);
      if (resumed) state.awaitingResume.delete(rule.id);
      else fired.push(rule);
    }
  }
  const discontinue = fired.filter((r) => r.action === 'discontinue');
  const stop = fired.filter((r) => r.action === 'stop_cycle');
  const hold = fired.filter((r) => r.action === 'hold');
  for (const r of hold) state.relativeCriteria.add(r.id);
  const base = {
    fired: fired.map((r) => r.id),
    holdRules: hold.map((r) => r.id),
    stopRules: [...discontinue, ...stop].map((r) => r.id),
  };
  const codes = (rules: PracticeRule[]): string[] => uniq(rules.map((r) => reasonCodeFor(r.variable)));
  const c = profile.clinician;

  if (discontinue.length > 0)
    return {
      ...base,
      decision: 'discontinue',
      reasonCodes: codes(discontinue),
      deviation: 'none',
      skipReason: null,
      endReason: 'toxicity_stop',
    };
  if (stop.length > 0)
    return { ...base, decision: 'stop_cycle', reasonCodes: codes(stop), deviation: 'none', skipReason: null, endReason: 'toxicity_stop' };
  const maxRel = ruleset.policies.stop_after_relative_criteria;
  if (maxRel !== null && hold.length > 0 && state.relativeCriteria.size >= maxRel) {
    return {
      ...base,
      decision: 'stop_cycle',
      reasonCodes: uniq([...codes(hold), 'cycle_limit']),
      deviation: 'none',
      skipReason: null,
      endReason: 'toxicity_stop',
    };
  }
  if (hold.length > 0) {
    if (rng.bernoulli(c.doseThroughRate))
      return { ...base, decision: 'give', reasonCodes: [], deviation: 'dosed_through', skipReason: null, endReason: null };
    return holdOrStop(ruleset, state, { ...base, reasonCodes: codes(hold), deviation: 'none' });
  }
  // No criterion met: clinician variation and non-clinical events.
  if (patientStopAtSlot !== null && slotNumber >= patientStopAtSlot) {
    return {
      ...base,
      decision: 'stop_cycle',
      reasonCodes: ['patient_refusal'],
      deviation: 'patient_stop',
      skipReason: null,
      endReason: 'patient',
    };
  }
  if (rng.bernoulli(Math.min(0.5, c.clinicianStopRate * toxicityScale * toxicityScale))) {
    return {
      ...base,
      decision: 'stop_cycle',
      reasonCodes: ['clinical_other'],
      deviation: 'clinician_stop',
      skipReason: null,
      endReason: 'clinician',
    };
  }
  if (rng.bernoulli(Math.min(0.6, c.holdWithoutCriterionRate * toxicityScale))) {
    return holdOrStop(ruleset, state, { ...base, reasonCodes: ['clinical_other'], deviation: 'hold_without_criterion' });
  }
  if (rng.bernoulli(c.skipRate)) {
    const skipReason = rng.weighted([
      ['line_issue', 0.5],
      ['logistics', 0.35],
      ['patient_refusal', 0.15],
    ] as const);
    return { ...base, decision: 'skip', reasonCodes: [skipReason], deviation: 'none', skipReason, endReason: null };
  }
  return { ...base, decision: 'give', reasonCodes: [], deviation: 'none', skipReason: null, endReason: null };
}

/**
 * A held dose, counted; at the centre's held-dose limit (`stop_after_held_doses`) the cycle stops instead. Every hold
 * goes through here (rule holds, unprompted holds, holds during a coma or dialysis: cycle.ts) so the policy applies alike.
 * `endReason` overrides the stop's end reason (default: the clinician's for an unprompted hold, else toxicity).
 */
export function holdOrStop(
  ruleset: CentrePractice,
  state: DecisionState,
  r: Pick<DecisionResult, 'fired' | 'holdRules' | 'stopRules' | 'reasonCodes' | 'deviation'>,
  endReason?: 'toxicity_stop',
): DecisionResult {
  state.heldSoFar += 1;
  const maxHeld = ruleset.policies.stop_after_held_doses;
  if (maxHeld !== null && state.heldSoFar >= maxHeld) {
    return {
      ...r,
      decision: 'stop_cycle',
      reasonCodes: uniq([...r.reasonCodes, 'cycle_limit']),
      skipReason: null,
      endReason: endReason ?? (r.deviation === 'hold_without_criterion' ? 'clinician' : 'toxicity_stop'),
    };
  }
  return { ...r, decision: 'hold', skipReason: null, endReason: null };
}
