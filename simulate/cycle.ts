// One cycle, hour by hour: latent stores → vitals, fluids, labs, events; nursing responses (boluses,
// phenylephrine, oxygen); and at each scheduled slot the centre's decision. Parameters: parameters.ts.
import type { CentrePractice } from './centre-rulesets.js';
import type { CycleEndReason, DosingWeightBasis, RuleVariableCode } from '../schemas/vocabularies.js';
import { decideSlot, holdOrStop, newDecisionState, reasonCodeFor, type DecisionResult, type DecisionState, type SlotVariables } from './decide.js';
import { EVENTS, PHYSIOLOGY as P, REGIMEN, SERIOUS_EVENTS, type SeriousEventType } from './parameters.js';
import type { PracticeProfile } from './profiles.js';
import { Rng } from './prng.js';
import { HOUR_MS, localParts } from './time.js';
import type { HourSeries, PressorSegment, SimCycle, SimEvent, SimLabDraw, SimPatient, SimSlot } from './types.js';

/** Latent stores carried between cycles and courses. */
export interface LatentState {
  at: number;
  exposure: number;
  toxicity: number;
  renal: number;
  reboundDrive: number;
  eosDrive: number;
  eosLevel: number;
  bolusRetained: number;
}

export function newLatent(at: number): LatentState {
  return { at, exposure: 0, toxicity: 0, renal: 0, reboundDrive: 0, eosDrive: 0, eosLevel: 0, bolusRetained: 0 };
}

/** Let the latent stores decay without doses until `to` (between cycles and courses). */
export function advanceLatent(s: LatentState, to: number, slowRenal: boolean): void {
  const hours = Math.max(0, Math.round((to - s.at) / HOUR_MS));
  const renalTau = P.renalLagTauH * (slowRenal ? P.slowRecoveryFactor : 1);
  for (let i = 0; i < hours; i++) {
    s.exposure *= Math.exp(-1 / P.exposureTauH);
    s.toxicity *= Math.exp(-1 / P.toxicityTauH);
    s.renal += (s.toxicity - s.renal) / renalTau;
    s.reboundDrive *= Math.exp(-1 / P.reboundDriveTauH);
    s.eosDrive *= Math.exp(-1 / P.eosinophilDriveTauH);
    s.eosLevel += (s.eosDrive - s.eosLevel) / P.eosinophilLagTauH;
    s.bolusRetained *= Math.exp(-1 / P.bolusRetentionTauH);
  }
  s.at = to;
}

/** g(x) = (x/tp)^2 · exp(2(1 − x/tp)): 0 at the dose, peak 1 at tp hours. */
function acute(x: number, tp: number): number {
  if (x <= 0) return 0;
  const r = x / tp;
  return r * r * Math.exp(2 * (1 - r));
}

export interface CycleInput {
  patient: SimPatient;
  profile: PracticeProfile;
  ruleset: CentrePractice;
  courseNumber: number;
  cycleNumber: number;
  slotTimes: number[];
  latent: LatentState;
  /** Weight at admission (kg), before this cycle's leak. */
  admissionWeight: number;
  streamName: string;
  /** Rare serious events drawn for this cycle (patient.ts, parameters.ts SERIOUS_EVENTS); none when absent. */
  planned?: readonly PlannedSeriousEvent[];
}

/** A rare serious event planned for a cycle: it starts after dose `afterDose` (or when dosing ends, if sooner). */
export interface PlannedSeriousEvent {
  type: SeriousEventType;
  afterDose: number;
  durationH: number;
  /** The label's permanent-discontinuation limit in hours (null: none, e.g. a single seizure). */
  limitH: number | null;
}

const EVENT_EFFECT_HR: Partial<Record<string, number>> = {
  atrial_fibrillation: 28,
  svt: 45,
  ventricular_arrhythmia: 8,
  sustained_vt: 40,
  infection: 8,
  sepsis: 20,
};

