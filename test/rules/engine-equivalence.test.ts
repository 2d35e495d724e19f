// The engine's fast path (verdicts computed per condition once per table, rules visited only where they are met,
// cannot be evaluated or hold in force) must decide exactly as the straightforward engine it replaced
// (engine-reference.ts): same decisions, policies, counters, fired and cannot-evaluate lists, in both histories,
// for every shipped ruleset, on random slot tables whose values sit at and around every threshold, with gaps: some
// with ~30% missing (rules met at most slots), some with ~90% (long quiet stretches, most rules unevaluable, as in
// real stores).
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateRuleset, type SlotFeatureTable } from '../../rules/engine.js';
import { loadRulesets } from '../../rules/load.js';
import { relativePolicyUnder } from '../../rules/relative-window.js';
import { RULE_VARIABLES, type RuleVariableCode } from '../../schemas/vocabularies.js';
import { evaluateRuleset as referenceEvaluate } from './engine-reference.js';

const root = join(import.meta.dirname, '..', '..', 'rules');
const shipped = [...loadRulesets(join(root, 'sources')), ...loadRulesets(join(root, 'centres'))];
// Each ruleset with a relative-criteria policy also under the same-slot reading of it.
const rulesets = [
  ...shipped,
  ...shipped
    .filter((rs) => rs.policies.stop_after_relative_criteria !== null)
    .map((rs) => ({ ...rs, id: `${rs.id}.slot`, policies: { ...rs.policies, relative_criteria_window: 'slot' as const } })),
];
const VARS = (Object.keys(RULE_VARIABLES) as RuleVariableCode[]).filter((v) => v !== 'relative_criteria_in_cycle');

/** Values worth probing per variable: every threshold and band edge of every ruleset, ±1, ±1e-9, 0. */
const probes = new Map<RuleVariableCode, number[]>();
for (const rs of rulesets)
  for (const r of rs.rules)
    for (const c of [r, ...r.all_of, ...r.resume]) {
      const edges = [c.threshold, c.band?.lower, c.band?.upper].filter((x): x is number => typeof x === 'number');
      const list = probes.get(c.variable) ?? [0, 1];
      for (const e of edges) list.push(e, e - 1, e + 1, e - 1e-9, e + 1e-9);
      probes.set(c.variable, list);
    }

/** A table of `cycles` cycles (2–3 per patient) of up to 15 slots, values drawn from the probes, `missing` of them missing. */
function table(seed: number, cycles: number, missing: number): SlotFeatureTable {
  let state = seed >>> 0 || 1;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const cycle_id: string[] = [];
  const patient_key: string[] = [];
  const slot: number[] = [];
  for (let c = 0; c < cycles; c++) {
    const slots = 1 + Math.floor(next() * 15);
    for (let k = 1; k <= slots; k++) {
      cycle_id.push(`c${c}`);
      patient_key.push(`p${Math.floor(c / 2)}`);
      slot.push(k);
    }
  }
  const n = slot.length;
  const values: Partial<Record<RuleVariableCode, Float64Array>> = {};
  for (const v of VARS) {
    const pool = probes.get(v) ?? [0, 1];
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = next() < missing ? NaN : pool[Math.floor(next() * pool.length)]!;
    values[v] = col;
  }
  // The recorded held count rises within a cycle, as the store's does.
  const held = new Float64Array(n);
  for (let i = 0; i < n; i++) held[i] = slot[i] === 1 ? 0 : held[i - 1]! + (next() < 0.2 ? 1 : 0);
  values.held_doses_in_cycle = held;
  return { n, cycle_id, patient_key, slot_number: Int32Array.from(slot), values };
}

