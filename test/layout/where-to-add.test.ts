// Issue 26: the README's "Where to add things" names, for a reader, a mapping feature, a ruleset, an analysis
// and a chart, the files to touch; every path it names must exist, so the note cannot go stale silently.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './sources.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const ITEMS = ['A reader', 'A mapping feature', 'A ruleset', 'An analysis', 'A chart'];

/** The bullets of the README section "## Where to add things", keyed by their bold lead. */
export function whereToAdd(markdown: string): Map<string, string> {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Where to add things'));
  if (section === undefined) return new Map();
  const bullets = section.split(/^- /m).slice(1);
  return new Map(bullets.map((b) => [/^\*\*([^*]+)\*\*/.exec(b)?.[1] ?? b.slice(0, 20), b]));
}

/** Code spans of a bullet that are paths: they contain a slash or end in a file extension. */
export function pathsIn(bullet: string): string[] {
  return [...bullet.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!).filter((p) => /\//.test(p) || /\.(ts|ya?ml|json|md)$/.test(p));
}

/**
 * Whether a named path exists: as written from the project root; a bare or partial name (`csv.ts`, `analyse.ts`)
 * under the folder of another path named in the same bullet; a placeholder (`analytics/<area>/`) by the folder before it.
 */
export function exists(path: string, others: readonly string[], root = ROOT): boolean {
  const concrete = path.includes('<') ? path.slice(0, path.indexOf('<')) : path;
  if (concrete === '') return false;
  if (existsSync(join(root, concrete))) return true;
  const folders = others.flatMap((e) => {
    const d = e.includes('<') ? e.slice(0, e.indexOf('<')) : e.endsWith('/') ? e : dirname(e);
    return [d, dirname(d)];
  });
  return folders.some((d) => existsSync(join(root, d, concrete)));
}

describe('README: where to add things', () => {
  const items = whereToAdd(README);
  it.each(ITEMS)('%s: names files, and every one exists', (item) => {
    const bullet = items.get(item);
    expect(bullet, `README.md has no "**${item}**" bullet under "## Where to add things"`).toBeDefined();
    const paths = pathsIn(bullet!);
    expect(paths.length).toBeGreaterThan(1);
    const missing = paths.filter((p) => !exists(p, paths));
    expect(missing, `README.md "Where to add things", ${item}: these paths do not exist: ${missing.join(', ')}`).toEqual([]);
  });
  it('would catch a renamed file', () => {
    expect(exists('pipelines/read/source.ts', [])).toBe(true);
    expect(exists('pipelines/read/no-such-reader.ts', [])).toBe(false);
    expect(exists('csv.ts', ['pipelines/read/'])).toBe(true);
    expect(exists('nope.ts', ['pipelines/read/'])).toBe(false);
    expect(exists('analytics/<area>/', [])).toBe(true);
  });
});
