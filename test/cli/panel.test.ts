// il2kit bundle and il2kit pool end to end on the sample store: files written, the audit log, a hand-edited bundle
// refused by hash, bad input for pool, differencing refused through the audit log, and a scan of every bundle the
// tests wrote for counts under k, key-like strings and dates.
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleStore, SAMPLE_CENTRES } from '../../data-samples/sample-store.js';
import { readStore } from '../../analytics/read-store.js';
import { queryRows } from '../../analytics/doses/load.js';
import { bundleHash } from '../../analytics/panel/hash.js';
import { PanelBundle } from '../../schemas/bundle.js';
import { bundleScanProblems } from '../helpers/bundle-scan.js';
import { il2kit } from '../helpers/cli.js';

let dir: string;
let store: string;
let bundles: string[];
/** The sample centres the store holds (the ingest may keep a centre out when its error-severity checks fail). */
let centres: string[];
const runs: ReturnType<typeof il2kit>[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'il2kit-panel-'));
  store = join(dir, 'store');
  cpSync(await sampleStore(), store, { recursive: true });
  const stored = await readStore(store, async (conn) => (await queryRows(conn, 'SELECT DISTINCT centre_id FROM cycle')).map((r) => String(r.centre_id)));
  centres = SAMPLE_CENTRES.filter((c) => stored.includes(c));
  bundles = centres.map((c) => join(dir, 'bundles', `${c}.json`));
  centres.forEach((c, i) => runs.push(il2kit(['bundle', '--store', store, '--centre', c, '--out', bundles[i]!])));
}, 600_000);

const readBundle = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as PanelBundle;

