// The ground truth for one centre, kept apart from its exports (data-samples/_truth/<centre>/), keyed by
// the same local patient identifiers the exports use. CSV (UTC ISO times) and JSON, for tests to read.
import { join } from 'node:path';
import { RULE_VARIABLES, type RuleVariableCode } from '../schemas/vocabularies.js';
import type { PracticeProfile } from './profiles.js';
import { isoUtc, HOUR_MS } from './time.js';
import type { SimPatient } from './types.js';
import { FileSink } from './writers/sink.js';
import { csvField, ImperfectionLog } from './writers/table.js';

export const TRUTH_RULE_VARIABLES = Object.keys(RULE_VARIABLES) as RuleVariableCode[];

const cell = (x: unknown): string => {
  if (x === null || x === undefined) return '';
  if (typeof x === 'number') return Number.isFinite(x) ? String(Math.round(x * 1e4) / 1e4) : '';
  if (typeof x === 'boolean') return x ? 'true' : 'false';
  return csvField(String(x), ',');
};

class TruthTable {
  readonly sink: FileSink;
  constructor(
    path: string,
    readonly columns: string[],
  ) {
    this.sink = new FileSink(path);
    this.sink.line(columns.join(','));
  }
  row(values: unknown[]): void {
    this.sink.line(values.map(cell).join(','));
    this.sink.rows++;
  }
}

export class TruthWriter {
  readonly imperfections: ImperfectionLog;
  private readonly tables: TruthTable[];
  private readonly patients: TruthTable;
  private readonly cycles: TruthTable;
  private readonly slots: TruthTable;
  private readonly responses: TruthTable;
  private readonly events: TruthTable;
  private readonly followUp: TruthTable;
  private readonly assessments: TruthTable;
  private readonly impSink: FileSink;

  constructor(
    readonly dir: string,
    readonly profile: PracticeProfile,
  ) {
    this.patients = new TruthTable(join(dir, 'patients.csv'), [
      'patient_local_id',
      'index',
      'disease',
      'sex',
      'age_at_first_dose',
      'ecog',
      'risk_group',
      'prior_nephrectomy',
      'prior_systemic_therapies',
      'prior_immunotherapy',
      'treated_brain_metastases',
      'baseline_weight_kg',
      'baseline_creatinine',
      'baseline_platelets',
      'baseline_lymphocytes',
      'baseline_bicarbonate',
      'baseline_sbp',
      'baseline_heart_rate',
      'susceptibility_tox',
      'susceptibility_cardiovascular',
      'susceptibility_renal',
      'susceptibility_lung',
      'susceptibility_haem',
      'susceptibility_gi',
      'susceptibility_neuro',
      'immune_latent',
      'lymphocyte_rebound_gain',
      'courses',
      'permanently_discontinued',
      'best_response',
      'responder',
    ]);
    this.cycles = new TruthTable(join(dir, 'cycles.csv'), [
      'patient_local_id',
      'course',
      'cycle',
      'admit_at',
      'first_slot_at',
      'discharge_at',
      'dose_iu_per_kg',
      'dosing_weight_kg',
      'dosing_weight_basis',
      'planned_max_doses',
      'doses_given',
      'slots_held',
      'slots_skipped',
      'slots_not_reached',
      'end_reason',
      'end_slot',
      'last_dose_at',
      'deviations_dosed_through',
      'deviations_hold_without_criterion',
      'true_creatinine_peak',
      'true_creatinine_peak_hours_after_last_dose',
      'true_platelet_nadir',
      'true_lymphocyte_nadir',
      'true_lymphocyte_max_24_96h_after_last_dose',
      'true_bicarbonate_nadir',
      'max_phenylephrine',
      'true_weight_gain_kg',
      'boluses',
      'events',
    ]);
    this.slots = new TruthTable(join(dir, 'slots.csv'), [
      'patient_local_id',
      'course',
      'cycle',
      'slot',
      'scheduled_at',
      'status',
      'decision',
      'given_at',
      'dose_iu',
      'fired_rules',
      'hold_rules',
      'stop_rules',
      'reason_codes',
      'deviation',
      'skip_reason',
      'held_so_far',
      'relative_criteria_so_far',
      ...TRUTH_RULE_VARIABLES.map((v) => `var_${v}`),
    ]);
    this.responses = new TruthTable(join(dir, 'responses.csv'), [
      'patient_local_id',
      'course',
      'assessed_at',
      'category',
      'responder',
      'probability',
      'logit',
      'doses_given',
      'lymphocyte_rebound_ratio',
      'platelet_nadir',
      'bicarbonate_nadir',
      'max_phenylephrine',
      'thyroid_dysfunction',
      'vitiligo',
      'c_intercept',
      'c_lymphocyte_rebound',
      'c_doses',
      'c_platelet_nadir_below_50k',
      'c_bicarbonate_nadir_below_19',
      'c_phenylephrine_max',
      'c_thyroid_dysfunction',
      'c_vitiligo',
      'c_ecog',
      'c_immune_latent',
      'c_prior_course',
      'true_renal_recovery_days',
    ]);
    this.events = new TruthTable(join(dir, 'events.csv'), ['patient_local_id', 'course', 'cycle', 'event_type', 'onset_at', 'resolved_at', 'grade']);
    this.followUp = new TruthTable(join(dir, 'follow_up.csv'), ['patient_local_id', 'progression_at', 'death_at', 'last_contact_at', 'death_cause']);
    this.assessments = new TruthTable(join(dir, 'assessments.csv'), ['patient_local_id', 'course', 'assessed_at', 'overall_response']);
    this.impSink = new FileSink(join(dir, 'imperfections.csv'));
    this.imperfections = new ImperfectionLog(this.impSink);
    this.tables = [this.patients, this.cycles, this.slots, this.responses, this.events, this.followUp, this.assessments];
  }

