// mapSourcePhases maps a source once for several phases: each phase must get exactly what a mapSource call of its own
// gives (records, problems, counts, unmapped codes), whatever mix of bad shapes, patient ids and routes the rows have.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../../pipelines/map/spec-load.js';
import { mapSource, mapSourcePhases, type MapContext, type MapOutput } from '../../../pipelines/map/records.js';
import { SAMPLE_KEY } from '../../../pipelines/map/pseudonymise.js';
import type { SourceData, SourceRow } from '../../../pipelines/read/source.js';
import { mulberry32 } from '../../helpers/random.js';

const SPEC_FILE = join(import.meta.dirname, '..', '..', 'fixtures', 'ingest', 'one-pass', 'spec.yaml');
const DOSE_LOG = new Set(['patient', 'cycle', 'dose_slot', 'response', 'response_assessment', 'follow_up']);
const COLUMNS = ['MRN', 'MED', 'SCHEDULED', 'TIME', 'ACTION', 'DOSE', 'DOSE_UNIT', 'RATE', 'RATE_UNIT', 'WT', 'COMMENT'];

/** Rows mixing good and bad patient ids, shapes, routes, times, rates and codes. */
function rows(n: number, seed: number): SourceRow[] {
  const r = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  return Array.from({ length: n }, (_, i) => {
    const values: Record<string, unknown> = {
      MRN: pick(['MRN1001', 'MRN1002', 'X1001', '', ' ']),
      MED: pick(['aldesleukin', 'phenylephrine drip', 'norepinephrine drip', 'saline bolus', 'aldesleukin bolus', 'acetaminophen', '']),
      SCHEDULED: pick(['2024-03-25 08:00', '2024-03-25 16:00', 'soon', '']),
      TIME: pick(['2024-03-25 08:05', '2024-03-25 17:00', 'not a time', '']),
      ACTION: pick(['given', 'held', 'stopped', 'started', 'entered in error', 'paused']),
      DOSE: pick(['48000000', '500', 'abc', '']),
      DOSE_UNIT: pick(['IU', 'mL', 'mg', '']),
      RATE: pick(['50', 'fast', '']),
      RATE_UNIT: pick(['mcg/min', 'mL/h', 'furlongs', '']),
      WT: pick(['80', '64,5', '']),
      COMMENT: pick(['', 'SBP 84', 'per MD']),
    };
    const row: SourceRow = { row: i + 1, pointer: null, values };
    const shape = r();
    if (shape < 0.05) row.extraCells = ['x'];
    else if (shape < 0.1) row.missingCells = COLUMNS.slice(7);
    return row;
  });
}

describe('mapSourcePhases', () => {
  const spec = parseSpec(readFileSync(SPEC_FILE, 'utf8'), SPEC_FILE);
  const src = spec.sources.find((s) => s.id === 'mar')!;
  const early = new Set(src.tables.filter((t) => DOSE_LOG.has(t.table)));
  const later = new Set(src.tables.filter((t) => !DOSE_LOG.has(t.table)));
  const ctx = (unmapped = new Map<string, Map<string, number>>()): MapContext => ({ spec, key: SAMPLE_KEY, unmapped });
  const data = (rs: SourceRow[]): SourceData => ({ file: 'mar.csv', path: '/x/mar.csv', sha256: 'a'.repeat(64), bytes: 1, columns: COLUMNS, rows: rs });

  it.each([1, 2, 3, 4, 5])('gives each phase what a call of its own gives (seed %i)', (seed) => {
    const d = data(rows(400, seed));
    const [ua, ub] = [new Map(), new Map()];
    const a = mapSource(src, d, ctx(ua), early, false);
    const b = mapSource(src, d, ctx(ub), later, true);
    const [ua2, ub2] = [new Map(), new Map()];
    const both = mapSourcePhases(src, d, ctx(ua2), [
      { produce: early, countUnused: false },
      { produce: later, countUnused: true, unmapped: ub2 },
    ]);
    expect(both).toEqual([a, b]);
    expect([ua2, ub2]).toEqual([ua, ub]);
    // The mix reaches every case: records of both phases, quarantined ones in both, rows routed and unused.
    const [ra, rb] = both as MapOutput[];
    expect(ra!.candidates.some((c) => c.problems.length > 0) && rb!.candidates.some((c) => c.problems.length > 0)).toBe(true);
    expect(rb!.counts.unusedRows).toBeGreaterThan(0);
    expect(ub2.size).toBeGreaterThan(0);
  });

  it('reads each row once for both phases (its routing column as often as one call mapping every map does)', () => {
    let reads = 0;
    const counted = (rs: SourceRow[]) =>
      rs.map((row) => ({
        ...row,
        values: new Proxy(row.values, {
          get: (t, k) => {
            if (k === 'MED') reads++;
            return Reflect.get(t, k);
          },
        }),
      }));
    // Rows with a problem of their own are routed by each phase apart (as its own call did): left out here.
    const base = rows(400, 9).filter((r) => /^MRN/.test(String(r.values.MRN)) && !r.extraCells && !r.missingCells);
    mapSource(src, data(counted(base)), ctx(), undefined, true);
    const once = reads;
    reads = 0;
    mapSource(src, data(counted(base)), ctx(), early, false);
    mapSource(src, data(counted(base)), ctx(), later, true);
    const twice = reads;
    reads = 0;
    mapSourcePhases(src, data(counted(base)), ctx(), [{ produce: early, countUnused: false }, { produce: later, countUnused: true }]);
    expect(base.length).toBeGreaterThan(100);
    expect(reads).toBe(once);
    expect(reads).toBeLessThan(twice);
  });

  it('stops a later phase that throws, keeping the first', () => {
    // Only the drips' map reads RATE, in the later phase: reading it throws.
    const boom = new Error('boom');
    const d = data(
      rows(50, 3).map((row) => ({ ...row, values: new Proxy(row.values, { get: (t, k) => (k === 'RATE' ? raise(boom) : Reflect.get(t, k)) }) })),
    );
    const out = mapSourcePhases(src, d, ctx(), [
      { produce: early, countUnused: false },
      { produce: later, countUnused: true },
    ]);
    expect(out[0]).toEqual(mapSource(src, d, ctx(), early, false));
    expect(out[1]).toEqual({ error: boom });
    expect(() => mapSource(src, d, ctx(), later, true)).toThrow(boom);
  });
});

function raise(e: Error): never {
  throw e;
}
