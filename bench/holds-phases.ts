// Where `il2kit holds`'s analysis spends its time, on an existing store: the slot features read, each ruleset's
// evaluation with its classing and decision columns, and the implied thresholds (with their patient bootstrap), each
// timed on its own, wall and CPU. (The slot decisions' Parquet write is the command's own `slot_decisions` phase,
// IL2KIT_TIMINGS: tools do not import the CLI.) Run: npx tsx bench/holds-phases.ts <store>
import { classifySlots, DEFAULT_REFERENCE, impliedThresholds, kitRulesets, slotDecisionColumns, slotFeaturesFromStore } from '../analytics/practice/index.js';
import { evaluateRuleset } from '../rules/engine.js';
import { fmt } from './measure.js';

/** Wall and main-thread CPU (user + system of this process, DuckDB's threads included) of one step. */
async function measure<T>(f: () => Promise<T>): Promise<{ value: T; ms: number; cpu: number }> {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = await f();
  const u = process.cpuUsage(c);
  return { value, ms: performance.now() - t, cpu: (u.user + u.system) / 1000 };
}

/** Phase times (ms) of the holds analysis on one store. */
export async function holdsPhases(store: string, log: (s: string) => void): Promise<Record<string, number>> {
  const t: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  const features = await measure(() => slotFeaturesFromStore(store));
  const frame = features.value;
  t.features = features.ms;
  cpu.features = features.cpu;
  const rulesets = kitRulesets();
  const reference = rulesets.find((r) => r.id === DEFAULT_REFERENCE)!;
  t.evaluate = cpu.evaluate = 0;
  t.decision_columns = cpu.decision_columns = 0;
  for (const rs of rulesets) {
    const e = await measure(async () => {
      const ev = evaluateRuleset(rs, frame, { history: 'recorded' });
      return { ev, classes: classifySlots(frame, ev) };
    });
    t.evaluate += e.ms;
    cpu.evaluate += e.cpu;
    const c = await measure(async () => slotDecisionColumns(frame, { ruleset: rs, ...e.value }));
    t.decision_columns += c.ms;
    cpu.decision_columns += c.cpu;
  }
  const implied = await measure(async () => impliedThresholds(frame, reference, { bootstrap: 200 }));
  t.implied_thresholds = implied.ms;
  cpu.implied_thresholds = implied.cpu;
  log(`holds phases on ${frame.n} slots (wall / CPU): ${Object.entries(t).map(([k, v]) => `${k} ${fmt(v)} / ${fmt(cpu[k]!)}`).join(', ')}`);
  return t;
}

if (process.argv[1]?.endsWith('holds-phases.ts') || process.argv[1]?.endsWith('holds-phases.js')) {
  await holdsPhases(process.argv[2] ?? 'out/store', (s) => process.stdout.write(s + '\n'));
}
