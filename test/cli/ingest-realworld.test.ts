// Shapes of real exports (issue 23), each in a few rows (test/fixtures/ingest/realworld), with the behaviour and
// exit code a data manager can rely on: no invented doses, orphans quarantined, zero patients stored fails,
// honest spec errors, and the row balance on every run (the manifest is parsed with its balance refinement).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunManifest } from '../../schemas/index.js';
import { il2kit } from '../helpers/cli.js';
import { queryStore } from '../helpers/store.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'realworld');
let root: string;
let dir: string;
let store: string;
let reports: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'il2kit-realworld-'));
  dir = join(root, 'realworld');
  store = join(root, 'store');
  reports = join(root, 'reports');
  cpSync(FIXTURE, dir, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const ingest = (...flags: string[]) => il2kit(['ingest', join(dir, 'spec.yaml'), '--store', store, '--reports', reports, ...flags]);
const editSpec = (from: string, to: string) => {
  const spec = readFileSync(join(dir, 'spec.yaml'), 'utf8');
  expect(spec).toContain(from);
  writeFileSync(join(dir, 'spec.yaml'), spec.replace(from, to));
};
const manifest = () => RunManifest.parse(JSON.parse(readFileSync(join(store, 'manifests', 'realworld.json'), 'utf8')));
const report = () => JSON.parse(readFileSync(join(reports, 'realworld', 'data-quality.json'), 'utf8')) as { derived_values: Record<string, number>; checks: { id: string; status: string; severity: string }[] };
const q = (sql: string) => queryStore(store, sql);

describe('no invented doses', () => {
  it('derives an empty EXDOSE only because the spec sets slots.derive_dose_iu, marks it derived and counts it (CLI, report, manifest)', async () => {
    const r = ingest();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('  derived values: dose_slot.dose_iu 1\n');
    const given = await q(`SELECT slot_number, dose_iu, dose_iu_source FROM dose_slot WHERE status = 'given' AND cycle_id LIKE '%c1.1' ORDER BY scheduled_at`);
    const sources = given.map((s) => s.dose_iu_source);
    expect(sources.filter((s) => s === 'derived')).toHaveLength(1);
    expect(sources.filter((s) => s === 'recorded')).toHaveLength(given.length - 1);
    expect(given.find((s) => s.dose_iu_source === 'derived')!.dose_iu).toBe(48_000_000);
    expect(await q(`SELECT count(*)::INTEGER AS n FROM dose_slot WHERE status <> 'given' AND (dose_iu IS NOT NULL OR dose_iu_source IS NOT NULL)`)).toEqual([{ n: 0 }]);
    expect(report().derived_values).toEqual({ 'dose_slot.dose_iu': 1 });
    expect(manifest().derived_values).toEqual({ 'dose_slot.dose_iu': 1 });
    expect(readFileSync(join(reports, 'realworld', 'data-quality.html'), 'utf8')).toContain('slots.derive_dose_iu');
  });

  it('without slots.derive_dose_iu a given dose with no EXDOSE stays given, with no dose and no source', async () => {
    editSpec('slots: { derive_dose_iu: true }\n', '');
    const r = ingest();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toContain('derived values');
    const empty = await q(`SELECT status, dose_iu, dose_iu_source FROM dose_slot WHERE status = 'given' AND dose_iu IS NULL`);
    expect(empty).toEqual([{ status: 'given', dose_iu: null, dose_iu_source: null }]);
    expect(report().derived_values).toEqual({});
  });
});

/** A CSV table of an analysis output as objects of strings (the kit's CSVs have no quoted commas in these columns). */
const csvRows = (file: string) => {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [head!.split(',')[i]!, v])));
};

