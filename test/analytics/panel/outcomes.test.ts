// Outcomes through the panel (issue 22 → 20): centres' outcome count tables, pooled, reproduce the patient-level
// analysis of all centres together — exactly for every count and the life table, within the grouping tolerance for
// Kaplan–Meier — and disclosure control holds on them.
import { describe, expect, it } from 'vitest';
import {
  cycleEndTables,
  gridCounts,
  readingCode,
  lifeTableSurvival,
  outcomeTables,
  poolCycleEnds,
  poolDurableCr,
  poolReversal,
  poolSeriousEvents,
  poolSurvival,
  reversalTables,
} from '../../../analytics/panel/index.js';
import { DEFAULT_POLICY } from '../../../analytics/panel/types.js';
import {
  cycleEndCounts,
  cycleEndReasons,
  osSubjects,
  patientOutcomes,
  reversalTimes,
  reversibility,
  safetyRates,
  survivalSummary,
  type RulesetStop,
} from '../../../analytics/outcomes/index.js';
import type { OutcomeInputs } from '../../../analytics/outcomes/types.js';
import { discloseSummary } from '../../../reports/bundle/disclose.js';
import { labelProblems } from '../../../analytics/panel/vocabulary.js';
import { summaryOf, unsuppressedBundle } from '../../helpers/panel.js';
import { syntheticInputs } from '../outcomes/rows.js';

const all = syntheticInputs(60, 11);
/** The same patients split into pseudo-centres by patient (not by the synthetic centre), so every split is new. */
function split(inp: OutcomeInputs, parts: number): OutcomeInputs[] {
  const keys = [...new Set(inp.patients.map((p) => `${p.centre_id}\u0000${p.patient_key}`))];
  return Array.from({ length: parts }, (_, i) => {
    const mine = new Set(keys.filter((_, j) => j % parts === i));
    const take = <T extends { centre_id: string; patient_key: string }>(rows: readonly T[]) =>
      rows.filter((r) => mine.has(`${r.centre_id}\u0000${r.patient_key}`)).map((r) => ({ ...r, centre_id: `pc${i}` }));
    return {
      patients: take(inp.patients), followUp: take(inp.followUp), responses: take(inp.responses), assessments: take(inp.assessments),
      cycles: take(inp.cycles), creatinine: take(inp.creatinine), pressors: take(inp.pressors), events: take(inp.events),
    };
  });
}
const parts = split(all, 3);
const bundles = parts.map((p, i) => unsuppressedBundle(summaryOf(`pc${i}`, outcomeTables(p))));
const whole = patientOutcomes(all).rows;

