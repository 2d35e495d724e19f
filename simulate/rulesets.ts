// The centres' practice the simulator decides from: its own copy (centre-rulesets.ts), not the kit's rules/centres/*.yaml.
import { CENTRE_PRACTICE, type CentrePractice } from './centre-rulesets.js';
import type { CentreId } from './profiles.js';

export function centrePractice(id: CentreId): CentrePractice {
  return CENTRE_PRACTICE[id];
}
