// Summit: one Excel workbook (exceljs streaming writer) with a Notes sheet, then one sheet per table, each
// with a merged group-header row above the column-name row. Dates are real Excel date cells holding
// local America/Denver wall-clock time. Rows are spooled per sheet to temporary NDJSON during the patient
// pass, then streamed sheet by sheet into the workbook, so memory stays bounded. Zip entry times and
// docProps dates are fixed so the file is byte-identical across runs.
import { createReadStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import ExcelJS from 'exceljs';
import { PHYSIOLOGY } from '../parameters.js';
import { Rng } from '../prng.js';
import { localAsUtcDate } from '../time.js';
import type { LabCode, SimPatient } from '../types.js';
import {
  EVENT_TEXT,
  allCycles,
  allEvents,
  bolusInWindow,
  reasonTextEn,
  tshDraws,
  urineBlocks,
  vitalAt,
  vitalSamples,
  type CentreWriter,
  type WriterContext,
} from './common.js';
import { FileSink } from './sink.js';
import type { Imperfector } from './table.js';
import { normaliseZipFile } from './zip-determinism.js';

type CellType = 'datetime' | 'date' | 'number' | 'string';
interface SheetCol {
  name: string;
  type: CellType;
  kind?: 'measure' | 'category';
  typo?: boolean;
  width?: number;
  numFmt?: string;
}
interface SheetSpec {
  name: string;
  groups: [string, number][];
  cols: SheetCol[];
}
type Value = string | number | null;

/** A fixed timestamp for docProps (created/modified): the export's stated "data as of" time. */
const CAUSE_TEXT = { treatment_related: 'Treatment-related', disease: 'Progressive disease', other: 'Other' } as const;
const FIXED_DOC_TIME = new Date(Date.UTC(2024, 0, 1, 0, 0, 0));

class SheetSpool {
  readonly sink: FileSink;
  rows = 0;
  constructor(
    readonly spec: SheetSpec,
    dir: string,
    private readonly imp: Imperfector,
    private readonly file: string,
  ) {
    this.sink = new FileSink(join(dir, `${spec.name}.ndjson`));
  }

  /** Values in column order; datetimes as epoch ms (UTC instant). Returns the 1-based data row. */
  row(patient: string, values: Value[], opts: { noDuplicate?: boolean } = {}): number {
    const dataRow = this.rows + 1;
    const where = `${this.file}#${this.spec.name}`;
    const out = values.map((v, i) => {
      const col = this.spec.cols[i];
      if (col === undefined) throw new Error(`${this.spec.name}: too many values`);
      if (v === null) return null;
      if (col.kind === 'measure') {
        const s = String(v);
        const m = this.imp.missing(where, dataRow, col.name, patient, s);
        if (m === '') return null;
        const t = col.typo === true ? this.imp.typo(where, dataRow, col.name, patient, m) : m;
        return typeof v === 'number' ? Number(t) : t;
      }
      if (col.kind === 'category' && typeof v === 'string') return this.imp.category(where, dataRow, col.name, patient, v);
      return v;
    });
    const line = JSON.stringify(out);
    this.sink.line(line);
    this.rows++;
    if (opts.noDuplicate !== true && this.imp.duplicate()) {
      this.sink.line(line);
      this.rows++;
      this.imp.log.add({ file: where, dataRow: dataRow + 1, column: '', kind: 'duplicate_row', original: `copy of row ${dataRow}`, exported: '', patient });
    }
    return dataRow;
  }
}

const LAB_COLS: [LabCode, string, number][] = [
  ['creatinine', 'Creatinine (mg/dL)', 2],
  ['bun', 'BUN (mg/dL)', 0],
  ['potassium', 'K (mmol/L)', 1],
  ['bicarbonate', 'HCO3 (mmol/L)', 0],
  ['bilirubin', 'T. bili (mg/dL)', 1],
  ['ast', 'AST (U/L)', 0],
  ['alt', 'ALT (U/L)', 0],
  ['platelets', 'Platelets (x10^3/uL)', 0],
  ['lymphocytes', 'Lymphocytes (x10^3/uL)', 2],
  ['eosinophils', 'Eosinophils (x10^3/uL)', 2],
  ['granulocytes', 'Neutrophils (x10^3/uL)', 2],
  ['haemoglobin', 'Hgb (g/dL)', 1],
  ['troponin', 'Troponin I (ng/mL)', 2],
  ['tsh', 'TSH (mIU/L)', 2],
];

const S = (name: string, type: CellType = 'string', extra: Partial<SheetCol> = {}): SheetCol => ({ name, type, ...extra });
const dtCol = (name: string): SheetCol => S(name, 'datetime', { width: 17, numFmt: 'yyyy-mm-dd hh:mm' });
const meas = (name: string, typo = false): SheetCol => S(name, 'number', { kind: 'measure', typo });

/** The registry's sheets: their column groups and columns, in workbook order. */
function sheetSpecs(): SheetSpec[] {
  return [
    {
      name: 'Patients',
      groups: [
        ['Identification', 2],
        ['Disease', 3],
        ['History', 4],
        ['Baseline', 1],
      ],
      cols: [
        S('Study ID'),
        S('MRN'),
        S('Diagnosis', 'string', { kind: 'category' }),
        S('Risk group', 'string', { kind: 'category' }),
        S('ECOG', 'number'),
        S('Prior nephrectomy', 'string', { kind: 'category' }),
        S('Prior systemic lines', 'number'),
        S('Prior IO', 'string', { kind: 'category' }),
        S('Treated brain mets', 'string', { kind: 'category' }),
        meas('Weight (kg)'),
      ],
    },
    {
      name: 'Cycles',
      groups: [
        ['Cycle', 4],
        ['Regimen', 4],
        ['Outcome', 2],
      ],
      cols: [
        S('Study ID'),
        S('Course', 'number'),
        S('Cycle', 'number'),
        S('Admission', 'date', { numFmt: 'dd-mmm-yyyy', width: 12 }),
        S('IU/kg', 'number'),
        S('Dosing wt (kg)', 'number'),
        S('Wt basis'),
        S('Max doses', 'number'),
        S('Doses given', 'number'),
        S('End of cycle', 'string', { kind: 'category' }),
      ],
    },
    {
      name: 'Doses',
      groups: [
        ['Dose', 7],
        ['Vital signs at dosing', 6],
        ['Pressor / fluids / urine', 4],
      ],
      cols: [
        S('Study ID'),
        S('Course', 'number'),
        S('Cycle', 'number'),
        S('Dose #', 'number'),
        dtCol('Scheduled'),
        S('Given/Held', 'string', { kind: 'category' }),
        S('Comment'),
        meas('SBP', true),
        meas('DBP', true),
        meas('HR', true),
        meas('Temp (C)', true),
        meas('SpO2 (%)', true),
        meas('O2 (L/min)'),
        meas('Phenylephrine (mcg/kg/min)'),
        meas('Max phenylephrine 8h'),
        meas('Urine 8h (mL)'),
        meas('Boluses 8h (mL)'),
      ],
    },
    {
      name: 'Vitals',
      groups: [
        ['When', 2],
        ['Vital signs (q4h)', 7],
      ],
      cols: [
        S('Study ID'),
        dtCol('Time'),
        meas('SBP', true),
        meas('DBP', true),
        meas('HR', true),
        meas('Temp (C)', true),
        meas('SpO2 (%)', true),
        meas('O2 (L/min)'),
        meas('RR'),
      ],
    },
    {
      name: 'Labs',
      groups: [
        ['Draw', 3],
        ['Chemistry', 7],
        ['Hematology', 5],
        ['Other', 2],
      ],
      cols: [S('Study ID'), dtCol('Drawn'), S('Note'), ...LAB_COLS.map(([code, name]) => meas(name, code === 'creatinine' || code === 'platelets'))],
    },
    {
      name: 'Fluids',
      groups: [
        ['When', 2],
        ['Shift totals', 3],
        ['Weight', 1],
      ],
      cols: [S('Study ID'), dtCol('Shift end'), meas('Urine (mL)'), meas('Stool (mL)'), meas('Boluses (mL)'), meas('Weight (kg)', true)],
    },
    {
      name: 'Pressors',
      groups: [['Infusion', 6]],
      cols: [S('Study ID'), S('Agent', 'string', { kind: 'category' }), dtCol('Start'), dtCol('Stop'), S('Rate', 'number'), S('Units')],
    },
    {
      name: 'Events',
      groups: [['Adverse event', 5]],
      cols: [S('Study ID'), dtCol('Onset'), dtCol('Resolved'), S('Event'), S('Grade', 'number')],
    },
    {
      name: 'Response',
      groups: [['Assessment', 5]],
      cols: [
        S('Study ID'),
        S('Course', 'number'),
        S('Date', 'date', { numFmt: 'dd-mmm-yyyy', width: 12 }),
        S('Criteria', 'string', { kind: 'category' }),
        S('Best response', 'string', { kind: 'category' }),
      ],
    },
    {
      name: 'Follow-up',
      groups: [['Follow-up', 5]],
      cols: [
        S('Study ID'),
        S('Last contact', 'date', { numFmt: 'dd-mmm-yyyy', width: 12 }),
        S('Progression', 'date', { numFmt: 'dd-mmm-yyyy', width: 12 }),
        S('Died', 'date', { numFmt: 'dd-mmm-yyyy', width: 12 }),
        S('Cause of death', 'string', { kind: 'category' }),
      ],
    },
  ];
}

const r2 = (x: number): number => Math.round(x * 100) / 100;
const yn = (b: boolean | null): string => (b === null ? 'n/a' : b ? 'Yes' : 'No');
const END_TEXT = {
  max_reached: 'Completed max doses',
  toxicity_stop: 'Stopped - toxicity',
  clinician: 'Stopped - MD decision',
  patient: 'Stopped - patient request',
  window_closed: 'Dosing window ended',
  other: 'Other',
} as const;

/** What the writing steps share: the centre, its imperfections, the workbook's name, sheets and row spools. */
interface XlsxOut {
  ctx: WriterContext;
  imp: Imperfector;
  id: string;
  tz: string;
  fileName: string;
  spoolDir: string;
  specs: SheetSpec[];
  spools: Map<string, SheetSpool>;
  sp: (name: string) => SheetSpool;
}

export function xlsxWriter(ctx: WriterContext, imp: Imperfector): CentreWriter & { files: string[] } {
  const id = ctx.profile.id;
  const tz = ctx.profile.timeZone;
  const fileName = `${id}_hdil2_registry.xlsx`;
  const spoolDir = join(ctx.dir, `.spool-${id}`);
  mkdirSync(spoolDir, { recursive: true });
  const specs = sheetSpecs();
  const spools = new Map<string, SheetSpool>(specs.map((s) => [s.name, new SheetSpool(s, spoolDir, imp, fileName)]));
  const sp = (name: string): SheetSpool => {
    const s = spools.get(name);
    if (s === undefined) throw new Error(`no sheet ${name}`);
    return s;
  };

  const o: XlsxOut = { ctx, imp, id, tz, fileName, spoolDir, specs, spools, sp };
  return {
    files: [fileName],
    writePatient(pt: SimPatient): void {
      writeXlsxPatient(o, pt);
    },
    async close(): Promise<void> {
      return closeXlsx(o);
    },
  };
}

function writeXlsxPatient(o: XlsxOut, pt: SimPatient): void {
  const { ctx, imp, id, fileName, sp } = o;
  const sid = pt.localId;
  const mrn = `MR${String(pt.index * 7_331 + 500_000).padStart(7, '0')}`;
  const rng = new Rng(`${ctx.seed}/${id}/${pt.index}/export`);
  sp('Patients').row(sid, [
    sid,
    mrn,
    pt.disease === 'rcc' ? 'Renal cell carcinoma' : 'Melanoma',
    pt.riskGroup.replace('imdc_', 'IMDC ').replace('ajcc_m', 'M'),
    pt.ecog,
    yn(pt.priorNephrectomy),
    pt.priorSystemicTherapies,
    yn(pt.priorImmunotherapy),
    yn(pt.treatedBrainMetastases),
    pt.baselineWeightKg,
  ]);
  for (const cy of allCycles(pt)) {
    sp('Cycles').row(
      sid,
      [
        sid,
        cy.courseNumber,
        cy.cycleNumber,
        cy.admitAt,
        cy.doseIuPerKg,
        cy.dosingWeightKg,
        cy.dosingWeightBasis === 'capped' ? `capped at ${ctx.profile.dosingWeightCapKg ?? ''} kg` : 'actual',
        cy.plannedMaxDoses,
        cy.dosesGiven,
        END_TEXT[cy.endReason],
      ],
      { noDuplicate: true },
    );
    for (const s of cy.slots) {
      if (s.status === 'not_reached') continue;
      const v = vitalAt(cy, s.hour);
      const status =
        s.status === 'given'
          ? 'Given'
          : s.status === 'held'
            ? s.decision === 'stop_cycle' || s.decision === 'discontinue'
              ? 'Held - stop'
              : 'Held'
            : 'Missed';
      sp('Doses').row(sid, [
        sid,
        cy.courseNumber,
        cy.cycleNumber,
        s.slotNumber,
        s.scheduledAt,
        status,
        reasonTextEn(s, rng, true),
        v.sbp,
        v.dbp,
        v.hr,
        v.temp,
        v.spo2,
        v.fio2 >= 40 ? null : v.o2,
        r2(s.variables.phenylephrine_at_dose ?? 0),
        r2(s.variables.phenylephrine_max_interval ?? 0),
        s.variables.urine_output_shift ?? null,
        bolusInWindow(cy, s.scheduledAt),
      ]);
    }
    for (const v of vitalSamples(cy, 4)) sp('Vitals').row(sid, [sid, v.at, v.sbp, v.dbp, v.hr, v.temp, v.spo2, v.fio2 >= 40 ? null : v.o2, v.rr]);
    for (const l of cy.labs) {
      const vals = LAB_COLS.map(([code, , d]) => {
        const x = l.values[code];
        if (x === undefined) return null;
        const scaled = code === 'platelets' || code === 'lymphocytes' || code === 'eosinophils' || code === 'granulocytes' ? x / 1000 : x;
        return Math.round(scaled * 10 ** d) / 10 ** d;
      });
      const note = l.kind === 'follow_up' ? 'clinic' : l.kind === 'baseline' ? 'admission' : '';
      if (imp.correction()) {
        const wrong = [...vals];
        wrong[0] = r2((l.values.creatinine ?? 1) * 1.8);
        const r = sp('Labs').row(sid, [sid, l.at, note, ...wrong], { noDuplicate: true });
        imp.log.add({
          file: `${fileName}#Labs`,
          dataRow: r,
          column: 'Creatinine (mg/dL)',
          kind: 'late_correction',
          original: String(vals[0]),
          exported: String(wrong[0]),
          patient: sid,
        });
        sp('Labs').row(sid, [sid, l.at, 'CORRECTED - replaces previous row', ...vals], { noDuplicate: true });
      } else sp('Labs').row(sid, [sid, l.at, note, ...vals]);
    }
    const firstSlotHour = cy.slots[0]?.hour ?? 0;
    for (const u of urineBlocks(cy, 8, firstSlotHour % 8)) {
      const w = cy.weights.filter((x) => x.at <= u.at && x.at > u.at - 8 * 3_600_000).pop();
      const stool = cy.stools.find((x) => x.at === u.at)?.volumeMl ?? 0;
      sp('Fluids').row(sid, [sid, u.at, u.ml, stool, bolusInWindow(cy, u.at), w === undefined ? null : w.kg]);
    }
    for (const seg of cy.pressors) sp('Pressors').row(sid, [sid, 'Phenylephrine', seg.startAt, seg.endAt, seg.rate, 'mcg/kg/min']);
  }
  for (const t of tshDraws(pt, ctx.seed)) sp('Labs').row(sid, [sid, t.at, 'TSH only', ...LAB_COLS.map(([code]) => (code === 'tsh' ? t.value : null))]);
  for (const { event } of allEvents(pt)) sp('Events').row(sid, [sid, event.onsetAt, event.resolvedAt, EVENT_TEXT[event.type] ?? event.type, event.grade]);
  // The registry records each course's best response (not the scans); a patient who died before the scan has none.
  const fu = pt.followUp;
  for (const course of pt.courses)
    if (course.response.assessedAt <= fu.lastContactAt)
      sp('Response').row(sid, [sid, course.courseNumber, course.response.assessedAt, 'WHO', course.response.category]);
  sp('Follow-up').row(sid, [sid, fu.lastContactAt, fu.progressionAt, fu.deathAt, fu.deathCause === null ? null : CAUSE_TEXT[fu.deathCause]]);
}

async function closeXlsx(o: XlsxOut): Promise<void> {
  const { ctx, tz, fileName, spoolDir, specs, spools } = o;
  for (const s of spools.values()) s.sink.close();
  const path = join(ctx.dir, fileName);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: true,
    useSharedStrings: false,
    created: FIXED_DOC_TIME,
    modified: FIXED_DOC_TIME,
    creator: 'Summit Cytokine Program registry',
    lastModifiedBy: 'registry export',
  } as ConstructorParameters<typeof ExcelJS.stream.xlsx.WorkbookWriter>[0]);
  const notes = wb.addWorksheet('Notes');
  notes.getColumn(1).width = 110;
  notesText(ctx).forEach((line, i) => {
    const row = notes.addRow([line]);
    if (i === 0) row.font = { bold: true, size: 14 };
    row.commit();
  });
  await notes.commit();
  const bold = { bold: true };
  for (const spec of specs) {
    const ws = wb.addWorksheet(spec.name, { views: [{ state: 'frozen', ySplit: 2 }] });
    spec.cols.forEach((c, i) => {
      const col = ws.getColumn(i + 1);
      col.width = c.width ?? Math.max(10, c.name.length + 2);
    });
    const g = ws.addRow(spec.groups.flatMap(([label, span]) => [label, ...Array<string>(span - 1).fill('')]));
    g.font = bold;
    g.alignment = { horizontal: 'center' };
    let c0 = 1;
    for (const [, span] of spec.groups) {
      if (span > 1) ws.mergeCells(1, c0, 1, c0 + span - 1);
      c0 += span;
    }
    g.commit();
    const h = ws.addRow(spec.cols.map((c) => c.name));
    h.font = bold;
    h.commit();
    const lines = createInterface({ input: createReadStream(join(spoolDir, `${spec.name}.ndjson`), { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      const values = JSON.parse(line) as Value[];
      const row = ws.addRow(values.map((v, i) => toCell(v, spec.cols[i], tz)));
      spec.cols.forEach((c, i) => {
        if (c.numFmt !== undefined && values[i] !== null) row.getCell(i + 1).numFmt = c.numFmt;
      });
      row.commit();
    }
    await ws.commit();
  }
  await wb.commit();
  normaliseZipFile(path);
  rmSync(spoolDir, { recursive: true, force: true });
}

function toCell(v: Value, col: SheetCol | undefined, tz: string): string | number | Date | null {
  if (v === null || col === undefined) return null;
  if ((col.type === 'datetime' || col.type === 'date') && typeof v === 'number') {
    const d = localAsUtcDate(tz, v);
    return col.type === 'date' ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())) : d;
  }
  return v;
}

