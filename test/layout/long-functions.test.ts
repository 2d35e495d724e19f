// Issue 26: no function, method or arrow over 150 lines in pipelines/, rules/, analytics/ and simulate/
// (tests aside), found with the TypeScript compiler's parser. A failure lists file:line and the length.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT, sourceFiles } from './sources.js';

export const MAX_FUNCTION_LINES = 150;
const FOLDERS = ['pipelines/', 'rules/', 'analytics/', 'simulate/'];

export interface FunctionSpan {
  name: string;
  line: number;
  lines: number;
}

/** Every function-like node with a body (declarations, methods, accessors, constructors, arrows, expressions) and its length in lines. */
export function functionSpans(path: string, text: string): FunctionSpan[] {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const spans: FunctionSpan[] = [];
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = lineOf(node.getStart(sf));
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : nameFromParent(node);
      spans.push({ name, line: first, lines: lineOf(node.getEnd()) - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return spans;
}

/** An arrow or function expression's name: the variable or property it is assigned to, else "(anonymous)". */
function nameFromParent(node: ts.Node): string {
  const p = node.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p)) && ts.isIdentifier(p.name)) return p.name.text;
  return '(anonymous)';
}

describe('the long-function scan', () => {
  const body = (n: number) => Array.from({ length: n - 2 }, (_, i) => `  x += ${i};`).join('\n');
  it('flags a function of 151 lines and not one of 150, arrows and methods included', () => {
    const text = [
      `function ok() {\n${body(150)}\n}`,
      `function tooLong() {\n${body(151)}\n}`,
      `const arrow = () => {\n${body(151)}\n};`,
      `class C {\n  method() {\n${body(151)}\n  }\n}`,
    ].join('\n');
    const long = functionSpans('x.ts', text).filter((s) => s.lines > MAX_FUNCTION_LINES);
    expect(long.map((s) => [s.name, s.lines])).toEqual([
      ['tooLong', 151],
      ['arrow', 151],
      ['method', 151],
    ]);
    expect(functionSpans('x.ts', text).find((s) => s.name === 'ok')?.lines).toBe(150);
  });
});

describe(`no function over ${MAX_FUNCTION_LINES} lines in ${FOLDERS.join(', ')}`, () => {
  it.each(FOLDERS)('%s', (folder) => {
    const files = sourceFiles().filter((f) => f.startsWith(folder) && f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    const long = files.flatMap((f) =>
      functionSpans(f, readFileSync(join(ROOT, f), 'utf8'))
        .filter((s) => s.lines > MAX_FUNCTION_LINES)
        .map((s) => `${f}:${s.line} ${s.name} (${s.lines} lines)`),
    );
    expect(long, `split these into named steps:\n${long.join('\n')}`).toEqual([]);
  });
});
