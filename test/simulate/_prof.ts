import { simulatePatient } from '../../simulate/patient.js';
import { PROFILES } from '../../simulate/profiles.js';
import { centreRuleset } from '../../simulate/rulesets.js';
let t = Date.now(); let b = 0, n = 0;
for (const id of ['riverside','lakeshore','summit','amstel','harbour'] as const) {
  for (let i = 0; i < 100; i++) { const p = simulatePatient({ seed: 's', profile: PROFILES[id], ruleset: centreRuleset(id) }, i);
    for (const c of p.courses) for (const cy of c.cycles) { b += cy.boluses.length; n++; } }
}
console.log('sim ms/patient', (Date.now() - t) / 500, 'boluses/cycle', b / n);
