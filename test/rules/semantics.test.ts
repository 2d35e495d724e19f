// Rule semantics a clinician would sign (issue 21, item 1): each test fails on the engine and rulesets before the fix.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateRuleset, featureTableFromRows, slotDecision, type SlotDecision } from '../../rules/engine.js';
import { loadRulesets } from '../../rules/load.js';
import { withPrintedRangeGuards } from '../../rules/printed-range.js';
import { Ruleset } from '../../schemas/ruleset.js';
import { RULE_VARIABLES, type RuleVariableCode } from '../../schemas/vocabularies.js';

const all = loadRulesets(join(import.meta.dirname, '..', '..', 'rules', 'sources'));
const byId = Object.fromEntries(all.map((r) => [r.id, r]));
const til = byId.til_2024!;
const s5 = byId.inst_springerplus_2015!;
const VARS = Object.keys(RULE_VARIABLES) as RuleVariableCode[];

type Row = Record<string, unknown>;
function run(rs: Ruleset, rows: Row[]): SlotDecision[] {
  const full = rows.map((r, i) => ({ cycle_id: 'c1', slot_number: i + 1, patient_key: 'p1', ...r }));
  const table = featureTableFromRows(full, VARS);
  const ev = evaluateRuleset(rs, table);
  return full.map((_, i) => slotDecision(ev, table, i));
}

describe('a band with no printed upper end never turns into "give" above it', () => {
  it.each([
    [2.4, 'give', []], [2.5, 'hold', ['creatinine']], [2.99, 'hold', ['creatinine']],
    [3.0, 'hold', ['creatinine.above_printed_range']], [3.5, 'hold', ['creatinine.above_printed_range']],
  ])('TIL 2024 creatinine %s -> %s', (v, decision, fired) => {
    const d = run(til, [{ creatinine: v }])[0]!;
    expect(d.decision).toBe(decision);
    expect(d.fired.map((f) => f.rule_id)).toEqual(fired);
  });
  it('the value above the printed range is flagged and inferred, with the action of the nearest printed band', () => {
    const r = til.rules.find((x) => x.id === 'creatinine.above_printed_range')!;
    expect(r).toMatchObject({ comparator: 'ge', threshold: 3, action: 'hold', status: 'inferred', action_status: 'inferred', criterion: 'creatinine' });
    expect(r.flags).toContain('above_printed_range');
    expect(r.note).toMatch(/Above the printed range/);
  });
  it('a band continued by a stricter rule gets no companion (S5 creatinine [2.5, 3) then ≥ 3 absolute)', () => {
    expect(s5.rules.some((r) => r.id.includes('printed_range'))).toBe(false);
    expect(run(s5, [{ creatinine: 3.5 }])[0]!.decision).toBe('stop_cycle');
  });
  it('low-is-worse variables get a companion below the band (platelets band with nothing printed below it)', () => {
    const rs = Ruleset.parse({
      id: 't', title: 't', version: '1', source: 'S5', status: 'verified',
      rules: [{ id: 'plt', system: 'Haemorrhage', variable: 'platelets_min', unit: '/uL', comparator: 'in_band', band: { lower: 30000, upper: 50000, upper_inclusive: true }, action: 'hold', source: 'S5', status: 'verified' }],
    });
    const guarded = withPrintedRangeGuards(rs);
    expect(guarded.rules.map((r) => [r.id, r.comparator, r.threshold])).toEqual([['plt', 'in_band', null], ['plt.below_printed_range', 'lt', 30000]]);
    expect(run(guarded, [{ platelets_min: 29999 }])[0]!.decision).toBe('hold');
    expect(run(guarded, [{ platelets_min: 60000 }])[0]!.decision).toBe('give');
  });
});

describe('"≥ 3 relative criteria" counts criteria, not rule ids', () => {
  // Slot 1: one oliguric shift fires both the per-shift and the hourly urine rule; slot 2: tachycardia. Two criteria.
  const oliguria = { urine_output_shift: 120, urine_output_rate_mean: 15 };
  it('one oliguric episode firing two urine rules is one criterion (old engine: two, and a stop at slot 2)', () => {
    const d = run(s5, [oliguria, { heart_rate_at_dose: 125 }]);
    expect(d[0]!.fired.map((f) => f.rule_id).sort()).toEqual(['urine_output_rate_relative', 'urine_output_shift_relative']);
    expect(d.map((x) => x.decision)).toEqual(['hold', 'hold']);
    expect(d[1]!.policy).toBe('none');
  });
  it('a third distinct criterion stops the cycle by the policy', () => {
    const d = run(s5, [oliguria, { heart_rate_at_dose: 125 }, { weight_gain_pct: 16 }]);
    expect(d.map((x) => [x.decision, x.policy])).toEqual([['hold', 'none'], ['hold', 'none'], ['stop_cycle', 'relative_criteria']]);
  });
  it('the same-slot reading (an option) needs the three criteria at one slot', () => {
    // Without the held-doses policy, which would stop at the third hold either way.
    const slotS5 = { ...s5, policies: { ...s5.policies, relative_criteria_window: 'slot' as const, stop_after_held_doses: null } };
    const spread = run(slotS5, [oliguria, { heart_rate_at_dose: 125 }, { weight_gain_pct: 16 }]);
    expect(spread.map((x) => x.decision)).toEqual(['hold', 'hold', 'hold']);
    const together = run(slotS5, [{ ...oliguria, heart_rate_at_dose: 125, weight_gain_pct: 16 }]);
    expect(together[0]).toMatchObject({ decision: 'stop_cycle', policy: 'relative_criteria' });
  });
  it('the policy window defaults to the cycle and is marked inferred', () => {
    expect(s5.policies).toMatchObject({ relative_criteria_window: 'cycle', relative_criteria_window_status: 'inferred' });
  });
});

