// The DuckDB reading of a source with references (pipelines/map/json-refs.ts) plans only what it resolves as our reader
// does; the rest goes back to our reader (a reason string). The stores it makes are compared with our reader's in
// test/pipelines/fhir-references-columnar.test.ts.
import { describe, expect, it } from 'vitest';
import { jsonCellsPlan } from '../../../pipelines/map/json-cells.js';

const visit = { name: 'visit', from: 'encounter.reference', file: 'Encounter.ndjson' };
const report = { name: 'report', listed_in: 'result', file: 'DiagnosticReport.ndjson' };

describe('jsonCellsPlan with references', () => {
  it('reads the reference text, the contained list and resourceType/id besides the own paths, and joins the rest', () => {
    const p = jsonCellsPlan(['subject.reference', '@visit.period.start', '@report.effectiveDateTime', '@visit.type[0].coding[0].code'], [visit, report]);
    if (typeof p === 'string') throw new Error(p);
    expect(p.refs!.base).toEqual([
      'subject.reference',
      'encounter.reference',
      'contained[0].id',
      'contained[0].period.start',
      'contained[0].type[0].coding[0].code',
      'resourceType',
      'id',
    ]);
    expect(p.refs!.cells).toEqual([{ b: 0 }, { k: 0, m: 0 }, { k: 1, m: 0 }, { k: 0, m: 1 }]);
    // A row's own key named like a reference or one of its paths sends the file back.
    expect(p.flag).toContain('"@visit" IS NOT NULL');
    expect(p.flag).toContain('"@visit.period.start" IS NOT NULL');
  });

  it('leaves to our reader what it would resolve otherwise', () => {
    expect(jsonCellsPlan(['@visit'], [visit])).toMatch(/whole referenced resource/);
    expect(jsonCellsPlan(['@visit[0].x'], [visit])).toMatch(/whole referenced resource|not a key/);
    expect(jsonCellsPlan(['@visit.location[status=active].period.start'], [visit])).toMatch(/a match inside/);
    expect(jsonCellsPlan(['x'], [visit, { name: 'who', from: '@visit.subject.reference' }])).toMatch(/through another reference/);
    // A match inside a listing resource is picked by `pick` itself (the targets' table): planned.
    expect(typeof jsonCellsPlan(['@report.code.coding[system=http://loinc.org].code'], [report])).toBe('object');
  });
});