/** The cycle's fixed quantities: its random streams, dosing, the hour grid and the hour of each slot. */
function cycleSetup(input: CycleInput) {
  const { patient, profile, slotTimes, latent } = input;
  const physRng = new Rng(`${input.streamName}/physiology`);
  const decideRng = new Rng(`${input.streamName}/decide`);
  const eventRng = new Rng(`${input.streamName}/events`);
  const b = patient.baseline;
  const s = patient.susceptibility;
  const tz = profile.timeZone;
  const firstSlot = slotTimes[0] ?? 0;
  const lastSlotTime = slotTimes[slotTimes.length - 1] ?? firstSlot;
  const t0 = firstSlot - REGIMEN.admitHoursBeforeFirstSlot * HOUR_MS;
  const n = Math.round((lastSlotTime - t0) / HOUR_MS) + REGIMEN.hoursAfterLastSlot;
  advanceLatent(latent, t0, b.creatinine > P.slowRecoveryBaselineCr);

  const cycleTox = input.cycleNumber >= 2 ? P.cycle2ToxicityMultiplier : 1;
  const actualWeight = input.admissionWeight;
  const dosingWeightBasis: DosingWeightBasis = profile.dosingWeightBasis;
  const dosingWeight = round1(
    dosingWeightBasis === 'capped' && profile.dosingWeightCapKg !== null ? Math.min(actualWeight, profile.dosingWeightCapKg) : actualWeight,
  );
  const doseUnit = (profile.doseIuPerKg / 600_000) * (dosingWeight / actualWeight);
  const doseIu = Math.round(profile.doseIuPerKg * dosingWeight);
  const maintenance = Math.round(physRng.uniform(P.maintenanceMlH[0], P.maintenanceMlH[1]) / 5) * 5;
  const nephFactor = patient.priorNephrectomy === true ? P.creatinineNephrectomyFactor : 1;
  const renalTau = P.renalLagTauH * (b.creatinine > P.slowRecoveryBaselineCr ? P.slowRecoveryFactor : 1);

  const series = newSeries(t0, n);
  const slotHours = slotTimes.map((t) => Math.round((t - t0) / HOUR_MS));
  const slotAtHour = new Map<number, number>();
  slotHours.forEach((h, i) => slotAtHour.set(h, i));
  return {
    input,
    patient,
    profile,
    slotTimes,
    latent,
    physRng,
    decideRng,
    eventRng,
    b,
    s,
    tz,
    firstSlot,
    t0,
    n,
    cycleTox,
    actualWeight,
    dosingWeightBasis,
    dosingWeight,
    doseUnit,
    doseIu,
    maintenance,
    nephFactor,
    renalTau,
    series,
    slotHours,
    slotAtHour,
    weightBase: actualWeight,
  };
}
type CycleSetup = ReturnType<typeof cycleSetup>;

/** What changes as the cycle runs: dosing, nursing (boluses, phenylephrine), stool, discharge, and the records kept. */
function cycleRun(cx: CycleSetup, decideRng: Rng) {
  return {
    slots: [] as SimSlot[],
    doseHours: [] as number[],
    state: newDecisionState(),
    active: true,
    endReason: 'window_closed' as CycleEndReason,
    endSlot: null as number | null,
    dosesGiven: 0,
    discontinued: false,
    lastDoseHour: null as number | null,
    patientStopAtSlot: decideRng.bernoulli(cx.profile.clinician.patientStopRate) ? decideRng.int(7, 15) : null,
    // Nursing and event state.
    bpNoise: 0,
    pe: 0,
    lastBolusHour: -99,
    bolusHours: [] as { h: number; v: number }[],
    events: [] as SimEvent[],
    activeEvent: new Map<string, { onsetH: number; endH: number }>(),
    pressors: [] as PressorSegment[],
    peSegStart: null as number | null,
    peSegRate: 0,
    stools: [] as { at: number; volumeMl: number }[],
    stoolShiftsOver1000: 0,
    lastShiftStool: 0,
    labs: [] as SimLabDraw[],
    weights: [] as { at: number; kg: number }[],
    dischargeHour: cx.n - 1,
    dischargeSet: false,
    planned: (cx.input.planned ?? []).map((p) => ({ ...p, onsetH: null as number | null })),
    /** Troponin values after a myocardial infarction's onset, from a stream of its own (null before the onset). */
    troponinRng: null as Rng | null,
  };
}
type CycleRun = ReturnType<typeof cycleRun>;

export function simulateCycle(input: CycleInput): SimCycle {
  const cx = cycleSetup(input);
  const run = cycleRun(cx, cx.decideRng);
  for (let h = 0; h < cx.n; h++) {
    const now = hourState(cx, run, h);
    const sbp = haemodynamics(cx, run, now);
    lungs(cx, now);
    kidneysAndLabs(cx, now, sbp);
    scheduledRecords(cx, run, now);
    slotStep(cx, run, now);
  }
  return cycleResult(cx, run);
}

/** Steps 1–3 of an hour: latent decay, the acute post-dose curves, and events (hazard while in hospital). */
function hourState(cx: CycleSetup, run: CycleRun, h: number) {
  const { latent, renalTau } = cx;
  const { doseHours, bolusHours } = run;
  const t = cx.t0 + h * HOUR_MS;
  // 1. latent decay
  latent.exposure *= Math.exp(-1 / P.exposureTauH);
  latent.toxicity *= Math.exp(-1 / P.toxicityTauH);
  latent.renal += (latent.toxicity - latent.renal) / renalTau;
  latent.reboundDrive *= Math.exp(-1 / P.reboundDriveTauH);
  latent.eosDrive *= Math.exp(-1 / P.eosinophilDriveTauH);
  latent.eosLevel += (latent.eosDrive - latent.eosLevel) / P.eosinophilLagTauH;
  latent.bolusRetained *= Math.exp(-1 / P.bolusRetentionTauH);
  const C = latent.toxicity;
  const E = latent.exposure;
  const R = latent.renal;
  const mask = E / (E + P.exposureHalfMask);
  const rebound = 1 - Math.exp(-latent.reboundDrive);

  // 2. acute post-dose curves
  let aBp = 0;
  let aFev = 0;
  for (let i = doseHours.length - 1; i >= 0; i--) {
    const x = h - (doseHours[i] ?? 0);
    if (x > 24) break;
    aBp += acute(x, P.acuteBpPeakH);
    aFev += acute(x, P.feverPeakH);
  }
  let bolusEff = 0;
  for (const bo of bolusHours) {
    const x = h - bo.h;
    if (x >= 1 && x < 12) bolusEff += (bo.v / 500) * Math.exp(-(x - 1) / P.bolusTauH);
  }

  // 3. events (hazard while in hospital, up to a day after the last slot)
  const inHospital = h <= run.dischargeHour;
  hourEvents(cx, run, h, t, C, inHospital);
  plannedEvents(cx, run, h, t);
  const has = (type: string): boolean => run.activeEvent.has(type);
  return { h, t, C, E, R, mask, rebound, aBp, aFev, bolusEff, inHospital, has };
}
type HourState = ReturnType<typeof hourState>;