describe('pooled outcome tables equal the patient-level analysis of all centres together', () => {
  it('the bundles pass the vocabulary check', () => {
    for (const b of bundles) expect(labelProblems(b)).toEqual([]);
  });
  it('life tables (6-month grid, nothing merged): summed counts are the whole cohort’s, so the pooled survival is the same number', () => {
    const pooled = poolSurvival(bundles);
    for (const disease of ['rcc', 'melanoma'] as const) {
      const mine = whole.filter((r) => r.disease === disease);
      const counts = gridCounts(mine.map((r) => ({ t: r.os_months, event: r.os_event })));
      const surv = lifeTableSurvival(counts);
      for (const m of [12, 24, 36]) {
        const row = pooled.find((x) => x.endpoint === 'os' && x.disease === disease && x.months === m)!;
        expect(row.centres).toBe(3);
        expect(row.patients).toBe(mine.length);
        expect(row.survival).toBe(surv[m / 6 - 1]!.survival);
      }
    }
  });
  it('and the pooled life table is within 0.03 of the patient-level Kaplan–Meier at 12, 24 and 36 months (the grouping)', () => {
    const km = survivalSummary('os', osSubjects(whole), ['disease']).rows;
    const pooled = poolSurvival(bundles);
    for (const disease of ['rcc', 'melanoma'] as const) {
      const k = km.find((r) => r.grouping === 'disease' && r.group === disease)!;
      for (const [m, s] of [[12, k.s12], [24, k.s24], [36, k.s36]] as const) {
        const row = pooled.find((x) => x.endpoint === 'os' && x.disease === disease && x.months === m)!;
        expect(Math.abs(row.survival! - s!), `${disease} ${m} months`).toBeLessThan(0.03);
      }
    }
  });
  it('durable CRs: the counts of complete responders progression-free and progressed add up exactly', () => {
    const pooled = poolDurableCr(bundles);
    for (const disease of ['rcc', 'melanoma'] as const) {
      const crs = whole.filter((r) => r.disease === disease && r.best_response === 'CR');
      const r24 = pooled.find((x) => x.disease === disease && x.horizon_months === 24)!;
      expect(r24.complete_responders).toBe(crs.length);
      expect(r24.progression_free).toBe(crs.filter((r) => r.pfs_months >= 24).length);
      expect(r24.followed).toBe(crs.filter((r) => r.pfs_months >= 24 || r.pfs_event === 1).length);
    }
  });
  it('serious events: patients with each event per regimen equal the all-centre safety rows exactly, with the exact interval', () => {
    const ref = safetyRates(all).filter((r) => r.centre_id === 'ALL' && !r.regimen.includes('pooled'));
    const pooled = poolSeriousEvents(bundles);
    expect(pooled.length).toBe(ref.length);
    for (const r of ref) {
      const x = pooled.find((y) => y.regimen === r.regimen && y.event_type === r.event_type)!;
      expect([x.patients, x.patients_with_event], `${r.regimen} ${r.event_type}`).toEqual([r.patients, r.patients_with_event]);
      expect(x.per_100_upper).toBeCloseTo(r.per_100_upper!, 12);
    }
    expect(pooled.find((x) => x.event_type === 'any_serious')!.I2).not.toBeNull();
  });
});

describe('disclosure control on the outcome tables', () => {
  it('no released outcome count is under k; a small centre’s life table is suppressed, and the pool says it left it out', () => {
    const k = 5;
    const small = split(all, 12);
    const released = small.map((p, i) => discloseSummary(summaryOf(`pc${i}`, outcomeTables(p)), { ...DEFAULT_POLICY, min_cell: k }, '0.0.0-test').bundle);
    let suppressed = 0;
    for (const b of released)
      for (const t of b.tables)
        for (const row of t.cells)
          for (const v of row) {
            if (v === null) suppressed += 1;
            else expect(v === 0 || v >= k, `${b.centre_id} ${t.id}: ${v}`).toBe(true);
          }
    expect(suppressed).toBeGreaterThan(0);
    const os = poolSurvival(released).filter((r) => r.endpoint === 'os');
    expect(os.some((r) => r.centres_left_out !== '')).toBe(true);
    // Nothing in a released table is a date or a key: only interval codes, horizons and event codes.
    const text = JSON.stringify(released.map((b) => b.tables));
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(text).not.toMatch(/north\d|south\d|west\d/);
  });
});

