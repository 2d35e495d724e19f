// The simulated physiology has the documented shape (il2-domain.md §3) and the centres reach the doses
// their profiles imply (§1.4), on a simulated set built through the library (no files).
import { beforeAll, describe, expect, it } from 'vitest';
import { simulatePatient } from '../../simulate/patient.js';
import { CENTRE_IDS, PROFILES, type CentreId } from '../../simulate/profiles.js';
import { centrePractice } from '../../simulate/rulesets.js';
import { HOUR_MS } from '../../simulate/time.js';
import type { SimCycle, SimPatient } from '../../simulate/types.js';

const PER_CENTRE = 300;
const patients = new Map<CentreId, SimPatient[]>();
const cycles = (id?: CentreId): SimCycle[] => [...patients.entries()].filter(([c]) => id === undefined || c === id).flatMap(([, ps]) => ps.flatMap((p) => p.courses.flatMap((c) => c.cycles)));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const at = (a: Float64Array, h: number): number => a[h] ?? NaN;

beforeAll(() => {
  for (const id of CENTRE_IDS) {
    const ruleset = centrePractice(id);
    const list: SimPatient[] = [];
    for (let i = 0; i < PER_CENTRE; i++) list.push(simulatePatient({ seed: 'physiology-test', profile: PROFILES[id], ruleset }, i));
    patients.set(id, list);
  }
}, 60_000);

describe('haemodynamics (§3.0 fig 1–2, §3.2)', () => {
  it('mean SBP 3–4 h after a dose is lower than at dosing time', () => {
    const atDose: number[] = [];
    const after: number[] = [];
    for (const c of cycles()) {
      for (const s of c.slots) {
        if (s.status !== 'given') continue;
        atDose.push(at(c.series.sbp, s.hour));
        after.push((at(c.series.sbp, s.hour + 3) + at(c.series.sbp, s.hour + 4)) / 2);
      }
    }
    expect(mean(after)).toBeLessThan(mean(atDose) - 5);
  });

  it('SBP drifts down across days 1–5 and HR rises (tachycardia by day 4)', () => {
    const full = cycles().filter((c) => c.dosesGiven >= 9);
    const day = (c: SimCycle, d: number, a: Float64Array): number => at(a, (c.slots[0]?.hour ?? 0) + d * 24);
    expect(mean(full.map((c) => day(c, 3, c.series.sbp)))).toBeLessThan(mean(full.map((c) => day(c, 0, c.series.sbp))) - 8);
    expect(mean(full.map((c) => day(c, 3, c.series.heartRate)))).toBeGreaterThan(mean(full.map((c) => day(c, 0, c.series.heartRate))) + 10);
  });

  it('boluses in most cycles, phenylephrine in some, weight up a few kg (§3.4: +4 kg per cycle)', () => {
    const cs = cycles();
    expect(cs.filter((c) => c.boluses.length > 0).length / cs.length).toBeGreaterThan(0.8);
    const pe = cs.filter((c) => c.pressors.length > 0).length / cs.length;
    expect(pe).toBeGreaterThan(0.1);
    expect(pe).toBeLessThan(0.6);
    const gain = mean(cs.map((c) => Math.max(...c.series.weight) - c.cycleBaselineWeight));
    expect(gain).toBeGreaterThan(2);
    expect(gain).toBeLessThan(7);
  });
});

