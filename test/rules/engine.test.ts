import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conditionMet } from '../../rules/condition.js';
import { compileTest, evaluateRuleset, featureTableFromRows, slotDecision, type SlotDecision } from '../../rules/engine.js';
import { loadRulesets } from '../../rules/load.js';
import { Ruleset } from '../../schemas/ruleset.js';
import { RULE_VARIABLES, type RuleVariableCode } from '../../schemas/vocabularies.js';

const all = loadRulesets(join(import.meta.dirname, '..', '..', 'rules', 'sources'));
const byId = Object.fromEntries(all.map((r) => [r.id, r]));
const consensus = byId.consensus_2014_t3!;
const label = byId.label_2024!;
const s5 = byId.inst_springerplus_2015!;
const VARS = Object.keys(RULE_VARIABLES) as RuleVariableCode[];

type Row = Record<string, unknown>;
/** One cycle of slots; each row lists only the features it sets (everything else missing). */
function run(rs: Ruleset, rows: Row[], history: 'engine' | 'recorded' = 'engine'): SlotDecision[] {
  const full = rows.map((r, i) => ({ cycle_id: 'c1', slot_number: i + 1, patient_key: 'p1', ...r }));
  const table = featureTableFromRows(full, VARS);
  const ev = evaluateRuleset(rs, table, { history });
  return full.map((_, i) => slotDecision(ev, table, i));
}
const decide = (rs: Ruleset, row: Row) => run(rs, [row])[0]!;

describe('compiled comparisons agree with conditionMet at every edge of every source rule', () => {
  it('all thresholds and band edges, ±1e-9 and exactly', () => {
    for (const rs of all) {
      for (const r of rs.rules) {
        for (const c of [r, ...r.all_of, ...r.resume]) {
          const edges = [c.threshold, c.band?.lower, c.band?.upper].filter((x): x is number => typeof x === 'number');
          const probes = c.comparator === 'present' ? [0, 1] : edges.flatMap((e) => [e - 1e-9, e, e + 1e-9, e - 1, e + 1]);
          for (const x of probes) expect(compileTest(c)(x), `${rs.id}/${r.id} at ${x}`).toBe(conditionMet(c, x));
        }
      }
    }
  });
});

describe('at-dose rules: consensus heart rate band edges', () => {
  it.each([
    [99.9, 'give'], [100, 'hold'], [129.9, 'hold'], [130, 'hold'], [130.1, 'stop_cycle'],
  ])('HR %s -> %s', (hr, decision) => {
    expect(decide(consensus, { heart_rate_at_dose: hr }).decision).toBe(decision);
  });
  it('reports the fired rule with its evidence, threshold, source and status', () => {
    const d = decide(consensus, { heart_rate_at_dose: 140 });
    expect(d.fired).toEqual([
      expect.objectContaining({ rule_id: 'hr_absolute', value: 140, threshold: 130, comparator: 'gt', action: 'stop_cycle', level: 'absolute', status: 'verified', source: expect.stringContaining('S1-T3') }),
    ]);
  });
});

describe('interval maximum: phenylephrine during the interval, half-open at 1.5', () => {
  it.each([
    [0.99, 'give'], [1.0, 'hold'], [1.49, 'hold'], [1.5, 'stop_cycle'], [2.5, 'stop_cycle'],
  ])('max %s -> %s', (v, decision) => {
    expect(decide(consensus, { phenylephrine_max_interval: v }).decision).toBe(decision);
  });
  it('at-dose phenylephrine (0.5, 0.8] relative, >0.8 absolute', () => {
    expect([0.5, 0.51, 0.8, 0.81].map((v) => decide(consensus, { phenylephrine_at_dose: v }).decision)).toEqual(['give', 'hold', 'hold', 'stop_cycle']);
  });
});

describe('per-shift sums', () => {
  it('consensus urine output per shift: 80–160 relative, <80 absolute', () => {
    expect([160.1, 160, 80, 79.9].map((v) => decide(consensus, { urine_output_shift: v }).decision)).toEqual(['give', 'hold', 'hold', 'stop_cycle']);
  });
  it('TIL urine output per kg per 8 h <4', () => {
    expect([4, 3.99].map((v) => decide(byId.til_2024!, { urine_output_per_kg_shift: v }).decision)).toEqual(['give', 'hold']);
  });
  it('platelets band [30000, 50000] and <30000', () => {
    expect([50001, 50000, 30000, 29999].map((v) => decide(consensus, { platelets_min: v }).decision)).toEqual(['give', 'hold', 'hold', 'stop_cycle']);
  });
  it('creatinine half-open [2.5, 3.0) then ≥3.0', () => {
    expect([2.49, 2.5, 2.95, 3.0].map((v) => decide(consensus, { creatinine: v }).decision)).toEqual(['give', 'hold', 'hold', 'stop_cycle']);
  });
});

describe('consecutive shifts', () => {
  it('diarrhoea ≥1000 mL on one shift holds; on two consecutive shifts stops', () => {
    const d = run(consensus, [
      { diarrhoea_shift: 1000, diarrhoea_shifts_over_1000: 1 },
      { diarrhoea_shift: 1200, diarrhoea_shifts_over_1000: 2 },
    ]);
    expect(d.map((x) => x.decision)).toEqual(['hold', 'stop_cycle']);
    expect(d[1]!.fired.map((f) => f.rule_id)).toEqual(['diarrhoea_relative', 'diarrhoea_absolute']);
  });
});

