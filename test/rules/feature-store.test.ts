// Stored slot features (rules/feature-store.ts): ingest refreshes a centre's features and stamps them; a reader uses
// them only while the centre's data version and the feature definitions match, and the frame it returns is the one a
// from-scratch computation gives, whichever centres came from the store.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotFeaturesFromStore } from '../../analytics/practice/report.js';
import { ingestCentre } from '../../pipelines/ingest.js';
import { openStore } from '../../pipelines/store/commit.js';
import { concatFrames, frameFile, readFeatureFrames } from '../../rules/feature-frames.js';
import { FEATURE_DEFINITION, freshFeatureCentres, freshFeatureStamps } from '../../rules/feature-store.js';
import { computeSlotFeatures, readSlotFeatures, type SlotFeatureFrame } from '../../rules/features.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CENTRES = ['amstel', 'riverside'];
const dir = mkdtempSync(join(tmpdir(), 'il2kit-feature-store-'));
const storeDir = join(dir, 'store');
const dbFile = join(storeDir, 'il2kit.duckdb');
let scratch: SlotFeatureFrame;

/** Frames equal column by column (NaN = NaN), and their slot-level columns. */
function expectSameFrame(a: SlotFeatureFrame, b: SlotFeatureFrame): void {
  expect(a.n).toBe(b.n);
  expect(a.centre_id).toEqual(b.centre_id);
  expect(a.patient_key).toEqual(b.patient_key);
  expect(a.cycle_id).toEqual(b.cycle_id);
  expect(Array.from(a.slot_number)).toEqual(Array.from(b.slot_number));
  expect(a.status).toEqual(b.status);
  expect(a.hold_reason_codes).toEqual(b.hold_reason_codes);
  for (const [k, col] of Object.entries(b.values)) expect([...a.values[k as keyof typeof a.values]!].map(String), k).toEqual([...col].map(String));
}

async function withStore<T>(f: (conn: Awaited<ReturnType<typeof openStore>>['conn']) => Promise<T>): Promise<T> {
  const { conn, close } = await openStore(dbFile);
  try {
    return await f(conn);
  } finally {
    close();
  }
}

beforeAll(async () => {
  for (const c of CENTRES) await ingestCentre(join(ROOT, 'data-samples', c, 'mapping.yaml'), { storeDir, env: {} });
  scratch = await withStore(async (conn) => {
    await computeSlotFeatures(conn, { table: '_scratch' });
    return readSlotFeatures(conn, { table: '_scratch' });
  });
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('slot features kept in the store', () => {
  it('ingest leaves every centre stamped current; the reader computes nothing and returns the from-scratch frame', async () => {
    expect([...(await withStore((conn) => freshFeatureCentres(conn, CENTRES)))].sort()).toEqual(CENTRES);
    const frame = await slotFeaturesFromStore(storeDir);
    expect(frame.computed).toEqual([]);
    expect(frame.framed).toEqual(CENTRES);
    expectSameFrame(frame, scratch);
  });

  it("each centre's frame file holds what its slot_features rows hold, and frames concatenate in centre order", async () => {
    const stamps = await withStore((conn) => freshFeatureStamps(conn, CENTRES));
    const parts = CENTRES.map((c) => readFeatureFrames(storeDir, [stamps.get(c)!])!);
    for (const [k, c] of CENTRES.entries()) expectSameFrame(parts[k]!, await withStore((conn) => readSlotFeatures(conn, { centres: [c] })));
    expectSameFrame(concatFrames(parts), scratch);
    expectSameFrame(readFeatureFrames(storeDir, CENTRES.map((c) => stamps.get(c)!))!, scratch);
  });

  it('a damaged, missing or stale frame file is never read: the reader falls back to the stored rows', async () => {
    const stamps = await withStore((conn) => freshFeatureStamps(conn, CENTRES));
    const file = frameFile(storeDir, 'amstel');
    const bytes = readFileSync(file);
    try {
      writeFileSync(file, bytes.subarray(0, bytes.length - 8));
      let frame = await slotFeaturesFromStore(storeDir);
      expect([frame.computed, frame.framed]).toEqual([[], ['riverside']]);
      expectSameFrame(frame, scratch);
      rmSync(file);
      frame = await slotFeaturesFromStore(storeDir);
      expect(frame.framed).toEqual(['riverside']);
      expectSameFrame(frame, scratch);
      expect(readFeatureFrames(storeDir, [{ ...stamps.get('riverside')!, data_version: stamps.get('riverside')!.data_version + 1 }])).toBeNull();
      expect(readFeatureFrames(storeDir, [{ ...stamps.get('riverside')!, definition: 'older' }])).toBeNull();
    } finally {
      writeFileSync(file, bytes);
    }
    expect((await slotFeaturesFromStore(storeDir)).framed).toEqual(CENTRES);
  });

  it('a centre whose data changed since its features were stamped is computed again, never read stale', async () => {
    await withStore((conn) => conn.run("UPDATE il2kit_meta SET value = (value::INTEGER + 1)::VARCHAR WHERE key = 'centre_version:amstel'"));
    const frame = await slotFeaturesFromStore(storeDir);
    expect(frame.computed).toEqual(['amstel']);
    expect(frame.framed).toEqual(['riverside']);
    expectSameFrame(frame, scratch);
  });

  it('features written under other definitions are stale; re-ingesting the centre makes them current again', async () => {
    await withStore((conn) => conn.run("UPDATE slot_features_state SET definition = 'older' WHERE centre_id = 'riverside'"));
    expect((await slotFeaturesFromStore(storeDir)).computed).toEqual(['amstel', 'riverside']);
    expect(FEATURE_DEFINITION).toMatch(/^[0-9a-f]{16}$/);
    for (const c of CENTRES) await ingestCentre(join(ROOT, 'data-samples', c, 'mapping.yaml'), { storeDir, env: {} });
    const frame = await slotFeaturesFromStore(storeDir);
    expect(frame.computed).toEqual([]);
    expectSameFrame(frame, scratch);
  }, 120_000);

  it('reads one centre alone, in the same order as within all centres', async () => {
    const one = await slotFeaturesFromStore(storeDir, { centres: ['riverside'] });
    const from = scratch.centre_id.indexOf('riverside');
    expect(one.cycle_id).toEqual(scratch.cycle_id.slice(from, from + one.n));
  });
});