describe('renal and metabolic (§3.0 fig 3, §3.3)', () => {
  it('creatinine peaks near the end of dosing and falls after', () => {
    const cs = cycles().filter((c) => c.dosesGiven >= 6 && c.lastDoseAt !== null);
    // population curve aligned on the last dose (the consensus figure 3 is a typical course)
    const sum = new Map<number, { s: number; n: number }>();
    let nearEnd = 0;
    let fallsAfter = 0;
    for (const c of cs) {
      const last = Math.round(((c.lastDoseAt ?? 0) - c.series.t0) / HOUR_MS);
      let peakH = 0;
      for (let h = 0; h < c.series.n; h++) {
        if (at(c.series.creatinine, h) > at(c.series.creatinine, peakH)) peakH = h;
        const rel = h - last;
        if (rel >= -96 && rel <= 96) {
          const e = sum.get(rel) ?? { s: 0, n: 0 };
          e.s += at(c.series.creatinine, h);
          e.n += 1;
          sum.set(rel, e);
        }
      }
      if (peakH >= last - 24 && peakH <= last + 36) nearEnd++;
      if (at(c.series.creatinine, last + 96) < at(c.series.creatinine, peakH) - 0.1) fallsAfter++;
    }
    let peakRel = -96;
    let peakVal = -Infinity;
    for (const [rel, e] of sum) {
      const m = e.s / e.n;
      if (m > peakVal) {
        peakVal = m;
        peakRel = rel;
      }
    }
    expect(peakRel).toBeGreaterThanOrEqual(-24);
    expect(peakRel).toBeLessThanOrEqual(36);
    expect((sum.get(96)?.s ?? 0) / (sum.get(96)?.n ?? 1)).toBeLessThan(peakVal - 0.4);
    // individually: most cycles peak in the last day of dosing or just after (the rest peak before a hold-and-resume)
    expect(nearEnd / cs.length).toBeGreaterThan(0.65);
    expect(fallsAfter / cs.length).toBeGreaterThan(0.95);
  });

  it('bicarbonate falls through the week; some cycles reach HCO3 <19 (S6)', () => {
    const cs = cycles();
    const nadirs = cs.map((c) => Math.min(...c.series.bicarbonate));
    const below19 = nadirs.filter((x) => x < 19).length / cs.length;
    expect(below19).toBeGreaterThan(0.05);
    expect(below19).toBeLessThan(0.6);
  });

  it('urine output per shift falls during dosing', () => {
    const cs = cycles().filter((c) => c.dosesGiven >= 9);
    const shift = (c: SimCycle, from: number): number => {
      let s = 0;
      for (let h = from; h < from + 8; h++) s += at(c.series.urine, h);
      return s;
    };
    expect(mean(cs.map((c) => shift(c, (c.slots[0]?.hour ?? 0) + 72)))).toBeLessThan(0.6 * mean(cs.map((c) => shift(c, 0))));
  });
});

describe('blood counts (§3.0 fig 5, §3.5)', () => {
  it('lymphocytes are at their nadir during dosing and above baseline 2–3 days after the last dose', () => {
    const cs = cycles().filter((c) => c.dosesGiven >= 6 && c.lastDoseAt !== null);
    let nadirDuringDosing = 0;
    let aboveBaseline = 0;
    for (const c of cs) {
      const first = c.slots[0]?.hour ?? 0;
      const last = Math.round(((c.lastDoseAt ?? 0) - c.series.t0) / HOUR_MS);
      let minH = 0;
      for (let h = 0; h < c.series.n; h++) if (at(c.series.lymphocytes, h) < at(c.series.lymphocytes, minH)) minH = h;
      if (minH >= first && minH <= last + 12) nadirDuringDosing++;
      const base = at(c.series.lymphocytes, 0);
      if ((at(c.series.lymphocytes, last + 48) + at(c.series.lymphocytes, last + 72)) / 2 > base) aboveBaseline++;
    }
    expect(nadirDuringDosing / cs.length).toBeGreaterThan(0.95);
    expect(aboveBaseline / cs.length).toBeGreaterThan(0.85);
  });

  it('platelets fall during dosing and recover; eosinophils climb', () => {
    const cs = cycles().filter((c) => c.dosesGiven >= 6 && c.lastDoseAt !== null);
    const ratio = cs.map((c) => Math.min(...c.series.platelets) / at(c.series.platelets, 0));
    expect(median(ratio)).toBeLessThan(0.6);
    const recovered = cs.filter((c) => at(c.series.platelets, c.series.n - 1) > Math.min(...c.series.platelets) * 1.5).length / cs.length;
    expect(recovered).toBeGreaterThan(0.9);
    expect(median(cs.map((c) => Math.max(...c.series.eosinophils) / at(c.series.eosinophils, 0)))).toBeGreaterThan(5);
  });
});

