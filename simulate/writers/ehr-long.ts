// Lakeshore: long EHR extracts as an Epic-style reporting database would give them — encounters,
// medication administration record (free-text hold comments), hourly flowsheet vitals (BP as "112/68",
// temperature °F, weight in ounces), labs one row per component, intake/output, problems, imaging.
// Local time America/Chicago without offset, "YYYY-MM-DD HH:MM:SS"; every field quoted.
import { join } from 'node:path';
import { Rng } from '../prng.js';
import { HOUR_MS, formatDate, formatLocal } from '../time.js';
import type { LabCode, SimCycle, SimPatient } from '../types.js';
import { EVENT_TEXT, reasonTextEn, tshDraws, urineBlocks, vitalSamples, type CentreWriter, type WriterContext } from './common.js';
import { FileSink } from './sink.js';
import { CsvTable, Imperfector, num, type ColumnSpec } from './table.js';

interface LabDef {
  proc: string;
  component: string;
  unit: string;
  low: number;
  high: number;
  decimals: number;
  scale: number;
}
const LABS: Record<LabCode, LabDef> = {
  creatinine: { proc: 'BASIC METABOLIC PANEL', component: 'CREATININE', unit: 'mg/dL', low: 0.6, high: 1.3, decimals: 2, scale: 1 },
  bun: { proc: 'BASIC METABOLIC PANEL', component: 'BUN', unit: 'mg/dL', low: 7, high: 20, decimals: 0, scale: 1 },
  potassium: { proc: 'BASIC METABOLIC PANEL', component: 'POTASSIUM', unit: 'mmol/L', low: 3.5, high: 5.1, decimals: 1, scale: 1 },
  bicarbonate: { proc: 'BASIC METABOLIC PANEL', component: 'CO2', unit: 'mmol/L', low: 22, high: 29, decimals: 0, scale: 1 },
  bilirubin: { proc: 'HEPATIC FUNCTION PANEL', component: 'BILIRUBIN TOTAL', unit: 'mg/dL', low: 0.2, high: 1.2, decimals: 1, scale: 1 },
  ast: { proc: 'HEPATIC FUNCTION PANEL', component: 'AST', unit: 'U/L', low: 10, high: 40, decimals: 0, scale: 1 },
  alt: { proc: 'HEPATIC FUNCTION PANEL', component: 'ALT', unit: 'U/L', low: 7, high: 56, decimals: 0, scale: 1 },
  platelets: { proc: 'CBC WITH DIFFERENTIAL', component: 'PLATELET COUNT', unit: 'K/uL', low: 150, high: 400, decimals: 0, scale: 1 / 1000 },
  lymphocytes: { proc: 'CBC WITH DIFFERENTIAL', component: 'ABSOLUTE LYMPHOCYTE COUNT', unit: 'K/uL', low: 1.0, high: 4.8, decimals: 2, scale: 1 / 1000 },
  eosinophils: { proc: 'CBC WITH DIFFERENTIAL', component: 'ABSOLUTE EOSINOPHIL COUNT', unit: 'K/uL', low: 0, high: 0.5, decimals: 2, scale: 1 / 1000 },
  granulocytes: { proc: 'CBC WITH DIFFERENTIAL', component: 'ABSOLUTE NEUTROPHIL COUNT', unit: 'K/uL', low: 1.8, high: 7.7, decimals: 2, scale: 1 / 1000 },
  haemoglobin: { proc: 'CBC WITH DIFFERENTIAL', component: 'HEMOGLOBIN', unit: 'g/dL', low: 12, high: 17.5, decimals: 1, scale: 1 },
  troponin: { proc: 'TROPONIN I', component: 'TROPONIN I', unit: 'ng/mL', low: 0, high: 0.04, decimals: 2, scale: 1 },
  tsh: { proc: 'TSH', component: 'TSH', unit: 'uIU/mL', low: 0.4, high: 4.0, decimals: 2, scale: 1 },
};
const IMPRESSION = {
  CR: 'Complete response (RECIST 1.1). No measurable disease.',
  PR: 'Partial response per RECIST 1.1 compared with baseline.',
  SD: 'Stable disease. No new lesions.',
  PD: 'Progression of disease with new lesions.',
  NE: 'Limited exam; response not evaluable.',
} as const;

