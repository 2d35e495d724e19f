// The data-quality report leads with what a data manager must act on, shows the quarantined rows
// themselves (a sample per reason, the full list as CSV beside the page), collapses passed checks,
// ends with the spec; no JSON on the page, everything escaped, no raw identifier in page or CSV.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestCentre } from '../../pipelines/ingest.js';
import { QUARANTINE_SQL } from '../../pipelines/store/layout.js';
import {
  quarantineReasons, quarantineSamples, renderDqHtml, writeIngestOutputs, writeQuarantineCsv, type DqReport, type IngestOutputs,
} from '../../reports/index.js';
import { queryStore } from '../helpers/store.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MINI = join(ROOT, 'test', 'fixtures', 'ingest', 'mini');
const startedAt = new Date('2026-01-01T00:00:00Z');

async function ingestWithReport(spec: string, root: string): Promise<IngestOutputs & { store: string }> {
  const store = join(root, 'store');
  const r = await ingestCentre(spec, { storeDir: store, env: {} });
  return { ...(await writeIngestOutputs(r, { storeDir: store, reportDir: join(root, 'reports'), kitVersion: 'test', command: 'test', startedAt })), store };
}

/** The page without its style sheet (the only place braces belong). */
const body = (html: string) => html.slice(html.indexOf('<body>'));

/** CSV lines → cells (the quarantine CSV quotes fields with commas or quotes). */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else cell += ch;
  }
  return rows;
}

describe('the data-quality report of the mini centre', () => {
  let out: IngestOutputs & { store: string };
  let html: string;
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'il2kit-dq-mini-'));
    cpSync(MINI, join(root, 'mini'), { recursive: true });
    out = await ingestWithReport(join(root, 'mini', 'spec.yaml'), root);
    html = readFileSync(out.reportHtml, 'utf8');
  }, 120_000);

  it('is in the order a data manager works: act, quarantine, passed checks collapsed, spec', () => {
    const at = (s: string) => html.indexOf(s);
    const order = [
      '>What to act on</h2>', '>Rows in and out</h2>', '>Checks that failed or warned</h2>', '<section class="report-section" id="unmapped"',
      '>Derived values</h2>', '<section class="report-section" id="quarantine"', '<section class="report-section" id="passed"',
      '>The mapping spec</h2>',
    ];
    for (const s of order) expect(at(s), s).toBeGreaterThan(0);
    expect(order.map(at)).toEqual(order.map(at).sort((a, b) => a - b));
    // The summary names the failed checks, the quarantine, the unmapped code and the derived rows.
    const act = html.slice(at('>What to act on</h2>'), at('>Rows in and out</h2>'));
    expect(act).toContain('6 checks warned: vitals_before_each_dose, slots_recorded, duplicate_records, codes_mapped, quarantine_rate_dose_slot, quarantine_rate_observation.');
    expect(act).toContain('6 records quarantined for 6 reasons');
    expect(act).toContain('1 code in the export had no mapping');
    expect(html).toContain('<tr><td>dose_slot</td><td>21 rows: slots of the q8h grid the export never mentions (not_recorded or not_reached)</td></tr>');
    // The page shell: a CSP that forbids every request.
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'none\';');
    expect(html).toMatch(/>Checks passed or not applicable \(\d+\)<\/h2>\n<details><summary>Show the \d+ checks<\/summary>/);
    // Passed checks are inside the collapsed block, failed ones are not.
    const details = html.slice(at('<details>'), at('</details>'));
    expect(details).toContain('<td>rows_balance_observation</td>');
    expect(details).not.toContain('<td>codes_mapped</td>');
    expect(html.slice(0, at('<details>'))).toContain('<td>codes_mapped</td>');
  });

  it('shows each quarantined row with file, row, field, raw value and message', () => {
    expect(html).toContain('<h3>observation: dst_gap</h3>');
    const row = (...cells: string[]) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    const gap = '2024-03-31 02:30 does not exist in Europe/Amsterdam (clocks go forward)';
    expect(html).toContain(row('vitals.csv', 'row 4', 'observed_at', '31-03-2024 02:30', gap));
    expect(html).toContain(row('doses.csv', 'row 9', '—', '—', 'duplicate of doses.csv row 8 (same slot 2, same content)'));
    expect(out.report.quarantine_reasons.map((r) => `${r.table}/${r.check}`).sort()).toEqual([
      'dose_slot/duplicate', 'dose_slot/superseded', 'observation/dst_gap', 'observation/format', 'observation/unknown_unit', 'observation/unmapped_code',
    ]);
  });

  it('writes every quarantined problem to quarantine.csv beside the page, and lists it in the manifest', async () => {
    const rows = csvRows(readFileSync(out.quarantineCsv, 'utf8'));
    expect(rows[0]).toEqual(['table', 'check', 'file', 'row', 'field', 'raw_value', 'message', 'record_id']);
    const [{ n }] = (await queryStore(out.store, "SELECT count(*)::INTEGER AS n FROM quarantine WHERE centre_id = 'mini'")) as [{ n: number }];
    expect(rows.length - 1).toBe(n);
    expect(rows).toContainEqual(['observation', 'format', 'vitals.csv', 'row 6', 'dbp', '118', '"118" has no part 2 when split on "/"', '4']);
    const manifest = JSON.parse(readFileSync(out.manifestPath, 'utf8')) as { outputs: { path: string }[] };
    expect(manifest.outputs.map((o) => o.path.split('/').pop())).toContain('quarantine.csv');
  });

  it('puts no JSON on the page and no raw identifier in page or CSV', () => {
    expect(body(html)).not.toMatch(/[{}]/);
    const csv = readFileSync(out.quarantineCsv, 'utf8');
    for (const id of ['A001', 'A002', 'Jan Jansen', 'Piet Pieters', '12-05-1961', '03-11-1970']) {
      expect(html, id).not.toContain(id);
      expect(csv, id).not.toContain(id);
    }
  });

  it('is byte-identical when the same export is ingested again', async () => {
    const root = mkdtempSync(join(tmpdir(), 'il2kit-dq-mini-again-'));
    cpSync(MINI, join(root, 'mini'), { recursive: true });
    const again = await ingestWithReport(join(root, 'mini', 'spec.yaml'), root);
    expect(readFileSync(again.reportHtml, 'utf8')).toBe(html.replaceAll(out.store, again.store));
    expect(readFileSync(again.quarantineCsv).equals(readFileSync(out.quarantineCsv))).toBe(true);
  }, 120_000);
});