describe('reversibility and why cycles ended, through bundles (schema 3)', () => {
  // Cycle-end readings under a ruleset: hand-made stops on some cycles of every pseudo-centre.
  const stopsOf = (inp: OutcomeInputs): Record<string, RulesetStop[]> => ({
    consensus_2014_t3: inp.cycles
      .filter((_, i) => i % 3 === 0)
      .map((c, i) => ({
        ruleset_id: 'consensus_2014_t3', cycle_id: c.cycle_id, slot_number: 3, reason: i % 2 ? 'criterion: Haemodynamic' : 'policy: relative criteria',
        rule_id: null, status: null,
      })),
  });
  const rulesets = [{ id: 'consensus_2014_t3', version: null, status: 'verified' as const, rules: 1, rules_inferred: 0, rules_unverified: 0 }];
  const withToxicity = parts.map((p, i) =>
    unsuppressedBundle({ ...summaryOf(`pc${i}`, [...reversalTables(p), ...cycleEndTables(p, stopsOf(p))]), rulesets }),
  );
  it('the bundles pass the vocabulary check (reason codes, measures, readings)', () => {
    for (const b of withToxicity) expect(labelProblems(b)).toEqual([]);
    expect(withToxicity[0]!.tables.find((t) => t.id === 'cycle_end:consensus_2014_t3')!.rows).toContain('system:haemodynamic');
  });
  it('reversal: courses, reversed, died first and censored by day 7, 14, 30 equal the patient-level analysis exactly', () => {
    const rev = reversalTimes(all);
    const ref = reversibility(rev.times).filter((r) => r.centre_id === 'ALL');
    const pooled = poolReversal(withToxicity);
    expect(pooled.length).toBeGreaterThan(0);
    for (const r of ref) {
      const x = pooled.find((y) => y.measure === r.measure && y.day === r.day);
      if (r.courses === 0) continue;
      expect(x, `${r.measure} ${r.day}`).toBeDefined();
      const mine = rev.times.filter((t) => t.measure === r.measure);
      expect([x!.centres, x!.courses]).toEqual([3, r.courses]);
      expect(x!.reversed_by_day).toBe(mine.filter((t) => t.status === 1 && t.days <= r.day).length);
      expect(x!.died_first_by_day).toBe(mine.filter((t) => t.status === 2 && t.days <= r.day).length);
      expect(x!.censored_by_day).toBe(mine.filter((t) => t.status === 0 && t.days <= r.day).length);
      // The cumulative incidence equals the patient-level one where no course is censored by then; else it is close.
      const early = mine.some((t) => t.status === 0 && t.days <= r.day);
      if (!early) expect(x!.cumulative_incidence).toBeCloseTo(r.cumulative_incidence!, 12);
      else expect(Math.abs(x!.cumulative_incidence! - r.cumulative_incidence!)).toBeLessThan(0.05);
    }
  });
  it('cycle ends: cycles per reason, recorded and per ruleset, equal the patient-level counts exactly', () => {
    const stops = Object.fromEntries(
      Object.entries(Object.assign({}, ...parts.map(stopsOf)) as Record<string, RulesetStop[]>).map(([k]) => [k, parts.flatMap((p) => stopsOf(p)[k]!)]),
    );
    const ref = cycleEndCounts(cycleEndReasons(all.cycles, stops)).filter((r) => r.centre_id === 'ALL');
    const pooled = poolCycleEnds(withToxicity);
    for (const reading of ['recorded', 'consensus_2014_t3']) {
      const mine = ref.filter((r) => r.reading === reading);
      const byCode = new Map<string, number>();
      for (const r of mine) byCode.set(readingCode(reading, r.reason), (byCode.get(readingCode(reading, r.reason)) ?? 0) + r.cycles);
      const got = pooled.filter((p) => p.reading === reading);
      expect(new Map(got.map((g) => [g.reason, g.cycles]))).toEqual(byCode);
      expect(got.every((g) => g.all_cycles === all.cycles.length && g.centres === 3)).toBe(true);
    }
    expect(pooled.find((p) => p.reason === 'policy:relative_criteria')!.label).toBe('policy: relative criteria');
    // A ruleset's table has only its stops and not_stopped, so none of its rows can be differenced against the recorded one.
    expect(new Set(pooled.filter((p) => p.reading !== 'recorded').map((p) => p.reason))).toEqual(
      new Set(['not_stopped', 'policy:relative_criteria', 'system:haemodynamic']),
    );
  });
  it('disclosure: released reversal and cycle-end cells are 0 or ≥ k, and a table with a hidden cell is left out and named', () => {
    const k = 5;
    const small = split(all, 8);
    const released = small.map(
      (p, i) =>
        discloseSummary({ ...summaryOf(`pc${i}`, [...reversalTables(p), ...cycleEndTables(p)]), rulesets }, { ...DEFAULT_POLICY, min_cell: k }, '0.0.0-test')
          .bundle,
    );
    for (const b of released)
      for (const t of b.tables) for (const v of t.cells.flat()) expect(v === null || v === 0 || v >= k, `${b.centre_id} ${t.id}`).toBe(true);
    const left = [...poolReversal(released), ...poolCycleEnds(released)].filter((r) => r.centres_left_out !== '');
    expect(left.length).toBeGreaterThan(0);
  });
});

