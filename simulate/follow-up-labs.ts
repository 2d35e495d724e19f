// Weekly clinic labs after the last dose of a course (parameters FOLLOW_UP_LABS): creatinine back to baseline by a
// recovery day drawn from the S31 shares, the lymphocyte and platelet rebound fading, eosinophilia lasting weeks.
import { FOLLOW_UP_LABS as F, PHYSIOLOGY as P } from './parameters.js';
import type { Rng } from './prng.js';
import { DAY_MS, HOUR_MS } from './time.js';
import type { SimCycle, SimLabDraw, SimPatient } from './types.js';

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * Chance that all of k draws at baseline read above the pre-course draw's reference change (both draws with one CV σ):
 * with the pre-course error σx, each draw exceeds it by more than √2·z·σ with 1 − Φ(√2·z + x), so E over x of that ^k.
 */
const misread = new Map<number, number>();
function allMisread(k: number): number {
  const known = misread.get(k);
  if (known !== undefined) return known;
  let sum = 0;
  const step = 0.01;
  for (let x = -8; x <= 8; x += step) sum += (Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)) * (1 - normalCdf(Math.SQRT2 * F.rcvZ + x)) ** k * step;
  misread.set(k, sum);
  return sum;
}

/** Mean share of recoveries in days [a, b] (uniform) seen back by `day`: read back unless every draw from the recovery on is misread. */
function seenBy(a: number, b: number, day: number): number {
  const n = 1000;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = a + ((i + 0.5) / n) * (b - a);
    const draws = F.days.filter((d) => d >= r && d <= day).length;
    sum += draws === 0 ? 0 : 1 - allMisread(draws);
  }
  return sum / n;
}

/**
 * The recovery bands on the true scale [CALIBRATED]: cumulative shares chosen so that the shares seen back on the clinic
 * draws, read within the reference change of the pre-course draw (rcvZ), are S31's at each band's last day.
 */
export function renalRecoveryBands(): [number, number, number][] {
  const out: [number, number, number][] = [];
  let cum = 0;
  F.renalRecovery.forEach(([a, b, stated], i) => {
    const seenBefore = out.reduce((s, [a0, b0, c0], j) => s + (c0 - (j ? out[j - 1]![2] : 0)) * seenBy(a0, b0, b), 0);
    const own = seenBy(a, b, b);
    const mass = i === F.renalRecovery.length - 1 || own === 0 ? 1 - cum : Math.min(1 - cum, Math.max(0, (stated - seenBefore) / own));
    cum += mass;
    out.push([a, b, cum]);
  });
  return out;
}

const BANDS = renalRecoveryBands();

/** Days after the last dose when creatinine is back at baseline (S31 shares by day 7, 14, 30, on the observed scale). */
export function renalRecoveryDay(rng: Rng, baselineCreatinine: number): number {
  const u = rng.next();
  const band = BANDS.find(([, , p]) => u < p) ?? BANDS[BANDS.length - 1]!;
  const day = rng.uniform(band[0], band[1]);
  return baselineCreatinine > P.slowRecoveryBaselineCr ? day * P.slowRecoveryFactor : day;
}

/** True creatinine on a follow-up day: the excess falls linearly to the recovery day, measurably raised until then. */
function creatinineOn(day: number, base: number, crEnd: number, peak: number, endDay: number, recoveryDay: number): number {
  if (day >= recoveryDay) return base;
  const floor = peak > base * (1 + F.notRecoveredMinRise) ? base * F.notRecoveredMinRise : 0;
  const excess = Math.max(0, crEnd - base);
  const linear = recoveryDay <= endDay ? 0 : (excess * (recoveryDay - day)) / (recoveryDay - endDay);
  return base + Math.max(linear, floor);
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
  const noisy = (x: number, cv: number = F.labCv) => x * (1 + rng.normal(0, cv));
  const fade = (end: number, base: number, tauH: number, day: number) => base + (end - base) * Math.exp(-((day - endDay) * 24) / tauH);
  let peak = 0;
  for (let h = 0; h < s.n; h++) peak = Math.max(peak, s.creatinine[h] ?? 0);
  return F.days.map((day) => {
    const cr = creatinineOn(day, b.creatinine, s.creatinine[endH] ?? b.creatinine, peak, endDay, recoveryDay);
    const values: SimLabDraw['values'] = {
      creatinine: Math.round(noisy(cr, F.creatinineCv) * 100) / 100,
      platelets: Math.round(noisy(fade(s.platelets[endH] ?? b.platelets, b.platelets, P.reboundDriveTauH, day)) / 1000) * 1000,
      lymphocytes: Math.round(noisy(fade(s.lymphocytes[endH] ?? b.lymphocytes, b.lymphocytes, P.reboundDriveTauH, day)) / 10) * 10,
      eosinophils: Math.round(noisy(fade(s.eosinophils[endH] ?? b.eosinophils, b.eosinophils, P.eosinophilDriveTauH, day)) / 10) * 10,
    };
    return { at: last.lastDoseAt! + day * DAY_MS, kind: 'follow_up' as const, values };
  });
}
