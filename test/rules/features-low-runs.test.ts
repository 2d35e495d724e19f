// Hours of a low-rate urine run (oliguria_hours) against a reference written from the definition: a run is a stretch of
// periods under 10 mL/h, each starting at most a minute after the one before it ends, and its hours count from the
// earliest start of any period in the whole run (a later, longer period can start earlier). The derive SQL numbers the
// runs among the low-rate periods only (rules/features.ts); seeded series with high-rate periods between low ones,
// gaps of seconds and minutes, overlapping and long periods check that this gives the same hours as the whole series.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { computeSlotFeatures } from '../../rules/features.js';
import { mulberry32 } from '../helpers/random.js';
import { buildStore, cycle, obs, slots } from './store-fixture.js';

const H = 3_600_000_000; // µs per hour
const START = Date.parse('2024-03-04T08:00:00Z');
const PATIENTS = 12;
const SLOTS = 15;

interface Period {
  e: number; // end, µs
  p: number; // hours
  rate: number; // mL/h
}

/** A patient's charted urine periods: strictly increasing ends, some gaps, some overlaps, some long periods. */
function series(seed: number): Period[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const out: Period[] = [];
  let end = START * 1000 - 6 * H;
  while (end < START * 1000 + SLOTS * 8 * H) {
    const overlap = rnd() < 0.1;
    const p = overlap ? 4 : pick([0.5, 1, 1, 2]);
    const gapUs = overlap ? -2 * H : pick([0, 0, 0, 30e6, 60e6, 61e6, 5 * 60e6, 3 * H]);
    end += p * H + gapUs;
    out.push({ e: end, p, rate: pick([2, 5, 9, 9, 15, 40, 80]) });
  }
  return out;
}

/** oliguria_hours at each slot, from the definition over the whole series. */
function expected(ps: Period[], slotUs: number[]): (number | null)[] {
  const st = ps.map((x) => x.e - x.p * H);
  const run: number[] = [];
  ps.forEach((x, i) => {
    const continues = i > 0 && x.rate < 10 && ps[i - 1]!.rate < 10 && st[i]! <= ps[i - 1]!.e + 60e6;
    run.push(i === 0 ? 0 : run[i - 1]! + (continues ? 0 : 1));
  });
  const runStart = new Map<number, number>();
  ps.forEach((_, i) => runStart.set(run[i]!, Math.min(runStart.get(run[i]!) ?? Infinity, st[i]!)));
  const low = ps.map((x, i) => (x.rate < 10 ? (x.e - runStart.get(run[i]!)!) / H : 0));
  return slotUs.map((t) => {
    let k = -1;
    for (let i = 0; i < ps.length && ps[i]!.e <= t; i++) k = i;
    return k >= 0 && t - ps[k]!.e <= 4 * H ? low[k]! : null;
  });
}

const iso = (us: number) => new Date(us / 1000).toISOString();
let conn: DuckDBConnection;
const want: (number | null)[][] = [];

beforeAll(async () => {
  const records = { patient: [] as Record<string, unknown>[], cycle: [] as Record<string, unknown>[], dose_slot: [] as Record<string, unknown>[] };
  const observation: Record<string, unknown>[] = [];
  for (let k = 0; k < PATIENTS; k++) {
    const key = `patient-${String(k).padStart(2, '0')}`;
    const cyc = `${key}-c1.1`;
    records.cycle.push({ ...cycle(iso(START * 1000), 80, cyc), patient_key: key });
    records.dose_slot.push(...slots(iso(START * 1000), Array(SLOTS).fill('given'), cyc).map((s) => ({ ...s, patient_key: key })));
    const ps = series(1000 + k);
    for (const x of ps) observation.push({ ...obs('urine_output', iso(x.e), x.rate * x.p, 'mL', x.p), patient_key: key, cycle_id: cyc });
    want.push(expected(ps, Array.from({ length: SLOTS }, (_, i) => START * 1000 + i * 8 * H)));
  }
  conn = await buildStore({ ...records, observation });
  expect(await computeSlotFeatures(conn)).toBe(PATIENTS * SLOTS);
}, 120_000);
afterAll(() => conn.closeSync());

describe('oliguria_hours over seeded urine series', () => {
  it('equals the whole-series definition at every slot', async () => {
    const rows = (await conn.runAndReadAll('SELECT patient_key, oliguria_hours FROM slot_features ORDER BY patient_key, slot_number')).getRows();
    const got = Array.from({ length: PATIENTS }, (_, k) => rows.slice(k * SLOTS, (k + 1) * SLOTS).map((r) => (r[1] === null ? null : Number(r[1]))));
    expect(got).toEqual(want);
    // The series reach the cases the numbering must get right: runs cut by a high rate and by a gap, long runs.
    const all = want.flat();
    expect(all.filter((v) => v !== null && v > 0).length).toBeGreaterThan(10);
    expect(all.filter((v) => v !== null && v > 8).length).toBeGreaterThan(0);
  });
});
