// Each centre's export is in its own format, and the five differ in the ways the issue lists.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { OBSERVATION_VARIABLES } from '../../schemas/vocabularies.js';
import { FHIR_RESOURCE_TYPES } from '../../simulate/writers/fhir-ndjson.js';
import { tzOffsetMinutes } from '../../simulate/time.js';

const DS = new URL('../../data-samples/', import.meta.url).pathname;
const text = (p: string, enc: BufferEncoding = 'utf8'): string => readFileSync(join(DS, p), enc);
/** Files the simulator wrote (centre folders may also hold hand-written mapping specs). */
const exported = (dir: string): string[] => readdirSync(join(DS, dir)).filter((f) => !f.startsWith('mapping.')).sort();
const lines = (p: string, enc: BufferEncoding = 'utf8'): string[] => text(p, enc).split(/\r?\n/).filter((l) => l !== '');
/** Minimal CSV split (quotes with doubled quotes), enough to inspect the samples. */
function splitCsv(line: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
function table(p: string, sep: string, enc: BufferEncoding = 'utf8'): Record<string, string>[] {
  const [head, ...rows] = lines(p, enc);
  const cols = splitCsv(head ?? '', sep);
  return rows.map((r) => Object.fromEntries(splitCsv(r, sep).map((v, i) => [cols[i] ?? `c${i}`, v])));
}
function truth(centre: string, file: string): Record<string, string>[] {
  return table(`_truth/${centre}/${file}`, ',');
}

describe('riverside: wide per-dose flowsheet CSV', () => {
  const rows = table('riverside/riverside_dose_flowsheet.csv', ',');
  it('comma-separated, CRLF, US dates, °F, one row per scheduled dose with vitals at dosing time', () => {
    expect(text('riverside/riverside_dose_flowsheet.csv')).toContain('\r\n');
    const head = lines('riverside/riverside_dose_flowsheet.csv')[0] ?? '';
    for (const c of ['MRN', 'DOSE_NO', 'SCHED_DATE', 'STATUS', 'SBP', 'HR', 'TEMP_F', 'NEO_AT_DOSE_MCG_KG_MIN', 'UOP_8H_ML'])
      expect(head.split(',')).toContain(c);
    expect(rows.every((r) => /^\d\d\/\d\d\/\d{4}$/.test(r.SCHED_DATE ?? ''))).toBe(true);
    const temps = rows.map((r) => Number(r.TEMP_F)).filter((t) => t > 0 && t < 200);
    expect(Math.min(...temps)).toBeGreaterThan(95);
    // every cycle in the truth has all 15 slots in the flowsheet (duplicates aside)
    const keys = new Set(rows.map((r) => `${r.MRN}/${r.COURSE}/${r.CYCLE}/${r.DOSE_NO}`));
    expect(keys.size).toBe(truth('riverside', 'slots.csv').length);
  });
  it('labs, drips, events and response come as separate files', () => {
    expect(exported('riverside')).toEqual(['riverside_dose_flowsheet.csv', 'riverside_drips.csv', 'riverside_events.csv',
      'riverside_followup.csv', 'riverside_labs.csv', 'riverside_patients.csv', 'riverside_response.csv']);
  });
});

describe('lakeshore: long EHR extracts', () => {
  it('MAR with free-text hold reasons, hourly vitals with BP as "112/68", labs one row per component, I/O', () => {
    const mar = table('lakeshore/lakeshore_mar.csv', ',');
    expect(lines('lakeshore/lakeshore_mar.csv')[1]?.startsWith('"')).toBe(true);
    const il2 = mar.filter((r) => (r.MED_NAME ?? '').includes('ALDESLEUKIN'));
    expect(il2.some((r) => /^held - /.test(r.MAR_COMMENT ?? ''))).toBe(true);
    expect(il2.some((r) => /not given|refused|declined/i.test(r.MAR_COMMENT ?? ''))).toBe(true);
    expect(mar.some((r) => r.MAR_ACTION === 'Rate Change' || r.MAR_ACTION === 'New Bag')).toBe(true);
    const vitals = table('lakeshore/lakeshore_vitals.csv', ',');
    const bp = vitals.filter((r) => r.FLO_MEAS_NAME === 'BP' && r.MEAS_VALUE !== '');
    expect(bp.length).toBeGreaterThan(1000);
    expect(bp.filter((r) => /^\d{2,3}\/\d{2,3}$/.test(r.MEAS_VALUE ?? '')).length / bp.length).toBeGreaterThan(0.99);
    // hourly BP within one encounter
    const one = bp.filter((r) => r.PAT_ENC_CSN_ID === bp[0]?.PAT_ENC_CSN_ID).map((r) => Date.parse(`${r.RECORDED_TIME?.replace(' ', 'T')}Z`));
    expect(one[1]! - one[0]!).toBe(3_600_000);
    expect(bp.every((r) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(r.RECORDED_TIME ?? ''))).toBe(true);
    const labs = table('lakeshore/lakeshore_labs.csv', ',');
    expect(new Set(labs.map((r) => r.COMPONENT_NAME?.trim().toUpperCase()))).toContain('CREATININE');
    expect(labs.some((r) => r.LAB_STATUS === 'Edited Result - FINAL')).toBe(true);
    const io = table('lakeshore/lakeshore_io.csv', ',');
    expect(new Set(io.map((r) => r.IO_TYPE?.trim()))).toContain('Urine');
  });
});

describe('summit: Excel workbook', () => {
  it('one sheet per table after a notes sheet, merged group-header rows, real date cells', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(DS, 'summit/summit_hdil2_registry.xlsx'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Notes', 'Patients', 'Cycles', 'Doses', 'Vitals',
      'Labs', 'Fluids', 'Pressors', 'Events', 'Response', 'Follow-up']);
    expect(String(wb.getWorksheet('Notes')?.getCell('A1').value)).toContain('HD IL-2');
    const doses = wb.getWorksheet('Doses');
    expect(doses).toBeDefined();
    if (doses === undefined) return;
    expect(doses.getCell('A1').value).toBe('Dose');
    expect(doses.getCell('B1').isMerged).toBe(true);
    expect(doses.getCell('A2').value).toBe('Study ID');
    expect(doses.getCell('E3').value).toBeInstanceOf(Date);
    expect(wb.created.toISOString()).toBe('2024-01-01T00:00:00.000Z');
  });
});

