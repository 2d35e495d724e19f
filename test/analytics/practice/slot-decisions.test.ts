// Per-slot decisions as columns (issue 25): every row they give back equals the row the report used to build as an
// object for every slot, and the swimmer sample picks the cycles the old row-based selection picked.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifySlots, EXCLUDED, NOT_ASSESSABLE, SLOT_CLASSES } from '../../../analytics/practice/classify.js';
import { holdsReport } from '../../../analytics/practice/report.js';
import { slotDecisionColumns, slotDecisionRow, swimmerSample, type RulesetPass, type SlotDecisionRow } from '../../../analytics/practice/slot-decisions.js';
import { DECISIONS, evaluateRuleset, featureTableFromRows } from '../../../rules/engine.js';
import type { SlotFeatureFrame } from '../../../rules/features.js';
import { loadRulesets } from '../../../rules/load.js';
import { RULE_VARIABLES, type RuleVariableCode } from '../../../schemas/vocabularies.js';

const RULESETS = loadRulesets(join(import.meta.dirname, '..', '..', '..', 'rules', 'sources'));
const VARS = Object.keys(RULE_VARIABLES) as RuleVariableCode[];

/** Two centres × 15 patients × one 15-slot cycle: given, held, skipped and not_reached slots, values sometimes missing. */
function frame(): SlotFeatureFrame {
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const rows: Record<string, unknown>[] = [];
  for (const centre of ['east', 'west']) {
    for (let p = 0; p < 15; p++) {
      const key = `${centre[0]}${p.toString(16).padStart(15, '0')}`;
      let held = 0;
      for (let s = 1; s <= 15; s++) {
        const hr = Math.round(85 + rand() * 50);
        const status = s > 13 ? 'not_reached' : rand() < 0.05 ? 'skipped' : hr > 118 && rand() < 0.8 ? 'held' : 'given';
        rows.push({
          centre_id: centre, patient_key: key, cycle_id: `${key}-c1.1`, slot_number: s, status, hold_reason_codes: status === 'held' ? ['tachycardia'] : [],
          heart_rate_at_dose: hr, creatinine: rand() < 0.3 ? null : Math.round((0.7 + rand() * 2.8) * 100) / 100,
          urine_output_shift: centre === 'west' ? null : Math.round(80 + rand() * 400), held_doses_in_cycle: held,
        });
        if (status === 'held') held++;
      }
    }
  }
  return {
    ...featureTableFromRows(rows, VARS),
    centre_id: rows.map((r) => String(r.centre_id)),
    patient_key: rows.map((r) => String(r.patient_key)),
    status: rows.map((r) => String(r.status)),
    hold_reason_codes: rows.map((r) => r.hold_reason_codes as string[]),
  };
}

/** The rows holdsReport built before issue 25, one object per compared slot (the reference implementation). */
function rowsAsBefore(f: SlotFeatureFrame, { ruleset: rs, ev, classes }: RulesetPass): SlotDecisionRow[] {
  const out: SlotDecisionRow[] = [];
  for (let i = 0; i < f.n; i++) {
    const cls = classes.cls[i]!;
    if (cls === EXCLUDED) continue;
    const fired = [];
    for (let k = ev.fired.offsets[i]!; k < ev.fired.offsets[i + 1]!; k++) fired.push(ev.rules[ev.fired.rule[k]!]!);
    const cannot = new Set<string>();
    for (let k = ev.cannot.offsets[i]!; k < ev.cannot.offsets[i + 1]!; k++) cannot.add(ev.rules[ev.cannot.rule[k]!]!.id);
    out.push({
      ruleset_id: rs.id, ruleset_status: rs.status, centre_id: f.centre_id[i]!, patient_key: f.patient_key[i]!, cycle_id: f.cycle_id[i]!,
      slot_number: f.slot_number[i] as number, recorded: f.status[i]!, decision: DECISIONS[ev.decision[i]!]!, class: SLOT_CLASSES[cls]!,
      fired_rules: fired.map((r) => r.id).join('|'), fired_status: fired.map((r) => r.status).join('|'),
      cannot_evaluate: cls === NOT_ASSESSABLE ? [...cannot].join('|') : '',
    });
  }
  return out;
}

/** The row-based swimmer selection of before (top cycles by disagreements per centre, ties by cycle id). */
function swimmerAsBefore(rows: readonly SlotDecisionRow[], perCentre: number): SlotDecisionRow[] {
  const n = new Map<string, { centre: string; n: number }>();
  for (const d of rows) {
    const e = n.get(d.cycle_id) ?? { centre: d.centre_id, n: 0 };
    if (d.class === 'met_but_given' || d.class === 'held_without_criterion') e.n++;
    n.set(d.cycle_id, e);
  }
  const chosen = new Set<string>();
  for (const centre of [...new Set(rows.map((d) => d.centre_id))].sort()) {
    [...n].filter(([, e]) => e.centre === centre).sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0])).slice(0, perCentre).forEach(([c]) => chosen.add(c));
  }
  return rows.filter((d) => chosen.has(d.cycle_id));
}

describe('slotDecisionColumns', () => {
  const f = frame();
  const passes = RULESETS.map((ruleset) => {
    const ev = evaluateRuleset(ruleset, f, { history: 'recorded' });
    return { ruleset, ev, classes: classifySlots(f, ev) };
  });

  it('gives back, row by row, what the report built as objects; excluded slots are left out', () => {
    let fired = 0, cannot = 0;
    for (const pass of passes) {
      const cols = slotDecisionColumns(f, pass);
      const expected = rowsAsBefore(f, pass);
      expect(cols.n).toBe(expected.length);
      expect(Array.from({ length: cols.n }, (_, k) => slotDecisionRow(f, cols, k))).toEqual(expected);
      fired += expected.filter((r) => r.fired_rules !== '').length;
      cannot += expected.filter((r) => r.cannot_evaluate !== '').length;
    }
    // The frame exercises both dictionaries and leaves skipped and not-reached slots out.
    expect([fired > 0, cannot > 0]).toEqual([true, true]);
    expect(slotDecisionColumns(f, passes[0]!).n).toBeLessThan(f.n);
  });

  it('swimmerSample picks the cycles the row-based selection picked, and holdsReport hands every ruleset to onRuleset', () => {
    for (const perCentre of [1, 3]) {
      const pass = passes.find((p) => p.ruleset.id === 'consensus_2014_t3')!;
      expect(swimmerSample(f, slotDecisionColumns(f, pass), { perCentre })).toEqual(swimmerAsBefore(rowsAsBefore(f, pass), perCentre));
    }
    const seen: string[] = [];
    const report = holdsReport(f, RULESETS, { bootstrap: 10, swimmerCycles: 2, onRuleset: (p) => seen.push(p.ruleset.id) });
    expect(seen).toEqual(RULESETS.map((r) => r.id));
    expect(new Set(report.swimmer.map((d) => d.cycle_id)).size).toBe(4);
    expect(report).not.toHaveProperty('decisions');
  });
});
