// "Withhold all further doses of that course" (S3a hepatic row, issue 21): the stop_course action, and ruleset
// parameters for a value the source leaves to the centre (Grade 3 AST/ALT is a multiple of the laboratory's upper limit
// of normal, which il2-domain.md does not give). Before: RULE_ACTIONS had no stop_course (a ruleset using it failed to
// parse) and stop_cycle gave the course's next cycle; a rule could not take its threshold from the centre.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateRuleset, featureTableFromRows, slotDecision } from '../../rules/engine.js';
import { loadRulesets, parseRuleset } from '../../rules/load.js';
import { withParameters } from '../../rules/parameters.js';
import { Ruleset } from '../../schemas/ruleset.js';
import { RULE_VARIABLES, type RuleVariableCode } from '../../schemas/vocabularies.js';
import { evaluateRuleset as referenceEvaluate } from './engine-reference.js';

const VARS = Object.keys(RULE_VARIABLES) as RuleVariableCode[];
const P = '0123456789abcdef';
// One patient: course 1 = cycles c1.1 (3 slots) and c1.2 (2 slots); course 2 = c2.1 (2 slots). Bilirubin 8 at c1.1 slot 2.
const ROWS = [
  ['c1.1', 1, 1], ['c1.1', 2, 8], ['c1.1', 3, 1], ['c1.2', 1, 1], ['c1.2', 2, 1], ['c2.1', 1, 1], ['c2.1', 2, 1],
].map(([c, slot, bili]) => ({ cycle_id: `${P}-${c}`, slot_number: slot, patient_key: P, bilirubin: bili }));
const table = featureTableFromRows(ROWS, VARS);

function ruleset(action: string, extra: Record<string, unknown> = {}, parameters: Record<string, unknown> = {}): Ruleset {
  return Ruleset.parse({
    id: 'hepatic_test', title: 't', version: '1', source: 'S3a', status: 'verified', parameters,
    rules: [
      {
        id: 'hepatic', system: 'Hepatic', variable: 'bilirubin', unit: 'mg/dL', comparator: 'gt', threshold: 7, action,
        source: 'S3a', status: 'verified', ...extra,
      },
      {
        id: 'spo2', system: 'Respiratory', variable: 'spo2_at_dose', unit: '%', comparator: 'lt', threshold: 90, action: 'hold',
        source: 'S3a', status: 'verified',
      },
    ],
  });
}
const decisions = (rs: Ruleset, history: 'engine' | 'recorded' = 'engine'): string[] => {
  const ev = evaluateRuleset(rs, table, { history });
  return ROWS.map((_, i) => slotDecision(ev, table, i).decision);
};

describe('stop_course: no further doses this course', () => {
  it('stops the rest of the cycle and the course’s later cycles, not the next course', () => {
    expect(decisions(ruleset('stop_course'))).toEqual(['give', 'stop_cycle', 'not_reached', 'not_reached', 'not_reached', 'give', 'give']);
  });
  it('the old actions cannot say it: stop_cycle gives the course’s second cycle', () => {
    expect(decisions(ruleset('stop_cycle'))).toEqual(['give', 'stop_cycle', 'not_reached', 'give', 'give', 'give', 'give']);
  });
  it('in the recorded history it decides the slot only (as stop_cycle does)', () => {
    expect(decisions(ruleset('stop_course'), 'recorded')).toEqual(['give', 'stop_cycle', 'give', 'give', 'give', 'give', 'give']);
  });
  it('the test engine (engine-reference.ts) agrees', () => {
    const rs = ruleset('stop_course');
    expect(Array.from(referenceEvaluate(rs, table).decision)).toEqual(Array.from(evaluateRuleset(rs, table).decision));
  });
  it('cycle ids without a course part: each cycle is its own course', () => {
    const t = featureTableFromRows(ROWS.map((r) => ({ ...r, cycle_id: r.cycle_id.replace(`${P}-`, 'x') })), VARS);
    expect(Array.from(evaluateRuleset(ruleset('stop_course'), t).decision)).toEqual([0, 2, 4, 0, 0, 0, 0]);
  });
});

