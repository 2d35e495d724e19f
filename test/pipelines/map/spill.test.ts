import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandidateSpill } from '../../../pipelines/map/spill.js';
import type { Candidate } from '../../../pipelines/map/records.js';

describe('candidate spill (phase-B candidates parked between the ingest phases)', () => {
  it('gives back every candidate as written: values, key order, dates, undefined, -0, non-finite numbers, lists, problems, frames in order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spill-'));
    const units = { sbp: 'mm[Hg]' };
    const where = (row: number | null, pointer: string | null, file = 'a.csv') => ({ file, sha256: 'ab'.repeat(32), row, pointer });
    const frames: Candidate[][] = [
      [
        { table: 'observation', values: { centre_id: 'x', patient_key: 'k1', variable: 'sbp', value: 114, unit: 'mm[Hg]' }, extra: { __ms: 1576029600000, value__raw: '114', __units: units }, where: where(1, null), problems: [] },
        { table: 'observation', values: { patient_key: 'k1', centre_id: 'x', variable: 'sbp', value: -0, period_hours: null }, extra: { __units: units }, where: where(2, null), problems: [] },
        { table: 'infusion', values: { centre_id: 'x', rate: Number.NaN, end_at: undefined, list: ['a', 'b'], mixed: [new Date(0), null] }, extra: { rate__raw: Number.POSITIVE_INFINITY, d: new Date('2020-01-02T03:04:05Z') }, where: where(null, 'line 3', 'b.ndjson'), problems: [{ field: 'rate', raw: new Date(5), check: 'x', message: 'é \u2028 \ud800' }, { field: null, raw: undefined, check: 'y', message: 'm' }] },
      ],
      [],
      [{ table: 'clinical_event', values: { centre_id: 'x', ok: true, '1': 'int key' }, extra: {}, where: where(4, null), problems: [] }],
    ];
    const spill = new CandidateSpill(join(dir, 's.bin'));
    try {
      for (const f of frames) spill.write(f);
      const back = [...spill.read()];
      expect(back).toEqual(frames);
      expect(back.length).toBe(3);
      for (let i = 0; i < frames.length; i++) {
        for (let j = 0; j < frames[i]!.length; j++) {
          const a = frames[i]![j]!;
          const b = back[i]![j]!;
          expect(Object.keys(b.values)).toEqual(Object.keys(a.values));
          expect(Object.keys(b.extra)).toEqual(Object.keys(a.extra));
          for (const k of Object.keys(a.values)) expect(Object.is(b.values[k], a.values[k]) || JSON.stringify(b.values[k]) === JSON.stringify(a.values[k])).toBe(true);
        }
      }
      expect(Object.is(back[0]![1]!.values.value, -0)).toBe(true);
      expect(back[0]![2]!.values.rate).toBeNaN();
      expect('end_at' in back[0]![2]!.values).toBe(true);
      expect(back[0]![2]!.problems[0]!.raw).toBeInstanceOf(Date);
      // A shared object (a table map's unit table) stays shared within a piece.
      expect(back[0]![0]!.extra.__units).toBe(back[0]![1]!.extra.__units);
    } finally {
      spill.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