describe('cumulative dose with given doses of unknown amount', () => {
  // RW-01 (80 kg): two doses of 48 MIU recorded, one given with EXDOSE empty. Summing only the known doses would read
  // 1.2 MIU/kg for a course that had 1.8: the course's cumulative dose is left empty instead, and every output says why.
  const rw01 = (rows: Record<string, string>[]) => rows.find((r) => r.doses_given === '3')!;

  it('doses: the course and the patient have no cumulative MIU/kg (not 1.2), the distribution leaves them out, and the notes count them', () => {
    editSpec('slots: { derive_dose_iu: true }\n', '');
    expect(ingest().code).toBe(0);
    const out = join(root, 'doses');
    const r = il2kit(['doses', '--store', store, '--out', out]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const note = 'realworld: 1 given dose(s) in 1 course(s) of 1 patient(s) have no recorded amount (dose_iu empty, and the spec does not set ' +
      'slots.derive_dose_iu): their cumulative MIU/kg is left empty (—) in course_doses and patient_cumulative';
    expect(r.stdout).toContain(`note: ${note}`);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain(note);
    expect(rw01(csvRows(join(out, 'course_doses.csv')))).toMatchObject({ doses_given: '3', miu_per_kg_given: '' });
    expect(rw01(csvRows(join(out, 'patient_cumulative.csv')))).toMatchObject({ doses_given: '3', miu_per_kg_given: '' });
    const dist = csvRows(join(out, 'course_distribution.csv')).filter((d) => d.course_number === '1' && d.centre_id === 'realworld');
    expect(dist.find((d) => d.measure === 'doses_given')).toMatchObject({ n_courses: '4' });
    expect(dist.find((d) => d.measure === 'miu_per_kg_given')).toMatchObject({ n_courses: '3', max: '1.2' });
  });

  it('doses: where the spec derives the empty dose (marked derived), the course has its full 1.8 MIU/kg and no note', () => {
    expect(ingest().code).toBe(0);
    const out = join(root, 'doses');
    const r = il2kit(['doses', '--store', store, '--out', out]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toContain('no recorded amount');
    expect(rw01(csvRows(join(out, 'course_doses.csv')))).toMatchObject({ doses_given: '3', miu_per_kg_given: '1.8' });
  });

  it('response: the course is left out of the cumulative-dose odds ratio (n_missing), with a note saying why', () => {
    editSpec('slots: { derive_dose_iu: true }\n', '');
    expect(ingest().code).toBe(0);
    const out = join(root, 'response');
    const r = il2kit(['response', '--store', store, '--out', out]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const note = '1 assessed course(s) include 1 given dose(s) with no recorded amount (dose_iu empty): their cumulative dose is not known';
    expect(r.stdout).toContain(note);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain(note);
    expect(rw01(csvRows(join(out, 'course_signals.csv')))).toMatchObject({ response: 'PR', miu_per_kg_given: '' });
    expect(csvRows(join(out, 'odds_ratios.csv')).find((o) => o.model === 'single' && o.signal === 'cumulative_dose')).toMatchObject({ n: '1', n_missing: '1' });
  });
});

describe('integrity across tables', () => {
  it('a patient outside the kit’s scope is quarantined naming the allowed values, and their dose rows and cycle follow as orphans', async () => {
    const r = ingest();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const patient = await q(`SELECT check_name, raw_value, message FROM quarantine WHERE table_name = 'patient'`);
    expect(patient).toEqual([
      { check_name: 'unmapped_code', raw_value: 'COLORECTAL CANCER', message: expect.stringMatching(/map it to one of rcc, melanoma only if it means one of them; otherwise the record stays quarantined/) },
    ]);
    const orphans = await q(`SELECT table_name, field, count(*)::INTEGER AS n FROM quarantine WHERE check_name = 'orphan' GROUP BY ALL ORDER BY ALL`);
    // RW-03's cycle (derived from the log) and its 15 grid slots (2 logged, 13 derived).
    expect(orphans).toEqual([{ table_name: 'cycle', field: 'patient_key', n: 1 }, { table_name: 'dose_slot', field: 'patient_key', n: 15 }]);
    expect(await q(`SELECT count(*)::INTEGER AS n FROM dose_slot d ANTI JOIN patient p USING (patient_key)`)).toEqual([{ n: 0 }]);
    const m = manifest();
    expect(m.tables.patient).toMatchObject({ read: 5, stored: 4, quarantined: 1 });
    expect(m.tables.cycle).toMatchObject({ derived: 5, stored: 4, quarantined: 1 });
    expect(report().checks.find((c) => c.id === 'references_stored_dose_slot')).toMatchObject({ status: 'failed', severity: 'warning' });
  });

  it('a run that stores no patient exits 1 and is not published', async () => {
    editSpec('renal cell carcinoma: rcc, melanoma: melanoma', 'kidney: rcc');
    const r = ingest();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/check table_stored_patient failed: .* — the spec maps patient but no patient row was stored/);
    expect(r.stdout).toMatch(/check quarantine_limit_dose_slot failed/);
    expect(r.stdout).toContain('NOT PUBLISHED');
    expect(r.stderr).not.toContain('    at ');
  });

  it('cycles the schema rejects after the grid was built take their dose slots with them (orphans), and the run exits 1', async () => {
    const spec = readFileSync(join(dir, 'spec.yaml'), 'utf8');
    writeFileSync(join(dir, 'CY.csv'), 'USUBJID,COURSE,CYCLE,ENDRSN\nRW-01,1,1,DONE\nRW-02,1,1,DONE\nRW-04,1,1,DONE\nRW-05,1,1,DONE\n');
    writeFileSync(
      join(dir, 'spec.yaml'),
      spec + `  - id: cy\n    file: CY.csv\n    format: csv\n    patient_id: USUBJID\n    tables:\n      - table: cycle\n        fields:\n          course_number: COURSE\n          cycle_number: CYCLE\n          end_reason: { from: ENDRSN, codes: { exact: { DONE: finished } } }\n`,
    );
    const r = ingest();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/check quarantine_limit_cycle failed/);
    expect(r.stdout).toMatch(/check quarantine_limit_dose_slot failed/);
    expect(r.stdout).toContain('cycle 4+1→0 (5 quarantined), dose_slot 10+65→0 (75 quarantined)');
  });
});

describe('honest specs and options', () => {
  it('ingest --all with a spec is a usage error (exit 2)', () => {
    const r = il2kit(['ingest', '--all', join(dir, 'spec.yaml'), '--store', store]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--all ingests the bundled samples and takes no spec');
  });

  it('ignore_codes on a table without variable codes is a spec error naming the line (exit 2)', () => {
    editSpec('          hold_reason_text: EXREASOC\n', '          hold_reason_text: EXREASOC\n        ignore_codes: [crp]\n');
    const r = ingest();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/spec\.yaml:\d+ sources\.1\.tables\.0\.ignore_codes — ignore_codes would leave nothing out: dose_slot has no variable codes/);
  });

  it('validate flags an identifier column by its values, as ingest does (BRTHDTC is not an identifier name)', () => {
    const file = join(root, 'patient.csv');
    writeFileSync(file, 'centre_id,patient_key,BRTHDTC\nrealworld,0123456789abcdef,1958-04-02\nrealworld,0123456789abcdee,1971-09-30\n');
    const r = il2kit(['validate', 'patient', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/column BRTHDTC — BRTHDTC looks like a direct patient identifier \(2 of 2 sampled values look like a birth date\) and must not be stored.*\[identifier\]/);
    expect(r.stdout).not.toContain('1958-04-02');
  });
});

describe('unit spellings a spec adds', () => {
  it('reads GI/L and THOU/uL as the units they stand for, keeps the spelling in unit_raw, and lists every spelling in the report', async () => {
    const r = ingest();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const obs = await q(`SELECT variable, value, unit, unit_raw FROM observation WHERE variable IN ('platelets', 'lymphocytes', 'granulocytes', 'eosinophils') ORDER BY observed_at, variable, value`);
    expect(obs).toEqual([
      { variable: 'eosinophils', value: 300, unit: '/uL', unit_raw: '10^3/µL' },
      { variable: 'granulocytes', value: 4000, unit: '/uL', unit_raw: 'x10^9/L' },
      { variable: 'lymphocytes', value: 1200, unit: '/uL', unit_raw: 'THOU/uL' },
      { variable: 'platelets', value: 210000, unit: '/uL', unit_raw: 'GI/L' },
      { variable: 'lymphocytes', value: 900, unit: '/uL', unit_raw: 'THOU/UL' },
      { variable: 'platelets', value: 180000, unit: '/uL', unit_raw: 'GI/L' },
    ]);
    const all = (JSON.parse(readFileSync(join(reports, 'realworld', 'data-quality.json'), 'utf8')) as { unit_spellings: { variable: string }[] }).unit_spellings;
    expect(all.map((u) => u.variable)).toEqual(['eosinophils', 'granulocytes', 'heart_rate', 'lymphocytes', 'lymphocytes', 'platelets', 'sbp', 'weight']);
    const units = all.filter((u) => !['heart_rate', 'sbp', 'weight'].includes(u.variable));
    expect(units).toEqual([
      { variable: 'eosinophils', unit_raw: '10^3/µL', unit: '/uL', values: 1, via_spec: null },
      { variable: 'granulocytes', unit_raw: 'x10^9/L', unit: '/uL', values: 1, via_spec: null },
      { variable: 'lymphocytes', unit_raw: 'THOU/UL', unit: '/uL', values: 1, via_spec: 'THOU/uL → 10^3/uL' },
      { variable: 'lymphocytes', unit_raw: 'THOU/uL', unit: '/uL', values: 1, via_spec: 'THOU/uL → 10^3/uL' },
      { variable: 'platelets', unit_raw: 'GI/L', unit: '/uL', values: 2, via_spec: 'GI/L → 10^9/L' },
    ]);
    expect(readFileSync(join(reports, 'realworld', 'data-quality.html'), 'utf8')).toContain('Unit spellings converted');
  });

  it('without the spelling, GI/L is quarantined as an unknown unit', async () => {
    editSpec('unit_spellings: { GI/L: 10^9/L, THOU/uL: 10^3/uL }\n', 'unit_spellings: { THOU/uL: 10^3/uL }\n');
    expect(ingest().code).toBe(0);
    expect(await q(`SELECT check_name, raw_value FROM quarantine WHERE table_name = 'observation' ORDER BY ALL`)).toEqual([
      { check_name: 'unknown_unit', raw_value: 'GI/L' },
      { check_name: 'unknown_unit', raw_value: 'GI/L' },
    ]);
  });

  it('a spelling for an unknown unit (a new factor) or redefining a known one is a spec error (exit 2)', () => {
    editSpec('unit_spellings: { GI/L: 10^9/L, THOU/uL: 10^3/uL }\n', 'unit_spellings: { GI/L: 10^12/L, mg/dL: umol/L }\n');
    const r = ingest();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unit_spellings\.GI\/L — 10\^12\/L is not a unit the kit knows; a spelling must stand for a known unit/);
    expect(r.stderr).toMatch(/unit_spellings\.mg\/dL — mg\/dL is already a known unit \(creatinine, bun, bilirubin\); a spelling cannot redefine it/);
  });
});

describe('best response from dated assessments', () => {
  it('one RS row per visit: every assessment is kept, and the best response is not the last visit’s (exit 0)', async () => {
    const r = ingest();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('response 0+2→2, response_assessment 6→6');
    const per = await q(`SELECT count(*)::INTEGER AS n FROM response_assessment`);
    expect(per).toEqual([{ n: 6 }]);
    const local = `strftime(timezone('Europe/Amsterdam', assessed_at), '%Y-%m-%d')`;
    const best = await q(`SELECT best_overall_response AS bor, confirmed, ${local} AS at FROM response ORDER BY bor DESC`);
    expect(best).toEqual([
      // SD, PR, PR 28 days later (confirmed), SD: PR, not the last visit's SD.
      { bor: 'PR', confirmed: true, at: '2023-12-11' },
      // PD, then CR: RECIST stops at the first progression, so PD, not the last visit's CR.
      { bor: 'PD', confirmed: null, at: '2023-12-04' },
    ]);
  });
});

describe('infusion rate units go through the same spellings', () => {
  // "gamma" is how some ICUs write ug/kg/min; the kit does not know it, so the spec must say what it stands for.
  const addInfusions = (spellings: string | null) => {
    writeFileSync(join(dir, 'IN.csv'), 'USUBJID,AGENT,START,STOP,RATE,RATEU\nRW-01,PHENYLEPHRINE,2023-10-02T10:00,2023-10-02T12:00,0.5,GAMMA\n');
    const spec = readFileSync(join(dir, 'spec.yaml'), 'utf8').replace('THOU/uL: 10^3/uL }', `THOU/uL: 10^3/uL${spellings === null ? '' : `, ${spellings}`} }`);
    writeFileSync(
      join(dir, 'spec.yaml'),
      spec +
        '  - id: in\n    file: IN.csv\n    format: csv\n    patient_id: USUBJID\n    tables:\n      - table: infusion\n        fields:\n' +
        '          agent: { from: AGENT, codes: { ci: { PHENYLEPHRINE: phenylephrine } } }\n          start_at: START\n          end_at: STOP\n' +
        '          rate: { from: RATE, unit_from: RATEU }\n',
    );
  };

  it('a pressor rate in a spelling the spec adds is read as the unit it stands for, and the report lists it', async () => {
    addInfusions('gamma: mcg/kg/min');
    const r = ingest();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const stored = await q(`SELECT agent, rate, rate_unit, unit_raw FROM infusion`);
    expect(stored).toEqual([{ agent: 'phenylephrine', rate: 0.5, rate_unit: 'ug/kg/min', unit_raw: 'GAMMA' }]);
    const dq = JSON.parse(readFileSync(join(reports, 'realworld', 'data-quality.json'), 'utf8')) as { unit_spellings: { variable: string }[] };
    expect(dq.unit_spellings.find((u) => u.variable === 'phenylephrine')).toEqual({
      variable: 'phenylephrine', unit_raw: 'GAMMA', unit: 'ug/kg/min', values: 1, via_spec: 'gamma → mcg/kg/min',
    });
  });

  it('without the spelling the rate is quarantined as an unknown unit, with the message an observation gets', async () => {
    addInfusions(null);
    // The only infusion row quarantined is over the table's error limit: the run exits 1 and is not published.
    const r = ingest();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/check quarantine_limit_infusion failed/);
    expect(ingest('--accept-failed-checks').code).toBe(0);
    const rows = await q(`SELECT field, check_name, raw_value, message FROM quarantine WHERE table_name = 'infusion'`);
    const message = /^phenylephrine: unit "GAMMA" is not known for vasopressor \(known: ug\/kg\/min, .*\); add the unit to the unit table or fix the export$/;
    expect(rows).toEqual([{ field: 'rate', check_name: 'unknown_unit', raw_value: '0.5 GAMMA', message: expect.stringMatching(message) }]);
  });

  it('a fixed rate unit is checked through the spellings: unknown without one is a spec error (exit 2), accepted with one', () => {
    addInfusions(null);
    editSpec('rate: { from: RATE, unit_from: RATEU }', 'rate: { from: RATE, unit: gamma }');
    const r = ingest();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rate\.unit — unit gamma cannot be converted to ug\/kg\/min or mL\/h/);
    editSpec('THOU/uL: 10^3/uL }', 'THOU/uL: 10^3/uL, gamma: ug/kg/min }');
    expect(ingest().code).toBe(0);
  });
});