/** What writing a patient needs: the centre, its imperfections, the export's tables, its format and id counters. */
interface EhrOut {
  ctx: WriterContext;
  imp: Imperfector;
  id: string;
  tz: string;
  patients: CsvTable;
  encounters: CsvTable;
  mar: CsvTable;
  vitals: CsvTable;
  labs: CsvTable;
  io: CsvTable;
  problems: CsvTable;
  imaging: CsvTable;
  dt: (ms: number) => string;
  seq: { csn: number; order: number };
}

export function ehrLongWriter(ctx: WriterContext, imp: Imperfector): CentreWriter & { files: string[] } {
  const id = ctx.profile.id;
  const tz = ctx.profile.timeZone;
  const opts = { sep: ',', newline: '\n', quoteAll: true };
  const mk = (name: string, cols: ColumnSpec[]): CsvTable =>
    new CsvTable(new FileSink(join(ctx.dir, `${id}_${name}.csv`)), `${id}_${name}.csv`, cols, opts, imp);
  const m = (name: string, typo = false): ColumnSpec => ({ name, kind: 'measure', typo });
  const c = (name: string): ColumnSpec => ({ name, kind: 'category' });
  const p = (name: string): ColumnSpec => ({ name });
  const patients = mk('patients', [
    p('PAT_MRN_ID'),
    p('PAT_NAME'),
    p('BIRTH_DATE'),
    c('SEX'),
    p('PRIMARY_DX_CODE'),
    c('PRIMARY_DX_NAME'),
    p('ECOG_BASELINE'),
    c('RISK_GROUP'),
    c('PRIOR_NEPHRECTOMY'),
    p('PRIOR_SYSTEMIC_LINES'),
    c('PRIOR_IMMUNOTHERAPY'),
    c('TREATED_BRAIN_METS'),
    p('DEATH_DATE'),
    p('LAST_CONTACT_DATE'),
  ]);
  const encounters = mk('encounters', [p('PAT_MRN_ID'), p('PAT_ENC_CSN_ID'), c('ADT_PAT_CLASS'), p('HOSP_ADMSN_TIME'), p('HOSP_DISCH_TIME'), p('ENC_REASON')]);
  const mar = mk('mar', [
    p('PAT_MRN_ID'),
    p('PAT_ENC_CSN_ID'),
    p('ORDER_MED_ID'),
    c('MED_NAME'),
    p('SCHEDULED_TIME'),
    p('TAKEN_TIME'),
    c('MAR_ACTION'),
    p('DOSE'),
    c('DOSE_UNIT'),
    p('INFUSION_RATE'),
    c('RATE_UNIT'),
    p('MAR_COMMENT'),
  ]);
  const vitals = mk('vitals', [p('PAT_MRN_ID'), p('PAT_ENC_CSN_ID'), p('RECORDED_TIME'), c('FLO_MEAS_NAME'), m('MEAS_VALUE', true)]);
  const labs = mk('labs', [
    p('PAT_MRN_ID'),
    p('PAT_ENC_CSN_ID'),
    p('ORDER_PROC_ID'),
    c('PROC_NAME'),
    c('COMPONENT_NAME'),
    m('ORD_VALUE', true),
    p('REFERENCE_UNIT'),
    p('REFERENCE_LOW'),
    p('REFERENCE_HIGH'),
    p('RESULT_FLAG'),
    p('SPECIMN_TAKEN_TIME'),
    p('RESULT_TIME'),
    c('LAB_STATUS'),
  ]);
  const io = mk('io', [p('PAT_MRN_ID'), p('PAT_ENC_CSN_ID'), p('RECORDED_TIME'), c('IO_TYPE'), m('VOLUME_ML')]);
  const problems = mk('problems', [p('PAT_MRN_ID'), p('PAT_ENC_CSN_ID'), p('NOTED_TIME'), p('RESOLVED_TIME'), p('DX_NAME')]);
  const imaging = mk('imaging', [p('PAT_MRN_ID'), p('EXAM_TIME'), c('PROC_NAME'), p('IMPRESSION')]);
  const tables = [patients, encounters, mar, vitals, labs, io, problems, imaging];
  const dt = (ms: number): string => formatLocal(tz, ms, 'YYYY-MM-DD HH:mm:ss');
  const seq = { csn: 0, order: 0 };

  const o: EhrOut = { ctx, imp, id, tz, patients, encounters, mar, vitals, labs, io, problems, imaging, dt, seq };
  return {
    files: tables.map((t) => t.file),
    writePatient(pt: SimPatient): void {
      writeEhrPatient(o, pt);
    },
    async close(): Promise<void> {
      for (const t of tables) t.sink.close();
    },
  };
}

