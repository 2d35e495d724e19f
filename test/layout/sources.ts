// The kit's own source files as the layout tests read them: TypeScript and .mjs outside test/, the build,
// node_modules and output folders. A generated file (its opening comment says it is generated and not to be
// edited by hand) is left out; none of the .ts/.mjs sources is generated today (the generated artefacts are
// schemas/json/*.json and docs/data-dictionary.md).
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');

const SKIP = new Set(['node_modules', 'dist', 'test', 'out', '.git', '.jupyter']);

/** Whether a file's opening comment marks it as generated ("generated … do not edit"). */
export const isGenerated = (text: string): boolean => /generated[\s\S]*do not edit/i.test(text.slice(0, 400));

/** Repository-relative paths of the non-test .ts (not .d.ts) and .mjs sources, sorted; generated files aside. */
export function sourceFiles(root = ROOT): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = dir === '' ? e.name : `${dir}/${e.name}`;
      if (e.isDirectory()) return SKIP.has(e.name) || e.name.startsWith('.') ? [] : walk(rel);
      return /\.(ts|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
    });
  return walk('')
    .filter((f) => !isGenerated(readFileSync(join(root, f), 'utf8')))
    .sort();
}

/** The folder a source is reported under: `pipelines/<x>` and `analytics/<x>` by sub-folder, others by top folder. */
export function folderOf(path: string): string {
  const parts = path.split('/');
  if (parts.length === 1) return path;
  return (parts[0] === 'pipelines' || parts[0] === 'analytics') && parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** Paths grouped by folderOf, in sorted order. */
export function byFolder(paths: readonly string[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const p of paths) groups.set(folderOf(p), [...(groups.get(folderOf(p)) ?? []), p]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}