describe('the holds output shows both readings of "≥ 3 relative criteria"', () => {
  it('stops in cycles if criteria accumulate over the cycle, and if they must meet at one slot; inferred actions counted', async () => {
    const { holdsReport } = await import('../../analytics/practice/report.js');
    const rows = [{ urine_output_shift: 120, urine_output_rate_mean: 15 }, { heart_rate_at_dose: 125 }, { weight_gain_pct: 16 }];
    const full = rows.map((r, i) => ({ cycle_id: 'c1', slot_number: i + 1, patient_key: 'p1', ...r }));
    const frame = {
      ...featureTableFromRows(full, VARS),
      centre_id: full.map(() => 'a'),
      patient_key: full.map(() => 'p1'),
      status: ['held', 'held', 'held'],
      hold_reason_codes: [['oliguria'], ['tachycardia'], ['weight_gain']],
    };
    const report = holdsReport(frame, [byId.consensus_2014_t3!, s5], { bootstrap: 10 });
    const row = report.rulesets.find((r) => r.ruleset_id === 'inst_springerplus_2015')!;
    expect(row).toMatchObject({ relative_criteria_window: 'cycle', relative_criteria_window_status: 'inferred', relative_stops_cycle_window: 1, relative_stops_slot_window: 0 });
    expect(row.actions_inferred).toBe(s5.rules.filter((r) => r.level === 'absolute').length);
    expect(report.rulesets.find((r) => r.ruleset_id === 'consensus_2014_t3')).toMatchObject({ actions_inferred: byId.consensus_2014_t3!.rules.length, relative_stops_cycle_window: null });
  });
});

describe('a resume condition "or baseline" uses the patient’s baseline (label creatinine >4.5: back to <1.5 or baseline)', () => {
  const label = byId.label_2024!;
  // A patient whose baseline creatinine is 2.0: after the hold at 4.6, creatinine falls to 1.9, below baseline but not <1.5.
  const rows = [{ creatinine: 4.6, creatinine_baseline_change: 2.6 }, { creatinine: 1.9, creatinine_baseline_change: -0.1 }, { creatinine: 1.9, creatinine_baseline_change: -0.1 }];
  it('the hold is lifted once creatinine is back to baseline (old: held until <1.5)', () => {
    const d = run(label, rows);
    expect(d.map((x) => x.decision)).toEqual(['hold', 'give', 'give']);
  });
  it('above baseline and ≥1.5 the hold stays in force; with no baseline recorded only <1.5 lifts it', () => {
    const still = run(label, [rows[0]!, { creatinine: 2.2, creatinine_baseline_change: 0.2 }]);
    expect(still.map((x) => [x.decision, x.fired.map((f) => f.persisting)])).toEqual([['hold', [false]], ['hold', [true]]]);
    const noBase = run(label, [rows[0]!, { creatinine: 1.9 }, { creatinine: 1.4 }]);
    expect(noBase.map((x) => x.decision)).toEqual(['hold', 'hold', 'give']);
    expect(noBase[1]!.cannot_evaluate).toContain('creatinine_over_4_5');
  });
  it('the alternatives are data: resume_any_of, marked inferred', () => {
    const r = label.rules.find((x) => x.id === 'creatinine_over_4_5')!;
    expect(r.resume_any_of.map((c) => c.variable)).toEqual(['creatinine', 'creatinine_baseline_change']);
    expect(r.resume_status).toBe('inferred');
  });
});

describe('a hold until its resume condition survives into the patient’s next cycle', () => {
  it('SpO2 <90 at the last slot of cycle 1 holds the first slot of cycle 2 until SpO2 >90 (old: cleared at the cycle start)', () => {
    const label = byId.label_2024!;
    const rows = [
      { cycle_id: 'c1', slot_number: 1, spo2_at_dose: 95 },
      { cycle_id: 'c1', slot_number: 2, spo2_at_dose: 88 },
      { cycle_id: 'c2', slot_number: 1 },
      { cycle_id: 'c2', slot_number: 2, spo2_at_dose: 96 },
    ].map((r) => ({ patient_key: 'p1', ...r }));
    const table = featureTableFromRows(rows, VARS);
    const ev = evaluateRuleset(label, table);
    const d = rows.map((_, i) => slotDecision(ev, table, i));
    expect(d.map((x) => x.decision)).toEqual(['give', 'hold', 'hold', 'give']);
    expect(d[2]!.fired).toMatchObject([{ rule_id: 'spo2_below_90', persisting: true }]);
    // Another patient starts with no hold in force.
    const other = featureTableFromRows([...rows.slice(0, 2), { patient_key: 'p2', cycle_id: 'c3', slot_number: 1 }], VARS);
    expect(Array.from(evaluateRuleset(label, other).decision)).toEqual([0, 1, 0]);
  });
});