function writeEhrPatient(o: EhrOut, pt: SimPatient): void {
  const { ctx, id, tz, patients, encounters, labs, problems, imaging, dt, seq } = o;
  const mrn = pt.localId;
  const rng = new Rng(`${ctx.seed}/${id}/${pt.index}/export`);
  const yesNo = (b: boolean | null): string => (b === null ? '' : b ? 'Yes' : 'No');
  patients.row(mrn, [
    mrn,
    `${pt.familyName.toUpperCase()}, ${pt.givenName.toUpperCase()}`,
    formatDate(pt.birthDate.year, pt.birthDate.month, pt.birthDate.day, 'YYYY-MM-DD'),
    pt.sex === 'male' ? 'Male' : 'Female',
    pt.disease === 'rcc' ? 'C64.9' : 'C43.9',
    pt.disease === 'rcc' ? 'Malignant neoplasm of unspecified kidney, except renal pelvis' : 'Malignant melanoma of skin, unspecified',
    String(pt.ecog),
    pt.riskGroup.replace('imdc_', 'IMDC ').replace('ajcc_m', 'AJCC M'),
    yesNo(pt.priorNephrectomy),
    String(pt.priorSystemicTherapies),
    yesNo(pt.priorImmunotherapy),
    yesNo(pt.treatedBrainMetastases),
    // The EHR records the date of death (no cause) and the last encounter.
    pt.followUp.deathAt === null ? '' : formatLocal(tz, pt.followUp.deathAt, 'YYYY-MM-DD'),
    formatLocal(tz, pt.followUp.lastContactAt, 'YYYY-MM-DD'),
  ]);
  for (const course of pt.courses) {
    for (const cy of course.cycles) {
      const csn = String(2_000_000_000 + ++seq.csn * 17);
      encounters.row(mrn, [mrn, csn, 'Inpatient', dt(cy.admitAt), dt(cy.dischargeAt), `HD IL-2 course ${cy.courseNumber} cycle ${cy.cycleNumber}`], {
        noDuplicate: true,
      });
      writeEhrMar(o, cy, mrn, csn, rng);
      writeEhrCharting(o, cy, mrn, csn);
    }
    for (const e of course.lateEvents) problems.row(mrn, [mrn, '', dt(e.onsetAt), '', EVENT_TEXT[e.type] ?? e.type]);
  }
  for (const t of tshDraws(pt, ctx.seed)) {
    const d = LABS.tsh;
    const flag = t.value > d.high ? 'H' : t.value < d.low ? 'L' : '';
    labs.row(mrn, [
      mrn,
      '',
      String(50_000_000 + ++seq.order * 7),
      d.proc,
      d.component,
      num(t.value, t.value < 0.1 ? 3 : 2),
      d.unit,
      num(d.low, 2),
      num(d.high, 2),
      flag,
      dt(t.at),
      dt(t.at + 5 * HOUR_MS),
      'Final result',
    ]);
  }
  // Every scan's impression; the course's best response is derived at ingest, progression read from the PD scans.
  for (const a of pt.followUp.assessments) imaging.row(mrn, [mrn, dt(a.at), 'CT CHEST ABDOMEN PELVIS W CONTRAST', IMPRESSION[a.response]]);
}

