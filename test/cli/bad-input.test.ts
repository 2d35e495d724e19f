// The bad-input corpus (test/fixtures/bad-input/<case>/: files laid over the mini centre) run through the
// built CLI as a user would: each case asserts the exit code, a message naming the place and what to do,
// the row balance of a run that stores, and the store's bytes before and after a refused run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunManifest } from '../../schemas/index.js';
import { il2kit, ROOT } from '../helpers/cli.js';

const MINI = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'mini');
const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'bad-input');
const KEY = { IL2KIT_PSEUDONYM_KEY: '', IL2KIT_KEY_FILE: '' };

/** Every file under a folder with its SHA-256: the store's bytes. */
function storeBytes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[p.slice(dir.length)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

async function query(db: string, sql: string): Promise<Record<string, unknown>[]> {
  const inst = await DuckDBInstance.create(db, db === ':memory:' ? {} : { access_mode: 'READ_ONLY' });
  const conn = await inst.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

function balanced(store: string, centre: string): void {
  const m = RunManifest.parse(JSON.parse(readFileSync(join(store, 'manifests', `${centre}.json`), 'utf8')));
  for (const [t, n] of Object.entries(m.tables)) expect(n.read + n.derived, t).toBe(n.stored + n.quarantined + n.merged);
}

describe('the bad-input corpus', () => {
  const root = mkdtempSync(join(tmpdir(), 'il2kit-bad-input-'));
  const store = join(root, 'store');
  const reports = join(root, 'reports');
  /** The mini centre with the case's files laid over it, in a folder of its own. */
  const caseDir = (name: string) => {
    const dir = join(root, 'cases', name);
    cpSync(MINI, dir, { recursive: true });
    if (existsSync(join(CORPUS, name))) cpSync(join(CORPUS, name), dir, { recursive: true });
    return dir;
  };
  let good: Record<string, string>;
  const refused = (name: string, args: string[] = [], env: Record<string, string> = KEY) => {
    const r = il2kit(['ingest', join(caseDir(name), 'spec.yaml'), '--store', store, '--reports', reports, ...args], { env });
    expect(r.stderr).not.toContain('    at ');
    expect(r.stderr).not.toContain('internal error');
    expect(storeBytes(store)).toEqual(good);
    return r;
  };

  beforeAll(() => {
    const r = il2kit(['ingest', join(caseDir('good'), 'spec.yaml'), '--store', store, '--reports', reports], { env: KEY });
    expect(r.code).toBe(0);
    good = storeBytes(store);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('a pattern that backtracks catastrophically runs in linear time (item 5)', () => {
    const s = join(root, 'store-regex');
    const t0 = performance.now();
    const r = il2kit(['ingest', join(caseDir('regex-backtracking'), 'spec.yaml'), '--store', s, '--reports', reports], { env: KEY });
    expect(r.code).toBe(0);
    expect(performance.now() - t0).toBeLessThan(60_000); // V8's backtracking takes hours on these reasons
    balanced(s, 'mini');
  });

  it('a pattern that could backtrack and that RE2 cannot run is refused with its spec line (item 5)', () => {
    const r = refused('regex-lookahead');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/spec\.yaml:\d+ sources\.1\.tables\.0\.fields\.hold_reason_codes\.codes\.regex\.1\.pattern — "\^\(\\\\w\+\\\\s\?\)\+\(\?=!\)" could take exponential time: it has more than one quantifier .*; drop the lookaround or backreference, or keep to one quantifier/);
  });

  it('a file outside the spec folder is refused without reading it (item 5)', () => {
    const r = refused('file-outside-folder');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/spec\.yaml:\d+ sources\.3\.file — \.\.\/.*passwd is outside the spec's folder .*; move the file beside the spec, or add file_outside_spec_folder: true/);
    expect(r.stderr).not.toMatch(/root:|nologin/);
  });

  it('a YAML alias bomb is refused as a spec error (item 7)', () => {
    const r = refused('alias-bomb');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/spec\.yaml: invalid mapping spec/);
    expect(r.stderr).toMatch(/alias/i);
  });

  it('a binary file is named as binary, without the Latin-1 hint (item 7)', () => {
    const r = refused('binary-file');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/labs\.csv \(line \d+, byte \d+\): the file is binary \(not CSV or NDJSON text\)\. Check the file/);
    expect(r.stderr).not.toContain('latin1');
  });

  it('a Latin-1 file with a UTF-8 BOM keeps its first column name (item 7)', async () => {
    const s = join(root, 'store-bom');
    const r = il2kit(['ingest', join(caseDir('latin1-bom'), 'spec.yaml'), '--store', s, '--reports', reports], { env: KEY });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('patient 2→2');
    balanced(s, 'mini');
    const rep = JSON.parse(readFileSync(join(reports, 'mini', 'data-quality.json'), 'utf8')) as { sources: { id: string; unused_columns: string[] }[] };
    expect(rep.sources.find((x) => x.id === 'patients')!.unused_columns.join(',')).not.toContain('ï»¿');
  });

  it('the spec title and centre name are escaped in the data-quality page (item 5)', () => {
    const rep = join(root, 'reports-html');
    const r = il2kit(['ingest', join(caseDir('html-title'), 'spec.yaml'), '--store', join(root, 'store-html'), '--reports', rep], { env: KEY });
    expect(r.code).toBe(0);
    const html = readFileSync(join(rep, 'mini', 'data-quality.html'), 'utf8');
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('a patient id the spec rejects is quarantined without its text, in DuckDB and Parquet (item 3)', async () => {
    const s = join(root, 'store-pid');
    const r = il2kit(['ingest', join(caseDir('patient-id-rejected'), 'spec.yaml'), '--store', s, '--reports', reports], { env: KEY });
    expect(r.code).toBe(0);
    balanced(s, 'mini');
    const rows = await query(join(s, 'il2kit.duckdb'), "SELECT field, raw_value, message, record_json FROM quarantine WHERE field = 'patient_id'");
    expect(rows.length).toBeGreaterThan(0);
    for (const q of rows) {
      expect(JSON.stringify(q)).not.toContain('ZX98765432');
      expect(String(q.raw_value)).toMatch(/^pseudonymised:[0-9a-f]{16}$/);
      expect(String(q.message)).toMatch(/does not match \^\(A\\d\{3\}\)\$; its text is withheld \(a direct identifier\)/);
    }
    const pq = await query(':memory:', `SELECT * FROM read_parquet('${join(s, 'parquet', 'quarantine', '*', '*.parquet')}')`);
    expect(JSON.stringify(pq)).not.toContain('ZX98765432');
  });

  it('a bad cycle number is quarantined naming its column, and makes no phantom cycle (item 8)', async () => {
    const s = join(root, 'store-cycle');
    const r = il2kit(['ingest', join(caseDir('bad-cycle-number'), 'spec.yaml'), '--store', s, '--reports', reports], { env: KEY });
    expect(r.code).toBe(0);
    balanced(s, 'mini');
    // As the good run: the same cycles, and the pressors and vitals of the real cycle stay stored.
    expect(r.stdout).toContain('cycle 0+2→2');
    expect(r.stdout).toContain('infusion 2→2');
    const q = await query(join(s, 'il2kit.duckdb'), "SELECT field, check_name, message FROM quarantine WHERE table_name = 'dose_slot' AND check_name = 'cycle_key_conflict'");
    expect(q).toHaveLength(1);
    expect(q[0]!.field).toBe('cycle_number');
    expect(String(q[0]!.message)).toMatch(/course 1, cycle 3 \(columns Kuur, Cyclus\) puts this .* entry among the doses of cycle 1\.1 .*column Cyclus is likely wrong: correct it in the export/);
  });

  describe('keys (items 6 and 7)', () => {
    const real = () => {
      const dir = caseDir('real-key');
      writeFileSync(join(dir, 'spec.yaml'), readFileSync(join(dir, 'spec.yaml'), 'utf8').replace('samples: true', 'samples: false'));
      return join(dir, 'spec.yaml');
    };
    const keys = join(root, 'keys');
    mkdirSync(keys, { recursive: true });

    it('refuses a short environment key like a short key file', () => {
      const r = il2kit(['ingest', real(), '--store', store, '--reports', reports], { env: { ...KEY, IL2KIT_PSEUDONYM_KEY: 'short-key' } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('IL2KIT_PSEUDONYM_KEY holds fewer than 16 characters');
      expect(storeBytes(store)).toEqual(good);
    });

    it('refuses a missing, empty or folder key file with a message, no trace', () => {
      writeFileSync(join(keys, 'empty'), '\n');
      for (const [file, msg] of [
        [join(keys, 'missing'), 'does not exist'],
        [join(keys, 'empty'), 'is empty'],
        [keys, 'is a folder, not a file'],
      ] as const) {
        const r = il2kit(['ingest', real(), '--store', store, '--reports', reports, '--key-file', file], { env: KEY });
        expect(r.code, file).toBe(2);
        expect(r.stderr).toContain(`key file ${file} (--key-file) ${msg}`);
        expect(r.stderr).not.toMatch(/internal error|    at /);
      }
      expect(storeBytes(store)).toEqual(good);
    });

    it('--key-file beats IL2KIT_PSEUDONYM_KEY, and the run names the source, never the key', () => {
      const key = 'a-long-random-key-from-the-file-0123456789';
      writeFileSync(join(keys, 'k'), key);
      chmodSync(join(keys, 'k'), 0o600);
      const s = join(root, 'store-key');
      const envKey = 'an-environment-key-0123456789abcdef';
      const r = il2kit(['ingest', real(), '--store', s, '--reports', join(root, 'reports-key'), '--key-file', join(keys, 'k')], { env: { ...KEY, IL2KIT_PSEUDONYM_KEY: envKey } });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`pseudonymised with the key from --key-file ${join(keys, 'k')}`);
      expect(r.stdout + r.stderr).not.toContain(key);
      expect(r.stdout + r.stderr).not.toContain(envKey);
      // The same patient keys as a run with that key from the environment.
      const s2 = join(root, 'store-key2');
      expect(il2kit(['ingest', real(), '--store', s2, '--reports', join(root, 'reports-key2')], { env: { ...KEY, IL2KIT_PSEUDONYM_KEY: key } }).code).toBe(0);
      expect(readFileSync(join(s, 'parquet', 'patient', 'centre_id=mini', 'data.parquet')).equals(readFileSync(join(s2, 'parquet', 'patient', 'centre_id=mini', 'data.parquet')))).toBe(true);
    });
  });

  it('a store held by another process: a message naming it, exit 2 (item 7)', async () => {
    const inst = await DuckDBInstance.create(join(store, 'il2kit.duckdb'));
    const conn = await inst.connect();
    try {
      const r = il2kit(['ingest', join(caseDir('locked'), 'spec.yaml'), '--store', store, '--reports', reports], { env: KEY });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`the store .*il2kit\\.duckdb is in use by process ${process.pid} \\(.*\\); wait for that run to finish \\(or stop it\\) and run again`));
      expect(r.stderr).not.toMatch(/internal error|    at /);
      const h = il2kit(['doses', '--store', store, '--out', join(root, 'doses-out')]);
      expect(h.code).toBe(2);
      expect(h.stderr).toContain(`is in use by process ${process.pid}`);
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
  });

  it('validate and ingest keep their exit status when the output pipe closes early (item 7)', () => {
    const main = join(ROOT, 'dist', 'cli', 'main.js');
    const bad = join(ROOT, 'data-samples', 'examples', 'dose_slot.bad.csv');
    const big = join(root, 'many-bad.csv');
    const lines = readFileSync(bad, 'utf8').split('\n');
    writeFileSync(big, [lines[0], ...Array.from({ length: 4000 }, () => lines[2])].join('\n') + '\n');
    const v = spawnSync('bash', ['-c', `"${process.execPath}" "${main}" validate dose_slot "${big}" | head -1; exit \${PIPESTATUS[0]}`], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    expect(v.status).toBe(1);
    expect(v.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(v.stderr).not.toMatch(/EPIPE|internal error/);
    const spec = join(caseDir('pipe'), 'spec.yaml');
    const g = spawnSync('bash', ['-c', `"${process.execPath}" "${main}" ingest "${spec}" --store "${join(root, 'store-pipe')}" --reports "${reports}" | head -c 10; exit \${PIPESTATUS[0]}`], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', ...KEY } });
    expect(g.status).toBe(0);
    expect(existsSync(join(root, 'store-pipe', 'manifests', 'mini.json'))).toBe(true);
  });

  it('leaves no work folder behind, inside or beside the store (item 3)', () => {
    expect(readdirSync(root).filter((f) => f.startsWith('.il2kit-ingest-'))).toEqual([]);
    for (const s of readdirSync(root).filter((f) => f.startsWith('store'))) expect(existsSync(join(root, s, '.work')), s).toBe(false);
    expect(statSync(store).isDirectory()).toBe(true);
  });
});
