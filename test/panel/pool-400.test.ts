// The path a consensus panel runs, at 400 simulated patients a centre (issue 22): `il2kit simulate` (five centres,
// seed panel-400) → `ingest` → `holds` → `bundle` of each centre (k = 5) → `pool`, built once for every assertion.
// It pins how many centres contribute to each reversal measure at day 7, 14 and 30 and to each cycle-end reading, and
// checks that every pooled row names its centres truthfully (its counts are the sums of those centres' released
// tables, and the others are named as left out). The figures are this seed's: a change to the simulator moves them,
// and the failure shows the new ones (read them against docs/panel.md before taking them).
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBand } from '../../analytics/panel/coarsen-toxicity.js';
import { queryRows } from '../../analytics/doses/load.js';
import { readStore } from '../../analytics/read-store.js';
import { parseCsv } from '../../pipelines/read/csv.js';
import { creatinineDifferences } from '../../reports/bundle/cross-table.js';
import { PanelBundle } from '../../schemas/bundle.js';
import { CENTRE_IDS } from '../../simulate/index.js';
import { bundleScanProblems } from '../helpers/bundle-scan.js';
import { il2kit, ROOT } from '../helpers/cli.js';

/**
 * This seed's figures. Session 15 (decision 48) hand-ran 3/2/3 centres for creatinine back to baseline, 1 for within
 * 1.5× and 2 for mental status; within 1.5× now has 2 at days 14 and 30 (decision 54: amstel's widest cut) and none at day 7 since the simulator's
 * rare serious events (decision 50) changed the seed's courses. The others
 * cannot be released by any cut (docs/panel.md gives each centre's counts).
 */
const EXPECTED = {
  /** Centres pooled at day 7, 14, 30 per reversal measure. */
  reversal: { creatinine_1_5x: [0, 2, 2], creatinine_baseline: [3, 2, 3], mental_status: [2, 2, 2], pressor_free: [5, 5, 5] } as Record<string, number[]>,
  /** Per cycle-end reading (recorded, then each kit ruleset): the most centres any of its reasons is pooled from; 11 of 11 readings pooled. */
  cycleEnd: {
    recorded: 5, amstel: 5, consensus_2014_t3: 5, harbour: 5, inst_springerplus_2015: 5, label_2024: 5, label_legacy: 4, lakeshore: 5, riverside: 5,
    summit: 5, til_2024: 5,
  } as Record<string, number>,
};

let dir: string;
const bundles = new Map<string, PanelBundle>();
let patientKeys: string[] = [];
const seconds: Record<string, number> = {};

/** Runs il2kit in a process of its own without blocking the event loop (two bundles at a time). */
function il2kitAsync(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, TZ: 'UTC' };
    const p = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stderr }));
  });
}

function step(name: string, args: string[], ok: number[] = [0]) {
  const t0 = Date.now();
  const r = il2kit(args);
  seconds[name] = (Date.now() - t0) / 1000;
  if (!ok.includes(r.code ?? -1)) throw new Error(`il2kit ${args[0]} exited ${r.code}: ${r.stderr.slice(0, 2000)}`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'il2kit-pool400-'));
  const exports = join(dir, 'exports');
  const store = join(dir, 'store');
  step('simulate', ['simulate', '--centres', CENTRE_IDS.join(','), '--patients', '400', '--seed', 'panel-400', '--out', exports, '--quiet']);
  for (const c of CENTRE_IDS) copyFileSync(join(ROOT, 'data-samples', c, 'mapping.yaml'), join(exports, c, 'mapping.yaml'));
  // Exit 1: a warning-level check failed for some rows (quarantined); the centres are stored.
  step('ingest', ['ingest', ...CENTRE_IDS.map((c) => join(exports, c, 'mapping.yaml')), '--store', store, '--reports', join(dir, 'reports')], [0, 1]);
  step('holds', ['holds', '--store', store, '--out', join(dir, 'holds')]);
  const t0 = Date.now();
  const files = CENTRE_IDS.map((c) => join(dir, 'bundles', `${c}.json`));
  for (let i = 0; i < CENTRE_IDS.length; i += 2) {
    const runs = await Promise.all(CENTRE_IDS.slice(i, i + 2).map((c, j) => il2kitAsync(['bundle', '--store', store, '--centre', c, '--out', files[i + j]!])));
    for (const r of runs) if (r.code !== 0) throw new Error(`il2kit bundle exited ${r.code}: ${r.stderr.slice(0, 2000)}`);
  }
  seconds.bundles = (Date.now() - t0) / 1000;
  step('pool', ['pool', ...files, '--out', join(dir, 'panel')]);
  CENTRE_IDS.forEach((c, i) => bundles.set(c, PanelBundle.parse(JSON.parse(readFileSync(files[i]!, 'utf8')))));
  patientKeys = await readStore(store, async (conn) => (await queryRows(conn, 'SELECT DISTINCT patient_key FROM patient')).map((r) => String(r.patient_key)));
  console.log(`pool-400: ${Object.entries(seconds).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')}`);
}, 1_800_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A pooled table as written by `il2kit pool` (CSV), one object per row. */
function pooled(name: string): Record<string, string>[] {
  const t = parseCsv(readFileSync(join(dir, 'panel', `${name}.csv`), 'utf8'), name);
  return t.records.map((r) => Object.fromEntries(t.header.map((h, i) => [h, r.cells[i] ?? ''])));
}
const names = (s: string) => (s === '' ? [] : s.split(', ').map((x) => x.split(' (')[0]!));
const table = (centre: string, id: string) => bundles.get(centre)!.tables.find((t) => t.id === id);