describe('dose units go through the same spellings', () => {
  it('a dose whose unit column says mg is refused, not read as IU; IU and a spelling of it the spec adds are read', async () => {
    const ex = readFileSync(join(dir, 'EX.csv'), 'utf8').trim().split('\n');
    const units = ['EXDOSU', 'IU', 'mg', 'INTERNATIONAL UNIT', ...ex.slice(4).map(() => 'IU')];
    writeFileSync(join(dir, 'EX.csv'), ex.map((l, i) => `${l},${units[i]}`).join('\n') + '\n');
    editSpec('          dose_iu: EXDOSE\n', '          dose_iu: { from: EXDOSE, unit_from: EXDOSU }\n');
    editSpec('THOU/uL: 10^3/uL }', "THOU/uL: 10^3/uL, 'INTERNATIONAL UNIT': IU }");
    expect(ingest('--accept-failed-checks').code).toBe(0);
    const rows = await q(`SELECT field, check_name, raw_value, message FROM quarantine WHERE table_name = 'dose_slot' AND check_name = 'unknown_unit'`);
    const message = 'dose_iu: unit "mg" is not known for dose_iu (known: IU); add the unit to the unit table or fix the export';
    expect(rows).toEqual([{ field: 'dose_iu', check_name: 'unknown_unit', raw_value: 'mg', message }]);
  });

  it('a fixed unit that is not the field’s, or a unit on a field that has none, is a spec error (exit 2)', () => {
    editSpec('          dose_iu: EXDOSE\n', '          dose_iu: { from: EXDOSE, unit: MIU }\n          hold_reason_text: { from: EXREASOC, unit: mg }\n');
    editSpec('          hold_reason_text: EXREASOC\n', '');
    const r = ingest();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/fields\.dose_iu\.unit — unit "MIU" is not known for dose_iu \(known: IU\); nothing is converted/);
    expect(r.stderr).toMatch(/fields\.hold_reason_text — dose_slot\.hold_reason_text has no unit to read: remove unit\/unit_from/);
  });
});

