// Item 4 of issue 19: a store parameter resolves against the caller's directory; with none, out/store is used when
// it exists, and the notebook can say which store it analysed.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkParams, findOutStore, notebookStore } from '../../notebooks/runner/index.js';
import { DosesReachedParams, HoldCriteriaParams, OutcomesSafetyParams, ResponseSignalsParams } from '../../schemas/notebook-params.js';

function projectWithStore(): string {
  const root = mkdtempSync(join(tmpdir(), 'il2kit-nbstore-'));
  mkdirSync(join(root, 'out', 'store'), { recursive: true });
  writeFileSync(join(root, 'out', 'store', 'il2kit.duckdb'), '');
  mkdirSync(join(root, 'notebooks'));
  return root;
}

describe('storeDir parameter', () => {
  it.each([
    ['02', HoldCriteriaParams],
    ['03', DosesReachedParams],
    ['04', ResponseSignalsParams],
    ['05', OutcomesSafetyParams],
  ] as const)('notebook %s resolves a relative storeDir against the directory the command runs in', (_n, schema) => {
    expect(checkParams(schema, { storeDir: 'out/store' }, '/work/here')).toEqual({ storeDir: '/work/here/out/store' });
    expect(checkParams(schema, { storeDir: '' }, '/work/here')).toEqual({ storeDir: '' });
  });
});

describe('notebookStore', () => {
  it('finds out/store from the notebooks folder upward, as the kernel runs there', async () => {
    const root = projectWithStore();
    expect(findOutStore(join(root, 'notebooks'))).toBe(join(root, 'out', 'store'));
    expect(await notebookStore('', join(root, 'notebooks'))).toEqual({ dir: join(root, 'out', 'store'), why: 'no storeDir given; out/store exists' });
  });
  it('uses the storeDir given, resolved, and refuses one without a store', async () => {
    const root = projectWithStore();
    expect(await notebookStore('out/store', root)).toEqual({ dir: join(root, 'out', 'store'), why: 'the storeDir parameter' });
    await expect(notebookStore('nowhere', root)).rejects.toThrow(/storeDir nowhere: no store at .*nowhere\/il2kit\.duckdb/);
  });
  it('has no out/store to find in an empty folder tree', () => {
    expect(findOutStore(mkdtempSync(join(tmpdir(), 'il2kit-nbstore-none-')))).toBeNull();
  });
});
