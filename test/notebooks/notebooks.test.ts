// Every notebook in notebooks/: committed clean, has a parameter schema, type-checks strictly, and
// executes on the tslab kernel producing its executed .ipynb and a self-contained HTML page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasTag, notebookParams, readNotebook, runNotebook, textOf, typecheckNotebooks, INJECTED_TAG, PARAMETERS_TAG, type NotebookRun } from '../../notebooks/runner/index.js';
import { NOTEBOOK_DIR, ROOT, committedNotebooks, requireSetup, tempDir } from './helpers.js';
import { sampleStore } from '../../data-samples/sample-store.js';

const names = committedNotebooks();

describe('committed notebooks', () => {
  it('there is at least the kit tour', () => {
    expect(names).toContain('00-kit-tour');
  });

  it.each(names)('%s carries no outputs, execution counts or injected parameters', (name) => {
    const nb = readNotebook(join(NOTEBOOK_DIR, `${name}.ipynb`));
    for (const [i, cell] of nb.cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      expect({ cell: i + 1, outputs: cell.outputs, count: cell.execution_count }).toEqual({ cell: i + 1, outputs: [], count: null });
      expect(hasTag(cell, INJECTED_TAG)).toBe(false);
    }
  });

  it.each(names)('%s uses the tslab kernel and has a parameter schema matching its parameters cell', (name) => {
    const nb = readNotebook(join(NOTEBOOK_DIR, `${name}.ipynb`));
    expect(nb.metadata.kernelspec?.name).toBe('tslab');
    expect(Object.keys(notebookParams)).toContain(name);
    const schema = notebookParams[name as keyof typeof notebookParams];
    const paramsCells = nb.cells.filter((c) => c.cell_type === 'code' && hasTag(c, PARAMETERS_TAG));
    expect(paramsCells).toHaveLength(1);
    const declared = [...paramsCells.map((c) => textOf(c.source)).join('\n').matchAll(/\blet\s+([A-Za-z_$][\w$]*)/g)].map((m) => m[1]);
    expect(declared.sort()).toEqual(Object.keys(schema.shape).sort());
  });

  it('type-check under the strict project tsconfig (code cells joined into one module)', async () => {
    requireSetup();
    const problems = await typecheckNotebooks(
      names.map((n) => [n, readNotebook(join(NOTEBOOK_DIR, `${n}.ipynb`))] as const),
      ROOT,
    );
    expect(Object.fromEntries(problems)).toEqual(Object.fromEntries(names.map((n) => [n, []])));
  });
});

describe.each(names)('notebook %s executes on the tslab kernel', (name) => {
  let run: NotebookRun;
  let html: string;
  beforeAll(async () => {
    requireSetup();
    // The samples' store, named: without storeDir a notebook would analyse whatever out/store the checkout holds.
    const params = 'storeDir' in notebookParams[name as keyof typeof notebookParams].shape ? { storeDir: await sampleStore() } : {};
    run = await runNotebook(join(NOTEBOOK_DIR, `${name}.ipynb`), { root: ROOT, outDir: tempDir('nb'), cellTimeoutMs: 60_000, params });
    html = readFileSync(run.htmlPath, 'utf8');
    console.info(`${name}: kernel start ${run.kernelStartMs} ms, total ${run.totalMs} ms`);
  });

  it('runs every code cell ok', () => {
    expect(run.failure).toBeUndefined();
    expect(run.cells.map((c) => c.status).filter((s) => s !== 'ok')).toEqual([]);
    expect(run.ok).toBe(true);
  });

  it('writes the executed notebook with outputs', () => {
    const executed = readNotebook(run.ipynbPath);
    const counts = executed.cells.flatMap((c) => (c.cell_type === 'code' ? [c.execution_count] : []));
    expect(counts.every((n) => typeof n === 'number')).toBe(true);
  });

  it('writes a self-contained HTML page: no scripts, no external requests', () => {
    expect(html).not.toMatch(/<script|<link|<iframe|\b(?:src|href)="(?!data:|#)/i);
    expect(html).toContain('Content-Security-Policy');
    expect(html).not.toContain('looks like you are running TensorFlow.js');
  });
});

describe('the kit tour shows what the issue asks for', () => {
  let run: NotebookRun;
  beforeAll(async () => {
    requireSetup();
    run = await runNotebook(join(NOTEBOOK_DIR, '00-kit-tour.ipynb'), {
      root: ROOT,
      outDir: tempDir('tour'),
      params: { dataPath: 'data-samples/examples/dose_slot.bad.csv', maxProblems: '2' },
      cwd: ROOT,
    });
  });

  it('runs with injected parameters: validation problems, arquero table, danfo describe, swimmer SVG', () => {
    expect(run.failure).toBeUndefined();
    expect(run.params).toEqual({ dataPath: join(ROOT, 'data-samples/examples/dose_slot.bad.csv'), maxProblems: 2 });
    const nb = readNotebook(run.ipynbPath);
    const outputs = nb.cells.flatMap((c) => (c.cell_type === 'code' ? c.outputs : []));
    const text = outputs.map((o) => (o.output_type === 'stream' ? textOf(o.text) : '')).join('');
    expect(text).toContain('7 rows: 2 valid, 5 invalid');
    expect(text.match(/dose_slot\.bad\.csv/g)).toHaveLength(2); // maxProblems = 2
    expect(text).toMatch(/║ count\s+│ 2\s+│ 2\s+║/); // danfojs describe() of the two given doses
    const bundles = outputs.flatMap((o) => (o.output_type === 'display_data' ? [o.data] : []));
    expect(bundles.some((d) => String(d['text/html']).includes('<table'))).toBe(true);
    expect(bundles.some((d) => String(d['image/svg+xml']).startsWith('<svg'))).toBe(true);
    const html = readFileSync(run.htmlPath, 'utf8');
    expect(html).toContain('data:image/svg+xml;base64,');
    expect(html).toContain('<h2>An arquero table</h2>');
  });
});