function notesText(ctx: WriterContext): string[] {
  const p = ctx.profile;
  return [
    `${p.name} — HD IL-2 registry export`,
    '',
    'Data as of 01-Jan-2024. One sheet per table; row 1 of each sheet groups the columns, row 2 names them.',
    `All dates and times are local (Mountain Time, ${p.timeZone}); no UTC offset is stored.`,
    `Regimen: aldesleukin ${p.doseIuPerKg.toLocaleString('en-US')} IU/kg IV q8h, max ${p.maxDosesPerCycle} doses per cycle; dosing weight capped at ` +
      `${p.dosingWeightCapKg ?? '—'} kg.`,
    'Patients are identified by Study ID (SCP-nnnnn); MRN is included for local reconciliation only.',
    'Doses sheet: Given/Held = Given, Held, Held - stop (no more doses this cycle), Missed (not given for a non-clinical reason).',
    'Doses sheet vitals are those charted at the scheduled dose time; Urine 8h = urine over the preceding 8 h.',
    `Labs are drawn daily at ${String(PHYSIOLOGY.labHourLocal).padStart(2, '0')}:00 during admission and once in clinic after discharge. Counts are x10^3/uL.`,
    'A corrected lab result is entered as a new row with Note "CORRECTED - replaces previous row"; the earlier row is kept.',
    'Fluids sheet: totals per 8-h shift ending at the time shown; Weight = morning weight in that shift, if taken.',
    'Response: WHO criteria, assessed about 4 weeks after each course.',
    'Follow-up: one row per patient: last contact (or death), first progression, death and its cause.',
  ];
}
