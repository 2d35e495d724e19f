// Hold-criteria figures through the chart harness, on a report computed from a small synthetic frame: three centres
// that hold at heart rate ≥100, ≥120 and never by rule, with creatinine and urine recorded at two of them.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { holdsReport } from '../../analytics/practice/index.js';
import { featureTableFromRows } from '../../rules/engine.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import { loadRulesets } from '../../rules/load.js';
import { RULE_VARIABLES, type RuleVariableCode } from '../../schemas/vocabularies.js';
import { DECISION_STYLE, SLOT_CLASS_STYLE, concordanceSpec, decisionSwimmerSpec, enforcementSpec, holdReasonsSpec, impliedThresholdsSpec } from '../../charts/index.js';
import { checkChart } from './harness.js';

const ROOT = join(import.meta.dirname, '..', '..');
const RULESETS = loadRulesets(join(ROOT, 'rules', 'sources')).filter((r) => ['consensus_2014_t3', 'label_2024', 'label_legacy'].includes(r.id));
const VARS = Object.keys(RULE_VARIABLES) as RuleVariableCode[];

/** Three centres × 12 patients × one 14-slot cycle; deterministic. */
function syntheticFrame(): SlotFeatureFrame {
  let seed = 11;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const centres = [
    { id: 'north', hrEdge: 100, reasons: ['tachycardia'] },
    { id: 'south', hrEdge: 120, reasons: ['tachycardia', 'oliguria'] },
    { id: 'west', hrEdge: Infinity, reasons: ['clinical_other'] },
  ];
  const rows: Record<string, unknown>[] = [];
  for (const c of centres) {
    for (let p = 0; p < 12; p++) {
      const key = `${c.id.slice(0, 1)}${p.toString(16).padStart(15, '0')}`;
      let held = 0;
      for (let s = 1; s <= 14; s++) {
        const hr = Math.round(80 + rand() * 55);
        const creat = c.id === 'west' ? null : Math.round((0.8 + rand() * 2.6) * 100) / 100;
        const urine = c.id === 'west' ? null : Math.round(60 + rand() * 500);
        const isHeld = hr >= c.hrEdge ? rand() < 0.85 : rand() < 0.06;
        rows.push({
          centre_id: c.id, patient_key: key, cycle_id: `${key}-c1.1`, slot_number: s, status: isHeld ? 'held' : 'given',
          hold_reason_codes: isHeld ? [c.reasons[s % c.reasons.length]!] : [],
          heart_rate_at_dose: hr, creatinine: creat, urine_output_shift: urine, held_doses_in_cycle: held,
        });
        if (isHeld) held++;
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

export const HOLDS_REPORT = holdsReport(syntheticFrame(), RULESETS, { bootstrap: 50, swimmerCycles: 2 });
const r = HOLDS_REPORT;
const swimmer = r.swimmer;

checkChart('holds-reasons', holdReasonsSpec, r.holdReasons);
checkChart('holds-concordance', concordanceSpec, r.concordance);
checkChart('holds-enforcement', (rows: typeof r.enforcement) => enforcementSpec(rows, { rules: RULESETS.find((x) => x.id === 'consensus_2014_t3')!.rules }), r.enforcement);
checkChart('holds-implied-thresholds', impliedThresholdsSpec, { thresholds: r.impliedThresholds.filter((t) => t.variable !== 'phenylephrine_max_interval' && t.variable !== 'platelets_min'), bands: r.referenceBands });
checkChart('holds-swimmer', decisionSwimmerSpec, swimmer);
checkChart('holds-swimmer-empty', decisionSwimmerSpec, []);

describe('hold-criteria charts', () => {
  const values = (spec: object) => (spec as { data: { values: Record<string, unknown>[] } }).data.values;

  it('the report carries source and verification status on every rule-derived row', () => {
    for (const c of r.concordance) expect(c).toMatchObject({ ruleset_status: expect.any(String), ruleset_source: expect.any(String) });
    for (const e of r.enforcement) expect(e).toMatchObject({ status: expect.any(String), source: expect.any(String) });
    for (const t of r.impliedThresholds) expect(t.reference_status).not.toBe('');
    expect(r.rulesets.find((x) => x.ruleset_id === 'label_legacy')!.status).toBe('unverified');
  });

  it('concordance bars draw every assessable class for every centre × ruleset and label the unverified ruleset', () => {
    const v = values(concordanceSpec(r.concordance));
    expect(v).toHaveLength(3 * 3 * Object.keys(SLOT_CLASS_STYLE).length);
    expect(v.some((x) => String(x.label).startsWith('label_legacy ? · κ'))).toBe(true);
    const kappa = (centre: string) => r.concordance.find((c) => c.centre_id === centre && c.ruleset_id === 'consensus_2014_t3')!.kappa!;
    expect(kappa('north')).toBeGreaterThan(kappa('south'));
    expect(kappa('south')).toBeGreaterThan(kappa('west'));
  });

  it('the heatmap shows one ruleset, criteria met somewhere only, held/met in each cell', () => {
    const v = values(enforcementSpec(r.enforcement, { ruleset: 'consensus_2014_t3' }));
    expect(new Set(v.map((x) => x.centre))).toEqual(new Set(['north', 'south', 'west']));
    // criteria in clinical words: without the rules, the variable and level (the id only where two read the same) …
    expect(new Set(v.map((x) => x.rule))).toContain('Heart rate at dosing time (relative)');
    expect([...new Set(v.map((x) => x.rule))].filter((x) => /_/.test(String(x)) && !/\[[a-z0-9_]+\]$/.test(String(x)))).toEqual([]);
    // … and with them, the band and unit too
    const consensus = RULESETS.find((x) => x.id === 'consensus_2014_t3')!;
    expect(new Set(values(enforcementSpec(r.enforcement, { ruleset: consensus.id, rules: consensus.rules })).map((x) => x.rule))).toContain('Heart rate at dosing time 100–130/min (relative)');
    for (const x of v) expect(x.text === '–' || /^\d+\/\d+$/.test(String(x.text))).toBe(true);
  });

  it('the swimmer colours a give with missing evidence apart and shapes by what the centre did', () => {
    const v = values(decisionSwimmerSpec(swimmer));
    expect(new Set(v.map((x) => x.recorded))).toEqual(new Set(['Given', 'Held']));
    expect(v.every((x) => Object.values(DECISION_STYLE).some((d) => d.label === x.decision))).toBe(true);
    expect(new Set(v.map((x) => String(x.lane).split(' · ')[0]))).toEqual(new Set(['north', 'south', 'west']));
  });

  it('the forest panels keep each variable on its own axis and leave off-axis ED50s out', () => {
    const spec = impliedThresholdsSpec({ thresholds: r.impliedThresholds, bands: r.referenceBands }) as { vconcat: { title: string; layer: { data: { values: Record<string, unknown>[] } }[] }[] };
    expect(spec.vconcat.map((p) => p.title)).toEqual([
      'Heart rate at dosing time (/min)', 'Serum creatinine (mg/dL)', 'Phenylephrine rate at dosing time (µg/kg/min)', 'Highest phenylephrine rate in the preceding interval (µg/kg/min)', 'Urine output over the preceding 8-h shift (mL)', 'Lowest platelet count in the preceding interval (or latest) (/µL)',
    ]);
    const hr = r.impliedThresholds.filter((t) => t.variable === 'heart_rate_at_dose');
    expect(hr.find((t) => t.centre_id === 'north')!.step_threshold).toBe(100);
    expect(hr.find((t) => t.centre_id === 'south')!.step_threshold).toBe(120);
  });
});

describe('the swimmer sample', () => {
  it('draws the stated number of cycles per centre and says in the figure how they were chosen', () => {
    expect(new Set(swimmer.map((d) => d.cycle_id)).size).toBe(2 * 3);
    expect(r.swimmerRule).toMatch(/^per centre, the 2 cycle\(s\) with the most slots where the ruleset and the recorded status disagree/);
    const subtitle = (decisionSwimmerSpec(swimmer, { sample: r.swimmerRule }) as { title: { subtitle: string[] } }).title.subtitle.join(' ');
    expect(subtitle).toContain('A sample, not every cycle: per centre, the 2 cycle(s) with the most slots');
  });
});