describe('cycle counters and policies (S5: 3 relative criteria or 3 held doses stop the cycle)', () => {
  it('three distinct relative criteria in a cycle stop it; later slots are not reached', () => {
    const d = run(s5, [{ heart_rate_at_dose: 125 }, { creatinine: 2.6 }, { weight_gain_pct: 15 }, { heart_rate_at_dose: 80 }]);
    expect(d.map((x) => [x.decision, x.policy])).toEqual([['hold', 'none'], ['hold', 'none'], ['stop_cycle', 'relative_criteria'], ['not_reached', 'none']]);
  });
  it('the same relative criterion three times counts once; the third held dose stops the cycle', () => {
    const d = run(s5, [{ heart_rate_at_dose: 125 }, { heart_rate_at_dose: 125 }, { heart_rate_at_dose: 125 }]);
    expect(d.map((x) => [x.decision, x.policy])).toEqual([['hold', 'none'], ['hold', 'none'], ['stop_cycle', 'held_doses']]);
  });
  it("in 'recorded' history the held count is the recorded one and a stop does not carry forward", () => {
    const d = run(s5, [{ held_doses_in_cycle: 2, heart_rate_at_dose: 80 }, { held_doses_in_cycle: 3, heart_rate_at_dose: 80 }], 'recorded');
    expect(d.map((x) => [x.decision, x.policy])).toEqual([['give', 'none'], ['stop_cycle', 'held_doses']]);
  });
  it('counter variables can be used in rules as data', () => {
    const rs = Ruleset.parse({
      id: 'counter', title: 't', version: '1', source: 's', status: 'inferred',
      rules: [
        { id: 'hr', system: 's', variable: 'heart_rate_at_dose', unit: '/min', comparator: 'gt', threshold: 100, level: 'relative', action: 'hold', source: 's', status: 'inferred' },
        { id: 'held2', system: 's', variable: 'held_doses_in_cycle', unit: '1', comparator: 'ge', threshold: 2, action: 'stop_cycle', source: 's', status: 'inferred' },
      ],
    });
    expect(run(rs, [{ heart_rate_at_dose: 120 }, { heart_rate_at_dose: 120 }, { heart_rate_at_dose: 80 }]).map((x) => x.decision)).toEqual(['hold', 'hold', 'stop_cycle']);
  });
  it('a new cycle resets the counters; discontinue carries into the patient’s later cycles', () => {
    const rows = [
      { cycle_id: 'a', slot_number: 1, patient_key: 'p1', heart_rate_at_dose: 125 },
      { cycle_id: 'a', slot_number: 2, patient_key: 'p1', heart_rate_at_dose: 125 },
      { cycle_id: 'b', slot_number: 1, patient_key: 'p1', heart_rate_at_dose: 125 },
      { cycle_id: 'c', slot_number: 1, patient_key: 'p2', sustained_vt: true },
      { cycle_id: 'c', slot_number: 2, patient_key: 'p2' },
      { cycle_id: 'd', slot_number: 1, patient_key: 'p2' },
    ];
    const table = featureTableFromRows(rows, VARS);
    expect(Array.from(evaluateRuleset(s5, table).decision)).toEqual([1, 1, 1, 0, 0, 0]);
    expect(Array.from(evaluateRuleset(label, table).decision)).toEqual([0, 0, 0, 3, 4, 4]);
  });
});

describe('resume conditions', () => {
  it('label SpO2 <90: the hold persists until SpO2 >90 (90 itself is neither trigger nor resume)', () => {
    const d = run(label, [{ spo2_at_dose: 88 }, { spo2_at_dose: 90 }, { spo2_at_dose: 91 }, { spo2_at_dose: 90 }]);
    expect(d.map((x) => x.decision)).toEqual(['hold', 'hold', 'give', 'give']);
    expect(d[1]!.fired).toEqual([expect.objectContaining({ rule_id: 'spo2_below_90', persisting: true, value: 90 })]);
  });
  it('label creatinine >4.5 holds until <1.5; missing resume evidence keeps the hold and is reported', () => {
    const d = run(label, [{ creatinine: 4.6 }, { creatinine: 3 }, {}, { creatinine: 1.4 }]);
    expect(d.map((x) => x.decision)).toEqual(['hold', 'hold', 'hold', 'give']);
    expect(d[2]!.cannot_evaluate).toContain('creatinine_over_4_5');
  });
  it('consensus relative holds are reassessed at the next dose (no resume state)', () => {
    expect(run(consensus, [{ heart_rate_at_dose: 110 }, { heart_rate_at_dose: 90 }]).map((x) => x.decision)).toEqual(['hold', 'give']);
  });
});

describe('compound and missing evidence', () => {
  it('label persistent oliguria needs ≥16 h <10 mL/h and rising creatinine', () => {
    expect(decide(label, { oliguria_hours: 16, creatinine_rising: true }).decision).toBe('hold');
    expect(decide(label, { oliguria_hours: 15.9, creatinine_rising: true }).decision).toBe('give');
    expect(decide(label, { oliguria_hours: 16, creatinine_rising: false }).decision).toBe('give');
    const missing = decide(label, { oliguria_hours: 16 });
    expect([missing.decision, missing.cannot_evaluate.includes('persistent_oliguria')]).toEqual(['give', true]);
  });
  it('missing evidence is "cannot evaluate", never "not met"', () => {
    const d = decide(consensus, { heart_rate_at_dose: null });
    expect(d.decision).toBe('give');
    expect(d.cannot_evaluate).toEqual(consensus.rules.map((r) => r.id));
    expect(d.fired).toEqual([]);
  });
  it('a fired rule wins over missing evidence in others', () => {
    expect(decide(consensus, { creatinine: 3.2 }).decision).toBe('stop_cycle');
  });
  it('rejects slot features out of order', () => {
    const t = featureTableFromRows([{ cycle_id: 'a', slot_number: 2 }, { cycle_id: 'a', slot_number: 1 }], VARS);
    expect(() => evaluateRuleset(consensus, t)).toThrow(/not sorted: cycle a slot 1 follows slot 2/);
  });
});
