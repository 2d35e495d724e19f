// No raw identifier past the ingest boundary: the bundled samples (and the mini fixture, with a patient id
// its spec rejects) are ingested and analysed into a store and reports of this test's own; then every table
// of the DuckDB file, every Parquet file and every text file written is searched for the samples' raw
// identifiers (MRNs, FHIR ids, names, birth dates), collected from the exports through each spec's
// `identifiers:` columns and patient id, and from the FHIR Patient resources.
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpec, readSource } from '../../pipelines/index.js';
import { il2kit, ROOT } from '../helpers/cli.js';
import { sampleSpecs } from '../../cli/commands/ingest.js';

const MINI = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'mini');
const REJECTED = join(import.meta.dirname, '..', 'fixtures', 'bad-input', 'patient-id-rejected');

/** A date as exported and in ISO form (both day-first and month-first readings). */
function dateForms(s: string): string[] {
  const m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(s.trim());
  if (!m) return [s];
  const p = (x: string) => x.padStart(2, '0');
  return [s, `${m[3]}-${p(m[2]!)}-${p(m[1]!)}`, `${m[3]}-${p(m[1]!)}-${p(m[2]!)}`];
}

/** The raw identifiers of one centre's export. */
async function identifiersOf(specPath: string): Promise<Set<string>> {
  const { spec } = loadSpec(specPath);
  const dir = dirname(specPath);
  const out = new Set<string>();
  const add = (v: unknown) => {
    if (v === null || v === undefined) return;
    if (v instanceof Date) return out.add(v.toISOString().slice(0, 10));
    // Names are looked for word by word (tokens of the outputs); words of fewer than 5 characters are left out.
    for (const f of dateForms(String(v))) for (const w of f.trim().split(/\s+/)) if (w.length >= 5) out.add(w);
  };
  for (const src of spec.sources) {
    if (src.format === 'ndjson') {
      for (const line of readFileSync(join(dir, src.file), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const r = JSON.parse(line) as { resourceType?: string; id?: string; birthDate?: string; name?: { family?: string; given?: string[]; text?: string }[]; identifier?: { value?: string }[]; subject?: { reference?: string } };
        if (r.resourceType === 'Patient') {
          add(r.id);
          add(r.birthDate);
          for (const n of r.name ?? []) [n.family, n.text, ...(n.given ?? [])].forEach((x) => x?.split(' ').forEach(add));
          for (const i of r.identifier ?? []) add(i.value);
        }
        const ref = r.subject?.reference;
        if (ref?.startsWith('Patient/')) add(ref.slice('Patient/'.length));
      }
      continue;
    }
    const data = await readSource(src, dir);
    const pid = typeof src.patient_id === 'string' ? src.patient_id : src.patient_id.from;
    const cols = [...src.identifiers, ...(typeof pid === 'string' ? [pid] : (pid ?? []))];
    for (const row of data.rows) for (const c of cols) add(row.values[c]);
  }
  return out;
}

/** Every value of every table of a DuckDB file, or of the Parquet files given, as one text. */
async function tablesText(db: string, parquet: string[]): Promise<string> {
  const inst = await DuckDBInstance.create(db, db === ':memory:' ? {} : { access_mode: 'READ_ONLY' });
  const conn = await inst.connect();
  const parts: string[] = [];
  try {
    const sources =
      db === ':memory:'
        ? parquet.map((p) => `read_parquet('${p.replace(/'/g, "''")}')`)
        : ((await conn.runAndReadAll("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")).getRows() as string[][]).map((r) => `"${r[0]}"`);
    for (const s of sources) parts.push(JSON.stringify((await conn.runAndReadAll(`SELECT * FROM ${s}`)).getRowsJS(), (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
  return parts.join('\n');
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('no raw identifier past the ingest boundary', () => {
  const root = mkdtempSync(join(tmpdir(), 'il2kit-id-scan-'));
  const store = join(root, 'store');
  const out = join(root, 'out');
  const ids = new Set<string>();

  beforeAll(async () => {
    const mini = join(root, 'mini');
    cpSync(MINI, mini, { recursive: true });
    cpSync(REJECTED, mini, { recursive: true });
    const env = { IL2KIT_PSEUDONYM_KEY: '', IL2KIT_KEY_FILE: '' };
    const specs = [...sampleSpecs(ROOT), join(mini, 'spec.yaml')];
    const r = il2kit(['ingest', ...specs, '--store', store, '--reports', join(out, 'reports')], { env });
    expect(r.stderr).not.toContain('internal error');
    // holds is left out for time (its tables hold the same slot keys as the store); doses and response write per-patient figures.
    for (const cmd of ['doses', 'response']) expect(il2kit([cmd, '--store', store, '--out', join(out, cmd)]).code, cmd).toBe(0);
    for (const s of specs) for (const id of await identifiersOf(s)) ids.add(id);
  }, 600_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('collects the identifiers it looks for', () => {
    // MRNs of the flowsheet centres, FHIR ids, names, birth dates, and the mini fixture's rejected MRN.
    expect(ids.size).toBeGreaterThan(100);
    expect(ids.has('ZX98765432')).toBe(true);
    expect(ids.has('Jansen')).toBe(true);
    expect(ids.has('1961-05-12')).toBe(true);
  });

  it('finds none in the store (DuckDB and Parquet), the reports or the analyses', async () => {
    const texts: [string, string][] = [[join(store, 'il2kit.duckdb'), await tablesText(join(store, 'il2kit.duckdb'), [])]];
    const all = [...files(store), ...files(out)];
    const pq = all.filter((f) => f.endsWith('.parquet'));
    expect(pq.length).toBeGreaterThan(20);
    texts.push(['parquet files', await tablesText(':memory:', pq)]);
    for (const f of all.filter((x) => /\.(html|json|md|csv|svg|txt|frame)$/.test(x))) texts.push([f, readFileSync(f).toString('latin1') + readFileSync(f, 'utf8')]);
    expect(texts.length).toBeGreaterThan(20);
    // Every token of the outputs (a run of letters, digits, '-', '/', '.', ':') against the identifiers' set.
    const found: string[] = [];
    for (const [where, text] of texts) {
      for (const m of text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}\-/.:]*/gu)) {
        const tok = m[0].replace(/[.:]+$/, '');
        if (ids.has(tok)) found.push(`${tok} in ${where}`);
        // An identifier inside a longer token (Patient/<id>, <MRN>-c1.1): its parts split on / - . :
        else if (tok.length > 5) for (const part of tok.split(/[/:]/)) if (part !== tok && ids.has(part)) found.push(`${part} in ${where}`);
      }
    }
    expect(found).toEqual([]);
    // Nothing else left in the store folder that could hold raw cells.
    expect(existsSync(join(store, '.work'))).toBe(false);
  }, 300_000);
});
