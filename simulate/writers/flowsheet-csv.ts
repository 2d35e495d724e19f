// Riverside: a wide per-dose flowsheet CSV (one row per scheduled dose, vitals at dosing time) plus
// separate patients, labs, drips, events and response files. US conventions: MM/DD/YYYY, °F, comma CSV, CRLF.
import { join } from 'node:path';
import { Rng } from '../prng.js';
import { formatDate, formatLocal } from '../time.js';
import type { SimPatient } from '../types.js';
import {
  allCycles,
  allEvents,
  bolusInWindow,
  EVENT_TEXT,
  neuroAt,
  reasonTextEn,
  rhythmAt,
  stoolInShiftEnding,
  tshDraws,
  vitalAt,
  type CentreWriter,
  type WriterContext,
} from './common.js';
import { FileSink } from './sink.js';
import { CsvTable, Imperfector, num, type ColumnSpec } from './table.js';

const RISK_TEXT: Record<string, string> = {
  imdc_favourable: 'IMDC favorable',
  imdc_intermediate: 'IMDC intermediate',
  imdc_poor: 'IMDC poor',
  ajcc_m1a: 'M1a',
  ajcc_m1b: 'M1b',
  ajcc_m1c: 'M1c',
  ajcc_m1d: 'M1d',
};

const CAUSE_TEXT = { treatment_related: 'Treatment-related toxicity', disease: 'Disease progression', other: 'Other' } as const;

const STATUS_TEXT = { given: 'Given', held: 'Held', skipped: 'Not Given', not_reached: 'Cycle ended' } as const;

/** What writing a patient needs: the centre, its imperfections, the export's tables and its formats. */
interface FlowsheetOut {
  ctx: WriterContext;
  imp: Imperfector;
  id: string;
  tz: string;
  f: (name: string) => { sink: FileSink; file: string };
  patients: CsvTable;
  flow: CsvTable;
  labs: CsvTable;
  drips: CsvTable;
  events: CsvTable;
  response: CsvTable;
  followUp: CsvTable;
  dt: (ms: number) => string;
  yn: (b: boolean | null) => string;
}