describe('doses reached (§1.4) and centre differences (profiles)', () => {
  it('doses per cycle are mostly 6–12 pooled, median ~8–10', () => {
    const d = cycles().map((c) => c.dosesGiven);
    expect(d.filter((x) => x >= 6 && x <= 12).length / d.length).toBeGreaterThan(0.5);
    expect(median(d)).toBeGreaterThanOrEqual(7);
    expect(median(d)).toBeLessThanOrEqual(11);
  });

  it('cycle 2 reaches fewer doses than cycle 1 (tunable, §8.5)', () => {
    const c1 = cycles().filter((c) => c.cycleNumber === 1).map((c) => c.dosesGiven);
    const c2 = cycles().filter((c) => c.cycleNumber === 2).map((c) => c.dosesGiven);
    expect(mean(c2)).toBeLessThan(mean(c1) - 1);
  });

  it('centre ordering follows the profiles: label-rule 720k centre highest, S5 centre lowest', () => {
    const med = (id: CentreId): number => mean(cycles(id).map((c) => c.dosesGiven));
    expect(med('summit')).toBeGreaterThan(med('riverside'));
    expect(med('riverside')).toBeGreaterThan(med('lakeshore'));
    expect(med('amstel')).toBeGreaterThan(med('lakeshore'));
    for (const id of CENTRE_IDS) if (id !== 'summit') expect(med('summit')).toBeGreaterThan(med(id));
    for (const id of CENTRE_IDS) if (id !== 'lakeshore') expect(med(id)).toBeGreaterThan(med('lakeshore'));
  });

  it('the lakeshore cycles stop on pressors; riverside holds on HR 100–130 but amstel (HR 120) rarely', () => {
    const fired = (id: CentreId, rule: string): number => cycles(id).reduce((a, c) => a + c.slots.filter((s) => s.firedRules.includes(rule)).length, 0);
    expect(fired('lakeshore', 'haem.pressors')).toBeGreaterThan(0);
    expect(fired('riverside', 'cv.hr.relative')).toBeGreaterThan(3 * fired('amstel', 'cv.hr.relative'));
  });

  it('clinician variation happens at the profile rates (dosed through, holds without criterion)', () => {
    const dev = (id: CentreId, d: string): number => cycles(id).reduce((a, c) => a + c.slots.filter((s) => s.deviation === d).length, 0);
    expect(dev('riverside', 'dosed_through')).toBeGreaterThan(dev('lakeshore', 'dosed_through'));
    expect(dev('summit', 'hold_without_criterion')).toBeGreaterThan(dev('lakeshore', 'hold_without_criterion'));
  });
});

describe('events and response (§4)', () => {
  it('occasional arrhythmia, confusion, hypoxia and infection', () => {
    const cs = cycles();
    const share = (t: string): number => cs.filter((c) => c.events.some((e) => e.type === t)).length / cs.length;
    for (const t of ['atrial_fibrillation', 'mental_status_change', 'infection']) {
      expect(share(t)).toBeGreaterThan(0.005);
      expect(share(t)).toBeLessThan(0.3);
    }
    expect(cs.filter((c) => Math.max(...c.series.o2Flow) > 0).length / cs.length).toBeGreaterThan(0.1);
  });

  it('overall response rate is within the published 15–25% (§4.2)', () => {
    const all = [...patients.values()].flat();
    const orr = all.filter((p) => p.courses.some((c) => c.response.category === 'CR' || c.response.category === 'PR')).length / all.length;
    expect(orr).toBeGreaterThanOrEqual(0.15);
    expect(orr).toBeLessThanOrEqual(0.25);
  });

  it('the §4.3 signals shift response the stated way (vitiligo, rebound)', () => {
    const courses = [...patients.values()].flat().flatMap((p) => p.courses);
    const rate = (xs: typeof courses): number => xs.filter((c) => c.response.responder).length / xs.length;
    expect(rate(courses.filter((c) => c.signals.vitiligo))).toBeGreaterThan(rate(courses.filter((c) => !c.signals.vitiligo)));
    const r = courses.map((c) => c.signals.lymphocyteReboundRatio);
    const m = median(r);
    expect(rate(courses.filter((c) => c.signals.lymphocyteReboundRatio > m))).toBeGreaterThan(rate(courses.filter((c) => c.signals.lymphocyteReboundRatio <= m)));
  });
});
