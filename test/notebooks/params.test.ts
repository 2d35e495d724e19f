import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KitTourParams, ParameterError, checkParams, injectParameters, parametersCode, parseParamArgs, pathParam, textOf, type Notebook } from '../../notebooks/runner/index.js';

const nb = (cells: Notebook['cells']): Notebook => ({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'tslab' } }, cells });
const code = (source: string, tags?: string[]) => ({ cell_type: 'code' as const, metadata: tags ? { tags } : {}, source, outputs: [], execution_count: null });
const md = (source: string) => ({ cell_type: 'markdown' as const, metadata: {}, source });

describe('parseParamArgs', () => {
  it('splits key=value at the first =', () => {
    expect(parseParamArgs(['a=1', 'path=x=y.csv', 'empty='])).toEqual({ a: '1', path: 'x=y.csv', empty: '' });
  });
  it.each(['novalue', '=1', '1a=2', 'a-b=3'])('rejects %s', (arg) => {
    expect(() => parseParamArgs([arg])).toThrow(ParameterError);
  });
});

describe('checkParams', () => {
  const S = z.strictObject({ n: z.number().int(), label: z.string(), flag: z.boolean(), file: pathParam('a file') });

  it('reads a command-line string as JSON only when the schema does not take the string', () => {
    expect(checkParams(S, { n: '5', label: '5', flag: 'true' }, '/x')).toEqual({ n: 5, label: '5', flag: true });
  });
  it('makes relative path parameters absolute against the caller’s directory', () => {
    expect(checkParams(S, { file: 'data/a.csv' }, '/work/here')).toEqual({ file: join('/work/here', 'data/a.csv') });
    expect(checkParams(S, { file: '/abs/a.csv' }, '/work/here')).toEqual({ file: '/abs/a.csv' });
  });
  it('takes typed values from a params file as they are', () => {
    expect(checkParams(KitTourParams, { maxProblems: 3 }, '/')).toEqual({ maxProblems: 3 });
  });
  it('collects every problem, naming the parameter and what is allowed', () => {
    expect(() => checkParams(S, { n: 'five', zzz: 1 }, '/')).toThrow(/bad parameters: n="five": .*; unknown parameter zzz \(this notebook takes n, label, flag, file\)/);
  });
});

describe('injectParameters', () => {
  const base = nb([md('# t'), code('let a = 1;\nlet b = "x";', ['parameters']), code('console.log(a, b)')]);

  it('inserts a cell tagged injected-parameters right after the parameters cell, assigning (not redeclaring)', () => {
    const out = injectParameters(base, { a: 2, b: 'y"z' });
    expect(out.cells.map((c) => c.metadata.tags ?? [])).toEqual([[], ['parameters'], ['injected-parameters'], []]);
    expect(textOf(out.cells[2]!.source)).toBe(parametersCode({ a: 2, b: 'y"z' }));
    expect(parametersCode({ a: 2, b: 'y"z' })).toBe('// Parameters injected by il2kit notebooks run\n{\n  a = 2;\n  b = "y\\"z";\n}');
    expect(base.cells).toHaveLength(3); // input untouched
  });
  it('replaces an earlier injected cell instead of stacking another', () => {
    const twice = injectParameters(injectParameters(base, { a: 2 }), { a: 3 });
    expect(twice.cells).toHaveLength(4);
    expect(textOf(twice.cells[2]!.source)).toContain('a = 3;');
  });
  it('leaves the notebook as it is without parameters', () => {
    expect(injectParameters(base, {}).cells).toHaveLength(3);
  });
  it('needs a parameters cell that declares each name with let', () => {
    expect(() => injectParameters(nb([code('let a = 1;')]), { a: 2 })).toThrow('no code cell tagged "parameters"');
    expect(() => injectParameters(nb([code('const a = 1;', ['parameters'])]), { a: 2 })).toThrow('does not declare a with let');
  });
});