describe('il2kit pool of five 400-patient centres', () => {
  it('wrote five bundles that pass the bundle scan (no count under k, key or date; no stored patient key)', () => {
    expect([...bundles.keys()]).toEqual([...CENTRE_IDS]);
    expect(patientKeys.length).toBe(2000);
    for (const b of bundles.values()) expect(bundleScanProblems(b, patientKeys)).toEqual([]);
  });

  it('reversal: the centres contributing to each measure at day 7, 14 and 30', () => {
    const rows = pooled('outcome_reversal');
    const got: Record<string, number[]> = {};
    for (const r of rows) (got[r.measure!] ??= []).push(Number(r.centres));
    expect(got).toEqual(EXPECTED.reversal);
  });

  it('reversal: each row sums exactly the centres it names, and names every other centre with the table as left out', () => {
    for (const r of pooled('outcome_reversal')) {
      const id = `reversal:${r.measure}`;
      const used = names(r.centres_used!);
      const withTable = CENTRE_IDS.filter((c) => table(c, id) !== undefined);
      expect(used.length, `${id} day ${r.day}`).toBe(Number(r.centres));
      expect([...used, ...names(r.centres_left_out!)].sort(), `${id} day ${r.day}`).toEqual([...withTable].sort());
      const day = Number(r.day);
      let [courses, reversed] = [0, 0];
      for (const c of used) {
        const t = table(c, id)!;
        expect(t.rows.some((x) => parseBand(x)?.end === day), `${c} ${id} has a band ending at day ${day}`).toBe(true);
        t.rows.forEach((x, i) => {
          const cells = t.cells[i]! as number[];
          courses += cells.reduce((a, b) => a + b, 0);
          const end = parseBand(x)!.end;
          if (end !== null && end <= day) reversed += cells[t.cols.indexOf('reversed')]!;
        });
      }
      expect([Number(r.courses), Number(r.reversed_by_day)], `${id} day ${day}`).toEqual([courses, reversed]);
    }
  });

  it('cycle ends: every reading pooled, and the centres contributing to each', () => {
    const rows = pooled('outcome_cycle_ends');
    const got: Record<string, number> = {};
    for (const r of rows) got[r.reading!] = Math.max(got[r.reading!] ?? 0, new Set(names(r.centres_used!)).size);
    expect(got).toEqual(EXPECTED.cycleEnd);
    const cycleEnd = (c: string) => bundles.get(c)!.tables.filter((t) => t.kind === 'cycle_end');
    const readings = new Set(CENTRE_IDS.flatMap((c) => cycleEnd(c).map((t) => t.id.slice('cycle_end:'.length))));
    expect(Object.keys(got).sort()).toEqual([...readings].sort());
  });

  it('cycle ends: each reason row sums exactly the centres it names (listed, or absent with nothing merged)', () => {
    for (const r of pooled('outcome_cycle_ends')) {
      const used = names(r.centres_used!);
      expect(used.length, `${r.reading} ${r.reason}`).toBe(Number(r.centres));
      const id = `cycle_end:${r.reading}`;
      let [cycles, all] = [0, 0];
      for (const c of used) {
        const t = table(c, id)!;
        expect(t.withheld || t.cells.flat().some((v) => v === null), `${c} ${id} released whole`).toBe(false);
        const i = t.rows.indexOf(r.reason!);
        if (i < 0) expect(t.rows, `${c} ${id}: ${r.reason} absent, so nothing merged`).not.toContain('merged_rare');
        cycles += i < 0 ? 0 : (t.cells[i]![0] as number);
        all += t.cells.reduce((s, x) => s + (x[0] as number), 0);
      }
      expect([Number(r.cycles), Number(r.all_cycles)], `${r.reading} ${r.reason}`).toEqual([cycles, all]);
    }
  });
});

/** A released table's cells as numbers, or null when any is hidden (a reader then has its margins at most). */
const whole = (t: PanelBundle['tables'][number] | undefined) =>
  t === undefined || t.withheld || t.cells.flat().some((v) => v === null) ? null : (t.cells as number[][]);
const rowTotal = (t: PanelBundle['tables'][number] | undefined, rows: (r: string) => boolean) =>
  whole(t)?.reduce((s, r, i) => s + (rows(t!.rows[i]!) ? r.reduce((a, b) => a + b, 0) : 0), 0) ?? null;
