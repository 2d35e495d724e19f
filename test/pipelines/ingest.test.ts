import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ingestCentre, type IngestResult } from '../../pipelines/ingest.js';
import { queryStore } from '../helpers/store.js';
import { patientKey, SAMPLE_KEY } from '../../pipelines/map/pseudonymise.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'mini');
let dir: string;
let store: string;

beforeEach(() => {
  const root = mkdtempSync(join(tmpdir(), 'il2kit-ingest-'));
  dir = join(root, 'mini');
  store = join(root, 'store');
  cpSync(FIXTURE, dir, { recursive: true });
});

const spec = () => join(dir, 'spec.yaml');
const edit = (file: string, f: (s: string) => string) => writeFileSync(join(dir, file), f(readFileSync(join(dir, file), 'utf8')));
const env = {}; // no IL2KIT_* variables: the spec's samples flag allows the sample key

const query = (sql: string) => queryStore(store, sql);

function balanced(r: IngestResult) {
  for (const [t, c] of Object.entries(r.counts)) expect(c.read + c.derived, t).toBe(c.stored + c.quarantined + c.merged);
}

function storeHashes(): Record<string, string> {
  const out: Record<string, string> = {};
  const parquet = (readdirSync(join(store, 'parquet'), { recursive: true }) as string[]).filter((p) => p.endsWith('.parquet')).map((p) => `parquet/${p}`);
  for (const f of ['il2kit.duckdb', ...parquet]) out[f] = createHash('sha256').update(readFileSync(join(store, f))).digest('hex');
  return out;
}

