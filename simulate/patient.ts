// One patient end to end: baseline → courses → cycles (cycle.ts) → late events → response (response.ts).
import type { CentrePractice } from './centre-rulesets.js';
import type { RiskGroup } from '../schemas/vocabularies.js';
import { advanceLatent, newLatent, round1, simulateCycle } from './cycle.js';
import { EXPORT_DEFAULTS, LATE_EVENTS, POPULATION as POP, PHYSIOLOGY as P, REGIMEN, RESPONSE_MODEL } from './parameters.js';
import { localIdentifier, personName } from './names.js';
import type { PracticeProfile } from './profiles.js';
import { Rng } from './prng.js';
import { courseSignals, drawResponse } from './response.js';
import { simulateFollowUp } from './outcome.js';
import { drawSeriousEvents } from './serious-events.js';
import { followUpLabs, renalRecoveryDay } from './follow-up-labs.js';
import { DAY_MS, HOUR_MS, localToUtc } from './time.js';
import type { Baseline, SimCourse, SimCycle, SimEvent, SimPatient } from './types.js';

export interface PatientContext {
  seed: string;
  profile: PracticeProfile;
  ruleset: CentrePractice;
}

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

function clip(rng: Rng, spec: readonly [number, number, number, number]): number {
  return rng.clippedNormal(spec[0], spec[1], spec[2], spec[3]);
}

/** Local calendar date of the first dose of course 1 (YYYY, M, D). */
function firstCycleDate(rng: Rng, profile: PracticeProfile, index: number): [number, number, number] {
  if (profile.forceDstCrossing && index < 2) {
    // Patient 0: spring-forward on day 3 of cycle 1; patient 1: fall-back on day 4 (last Sundays of March / October).
    const year = index === 0 ? 2019 : 2020;
    const month = index === 0 ? 3 : 10;
    const lastSunday = lastSundayOf(year, month);
    const start = new Date(Date.UTC(year, month - 1, lastSunday - (index === 0 ? 2 : 3)));
    return [start.getUTCFullYear(), start.getUTCMonth() + 1, start.getUTCDate()];
  }
  const from = Date.parse(`${EXPORT_DEFAULTS.firstCycleFrom}T00:00:00Z`);
  const d = new Date(from + Math.floor(rng.next() * EXPORT_DEFAULTS.firstCycleSpanDays) * DAY_MS);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

function lastSundayOf(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month, 0));
  return last.getUTCDate() - last.getUTCDay();
}

/** The 15 q8h slot instants of a cycle starting on local date (y, m, d): first dose at the profile's second clock hour. */
export function slotTimesFor(profile: PracticeProfile, y: number, m: number, d: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < REGIMEN.slotsPerCycle; k++) {
    const clock = (1 + k) % 3;
    const dayOff = Math.floor((1 + k) / 3);
    const date = new Date(Date.UTC(y, m - 1, d + dayOff));
    out.push(localToUtc(profile.timeZone, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), profile.slotHoursLocal[clock] ?? 8));
  }
  return out;
}

function addDays(y: number, m: number, d: number, days: number): [number, number, number] {
  const x = new Date(Date.UTC(y, m - 1, d + days));
  return [x.getUTCFullYear(), x.getUTCMonth() + 1, x.getUTCDate()];
}

