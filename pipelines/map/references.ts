// References followed inside a FHIR export (a source's `references`, #27 item 3): each row's reference text
// (medicationReference.reference, encounter.reference) is followed to the resource it names, which field maps
// then read as `@<name>.<path>` (the drug's codes and strength, the admission's period). A `#id` names a resource
// contained in the row; `Type/id` (or a URL ending so) one of the export's files, which DuckDB reads once per run
// (read_ndjson_objects) into a table keyed by type and id. A reference that names nothing is counted per source
// and listed by line, never by its text (it holds a FHIR id).
import { resolve } from 'node:path';
import type { MappingSpec, ReferenceSpec, SourceSpec } from '../../schemas/mapping-spec.js';
import type { SourceRow } from '../read/source.js';
import { InputError } from '../read/errors.js';
import { createDuckDB } from '../store/engine.js';
import { pick } from './expr.js';
import { globFiles } from './spec-files.js';

/** A reference of a source with the exported resources it may name, by `Type/id`. */
export interface ResolvedReference {
  spec: ReferenceSpec;
  key: string;
  targets: Map<string, Record<string, unknown>>;
}

/** A source's references, or none. */
export type SourceReferences = Map<string, ResolvedReference[]>;

/** The file names a reference's `file` gives (a glob, a list or one name), or a message saying what is wrong. */
function referenceFiles(dir: string, file: string | string[]): string[] | string {
  const list = Array.isArray(file) ? file : /[*?]/.test(file) ? globFiles(dir, file) : [file];
  return typeof list === 'string' ? list : list.map((f) => resolve(dir, f));
}

/** Every exported resource of the files, keyed `Type/id`, read by DuckDB. */
async function loadTargets(files: string[], name: string, listedIn?: string): Promise<Map<string, Record<string, unknown>>> {
  const { conn, close } = await createDuckDB(':memory:', { threads: 1 });
  try {
    const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ');
    // Keyed by the resource's own Type/id, or (listed_in) by each reference its list holds: one DuckDB unnest, not a JS scan.
    const key = listedIn === undefined ? `(json->>'resourceType') || '/' || (json->>'id')` : `unnest(json_extract_string(json, '$.${listedIn}[*].reference'))`;
    const got = await conn.runAndReadAll(`SELECT k, j FROM (SELECT ${key} AS k, json::VARCHAR AS j FROM read_ndjson_objects([${list}])) WHERE k IS NOT NULL`);
    const out = new Map<string, Record<string, unknown>>();
    for (const [k, j] of got.getRows() as [string | null, string][]) if (k !== null && !out.has(k)) out.set(k, JSON.parse(j) as Record<string, unknown>);
    return out;
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    throw new InputError(files.join(', '), `reference ${name}`, `cannot be read as NDJSON (${why})`, 'Check the export of the resources the reference names');
  } finally {
    close();
  }
}

/** Each source's references with their exported resources (files shared by several references are read once). */
export async function loadReferences(spec: MappingSpec, dir: string): Promise<SourceReferences> {
  const out: SourceReferences = new Map();
  const cache = new Map<string, Map<string, Record<string, unknown>>>();
  for (const src of spec.sources) {
    if (src.references.length === 0) continue;
    const refs: ResolvedReference[] = [];
    for (const r of src.references) {
      let targets = new Map<string, Record<string, unknown>>();
      if (r.file !== undefined) {
        const files = referenceFiles(dir, r.file);
        const where = `reference ${r.name} of source ${src.id}`;
        if (typeof files === 'string') throw new InputError(String(r.file), where, files, 'Correct the file in the mapping spec');
        const k = files.join('\u0000') + '\u0000' + (r.listed_in ?? '');
        targets = cache.get(k) ?? (await loadTargets(files, r.name, r.listed_in));
        cache.set(k, targets);
      }
      refs.push({ spec: r, key: `@${r.name}`, targets });
    }
    out.set(src.id, refs);
  }
  return out;
}

/** Counts of references that name nothing, per reference, with the first lines where they stand. */
export interface UnresolvedReferences {
  counts: Record<string, number>;
  examples: string[];
}

/**
 * Follows the row's references: `row.values['@name']` is the resource named, or absent. A reference naming nothing
 * (no contained resource of that id, no exported resource of that type and id) is counted in `unresolved`.
 */
export function followReferences(src: SourceSpec, refs: ResolvedReference[], row: SourceRow, unresolved: UnresolvedReferences | null, weight = 1): void {
  for (const r of refs) {
    if (r.spec.listed_in !== undefined) {
      // The other direction: the resource listing this row (none is no broken reference).
      const self = `${String(row.values.resourceType)}/${String(row.values.id)}`;
      const target = r.targets.get(self);
      if (target) row.values[r.key] = target;
      continue;
    }
    const ref = pick(row.values, r.spec.from!);
    if (ref === null || ref === undefined || ref === '') continue;
    const text = String(ref);
    let target: Record<string, unknown> | undefined;
    if (text.startsWith('#')) {
      const contained = row.values.contained;
      const id = text.slice(1);
      const isIt = (c: unknown) => typeof c === 'object' && c !== null && (c as { id?: unknown }).id === id;
      if (Array.isArray(contained)) target = contained.find(isIt) as Record<string, unknown> | undefined;
    } else {
      // A relative reference (Medication/123) or an absolute URL ending with one.
      const m = /([A-Za-z]+\/[^/]+?)(\/_history\/[^/]+)?$/.exec(text);
      target = m ? r.targets.get(m[1]!) : undefined;
    }
    if (target) row.values[r.key] = target;
    else if (unresolved) {
      unresolved.counts[`${src.id}.${r.spec.name}`] = (unresolved.counts[`${src.id}.${r.spec.name}`] ?? 0) + weight;
      if (unresolved.examples.length < 5 && row.pointer) unresolved.examples.push(`${r.spec.name} ${row.pointer}`);
    }
  }
}

/** The files the spec's references read (absolute paths), so that they are not listed as unread. */
export function referenceFilePaths(spec: MappingSpec, dir: string): string[] {
  return spec.sources.flatMap((s) =>
    s.references.flatMap((r) => {
      const files = r.file === undefined ? [] : referenceFiles(dir, r.file);
      return typeof files === 'string' ? [] : files;
    }),
  );
}