describe('ingest of a small centre', () => {
  it('maps, converts units and times, pseudonymises, and accounts for every row', async () => {
    const r = await ingestCentre(spec(), { storeDir: store, env });
    balanced(r);
    expect(r.counts.dose_slot).toEqual({ read: 11, derived: 21, merged: 0, stored: 30, quarantined: 2 });
    expect(r.counts.observation).toEqual({ read: 25, derived: 0, merged: 0, stored: 21, quarantined: 4 });
    const key = patientKey(SAMPLE_KEY, 'mini', 'A001');
    const obs = await query(`SELECT variable, value, unit, value_raw, unit_raw, strftime(observed_at, '%Y-%m-%dT%H:%M') AS t
          FROM observation WHERE patient_key = '${key}' ORDER BY t, variable`);
    // 25-03-2024 06:00 Amsterdam (CET, UTC+1) = 05:00 UTC; 88 µmol/L creatinine, to the µmol/L, stands for
    // 0.990–1.001 mg/dL: stored at the precision the source reported as 1 mg/dL (pipelines/map/units.ts)
    expect(obs).toContainEqual({ variable: 'creatinine', value: 1, unit: 'mg/dL', value_raw: '88', unit_raw: 'µmol/L', t: '2024-03-25T05:00' });
    expect(obs).toContainEqual({ variable: 'platelets', value: 95000, unit: '/uL', value_raw: '95', unit_raw: '10^9/L', t: '2024-03-26T05:00' });
    expect(obs).toContainEqual({ variable: 'dbp', value: 68, unit: 'mm[Hg]', value_raw: '112/68', unit_raw: 'mmHg', t: '2024-03-25T07:00' });
    expect(obs).toContainEqual({ variable: 'temperature', value: 38.9, unit: 'Cel', value_raw: '38,9', unit_raw: '°C', t: '2024-03-25T10:00' });
    const inf = await query(`SELECT rate, rate_unit, value_raw, unit_raw FROM infusion WHERE patient_key = '${key}'`);
    expect(inf).toEqual([{ rate: 0.6068, rate_unit: 'ug/kg/min', value_raw: '50', unit_raw: 'mcg/min' }]); // 50 mcg/min ÷ 82.4 kg
    const slots = await query(`SELECT slot_number, status, hold_reason_codes FROM dose_slot WHERE patient_key = '${key}' ORDER BY slot_number`);
    expect(slots.slice(0, 7)).toEqual([
      { slot_number: 1, status: 'given', hold_reason_codes: [] },
      { slot_number: 2, status: 'given', hold_reason_codes: [] },
      { slot_number: 3, status: 'held', hold_reason_codes: ['hypotension'] },
      { slot_number: 4, status: 'skipped', hold_reason_codes: ['line_issue'] },
      { slot_number: 5, status: 'given', hold_reason_codes: [] },
      { slot_number: 6, status: 'held', hold_reason_codes: ['tachycardia', 'oliguria'] },
      { slot_number: 7, status: 'not_reached', hold_reason_codes: [] },
    ]);
    const cyc = await query(`SELECT end_reason, dosing_weight_kg FROM cycle WHERE patient_key = '${key}'`);
    expect(cyc).toEqual([{ end_reason: 'toxicity_stop', dosing_weight_kg: 82.4 }]);
  });

  it('never stores a local id, name or birth date', async () => {
    await ingestCentre(spec(), { storeDir: store, env });
    for (const t of ['patient', 'cycle', 'dose_slot', 'observation', 'infusion', 'quarantine']) {
      const dump = JSON.stringify(await query(`SELECT * FROM ${t}`));
      for (const id of ['A001', 'A002', 'Jansen', 'Pieters', '1961', '12-05']) expect(dump, `${t} holds ${id}`).not.toContain(id);
    }
    const p = await query('SELECT age_at_first_dose FROM patient ORDER BY age_at_first_dose');
    expect(p).toEqual([{ age_at_first_dose: 53 }, { age_at_first_dose: 62 }]);
  });

  it('quarantines bad rows with file, row, column, raw value, check and message', async () => {
    await ingestCentre(spec(), { storeDir: store, env });
    const q = await query('SELECT table_name, source_file, source_row, field, raw_value, check_name, message FROM quarantine ORDER BY record_id');
    expect(q).toContainEqual(expect.objectContaining({ source_file: 'doses.csv', source_row: 9, check_name: 'duplicate' }));
    expect(q).toContainEqual(
      expect.objectContaining({
        source_file: 'doses.csv', source_row: 10, check_name: 'superseded', message: expect.stringContaining('row 11'),
      }),
    );
    expect(q).toContainEqual(
      expect.objectContaining({
        source_file: 'vitals.csv', source_row: 4, field: 'observed_at', check_name: 'dst_gap',
        message: expect.stringContaining('does not exist in Europe/Amsterdam'),
      }),
    );
    expect(q).toContainEqual(
      expect.objectContaining({
        source_file: 'labs.csv', source_row: 5, field: 'unit', raw_value: 'mmol/mol', check_name: 'unknown_unit',
      }),
    );
    expect(q).toContainEqual(
      expect.objectContaining({
        source_file: 'labs.csv', source_row: 6, field: 'variable', raw_value: 'Natrium', check_name: 'unmapped_code',
      }),
    );
  });

  it('re-ingesting replaces the centre’s rows, never duplicates, and gives identical contents', async () => {
    const a = await ingestCentre(spec(), { storeDir: store, env });
    const first = await query('SELECT * FROM observation ORDER BY ALL');
    const hashes = storeHashes();
    const b = await ingestCentre(spec(), { storeDir: store, env });
    expect(b.counts).toEqual(a.counts);
    expect(await query('SELECT * FROM observation ORDER BY ALL')).toEqual(first);
    const again = storeHashes();
    expect(Object.keys(hashes).filter((f) => f.endsWith('.parquet')).length).toBe(11);
    for (const f of Object.keys(hashes).filter((f) => f.endsWith('.parquet'))) expect(again[f], f).toBe(hashes[f]);
  });

  it('the same id maps to another key under another secret key', async () => {
    await ingestCentre(spec(), { storeDir: store, env: { IL2KIT_PSEUDONYM_KEY: 'a-centre-secret-key-0123456789' } });
    const keys = (await query('SELECT patient_key FROM patient')).map((r) => r.patient_key);
    expect(keys).not.toContain(patientKey(SAMPLE_KEY, 'mini', 'A001'));
    expect(keys).toContain(patientKey('a-centre-secret-key-0123456789', 'mini', 'A001'));
  });
});

async function fails(pattern: RegExp) {
  await expect(ingestCentre(spec(), { storeDir: store, env })).rejects.toThrow(pattern);
}

