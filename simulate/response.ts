// Response after each course: a logistic model on the il2-domain.md §4.3 signals (RESPONSE_MODEL in parameters.ts).
//   logit = intercept[disease]
//         + 0.45 · log2(post-therapy lymphocyte peak / baseline)     rebound lymphocytosis (S11, S12)
//         + 0.05 · (doses in course − 16)                          doses received (S11, S21)
//         + 0.55 · [platelet nadir < 50,000/µL]                    thrombocytopenia (S6, S5)
//         + 0.60 · [bicarbonate nadir < 19 mmol/L]                 acidosis (S6)
//         + 0.45 · highest phenylephrine rate (mcg/kg/min)          pressor need (S6)
//         + 0.90 · [thyroid dysfunction]  + 1.6 · [vitiligo]       autoimmunity (S11, S22)
//         − 0.45 · ECOG + 0.5 · z_imm (unobserved)                 performance status (S15, S16)
//         + course-2 carry-over (prior PR +3.0, prior SD −1.2)      (S30)
// Directions are verified associations; magnitudes are assumptions (see parameters.ts).
import { RESPONSE_MODEL as M } from './parameters.js';
import type { Rng } from './prng.js';
import type { ResponseSignals, SimCycle, SimEvent, SimPatient, SimResponse } from './types.js';

export function courseSignals(p: SimPatient, cycles: SimCycle[], lateEvents: SimEvent[]): ResponseSignals {
  let doses = 0;
  let lymphPeakPost = 0;
  let pltNadir = Infinity;
  let hco3Nadir = Infinity;
  let maxPe = 0;
  for (const c of cycles) {
    doses += c.dosesGiven;
    for (const l of c.labs) {
      const ly = l.values.lymphocytes;
      if (ly !== undefined && c.lastDoseAt !== null && l.at > c.lastDoseAt) lymphPeakPost = Math.max(lymphPeakPost, ly);
      const pl = l.values.platelets;
      if (pl !== undefined) pltNadir = Math.min(pltNadir, pl);
      const bc = l.values.bicarbonate;
      if (bc !== undefined) hco3Nadir = Math.min(hco3Nadir, bc);
    }
    for (const s of c.pressors) maxPe = Math.max(maxPe, s.rate);
  }
  const everThyroid = [...p.courses.flatMap((c) => c.lateEvents), ...lateEvents].some((e) => e.type === 'hypothyroidism' || e.type === 'hyperthyroidism');
  const everVitiligo = [...p.courses.flatMap((c) => c.lateEvents), ...lateEvents].some((e) => e.type === 'vitiligo');
  return {
    dosesGiven: doses,
    lymphocyteReboundRatio: lymphPeakPost > 0 ? lymphPeakPost / p.baseline.lymphocytes : 1,
    plateletNadir: Number.isFinite(pltNadir) ? pltNadir : p.baseline.platelets,
    bicarbonateNadir: Number.isFinite(hco3Nadir) ? hco3Nadir : p.baseline.bicarbonate,
    maxPhenylephrine: maxPe,
    thyroidDysfunction: everThyroid,
    vitiligo: everVitiligo,
  };
}

export function responseContributions(p: SimPatient, s: ResponseSignals, prior: SimResponse['category'] | null): Record<string, number> {
  return {
    intercept: M.intercept[p.disease],
    lymphocyte_rebound: M.perLog2LymphocyteRebound * Math.log2(Math.max(0.25, s.lymphocyteReboundRatio)),
    doses: M.perDoseAbove16 * (s.dosesGiven - 16),
    platelet_nadir_below_50k: s.plateletNadir < 50_000 ? M.plateletNadirBelow50k : 0,
    bicarbonate_nadir_below_19: s.bicarbonateNadir < 19 ? M.bicarbonateNadirBelow19 : 0,
    phenylephrine_max: M.perPhenylephrineUnit * s.maxPhenylephrine,
    thyroid_dysfunction: s.thyroidDysfunction ? M.thyroidDysfunction : 0,
    vitiligo: s.vitiligo ? M.vitiligo : 0,
    ecog: M.perEcogPoint * p.ecog,
    immune_latent: M.immuneLatent * p.immuneLatent,
    prior_course: prior === 'PR' || prior === 'CR' ? M.course2PriorPR : prior === 'SD' ? M.course2PriorSD : 0,
  };
}

export function drawResponse(rng: Rng, p: SimPatient, s: ResponseSignals, prior: SimResponse['category'] | null, assessedAt: number): SimResponse {
  const contributions = responseContributions(p, s, prior);
  const logit = Object.values(contributions).reduce((a, b) => a + b, 0);
  const probability = 1 / (1 + Math.exp(-logit));
  const u = rng.next();
  const responder = u < probability;
  let category: SimResponse['category'];
  if (responder) category = prior === 'CR' || rng.bernoulli(M.crShareOfResponders) ? 'CR' : 'PR';
  else {
    const v = rng.next();
    category = v < M.neShare ? 'NE' : v < M.neShare + M.sdShareOfNonResponders ? 'SD' : 'PD';
  }
  return { logit, probability, responder, category, assessedAt, contributions };
}
