// The rulesets the kit ships (rules/sources, rules/centres), found from this module so it works from source and dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ruleset } from '../schemas/ruleset.js';
import { loadRulesets } from './load.js';

/** The kit's rules/ folder (found upward from this module, so it works from source and from dist/). */
export function kitRulesDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'rules', 'sources'))) return join(dir, 'rules');
    if (dirname(dir) === dir) throw new Error('rules/sources not found above the il2kit module; the rulesets ship with the repository');
  }
}

/**
 * Every ruleset the kit ships: the published sources (rules/sources), then each sample centre's stated rules (rules/centres).
 * @example const rulesets = kitRulesets(); rulesets.map((r) => r.id)
 */
export function kitRulesets(): Ruleset[] {
  const dir = kitRulesDir();
  return [...loadRulesets(join(dir, 'sources')), ...loadRulesets(join(dir, 'centres'))];
}