describe('il2kit bundle', () => {
  it('writes one bundle per centre that passes the schema and its own hash, and logs each release', { timeout: 300_000 }, () => {
    for (const r of runs) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      // 32 tables of doses, holds and response (response:assessed since schema 4), 5–7 of outcomes (life tables, durable CR
      // where there was a CR, serious events), 4 reversal tables (fewer where no course had the toxicity) and 11 cycle-end
      // tables (recorded + 10 rulesets).
      expect(r.stdout).toMatch(/^bundle: [a-z]+ \d{4}-Q\d…\d{4}-Q\d, 5[1-4] tables \(\d+ cells under 5 suppressed/);
    }
    for (const f of bundles) {
      const b = PanelBundle.parse(readBundle(f));
      expect(bundleHash(b)).toBe(b.content_sha256);
      expect(b.policy.min_cell).toBe(5);
    }
    const audit = readFileSync(join(store, 'bundles', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; centre_id: string; content_sha256: string; suppressed: unknown[] });
    expect(centres.length).toBeGreaterThanOrEqual(4);
    expect(audit.map((a) => `${a.event} ${a.centre_id}`)).toEqual(centres.map((c) => `released ${c}`));
    expect(audit.map((a) => a.content_sha256)).toEqual(bundles.map((f) => readBundle(f).content_sha256));
    expect(audit.every((a) => a.suppressed.length > 0)).toBe(true);
  });

  it('is deterministic: the same store and centre give a byte-identical bundle', { timeout: 300_000 }, () => {
    const again = join(dir, 'again.json');
    const r = il2kit(['bundle', '--store', store, '--centre', 'amstel', '--out', again]);
    expect(r.code).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(bundles[centres.indexOf('amstel')]!, 'utf8'));
  });

  it('refuses --min-cell below 3 and an unknown centre, with exit 2 and no stack trace', { timeout: 300_000 }, () => {
    const low = il2kit(['bundle', '--store', store, '--centre', 'amstel', '--min-cell', '2', '--out', join(dir, 'x.json')]);
    expect(low.code).toBe(2);
    expect(low.stderr).toBe('il2kit: --min-cell must be a whole number ≥ 3 (DataSHIELD\'s floor; 5 is the default most data releasers use), got "2"\n');
    const unknown = il2kit(['bundle', '--store', store, '--centre', 'nowhere', '--out', join(dir, 'x.json')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(new RegExp(`^il2kit: --centre nowhere: no cycles for that centre in .* \\(centres there: ${[...centres].sort().join(', ')}\\)\n$`));
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });

  it('refuses a bundle that differs by less than k from an earlier release of an overlapping period, and writes nothing', { timeout: 300_000 }, () => {
    // A centre whose released case mix has a count above k to lower (not every small centre has one).
    const hasRoom = (n: number) => readBundle(bundles[n]!).tables.find((x) => x.id === 'case_mix:ecog')!.cells.some((row) => row.some((v) => v !== null && v > 5));
    const k = centres.findIndex((_, n) => hasRoom(n));
    expect(k).toBeGreaterThanOrEqual(0);
    const centre = centres[k]!;
    const f = bundles[k]!;
    const earlier = readBundle(f);
    // An earlier release in which one released count was one lower: as if the new quarter added one patient there.
    const t = earlier.tables.find((x) => x.id === 'case_mix:ecog')!;
    const i = t.cells.findIndex((row) => row.some((v) => v !== null && v > 5));
    const j = t.cells[i]!.findIndex((v) => v !== null && v > 5);
    t.cells[i]![j] = t.cells[i]![j]! - 1;
    const edited = { ...earlier, period: { first: earlier.period.first, last: '2023-Q1' } };
    const logged = { ...edited, content_sha256: bundleHash(edited) };
    const s2 = join(dir, 'store2');
    cpSync(store, s2, { recursive: true });
    writeFileSync(join(s2, 'bundles', 'audit.jsonl'), JSON.stringify({ event: 'released', bundle: logged }) + '\n');
    const out = join(dir, 'refused.json');
    const r = il2kit(['bundle', '--store', s2, '--centre', centre, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`bundle refused for ${centre} ${earlier.period.first}…${earlier.period.last}: against an earlier released bundle of an overlapping period, 1 released count(s) would reveal a group smaller than 5:`);
    expect(r.stderr).toContain(`case_mix:ecog [${t.rows[i]}, ${t.cols[j]}] differs by 1 from the bundle released for ${earlier.period.first}…2023-Q1`);
    expect(r.stderr).toContain('Nothing was written.');
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(join(s2, 'bundles', 'audit.jsonl'), 'utf8')).toContain('"event":"refused"');
  });
});

describe('il2kit pool', () => {
  let out: string;
  let run: ReturnType<typeof il2kit>;
  beforeAll(() => {
    out = join(dir, 'panel');
    run = il2kit(['pool', ...bundles, '--out', out]);
  }, 300_000);

  it('writes the tables, figures and one self-contained panel report', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^pool: ${centres.length} bundles \\(${[...centres].sort().join(', ')}\\) → \\d+ tables, \\d figures and panel-report\\.html in `));
    const files = readdirSync(out);
    for (const t of ['centres', 'dose_survival', 'concordance', 'response_rates', 'suppressed_cells']) expect(files).toEqual(expect.arrayContaining([`${t}.csv`, `${t}.parquet`]));
    const html = readFileSync(join(out, 'panel-report.html'), 'utf8');
    expect(html).not.toMatch(/<script|src="http|href="http/);
    for (const c of centres) expect(html).toContain(c);
    expect(html).toContain('&lt; 5*');
    expect(html).toContain('guarantee-time bias');
    expect(html).toMatch(/consensus_2014_t3<\/td><td>(verified|inferred|unverified)/);
  });

  const refuse = (args: string[]) => {
    const r = il2kit(['pool', ...args, '--out', join(dir, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'never'))).toBe(false);
    return r.stderr;
  };

  it('refuses a hand-edited bundle by its hash', { timeout: 300_000 }, () => {
    const b = readBundle(bundles[0]!);
    const t = b.tables.find((x) => x.cells.flat().some((v) => v !== null && v > 0))!;
    const row = t.cells.findIndex((r) => r.some((v) => v !== null && v > 0));
    t.cells[row] = t.cells[row]!.map((v) => (v !== null && v > 0 ? v + 1 : v));
    const f = join(dir, 'edited.json');
    writeFileSync(f, JSON.stringify(b, null, 2));
    expect(refuse([f])).toMatch(new RegExp(`^il2kit: pool refused: 1 problem\\(s\\) with the bundles; nothing was written\\n  ${f.replace(/[.]/g, '\\.')}: content does not match its SHA-256 \\(stated [0-9a-f]{12}…, computed [0-9a-f]{12}…\\): changed after il2kit bundle wrote it`));
  });

  it('bad input: empty list, non-JSON, another schema version, the wrong kind, a duplicated or overlapping centre, an unknown label', { timeout: 300_000 }, () => {
    expect(refuse([])).toBe('il2kit: give at least one bundle file: il2kit pool <bundle.json…> (each centre makes its own with il2kit bundle)\n');
    const nonJson = join(dir, 'notes.json');
    writeFileSync(nonJson, 'centre: amstel\n');
    expect(refuse([nonJson])).toContain(`${nonJson}: not JSON (`);
    // Version 3 (response rows of the assessed only) is refused with what to do.
    const v2 = join(dir, 'v3.json');
    writeFileSync(v2, JSON.stringify({ ...readBundle(bundles[0]!), schema_version: 3 }));
    expect(refuse([v2])).toContain(
      `${v2}: bundle schema version 3, made by an earlier il2kit; this il2kit pools version 4 only (docs/panel.md: versions are not mixed, since ` +
        `their tables differ) — ask the centre to bundle again with the panel's il2kit version`,
    );
    const manifest = join(dir, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ kit: 'il2kit', command: 'ingest' }));
    expect(refuse([manifest])).toContain(`${manifest}: not an il2kit panel bundle (kind null, expected "il2kit.panel-bundle")`);
    expect(refuse([bundles[0]!, bundles[0]!])).toContain(`${bundles[0]}: the same bundle as ${bundles[0]}; give each bundle once`);
    const again = join(dir, 'overlap.json');
    const second = { ...readBundle(bundles[centres.indexOf('amstel')]!), period: { first: '2023-Q1', last: '2024-Q2' } };
    writeFileSync(again, JSON.stringify({ ...second, content_sha256: bundleHash(second) }));
    expect(refuse([bundles[centres.indexOf('amstel')]!, again])).toMatch(/overlap\.json: a second bundle of centre amstel \(2023-Q1…2024-Q2\) overlapping .*amstel\.json/);
    expect(refuse([join(dir, 'missing.json')])).toContain('missing.json: cannot be read (ENOENT)');
    const lymphoma = join(dir, 'lymphoma.json');
    const other = readBundle(bundles[0]!);
    other.tables.find((t) => t.id === 'response')!.rows[0] = 'lymphoma';
    writeFileSync(lymphoma, JSON.stringify({ ...other, content_sha256: bundleHash(other) }));
    expect(refuse([lymphoma])).toContain(`${lymphoma}: 1 label(s) outside the kit's vocabularies: table response: row "lymphoma" is not a known disease (allowed: rcc, melanoma, all)`);
  });
});

describe('every bundle the tests wrote', () => {
  it('has no count under k, no key-like string and no date', { timeout: 300_000 }, async () => {
    const keys = await readStore(store, async (conn) => (await queryRows(conn, 'SELECT patient_key FROM patient')).map((r) => String(r.patient_key)));
    const files = [...bundles, join(dir, 'again.json')].filter(existsSync);
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) expect(bundleScanProblems(PanelBundle.parse(readBundle(f)), keys), f).toEqual([]);
  });
});