describe('bad input', () => {
  it('leaves the previous store untouched when a run fails', async () => {
    await ingestCentre(spec(), { storeDir: store, env });
    const before = storeHashes();
    writeFileSync(join(dir, 'labs.csv'), '');
    await fails(/labs\.csv: the file is empty/);
    expect(storeHashes()).toEqual(before);
  });

  it('header only', async () => {
    edit('labs.csv', (s) => s.split('\n')[0] + '\n');
    await fails(/labs\.csv: the file has a header but no data rows\. Re-export it/);
  });

  it('truncated last line inside quotes, and a short last line', async () => {
    edit('vitals.csv', (s) => s + 'A002;"25-03-2024 13:00;11');
    await fails(/vitals\.csv \(line 8\): a quoted field is never closed/);
  });

  it('a short (truncated) last line is quarantined, not lost', async () => {
    edit('vitals.csv', (s) => s + 'A002;25-03-2024 13:00\n');
    const r = await ingestCentre(spec(), { storeDir: store, env });
    balanced(r);
    const q = await query("SELECT source_row, check_name FROM quarantine WHERE check_name = 'row_shape'");
    expect(q).toEqual([{ source_row: 7, check_name: 'row_shape' }]);
  });

  it('wrong delimiter', async () => {
    edit('labs.csv', (s) => s.replace(/;/g, ','));
    await fails(/labs\.csv \(header\): the header is one column although it contains ",": the delimiter looks wrong.*Set delimiter: ","/);
  });

  it('a column with mixed units converts row by row', async () => {
    edit('labs.csv', (s) => s + 'A002;26-03-2024 06:00;Kreatinine;1,3;mg/dL\n');
    const r = await ingestCentre(spec(), { storeDir: store, env });
    balanced(r);
    const v = await query(`SELECT value_raw, unit_raw, value FROM observation WHERE variable = 'creatinine' ORDER BY value`);
    expect(v).toContainEqual({ value_raw: '1,3', unit_raw: 'mg/dL', value: 1.3 });
    expect(v).toContainEqual({ value_raw: '177', unit_raw: 'µmol/L', value: 2 }); // 1.996–2.007 mg/dL at the source's precision
  });

  it('unparseable and impossible dates', async () => {
    edit('vitals.csv', (s) => s + 'A002;31-02-2024 08:00;110/70;80;37\nA002;2024-03-25 09:00;110/70;80;37\n');
    const r = await ingestCentre(spec(), { storeDir: store, env });
    balanced(r);
    const q = await query("SELECT source_row, check_name, message FROM quarantine WHERE field = 'observed_at' ORDER BY source_row");
    expect(q).toContainEqual({ source_row: 7, check_name: 'impossible_date', message: '2024-02-31 08:00 is not a real date-time' });
    expect(q).toContainEqual({ source_row: 8, check_name: 'date_format', message: '"2024-03-25 09:00" does not match the date format dd-MM-yyyy HH:mm' });
  });

  it('negative and absurd values are quarantined with the plausible range', async () => {
    edit('vitals.csv', (s) => s + 'A002;25-03-2024 14:00;110/70;-5;370\n');
    const r = await ingestCentre(spec(), { storeDir: store, env });
    balanced(r);
    const q = await query("SELECT raw_value, message FROM quarantine WHERE field = 'value' ORDER BY message");
    expect(q.map((x) => x.message)).toEqual([
      'heart_rate -5 /min is outside the plausible range 20–250',
      'temperature 370 Cel is outside the plausible range 30–44',
    ]);
  });

  it('a column the spec needs is missing', async () => {
    edit('doses.csv', (s) => s.replace('Gepland', 'Planned'));
    await fails(/doses\.csv \(header\): column\(s\) "Gepland" named in the mapping spec \(source doses\) are not in the file/);
  });

  it('an unexpected extra column is listed, and flagged when it looks like an identifier', async () => {
    edit('vitals.csv', (s) => s.split('\n').map((l, i) => (l ? `${l};${i === 0 ? 'Telefoon' : '+31 20 555 01' + String(i).padStart(2, '0')}` : l)).join('\n'));
    const r = await ingestCentre(spec(), { storeDir: store, env });
    expect(r.unusedColumns.vitals).toEqual(['Telefoon']);
    expect(r.suspectedIdentifiers).toEqual([{ source: 'vitals', column: 'Telefoon', reason: '6 of 6 sampled values look like a phone number' }]);
    expect(r.checks.find((c) => c.id === 'no_identifier_columns')?.status).toBe('failed');
  });

  it('a non-UTF-8 file names the line and says how to fix it', async () => {
    writeFileSync(
      join(dir, 'labs.csv'),
      Buffer.concat([Buffer.from('MRN;Tijd;Test;Uitslag;Eenheid\nA001;25-03-2024 06:00;Kreatinine;88;'), Buffer.from([0xb5]), Buffer.from('mol/L\n')]),
    );
    await fails(/labs\.csv \(line 2, byte \d+\): the file is not valid UTF-8\. Re-export it as UTF-8, or set encoding: latin1/);
  });

  it('a 50 MB single field stops the run with a clear message', async () => {
    writeFileSync(join(dir, 'labs.csv'), `MRN;Tijd;Test;Uitslag;Eenheid\nA001;25-03-2024 06:00;Kreatinine;"${'9'.repeat(50 * 1024 * 1024)}";mg/dL\n`);
    await fails(/labs\.csv \(line 2\): a field is longer than 1,000,000 characters/);
  });
});