export function simulatePatient(ctx: PatientContext, index: number): SimPatient {
  const { profile, ruleset, seed } = ctx;
  const stream = `${seed}/${profile.id}/${index}`;
  const rng = new Rng(`${stream}/patient`);
  const disease = rng.bernoulli(profile.rccShare) ? 'rcc' : 'melanoma';
  const sex = rng.bernoulli(POP.maleShare[disease]) ? 'male' : 'female';
  const age = Math.round(rng.clippedNormal(POP.age.mean, POP.age.sd, POP.age.min, POP.age.max));
  const ecog = rng.weighted(POP.ecog);
  const riskGroup: RiskGroup = disease === 'rcc' ? rng.weighted(POP.rccRisk) : rng.weighted(POP.melanomaRisk);
  const priorNephrectomy = disease === 'rcc' ? rng.bernoulli(POP.priorNephrectomyRcc) : null;
  const priorSystemic = rng.weighted(POP.priorSystemic);
  const priorImmunotherapy = priorSystemic > 0 && rng.bernoulli(POP.priorImmunotherapy / 0.4);
  const treatedBrainMetastases = riskGroup === 'ajcc_m1d' || rng.bernoulli(POP.treatedBrainMets / 2);
  const [wm, ws] = sex === 'male' ? POP.weight.male : POP.weight.female;
  const weight = round1(rng.clippedNormal(wm, ws, POP.weight.min, POP.weight.max));
  const B = POP.baseline;
  const immuneLatent = rng.normal();
  const baseline: Baseline = {
    creatinine: Math.round(clip(rng, sex === 'male' ? B.creatinineMale : B.creatinineFemale) * 100) / 100,
    bun: clip(rng, B.bun),
    potassium: clip(rng, B.potassium),
    bicarbonate: clip(rng, B.bicarbonate),
    bilirubin: clip(rng, B.bilirubin),
    ast: clip(rng, B.ast),
    alt: clip(rng, B.alt),
    platelets: clip(rng, B.platelets),
    lymphocytes: rng.lognormal(POP.lymphocytes[0], POP.lymphocytes[1]),
    eosinophils: rng.lognormal(POP.eosinophils[0], POP.eosinophils[1]),
    granulocytes: clip(rng, B.granulocytes),
    haemoglobin: clip(rng, B.haemoglobin),
    tsh: rng.lognormal(POP.tsh[0], POP.tsh[1]),
    sbp: clip(rng, B.sbp),
    heartRate: clip(rng, B.heartRate),
    temperature: clip(rng, B.temperature),
    respRate: clip(rng, B.respRate),
    urineMlPerKgH: Math.max(0.5, rng.normal(P.urineBaselineMlPerKgH[0], P.urineBaselineMlPerKgH[1])),
    feverAmplitude: Math.max(0.3, rng.normal(P.feverAmplitude[0], P.feverAmplitude[1])),
    // Rebound size tracks the latent immune reactivity (S11/S12: bigger rebound in responders) [ASSUMPTION for the coupling].
    lymphocyteRebound: rng.lognormal(P.lymphocyteRebound[0], P.lymphocyteRebound[1]) * Math.exp(0.25 * immuneLatent),
    plateletRebound: rng.lognormal(P.plateletRebound[0], P.plateletRebound[1]),
    eosinophilGain: rng.lognormal(P.eosinophilGainPerUnit[0], P.eosinophilGainPerUnit[1]),
  };
  const sd = POP.susceptibilitySdLog;
  const susceptibility = {
    tox: rng.lognormal(1, sd.tox) * (1 + 0.08 * ecog),
    cardiovascular: rng.lognormal(1, sd.cardiovascular) * (age > 60 ? 1.1 : 1),
    renal: rng.lognormal(1, sd.renal),
    lung: rng.lognormal(1, sd.lung),
    haem: rng.lognormal(1, sd.haem),
    gi: rng.lognormal(1, sd.gi),
    neuro: rng.lognormal(1, sd.neuro) * (age > 60 ? 1.2 : 1),
  };
  const european = profile.country !== 'US';
  const name = personName(rng, sex, european);
  const [y0, m0, d0] = firstCycleDate(rng, profile, index);
  const birthYear = y0 - age - (rng.bernoulli(0.5) ? 1 : 0);
  const birthDate = { year: birthYear, month: rng.int(1, 12), day: rng.int(1, 28) };

  const patient: SimPatient = {
    centreId: profile.id,
    index,
    localId: localIdentifier(profile.id, index),
    givenName: name.given,
    familyName: name.family,
    birthDate,
    sex,
    disease,
    ageAtFirstDose: age,
    ecog,
    riskGroup,
    priorNephrectomy,
    priorSystemicTherapies: priorSystemic,
    priorImmunotherapy,
    treatedBrainMetastases,
    baselineWeightKg: weight,
    baseline,
    susceptibility,
    immuneLatent,
    courses: [],
    permanentlyDiscontinued: false,
    followUp: { progressionAt: null, deathAt: null, lastContactAt: 0, deathCause: null, assessments: [] },
  };

  const serious = drawSeriousEvents(stream);
  let courseDate: [number, number, number] = [y0, m0, d0];
  const latent = newLatent(localToUtc(profile.timeZone, y0, m0, d0, 0) - 30 * DAY_MS);
  let weightNow = weight;
  for (let c = 1; c <= REGIMEN.maxCourses; c++) {
    const cycles: SimCycle[] = [];
    for (let k = 1; k <= 2; k++) {
      const date = k === 1 ? courseDate : addDays(courseDate[0], courseDate[1], courseDate[2], REGIMEN.cycle2StartDay - 1);
      const slotTimes = slotTimesFor(profile, date[0], date[1], date[2]);
      const admissionWeight = round1(weightNow + rng.normal(0, 0.4));
      const cyc = simulateCycle({
        patient,
        profile,
        ruleset,
        courseNumber: c,
        cycleNumber: k,
        slotTimes,
        latent,
        admissionWeight,
        streamName: `${stream}/c${c}.${k}`,
        planned: c === 1 && k === 1 ? serious : [],
      });
      cycles.push(cyc);
      if (cyc.discontinued) {
        patient.permanentlyDiscontinued = true;
        break;
      }
      // A few patients do not come back for cycle 2 (declined or not recovered) [ASSUMPTION 4%].
      if (k === 1 && rng.bernoulli(0.04)) break;
    }
    const last = cycles[cycles.length - 1];
    const courseEnd = last?.lastDoseAt ?? last?.startAt ?? 0;
    const courseRng = new Rng(`${stream}/c${c}/late`);
    const doses = cycles.reduce((a, x) => a + x.dosesGiven, 0);
    const lateEvents = lateAutoimmune(courseRng, patient, doses, courseEnd);
    const signals = courseSignals(patient, cycles, lateEvents);
    const prior = patient.courses[patient.courses.length - 1]?.response.category ?? null;
    const response = drawResponse(courseRng, patient, signals, prior, courseEnd + REGIMEN.responseAssessmentDaysAfterCourse * DAY_MS + 10 * HOUR_MS);
    const recovery = renalRecoveryDay(new Rng(`${stream}/c${c}/recovery`), baseline.creatinine);
    if (last) last.labs.push(...followUpLabs(new Rng(`${stream}/c${c}/clinic-labs`), patient, last, recovery));
    patient.courses.push({ courseNumber: c, startAt: cycles[0]?.startAt ?? 0, cycles, lateEvents, signals, response, renalRecoveryDays: recovery });
    if (patient.permanentlyDiscontinued || c >= REGIMEN.maxCourses) break;
    const pNext = RESPONSE_MODEL.course2Probability[response.category] * profile.course2Uptake;
    if (!courseRng.bernoulli(pNext)) break;
    courseDate = addDays(courseDate[0], courseDate[1], courseDate[2], nextCourseGapDays(courseRng, profile, courseDate, cycles, response));
    weightNow = round1(weightNow + courseRng.normal(-0.5, 1.2));
  }
  patient.followUp = simulateFollowUp(patient, stream);
  dropAfterDeath(patient);
  return patient;
}

