// The IL-2 cohort of a whole-hospital export (the spec's `cohort`, #27 item 6): the patients with a row of a
// cohort source whose field is in the criterion's list. Found before anything is mapped, by reading those
// sources once; held in memory as pseudonymised keys only (never a raw id, never written anywhere). Every
// mapping then leaves the rows of other patients out, counted per source as outside the cohort (records.ts,
// columnar.ts): no record, quarantine row, key or staging line of theirs is made.
import type { FieldMapObject, MappingSpec, SourceSpec } from '../../schemas/mapping-spec.js';
import { streamSource, type SourceRow } from '../read/source.js';
import { evalField, fieldPaths, type EvalContext } from './expr.js';
import { patientKey } from './pseudonymise.js';
import { fieldObject } from './spec-load.js';
import { followReferences, type SourceReferences } from './references.js';

/** The loaded sources a criterion names: the source as written, and each further file of its glob or list (`<id>-2`…). */
export function cohortSources(spec: MappingSpec, id: string): SourceSpec[] {
  return spec.sources.filter((s) => s.id === id || (s.id.startsWith(`${id}-`) && /^\d+$/.test(s.id.slice(id.length + 1))));
}

/** The cohort's patient keys, or null when the spec declares no cohort (every patient's rows are kept). */
export async function cohortKeys(spec: MappingSpec, dir: string, key: string, refs?: SourceReferences | null): Promise<Set<string> | null> {
  if (!spec.cohort) return null;
  const keys = new Set<string>();
  for (const crit of spec.cohort.any_of) {
    const field = fieldObject(crit.field);
    for (const src of cohortSources(spec, crit.source)) {
      const pid = fieldObject(src.patient_id);
      const ctx: EvalContext = {
        decimal: src.decimal, dateFormat: src.date_format ?? spec.date_format, timeZone: src.time_zone ?? spec.centre.time_zone,
        unmapped: new Map(), fieldName: `${src.id}.cohort`, routing: true, accept: crit.in,
      };
      const stream = await streamSource(src, dir);
      for await (const rows of stream.chunks) {
        for (const row of rows) {
          if (row.values.__parse_error__) continue;
          const r = refs?.get(src.id);
          // The criterion may read a followed reference (an aldesleukin Medication named by medicationReference).
          if (r) followReferences(src, r, row, null);
          ctx.routing = true;
          const w = evalField(field, row, ctx);
          if (!w.ok || !crit.in.includes(w.value as string)) continue;
          ctx.routing = false;
          const p = evalField(pid, row, ctx);
          if (p.ok && p.value !== null && p.value !== undefined && p.value !== '') keys.add(patientKey(key, spec.centre.centre_id, String(p.value)));
        }
      }
    }
  }
  return keys;
}

/**
 * What a raw-cell writer needs to leave out the lines of patients outside the cohort (#27 item 5): plain data, so it can
 * cross to a reader thread. The writer evaluates the row's patient id as mapSource's gate does and drops the row when its
 * key is not in `keys`, counting it; a row whose id does not evaluate is written (it cannot be placed).
 */
export interface CohortFilter {
  key: string;
  centreId: string;
  patientId: FieldMapObject;
  keys: string[];
  decimal: '.' | ',';
  dateFormat: string;
  timeZone: string;
}

/**
 * The source's cohort filter, or undefined without a cohort, or when its patient id reads a reference the writer does not
 * follow (`followed`: it does, on the main thread).
 */
export function cohortFilter(
  spec: MappingSpec, src: SourceSpec, key: string, cohort: Set<string> | null | undefined, followed = false,
): CohortFilter | undefined {
  if (!cohort) return undefined;
  const patientId = fieldObject(src.patient_id);
  if (!followed && fieldPaths(patientId).some((p) => p.startsWith('@'))) return undefined;
  return {
    key, centreId: spec.centre.centre_id, patientId, keys: [...cohort],
    decimal: src.decimal, dateFormat: src.date_format ?? spec.date_format, timeZone: src.time_zone ?? spec.centre.time_zone,
  };
}

/** A test for "this row's patient is outside the cohort" built from a filter (on the thread that writes). */
export function outsideTest(f: CohortFilter): (row: SourceRow) => boolean {
  const keys = new Set(f.keys);
  const memo = new Map<string, boolean>();
  const ctx: EvalContext = { decimal: f.decimal, dateFormat: f.dateFormat, timeZone: f.timeZone, unmapped: new Map(), fieldName: 'patient_id', routing: false };
  return (row) => {
    const pid = evalField(f.patientId, row, ctx);
    if (!pid.ok || pid.value === null || pid.value === undefined || pid.value === '') return false;
    const local = String(pid.value);
    let out = memo.get(local);
    if (out === undefined) memo.set(local, (out = !keys.has(patientKey(f.key, f.centreId, local))));
    return out;
  };
}
