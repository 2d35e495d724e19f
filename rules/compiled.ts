// Validated rulesets keyed by the SHA-256 of their text, so that a ruleset file is parsed and validated once per
// process (YAML parsing and zod validation of the kit's ten files cost 0.5–1.7 s, in every command that reads them),
// and the kit's own files not at all when the build left their compiled form beside this module
// (compiled-rulesets.json, written by scripts/compile-rulesets.mjs after tsc). That file is used only when its stamp
// equals the stamp of the code that reads it (the modules of rules/ and schemas/, the yaml and zod versions); a missing,
// unreadable, malformed or stale file is ignored and the text is parsed as before. Each call returns a fresh copy.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { Ruleset } from '../schemas/ruleset.js';

/** The compiled form's file name, beside this module (dist/rules/ after a build). */
export const COMPILED_RULESETS_FILE = 'compiled-rulesets.json';
const FORMAT = 1;

/** hash of a ruleset's text → JSON of its validated Ruleset. */
const memo = new Map<string, string>();
let seeded = false;

/** The key of a ruleset text. @example rulesetTextHash('id: x') */
export function rulesetTextHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * What the compiled form depends on: every module of rules/ and schemas/ as this process loads them (same extension
 * as this file), and the versions of yaml and zod. A rebuild that changes any of them makes an older file stale.
 * @example compiledStamp() // '3f1c…'
 */
export function compiledStamp(): string {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const h = createHash('sha256');
  for (const dir of [dirname(here), join(dirname(here), '..', 'schemas')]) {
    for (const f of readdirSync(dir).filter((x) => x.endsWith(ext) && !x.endsWith(`.d${ext}`)).sort()) {
      h.update(`${f}\0`).update(readFileSync(join(dir, f))).update('\0');
    }
  }
  const require = createRequire(import.meta.url);
  for (const pkg of ['yaml', 'zod']) h.update(`${pkg}@${(require(`${pkg}/package.json`) as { version: string }).version}\0`);
  return h.digest('hex');
}

/** The compiled form's content: the stamp and the validated rulesets by text hash (sorted, so the file is deterministic). */
export function compiledRulesetsJson(rulesets: ReadonlyMap<string, Ruleset>): string {
  // Only what JSON gives back exactly (no undefined, Infinity or Date inside) is kept; the rest is parsed at run time.
  const exact = [...rulesets].filter(([, rs]) => isDeepStrictEqual(JSON.parse(JSON.stringify(rs)), rs));
  const entries = exact.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${JSON.stringify({ format: FORMAT, stamp: compiledStamp(), rulesets: Object.fromEntries(entries) })}\n`;
}

/** Reads the build's compiled form once; anything unusable about it leaves the memo empty (the texts are parsed). */
function seed(): void {
  if (seeded) return;
  seeded = true;
  useCompiledRulesets(join(dirname(fileURLToPath(import.meta.url)), COMPILED_RULESETS_FILE));
}

/**
 * Adds the rulesets of a compiled form to the memo and returns how many; 0, and nothing added, when the file is
 * missing, unreadable, not the format, or stamped by other code. Each entry must at least have an id and rules.
 * @example useCompiledRulesets('dist/rules/compiled-rulesets.json') // 10
 */
export function useCompiledRulesets(file: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return 0;
  }
  const c = parsed as { format?: unknown; stamp?: unknown; rulesets?: unknown } | null;
  if (c === null || typeof c !== 'object' || c.format !== FORMAT || typeof c.rulesets !== 'object' || c.rulesets === null) return 0;
  if (c.stamp !== compiledStamp()) return 0;
  let added = 0;
  for (const [hash, rs] of Object.entries(c.rulesets as Record<string, unknown>)) {
    const shaped = rs !== null && typeof rs === 'object' && typeof (rs as { id?: unknown }).id === 'string' && Array.isArray((rs as { rules?: unknown }).rules);
    if (!/^[0-9a-f]{64}$/.test(hash) || !shaped) continue;
    memo.set(hash, JSON.stringify(rs));
    added++;
  }
  return added;
}

/** The validated ruleset of a text seen before (in this process or by the build), as a fresh copy; undefined otherwise. */
export function knownRuleset(hash: string): Ruleset | undefined {
  seed();
  const json = memo.get(hash);
  return json === undefined ? undefined : (JSON.parse(json) as Ruleset);
}

/** Remembers a text's validated ruleset for this process (only when JSON gives it back exactly). */
export function rememberRuleset(hash: string, ruleset: Ruleset): void {
  const json = JSON.stringify(ruleset);
  if (isDeepStrictEqual(JSON.parse(json), ruleset)) memo.set(hash, json);
}

/** Forgets everything remembered; the build's compiled form is not read again unless `reseed` (tests). */
export function forgetRulesets(options: { reseed?: boolean } = {}): void {
  memo.clear();
  seeded = options.reseed !== true;
}
