// Amstel: a European (Dutch) centre. Semicolon-separated, decimal commas, day-first dates, local time
// Europe/Amsterdam without offset (a DST change falls inside cycles of patients 0 and 1), Latin-1 (ISO-8859-1),
// CRLF, Dutch headers and SI units: creatinine µmol/L, urea mmol/L, bilirubin µmol/L, platelets 10^9/L,
// haemoglobin mmol/L, temperature °C, phenylephrine in mcg/min (not mcg/kg/min).
import { join } from 'node:path';
import { Rng } from '../prng.js';
import { formatDate, formatLocal } from '../time.js';
import type { LabCode, SimPatient, SimSlot } from '../types.js';
import { tshDraws, urineBlocks, vitalSamples, type CentreWriter, type WriterContext } from './common.js';
import { FileSink } from './sink.js';
import { CsvTable, Imperfector, numEu, type ColumnSpec } from './table.js';

/** Conversion factors from the canonical unit (il2-domain.md §7.4 units; standard SI factors). */
const LAB_NL: Record<LabCode, { name: string; unit: string; factor: number; decimals: number }> = {
  creatinine: { name: 'Kreatinine', unit: 'µmol/L', factor: 88.42, decimals: 0 },
  bun: { name: 'Ureum', unit: 'mmol/L', factor: 0.357, decimals: 1 },
  potassium: { name: 'Kalium', unit: 'mmol/L', factor: 1, decimals: 1 },
  bicarbonate: { name: 'Bicarbonaat', unit: 'mmol/L', factor: 1, decimals: 0 },
  bilirubin: { name: 'Bilirubine totaal', unit: 'µmol/L', factor: 17.1, decimals: 0 },
  ast: { name: 'ASAT', unit: 'U/L', factor: 1, decimals: 0 },
  alt: { name: 'ALAT', unit: 'U/L', factor: 1, decimals: 0 },
  platelets: { name: 'Trombocyten', unit: '10^9/L', factor: 1 / 1000, decimals: 0 },
  lymphocytes: { name: 'Lymfocyten', unit: '10^9/L', factor: 1 / 1000, decimals: 2 },
  eosinophils: { name: 'Eosinofielen', unit: '10^9/L', factor: 1 / 1000, decimals: 2 },
  granulocytes: { name: 'Neutrofielen', unit: '10^9/L', factor: 1 / 1000, decimals: 2 },
  haemoglobin: { name: 'Hemoglobine', unit: 'mmol/L', factor: 0.6206, decimals: 1 },
  troponin: { name: 'Troponine I', unit: 'ng/L', factor: 1000, decimals: 0 },
  tsh: { name: 'TSH', unit: 'mU/L', factor: 1, decimals: 2 },
};
const CAUSE_NL = { treatment_related: 'toxiciteit behandeling', disease: 'ziekteprogressie', other: 'overig' } as const;
const RESPONSE_NL = { CR: 'complete respons', PR: 'partiële respons', SD: 'stabiele ziekte', PD: 'progressieve ziekte', NE: 'niet evalueerbaar' } as const;
const EVENT_NL: Record<string, string> = {
  atrial_fibrillation: 'Atriumfibrilleren',
  svt: 'Supraventriculaire tachycardie',
  ventricular_arrhythmia: 'Ventriculaire extrasystolen / bigeminie',
  sustained_vt: 'Ventrikeltachycardie (aanhoudend)',
  ecg_ischaemia: 'ST-depressie op ECG, verdenking ischemie',
  myocardial_infarction_or_ischaemia: 'Myocardinfarct (troponinestijging)',
  mental_status_change: 'Verwardheid / delier',
  hallucinations: 'Hallucinaties',
  cognitive_screen_failed: 'Kan niet terugtellen (serial 7s)',
  vivid_dreams: 'Levendige dromen, angst',
  resting_dyspnoea: 'Dyspnoe in rust',
  rales_third: 'Crepitaties 1/3 basaal',
  rales_half: 'Crepitaties tot halverwege',
  infection: 'Verdenking lijninfectie',
  sepsis: 'Sepsis, hemodynamisch instabiel',
  occult_blood: 'Occult bloed in feces',
  frank_bleeding: 'Hematemesis',
  vomiting_refractory: 'Therapieresistent braken',
  ileus: 'Ileus / bolle buik',
  abdominal_pain_severe: 'Ernstige buikpijn',
  moist_desquamation: 'Natte desquamatie',
  bullous_dermatitis: 'Bulleuze dermatitis',
  intubation: 'Geïntubeerd',
  icu_transfer: 'Overplaatsing IC',
  coma: 'Comateus (EMV 6)',
  dialysis: 'Start CVVH (dialyse)',
  seizure: 'Gegeneraliseerd tonisch-clonisch insult',
  vitiligo: 'Vitiligo',
  hypothyroidism: 'Hypothyreoïdie',
  hyperthyroidism: 'Hyperthyreoïdie',
};

