// The import check: data flows one way (read → map → validate → store → derive → analyse → present), so no
// module may import a module of a later layer. Schemas, the project module and the store's leaf helpers
// (SQL quoting, the DuckDB factory, its memory budget) are the foundation every layer may use.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

/** Layers in flow order; a module is in the first layer whose pattern matches its path. */
const LAYERS: { name: string; match: RegExp }[] = [
  { name: 'foundation', match: /^(schemas\/|project\/|pipelines\/store\/(sql|engine|memory)\.ts$)/ },
  { name: 'read', match: /^pipelines\/read\// },
  { name: 'map', match: /^pipelines\/map\// },
  { name: 'validate', match: /^pipelines\/validate\// },
  { name: 'store', match: /^pipelines\/(store|quality)\// },
  { name: 'derive', match: /^(rules\/|pipelines\/ingest(\.ts$|\/)|pipelines\/index\.ts$)/ },
  { name: 'analyse', match: /^analytics\// },
  { name: 'present', match: /^(charts|reports|cli|notebooks|bench|scripts|simulate|data-samples)\/|^index\.ts$/ },
];

export function layerOf(path: string): number {
  const i = LAYERS.findIndex((l) => l.match.test(path));
  if (i < 0) throw new Error(`${path} belongs to no layer: add it to LAYERS in test/layers.test.ts`);
  return i;
}

/** Repository-relative paths of the kit's TypeScript sources (tests and the build aside). */
function sources(): string[] {
  const skip = new Set(['node_modules', 'dist', 'test', 'out', '.git', '.jupyter']);
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = dir === '' ? e.name : `${dir}/${e.name}`;
      if (e.isDirectory()) return skip.has(e.name) || e.name.startsWith('.') ? [] : walk(rel);
      return /\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name) ? [rel] : [];
    });
  return walk('').filter((f) => f.includes('/') || f === 'index.ts'); // root-level config files aside
}

/** Relative imports of a module (static, dynamic and re-exports), as repository-relative .ts paths. */
export function importsOf(path: string, text = readFileSync(join(ROOT, path), 'utf8')): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    out.push(relative(ROOT, resolve(ROOT, dirname(path), m[1]!)).replace(/\.js$/, '.ts'));
  }
  return out;
}

/** Imports ruled out within a layer: tools take the project root from project/; the library entry loads no notebook code. */
const FORBIDDEN: { from: RegExp; to: RegExp; why: string }[] = [
  { from: /^(bench|scripts)\//, to: /^cli\//, why: 'tools import project/, not the CLI' },
  { from: /^index\.ts$/, to: /^notebooks\//, why: 'the library entry imports nothing from notebooks/' },
];

/** Every import of a later layer (or a forbidden one), as "importer → imported (why)". */
export function violations(files: string[], read: (f: string) => string[] = (f) => importsOf(f)): string[] {
  const bad: string[] = [];
  for (const f of files) {
    const from = layerOf(f);
    for (const to of read(f)) {
      const layer = layerOf(to);
      if (layer > from) bad.push(`${f} → ${to} (${LAYERS[from]!.name} imports ${LAYERS[layer]!.name})`);
      for (const r of FORBIDDEN) if (r.from.test(f) && r.to.test(to)) bad.push(`${f} → ${to} (${r.why})`);
    }
  }
  return bad.sort();
}

describe('the import check', () => {
  it('finds no module importing a later layer of the flow', () => {
    expect(violations(sources())).toEqual([]);
  });

  it('catches imports against the flow (the pre-refactor layout had these)', () => {
    const old: Record<string, string[]> = {
      'pipelines/read/source.ts': ['pipelines/map/spec.ts'],
      'pipelines/map/columnar.ts': ['pipelines/store/staging.ts', 'pipelines/validate/fast.ts', 'pipelines/read/source.ts'],
      'bench/ingest.ts': ['cli/version.ts'],
      'index.ts': ['notebooks/runner/notebook-params.ts'],
    };
    expect(violations(Object.keys(old), (f) => old[f]!)).toEqual([
      'bench/ingest.ts → cli/version.ts (tools import project/, not the CLI)',
      'index.ts → notebooks/runner/notebook-params.ts (the library entry imports nothing from notebooks/)',
      'pipelines/map/columnar.ts → pipelines/store/staging.ts (map imports store)',
      'pipelines/map/columnar.ts → pipelines/validate/fast.ts (map imports validate)',
      'pipelines/read/source.ts → pipelines/map/spec.ts (read imports map)',
    ]);
  });

  it('reads static, dynamic and re-export imports', () => {
    const text = "import { a } from './x.js';\nexport * from '../y/z.js';\nconst m = await import('../../cli/w.js');\nimport './side.js';";
    expect(importsOf('pipelines/map/q.ts', text)).toEqual(['pipelines/map/x.ts', 'pipelines/y/z.ts', 'cli/w.ts', 'pipelines/map/side.ts']);
  });

  it('puts every source module in a layer', () => {
    for (const f of sources()) expect(() => layerOf(f)).not.toThrow();
  });
});
