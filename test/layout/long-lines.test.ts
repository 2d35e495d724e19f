// Issue 26: no source line over 160 characters (counted in Unicode code points), tests aside. Each folder is
// its own case, and a failure lists file:line so the lines are easy to find.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, byFolder, isGenerated, sourceFiles } from './sources.js';

export const MAX_LINE = 160;

/** `line: length` of every line of a text longer than the limit (1-based line numbers). */
export function longLines(text: string, max = MAX_LINE): { line: number; length: number }[] {
  return text
    .split('\n')
    .map((l, i) => ({ line: i + 1, length: [...l].length }))
    .filter((l) => l.length > max);
}

describe('the long-line scan', () => {
  it('flags a line of 161 characters and not one of 160, counting characters rather than bytes', () => {
    const text = ['a'.repeat(160), 'b'.repeat(161), '—'.repeat(160)].join('\n');
    expect(longLines(text)).toEqual([{ line: 2, length: 161 }]);
  });
  it('reads .ts and .mjs sources outside test/ and leaves generated files out', () => {
    const files = sourceFiles();
    expect(files).toContain('pipelines/ingest.ts');
    expect(files).toContain('scripts/behaviour-lock.mjs');
    expect(files.some((f) => f.startsWith('test/') || f.startsWith('dist/') || f.startsWith('node_modules/'))).toBe(false);
    expect(isGenerated('// Generated from the zod schemas; do not edit by hand.\nexport const x = 1;\n')).toBe(true);
    expect(isGenerated('// Types of the store.\nexport const x = 1;\n')).toBe(false);
  });
});

describe(`no source line over ${MAX_LINE} characters`, () => {
  it.each(byFolder(sourceFiles()))('%s', (_folder, files) => {
    const long = files.flatMap((f) => longLines(readFileSync(join(ROOT, f), 'utf8')).map((l) => `${f}:${l.line} (${l.length})`));
    expect(long, `${long.length} line(s) over ${MAX_LINE} characters; wrap them:\n${long.join('\n')}`).toEqual([]);
  });
});
