import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_VARIABLES } from '../../schemas/vocabularies.js';
import { describe, expect, it } from 'vitest';
import { loadRuleset, loadRulesets, parseRuleset } from '../../rules/load.js';
import { isRulesetError } from '../../rules/messages.js';

const root = join(import.meta.dirname, '..', '..');
const sources = join(root, 'rules', 'sources');

const header = `id: x
title: t
version: "1"
source: s
status: verified
rules:
`;
const rule = (id: string, body: string) => `  - id: ${id}
    system: s
${body}    source: s
    status: verified
`;
const good = rule('ok', '    variable: heart_rate_at_dose\n    unit: /min\n    comparator: gt\n    threshold: 130\n    action: stop_cycle\n');

function issuesOf(text: string, file = 'bad.yaml'): string[] {
  try {
    parseRuleset(text, file);
  } catch (e) {
    if (isRulesetError(e)) return e.issues;
    throw e;
  }
  throw new Error('expected a RulesetError');
}

describe('loadRulesets', () => {
  it('loads every source ruleset with its rules, sources and statuses', () => {
    const all = loadRulesets(sources);
    expect(all.map((r) => r.id)).toEqual(['consensus_2014_t3', 'label_2024', 'label_legacy', 'inst_springerplus_2015', 'til_2024']);
    for (const rs of all) for (const r of rs.rules) expect(r.source.length, `${rs.id}/${r.id}`).toBeGreaterThan(0);
    const byId = Object.fromEntries(all.map((r) => [r.id, r]));
    const consensus = byId.consensus_2014_t3!;
    expect(consensus.rules.find((r) => r.id === 'atrial_fibrillation')?.status).toBe('inferred');
    expect(consensus.rules.find((r) => r.id === 'hr_absolute')).toMatchObject({ status: 'verified', level: 'absolute', action: 'stop_cycle', threshold: 130 });
    expect(consensus.rules.find((r) => r.id === 'phenylephrine_max_relative')?.band).toEqual({ lower: 1, upper: 1.5, lower_inclusive: true, upper_inclusive: false });
    expect(byId.label_legacy!.status).toBe('unverified');
    expect(byId.label_2024!.rules.find((r) => r.id === 'sbp_below_90')).toMatchObject({ flags: ['label_resume_condition_not_specified'], resume_status: 'inferred' });
    expect(byId.inst_springerplus_2015!.policies).toMatchObject({ stop_after_relative_criteria: 3, stop_after_held_doses: 3, policy_status: 'verified' });
  });

  it('accepts the centres’ local rulesets', () => {
    const dir = join(root, 'rules', 'centres');
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
    for (const f of files) expect(loadRuleset(join(dir, f)).rules.length).toBeGreaterThan(0);
  });
});

describe('ruleset rejection messages name the file, the line and the rule', () => {
  it('unknown variable', () => {
    const text = header + good + rule('hr_typo', '    variable: heart_rat\n    unit: /min\n    comparator: gt\n    threshold: 130\n    action: hold\n');
    expect(issuesOf(text)).toEqual([`bad.yaml:18: rule "hr_typo": variable: unknown variable "heart_rat"; allowed: ${Object.keys(RULE_VARIABLES).join(', ')}`]);
  });
  it('unit that is not the variable’s unit', () => {
    const text = header + good + rule('creat', '    variable: creatinine\n    unit: umol/L\n    comparator: ge\n    threshold: 265\n    action: hold\n');
    expect(issuesOf(text)).toEqual(['bad.yaml:19: rule "creat": unit: unit "umol/L" is not the unit of creatinine; allowed: "mg/dL" (thresholds are written in the variable\'s unit)']);
  });
  it('unknown action', () => {
    const text = header + good + rule('hr', '    variable: heart_rate_at_dose\n    unit: /min\n    comparator: gt\n    threshold: 130\n    action: stop\n');
    expect(issuesOf(text)).toEqual(['bad.yaml:22: rule "hr": action: unknown action "stop"; use hold, stop_cycle, stop_course, discontinue or notify']);
  });
  it('a wrong unit in a resume condition is located inside the rule', () => {
    const text = header + rule('spo2', '    variable: spo2_at_dose\n    unit: "%"\n    comparator: lt\n    threshold: 90\n    action: hold\n    resume:\n      - { variable: spo2_at_dose, unit: "1", comparator: gt, threshold: 90 }\n');
    expect(issuesOf(text)).toEqual(['bad.yaml:15: rule "spo2": resume.0.unit: unit "1" is not the unit of spo2_at_dose; allowed: "%" (thresholds are written in the variable\'s unit)']);
  });
  it('YAML syntax errors and unreadable files', () => {
    expect(issuesOf('id: [unclosed\n')[0]).toMatch(/^bad\.yaml(:\d+)?: YAML syntax error/);
    expect(() => loadRuleset(join(sources, 'missing.yaml'))).toThrow(/cannot read the ruleset file/);
  });
});