/** Step 3: ends the events that are over and starts new ones by their hazards. */
function hourEvents(cx: CycleSetup, run: CycleRun, h: number, t: number, C: number, inHospital: boolean): void {
  const { s, cycleTox, eventRng } = cx;
  const { activeEvent, events } = run;
  for (const [type, ev] of [...activeEvent]) {
    if (h >= ev.endH) activeEvent.delete(type);
  }
  if (inHospital && C > 0.05) {
    for (const def of EVENTS) {
      if (activeEvent.has(def.type)) continue;
      const hazard = (def.per100h / 100) * Math.pow(C / 3, def.exponent) * s[def.susceptibility] * cycleTox;
      if (eventRng.next() < hazard) {
        const dur = Math.max(1, Math.round(eventRng.lognormal(def.durationMedianH, 0.6)));
        activeEvent.set(def.type, { onsetH: h, endH: h + dur });
        events.push({ type: def.type, onsetAt: t, resolvedAt: t + dur * HOUR_MS, grade: gradeFor(def.type, eventRng) });
      }
    }
  }
}

/**
 * Step 3b: the cycle's rare serious events (no random draw here: they were drawn per patient). One starts once its dose
 * has been given, or at the first hour after dosing ended; the stay lasts until a day after it resolves.
 */
function plannedEvents(cx: CycleSetup, run: CycleRun, h: number, t: number): void {
  for (const p of run.planned) {
    if (p.onsetH !== null || (run.active && run.dosesGiven < p.afterDose)) continue;
    p.onsetH = h;
    const endH = h + p.durationH;
    run.activeEvent.set(p.type, { onsetH: h, endH });
    run.events.push({ type: p.type, onsetAt: t, resolvedAt: t + p.durationH * HOUR_MS, grade: 4 });
    // troponin from a stream of its own (no other draw moves), at every daily draw from now until discharge
    if (p.type === MI) run.troponinRng = new Rng(`${cx.input.streamName}/troponin`);
    if (run.dischargeSet) run.dischargeHour = Math.min(cx.n - 1, Math.max(run.dischargeHour, endH + 24));
  }
}

const MI = 'myocardial_infarction_or_ischaemia';
const miTroponin = (rng: Rng): number => {
  const def = SERIOUS_EVENTS.myocardial_infarction_or_ischaemia;
  return round2(rng.lognormal(def.troponinMedianNgMl, def.troponinSdLog));
};

/** A coma, dialysis or myocardial infarction under way: active, and not a seizure (which the centre's mental-status rules act on). */
function seriousUnderWay(run: CycleRun): PlannedSeriousEvent | undefined {
  return run.planned.find((p) => p.onsetH !== null && p.limitH !== null && run.activeEvent.has(p.type));
}

/** The episode, if any, that has passed the label's limit by hour h (from then on the patient gets no more IL-2). */
function overLimit(run: CycleRun, h: number): PlannedSeriousEvent | undefined {
  return run.planned.find((p) => p.onsetH !== null && p.limitH !== null && p.durationH > p.limitH && h > p.onsetH + p.limitH);
}

/** Whether an episode outlasted the label's limit (the patient's IL-2 ends: no further cycle or course). */
function pastLimit(run: CycleRun): boolean {
  return run.planned.some((p) => p.onsetH !== null && p.limitH !== null && p.durationH > p.limitH);
}