function redenNl(s: SimSlot, rng: Rng): string {
  const v = s.variables;
  if (s.status === 'skipped') return s.skipReason === 'line_issue' ? 'lijnprobleem' : s.skipReason === 'logistics' ? 'apotheek te laat' : 'pat. weigert';
  if (s.status !== 'held') return '';
  const parts = s.reasonCodes.map((code) => {
    switch (code) {
      case 'hypotension':
        return (v.phenylephrine_at_dose ?? 0) > 0 ? `RR ${v.sbp_at_dose ?? '?'} syst, fenylefrine` : `RR ${v.sbp_at_dose ?? '?'} syst`;
      case 'tachycardia':
        return `pols ${v.heart_rate_at_dose ?? '?'}`;
      case 'oliguria':
        return `diurese ${v.urine_output_shift ?? '?'} ml/8u`;
      case 'creatinine':
        return `kreat ${Math.round((v.creatinine ?? 0) * 88.42)}`;
      case 'acidosis':
        return `bic ${v.bicarbonate ?? '?'}`;
      case 'hypoxia':
        return `${v.o2_flow_at_dose ?? '?'} l O2`;
      case 'pulmonary':
        return 'dyspnoe/crepitaties';
      case 'neurologic':
        if ((v.coma_hours ?? 0) > 0) return 'comateus';
        if ((v.seizure ?? 0) !== 0) return 'postictaal na insult';
        return v.vivid_dreams === 1 && v.mental_status_change !== 1 ? 'angstig, levendige dromen' : 'verward';
      case 'renal_replacement':
        return 'CVVH (dialyse)';
      case 'thrombocytopenia':
        return `trombo ${Math.round((v.platelets_min ?? 0) / 1000)}`;
      case 'weight_gain':
        return `gewicht +${String(Math.round((v.weight_gain_pct ?? 0) * 10) / 10).replace('.', ',')}%`;
      case 'diarrhoea':
        return `diarree ${v.diarrhoea_shift ?? '?'} ml`;
      case 'gastrointestinal':
        return 'braken';
      case 'bleeding':
        return 'bloedverlies';
      case 'infection':
        return 'koorts, verdenking infectie';
      case 'arrhythmia':
        return v.atrial_fibrillation === 1 ? 'AF' : 'ritmestoornis';
      case 'cardiac_ischaemia':
        return s.seriousEvent === 'myocardial_infarction_or_ischaemia' ? 'troponinestijging, verdenking myocardinfarct' : 'ECG-afwijkingen';
      case 'skin':
        return 'huid';
      case 'clinical_other':
        return rng.pick(['op advies arts', 'klinische blik', 'overleg internist']);
      case 'patient_refusal':
        return 'pat. wil stoppen';
      default:
        return '';
    }
  });
  const text = parts.filter((x) => x !== '').join(', ');
  return s.decision === 'stop_cycle' || s.decision === 'discontinue' ? `cyclus gestaakt: ${text}` : text;
}

/** What writing a patient needs: the centre, its imperfections, the export's tables and its formats. */
interface EuropeanOut {
  ctx: WriterContext;
  imp: Imperfector;
  id: string;
  tz: string;
  patienten: CsvTable;
  toedieningen: CsvTable;
  metingen: CsvTable;
  lab: CsvTable;
  medicatie: CsvTable;
  complicaties: CsvTable;
  respons: CsvTable;
  followUp: CsvTable;
  dt: (ms: number) => string;
  ja: (b: boolean | null) => string;
  RISK_NL: Record<string, string>;
}