  writePatient(p: SimPatient): void {
    const id = p.localId;
    const best = bestResponse(p);
    const s = p.susceptibility;
    const b = p.baseline;
    this.patients.row([
      id,
      p.index,
      p.disease,
      p.sex,
      p.ageAtFirstDose,
      p.ecog,
      p.riskGroup,
      p.priorNephrectomy,
      p.priorSystemicTherapies,
      p.priorImmunotherapy,
      p.treatedBrainMetastases,
      p.baselineWeightKg,
      b.creatinine,
      Math.round(b.platelets),
      Math.round(b.lymphocytes),
      b.bicarbonate,
      b.sbp,
      b.heartRate,
      s.tox,
      s.cardiovascular,
      s.renal,
      s.lung,
      s.haem,
      s.gi,
      s.neuro,
      p.immuneLatent,
      b.lymphocyteRebound,
      p.courses.length,
      p.permanentlyDiscontinued,
      best,
      best === 'CR' || best === 'PR',
    ]);
    for (const course of p.courses) {
      this.writeCourse(p, course, id);
    }
    this.writeFollowUp(p);
  }

  /** One course: a row per cycle and per slot, the course's assessments and its late events. */
  private writeCourse(p: SimPatient, course: SimPatient['courses'][number], id: string): void {
    for (const cy of course.cycles) {
      const ser = cy.series;
      let crPeak = -Infinity;
      let crPeakH = 0;
      let pltMin = Infinity;
      let lyMin = Infinity;
      let hcoMin = Infinity;
      let wMax = -Infinity;
      let lyPost = -Infinity;
      const lastH = cy.lastDoseAt === null ? null : Math.round((cy.lastDoseAt - ser.t0) / HOUR_MS);
      for (let h = 0; h < ser.n; h++) {
        const cr = ser.creatinine[h] ?? 0;
        if (cr > crPeak) {
          crPeak = cr;
          crPeakH = h;
        }
        pltMin = Math.min(pltMin, ser.platelets[h] ?? Infinity);
        lyMin = Math.min(lyMin, ser.lymphocytes[h] ?? Infinity);
        hcoMin = Math.min(hcoMin, ser.bicarbonate[h] ?? Infinity);
        wMax = Math.max(wMax, ser.weight[h] ?? -Infinity);
        if (lastH !== null && h >= lastH + 24 && h <= lastH + 96) lyPost = Math.max(lyPost, ser.lymphocytes[h] ?? -Infinity);
      }
      const count = (st: string): number => cy.slots.filter((x) => x.status === st).length;
      this.cycles.row([
        id,
        cy.courseNumber,
        cy.cycleNumber,
        isoUtc(cy.admitAt),
        isoUtc(cy.startAt),
        isoUtc(cy.dischargeAt),
        cy.doseIuPerKg,
        cy.dosingWeightKg,
        cy.dosingWeightBasis,
        cy.plannedMaxDoses,
        cy.dosesGiven,
        count('held'),
        count('skipped'),
        count('not_reached'),
        cy.endReason,
        cy.endSlot,
        cy.lastDoseAt === null ? null : isoUtc(cy.lastDoseAt),
        cy.slots.filter((x) => x.deviation === 'dosed_through').length,
        cy.slots.filter((x) => x.deviation === 'hold_without_criterion').length,
        crPeak,
        lastH === null ? null : crPeakH - lastH,
        Math.round(pltMin),
        Math.round(lyMin),
        lyPost === -Infinity ? null : Math.round(lyPost),
        hcoMin,
        Math.max(0, ...cy.pressors.map((x) => x.rate)),
        wMax - cy.cycleBaselineWeight,
        cy.boluses.length,
        cy.events.map((e) => e.type).join('|'),
      ]);
      for (const sl of cy.slots) {
        this.slots.row([
          id,
          cy.courseNumber,
          cy.cycleNumber,
          sl.slotNumber,
          isoUtc(sl.scheduledAt),
          sl.status,
          sl.decision,
          sl.givenAt === null ? null : isoUtc(sl.givenAt),
          sl.doseIu,
          sl.firedRules.join('|'),
          sl.holdRules.join('|'),
          sl.stopRules.join('|'),
          sl.reasonCodes.join('|'),
          sl.deviation,
          sl.skipReason,
          sl.status === 'not_reached' ? null : sl.heldSoFar,
          sl.status === 'not_reached' ? null : sl.relativeCriteriaSoFar,
          ...TRUTH_RULE_VARIABLES.map((v) => sl.variables[v]),
        ]);
      }
      for (const e of cy.events)
        this.events.row([id, cy.courseNumber, cy.cycleNumber, e.type, isoUtc(e.onsetAt), e.resolvedAt === null ? null : isoUtc(e.resolvedAt), e.grade]);
    }
    for (const e of course.lateEvents) this.events.row([id, course.courseNumber, null, e.type, isoUtc(e.onsetAt), null, e.grade]);
    const r = course.response;
    const sg = course.signals;
    const c = r.contributions;
    this.responses.row([
      id,
      course.courseNumber,
      isoUtc(r.assessedAt),
      r.category,
      r.responder,
      r.probability,
      r.logit,
      sg.dosesGiven,
      sg.lymphocyteReboundRatio,
      sg.plateletNadir,
      sg.bicarbonateNadir,
      sg.maxPhenylephrine,
      sg.thyroidDysfunction,
      sg.vitiligo,
      c.intercept,
      c.lymphocyte_rebound,
      c.doses,
      c.platelet_nadir_below_50k,
      c.bicarbonate_nadir_below_19,
      c.phenylephrine_max,
      c.thyroid_dysfunction,
      c.vitiligo,
      c.ecog,
      c.immune_latent,
      c.prior_course,
      course.renalRecoveryDays,
    ]);
  }

  private writeFollowUp(p: SimPatient): void {
    const f = p.followUp;
    const t = (ms: number | null) => (ms === null ? null : isoUtc(ms));
    this.followUp.row([p.localId, t(f.progressionAt), t(f.deathAt), isoUtc(f.lastContactAt), f.deathCause]);
    for (const a of f.assessments) this.assessments.row([p.localId, a.courseNumber, isoUtc(a.at), a.response]);
  }

  close(): { file: string; rows: number }[] {
    const out: { file: string; rows: number }[] = [];
    for (const t of this.tables) {
      t.sink.close();
      out.push({ file: t.sink.path, rows: t.sink.rows });
    }
    this.impSink.close();
    out.push({ file: this.impSink.path, rows: this.impSink.rows });
    return out;
  }
}

export function bestResponse(p: SimPatient): 'CR' | 'PR' | 'SD' | 'PD' | 'NE' {
  const order = ['CR', 'PR', 'SD', 'PD', 'NE'] as const;
  let best: (typeof order)[number] = 'NE';
  for (const c of p.courses) if (order.indexOf(c.response.category) < order.indexOf(best)) best = c.response.category;
  return best;
}
