// The investigator report on the samples' store, on one centre, on a centre without one kind of observation, and on
// stores it cannot use (none, empty, an older layout): a page that says what is missing, or a message naming the fix.
import { cpSync, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleStore, SAMPLE_CENTRES } from '../../../data-samples/sample-store.js';
import { buildReport, ReportInputError, type BuildReportOptions, type BuiltReport } from '../../../reports/report/index.js';
import { OBSERVATION_VARIABLES } from '../../../schemas/vocabularies.js';
import { il2kit } from '../../helpers/cli.js';
import { queryStore } from '../../helpers/store.js';

const provenance = { kitVersion: '0.1.0', gitCommit: '0123456789abcdef0123', runAt: new Date('2026-01-02T03:04:05Z') };
const options = (storeDir: string, more: Partial<BuildReportOptions> = {}): BuildReportOptions => ({
  storeDir,
  reportsDir: join(storeDir, 'no-reports'),
  outDir: storeDir,
  provenance,
  ...more,
});

/** A writable copy of a store, changed by `sql`. */
async function alteredCopy(store: string, sql: string[]): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'il2kit-report-')), 'store');
  cpSync(store, dir, { recursive: true });
  const inst = await DuckDBInstance.create(join(dir, 'il2kit.duckdb'));
  const conn = await inst.connect();
  try {
    for (const s of sql) await conn.run(s);
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
  return dir;
}

/** Page text with tags removed, for sentence checks. */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

// Each build runs the three analyses: minutes on a busy two-core machine.
describe('il2kit report on the samples store', { timeout: 300_000 }, () => {
  let store: string;
  let built: BuiltReport;
  beforeAll(async () => {
    store = await sampleStore();
    built = await buildReport(options(store));
  }, 300_000);

  it('has the sections in order, summary first and provenance last', () => {
    expect(built.sections).toEqual([
      'Summary', 'Data quality', 'Hold practice', 'Doses reached', 'Response signals', 'Outcomes and safety', 'The consensus figures', 'Provenance',
    ]);
  });

  it('summarises the store with counts from it and the period as month and year only', async () => {
    const [n] = await queryStore(store, 'SELECT count(*)::INTEGER AS patients, (SELECT count(*)::INTEGER FROM cycle) AS cycles FROM patient');
    const t = text(built.html);
    expect(t).toContain(`5 centres (${[...SAMPLE_CENTRES].sort().join(', ')}), ${n!.patients} patients,`);
    expect(t).toContain(`and ${n!.cycles} cycles, treated in `);
    expect(t).toMatch(/treated in (January|February|March|April|May|June|July|August|September|October|November|December) \d{4} – \w+ \d{4}\./);
    // No calendar day before Provenance (which gives the report's own time and ruleset versions).
    expect(t.slice(0, t.indexOf('Provenance This report'))).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);
  });

  it('answers the three questions in sentences with intervals', () => {
    const t = text(built.html);
    expect(t).toMatch(
      new RegExp(
        String.raw`Against HD IL-2 expert consensus 2014.*\(consensus_2014_t3, \[V\]; \d+ of its \d+ rules inferred or unverified\), ` +
          String.raw`agreement between recorded holds and its criteria ranged from κ = [\d.]+ \(95% CI [\d.]+–[\d.]+\) at \w+ to κ = [\d.]+ \(95% CI`,
      ),
    );
    expect(t).toMatch(/The mean doses given per cycle ranged from [\d.]+ doses \(95% CI [\d.]+–[\d.]+; regimen \d+k\/1[45]\) at \w+ to/);
    expect(t).toMatch(/In course 1, [\d.]+% \(\d+ of \d+; 95% CI [\d.]+%–[\d.]+%, Wilson\) of assessed patients had a complete or partial response/);
    expect(t).toMatch(/The strongest signals \(adjusted for centre and disease\) were .*odds ratio [\d.]+ per .*95% CI/);
  });

  it('names inferred rules, the landmark design and the store under every figure and table', () => {
    const t = text(built.html);
    expect(t).toContain('Rules of the reference that are not verified (do not cite them as facts):');
    expect(t).toMatch(/\[INFERRED\]/);
    expect(t).toContain('guarantee-time bias');
    const figures = built.html.match(/<figure[\s>]/g) ?? [];
    expect(figures.length).toBeGreaterThanOrEqual(10);
    expect(built.html.match(/<figcaption>[^]*?<\/figcaption>/g)!.filter((c) => !c.includes(store))).toEqual([]);
    expect(built.html.match(/<\/table><\/div><p class="note"><span class="note">Source: store/g)!.length).toBeGreaterThanOrEqual(5);
  });

  // s17: each serious event's own rate; the samples' riverside MI (data-samples/_truth/riverside/events.csv) is one
  it('lists each serious event type a patient had, all centres, with its exact interval; names the types nobody had', () => {
    const t = text(built.html);
    expect(t).toContain('Serious events by type, all centres');
    expect(t).toMatch(/Myocardial infarction or ischaemia \(troponin rise\) 600k\/14 1 \d+ [\d.]+ [\d.]+–[\d.]+/);
    expect(t).toMatch(/No patient had: [^.]*\./);
  });

  it('never prints null, undefined or NaN, and says where the data-quality pages are missing', () => {
    expect(text(built.html)).not.toMatch(/\b(null|undefined|NaN)\b/);
    for (const c of SAMPLE_CENTRES)
      expect(text(built.html)).toContain(`no data-quality report for ${c} at ${join(store, 'no-reports', c, 'data-quality.json')}`);
  });

  it('is byte-identical when made again from the same store', async () => {
    const again = await buildReport(options(store, { centres: ['summit', 'amstel'] }));
    const third = await buildReport(options(store, { centres: ['amstel', 'summit'] }));
    expect(third.html).toBe(again.html);
  });
});