export function europeanWriter(ctx: WriterContext, imp: Imperfector): CentreWriter & { files: string[] } {
  const id = ctx.profile.id;
  const tz = ctx.profile.timeZone;
  const opts = { sep: ';', newline: '\r\n' };
  const mk = (name: string, cols: ColumnSpec[]): CsvTable =>
    new CsvTable(new FileSink(join(ctx.dir, `${id}_${name}.csv`), 'latin1'), `${id}_${name}.csv`, cols, opts, imp);
  const m = (name: string, typo = false): ColumnSpec => ({ name, kind: 'measure', typo });
  const c = (name: string): ColumnSpec => ({ name, kind: 'category' });
  const p = (name: string): ColumnSpec => ({ name });
  const patienten = mk('patienten', [
    p('Patiëntnummer'),
    p('Geboortedatum'),
    c('Geslacht'),
    c('Diagnose'),
    p('WHO-PS'),
    c('Risicogroep'),
    c('Nefrectomie'),
    p('Eerdere systemische lijnen'),
    c('Eerdere immunotherapie'),
    c('Behandelde hersenmetastasen'),
    m('Gewicht (kg)'),
  ]);
  const toedieningen = mk('toedieningen', [
    p('Patiëntnummer'),
    p('Kuur'),
    p('Cyclus'),
    p('Dosisnr'),
    p('Gepland'),
    p('Toegediend'),
    c('Status'),
    p('Dosis (MIE)'),
    p('Reden'),
  ]);
  const metingen = mk('metingen', [p('Patiëntnummer'), p('Datum/tijd'), c('Parameter'), m('Waarde', true), p('Eenheid')]);
  const lab = mk('lab', [p('Patiëntnummer'), p('Afnamedatum'), c('Bepaling'), m('Uitslag', true), p('Eenheid'), c('Status')]);
  const medicatie = mk('medicatie', [p('Patiëntnummer'), p('Start'), p('Stop'), c('Middel'), p('Snelheid'), p('Eenheid'), p('Volume (ml)')]);
  const complicaties = mk('complicaties', [p('Patiëntnummer'), p('Begin'), p('Einde'), p('Complicatie'), p('Graad')]);
  // One row per scan, without the course: ingest places each scan in the last course started before it.
  const respons = mk('respons', [p('Patiëntnummer'), p('Datum evaluatie'), c('Criteria'), c('Respons')]);
  const followUp = mk('followup', [p('Patiëntnummer'), p('Datum laatste contact'), p('Datum progressie'), p('Overlijdensdatum'), c('Doodsoorzaak')]);
  const tables = [patienten, toedieningen, metingen, lab, medicatie, complicaties, respons, followUp];
  const dt = (ms: number): string => formatLocal(tz, ms, 'DD-MM-YYYY HH:mm');
  const ja = (b: boolean | null): string => (b === null ? 'n.v.t.' : b ? 'ja' : 'nee');
  const RISK_NL: Record<string, string> = {
    imdc_favourable: 'IMDC gunstig',
    imdc_intermediate: 'IMDC intermediair',
    imdc_poor: 'IMDC ongunstig',
    ajcc_m1a: 'M1a',
    ajcc_m1b: 'M1b',
    ajcc_m1c: 'M1c',
    ajcc_m1d: 'M1d',
  };

  const o: EuropeanOut = { ctx, imp, id, tz, patienten, toedieningen, metingen, lab, medicatie, complicaties, respons, followUp, dt, ja, RISK_NL };
  return {
    files: tables.map((t) => t.file),
    writePatient(pt: SimPatient): void {
      writeEuropeanPatient(o, pt);
    },
    async close(): Promise<void> {
      for (const t of tables) t.sink.close();
    },
  };
}

