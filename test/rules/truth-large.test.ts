// Must show (issue 21, item 5) on a larger simulation than the samples: each centre's own ruleset (the kit's hand-written
// rules/centres/<id>.yaml, read by the engine) reproduces the decisions the simulator took from its own copy of the
// centre's practice (simulate/centre-rulesets.ts, compared in simulate/decide.ts: no code shared), at every reached
// slot, on the values the simulator saw. 200 patients a centre, simulated in process (no export, no ingest).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateRuleset, featureTableFromRows, slotDecision } from '../../rules/engine.js';
import { loadRuleset } from '../../rules/load.js';
import { RULE_VARIABLES, type RuleVariableCode } from '../../schemas/vocabularies.js';
import { CENTRE_PRACTICE } from '../../simulate/centre-rulesets.js';
import { simulatePatient } from '../../simulate/patient.js';
import { CENTRE_IDS, PROFILES } from '../../simulate/profiles.js';
import { truthRuleDecision, type TruthSlot } from './truth-fixture.js';

const PER_CENTRE = 200;
const VARIABLES = Object.keys(RULE_VARIABLES) as RuleVariableCode[];

describe.each(CENTRE_IDS)('centre %s, 200 simulated patients', (centre) => {
  it('the kit engine on the YAML ruleset fires the simulator’s rules and takes its decision at every reached slot', () => {
    const ruleset = loadRuleset(join(import.meta.dirname, '..', '..', 'rules', 'centres', `${PROFILES[centre].rulesetId}.yaml`));
    const rows: Record<string, unknown>[] = [];
    const truth: TruthSlot[] = [];
    for (let i = 0; i < PER_CENTRE; i++) {
      const p = simulatePatient({ seed: 'truth-large', profile: PROFILES[centre], ruleset: CENTRE_PRACTICE[centre] }, i);
      for (const course of p.courses)
        for (const c of course.cycles)
          for (const s of c.slots) {
            if (s.status === 'not_reached') continue;
            rows.push({ cycle_id: `${i}-c${course.courseNumber}.${c.cycleNumber}`, slot_number: s.slotNumber, patient_key: String(i), ...s.variables });
            truth.push({ decision: s.decision, deviation: s.deviation, held_so_far: String(s.heldSoFar), fired_rules: s.firedRules.join('|') });
          }
    }
    const table = featureTableFromRows(rows, VARIABLES);
    const ev = evaluateRuleset(ruleset, table, { history: 'recorded' });
    const wrong: string[] = [];
    let holdsOrStops = 0;
    truth.forEach((s, i) => {
      const d = slotDecision(ev, table, i);
      const fired = d.fired.map((f) => f.rule_id).sort().join('|');
      const expected = (s.fired_rules ?? '').split('|').filter((x) => x !== '').sort().join('|');
      const decision = truthRuleDecision(s, ruleset);
      if (decision !== 'give') holdsOrStops++;
      if (fired !== expected || d.decision !== decision) wrong.push(`${table.cycle_id[i]}#${table.slot_number[i]}: ${d.decision} [${fired}] vs ${decision} [${expected}]`);
    });
    expect(truth.length).toBeGreaterThan(3000);
    expect(holdsOrStops).toBeGreaterThan(100);
    expect(wrong.slice(0, 10)).toEqual([]);
  }, 120_000);
});