describe('ruleset parameters: a threshold the centre supplies', () => {
  const param = { bili_grade3: { value: null, unit: 'mg/dL', description: 'Grade 3 bilirubin at this laboratory (a multiple of its upper limit of normal)' } };
  const withParam = (value: number | null, status?: string): Ruleset =>
    ruleset('stop_course', { threshold: null, threshold_parameter: 'bili_grade3' }, {
      bili_grade3: { ...param.bili_grade3, value, ...(status ? { status, source: 'centre lab manual' } : {}) },
    });

  it('not supplied: the rule is not evaluated and is listed as unencoded, naming the missing value', () => {
    const rs = withParameters(withParam(null));
    expect(rs.rules.map((r) => r.id)).toEqual(['spo2']);
    expect(rs.unencoded.at(-1)!.reason).toMatch(/parameter bili_grade3 is not supplied \(Grade 3 bilirubin/);
  });
  it('supplied but unverified: the threshold is the value and the rule’s status unverified', () => {
    const rs = withParameters(withParam(5));
    const r = rs.rules.find((x) => x.id === 'hepatic')!;
    expect(r).toMatchObject({ threshold: 5, threshold_parameter: null, status: 'unverified' });
    expect(r.flags).toContain('centre_parameter');
    expect(r.note).toMatch(/threshold from parameter bili_grade3 = 5 mg\/dL \(unverified\)/);
    expect(decisions(withParam(5))).toEqual(['give', 'stop_cycle', 'not_reached', 'not_reached', 'not_reached', 'give', 'give']);
  });
  it('supplied with its source: the rule keeps its own status', () => {
    expect(withParameters(withParam(5, 'verified')).rules[0]).toMatchObject({ status: 'verified' });
  });
  it('an unknown parameter, a unit mismatch, or a threshold given as well are errors naming the rule', () => {
    const bad = (over: Record<string, unknown>, params: Record<string, unknown> = param): boolean =>
      Ruleset.safeParse({ id: 'x', title: 't', version: '1', source: 'S', status: 'verified', parameters: params,
        rules: [{ id: 'r', system: 'H', variable: 'bilirubin', unit: 'mg/dL', comparator: 'gt', action: 'stop_course', source: 'S', status: 'verified',
          ...over }],
      }).success;
    expect(bad({ threshold_parameter: 'nope' })).toBe(false);
    expect(bad({ threshold_parameter: 'bili_grade3' }, { bili_grade3: { ...param.bili_grade3, unit: 'umol/L' } })).toBe(false);
    expect(bad({ threshold_parameter: 'bili_grade3', threshold: 5 })).toBe(false);
    expect(bad({ threshold_parameter: 'bili_grade3' }, { bili_grade3: { ...param.bili_grade3, value: 5 } })).toBe(true);
    // Every rule reading an unsupplied parameter: nothing left to evaluate.
    expect(bad({ threshold_parameter: 'bili_grade3' })).toBe(false);
  });
  it('a ruleset file reading a parameter loads through the kit’s loader, resolved', () => {
    const yaml = [
      'id: centre_x', 'title: Centre X', 'version: "1"', 'source: S3a', 'status: verified',
      'parameters:', '  bili_grade3: { value: 6, unit: mg/dL, description: "Grade 3 at our lab" }',
      'rules:',
      '  - { id: hepatic, system: Hepatic, variable: bilirubin, unit: mg/dL, comparator: gt, threshold_parameter: bili_grade3,',
      '      action: stop_course, source: S3a, status: verified }',
    ].join('\n');
    expect(parseRuleset(yaml, 'centre-x.yaml').rules[0]).toMatchObject({ threshold: 6, status: 'unverified' });
  });
});

describe('the kit’s rulesets invent no such value', () => {
  it('no kit ruleset declares a parameter or reads one; the label’s hepatic row stays unencoded, saying why', () => {
    const dir = join(import.meta.dirname, '..', '..', 'rules');
    const all = [...loadRulesets(join(dir, 'sources')), ...loadRulesets(join(dir, 'centres'))];
    expect(all.every((rs) => Object.keys(rs.parameters).length === 0 && rs.rules.every((r) => !r.flags.includes('centre_parameter')))).toBe(true);
    const label = all.find((rs) => rs.id === 'label_2024')!;
    expect(label.unencoded.find((u) => u.system === 'Hepatic')!.reason).toMatch(/upper limit of normal/);
  });
});
