// A failing cell stops the run, is named with its source and error, and no later cell counts as passed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { paramsFor, readNotebook, resolveNotebooks, runNotebook, type NotebookRun } from '../../notebooks/runner/index.js';
import { il2kit } from '../helpers/cli.js';
import { FIXTURES, ROOT, requireSetup, tempDir } from './helpers.js';

describe('il2kit notebooks run on a notebook with a failing cell', () => {
  let r: ReturnType<typeof il2kit>;
  let out: string;
  beforeAll(() => {
    requireSetup();
    out = tempDir('fail');
    r = il2kit(['notebooks', 'run', join(FIXTURES, 'failing-cell.ipynb'), '--out', out]);
  });

  it('exits non-zero and names the failing cell with its source and error', () => {
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('failing-cell: FAILED at cell 3 (error); 1 later code cell(s) not run');
    expect(r.stdout).toContain("throw new Error(`deliberate failure in cell 3 (answer ${answer})`);");
    expect(r.stdout).toContain('Error: deliberate failure in cell 3 (answer 42)');
  });

  it('reports no later cell as passed, and shows no progress off a terminal', () => {
    expect(r.stdout).not.toMatch(/cell 4: ok/);
    expect(r.stdout + r.stderr).not.toContain('cell 4 must not run');
    expect(r.stderr).toBe('');
  });

  it('still writes the executed notebook and HTML, marking the failure and the cells not run', () => {
    const nb = readNotebook(join(out, 'failing-cell.ipynb'));
    const [, before, fails, after] = nb.cells;
    expect(before?.cell_type === 'code' && before.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: ['cell 2 ran\n'] }]);
    expect(fails?.cell_type === 'code' && JSON.stringify(fails.outputs)).toContain('deliberate failure in cell 3');
    expect(after?.cell_type === 'code' && [after.outputs, after.execution_count]).toEqual([[], null]);
    const html = readFileSync(join(out, 'failing-cell.html'), 'utf8');
    expect(html).toContain('FAILED at cell 3');
    expect(html).toContain('class="cell code status-error" id="cell-3"');
    expect(html).toContain('class="cell code status-not_run" id="cell-4"');
  });
});

describe('a cell over the time limit', () => {
  let run: NotebookRun;
  beforeAll(async () => {
    requireSetup();
    run = await runNotebook(join(FIXTURES, 'slow-cell.ipynb'), { root: ROOT, outDir: tempDir('slow'), cellTimeoutMs: 1_000 });
  });

  it('fails as a timeout at that cell; the next cell is not run', () => {
    expect(run.ok).toBe(false);
    expect(run.failure).toMatchObject({ cell: 2, status: 'timeout', error: 'timed out after 1 s' });
    expect(run.cells.map((c) => [c.cell, c.status])).toEqual([
      [1, 'ok'],
      [2, 'timeout'],
      [3, 'not_run'],
    ]);
  });
});

describe('bad parameters and names are rejected before any kernel starts', () => {
  it('il2kit exits 2 naming an unknown parameter', () => {
    const r = il2kit(['notebooks', 'run', '00-kit-tour', '--param', 'nope=1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('il2kit: bad parameter: unknown parameter nope (this notebook takes dataPath, maxProblems)\n');
  });

  it('names a value the schema rejects', () => {
    expect(() => paramsFor('00-kit-tour', { maxProblems: '-3' }, ROOT)).toThrow(/maxProblems="-3": .*>=0/);
  });

  it('refuses parameters for a notebook without a schema', () => {
    expect(() => paramsFor('failing-cell', { x: '1' }, ROOT)).toThrow('notebook failing-cell has no parameter schema');
  });

  it('names a missing notebook', () => {
    expect(() => resolveNotebooks(['no-such-notebook'], ROOT)).toThrow('no notebook "no-such-notebook"');
  });
});