/** The MAR of one cycle: aldesleukin at the slots reached, then drips and boluses. */
function writeEhrMar(o: EhrOut, cy: SimCycle, mrn: string, csn: string, rng: Rng): void {
  const { mar, dt, seq } = o;
  // MAR: aldesleukin (slots that were reached), then drips and boluses
  const il2Order = String(90_000_000 + ++seq.order * 13);
  for (const s of cy.slots) {
    if (s.status === 'not_reached') continue;
    const action = s.status === 'given' ? 'Given' : s.status === 'held' ? 'Held' : 'Not Given';
    mar.row(mrn, [
      mrn,
      csn,
      il2Order,
      `ALDESLEUKIN ${cy.doseIuPerKg.toLocaleString('en-US')} UNITS/KG IV`,
      dt(s.scheduledAt),
      s.givenAt === null ? dt(s.scheduledAt + 20 * 60_000) : dt(s.givenAt),
      action,
      s.doseIu === null ? '' : String(s.doseIu),
      'Units',
      '',
      '',
      reasonTextEn(s, rng),
    ]);
  }
  if (cy.pressors.length > 0) {
    const peOrder = String(90_000_000 + ++seq.order * 13);
    let prevEnd = -1;
    for (const seg of cy.pressors) {
      const first = seg.startAt !== prevEnd;
      mar.row(mrn, [
        mrn,
        csn,
        peOrder,
        'PHENYLEPHRINE 40 MG/250 ML NS INFUSION',
        '',
        dt(seg.startAt),
        first ? 'New Bag' : 'Rate Change',
        '',
        '',
        num(seg.rate, 2),
        'mcg/kg/min',
        '',
      ]);
      const next = cy.pressors.find((x) => x.startAt === seg.endAt);
      if (next === undefined)
        mar.row(mrn, [mrn, csn, peOrder, 'PHENYLEPHRINE 40 MG/250 ML NS INFUSION', '', dt(seg.endAt), 'Stopped', '', '', '0', 'mcg/kg/min', '']);
      prevEnd = seg.endAt;
    }
  }
  const bolusOrder = String(90_000_000 + ++seq.order * 13);
  for (const b of cy.boluses) mar.row(mrn, [mrn, csn, bolusOrder, 'SODIUM CHLORIDE 0.9 % BOLUS', '', dt(b.at), 'Given', String(b.volumeMl), 'mL', '', '', '']);
  const mivf = String(90_000_000 + ++seq.order * 13);
  mar.row(mrn, [
    mrn,
    csn,
    mivf,
    'DEXTROSE 5 %-SODIUM CHLORIDE 0.9 % INFUSION',
    '',
    dt(cy.admitAt + HOUR_MS),
    'New Bag',
    '',
    '',
    String(cy.maintenanceMlH),
    'mL/hr',
    '',
  ]);
  mar.row(mrn, [mrn, csn, mivf, 'DEXTROSE 5 %-SODIUM CHLORIDE 0.9 % INFUSION', '', dt(cy.dischargeAt - 2 * HOUR_MS), 'Stopped', '', '', '0', 'mL/hr', '']);
}