export function flowsheetWriter(ctx: WriterContext, imp: Imperfector): CentreWriter & { files: string[] } {
  const id = ctx.profile.id;
  const tz = ctx.profile.timeZone;
  const opts = { sep: ',', newline: '\r\n' };
  const f = (name: string): { sink: FileSink; file: string } => ({ sink: new FileSink(join(ctx.dir, `${id}_${name}.csv`)), file: `${id}_${name}.csv` });
  const mk = (name: string, cols: ColumnSpec[]): CsvTable => {
    const { sink, file } = f(name);
    return new CsvTable(sink, file, cols, opts, imp);
  };
  const m = (name: string, typo = false): ColumnSpec => ({ name, kind: 'measure', typo });
  const c = (name: string): ColumnSpec => ({ name, kind: 'category' });
  const p = (name: string): ColumnSpec => ({ name });

  const patients = mk('patients', [
    p('MRN'),
    p('DOB'),
    c('SEX'),
    c('DIAGNOSIS'),
    p('ECOG'),
    c('RISK_GROUP'),
    c('PRIOR_NEPHRECTOMY'),
    p('PRIOR_SYSTEMIC_LINES'),
    c('PRIOR_IO'),
    c('TREATED_BRAIN_METS'),
    m('BASELINE_WT_KG'),
  ]);
  const flow = mk('dose_flowsheet', [
    p('MRN'),
    p('COURSE'),
    p('CYCLE'),
    p('DOSE_NO'),
    p('SCHED_DATE'),
    p('SCHED_TIME'),
    c('STATUS'),
    p('TIME_GIVEN'),
    p('DOSE_MIU'),
    p('DOSING_WT_KG'),
    p('HOLD_REASON'),
    m('SBP', true),
    m('DBP', true),
    m('HR', true),
    m('TEMP_F', true),
    m('SPO2', true),
    c('O2_DEVICE'),
    m('O2_LPM'),
    m('NEO_AT_DOSE_MCG_KG_MIN'),
    m('NEO_MAX_8H_MCG_KG_MIN'),
    m('UOP_8H_ML'),
    m('BOLUS_8H_ML'),
    m('WT_KG', true),
    m('STOOL_8H_ML'),
    c('NEURO'),
    c('RHYTHM'),
  ]);
  const labs = mk('labs', [
    p('MRN'),
    p('COLLECTED'),
    p('REPORTED'),
    c('RESULT_STATUS'),
    m('CREAT_MG_DL', true),
    m('BUN_MG_DL'),
    m('K_MMOL_L'),
    m('CO2_MMOL_L'),
    m('TBILI_MG_DL'),
    m('AST_U_L'),
    m('ALT_U_L'),
    m('PLT_K_UL', true),
    m('ALC_K_UL'),
    m('AEC_K_UL'),
    m('ANC_K_UL'),
    m('HGB_G_DL'),
    m('TROP_I_NG_ML'),
    m('TSH_MIU_L'),
  ]);
  const drips = mk('drips', [p('MRN'), c('DRUG'), p('START'), p('STOP'), p('RATE'), c('RATE_UNITS'), p('VOLUME_ML')]);
  const events = mk('events', [p('MRN'), p('ONSET'), p('RESOLVED'), p('EVENT'), p('GRADE')]);
  const response = mk('response', [p('MRN'), p('COURSE'), p('SCAN_DATE'), c('CRITERIA'), c('OVERALL_RESPONSE')]);
  const followUp = mk('followup', [p('MRN'), p('LAST_CONTACT'), p('PROGRESSION_DATE'), p('DEATH_DATE'), c('CAUSE_OF_DEATH')]);
  const tables = [patients, flow, labs, drips, events, response, followUp];

  const dt = (ms: number): string => formatLocal(tz, ms, 'MM/DD/YYYY HH:mm');
  const yn = (b: boolean | null): string => (b === null ? 'NA' : b ? 'Y' : 'N');

  const o: FlowsheetOut = { ctx, imp, id, tz, f, patients, flow, labs, drips, events, response, followUp, dt, yn };
  return {
    files: tables.map((t) => t.file),
    writePatient(pt: SimPatient): void {
      writeFlowsheetPatient(o, pt);
    },
    async close(): Promise<void> {
      for (const t of tables) t.sink.close();
    },
  };
}