/** Step 4: haemodynamics and the nursing response (boluses, phenylephrine); returns the charted systolic pressure. */
function haemodynamics(cx: CycleSetup, run: CycleRun, now: HourState): number {
  const { b, s, physRng, series, t0, weightBase, latent } = cx;
  const { bolusHours, pressors, activeEvent } = run;
  const { h, t, C, aBp, aFev, bolusEff, inHospital, has } = now;
  run.bpNoise = 0.6 * run.bpNoise + physRng.normal(0, P.bpNoiseSd * 0.8);
  const sepsisDrop = has('sepsis') ? 15 : 0;
  const sbpTrue =
    b.sbp -
    P.sbpDriftPerC * C * s.cardiovascular -
    (P.acuteSbpDip + P.acuteSbpDipPerC * C) * s.cardiovascular * aBp +
    run.bpNoise +
    P.bolusSbpGainPer500 * bolusEff -
    sepsisDrop;
  const sbpCharted = sbpTrue + P.phenylephrineSbpGainPerUnit * run.pe;
  if (inHospital) {
    const bolusesLast8h = bolusHours.filter((x) => h - x.h < 8).length;
    if (sbpCharted < P.bolusSbpTarget && h - run.lastBolusHour >= 2 && bolusesLast8h < P.maxBolusesPer8h) {
      const v = sbpCharted < P.bolusSbpTarget - 5 ? P.bolusVolumesMl[1] : P.bolusVolumesMl[0];
      bolusHours.push({ h, v });
      run.lastBolusHour = h;
      latent.bolusRetained += (v / 1000) * P.bolusRetainedFraction * Math.min(1, C / 2);
    }
    if (
      h >= 2 &&
      h - run.lastBolusHour >= 2 &&
      bolusesLast8h < P.maxBolusesPer8h &&
      (series.urine[h - 1] ?? 0) + (series.urine[h - 2] ?? 0) < 2 * P.urineTargetMlPerKgH * weightBase
    ) {
      bolusHours.push({ h, v: P.urineBolusMl });
      run.lastBolusHour = h;
      latent.bolusRetained += (P.urineBolusMl / 1000) * P.bolusRetainedFraction * Math.min(1, C / 2);
    }
    const recentBoluses = bolusHours.filter((x) => h - x.h <= 6).length;
    const pe = run.pe;
    let newPe = pe;
    if (sbpCharted < P.pressorSbpTarget && recentBoluses >= P.pressorRefractoryBoluses)
      newPe = pe === 0 ? P.phenylephrineStart : Math.min(P.phenylephrineMax, pe + P.phenylephrineStep);
    else if (pe > 0 && sbpCharted > P.phenylephrineWeanAboveSbp) newPe = pe - P.phenylephrineStep;
    else if (pe > 0 && run.lastDoseHour !== null && h - run.lastDoseHour > 18 && sbpCharted > P.pressorSbpTarget + 10) newPe = pe - P.phenylephrineStep;
    newPe = newPe < 0.05 ? 0 : round2(newPe);
    if (newPe !== pe) {
      if (run.peSegStart !== null) pressors.push({ agent: 'phenylephrine', startAt: t0 + run.peSegStart * HOUR_MS, endAt: t, rate: run.peSegRate });
      run.peSegStart = newPe > 0 ? h : null;
      run.peSegRate = newPe;
      run.pe = newPe;
    }
  } else if (run.pe > 0) {
    run.pe = 0;
  }
  series.phenylephrine[h] = run.pe;
  series.bolus[h] = bolusHours.length > 0 && bolusHours[bolusHours.length - 1]?.h === h ? (bolusHours[bolusHours.length - 1]?.v ?? 0) : 0;
  const sbp = sbpCharted;
  const temp =
    b.temperature + b.feverAmplitude * aFev + P.tempDriftPerC * C + physRng.normal(0, P.tempNoiseSd) + (has('infection') ? 0.8 : 0) + (has('sepsis') ? 1.2 : 0);
  let hr =
    b.heartRate +
    P.hrDriftPerC * C * s.cardiovascular +
    P.hrAcuteRise * aFev +
    P.hrPerMmHgBelow100 * Math.max(0, 100 - sbp) +
    P.hrPerDegreeFever * Math.max(0, temp - 37) +
    physRng.normal(0, P.hrNoiseSd);
  for (const [type] of activeEvent) hr += EVENT_EFFECT_HR[type] ?? 0;
  series.sbp[h] = sbp;
  series.dbp[h] = sbp * P.dbpRatio + physRng.normal(0, 3);
  series.heartRate[h] = hr;
  series.temperature[h] = temp;
  return sbp;
}

/** Step 5: lungs and oxygen (titrated to SpO2 ≥95%). */
function lungs(cx: CycleSetup, now: HourState): void {
  const { b, s, physRng, series } = cx;
  const { h, C, inHospital, has } = now;
  const native = P.spo2Native - P.spo2FallPerC * C * s.lung + physRng.normal(0, P.spo2NoiseSd) - (has('rales_half') ? 2 : 0) - (has('intubation') ? 6 : 0);
  let flow = 0;
  let fio2 = 21;
  let spo2 = native;
  if (native < P.spo2TargetPct && inHospital) {
    flow = Math.ceil((P.spo2TargetPct - native) / P.spo2PerLitre);
    if (flow > P.maxNasalLitres) {
      flow = 0;
      fio2 = P.maskFio2Pct;
      spo2 = native + 9;
    } else {
      spo2 = native + flow * P.spo2PerLitre;
    }
  }
  series.spo2[h] = Math.min(100, spo2 + physRng.normal(0, 0.4));
  series.o2Flow[h] = flow;
  series.fio2[h] = fio2;
  series.respRate[h] = b.respRate + P.respRatePerC * C * s.lung + physRng.normal(0, 1.2);
}

