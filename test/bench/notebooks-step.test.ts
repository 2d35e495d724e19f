// The bench's optional notebooks step (issue 25: the notebooks on the 20,000-patient store): off by default, and
// with BENCH_NOTEBOOKS=1 one `il2kit notebooks run <name>` per notebook on the run's store, outside the end-to-end time.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_STEPS, benchSteps, notebookNames, notebookSteps, type StepContext } from '../../bench/cli.js';
import { ROOT } from '../helpers/cli.js';

const ctx: StepContext = { exports: '/e', specs: [], store: '/s/store', out: '/s/out' };

describe('the bench notebooks step', () => {
  it('is off by default', () => {
    expect(benchSteps({})).toBe(CLI_STEPS);
    expect(benchSteps({ BENCH_NOTEBOOKS: '0' })).toBe(CLI_STEPS);
  });

  it('with BENCH_NOTEBOOKS=1: every notebook in notebooks/, each run on the store as a user runs it, not in the end-to-end time', () => {
    const names = readdirSync(join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb')).map((f) => f.replace('.ipynb', '')).sort();
    expect(notebookNames()).toEqual(names);
    expect(names.length).toBeGreaterThanOrEqual(5);
    const steps = benchSteps({ BENCH_NOTEBOOKS: '1' });
    expect(steps.slice(0, CLI_STEPS.length)).toEqual(CLI_STEPS);
    const nb = steps.slice(CLI_STEPS.length);
    expect(nb.map((s) => s.name)).toEqual(names.map((n) => `notebook ${n}`));
    for (const [i, s] of nb.entries()) {
      expect(s.command).toBe('notebooks');
      expect(s.endToEnd).toBe(false);
      // 00 reads a sample file and refuses storeDir; every other notebook analyses the store.
      const store = names[i] === '00-kit-tour' ? [] : ['--param', 'storeDir=/s/store'];
      expect(s.args(ctx)).toEqual(['notebooks', 'run', names[i], ...store, '--out', '/s/out/notebooks']);
    }
  });

  it("gives 05 the run's holds outputs when holds wrote them (its practice measures), and no other notebook", () => {
    const out = mkdtempSync(join(tmpdir(), 'il2kit-nb-step-'));
    try {
      mkdirSync(join(out, 'holds'));
      const withHolds = { ...ctx, out };
      for (const s of notebookSteps()) {
        const args = s.args(withHolds);
        const holds = s.name === 'notebook 05-outcomes-and-safety' ? ['--param', `holdsDir=${join(out, 'holds')}`] : [];
        const store = s.name === 'notebook 00-kit-tour' ? [] : ['--param', 'storeDir=/s/store'];
        expect(args).toEqual(['notebooks', 'run', s.name.replace('notebook ', ''), ...store, ...holds, '--out', join(out, 'notebooks')]);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