describe('il2kit report on awkward stores', { timeout: 300_000 }, () => {
  let store: string;
  beforeAll(async () => {
    store = await sampleStore();
  }, 300_000);

  it('one centre: a report that says nothing is compared, and no funnel drawn', async () => {
    const r = await buildReport(options(store, { centres: ['amstel'] }));
    const t = text(r.html);
    expect(t).toContain('The store holds one centre (amstel): nothing is compared between centres');
    expect(t).toContain('not drawn — a funnel compares centres, and the store holds one');
    expect(t).toContain('1 centre (amstel)');
    expect(t).toMatch(/recorded holds agreed with its criteria with κ = [\d.]+ \(95% CI [\d.]+–[\d.]+\) at amstel/);
    expect(t).toMatch(/At amstel, [\d.]+% of cycles \(95% CI [\d.]+%–[\d.]+%, Wilson\) reached 10 doses\./);
    expect(t).toMatch(/In course 1, [\d.]+% \(\d+ of 30; 95% CI [\d.]+%–[\d.]+%, Wilson\) of assessed patients had a complete or partial response\./);
    expect(r.html).not.toContain('Figure not drawn: there was nothing to show');
  });

  it('a centre without laboratory observations: the report says so', async () => {
    const labs = Object.entries(OBSERVATION_VARIABLES).filter(([, v]) => v.category === 'lab').map(([k]) => `'${k}'`);
    const copy = await alteredCopy(store, [`DELETE FROM observation_rows WHERE centre_id = 'amstel' AND variable IN (${labs.join(', ')})`]);
    const r = await buildReport(options(copy, { centres: ['amstel', 'harbour'] }));
    expect(text(r.html)).toContain('amstel has no laboratory observations: rules and signals that need them cannot be evaluated there');
    expect(text(r.html)).not.toContain('harbour has no laboratory');
  });

  it('a store of an older layout is refused with what to do', async () => {
    const copy = await alteredCopy(store, ["UPDATE il2kit_meta SET value = 'an-older-layout' WHERE key = 'layout'"]);
    await expect(buildReport(options(copy))).rejects.toThrow(
      /written by another version of the common schema\. Ingest every centre again into a new store folder/,
    );
  });

  it('a store with no patients, and a store file with no tables, are refused as empty', async () => {
    const noPatients = await alteredCopy(store, ['DELETE FROM patient']);
    await expect(buildReport(options(noPatients))).rejects.toThrow(ReportInputError);
    await expect(buildReport(options(noPatients))).rejects.toThrow(/holds no centre with any patient; ingest at least one centre/);
    const bare = join(mkdtempSync(join(tmpdir(), 'il2kit-report-bare-')), 'store');
    mkdirSync(bare);
    (await DuckDBInstance.create(join(bare, 'il2kit.duckdb'))).closeSync();
    await expect(buildReport(options(bare))).rejects.toThrow(/holds no centre with any patient/);
  });

  it('unknown centres and rulesets are named with what the store and kit hold', async () => {
    await expect(buildReport(options(store, { centres: ['nowhere'] }))).rejects.toThrow(
      /--centres: nowhere not in the store \(it holds amstel, harbour, lakeshore, riverside, summit\)/,
    );
    await expect(buildReport(options(store, { reference: 'nope' }))).rejects.toThrow(/unknown --reference nope; known rulesets: consensus_2014_t3/);
  });

  it('the command exits 2 with one line and no stack trace for a missing or unusable store', async () => {
    const missing = il2kit(['report', '--store', join(tmpdir(), 'il2kit-no-such-store'), '--out', join(tmpdir(), 'il2kit-x.html')]);
    expect(missing.code).toBe(2);
    const noStore = join(tmpdir(), 'il2kit-no-such-store', 'il2kit.duckdb');
    expect(missing.stderr).toBe(`il2kit: no store at ${noStore}; run il2kit ingest first (or pass --store <dir>)\n`);
    const older = await alteredCopy(store, ["UPDATE il2kit_meta SET value = 'x' WHERE key = 'layout'"]);
    const r = il2kit(['report', '--store', older, '--out', join(older, 'r.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^il2kit: .*written by another version of the common schema.*\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