describe('a centre whose export has no cause of death, in bundles and the pool (issue 22 item 5)', () => {
  it('sends neither treatment-related death nor any serious event; the pool names it as not recorded for both', () => {
    const blind = { ...parts[2]!, followUp: parts[2]!.followUp.map((f) => (f.death_at !== null ? { ...f, death_cause: 'unknown' as const } : f)) };
    const tables = outcomeTables(blind).filter((t) => t.kind === 'serious_events');
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) expect(t.rows.filter((r) => r === 'any_serious' || r === 'treatment_related_death')).toEqual([]);
    const pooled = poolSeriousEvents([bundles[0]!, bundles[1]!, unsuppressedBundle(summaryOf('pc2', outcomeTables(blind)))]);
    for (const type of ['any_serious', 'treatment_related_death']) {
      const rows = pooled.filter((r) => r.event_type === type);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r.centres_left_out, `${r.regimen} ${type}`).toContain('pc2 (not recorded)');
    }
    // Other event types still count pc2.
    expect(pooled.find((r) => r.event_type === 'icu_transfer')!.centres_left_out).not.toContain('pc2');
  });
  it('a rare-event row suppressed at one centre leaves that row out only; the centre’s other rows still pool', () => {
    const b = unsuppressedBundle(summaryOf('pcx', outcomeTables(parts[0]!)));
    const t = b.tables.find((x) => x.kind === 'serious_events')!;
    const i = t.rows.indexOf('intubation');
    const hidden = { ...b, tables: b.tables.map((x) => (x === t ? { ...x, cells: x.cells.map((r, j) => (j === i ? [null, null] : r)) } : x)) };
    const pooled = poolSeriousEvents([hidden, bundles[1]!]);
    expect(pooled.find((r) => r.regimen === t.group.regimen && r.event_type === 'intubation')!.centres_left_out).toBe('pcx');
    expect(pooled.find((r) => r.regimen === t.group.regimen && r.event_type === 'any_serious')!.centres).toBe(2);
  });
});

describe('the panel report shows reversibility and why cycles ended (shared page builder)', () => {
  it('has a reversal table with the published shares and a cycle-end table in words', async () => {
    const { panelOutcomesSection } = await import('../../../reports/panel/outcomes-section.js');
    const { poolBundles } = await import('../../../analytics/panel/index.js');
    const stop = { ruleset_id: 'consensus_2014_t3', cycle_id: parts[0]!.cycles[0]!.cycle_id, slot_number: 2, reason: 'criterion: Renal' };
    const stops = { consensus_2014_t3: [{ ...stop, rule_id: null, status: null }] };
    const rulesets = [{ id: 'consensus_2014_t3', version: null, status: 'verified' as const, rules: 1, rules_inferred: 0, rules_unverified: 0 }];
    const b = parts.map((p, i) => unsuppressedBundle({ ...summaryOf(`pc${i}`, outcomeTables(p, i === 0 ? stops : {})), rulesets }));
    const html = panelOutcomesSection(poolBundles(b)).html;
    expect(html).toContain('Reversibility: courses whose last cycle had the toxicity');
    expect(html).toContain('Creatinine back to baseline (within lab noise)');
    expect(html).toContain('S31 (Belldegrun)');
    expect(html).toContain('As recorded by the centres');
    expect(html).toContain('criterion: Renal');
    // Coarsened cuts (decision 48): the columns that say which centres a day or a reason leaves out, and the range over all centres.
    expect(html).toContain('Left out (suppressed, or bands merged across the day)');
    expect(html).toContain('Deaths counted as censored');
    expect(html).toContain('All centres: from');
  });
});