describe('amstel: European CSV', () => {
  it('Latin-1, semicolons, decimal commas, day-first dates, SI units, phenylephrine in mcg/min', () => {
    const raw = readFileSync(join(DS, 'amstel/amstel_lab.csv'));
    expect(raw.includes(Buffer.from([0xb5]))).toBe(true); // µ as one Latin-1 byte
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(raw)).toThrow();
    const lab = table('amstel/amstel_lab.csv', ';', 'latin1');
    expect(lines('amstel/amstel_lab.csv', 'latin1')[0]).toBe('Patiëntnummer;Afnamedatum;Bepaling;Uitslag;Eenheid;Status');
    const kreat = lab.filter((r) => r.Bepaling === 'Kreatinine');
    expect(kreat.every((r) => r.Eenheid === 'µmol/L')).toBe(true);
    expect(lab.filter((r) => r.Bepaling === 'Trombocyten').every((r) => r.Eenheid === '10^9/L')).toBe(true);
    expect(lab.every((r) => /^\d\d-\d\d-\d{4} \d\d:\d\d$/.test(r.Afnamedatum ?? ''))).toBe(true);
    const met = table('amstel/amstel_metingen.csv', ';', 'latin1');
    expect(met.some((r) => r.Eenheid === '°C' && /^\d\d,\d$/.test(r.Waarde ?? ''))).toBe(true);
    const med = table('amstel/amstel_medicatie.csv', ';', 'latin1');
    expect(med.filter((r) => r.Middel === 'Fenylefrine').every((r) => r.Eenheid === 'mcg/min')).toBe(true);
    expect(text('amstel/amstel_lab.csv', 'latin1')).toContain('\r\n');
  });
  it('a daylight-saving change falls inside a cycle (Europe/Amsterdam)', () => {
    const cycles = truth('amstel', 'cycles.csv');
    const crossing = cycles.filter((c) => tzOffsetMinutes('Europe/Amsterdam', Date.parse(c.first_slot_at ?? ''))
      !== tzOffsetMinutes('Europe/Amsterdam', Date.parse(c.last_dose_at || c.first_slot_at || '')));
    // One crossing in the 30-patient sample (autumn 2021); both transitions' local times are tested in
    // test/pipelines/map/datetime.test.ts.
    expect(crossing.length).toBeGreaterThanOrEqual(1);
  });
});