/** Step 6: kidneys, fluids and labs (true continuous values). */
function kidneysAndLabs(cx: CycleSetup, now: HourState, sbp: number): void {
  const { b, s, physRng, series, weightBase, latent, cycleTox, nephFactor } = cx;
  const { h, C, E, R, mask, rebound, bolusEff } = now;
  const perfusion = Math.max(0.15, 1 - P.urinePerfusionPerMmHgBelow100 * Math.max(0, 100 - sbp));
  series.urine[h] = Math.max(
    0,
    weightBase *
      b.urineMlPerKgH *
      Math.exp(-P.urineFallPerC * C * s.renal * cycleTox) *
      perfusion *
      (1 + P.bolusUrineGainPer500 * bolusEff) *
      physRng.lognormal(1, P.urineNoiseSdLog),
  );
  series.weight[h] = weightBase + P.weightKgPerC * C * s.tox + latent.bolusRetained;
  series.creatinine[h] = b.creatinine + P.creatininePerR * R * s.renal * nephFactor * cycleTox;
  series.bun[h] = b.bun + P.bunPerR * R * s.renal * cycleTox;
  series.bicarbonate[h] = Math.max(10, b.bicarbonate - P.bicarbonatePerR * R * s.renal * cycleTox);
  series.potassium[h] = b.potassium;
  series.bilirubin[h] = b.bilirubin * (1 + P.bilirubinPerC * C);
  series.ast[h] = b.ast * (1 + P.transaminasePerC * C);
  series.alt[h] = b.alt * (1 + P.transaminasePerC * C);
  series.platelets[h] = b.platelets * Math.exp(-P.plateletLogFallPerC * C * s.haem) * (1 + b.plateletRebound * rebound * (1 - mask));
  series.lymphocytes[h] = b.lymphocytes * Math.exp(-P.lymphocyteLogDepletion * mask) * (1 + b.lymphocyteRebound * rebound * (1 - mask));
  series.eosinophils[h] = b.eosinophils + b.eosinophilGain * latent.eosLevel;
  series.granulocytes[h] = b.granulocytes * (1 + P.granulocytePerC * C);
  series.haemoglobin[h] = b.haemoglobin - P.haemoglobinPerC * C;
  series.toxicity[h] = C;
  series.exposure[h] = E;
}

/** Step 7: scheduled records: labs at 05:00 local, weight 06:00 local. */
function scheduledRecords(cx: CycleSetup, run: CycleRun, now: HourState): void {
  const { tz, series, physRng } = cx;
  const { labs, weights } = run;
  const { h, t, inHospital, has } = now;
  const lp = localParts(tz, t);
  if (h === 0) labs.push(drawLabs(series, h, t, 'baseline', physRng, false));
  else if (inHospital && lp.hour === P.labHourLocal) {
    const draw = drawLabs(series, h, t, 'daily', physRng, has('ecg_ischaemia') || has('atrial_fibrillation'));
    // from a myocardial infarction's onset to discharge the daily draw carries its raised troponin
    if (run.troponinRng !== null) draw.values.troponin = miTroponin(run.troponinRng);
    labs.push(draw);
  }
  if (inHospital && (lp.hour === P.weightHourLocal || h === 0)) weights.push({ at: t, kg: round1(series.weight[h] ?? 0) });
}

/** Step 8: at a shift boundary the shift's stool; at a slot the centre's decision and what follows from it. */
function slotStep(cx: CycleSetup, run: CycleRun, now: HourState): void {
  const { s, physRng, slotHours, slotAtHour, slotTimes } = cx;
  const { h, t, C, inHospital } = now;
  const slotIdx = slotAtHour.get(h);
  if (slotIdx !== undefined || (inHospital && h > (slotHours[slotHours.length - 1] ?? 0) && (h - (slotHours[0] ?? 0)) % 8 === 0)) {
    // shift boundary: diarrhoea over the shift that ends now
    const mean = P.diarrhoeaMlPerShiftPerC * C * s.gi;
    const vol = mean < 20 ? 0 : Math.round(physRng.lognormal(mean, 0.7) / 10) * 10;
    run.lastShiftStool = vol;
    run.stoolShiftsOver1000 = vol >= 1000 ? run.stoolShiftsOver1000 + 1 : 0;
    if (vol > 0) run.stools.push({ at: t, volumeMl: vol });
  }
  if (slotIdx === undefined) return;
  const slotNumber = slotIdx + 1;
  const scheduledAt = slotTimes[slotIdx] ?? t;
  if (!run.active) {
    run.slots.push(emptySlot(slotNumber, scheduledAt, h));
    return;
  }
  const slot = decideAt(cx, run, now, slotNumber, scheduledAt);
  run.slots.push(slot);
  if (slotNumber === slotTimes.length && run.active) {
    run.active = false;
    run.endReason = 'window_closed';
    run.endSlot = slotNumber;
  }
  if (!run.active && !run.dischargeSet) {
    run.dischargeSet = true;
    const after = physRng.uniform(REGIMEN.dischargeHoursAfterLastDose[0], REGIMEN.dischargeHoursAfterLastDose[1]);
    run.dischargeHour = Math.min(cx.n - 1, Math.round((run.lastDoseHour ?? h) + after));
    if (run.dischargeHour <= h) run.dischargeHour = Math.min(cx.n - 1, h + 24);
    // a coma, dialysis or seizure under way keeps the patient in until a day after it resolves
    for (const p of run.planned) if (p.onsetH !== null) run.dischargeHour = Math.min(cx.n - 1, Math.max(run.dischargeHour, p.onsetH + p.durationH + 24));
  }
}