const isSmall = (d: number) => d !== 0 && Math.abs(d) < 5;

// Other pairs of tables of the same patients (decision 48 argued them; here on real bundles): none gives a count under k.
describe('cross-table differences in the 400-patient bundles', () => {
  it('OS and PFS of a disease: the same patients; events and censorings so far differ by 0 or ≥ k at every shared month', () => {
    for (const [c, b] of bundles)
      for (const os of b.tables.filter((t) => t.kind === 'os_life')) {
        const pfs = table(c, `pfs_life:${os.group.disease}`);
        const [o, p] = [whole(os), whole(pfs)];
        if (o === null || p === null) continue;
        expect(rowTotal(os, () => true), `${c} ${os.id}`).toBe(rowTotal(pfs, () => true));
        const start = (t: typeof os) => t.rows.map((x) => Number(/^m(\d+)/.exec(x)?.[1] ?? 60));
        for (const m of start(os).filter((x) => x > 0 && x < 60 && start(pfs!).includes(x)))
          for (const j of [0, 1]) {
            const upTo = (cells: number[][], n: number) => cells.slice(0, n).reduce((s, r) => s + r[j]!, 0);
            const d = upTo(p, start(pfs!).indexOf(m)) - upTo(o, start(os).indexOf(m));
            expect(isSmall(d), `${c} ${os.group.disease} month ${m} column ${j}: ${d}`).toBe(false);
          }
      }
  });

  it('signal tables hold the same patients per disease as the response table (difference 0)', () => {
    for (const [c, b] of bundles)
      for (const sig of b.tables.filter((t) => t.kind === 'signal'))
        for (const disease of ['rcc', 'melanoma']) {
          const [a, r] = [rowTotal(sig, (x) => x.startsWith(`${disease}:`)), rowTotal(table(c, 'response'), (x) => x === disease)];
          if (a !== null && r !== null) expect(a, `${c} ${sig.id} ${disease}`).toBe(r);
        }
  });

  it('cycle-end readings: every reading counts the same cycles (difference 0), so reasons differ only as mixtures', () => {
    for (const [c, b] of bundles) {
      const totals = new Set(b.tables.filter((t) => t.kind === 'cycle_end').map((t) => rowTotal(t, () => true)));
      expect([...totals].length, c).toBe(1);
    }
  });

  it('serious events: patients with any serious event minus those with one kind is 0 or ≥ k', () => {
    for (const [c, b] of bundles)
      for (const t of b.tables.filter((x) => x.kind === 'serious_events')) {
        const any = t.rows.indexOf('any_serious');
        if (any < 0 || t.cells[any]![0] === null) continue;
        t.rows.forEach((row, i) => {
          const v = t.cells[i]![0];
          if (i !== any && v !== null) expect(isSmall((t.cells[any]![0] as number) - v!), `${c} ${t.id} any − ${row}`).toBe(false);
        });
      }
  });

  it('the two creatinine tables, as released, give no count of 1 … k − 1 courses', () => {
    for (const [c] of bundles) {
      const [w, n] = [table(c, 'reversal:creatinine_baseline'), table(c, 'reversal:creatinine_1_5x')];
      if (whole(w) === null || whole(n) === null) continue;
      const as = (t: NonNullable<typeof w>) => ({ ...t, counts: t.cells as number[][] });
      expect(creatinineDifferences(as(w!), as(n!)).filter((x) => isSmall(x.difference)), c).toEqual([]);
    }
  });

  // Closed (decision 55): the response rows are of all treated (RECIST 1.1's all-eligible denominator), so a disease's
  // response total is its patients (OS life table, case mix); the assessed-only rows are released only where the patients
  // not assessed are 0 or ≥ k. On the old bundles (response rows of the assessed only) this failed at four centres.
  it('response rows against the patients of the disease: no count of 1 … k − 1 patients not assessed', () => {
    let compared = 0;
    for (const [c, b] of bundles)
      for (const os of b.tables.filter((t) => t.kind === 'os_life')) {
        const d = os.group.disease!;
        const patients = rowTotal(os, () => true);
        const caseMix = rowTotal(table(c, 'case_mix:ecog'), (x) => x === d);
        for (const id of ['response', 'response:assessed']) {
          const t = table(c, id);
          const n = t?.rows.includes(d) ? rowTotal(t, (x) => x === d) : null;
          for (const m of [patients, caseMix])
            if (m !== null && n !== null) {
              compared++;
              expect(isSmall(m - n), `${c} ${d} ${id}: ${m} − ${n}`).toBe(false);
            }
        }
        // The all-eligible row holds every patient of the disease.
        expect(rowTotal(table(c, 'response'), (x) => x === d), `${c} ${d}`).toBe(patients);
      }
    expect(compared).toBeGreaterThanOrEqual(10);
  });
});