describe('harbour: FHIR R4 bulk export (NDJSON per resource type)', () => {
  const res = Object.fromEntries(FHIR_RESOURCE_TYPES.map((t) => [t,
    lines(`harbour/${t}.ndjson`).map((l) => JSON.parse(l) as Record<string, any>)])) as Record<string, Record<string, any>[]>;
  const ID = /^[A-Za-z0-9\-.]{1,64}$/;
  const DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
  it('one file per resource type; every line is that type with a valid id', () => {
    expect(exported('harbour')).toEqual([...FHIR_RESOURCE_TYPES].map((t) => `${t}.ndjson`).sort());
    for (const t of FHIR_RESOURCE_TYPES) for (const r of res[t] ?? []) {
      expect(r.resourceType).toBe(t);
      expect(r.id).toMatch(ID);
    }
  });
  it('required elements, value sets and references (R4 definitions for the fields used)', () => {
    const patients = new Set((res.Patient ?? []).map((p) => `Patient/${p.id}`));
    const encounters = new Set((res.Encounter ?? []).map((e) => `Encounter/${e.id}`));
    for (const p of res.Patient ?? []) {
      expect(['male', 'female', 'other', 'unknown']).toContain(p.gender);
      expect(p.birthDate).toMatch(/^\d{4}-\d\d-\d\d$/);
      expect(p.identifier[0].value).toBeTruthy();
      if (p.deceasedDateTime !== undefined) expect(p.deceasedDateTime).toMatch(DATETIME);
    }
    for (const e of res.Encounter ?? []) {
      expect(['planned', 'arrived', 'triaged', 'in-progress', 'onleave', 'finished', 'cancelled', 'entered-in-error', 'unknown']).toContain(e.status);
      expect(e.class.code).toBe('IMP');
      expect(patients.has(e.subject.reference)).toBe(true);
      expect(e.period.start).toMatch(DATETIME);
    }
    for (const m of res.MedicationAdministration ?? []) {
      expect(['in-progress', 'not-done', 'on-hold', 'completed', 'entered-in-error', 'stopped', 'unknown']).toContain(m.status);
      expect(m.medicationCodeableConcept ?? m.medicationReference).toBeDefined();
      expect(patients.has(m.subject.reference)).toBe(true);
      expect(encounters.has(m.context.reference)).toBe(true);
      expect(m.effectiveDateTime ?? m.effectivePeriod?.start).toMatch(DATETIME);
      if (m.status === 'not-done') expect(m.statusReason[0].text.trim()).not.toBe('');
      if (m.dosage?.rateQuantity) expect(m.dosage.rateQuantity.code).toBe('ug/kg/min');
    }
    expect((res.MedicationAdministration ?? []).some((m) => m.status === 'not-done')).toBe(true);
    const loincs = new Set(Object.values(OBSERVATION_VARIABLES).map((v) => v.loinc));
    for (const o of res.Observation ?? []) {
      expect(['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error', 'unknown']).toContain(o.status);
      expect(patients.has(o.subject.reference)).toBe(true);
      if (o.encounter) expect(encounters.has(o.encounter.reference)).toBe(true);
      const coding = o.code.coding[0];
      if (coding.system === 'http://loinc.org') {
        // 85354-9 BP panel; 75186-7 vital status and 79378-6 cause of death (follow-up)
        expect(loincs.has(coding.code) || ['85354-9', '75186-7', '79378-6'].includes(coding.code)).toBe(true);
        const v = Object.values(OBSERVATION_VARIABLES).find((x) => x.loinc === coding.code);
        if (o.valueQuantity && v) {
          expect(o.valueQuantity.system).toBe('http://unitsofmeasure.org');
          expect(o.valueQuantity.code).toBe(v.unit);
        }
        if (!o.valueQuantity && !o.component && !o.valueCodeableConcept) expect(o.dataAbsentReason).toBeDefined();
      }
      expect(o.effectiveDateTime ?? o.effectivePeriod?.end).toMatch(DATETIME);
    }
    for (const c of res.Condition ?? []) {
      expect(patients.has(c.subject.reference)).toBe(true);
      expect(c.clinicalStatus.coding[0].code).toMatch(/^(active|resolved)$/);
    }
  });
});