function writeEuropeanPatient(o: EuropeanOut, pt: SimPatient): void {
  const { ctx, imp, id, tz, patienten, toedieningen, metingen, lab, medicatie, complicaties, respons, followUp, dt, ja, RISK_NL } = o;
  const nr = pt.localId;
  const rng = new Rng(`${ctx.seed}/${id}/${pt.index}/export`);
  patienten.row(nr, [
    nr,
    formatDate(pt.birthDate.year, pt.birthDate.month, pt.birthDate.day, 'DD-MM-YYYY'),
    pt.sex === 'male' ? 'M' : 'V',
    pt.disease === 'rcc' ? 'Niercelcarcinoom' : 'Melanoom',
    String(pt.ecog),
    RISK_NL[pt.riskGroup] ?? 'onbekend',
    ja(pt.priorNephrectomy),
    String(pt.priorSystemicTherapies),
    ja(pt.priorImmunotherapy),
    ja(pt.treatedBrainMetastases),
    numEu(pt.baselineWeightKg, 1),
  ]);
  for (const course of pt.courses) {
    for (const cy of course.cycles) {
      for (const s of cy.slots) {
        if (s.status === 'not_reached') continue;
        const status =
          s.decision === 'stop_cycle' || s.decision === 'discontinue'
            ? 'Gestaakt'
            : s.status === 'given'
              ? 'Gegeven'
              : s.status === 'held'
                ? 'Niet gegeven'
                : 'Overgeslagen';
        toedieningen.row(nr, [
          nr,
          String(cy.courseNumber),
          String(cy.cycleNumber),
          String(s.slotNumber),
          dt(s.scheduledAt),
          s.givenAt === null ? '' : dt(s.givenAt),
          status,
          s.doseIu === null ? '' : numEu(s.doseIu / 1e6, 1),
          redenNl(s, rng),
        ]);
      }
      for (const v of vitalSamples(cy, 2)) {
        const t = dt(v.at);
        metingen.row(nr, [nr, t, 'RR systolisch', String(v.sbp), 'mmHg']);
        metingen.row(nr, [nr, t, 'RR diastolisch', String(v.dbp), 'mmHg']);
        metingen.row(nr, [nr, t, 'Pols', String(v.hr), '/min']);
        if (v.h % 4 === 0) {
          metingen.row(nr, [nr, t, 'Temperatuur', numEu(v.temp, 1), '°C']);
          metingen.row(nr, [nr, t, 'Saturatie', String(v.spo2), '%']);
          metingen.row(nr, [nr, t, 'Zuurstof', v.fio2 >= 40 ? '40' : numEu(v.o2, 0), v.fio2 >= 40 ? '% (masker)' : 'l/min']);
          metingen.row(nr, [nr, t, 'Ademfrequentie', String(v.rr), '/min']);
        }
      }
      for (const w of cy.weights) metingen.row(nr, [nr, dt(w.at), 'Gewicht', numEu(w.kg, 1), 'kg']);
      const firstSlotHour = cy.slots[0]?.hour ?? 0;
      for (const u of urineBlocks(cy, 8, firstSlotHour % 8)) metingen.row(nr, [nr, dt(u.at), 'Diurese', String(u.ml), `ml/${u.hours}u`]);
      for (const st of cy.stools) metingen.row(nr, [nr, dt(st.at), 'Diarree', String(st.volumeMl), 'ml/8u']);
      for (const l of cy.labs) {
        for (const [code, value] of Object.entries(l.values) as [LabCode, number][]) {
          const d = LAB_NL[code];
          const shown = numEu(value * d.factor, d.decimals);
          if (code === 'creatinine' && imp.correction()) {
            const wrong = numEu(value * 1.8 * d.factor, d.decimals);
            const r = lab.row(nr, [nr, dt(l.at), d.name, wrong, d.unit, 'definitief'], { noDuplicate: true });
            imp.log.add({ file: lab.file, dataRow: r, column: 'Uitslag', kind: 'late_correction', original: shown, exported: wrong, patient: nr });
            lab.row(nr, [nr, dt(l.at), d.name, shown, d.unit, 'gecorrigeerd'], { noDuplicate: true });
          } else lab.row(nr, [nr, dt(l.at), d.name, shown, d.unit, 'definitief']);
        }
      }
      for (const seg of cy.pressors)
        medicatie.row(nr, [nr, dt(seg.startAt), dt(seg.endAt), 'Fenylefrine', String(Math.round(seg.rate * cy.dosingWeightKg)), 'mcg/min', '']);
      for (const b of cy.boluses) medicatie.row(nr, [nr, dt(b.at), dt(b.at + 30 * 60_000), 'NaCl 0,9% bolus', '', '', String(b.volumeMl)]);
      medicatie.row(nr, [
        nr,
        dt(cy.admitAt + 3_600_000),
        dt(cy.dischargeAt - 7_200_000),
        'Glucose 5%/NaCl 0,45% onderhoud',
        String(cy.maintenanceMlH),
        'ml/uur',
        '',
      ]);
      for (const e of cy.events)
        complicaties.row(nr, [
          nr,
          dt(e.onsetAt),
          e.resolvedAt === null ? '' : dt(e.resolvedAt),
          EVENT_NL[e.type] ?? e.type,
          e.grade === null ? '' : String(e.grade),
        ]);
    }
    for (const e of course.lateEvents) complicaties.row(nr, [nr, dt(e.onsetAt), '', EVENT_NL[e.type] ?? e.type, e.grade === null ? '' : String(e.grade)]);
  }
  for (const t of tshDraws(pt, ctx.seed)) lab.row(nr, [nr, dt(t.at), LAB_NL.tsh.name, numEu(t.value, t.value < 0.1 ? 3 : 2), LAB_NL.tsh.unit, 'definitief']);
  const day = (ms: number | null) => (ms === null ? '' : formatLocal(tz, ms, 'DD-MM-YYYY'));
  const fu = pt.followUp;
  for (const a of fu.assessments) respons.row(nr, [nr, day(a.at), 'RECIST 1.1', RESPONSE_NL[a.response]]);
  followUp.row(nr, [nr, day(fu.lastContactAt), day(fu.progressionAt), day(fu.deathAt), fu.deathCause === null ? '' : CAUSE_NL[fu.deathCause]]);
}
