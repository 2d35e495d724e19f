// The columns and JSON paths a source's field maps read: what the header checks require, what is reported as
// unused, and which cells DuckDB reads for an NDJSON source.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../../pipelines/map/spec-load.js';
import { referencedColumns, referencedPaths } from '../../../pipelines/map/spec-render.js';
import { checkColumns } from '../../../pipelines/map/source-columns.js';

const SAMPLES = join(import.meta.dirname, '..', '..', '..', 'data-samples');

describe('referencedPaths', () => {
  const { spec } = loadSpec(join(SAMPLES, 'harbour', 'mapping.yaml'));
  const observation = spec.sources.find((s) => s.id === 'observation')!;

  it('includes pivot names and values and both ends of hours_between, once each, in spec order', () => {
    const paths = referencedPaths(observation);
    expect(paths[0]).toBe('subject.reference');
    expect(paths).toContain('code.coding[0].code'); // the pivot's name
    expect(paths).toEqual(expect.arrayContaining(['valueInteger', 'valueBoolean', 'valueCodeableConcept.coding[0].code'])); // the pivot's value
    expect(paths).toEqual(expect.arrayContaining(['effectivePeriod.start', 'effectivePeriod.end'])); // hours_between
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('is what referencedColumns holds besides identifiers and ignored columns', () => {
    const cols = referencedColumns(observation);
    for (const p of referencedPaths(observation)) expect(cols.has(p)).toBe(true);
    expect(cols.size).toBe(new Set([...referencedPaths(observation), ...observation.identifiers, ...observation.ignore_columns]).size);
  });

  it('makes a tabular source without a column that only a pivot reads fail its header check, not pass it as unused', () => {
    const columns = referencedPaths(observation).filter((p) => p !== 'valueBoolean');
    const row = { row: 1, pointer: null, values: Object.fromEntries(columns.map((c) => [c, 'x'])) };
    expect(() => checkColumns(observation, 'obs.csv', columns, [row])).toThrow(/column\(s\) "valueBoolean" named in the mapping spec \(source observation\) are not in the file/);
    expect(checkColumns(observation, 'obs.csv', [...columns, 'valueBoolean', 'note'], [row])).toEqual(['note']);
  });
});
