// Type-checks a notebook's code cells under the project's strict tsconfig: tslab itself compiles cells
// with TypeScript 5.0, no strict mode and no tsconfig (platform-notes F4), so this is the real check.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { textOf, type Notebook } from './nbformat.js';

export interface JoinedCells {
  text: string;
  /** 1-based notebook cell number of each 1-based line of `text` (0 for separator lines). */
  cellOfLine: number[];
}

/** The code cells joined into one TypeScript module, each behind a `// cell N` marker line. */
export function joinCodeCells(nb: Notebook): JoinedCells {
  const lines: string[] = [];
  const cellOfLine: number[] = [0];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    lines.push(`// cell ${i + 1}`);
    cellOfLine.push(0);
    for (const line of textOf(cell.source).split('\n')) {
      lines.push(line);
      cellOfLine.push(i + 1);
    }
  });
  lines.push('export {};');
  cellOfLine.push(0);
  return { text: lines.join('\n') + '\n', cellOfLine };
}

export interface CellDiagnostic {
  cell: number;
  /** Line within the cell, 1-based. */
  line: number;
  message: string;
}

/**
 * Runs the project's TypeScript (never node_modules/.bin/tsc, which is tslab's 5.0) on the joined cells
 * of each notebook, in `<root>/out/typecheck/`, and maps errors back to cells.
 * @example const problems = await typecheckNotebooks([['00-kit-tour', nb]], root); problems.get('00-kit-tour') // []
 */
export async function typecheckNotebooks(notebooks: readonly (readonly [string, Notebook])[], root: string): Promise<Map<string, CellDiagnostic[]>> {
  const dir = join(root, 'out', 'typecheck');
  mkdirSync(dir, { recursive: true });
  const joined = new Map<string, JoinedCells>();
  for (const [name, nb] of notebooks) {
    const j = joinCodeCells(nb);
    joined.set(`${name}.ts`, j);
    writeFileSync(join(dir, `${name}.ts`), j.text);
  }
  const tsconfig = {
    extends: relative(dir, join(root, 'tsconfig.json')),
    compilerOptions: { noEmit: true, rootDir: relative(dir, root), declaration: false },
    include: [...joined.keys()],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  let output = '';
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], { cwd: root });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    output = `${err.stdout ?? ''}${err.stderr ?? ''}`;
    if (!output.trim()) throw e;
  }
  const result = new Map<string, CellDiagnostic[]>(notebooks.map(([name]) => [name, []]));
  const pattern = /^(.*?)\((\d+),(\d+)\): error (TS\d+: .*)$/;
  for (const line of output.split('\n')) {
    const m = pattern.exec(line.trim());
    if (!m) continue;
    const file = (m[1] ?? '').split(/[\\/]/).pop() ?? '';
    const j = joined.get(file);
    const name = file.replace(/\.ts$/, '');
    const lineNo = Number(m[2]);
    if (!j) throw new Error(`TypeScript error outside the notebooks: ${line.trim()}`);
    const cell = j.cellOfLine[lineNo] ?? 0;
    const first = j.cellOfLine.indexOf(cell);
    result.get(name)?.push({ cell, line: lineNo - first + 1, message: m[4] ?? '' });
  }
  return result;
}
