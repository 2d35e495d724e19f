// A centre's summary for its bundle: the count tables and estimates of the kit's analyses (doses, holds, response),
// exact and not yet disclosure-controlled. Pure: the CLI pulls the inputs from the store.
import type { SlotFeatureFrame } from '../../rules/features.js';
import type { Ruleset } from '../../schemas/ruleset.js';
import type { CycleDoses, PatientCaseMix } from '../doses/types.js';
import { impliedThresholds } from '../practice/implied-thresholds.js';
import { analyseResponse } from '../response/analyse.js';
import type { ResponseInputs } from '../response/types.js';
import { quarterOf } from './quarter.js';
import { doseEndFirstTables, doseEndTables } from './summarise-doses.js';
import { holdTables } from './summarise-holds.js';
import { caseMixTables, estimateCandidates, responseAllTable, responseAssessedTable, responseTable, signalTables } from './summarise-response.js';
import type { CentreSummary } from './types.js';
import { outcomeTables } from './summarise-outcomes.js';
import type { OutcomeInputs } from '../outcomes/types.js';
import { rulesetStops, type RulesetStop } from '../outcomes/ruleset-stops.js';
import { evaluateRuleset } from '../../rules/engine.js';

export interface CentreInputs {
  centre_id: string;
  cycles: readonly CycleDoses[];
  patients: readonly PatientCaseMix[];
  response: ResponseInputs;
  /** Slot features of the centre; null leaves the hold tables out. */
  frame: SlotFeatureFrame | null;
  rulesets: readonly Ruleset[];
  /** Ruleset the implied thresholds are adjusted by (as `il2kit holds`). */
  reference: Ruleset | null;
  /** Bootstrap replicates of the implied thresholds' change-point interval (default 200, as `il2kit holds`). */
  bootstrap?: number;
  /** The centre's outcome inputs (follow-up, events); absent leaves the outcome tables out. */
  outcomes?: OutcomeInputs;
}

/** What would have stopped each cycle first under each ruleset (as `il2kit outcomes`: the engine's own history). */
function stopsUnder(frame: SlotFeatureFrame, rulesets: readonly Ruleset[]): Record<string, RulesetStop[]> {
  return Object.fromEntries(rulesets.map((rs) => [rs.id, rulesetStops(frame, evaluateRuleset(rs, frame))]));
}

/**
 * Every table and estimate a bundle may carry, for one centre.
 * @example const s = summariseCentre({ centre_id: 'amstel', cycles, patients, response, frame, rulesets, reference })
 */
export function summariseCentre(inp: CentreInputs): CentreSummary {
  const starts = inp.response.cycles.map((c) => c.start_at).sort((a, b) => a - b);
  if (starts.length === 0) throw new Error(`summariseCentre: centre ${inp.centre_id} has no cycles`);
  const resp = analyseResponse(inp.response, { adjust: ['centre', 'disease'] });
  const holds = inp.frame === null ? [] : holdTables(inp.frame, inp.rulesets);
  const implied =
    inp.frame === null || inp.reference === null
      ? []
      : impliedThresholds(inp.frame, inp.reference, { bootstrap: inp.bootstrap ?? 200 }).map((r) => ({
          reference_ruleset: inp.reference!.id, variable: r.variable, n: r.n, held: r.held, ed50: r.ed50,
          delta_lower: r.delta_lower, delta_upper: r.delta_upper,
          step_direction: r.step_direction, step_threshold: r.step_threshold, step_lower: r.step_lower, step_upper: r.step_upper,
        }));
  return {
    centre_id: inp.centre_id,
    period: { first: quarterOf(starts[0]!), last: quarterOf(starts[starts.length - 1]!) },
    response_course: typeof resp.course === 'number' ? resp.course : 1,
    rulesets: inp.rulesets.map((rs) => ({
      id: rs.id, version: rs.version ?? null, status: rs.status, rules: rs.rules.length,
      rules_inferred: rs.rules.filter((r) => r.status === 'inferred').length, rules_unverified: rs.rules.filter((r) => r.status === 'unverified').length,
    })),
    tables: [
      ...doseEndTables(inp.cycles),
      ...doseEndFirstTables(inp.cycles),
      ...holds,
      responseTable(resp.courses),
      responseAllTable(resp.courses),
      responseAssessedTable(resp.signals),
      ...signalTables(resp.courses, resp.signals),
      ...caseMixTables(inp.patients),
      ...(inp.outcomes ? outcomeTables(inp.outcomes, inp.frame === null ? {} : stopsUnder(inp.frame, inp.rulesets)) : []),
    ],
    estimates: estimateCandidates(resp.oddsRatios.forest, resp.signals),
    implied,
  };
}