describe('the five formats differ, and identifiers and truth line up', () => {
  it('separator, encoding and container differ by centre', () => {
    expect(lines('riverside/riverside_patients.csv')[0]).toContain(',');
    expect(lines('amstel/amstel_patienten.csv', 'latin1')[0]).toContain(';');
    expect(lines('amstel/amstel_patienten.csv', 'latin1')[0]).not.toContain(',');
    expect(readFileSync(join(DS, 'summit/summit_hdil2_registry.xlsx')).subarray(0, 2).toString()).toBe('PK');
    expect(() => JSON.parse(lines('harbour/Patient.ndjson')[0] ?? '')).not.toThrow();
  });
  it('exports carry local identifiers (MRN, name, birth date) matching the truth ids', () => {
    const ids = (c: string): Set<string> => new Set(truth(c, 'patients.csv').map((r) => r.patient_local_id ?? ''));
    expect(new Set(table('riverside/riverside_patients.csv', ',').map((r) => r.MRN))).toEqual(ids('riverside'));
    const lk = table('lakeshore/lakeshore_patients.csv', ',');
    expect(new Set(lk.map((r) => r.PAT_MRN_ID))).toEqual(ids('lakeshore'));
    expect(lk.every((r) => /^[A-Z' -]+, [A-Z' -]+$/.test(r.PAT_NAME ?? ''))).toBe(true);
    expect(new Set(table('amstel/amstel_patienten.csv', ';', 'latin1').map((r) => r['Patiëntnummer']))).toEqual(ids('amstel'));
    expect(new Set(lines('harbour/Patient.ndjson').map((l) => JSON.parse(l).identifier[0].value))).toEqual(ids('harbour'));
  });
  it('truth is kept apart and agrees with the exports (given doses per patient)', () => {
    for (const c of ['riverside', 'lakeshore', 'summit', 'amstel', 'harbour']) expect(exported(c).some((f) => /truth|slots|imperfection/.test(f))).toBe(false);
    const given = new Map<string, number>();
    for (const s of truth('riverside', 'slots.csv'))
      if (s.status === 'given') given.set(s.patient_local_id ?? '', (given.get(s.patient_local_id ?? '') ?? 0) + 1);
    const seen = new Set<string>();
    const fromExport = new Map<string, number>();
    for (const r of table('riverside/riverside_dose_flowsheet.csv', ',')) {
      const k = `${r.MRN}/${r.COURSE}/${r.CYCLE}/${r.DOSE_NO}`;
      if (seen.has(k)) continue;
      seen.add(k);
      if (r.STATUS?.trim().toLowerCase() === 'given') fromExport.set(r.MRN ?? '', (fromExport.get(r.MRN ?? '') ?? 0) + 1);
    }
    expect(fromExport).toEqual(given);
  });
  it('every documented imperfection kind occurs and is logged in the truth', () => {
    const kinds = new Set<string>();
    for (const c of ['riverside', 'lakeshore', 'summit', 'amstel', 'harbour']) for (const r of truth(c, 'imperfections.csv')) kinds.add(r.kind ?? '');
    expect([...kinds].sort()).toEqual(['duplicate_row', 'late_correction', 'missing', 'out_of_range_typo', 'whitespace_case']);
  });
});
