// The column checks a tabular source gets on its first piece, wherever it is read (main thread or a reader thread).
import { InputError } from '../read/errors.js';
import type { SourceRow } from '../read/source.js';
import { referencedColumns, referencedPaths } from './spec-render.js';
import type { SourceSpec } from '../../schemas/mapping-spec.js';

/** Throws when a header has no data rows or lacks a column the spec names; returns the columns the spec does not use. */
export function checkColumns(src: SourceSpec, file: string, columns: string[], firstRows: SourceRow[]): string[] {
  if (firstRows.length === 0) {
    throw new InputError(
      file,
      '',
      'the file has a header but no data rows',
      'Re-export it, or remove this source from the mapping spec if it is empty on purpose',
    );
  }
  const used = referencedColumns(src);
  // A column listed only to be dropped (identifiers, ignore_columns) may be absent; one a field map reads may not,
  // the patient id above all (listed under identifiers too): without it every row would be quarantined.
  const read = new Set(referencedPaths(src));
  const missing = [...used].filter((c) => !columns.includes(c) && (read.has(c) || (!src.identifiers.includes(c) && !src.ignore_columns.includes(c))));
  if (missing.length > 0) {
    throw new InputError(
      file,
      'header',
      `column(s) ${missing.map((m) => JSON.stringify(m)).join(', ')} named in the mapping spec (source ${src.id}) are not in the file; it has ` +
        `${columns.map((c) => JSON.stringify(c)).join(', ')}`,
      'Fix the column names in the spec or re-export the file with those columns',
    );
  }
  return columns.filter((c) => !used.has(c));
}
