// A centre's stated rules kept with its export: the mapping spec's local_ruleset_id names a ruleset file beside the
// spec (<id>.yaml, .yml or .json) or, failing that, one the kit ships. Ingest resolves it before touching the store (a
// name that resolves to nothing is a spec error) and copies a file from beside the spec into the store's rulesets/
// folder, where `il2kit holds` finds it.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { rulesetsDir } from '../pipelines/store/paths.js';
import type { Ruleset } from '../schemas/ruleset.js';
import { kitRulesets } from './kit.js';
import { loadRuleset, loadRulesetFolders } from './load.js';
import { RulesetError } from './messages.js';

/** Folder of the store holding the centres' own ruleset files. */
export const STORE_RULESETS_DIR = 'rulesets';

export interface LocalRuleset {
  ruleset: Ruleset;
  /** The file beside the spec, or null when the id names a ruleset the kit ships. */
  file: string | null;
}

/** Why a local_ruleset_id cannot be used; the messages name the spec, the id and what to do. */
export class LocalRulesetError extends Error {
  readonly exitCode = 2;
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    // The CLI prints user errors without a stack trace (cli/errors.ts isUserError).
    this.name = 'UserError';
  }
}

/**
 * The ruleset a spec's local_ruleset_id names (null id → null); throws LocalRulesetError when it names none, when the
 * file beside the spec is invalid, or when the file's own id differs from the name.
 * @example resolveLocalRuleset('data-samples/amstel/mapping.yaml', 'amstel')?.ruleset.id // 'amstel'
 */
export function resolveLocalRuleset(specFile: string, id: string | null): LocalRuleset | null {
  if (id === null) return null;
  const dir = dirname(specFile);
  const file = ['yaml', 'yml', 'json'].map((ext) => join(dir, `${id}.${ext}`)).find((f) => existsSync(f));
  if (file !== undefined) {
    let ruleset: Ruleset;
    try {
      ruleset = loadRuleset(file);
    } catch (e) {
      if (e instanceof RulesetError)
        throw new LocalRulesetError([
          `${specFile}: centre.local_ruleset_id ${id}: the ruleset file beside the spec is invalid:`,
          ...e.issues.map((i) => `  ${i}`),
        ]);
      throw e;
    }
    if (ruleset.id !== id)
      throw new LocalRulesetError([
        `${specFile}: centre.local_ruleset_id ${id}: ${file} has id ${ruleset.id}; give the file the id ${id}, or name ${ruleset.id} in the spec`,
      ]);
    return { ruleset, file };
  }
  const kit = kitRulesets().find((r) => r.id === id);
  if (kit !== undefined) return { ruleset: kit, file: null };
  throw new LocalRulesetError([
    `${specFile}: centre.local_ruleset_id ${id} names no ruleset: no ${id}.yaml, ${id}.yml or ${id}.json beside the spec (${dir}) and none in the kit ` +
      `(known: ${kitRulesets()
      .map((r) => r.id)
      .join(', ')}); put the centre's ruleset file beside the spec, or set local_ruleset_id: null`,
  ]);
}

/**
 * Copies a resolved local ruleset file into the store (nothing for a kit ruleset).
 * @example keepLocalRuleset(resolveLocalRuleset(spec, id), 'out/store')
 */
export function keepLocalRuleset(local: LocalRuleset | null, storeDir: string): void {
  if (local === null || local.file === null) return;
  const dir = rulesetsDir(storeDir);
  mkdirSync(dir, { recursive: true });
  // One file per ruleset id: a re-ingest replaces it, whatever its extension was.
  for (const f of readdirSync(dir)) if (f.replace(/\.(ya?ml|json)$/i, '') === local.ruleset.id) rmSync(join(dir, f), { force: true });
  copyFileSync(local.file, join(dir, basename(local.file)));
}

/**
 * The centres' own rulesets kept in a store (none when the store has no rulesets/ folder), with their problems.
 * @example storeRulesets('out/store', kitRulesets().map((r) => r.id)).rulesets
 */
export function storeRulesets(storeDir: string, taken: readonly string[]): ReturnType<typeof loadRulesetFolders> {
  const dir = rulesetsDir(storeDir);
  return existsSync(dir) ? loadRulesetFolders([dir], taken) : { rulesets: [], problems: [] };
}
