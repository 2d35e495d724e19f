// The centres' local rulesets, loaded from the committed data files rules/centres/<id>.json and parsed
// with the Ruleset schema (a malformed file fails loudly here).
import { Ruleset } from '../schemas/ruleset.js';
import amstel from '../rules/centres/amstel.json' with { type: 'json' };
import harbour from '../rules/centres/harbour.json' with { type: 'json' };
import lakeshore from '../rules/centres/lakeshore.json' with { type: 'json' };
import riverside from '../rules/centres/riverside.json' with { type: 'json' };
import summit from '../rules/centres/summit.json' with { type: 'json' };
import type { CentreId } from './profiles.js';

const RAW: Record<CentreId, unknown> = { riverside, lakeshore, summit, amstel, harbour };

export function centreRuleset(id: CentreId): Ruleset {
  const parsed = Ruleset.safeParse(RAW[id]);
  if (!parsed.success) throw new Error(`rules/centres/${id}.json is not a valid ruleset: ${parsed.error.message}`);
  return parsed.data;
}