/** Nothing is measured or diagnosed after a (treatment-related) death: clinic labs and late events after it are removed. */
function dropAfterDeath(p: SimPatient): void {
  const death = p.followUp.deathAt;
  if (death === null) return;
  for (const course of p.courses) {
    course.lateEvents = course.lateEvents.filter((e) => e.onsetAt < death);
    for (const cy of course.cycles) cy.labs = cy.labs.filter((l) => l.at < death);
  }
}

/**
 * Days from this course's first local date to the next course's: ≥ 7 weeks after discharge (a few violations, for the
 * compliance analysis), and after a CR or PR not before the confirming scan (REGIMEN).
 */
function nextCourseGapDays(rng: Rng, profile: PracticeProfile, date: [number, number, number], cycles: SimCycle[], response: SimCourse['response']): number {
  const day0 = localToUtc(profile.timeZone, date[0], date[1], date[2], 0);
  const discharge = cycles[cycles.length - 1]?.dischargeAt ?? day0;
  const toDischarge = Math.ceil((discharge - day0) / DAY_MS);
  const violation = rng.bernoulli(REGIMEN.retreatmentViolationShare);
  const window = violation ? REGIMEN.retreatmentViolationDays : REGIMEN.nextCourseDaysAfterDischarge;
  const gap = toDischarge + rng.int(window[0], window[1]);
  if (violation || (response.category !== 'CR' && response.category !== 'PR')) return gap;
  return Math.max(gap, Math.ceil((response.assessedAt - day0) / DAY_MS) + REGIMEN.confirmationBeforeNextCourseDays);
}

function lateAutoimmune(rng: Rng, p: SimPatient, doses: number, courseEnd: number): SimEvent[] {
  const out: SimEvent[] = [];
  const L = LATE_EVENTS;
  const alreadyThyroid = p.courses.some((c) => c.signals.thyroidDysfunction);
  const alreadyVitiligo = p.courses.some((c) => c.signals.vitiligo);
  if (!alreadyThyroid && rng.bernoulli(logistic(L.thyroidIntercept + L.thyroidImmune * p.immuneLatent + L.thyroidPerDose * (doses - 16)))) {
    const onset = courseEnd + rng.int(L.thyroidOnsetDays[0], L.thyroidOnsetDays[1]) * DAY_MS;
    out.push({ type: rng.bernoulli(L.hypothyroidShare) ? 'hypothyroidism' : 'hyperthyroidism', onsetAt: onset, resolvedAt: null, grade: 2 });
  }
  const vitInt = p.disease === 'melanoma' ? L.vitiligoInterceptMelanoma : L.vitiligoInterceptRcc;
  if (!alreadyVitiligo && rng.bernoulli(logistic(vitInt + L.vitiligoImmune * p.immuneLatent))) {
    out.push({ type: 'vitiligo', onsetAt: courseEnd + rng.int(L.vitiligoOnsetDays[0], L.vitiligoOnsetDays[1]) * DAY_MS, resolvedAt: null, grade: 1 });
  }
  return out;
}

/** TSH measured at the response assessment (reflects thyroid dysfunction). */
export function tshAtAssessment(p: SimPatient, course: SimCourse, rng: Rng): number {
  const thy = course.lateEvents.find((e) => e.type === 'hypothyroidism' || e.type === 'hyperthyroidism');
  if (thy === undefined) return Math.round(p.baseline.tsh * rng.lognormal(1, 0.15) * 100) / 100;
  if (thy.type === 'hypothyroidism') return Math.round(rng.lognormal(14, 0.5) * 10) / 10;
  return Math.round(rng.lognormal(0.05, 0.5) * 1000) / 1000;
}

