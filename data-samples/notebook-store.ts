// Which store a notebook analyses when its storeDir parameter is left empty: the project's out/store (what
// `npm start` writes) when one is found from the working directory upward, else the bundled samples.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { sampleStore } from './sample-store.js';

/** The store a notebook analyses and why that one, for its first output. */
export interface NotebookStore {
  dir: string;
  why: string;
}

/** out/store/il2kit.duckdb in `from` or the nearest folder above it, or null. */
export function findOutStore(from: string = process.cwd()): string | null {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'out', 'store');
    if (existsSync(join(candidate, 'il2kit.duckdb'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * The store a notebook should analyse: `storeDir` when given; else out/store when it exists (found from the working
 * directory upward); else the bundled sample centres (built once and cached).
 * @example const { dir, why } = await notebookStore(params.storeDir); console.log(`Store analysed: ${dir} (${why})`);
 */
export async function notebookStore(storeDir: string, from: string = process.cwd()): Promise<NotebookStore> {
  if (storeDir !== '') {
    const dir = resolve(from, storeDir);
    if (!existsSync(join(dir, 'il2kit.duckdb')))
      throw new Error(`storeDir ${storeDir}: no store at ${join(dir, 'il2kit.duckdb')}; run il2kit ingest first or pass another folder`);
    return { dir, why: 'the storeDir parameter' };
  }
  const out = findOutStore(from);
  if (out !== null) return { dir: out, why: 'no storeDir given; out/store exists' };
  return { dir: await sampleStore(), why: 'no storeDir given and no out/store: the bundled sample centres' };
}