function writeFlowsheetPatient(o: FlowsheetOut, pt: SimPatient): void {
  const { ctx, imp, id, tz, patients, flow, labs, drips, events, response, followUp, dt, yn } = o;
  const mrn = pt.localId;
  const rng = new Rng(`${ctx.seed}/${id}/${pt.index}/export`);
  patients.row(mrn, [
    mrn,
    formatDate(pt.birthDate.year, pt.birthDate.month, pt.birthDate.day, 'MM/DD/YYYY'),
    pt.sex === 'male' ? 'M' : 'F',
    pt.disease === 'rcc' ? 'RCC' : 'Melanoma',
    String(pt.ecog),
    RISK_TEXT[pt.riskGroup] ?? '',
    yn(pt.priorNephrectomy),
    String(pt.priorSystemicTherapies),
    yn(pt.priorImmunotherapy),
    yn(pt.treatedBrainMetastases),
    num(pt.baselineWeightKg, 1),
  ]);
  for (const cy of allCycles(pt)) {
    for (const s of cy.slots) {
      const reached = s.status !== 'not_reached';
      const v = vitalAt(cy, s.hour);
      const w = cy.weights.filter((x) => x.at <= s.scheduledAt).pop()?.kg ?? null;
      const sv = s.variables;
      const status = s.decision === 'stop_cycle' || s.decision === 'discontinue' ? 'Held - IL2 stopped' : STATUS_TEXT[s.status];
      flow.row(mrn, [
        mrn,
        String(cy.courseNumber),
        String(cy.cycleNumber),
        String(s.slotNumber),
        formatLocal(tz, s.scheduledAt, 'MM/DD/YYYY'),
        formatLocal(tz, s.scheduledAt, 'HH:mm'),
        status,
        s.givenAt === null ? '' : formatLocal(tz, s.givenAt, 'HH:mm'),
        s.doseIu === null ? '' : num(s.doseIu / 1e6, 1),
        num(cy.dosingWeightKg, 1),
        reasonTextEn(s, rng, true),
        reached ? num(v.sbp) : '',
        reached ? num(v.dbp) : '',
        reached ? num(v.hr) : '',
        reached ? num(v.temp * 1.8 + 32, 1) : '',
        reached ? num(v.spo2) : '',
        reached ? (v.fio2 >= 40 ? 'Face mask 40%' : v.o2 > 0 ? 'NC' : 'RA') : '',
        reached ? num(v.o2) : '',
        reached ? num(sv.phenylephrine_at_dose ?? 0, 2) : '',
        reached ? num(sv.phenylephrine_max_interval ?? 0, 2) : '',
        reached ? num(sv.urine_output_shift) : '',
        reached ? num(bolusInWindow(cy, s.scheduledAt)) : '',
        reached ? num(w, 1) : '',
        reached ? num(stoolInShiftEnding(cy, s.scheduledAt)) : '',
        reached ? neuroAt(cy, s.scheduledAt) : '',
        reached ? rhythmAt(cy, s.scheduledAt, v.hr) : '',
      ]);
    }
    for (const l of cy.labs) {
      const x = l.values;
      const cells = [
        mrn,
        dt(l.at),
        dt(l.at + 75 * 60_000),
        'F',
        num(x.creatinine, 2),
        num(x.bun),
        num(x.potassium, 1),
        num(x.bicarbonate),
        num(x.bilirubin, 1),
        num(x.ast),
        num(x.alt),
        num((x.platelets ?? NaN) / 1000),
        num((x.lymphocytes ?? NaN) / 1000, 2),
        num((x.eosinophils ?? NaN) / 1000, 2),
        num((x.granulocytes ?? NaN) / 1000, 2),
        num(x.haemoglobin, 1),
        x.troponin === undefined ? '' : x.troponin < 0.01 ? '<0.01' : num(x.troponin, 2),
        '',
      ];
      if (imp.correction()) {
        // entered wrong (creatinine mistyped), corrected 2 days later
        const wrong = [...cells];
        wrong[4] = num((x.creatinine ?? 1) * 1.8, 2);
        const r = labs.row(mrn, wrong, { noDuplicate: true });
        imp.log.add({
          file: labs.file,
          dataRow: r,
          column: 'CREAT_MG_DL',
          kind: 'late_correction',
          original: cells[4] ?? '',
          exported: wrong[4] ?? '',
          patient: mrn,
        });
        labs.row(mrn, [...cells.slice(0, 2), dt(l.at + 49 * 3_600_000), 'C', ...cells.slice(4)], { noDuplicate: true });
      } else labs.row(mrn, cells);
    }
    for (const d of cy.pressors) drips.row(mrn, [mrn, 'PHENYLEPHRINE', dt(d.startAt), dt(d.endAt), num(d.rate, 2), 'mcg/kg/min', '']);
    for (const b of cy.boluses) drips.row(mrn, [mrn, 'NS BOLUS', dt(b.at), dt(b.at + 30 * 60_000), '', '', num(b.volumeMl)]);
  }
  for (const t of tshDraws(pt, ctx.seed))
    labs.row(mrn, [mrn, dt(t.at), dt(t.at + 6 * 3_600_000), 'F', '', '', '', '', '', '', '', '', '', '', '', '', '', num(t.value, t.value < 0.1 ? 3 : 2)]);
  for (const { event } of allEvents(pt))
    events.row(mrn, [
      mrn,
      dt(event.onsetAt),
      event.resolvedAt === null ? '' : dt(event.resolvedAt),
      EVENT_TEXT[event.type] ?? event.type,
      event.grade === null ? '' : String(event.grade),
    ]);
  // One row per scan (time-point response); the course's best response is derived at ingest.
  const day = (ms: number | null) => (ms === null ? '' : formatLocal(tz, ms, 'MM/DD/YYYY'));
  const fu = pt.followUp;
  for (const a of fu.assessments) response.row(mrn, [mrn, String(a.courseNumber), day(a.at), 'RECIST 1.1', a.response]);
  followUp.row(mrn, [mrn, day(fu.lastContactAt), day(fu.progressionAt), day(fu.deathAt), fu.deathCause === null ? '' : CAUSE_TEXT[fu.deathCause]]);
}