/** The decision at one slot, given, skipped or held, and the dose's effect on the latent stores. */
function decideAt(cx: CycleSetup, run: CycleRun, now: HourState, slotNumber: number, scheduledAt: number): SimSlot {
  const { s, series, latent, decideRng, profile, input, doseIu, doseUnit, cycleTox } = cx;
  const { state } = run;
  const { h, C } = now;
  const vars = slotVariables(
    series,
    h,
    run.labs,
    run.weights,
    run.activeEvent,
    input.admissionWeight,
    run.lastShiftStool,
    run.stoolShiftsOver1000,
    state.heldSoFar,
    state.relativeCriteria.size,
  );
  const ruled = decideSlot(input.ruleset, vars, state, profile, decideRng, C / 3, slotNumber, run.patientStopAtSlot);
  const serious = seriousUnderWay(run);
  const over = overLimit(run, h);
  const d = noDoseDuring(input.ruleset, serious, over, ruled, state);
  const slot: SimSlot = {
    slotNumber,
    scheduledAt,
    hour: h,
    status: 'held',
    decision: d.decision,
    givenAt: null,
    doseIu: null,
    firedRules: d.fired,
    holdRules: d.holdRules,
    stopRules: d.stopRules,
    reasonCodes: d.reasonCodes,
    deviation: d.deviation,
    skipReason: d.skipReason,
    variables: vars,
    heldSoFar: state.heldSoFar,
    relativeCriteriaSoFar: state.relativeCriteria.size,
  };
  // the exports chart a myocardial infarction by name in the reason (writers/common.ts)
  if ((over ?? serious)?.type === MI) slot.seriousEvent = MI;
  if (d.decision === 'give') {
    slot.status = 'given';
    slot.givenAt = scheduledAt + Math.round(Math.min(90, decideRng.lognormal(REGIMEN.givenDelayMedianMin, REGIMEN.givenDelaySdLog))) * 60_000;
    slot.doseIu = doseIu;
    run.dosesGiven += 1;
    run.doseHours.push(h);
    run.lastDoseHour = h;
    latent.exposure += doseUnit;
    latent.toxicity += doseUnit * s.tox * cycleTox;
    latent.reboundDrive += P.reboundDrivePerDose * doseUnit;
    latent.eosDrive += doseUnit;
    if (run.dosesGiven >= profile.maxDosesPerCycle) {
      run.active = false;
      run.endReason = 'max_reached';
      run.endSlot = slotNumber;
    }
  } else if (d.decision === 'skip') {
    slot.status = 'skipped';
  } else if (d.decision === 'stop_cycle' || d.decision === 'discontinue') {
    slot.status = 'held';
    run.active = false;
    run.endReason = d.endReason ?? 'toxicity_stop';
    run.endSlot = slotNumber;
    if (d.decision === 'discontinue') run.discontinued = true;
  }
  return slot;
}

/** The rule variable whose reason a dose held or stopped for a serious event carries (seizure: the centre's rules act). */
const REASON_VARIABLE = {
  coma: 'coma_hours',
  dialysis: 'dialysis_hours',
  seizure: 'seizure',
  myocardial_infarction_or_ischaemia: 'ecg_ischaemia',
} as const satisfies Record<SeriousEventType, RuleVariableCode>;

/**
 * No dose while a coma, dialysis or myocardial infarction is under way: a dose the rules (or dosing through) would give is held, for the
 * event's reason; a hold, stop or discontinuation by the rules stands as decided.
 */
function noDoseDuring(
  ruleset: CentrePractice,
  serious: PlannedSeriousEvent | undefined,
  over: PlannedSeriousEvent | undefined,
  d: DecisionResult,
  state: DecisionState,
): DecisionResult {
  const reason = (p: PlannedSeriousEvent): string => reasonCodeFor(REASON_VARIABLE[p.type]);
  if (over !== undefined && d.decision !== 'discontinue' && d.decision !== 'stop_cycle') {
    // past the label's limit the team discontinues IL-2 whatever the centre's rules say
    return { ...d, decision: 'discontinue', reasonCodes: [reason(over)], deviation: 'clinician_stop', skipReason: null, endReason: 'toxicity_stop' };
  }
  if (serious === undefined || d.decision !== 'give') return d;
  // the ward holds the dose for the event: counted against the centre's held-dose limit like any other hold
  const deviation = d.holdRules.length > 0 ? 'none' : 'hold_without_criterion';
  return holdOrStop(ruleset, state, { ...d, reasonCodes: [reason(serious)], deviation }, 'toxicity_stop');
}

