// Mapped values → a record in the table's column order (provenance from where the row came from).
import type { FieldInfo } from '../../schemas/index.js';
import type { Candidate } from './records.js';

export type RecordBuilder = (v: Record<string, unknown>, w: Candidate['where'], specId: string, specVersion: string) => Record<string, unknown>;

/** Compiles `(values, where, spec id, version) → record` with the table's fields as an object literal in column order. */
export function recordBuilder(fields: FieldInfo[]): RecordBuilder {
  const prov: Record<string, string> = {
    source_file: 'w.file',
    source_sha256: 'w.sha256',
    source_row: 'w.row',
    source_pointer: 'w.pointer',
    spec_id: 'id',
    spec_version: 'ver',
  };
  const body = fields
    .map((f) => {
      const k = JSON.stringify(f.name);
      if (prov[f.name]) return `${k}: ${prov[f.name]}`;
      const missing = f.kind === 'array' ? '[]' : f.nullable ? 'null' : 'undefined';
      // A number's zero is stored without its sign: -0 and 0 are the same measurement (and DuckDB's JSON reader, map/json-cells.ts, reads -0 as 0).
      if (f.kind === 'number') return `${k}: v[${k}] === 0 ? 0 : v[${k}] !== undefined ? v[${k}] : ${missing}`;
      return `${k}: v[${k}] !== undefined ? v[${k}] : ${missing}`;
    })
    .join(',\n');
  // Field names come from our own schemas (not from input), so generating code from them is safe.
  return new Function('v', 'w', 'id', 'ver', `return {\n${body}\n};`) as RecordBuilder;
}