describe('invalid mapping specs name the spec line', () => {
  it('unknown field, bad regex, unit not convertible', async () => {
    edit('spec.yaml', (s) =>
      s
        .replace('          sex: { from: Geslacht', '          gender: { from: Geslacht')
        .replace("pattern: 'HR|tachy'", "pattern: 'HR|(tachy'")
        .replace('variable: heart_rate, value: { from: Pols, unit: /min }', 'variable: heart_rate, value: { from: Pols, unit: mg/dL }'),
    );
    const err = await ingestCentre(spec(), { storeDir: store, env }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toMatch(/spec\.yaml:\d+ sources\.1\.tables\.0\.fields\.hold_reason_codes\.codes\.regex\.1\.pattern — invalid regular expression/);
    expect(msg).not.toContain('gender'); // the shape error is reported first; fix it, then the meaning is checked
    edit('spec.yaml', (s) => s.replace("pattern: 'HR|(tachy'", "pattern: 'HR|tachy'"));
    const err2 = (await ingestCentre(spec(), { storeDir: store, env }).catch((e: Error) => e)) as Error;
    expect(err2.message).toMatch(/spec\.yaml:28 sources\.0\.tables\.0\.fields\.gender — patient has no field gender/);
    expect(err2.message).toMatch(/spec\.yaml:\d+ sources\.2\.tables\.0\.melt\.2\.value\.unit — unit mg\/dL cannot be converted to heart_rate's unit/);
  });

  it('a missing key for real (non-sample) data', async () => {
    edit('spec.yaml', (s) => s.replace('samples: true', 'samples: false'));
    await fails(/no pseudonymisation key: set IL2KIT_PSEUDONYM_KEY/);
  });
});

describe('FHIR NDJSON', () => {
  it('a line that is not JSON is quarantined with its line number', async () => {
    writeFileSync(
      join(dir, 'obs.ndjson'),
      [
        JSON.stringify({ resourceType: 'Observation', subject: { reference: 'Patient/A001' },
          code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
          valueQuantity: { value: 101, unit: '/min' },
          effectiveDateTime: '2024-03-25T10:00:00+01:00' }),
        '{"resourceType": "Observation", "subject": ',
        JSON.stringify({ resourceType: 'Observation', subject: { reference: 'Patient/A001' },
          code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
          valueQuantity: { value: 99, unit: '/min' },
          effectiveDateTime: '2024-03-25T11:00:00+01:00' }),
      ].join('\n') + '\n',
    );
    edit(
      'spec.yaml',
      (s) =>
        s +
        `  - id: fhir-obs
    file: obs.ndjson
    format: ndjson
    patient_id: { from: subject.reference, regex: 'Patient/(.+)' }
    tables:
      - table: observation
        fields:
          observed_at: { from: effectiveDateTime, date: iso }
          variable: { from: 'code.coding[system=http://loinc.org].code', codes: { exact: { '8867-4': heart_rate } } }
          value: { from: valueQuantity.value, unit_from: valueQuantity.unit }
`,
    );
    const r = await ingestCentre(spec(), { storeDir: store, env });
    balanced(r);
    const q = await query("SELECT source_pointer, check_name, message FROM quarantine WHERE source_file = 'obs.ndjson'");
    expect(q).toEqual([
      { source_pointer: 'line 2', check_name: 'json', message: expect.stringMatching(/^line 2 is not valid JSON .*; fix or remove that line$/) },
    ]);
    const o = await query("SELECT value, strftime(observed_at, '%H:%M') AS t, source_pointer FROM observation WHERE source_file = 'obs.ndjson' ORDER BY t");
    expect(o).toEqual([{ value: 101, t: '09:00', source_pointer: 'line 1' }, { value: 99, t: '10:00', source_pointer: 'line 3' }]);
  });
});

describe('CDISC SDTM datasets as CSV', () => {
  it('reads DM, EC, VS, LB, RS and AE with original results and units', async () => {
    const sdtm = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'sdtm', 'spec.yaml');
    const r = await ingestCentre(sdtm, { storeDir: store, env });
    balanced(r);
    // RS has one row per visit: every dated assessment is kept; the course's best response is derived from them.
    expect(r.counts.response).toEqual({ read: 0, derived: 2, merged: 0, stored: 2, quarantined: 0 });
    expect(r.counts.response_assessment).toEqual({ read: 7, derived: 0, merged: 0, stored: 6, quarantined: 1 });
    expect(r.counts.clinical_event?.stored).toBe(3);
    // a MedDRA "Myocardial ischaemia" AE is the myocardial event the safety tables count; its troponin (LB TROPONI) is stored
    const mi = await query("SELECT grade, detail FROM clinical_event WHERE event_type = 'myocardial_infarction_or_ischaemia'");
    expect(mi).toEqual([{ grade: 4, detail: 'CHEST PAIN - TROPONIN RISE' }]);
    const trop = await query("SELECT value, unit_raw FROM observation WHERE variable = 'troponin'");
    expect(trop).toEqual([{ value: 1.9, unit_raw: 'ng/mL' }]);
    const o = await query("SELECT variable, value, unit_raw FROM observation WHERE variable IN ('temperature', 'weight', 'lymphocytes') ORDER BY variable");
    expect(o).toEqual([
      { variable: 'lymphocytes', value: 300, unit_raw: '10^9/L' },
      { variable: 'temperature', value: 38.5, unit_raw: 'F' },
      // 176 LB, to the pound, stands for 79.60–80.06 kg: stored at that precision as 80 (pipelines/map/units.ts).
      { variable: 'weight', value: 80, unit_raw: 'LB' },
    ]);
    const s = await query("SELECT status, hold_reason_codes FROM dose_slot WHERE status = 'held' ORDER BY hold_reason_codes");
    expect(s).toEqual([{ status: 'held', hold_reason_codes: ['creatinine'] }, { status: 'held', hold_reason_codes: ['hypotension'] }]);
    // 2023-10-02T08:00 in America/Chicago (CDT, UTC-5) is 13:00 UTC
    const c = await query("SELECT strftime(min(start_at), '%Y-%m-%dT%H:%M') AS t FROM cycle");
    expect(c).toEqual([{ t: '2023-10-02T13:00' }]);
  });

  it('derives each course\'s best response from every RS visit by RECIST 1.1, and follow-up from DM, DS, DD and RS', async () => {
    const sdtm = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'sdtm', 'spec.yaml');
    const r = await ingestCentre(sdtm, { storeDir: store, env });
    balanced(r);
    const k1 = patientKey(SAMPLE_KEY, 'sdtm-demo', 'IL2REG-07-0001');
    const k2 = patientKey(SAMPLE_KEY, 'sdtm-demo', 'IL2REG-07-0002');
    const resp = await query(`SELECT patient_key, course_number, best_overall_response AS bor, strftime(assessed_at, '%Y-%m-%d') AS at,
      strftime(first_response_at, '%Y-%m-%d') AS first, confirmed, derivation FROM response ORDER BY bor DESC`);
    expect(resp).toEqual([
      // PR, PR 28 days later (confirmed), then a single CR (unconfirmed): PR, not the last visit's CR (nor the undated SD).
      { patient_key: k1, course_number: 1, bor: 'PR', at: '2023-11-06', first: '2023-11-06', confirmed: true, derivation: 'derived_from_assessments' },
      // PD, CR, SD: RECIST counts time points up to the first progression, so PD, not the last visit's SD.
      { patient_key: k2, course_number: 1, bor: 'PD', at: '2023-11-13', first: null, confirmed: null, derivation: 'derived_from_assessments' },
    ]);
    const q = await query("SELECT field, check_name, message FROM quarantine WHERE table_name = 'response_assessment'");
    expect(q).toEqual([{ field: 'assessed_at', check_name: 'date_missing', message: expect.stringContaining('the assessment has no date') }]);
    expect(r.counts.follow_up).toEqual({ read: 5, derived: 0, merged: 3, stored: 2, quarantined: 0 });
    const f = await query(`SELECT patient_key, strftime(progression_at, '%Y-%m-%d') AS prog, strftime(death_at, '%Y-%m-%d') AS death,
      strftime(last_contact_at, '%Y-%m-%d') AS contact, death_cause FROM follow_up ORDER BY contact DESC`);
    expect(f).toEqual([
      { patient_key: k1, prog: null, death: null, contact: '2024-06-30', death_cause: null },
      { patient_key: k2, prog: '2023-11-13', death: '2024-03-15', contact: '2024-03-15', death_cause: 'disease' },
    ]);
  });

  it('quarantines a death before the first dose and a progression before treatment, naming the first dose', async () => {
    const src = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'sdtm');
    const sdir = join(dir, '..', 'sdtm');
    cpSync(src, sdir, { recursive: true });
    const dm = join(sdir, 'DM.csv');
    writeFileSync(dm, readFileSync(dm, 'utf8').replace('2024-03-15,2024-03-15,Y', '2023-09-01,2023-09-01,Y').replace('2024-06-30,,', '2024-06-30,,'));
    const ds = join(sdir, 'DS.csv');
    writeFileSync(ds, readFileSync(ds, 'utf8').replace('DEATH,DEATH,DISPOSITION EVENT,2024-03-15', 'DEATH,DEATH,DISPOSITION EVENT,2023-09-01'));
    const rs = join(sdir, 'RS.csv');
    writeFileSync(rs, readFileSync(rs, 'utf8') + 'IL2REG,RS,IL2REG-07-0001,5,OVRLRESP,RECIST 1.1,PD,2023-09-20,5\n');
    // Every follow-up row quarantined fails the run's error checks; published anyway to read the quarantine.
    const r = await ingestCentre(join(sdir, 'spec.yaml'), { storeDir: store, env, acceptFailedChecks: true });
    balanced(r);
    expect(r.counts.follow_up?.stored).toBe(0);
    const q = await query("SELECT field, check_name, message FROM quarantine WHERE table_name = 'follow_up' AND check_name LIKE '%before%' ORDER BY ALL");
    const death = "the death date is before the patient's first dose (2023-10-09T13:00:00.000Z); check the date or the patient it belongs to";
    const progression = "progression is dated before the patient's first dose (2023-10-02T13:00:00.000Z); record only progression after HD IL-2 starts";
    expect(q).toEqual([
      { field: 'death_at', check_name: 'death_before_treatment', message: death },
      { field: 'progression_at', check_name: 'progression_before_treatment', message: progression },
    ]);
  });
});

describe('a damaged workbook', () => {
  it('stops with a message naming the workbook, not an internal error', async () => {
    const sdir = join(dir, '..', 'summit');
    cpSync(join(import.meta.dirname, '..', '..', 'data-samples', 'summit'), sdir, { recursive: true });
    const wb = join(sdir, 'summit_hdil2_registry.xlsx');
    const bytes = readFileSync(wb);
    writeFileSync(wb, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const err = (await ingestCentre(join(sdir, 'mapping.yaml'), { storeDir: store, env }).catch((e: Error) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('UserError');
    expect(err.message).toBe(
      "summit_hdil2_registry.xlsx: not a complete Excel workbook (the file looks truncated or is not .xlsx). " +
        "Copy or export the workbook again and save it as .xlsx",
    );
  });
});
