// A store built from the five bundled synthetic centres, for notebooks, tests and demos. Built with
// the same ingest as `il2kit ingest --all` (mapping specs in data-samples/<centre>/mapping.yaml).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestCentre } from '../pipelines/ingest.js';

/** The bundled sample centres, in ingest order. */
export const SAMPLE_CENTRES = ['riverside', 'lakeshore', 'summit', 'amstel', 'harbour'] as const;

/** The project's data-samples folder (found upward from this module, so it works from source and from dist/). */
export function sampleDataDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'data-samples');
    if (existsSync(join(candidate, 'riverside', 'mapping.yaml'))) return candidate;
    if (dirname(dir) === dir) throw new Error('data-samples/ not found above the il2kit module; the samples ship with the repository, not the package');
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

/** Content hash of the sample exports and of the ingest code, so a cached store is rebuilt when either changes. */
function cacheKey(centres: readonly string[]): string {
  const h = createHash('sha256');
  const code = [fileURLToPath(new URL('../pipelines/', import.meta.url)), fileURLToPath(new URL('../schemas/', import.meta.url))];
  const data = sampleDataDir();
  for (const root of [...code, ...centres.map((c) => join(data, c))]) {
    for (const f of filesUnder(root)) h.update(relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

async function build(storeDir: string, centres: readonly string[]): Promise<void> {
  const data = sampleDataDir();
  for (const c of centres) await ingestCentre(join(data, c, 'mapping.yaml'), { storeDir, env: {} });
}

export interface SampleStoreOptions {
  /** Build into this folder (always rebuilt). Default: a cache folder in the OS temp dir, reused while the samples and the ingest code are unchanged. */
  dir?: string;
  centres?: readonly string[];
}

/**
 * Returns a store folder holding the bundled sample centres, building it when needed (~20 s; cached by default).
 * @example const store = await sampleStore(); const cycles = await readStore(store, (conn) => loadCycleDoses(conn));
 */
export async function sampleStore(options: SampleStoreOptions = {}): Promise<string> {
  const centres = options.centres ?? SAMPLE_CENTRES;
  if (options.dir !== undefined) {
    await build(options.dir, centres);
    return options.dir;
  }
  const cacheRoot = join(tmpdir(), 'il2kit-sample-stores');
  const final = join(cacheRoot, cacheKey(centres));
  if (existsSync(final)) return join(final, 'store');
  mkdirSync(cacheRoot, { recursive: true });
  // Build aside and rename into place: a concurrent builder loses the rename and uses the winner's store.
  const aside = mkdtempSync(join(cacheRoot, '.build-'));
  try {
    await build(join(aside, 'store'), centres);
    try {
      renameSync(aside, final);
    } catch (e) {
      if (!existsSync(final)) throw e;
    }
  } finally {
    rmSync(aside, { recursive: true, force: true });
  }
  return join(final, 'store');
}
