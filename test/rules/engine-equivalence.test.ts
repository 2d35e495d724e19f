// The engine's fast path (verdicts computed per condition once per table, rules visited only where they are met,
// cannot be evaluated or hold in force) must decide exactly as the straightforward engine it replaced
// (engine-reference.ts): same decisions, policies, counters, fired and cannot-evaluate lists, in both histories,
// for every shipped ruleset, on random slot tables whose values sit at and around every threshold, with gaps: some
// with ~30% missing (rules met at most slots), some with ~90% (long quiet stretches, most rules unevaluable, as in
// real stores).
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cannotAt, evaluateRuleset, type RulesetEvaluation, type SlotFeatureTable } from '../../rules/engine.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import type { Rule } from '../../schemas/ruleset.js';
import { classifySlots } from '../../analytics/practice/classify.js';
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
            // The compact form read one slot at a time gives the same lists.
            const at: number[] = [];
            for (let i = 0; i < t.n; i++)
              expect(cannotAt(fast.missing, i, at), `${rs.id} ${history} slot ${i}`).toEqual([...ref.cannot.rule.subarray(ref.cannot.offsets[i]!, ref.cannot.offsets[i + 1]!)]);
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

// classifySlots reads the compact 'cannot evaluate' form (verdicts + extras); it must class every slot and name every
// centre's never-evaluable rules as the compressed rows did (the code it replaced, below). Two centres, one of which
// records three variables never (so those rules are skipped there and only there), statuses given / held / skipped.
describe('classifySlots from the compact form ≡ from the compressed rows', () => {
  function classesFromRows(frame: SlotFeatureFrame, ev: RulesetEvaluation): { cls: number[]; unevaluable: [string, number[]][] } {
    const total = new Map<string, number>();
    const counts = new Map<string, Map<number, number>>();
    for (let i = 0; i < frame.n; i++) {
      if (frame.status[i] !== 'given' && frame.status[i] !== 'held') continue;
      const c = frame.centre_id[i]!;
      total.set(c, (total.get(c) ?? 0) + 1);
      const m = counts.get(c) ?? new Map<number, number>();
      counts.set(c, m);
      for (const r of new Set(ev.cannot.rule.subarray(ev.cannot.offsets[i]!, ev.cannot.offsets[i + 1]!))) m.set(r, (m.get(r) ?? 0) + 1);
    }
    const skip = new Map([...counts].map(([c, m]) => [c, new Set([...m].filter(([, k]) => k >= total.get(c)!).map(([r]) => r))]));
    const cls = Array.from({ length: frame.n }, (_, i) => {
      const s = frame.status[i];
      if ((s !== 'given' && s !== 'held') || ev.decision[i] === 4) return 5;
      if (ev.decision[i] !== 0) return s === 'held' ? 0 : 1;
      const missing = [...ev.cannot.rule.subarray(ev.cannot.offsets[i]!, ev.cannot.offsets[i + 1]!)].some((r) => !skip.get(frame.centre_id[i]!)!.has(r));
      return missing ? 4 : s === 'held' ? 2 : 3;
    });
    return { cls, unevaluable: [...skip].map(([c, s]) => [c, [...s].sort((a, b) => a - b)]) };
  }

  // A counter rule with an all_of on a variable that can be missing: the loop's own 'cannot evaluate' entries at given slots.
  const consensus = rulesets.find((rs) => rs.id === 'consensus_2014_t3')!;
  const counter = {
    ...consensus.rules[0]!, id: 'held_and_creatinine', variable: 'held_doses_in_cycle' as const, comparator: 'ge' as const, threshold: 1, band: null,
    all_of: [{ ...consensus.rules[0]!.all_of[0], variable: 'creatinine' as const, comparator: 'gt' as const, threshold: 2, band: null, unit: 'mg/dL' }],
    resume: [], resume_any_of: [], action: 'hold' as const,
  } as unknown as Rule;
  const withCounterRule = { ...consensus, id: 'consensus_with_counter', rules: [...consensus.rules, counter] };

  it("a counter rule's missing evidence alone makes a given slot not assessable (and is skipped where never evaluable)", () => {
    // One cycle per centre, heart rate recorded and quiet; creatinine missing at a's slots 3–4 and at every slot of b.
    const n = 10;
    const values: Partial<Record<RuleVariableCode, Float64Array>> = {};
    for (const v of VARS) values[v] = new Float64Array(n).fill(NaN);
    values.heart_rate_at_dose = new Float64Array(n).fill(80);
    values.creatinine = Float64Array.from([1, 1, NaN, NaN, 1, NaN, NaN, NaN, NaN, NaN]);
    values.held_doses_in_cycle = Float64Array.from([0, 1, 1, 1, 2, 1, 1, 1, 2, 2]);
    const frame = {
      n, values, centre_id: [...'aaaaabbbbb'], patient_key: [...'pppppqqqqq'], cycle_id: [...'cccccddddd'],
      slot_number: Int32Array.from([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]), status: ['given', 'held', 'given', 'given', 'given', 'given', 'held', 'given', 'given', 'given'],
      hold_reason_codes: new Array(n).fill([]),
    } as unknown as SlotFeatureFrame;
    const rs = { ...consensus, id: 'hr_and_counter', policies: { ...consensus.policies, stop_after_relative_criteria: null }, rules: [consensus.rules.find((r) => r.id === 'hr_relative')!, counter] };
    const ev = evaluateRuleset(rs, frame, { history: 'recorded' });
    const got = classifySlots(frame, ev);
    expect([...got.cls]).toEqual(classesFromRows(frame, ev).cls);
    // a: slots 3 and 4 (held before, creatinine missing) not assessable; b: the counter rule is never evaluable, so skipped.
    expect([...got.cls]).toEqual([3, 2, 4, 4, 3, 3, 2, 3, 3, 3]);
    expect([...got.unevaluableRules.get('b')!]).toEqual([1]);
  });

  it('every shipped ruleset, 30 random frames', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 2, max: 30 }), fc.constantFrom(0.01, 0.3, 0.9), (seed, cycles, missing) => {
        const t = table(seed, cycles, missing);
        const centre_id = t.patient_key!.map((p) => (Number(p.slice(1)) % 2 === 0 ? 'a' : 'b'));
        for (const v of ['creatinine', 'spo2_at_dose', 'troponin'] as const) for (let i = 0; i < t.n; i++) if (centre_id[i] === 'b') t.values[v]![i] = NaN;
        const status = Array.from({ length: t.n }, (_, i) => ['given', 'given', 'held', 'skipped'][(i * 7 + seed) % 4]!);
        const frame = { ...t, centre_id, patient_key: [...t.patient_key!], status, hold_reason_codes: status.map(() => []) } as unknown as SlotFeatureFrame;
        for (const rs of [...rulesets, withCounterRule]) {
          const ev = evaluateRuleset(rs, frame, { history: 'recorded' });
          const got = classifySlots(frame, ev);
          const want = classesFromRows(frame, ev);
          expect([...got.cls], rs.id).toEqual(want.cls);
          expect([...got.unevaluableRules].map(([c, s]) => [c, [...s].sort((a, b) => a - b)]), rs.id).toEqual(want.unevaluable);
        }
      }),
      { seed: 7, numRuns: 30 },
    );
  });
});
