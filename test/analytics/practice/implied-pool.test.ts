// The implied thresholds' fits on a worker thread (implied-pool.ts, issue 25): the threaded report equals the
// in-process one, whichever thread fitted which cell, and a fit that throws in the worker rejects with the error the
// same fit throws in process (the lowest cell's, as the in-process loop throws the first).
import { beforeAll, describe, expect, it } from 'vitest';
import { holdsReport, holdsReportThreaded, kitRulesets } from '../../../analytics/practice/report.js';
import { impliedCells, impliedFitOptions } from '../../../analytics/practice/implied-thresholds.js';
import { fitImplied, type ImpliedTask } from '../../../analytics/practice/implied-fit.js';
import { startImpliedFits } from '../../../analytics/practice/implied-pool.js';
import type { SlotFeatureFrame } from '../../../rules/features.js';
import type { Ruleset } from '../../../schemas/ruleset.js';
import { sampleSlotFeatures } from '../../helpers/store.js';

let frame: SlotFeatureFrame;
let rulesets: Ruleset[];
let reference: Ruleset;
let tasks: ImpliedTask[];
const fit = impliedFitOptions({ bootstrap: 50 });

beforeAll(async () => {
  frame = await sampleSlotFeatures();
  rulesets = kitRulesets();
  reference = rulesets.find((r) => r.id === 'consensus_2014_t3')!;
  tasks = impliedCells(frame, reference).map((c) => c.task);
}, 300_000);

/** A task whose fit throws (a TypeError from reading a missing column), with a message of its own per kind. */
const broken = (task: ImpliedTask, kind: 'xi' | 'xs'): ImpliedTask => ({ ...task, [kind]: null }) as unknown as ImpliedTask;

describe('implied thresholds on a worker thread', () => {
  it('holdsReportThreaded gives holdsReport’s report and hands the rulesets to onRuleset in the same order', async () => {
    const seen: string[][] = [[], []];
    const direct = holdsReport(frame, rulesets, { reference, bootstrap: 50, onRuleset: (p) => seen[0]!.push(p.ruleset.id) });
    const threaded = await holdsReportThreaded(frame, rulesets, { reference, bootstrap: 50, onRuleset: (p) => seen[1]!.push(p.ruleset.id) });
    expect(JSON.stringify(threaded)).toBe(JSON.stringify(direct));
    expect(seen[1]).toEqual(seen[0]);
    expect(direct.impliedThresholds.some((r) => r.step_lower !== null && r.ed50_4pl !== null)).toBe(true);
  }, 300_000);

  it('fits every cell on the worker (this thread waiting) or every cell here, with the in-process results', async () => {
    const expected = tasks.map((t) => fitImplied(t, fit));
    const onWorker = startImpliedFits(tasks, fit, { here: false });
    expect(await onWorker.done()).toEqual(expected);
    expect(new Set(onWorker.by)).toEqual(new Set(['worker']));
    const here = startImpliedFits(tasks, fit, { thread: false });
    expect(await here.done()).toEqual(expected);
    expect(new Set(here.by)).toEqual(new Set(['main']));
  }, 300_000);

  it('a fit that throws on the worker rejects with the in-process error of the lowest such cell', async () => {
    const bad = [tasks[0]!, broken(tasks[1]!, 'xi'), tasks[2]!, broken(tasks[3]!, 'xs')];
    let inProcess: Error | null = null;
    try {
      bad.forEach((t) => fitImplied(t, fit));
    } catch (e) {
      inProcess = e as Error;
    }
    expect(inProcess).toBeInstanceOf(TypeError);
    for (const opts of [{ here: false }, { thread: false }, {}]) {
      const err = await startImpliedFits(bad, fit, opts).done().then(() => null, (e: unknown) => e as Error);
      expect(err?.name, JSON.stringify(opts)).toBe('TypeError');
      expect(err?.message, JSON.stringify(opts)).toBe(inProcess!.message);
    }
  }, 300_000);
});