describe('fast engine ≡ reference engine', () => {
  it('every shipped ruleset, both histories, 40 random tables', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 30 }), fc.constantFrom(0.3, 0.9), (seed, cycles, missing) => {
        const t = table(seed, cycles, missing);
        for (const rs of rulesets)
          for (const history of ['engine', 'recorded'] as const) {
            const fast = evaluateRuleset(rs, t, { history });
            const ref = referenceEvaluate(rs, t, { history });
            expect(fast.decision, `${rs.id} ${history}`).toEqual(ref.decision);
            expect(fast.policy).toEqual(ref.policy);
            expect(fast.relativeCount).toEqual(ref.relativeCount);
            expect(fast.heldBefore).toEqual(ref.heldBefore);
            expect(fast.fired).toEqual(ref.fired);
            // The reference over-allocates its cannot offsets (2n + 1 entries); the first n + 1 are the list.
            expect(fast.cannot.offsets).toEqual(ref.cannot.offsets.slice(0, t.n + 1));
            expect(fast.cannot.rule).toEqual(ref.cannot.rule);
          }
      }),
      { seed: 42, numRuns: 40 },
    );
  });
});

// The other reading of the relative-criteria window read off one evaluation (rules/relative-window.ts) must stop the
// same slots as evaluating the ruleset again under that reading, which report.ts did before (issue 25). Policies of 1
// and 2 criteria as well as the shipped ones make stops common, including at a cycle's first slot and on held slots.
describe('relative-criteria window: derived ≡ a second evaluation', () => {
  const relative = rulesets.filter((rs) => rs.policies.stop_after_relative_criteria !== null);
  const variants = relative.flatMap((rs) =>
    [1, 2].map((k) => ({ ...rs, id: `${rs.id}.${k}`, policies: { ...rs.policies, stop_after_relative_criteria: k } })),
  );
  it('both readings, from an evaluation under either, 40 random tables', () => {
    let stops = 0;
    let differ = 0;
    let firstSlot = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 30 }), fc.constantFrom(0.3, 0.9), (seed, cycles, missing) => {
        const t = table(seed, cycles, missing);
        for (const rs of [...relative, ...variants]) {
          const ev = evaluateRuleset(rs, t, { history: 'recorded' });
          const want = { cycle: new Uint8Array(t.n), slot: new Uint8Array(t.n) };
          for (const window of ['cycle', 'slot'] as const) {
            const again = evaluateRuleset({ ...rs, policies: { ...rs.policies, relative_criteria_window: window } }, t, { history: 'recorded' });
            want[window] = again.policy.map((p) => (p === 1 ? 1 : 0));
            expect(relativePolicyUnder(ev, t, window), `${rs.id} → ${window}`).toEqual(want[window]);
          }
          for (let i = 0; i < t.n; i++) {
            stops += want.cycle[i]! + want.slot[i]!;
            differ += want.cycle[i] !== want.slot[i] ? 1 : 0;
            firstSlot += want.slot[i] === 1 && (i === 0 || t.cycle_id[i] !== t.cycle_id[i - 1]) ? 1 : 0;
          }
        }
      }),
      { seed: 42, numRuns: 40 },
    );
    // The check is not vacuous: stops happen, the readings disagree, and cycles stop at their first slot.
    expect(stops).toBeGreaterThan(100);
    expect(differ).toBeGreaterThan(100);
    expect(firstSlot).toBeGreaterThan(10);
  });

  it('is not derived where it would not be exact: engine history, or a rule reading relative_criteria_in_cycle', () => {
    const t = table(7, 10, 0.3);
    const rs = relative[0]!;
    expect(relativePolicyUnder(evaluateRuleset(rs, t, { history: 'engine' }), t, 'slot')).toBeNull();
    const counter = { ...rs.rules[0]!, id: 'counter', variable: 'relative_criteria_in_cycle' as const, comparator: 'ge' as const, threshold: 2 };
    const reading = { ...rs, rules: [...rs.rules, { ...counter, all_of: [], resume: [], resume_any_of: [] }] };
    expect(relativePolicyUnder(evaluateRuleset(reading, t, { history: 'recorded' }), t, 'slot')).toBeNull();
  });
});
