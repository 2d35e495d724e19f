// Weekly clinic labs after the last dose of a course (parameters FOLLOW_UP_LABS): creatinine back to baseline by a
// recovery day drawn from the S31 shares, the lymphocyte and platelet rebound fading, eosinophilia lasting weeks.
import { FOLLOW_UP_LABS as F, PHYSIOLOGY as P } from './parameters.js';
import type { Rng } from './prng.js';
import { DAY_MS, HOUR_MS } from './time.js';
import type { SimCycle, SimLabDraw, SimPatient } from './types.js';

/** Days after the last dose when creatinine is back at baseline (S31 shares by day 7, 14, 30). */
export function renalRecoveryDay(rng: Rng, baselineCreatinine: number): number {
  const u = rng.next();
  const band = F.renalRecovery.find(([, , p]) => u < p) ?? F.renalRecovery[F.renalRecovery.length - 1]!;
  const day = rng.uniform(band[0], band[1]);
  return baselineCreatinine > P.slowRecoveryBaselineCr ? day * P.slowRecoveryFactor : day;
}

/**
 * The clinic draws after the course's last cycle, continuing its simulated hours: excess over baseline falls linearly to
 * the recovery day (creatinine) or exponentially (counts).
 */
export function followUpLabs(rng: Rng, p: SimPatient, last: SimCycle, recoveryDay: number): SimLabDraw[] {
  if (last.lastDoseAt === null) return [];
  const s = last.series;
  const endH = s.n - 1;
  const endDay = (s.t0 + endH * HOUR_MS - last.lastDoseAt) / DAY_MS;
  const b = p.baseline;
  const noisy = (x: number) => x * (1 + rng.normal(0, F.labCv));
  const fade = (end: number, base: number, tauH: number, day: number) => base + (end - base) * Math.exp(-((day - endDay) * 24) / tauH);
  return F.days.map((day) => {
    const crEnd = s.creatinine[endH] ?? b.creatinine;
    const excess = Math.max(0, crEnd - b.creatinine);
    const cr = day >= recoveryDay || recoveryDay <= endDay ? b.creatinine : b.creatinine + (excess * (recoveryDay - day)) / (recoveryDay - endDay);
    const values: SimLabDraw['values'] = {
      creatinine: Math.round(noisy(cr) * 100) / 100,
      platelets: Math.round(noisy(fade(s.platelets[endH] ?? b.platelets, b.platelets, P.reboundDriveTauH, day)) / 1000) * 1000,
      lymphocytes: Math.round(noisy(fade(s.lymphocytes[endH] ?? b.lymphocytes, b.lymphocytes, P.reboundDriveTauH, day)) / 10) * 10,
      eosinophils: Math.round(noisy(fade(s.eosinophils[endH] ?? b.eosinophils, b.eosinophils, P.eosinophilDriveTauH, day)) / 10) * 10,
    };
    return { at: last.lastDoseAt! + day * DAY_MS, kind: 'follow_up' as const, values };
  });
}
