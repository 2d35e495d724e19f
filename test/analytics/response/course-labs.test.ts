// The course lab summary computed in DuckDB (loadResponseInputs' default) gives the same course rows as the reference
// path over every lab value (labRows: true), on the sample store: course 1, every course, and other window options.
// (analyseResponse depends on the inputs only through these rows.)
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleStore } from '../../../data-samples/sample-store.js';
import { readStore } from '../../../analytics/read-store.js';
import { courseSignals, loadResponseInputs, type ResponseInputs } from '../../../analytics/response/index.js';

describe('course lab summary in DuckDB against the lab rows', () => {
  let summarised: ResponseInputs;
  let rows: ResponseInputs;
  let other: ResponseInputs;
  const otherParams = { windowEndGraceHours: 0, baselineLookbackHours: 48, tshReference: [1, 3] as const };
  beforeAll(async () => {
    const store = await sampleStore();
    [summarised, rows, other] = await readStore(store, async (conn) => [
      await loadResponseInputs(conn),
      await loadResponseInputs(conn, { labRows: true }),
      await loadResponseInputs(conn, { labParams: otherParams }),
    ]);
  }, 300_000);

  it('holds no lab rows, one summary per assessed course', () => {
    expect(summarised.labs).toHaveLength(0);
    expect(rows.labs.length).toBeGreaterThan(1000);
    expect(summarised.courseLabs!.rows.length).toBeGreaterThan(100);
    expect(rows.courseLabs).toBeUndefined();
  });

  it('gives the same course rows for course 1 and for every course', () => {
    for (const course of [1, 2, 'all'] as const) {
      const a = courseSignals(summarised, { course }).rows;
      const b = courseSignals(rows, { course }).rows;
      expect(a.length).toBeGreaterThan(0);
      expect(a).toEqual(b);
      // Not vacuous: the summary carries every kind of value somewhere.
      for (const k of ['lymphocyte_baseline', 'lymphocyte_peak_after_dosing', 'eosinophil_peak', 'platelet_nadir', 'bicarbonate_nadir'] as const) {
        expect(a.some((r) => r[k] !== null), k).toBe(true);
      }
    }
  });

  it('follows other window options, and refuses a summary made with different ones', () => {
    expect(courseSignals(other, { course: 'all', ...otherParams }).rows).toEqual(courseSignals(rows, { course: 'all', ...otherParams }).rows);
    expect(courseSignals(other, { course: 'all', ...otherParams }).rows).not.toEqual(courseSignals(rows, { course: 'all' }).rows);
    expect(() => courseSignals(other, { course: 1 })).toThrow(/course lab summary was computed with/);
  });
});