describe('a spec whose title and centre name hold markup', () => {
  it('shows the markup as text: nothing on the page can run or load', async () => {
    const root = mkdtempSync(join(tmpdir(), 'il2kit-dq-xss-'));
    cpSync(MINI, join(root, 'mini'), { recursive: true });
    const spec = join(root, 'mini', 'spec.yaml');
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    writeFileSync(spec, readFileSync(spec, 'utf8')
      .replace(/^title: .*$/m, `title: "${evil}"`)
      .replace('name: Mini Test Centre', `name: "Mini ${evil} [click](javascript:alert(3))"`));
    const page = readFileSync((await ingestWithReport(spec, root)).reportHtml, 'utf8');
    expect(page).not.toMatch(/<script|<img|<a href="javascript|onerror=alert\(2\)>/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  }, 120_000);
});

describe('the quarantine in the report', () => {
  it('samples at most ten problems per reason, counts records and problems, and exports them all in record order', async () => {
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    await db.run(QUARANTINE_SQL);
    const values: string[] = [];
    for (let i = 1; i <= 25; i++) values.push(`('c', ${i}, 'observation', 'labs.csv', ${i + 1}, NULL, 'value', 'x${i}', 'required', 'no value', '{}')`);
    values.push("('c', 26, 'dose_slot', 'doses.ndjson', NULL, 'line 7', NULL, NULL, 'duplicate', 'duplicate of line 6', NULL)");
    values.push("('c', 27, 'dose_slot', 'doses.ndjson', NULL, 'line 9', 'status', 'givn', 'format', 'not allowed', NULL)");
    values.push("('c', 27, 'dose_slot', 'doses.ndjson', NULL, 'line 9', 'slot_number', '17', 'format', 'above 15', NULL)");
    values.push("('other', 1, 'observation', 'x.csv', 2, NULL, 'value', 'y', 'required', 'no value', NULL)");
    await db.run(`INSERT INTO quarantine VALUES ${values.join(',')}`);
    expect(await quarantineReasons(db, 'c')).toEqual([
      { table: 'observation', check: 'required', records: 25, problems: 25 },
      { table: 'dose_slot', check: 'duplicate', records: 1, problems: 1 },
      { table: 'dose_slot', check: 'format', records: 1, problems: 2 },
    ]);
    const samples = await quarantineSamples(db, 'c');
    expect(samples.filter((s) => s.check === 'required').map((s) => s.row)).toEqual(Array.from({ length: 10 }, (_, i) => `row ${i + 2}`));
    expect(samples.filter((s) => s.table === 'dose_slot')).toEqual([
      { table: 'dose_slot', check: 'duplicate', file: 'doses.ndjson', row: 'line 7', field: null, raw_value: null, message: 'duplicate of line 6' },
      { table: 'dose_slot', check: 'format', file: 'doses.ndjson', row: 'line 9', field: 'slot_number', raw_value: '17', message: 'above 15' },
      { table: 'dose_slot', check: 'format', file: 'doses.ndjson', row: 'line 9', field: 'status', raw_value: 'givn', message: 'not allowed' },
    ]);
    const csv = join(mkdtempSync(join(tmpdir(), 'il2kit-dq-csv-')), 'quarantine.csv');
    await writeQuarantineCsv(db, 'c', csv);
    const rows = csvRows(readFileSync(csv, 'utf8'));
    expect(rows).toHaveLength(29);
    expect(rows.slice(1).map((r) => Number(r[7]))).toEqual([...Array.from({ length: 25 }, (_, i) => i + 1), 26, 27, 27]);
    expect(rows.flat().join(' ')).not.toContain('{}');
    db.closeSync();
  });
});

describe('the page on its own', () => {
  const clean: DqReport = {
    centre_id: 'c', spec: { id: 'c', version: '1', path: 'c.yaml' }, pseudonymisation_key: 'env', sources: [], unread_files: [],
    tables: { patient: { read: 2, derived: 0, merged: 0, stored: 2, quarantined: 0 } }, checks: [], unmapped_codes: {}, suspected_identifiers: [],
    derived_values: {}, quarantine_by_check: {}, quarantine_reasons: [], quarantine_samples: [], quarantine_csv: 'quarantine.csv', unit_spellings: [], imputed_dates: {},
    value_absences: {},
  };

  it('says when there is nothing to act on', () => {
    const page = renderDqHtml(clean, '# Spec');
    expect(page).toContain('Nothing to act on: every check passed, no record was quarantined and every code was mapped.');
    expect(page).toContain('<p>No record was quarantined.</p>');
    expect(page).toContain('<p>None: every stored value was read from the export.</p>');
  });

  it('leads with a failed error check and shows its examples as a table, not JSON', () => {
    const check = {
      id: 'doses_within_cycle_max', category: 'conformance' as const, table: 'cycle', severity: 'error' as const,
      description: 'No cycle has more given doses than its maximum',
      threshold_pct: 0, threshold_n: 0, n_failed: 1, n_total: 4, pct: 25, status: 'failed' as const, message: 'fix the cap',
      examples: [{ cycle_id: 'k-c1.1', given: 16, codes: ['a', 'b'], extra: { planned: 14 }, note: null }],
    };
    const page = renderDqHtml({ ...clean, checks: [check], derived_values: { 'patient.baseline_weight_kg': 3, 'dose_slot.dose_iu': 2 } }, '');
    expect(page).toContain('<li class="status-unverified">1 error check failed: doses_within_cycle_max. Until they pass, the centre is not published');
    expect(page).toContain('<tr><td>k-c1.1</td><td class="num">16</td><td>a, b</td><td>planned: 14</td><td>—</td></tr>');
    expect(page).toContain('<td>1 of 4 (25%)</td><td>any failing row</td>');
    expect(page).toContain('<tr><td>patient.baseline_weight_kg</td><td>3 values: baseline weights the export left empty: the first cycle’s dosing weight</td></tr>');
    expect(page).toContain('<tr><td>dose_slot.dose_iu</td><td>2 values: IU of given doses the export left empty: the cycle’s IU/kg × dosing weight (the spec sets slots.derive_dose_iu)');
    expect(body(page)).not.toMatch(/[{}]/);
  });

  it('lists recorded absences by variable and reason (stored, not quarantined)', () => {
    const page = renderDqHtml({ ...clean, value_absences: { creatinine: { 'not-performed': 2 }, dbp: { error: 1 } } }, '');
    expect(page).toContain('Recorded absences');
    expect(page).toContain('<tr><td>creatinine</td><td>not-performed</td><td class="num">2</td></tr>');
    expect(page).toContain('<tr><td>dbp</td><td>error</td><td class="num">1</td></tr>');
    expect(renderDqHtml(clean, '')).toMatch(/Recorded absences<\/h2>\s*<p>None\.<\/p>/);
  });
});

describe.each([
  {
    centre: 'amstel',
    // Patiëntnummer and Geboortedatum, the first two columns.
    identifiers: (dir: string) =>
      readFileSync(join(dir, 'amstel_patienten.csv'), 'latin1').split('\n').slice(1).filter(Boolean).flatMap((l) => l.split(';').slice(0, 2)),
  },
  {
    centre: 'harbour',
    identifiers: (dir: string) => readFileSync(join(dir, 'Patient.ndjson'), 'utf8').split('\n').filter(Boolean).flatMap((l) => {
      const p = JSON.parse(l) as { id: string; identifier: { value: string }[]; birthDate: string };
      return [p.id, p.birthDate, ...p.identifier.map((i) => i.value)];
    }),
  },
])('the report of sample centre $centre', ({ centre, identifiers }) => {
  let out: IngestOutputs & { store: string };
  let html: string;
  beforeAll(async () => {
    out = await ingestWithReport(join(ROOT, 'data-samples', centre, 'mapping.yaml'), mkdtempSync(join(tmpdir(), `il2kit-dq-${centre}-`)));
    html = readFileSync(out.reportHtml, 'utf8');
  }, 300_000);

  it('shows a sample of every reason, and the CSV holds every quarantined problem', async () => {
    const [{ n }] = (await queryStore(out.store, `SELECT count(*)::INTEGER AS n FROM quarantine WHERE centre_id = '${centre}'`)) as [{ n: number }];
    expect(n).toBeGreaterThan(0);
    expect(csvRows(readFileSync(out.quarantineCsv, 'utf8')).length - 1).toBe(n);
    expect(out.report.quarantine_reasons.reduce((s, r) => s + r.problems, 0)).toBe(n);
    for (const r of out.report.quarantine_reasons) {
      const shown = out.report.quarantine_samples.filter((s) => s.table === r.table && s.check === r.check);
      expect(shown.length, `${r.table}/${r.check}`).toBe(Math.min(10, r.problems));
      expect(html).toContain(`<h3>${r.table}: ${r.check}`);
      for (const s of shown) expect(s.row, `${r.table}/${r.check}`).toMatch(/^(row|line) \d+/);
    }
  });

  it('leads with the summary, collapses passed checks and carries no JSON or raw identifier', () => {
    expect(html.indexOf('>What to act on</h2>')).toBeLessThan(html.indexOf('>Quarantined rows</h2>'));
    expect(html.indexOf('>Quarantined rows</h2>')).toBeLessThan(html.indexOf('<details>'));
    expect(html.indexOf('<details>')).toBeLessThan(html.indexOf('>The mapping spec</h2>'));
    expect(body(html)).not.toMatch(/\{"|"\}|\{\}|\[\{/);
    const ids = identifiers(join(ROOT, 'data-samples', centre));
    expect(ids.length).toBeGreaterThan(20);
    const csv = readFileSync(out.quarantineCsv, 'utf8');
    for (const id of ids) {
      expect(html.includes(id), id).toBe(false);
      expect(csv.includes(id), id).toBe(false);
    }
  });
});

describe('the report of a run that is not published', () => {
  it('lists the failed error check first and writes the rejected run’s quarantine as CSV in its folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'il2kit-dq-rejected-'));
    cpSync(MINI, join(root, 'mini'), { recursive: true });
    cpSync(join(ROOT, 'test', 'fixtures', 'ingest', 'trust', 'doses-empty-mrn.csv'), join(root, 'mini', 'doses.csv'));
    const out = await ingestWithReport(join(root, 'mini', 'spec.yaml'), root);
    expect(out.reportHtml.startsWith(join(out.store, 'rejected', 'mini'))).toBe(true);
    expect(out.quarantineCsv).toBe(join(dirname(out.reportHtml), 'quarantine.csv'));
    const html = readFileSync(out.reportHtml, 'utf8');
    expect(html).toMatch(/<li class="status-unverified">\d+ error checks? failed: [^<]*Until they pass, the centre is not published/);
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const parquet = join(dirname(out.reportHtml), 'quarantine.parquet').replace(/'/g, "''");
    const n = Number((await db.runAndReadAll(`SELECT count(*) FROM read_parquet('${parquet}')`)).getRows()[0]![0]);
    db.closeSync();
    expect(n).toBeGreaterThan(0);
    expect(csvRows(readFileSync(out.quarantineCsv, 'utf8')).length - 1).toBe(n);
    expect(html).toContain('<section class="report-section" id="quarantine"');
  }, 120_000);
});