/** The charting of one cycle: vitals, weights, labs, intake and output, problems. */
function writeEhrCharting(o: EhrOut, cy: SimCycle, mrn: string, csn: string): void {
  const { imp, encounters, vitals, labs, io, problems, dt, seq } = o;
  // vitals: BP and pulse hourly; temp, SpO2, O2, resp q4h; weight daily (ounces, as the flowsheet stores it)
  for (const v of vitalSamples(cy, 1)) {
    const t = dt(v.at);
    vitals.row(mrn, [mrn, csn, t, 'BP', `${v.sbp}/${v.dbp}`]);
    vitals.row(mrn, [mrn, csn, t, 'PULSE', String(v.hr)]);
    if (v.h % 4 === 0) {
      vitals.row(mrn, [mrn, csn, t, 'TEMP', num(v.temp * 1.8 + 32, 1)]);
      vitals.row(mrn, [mrn, csn, t, 'SPO2', String(v.spo2)]);
      vitals.row(mrn, [mrn, csn, t, 'O2 DEVICE', v.fio2 >= 40 ? 'Face mask' : v.o2 > 0 ? 'Nasal cannula' : 'None (Room air)']);
      if (v.o2 > 0) vitals.row(mrn, [mrn, csn, t, 'O2 FLOW RATE (L/MIN)', String(v.o2)]);
      if (v.fio2 >= 40) vitals.row(mrn, [mrn, csn, t, 'FIO2 (%)', String(v.fio2)]);
      vitals.row(mrn, [mrn, csn, t, 'RESP', String(v.rr)]);
    }
  }
  for (const w of cy.weights) vitals.row(mrn, [mrn, csn, dt(w.at), 'WEIGHT/SCALE', String(Math.round(w.kg * 35.27396))]);

  for (const l of cy.labs) {
    const labCsn = l.kind === 'follow_up' ? String(3_000_000_000 + seq.csn * 17) : csn;
    if (l.kind === 'follow_up')
      encounters.row(mrn, [mrn, labCsn, 'Outpatient', dt(l.at - HOUR_MS), dt(l.at + HOUR_MS), 'Post IL-2 lab check'], {
        noDuplicate: true,
      });
    const procIds = new Map<string, string>();
    for (const [code, value] of Object.entries(l.values) as [LabCode, number][]) {
      const d = LABS[code];
      let procId = procIds.get(d.proc);
      if (procId === undefined) {
        procId = String(50_000_000 + ++seq.order * 7);
        procIds.set(d.proc, procId);
      }
      const x = value * d.scale;
      const shown = code === 'troponin' && x < 0.01 ? '<0.01' : num(x, d.decimals);
      const flag = x > d.high ? 'H' : x < d.low ? 'L' : '';
      const base = [mrn, labCsn, procId, d.proc, d.component];
      const tail = (val: string, fl: string, resultAt: number, status: string): string[] => [
        val,
        d.unit,
        num(d.low, d.decimals),
        num(d.high, d.decimals),
        fl,
        dt(l.at),
        dt(resultAt),
        status,
      ];
      if (code === 'creatinine' && imp.correction()) {
        const wrong = num(x * 1.8, d.decimals);
        const r = labs.row(mrn, [...base, ...tail(wrong, x * 1.8 > d.high ? 'H' : '', l.at + 80 * 60_000, 'Final result')], { noDuplicate: true });
        imp.log.add({ file: labs.file, dataRow: r, column: 'ORD_VALUE', kind: 'late_correction', original: shown, exported: wrong, patient: mrn });
        labs.row(mrn, [...base, ...tail(shown, flag, l.at + 30 * HOUR_MS, 'Edited Result - FINAL')], { noDuplicate: true });
      } else labs.row(mrn, [...base, ...tail(shown, flag, l.at + 80 * 60_000, 'Final result')]);
    }
  }
  for (const u of urineBlocks(cy, 1)) io.row(mrn, [mrn, csn, dt(u.at), 'Urine', String(u.ml)]);
  for (const st of cy.stools) io.row(mrn, [mrn, csn, dt(st.at), 'Stool', String(st.volumeMl)]);
  for (const b of cy.boluses) io.row(mrn, [mrn, csn, dt(b.at), 'IV Bolus', String(b.volumeMl)]);
  for (const e of cy.events) problems.row(mrn, [mrn, csn, dt(e.onsetAt), e.resolvedAt === null ? '' : dt(e.resolvedAt), EVENT_TEXT[e.type] ?? e.type]);
}