/** The cycle as simulated: the open phenylephrine segment closed at discharge, follow-up labs, records up to discharge. */
function cycleResult(cx: CycleSetup, run: CycleRun): SimCycle {
  const { t0, n, latent, physRng, series, profile, input } = cx;
  const { dischargeHour, lastDoseHour, labs, pressors, bolusHours, stools, events } = run;
  if (run.peSegStart !== null)
    pressors.push({
      agent: 'phenylephrine',
      startAt: t0 + run.peSegStart * HOUR_MS,
      endAt: t0 + (dischargeHour + 1) * HOUR_MS,
      rate: run.peSegRate,
    });
  latent.at = t0 + n * HOUR_MS;

  // follow-up CBC/CMP 3–4 days after the last dose (clinic)
  if (lastDoseHour !== null) {
    const fh = Math.min(n - 1, lastDoseHour + Math.round(physRng.uniform(REGIMEN.followUpLabHoursAfterLastDose[0], REGIMEN.followUpLabHoursAfterLastDose[1])));
    if (fh > dischargeHour) labs.push(drawLabs(series, fh, t0 + fh * HOUR_MS, 'follow_up', physRng, false));
  }
  const dischargeAt = t0 + dischargeHour * HOUR_MS;
  return {
    courseNumber: input.courseNumber,
    cycleNumber: input.cycleNumber,
    admitAt: t0,
    dischargeAt,
    startAt: cx.firstSlot,
    doseIuPerKg: profile.doseIuPerKg,
    dosingWeightKg: cx.dosingWeight,
    dosingWeightBasis: cx.dosingWeightBasis,
    plannedMaxDoses: profile.maxDosesPerCycle,
    cycleBaselineWeight: round1(cx.actualWeight),
    maintenanceMlH: cx.maintenance,
    endReason: run.endReason,
    endSlot: run.endSlot,
    lastDoseAt: lastDoseHour === null ? null : t0 + lastDoseHour * HOUR_MS,
    dosesGiven: run.dosesGiven,
    slots: run.slots,
    series,
    labs,
    weights: run.weights,
    pressors: pressors.filter((p) => p.endAt > p.startAt),
    boluses: bolusHours.filter((x) => x.h <= dischargeHour).map((x) => ({ at: t0 + x.h * HOUR_MS + 15 * 60_000, volumeMl: x.v })),
    stools: stools.filter((x) => x.at <= dischargeAt),
    events: events
      .filter((e) => e.onsetAt <= dischargeAt)
      .map((e) => (e.resolvedAt !== null && e.resolvedAt > dischargeAt + 24 * HOUR_MS ? { ...e, resolvedAt: null } : e)),
    discontinued: run.discontinued || pastLimit(run),
  };
}

function emptySlot(slotNumber: number, scheduledAt: number, hour: number): SimSlot {
  return {
    slotNumber,
    scheduledAt,
    hour,
    status: 'not_reached',
    decision: 'not_reached',
    givenAt: null,
    doseIu: null,
    firedRules: [],
    holdRules: [],
    stopRules: [],
    reasonCodes: [],
    deviation: 'none',
    skipReason: null,
    variables: {},
    heldSoFar: 0,
    relativeCriteriaSoFar: 0,
  };
}

function gradeFor(type: string, rng: Rng): number | null {
  if (type === 'vivid_dreams') return 1;
  if (type === 'intubation' || type === 'sepsis' || type === 'sustained_vt') return 4;
  if (type === 'icu_transfer') return null;
  return rng.weighted([
    [1, 0.3],
    [2, 0.45],
    [3, 0.25],
  ] as const);
}

function drawLabs(series: HourSeries, h: number, at: number, kind: SimLabDraw['kind'], rng: Rng, troponin: boolean): SimLabDraw {
  const cv = (x: number, c = 0.03): number => x * (1 + rng.normal(0, c));
  const v = (a: Float64Array): number => a[h] ?? NaN;
  const values: SimLabDraw['values'] = {
    creatinine: round2(cv(v(series.creatinine))),
    bun: Math.round(cv(v(series.bun))),
    potassium: round1(v(series.potassium) + rng.normal(0, P.potassiumNoiseSd)),
    bicarbonate: Math.round(cv(v(series.bicarbonate), 0.04)),
    bilirubin: round1(Math.max(0.1, cv(v(series.bilirubin), 0.06))),
    ast: Math.round(cv(v(series.ast), 0.08)),
    alt: Math.round(cv(v(series.alt), 0.08)),
    platelets: Math.round(cv(v(series.platelets), 0.06) / 1000) * 1000,
    lymphocytes: Math.round(cv(v(series.lymphocytes), 0.08) / 10) * 10,
    eosinophils: Math.round(cv(v(series.eosinophils), 0.1) / 10) * 10,
    granulocytes: Math.round(cv(v(series.granulocytes), 0.06) / 10) * 10,
    haemoglobin: round1(cv(v(series.haemoglobin), 0.02)),
  };
  if (troponin) values.troponin = round2(Math.abs(rng.lognormal(0.02, 1)));
  return { at, kind, values };
}

