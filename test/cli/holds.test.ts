// `il2kit holds` on a store built from the five sample centres: the tables and figures it writes, that every
// rule-derived row carries its source and verification status, each centre agrees best with its own ruleset,
// and that the options select rulesets and centres.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleStore, SAMPLE_CENTRES } from '../../data-samples/sample-store.js';
import { il2kit } from '../helpers/cli.js';

let dir: string;
let store: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'il2kit-holds-'));
  store = await sampleStore();
}, 300_000);

/** A CSV written by DuckDB COPY, as rows of strings (handles quoted fields). */
function table(path: string): Record<string, string>[] {
  const parse = (line: string): string[] => {
    const out: string[] = [];
    let cur = '', quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') quoted = false; else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') { out.push(cur); cur = ''; } else cur += ch;
    }
    out.push(cur);
    return out;
  };
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const h = parse(head!);
  return lines.map((l) => Object.fromEntries(parse(l).map((v, i) => [h[i]!, v])));
}

const TABLES = ['rulesets', 'concordance', 'enforcement', 'hold_reasons', 'implied_thresholds', 'reference_bands', 'urine_charting'];

/** Rows of a DuckDB query (a throwaway in-memory database). */
async function query(text: string): Promise<Record<string, unknown>[]> {
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  try {
    return (await conn.runAndReadAll(text)).getRowObjectsJS();
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}
const FIGURES = ['hold_reasons', 'concordance', 'enforcement', 'implied_thresholds', 'swimmer_decisions'];

describe('il2kit holds', () => {
  let out: string;
  let run: ReturnType<typeof il2kit>;
  beforeAll(() => {
    out = join(dir, 'holds');
    run = il2kit(['holds', '--store', store, '--out', out]);
  });

  it('writes every table as CSV and Parquet, the figures as SVG and PNG, and a README', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^holds: 5295 slots, 5 centres × 10 rulesets → 7 tables, \d+ slot decisions \(Parquet\), 5 figures in /);
    const files = readdirSync(out);
    expect(files).toEqual(expect.arrayContaining([...TABLES.flatMap((t) => [`${t}.csv`, `${t}.parquet`]), ...FIGURES.flatMap((f) => [`${f}.svg`, `${f}.png`]), 'README.md']));
    expect(readFileSync(join(out, 'enforcement.png')).subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('label_legacy: ruleset unverified');
  });

  it('writes the per-slot decisions as Parquet, one file per centre × ruleset, a row per compared slot', async () => {
    const dirs = readdirSync(join(out, 'slot_decisions')).sort();
    expect(dirs).toEqual(SAMPLE_CENTRES.map((c) => `centre_id=${c}`).sort());
    for (const d of dirs) expect(readdirSync(join(out, 'slot_decisions', d))).toHaveLength(10);
    expect(readdirSync(out).some((f) => f.startsWith('slot_decisions.'))).toBe(false);
    // Compared slots per centre × ruleset = the concordance's classes (assessable + not assessable).
    const files = join(out, 'slot_decisions', '*', '*', 'data.parquet').replace(/'/g, "''");
    const counts = await query(`SELECT centre_id, ruleset_id, count(*)::INTEGER AS n, count(DISTINCT ruleset_status)::INTEGER AS s FROM read_parquet('${files}', hive_partitioning = true) GROUP BY ALL`);
    const conc = table(join(out, 'concordance.csv'));
    expect(counts).toHaveLength(conc.length);
    for (const c of conc) {
      const got = counts.find((x) => x.centre_id === c.centre_id && x.ruleset_id === c.ruleset_id)!;
      expect(got.n).toBe(Number(c.n) + Number(c.not_assessable));
      expect(got.s).toBe(1);
    }
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    expect(readme).toContain('slot_decisions/centre_id=<centre>/ruleset_id=<ruleset>/data.parquet');
    expect(readme).toMatch(/Swimmer plot \(consensus_2014_t3\): a sample, per centre, the 4 cycle\(s\) with the most slots/);
    expect(readFileSync(join(out, 'swimmer_decisions.svg'), 'utf8')).toContain('A sample, not every cycle');
  });

  it('states per centre which urine charting interval it saw, and that urine rates are read as the shift mean', () => {
    const rows = table(join(out, 'urine_charting.csv'));
    expect(rows.map((r) => r.centre_id)).toEqual([...SAMPLE_CENTRES].sort());
    for (const r of rows) expect(r.rate_reading).toMatch(/^shift mean/);
    expect(rows.find((r) => r.centre_id === 'lakeshore')!.charting).toBe('hourly');
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toMatch(/Urine-output rates \(mL\/h\) are judged on the shift mean.*lakeshore hourly/);
  });

  it('every rule-derived row carries its source and verification status', () => {
    for (const r of table(join(out, 'concordance.csv'))) expect([r.ruleset_source !== '', r.ruleset_status]).toEqual([true, expect.stringMatching(/^(verified|inferred|unverified)$/)]);
    for (const r of table(join(out, 'enforcement.csv'))) expect([r.source !== '', r.status]).toEqual([true, expect.stringMatching(/^(verified|inferred|unverified)$/)]);
    for (const r of table(join(out, 'implied_thresholds.csv'))) expect(r.reference_status).toMatch(/verified|inferred/);
    for (const r of table(join(out, 'reference_bands.csv'))) expect(r.source).toMatch(/^S1-T3/);
  });

  it('each centre agrees best with its own ruleset (kappa over the five centre rulesets)', () => {
    const rows = table(join(out, 'concordance.csv'));
    expect(rows).toHaveLength(50);
    for (const centre of SAMPLE_CENTRES) {
      const mine = rows.filter((r) => r.centre_id === centre && (SAMPLE_CENTRES as readonly (string | undefined)[]).includes(r.ruleset_id));
      const best = mine.reduce((a, b) => (Number(b.kappa) > Number(a.kappa) ? b : a));
      expect(best.ruleset_id).toBe(centre);
      expect(Number(best.kappa_lower)).toBeLessThanOrEqual(Number(best.kappa));
      expect(Number(best.agreement)).toBeGreaterThan(0.85);
    }
  });

  it('implied thresholds: one row per centre × variable beside the consensus band; riverside holds at HR 100', () => {
    const rows = table(join(out, 'implied_thresholds.csv'));
    expect(rows).toHaveLength(30); // 5 centres × 6 variables (phenylephrine at the dose and over the interval)
    const hr = rows.find((r) => r.centre_id === 'riverside' && r.variable === 'heart_rate_at_dose')!;
    expect(Number(hr.step_threshold)).toBe(100);
    expect(hr).toMatchObject({ step_direction: 'up', reference_band: 'relative [100, 130]; absolute >130', stated_band: 'relative [100, 130]; absolute >130' });
  });

  it('--ruleset and --centres select, the reference is kept, and a re-run leaves nothing stale', () => {
    writeFileSync(join(out, 'my-notes.txt'), 'mine\n');
    const again = il2kit(['holds', '--store', store, '--out', out, '--ruleset', 'riverside', 'til_2024', '--centres', 'riverside', 'summit']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/2 centres × 3 rulesets/);
    expect(new Set(table(join(out, 'concordance.csv')).map((r) => `${r.centre_id}/${r.ruleset_id}`))).toEqual(new Set(['riverside', 'summit'].flatMap((c) => ['riverside', 'til_2024', 'consensus_2014_t3'].map((x) => `${c}/${x}`))));
    expect(readFileSync(join(out, 'my-notes.txt'), 'utf8')).toBe('mine\n');
  });

  it('an unknown ruleset or a missing store is a user error', () => {
    const bad = il2kit(['holds', '--store', store, '--out', join(dir, 'bad'), '--ruleset', 'nope']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/unknown ruleset nope; known: consensus_2014_t3/);
    const none = il2kit(['holds', '--store', join(dir, 'no-store'), '--out', join(dir, 'bad')]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/no store at/);
  });

  it('a centre with no slots is a user error, and the command exits at once (no worker thread keeps it alive)', () => {
    const r = il2kit(['holds', '--store', store, '--out', join(dir, 'empty'), '--centres', 'nowhere'], { timeoutMs: 60_000 });
    expect(r.stderr).toMatch(/no dose slots in .* for nowhere/);
    expect(r.code).toBe(2);
  });
});