describe('dates as real exports write them', () => {
  it('stores 2003, 2003-07 and date-only values with their precision, as the start of the period in the centre’s zone, and counts them', async () => {
    const r = ingest();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const events = await q(`SELECT event_type, strftime(onset_at, '%Y-%m-%dT%H:%M') AS onset, onset_precision FROM clinical_event ORDER BY onset_at`);
    expect(events).toEqual([
      { event_type: 'vitiligo', onset: '2022-12-31T23:00', onset_precision: 'year' }, // 2023-01-01 00:00 in Amsterdam
      { event_type: 'hypothyroidism', onset: '2023-11-30T23:00', onset_precision: 'month' },
      { event_type: 'atrial_fibrillation', onset: '2024-01-08T09:00', onset_precision: 'minute' },
    ]);
    const weight = await q(`SELECT strftime(observed_at, '%Y-%m-%dT%H:%M') AS at, observed_precision FROM observation WHERE variable = 'weight'`);
    expect(weight).toEqual([{ at: '2023-10-31T23:00', observed_precision: 'month' }]);
    const m = manifest();
    expect(m.imputed_dates).toEqual({ 'observation.observed_at': { day: 3, month: 1 }, 'clinical_event.onset_at': { month: 1, year: 1 } });
    expect(readFileSync(join(reports, 'realworld', 'data-quality.html'), 'utf8')).toContain('3 values given as a day only: stored as the start of that day');
  });

  it('keeps three date-only readings at one visit as separate readings in their order (VSTPTNUM), not as duplicates', async () => {
    expect(ingest().code).toBe(0);
    const sbp = await q(`SELECT strftime(observed_at, '%Y-%m-%dT%H:%M') AS at, observed_precision, reading_number, value FROM observation WHERE variable = 'sbp' ORDER BY reading_number`);
    expect(sbp).toEqual([
      { at: '2023-10-01T22:00', observed_precision: 'day', reading_number: 1, value: 118 },
      { at: '2023-10-01T22:00', observed_precision: 'day', reading_number: 2, value: 112 },
      { at: '2023-10-01T22:00', observed_precision: 'day', reading_number: 3, value: 109 },
    ]);
    expect(await q(`SELECT count(*)::INTEGER AS n FROM quarantine WHERE table_name = 'observation'`)).toEqual([{ n: 0 }]);
  });

  it('holds counts the rule-variable values that have a date but no time: they decide no dose slot (exit 0)', () => {
    expect(ingest().code).toBe(0);
    const out = join(root, 'holds');
    const r = il2kit(['holds', '--store', store, '--out', out]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const note = 'realworld: 4 value(s) of rule variables have a date but no time (sbp 3 (day), weight 1 (month)); they decide no dose slot';
    expect(r.stdout).toContain(`note: ${note}`);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain(note);
  });

  it('without the reading order, the later readings of one day replace the earlier ones (superseded), as before', async () => {
    editSpec('          reading_number: VSTPTNUM\n', '');
    expect(ingest().code).toBe(0);
    expect(await q(`SELECT check_name, count(*)::INTEGER AS n FROM quarantine WHERE table_name = 'observation' GROUP BY 1`)).toEqual([{ check_name: 'superseded', n: 2 }]);
  });
});