function slotVariables(
  series: HourSeries,
  h: number,
  labs: SimLabDraw[],
  weights: { at: number; kg: number }[],
  activeEvent: Map<string, { onsetH: number; endH: number }>,
  cycleBaselineWeight: number,
  lastShiftStool: number,
  stoolShiftsOver1000: number,
  heldSoFar: number,
  relativeSoFar: number,
): SlotVariables {
  const at = (a: Float64Array): number | null => a[h] ?? null;
  const from = Math.max(0, h - 8);
  let sbpMin = Infinity;
  let peMax = 0;
  let urine = 0;
  let urineMin = Infinity;
  for (let i = from; i <= h; i++) {
    sbpMin = Math.min(sbpMin, series.sbp[i] ?? Infinity);
    peMax = Math.max(peMax, series.phenylephrine[i] ?? 0);
    if (i > h - 8) {
      urine += series.urine[i] ?? 0;
      urineMin = Math.min(urineMin, series.urine[i] ?? Infinity);
    }
  }
  let oliguria = 0;
  for (let i = h; i >= 0 && (series.urine[i] ?? 99) < 10; i--) oliguria++;
  const t = series.t0 + h * HOUR_MS;
  const past = labs.filter((l) => l.at <= t);
  const latest = (code: keyof SimLabDraw['values']): number | null => {
    for (let i = past.length - 1; i >= 0; i--) {
      const x = past[i]?.values[code];
      if (x !== undefined) return x;
    }
    return null;
  };
  const previous = (code: keyof SimLabDraw['values']): number | null => {
    let seen = 0;
    for (let i = past.length - 1; i >= 0; i--) {
      const x = past[i]?.values[code];
      if (x !== undefined && ++seen === 2) return x;
    }
    return null;
  };
  const cr = latest('creatinine');
  const crPrev = previous('creatinine');
  const w = weights.filter((x) => x.at <= t);
  const wLatest = w[w.length - 1]?.kg ?? null;
  const has = (type: string): number => (activeEvent.has(type) ? 1 : 0);
  const hours = (type: string): number => {
    const e = activeEvent.get(type);
    return e === undefined ? 0 : h - e.onsetH;
  };
  const fio2 = at(series.fio2);
  return {
    heart_rate_at_dose: round0(at(series.heartRate)),
    sbp_at_dose: round0(at(series.sbp)),
    sbp_min_interval: round0(sbpMin),
    phenylephrine_at_dose: at(series.phenylephrine),
    phenylephrine_max_interval: peMax,
    pressor_any_interval: peMax > 0 ? 1 : 0,
    urine_output_shift: Math.round(urine),
    urine_output_per_kg_shift: round2(urine / cycleBaselineWeight),
    urine_output_rate_min: Math.round(urineMin),
    oliguria_hours: oliguria,
    diarrhoea_shift: lastShiftStool,
    diarrhoea_shifts_over_1000: stoolShiftsOver1000,
    creatinine: cr,
    creatinine_rising: cr !== null && crPrev !== null ? (cr > crPrev ? 1 : 0) : null,
    bicarbonate: latest('bicarbonate'),
    bilirubin: latest('bilirubin'),
    platelets_min: latest('platelets'),
    weight_gain_pct: wLatest === null ? null : round1(((wLatest - cycleBaselineWeight) / cycleBaselineWeight) * 100),
    spo2_at_dose: round0(at(series.spo2)),
    o2_flow_at_dose: at(series.o2Flow),
    fio2_at_dose: fio2,
    atrial_fibrillation: has('atrial_fibrillation'),
    svt: has('svt'),
    ventricular_arrhythmia: Math.max(has('ventricular_arrhythmia'), has('sustained_vt')),
    sustained_vt: has('sustained_vt'),
    // the kit's rule variable reads a myocardial infarction or ischaemia as well (schemas/vocabularies.ts RULE_VARIABLES)
    ecg_ischaemia: Math.max(has('ecg_ischaemia'), has(MI)),
    troponin: latest('troponin'),
    mental_status_change: has('mental_status_change'),
    hallucinations: has('hallucinations'),
    cognitive_screen_failed: has('cognitive_screen_failed'),
    vivid_dreams: has('vivid_dreams'),
    resting_dyspnoea: has('resting_dyspnoea'),
    rales_third: has('rales_third'),
    rales_half: has('rales_half'),
    intubated: has('intubation'),
    intubation_hours: hours('intubation'),
    dialysis_hours: hours('dialysis'),
    infection: has('infection'),
    sepsis: has('sepsis'),
    occult_blood: has('occult_blood'),
    frank_bleeding: has('frank_bleeding'),
    vomiting_refractory: has('vomiting_refractory'),
    ileus: has('ileus'),
    abdominal_pain_severe: has('abdominal_pain_severe'),
    moist_desquamation: has('moist_desquamation'),
    bullous_dermatitis: has('bullous_dermatitis'),
    coma_hours: hours('coma'),
    seizure: has('seizure'),
    held_doses_in_cycle: heldSoFar,
    relative_criteria_in_cycle: relativeSoFar,
  };
}

function newSeries(t0: number, n: number): HourSeries {
  const f = (): Float64Array => new Float64Array(n);
  return {
    t0,
    n,
    sbp: f(),
    dbp: f(),
    heartRate: f(),
    temperature: f(),
    spo2: f(),
    o2Flow: f(),
    fio2: f(),
    respRate: f(),
    urine: f(),
    phenylephrine: f(),
    bolus: f(),
    weight: f(),
    creatinine: f(),
    bun: f(),
    potassium: f(),
    bicarbonate: f(),
    bilirubin: f(),
    ast: f(),
    alt: f(),
    platelets: f(),
    lymphocytes: f(),
    eosinophils: f(),
    granulocytes: f(),
    haemoglobin: f(),
    toxicity: f(),
    exposure: f(),
  };
}

export const round0 = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : Math.round(x));
export const round1 = (x: number): number => Math.round(x * 10) / 10;
export const round2 = (x: number): number => Math.round(x * 100) / 100;
