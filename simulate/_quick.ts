import { buildCentreRulesets } from './centre-rulesets.js';
import { PROFILES } from './profiles.js';
import { simulatePatient } from './patient.js';
const rs = buildCentreRulesets();
for (const [id, prof] of Object.entries(PROFILES)) {
  const doses: number[] = []; const c2: number[] = []; let resp = 0; let n = 0; const ends: Record<string, number> = {};
  const fired: Record<string, number> = {}; let crPeak=0, ncyc=0; let wg=0; let pe=0;
  const t = Date.now();
  for (let i = 0; i < 300; i++) {
    const p = simulatePatient({ seed: 'x', profile: prof as any, ruleset: rs[id]! }, i);
    n++; if (p.courses.some(c => c.response.category === 'CR' || c.response.category === 'PR')) resp++;
    for (const c of p.courses) for (const cy of c.cycles) {
      (cy.cycleNumber === 1 ? doses : c2).push(cy.dosesGiven); ends[cy.endReason] = (ends[cy.endReason] ?? 0) + 1;
      for (const s of cy.slots) for (const f of s.firedRules) fired[f] = (fired[f] ?? 0) + 1;
      crPeak += Math.max(...cy.series.creatinine); ncyc++;
      wg += Math.max(...cy.series.weight) - cy.cycleBaselineWeight; if (cy.pressors.length) pe++;
    }
  }
  const med = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
  const frac = (a: number[]) => (a.filter(x => x >= 6 && x <= 12).length / a.length).toFixed(2);
  console.log(id, 'ms', Date.now() - t, 'c1 median', med(doses), 'c2 median', med(c2), '6-12:', frac([...doses, ...c2]), 'ORR', (resp / n).toFixed(2), 'crPeak', (crPeak/ncyc).toFixed(2), 'wg', (wg/ncyc).toFixed(1), 'pressor cycles', (pe/ncyc).toFixed(2));
  console.log('  ends', JSON.stringify(ends));
  console.log('  fired', JSON.stringify(Object.entries(fired).sort((a, b) => b[1] - a[1]).slice(0, 10)));
}
