// A source whose `file` is a glob or a list becomes one source per file (bulk FHIR exports split a large
// resource type over Observation.000.ndjson, Observation.001.ndjson…), so each file keeps its own
// provenance, counts and reader as any single-file source does.
import { readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { MappingSpec, MappingSpecIn, SourceSpec } from '../../schemas/mapping-spec.js';

const GLOB = /[*?]/;

/** A problem with a source's files, at the spec path it came from. */
export interface FileProblem {
  pathParts: (string | number)[];
  message: string;
}

/** `*` and `?` of a file-name glob as a regular expression (no other glob syntax). */
function globRegex(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** The files a glob names in the spec's folder, in name order (the glob only in the file name, not in folders). */
export function globFiles(specDir: string, glob: string): string[] | string {
  const folder = dirname(glob);
  if (GLOB.test(folder)) return `the glob ${glob} has * or ? in a folder name; only the file name may have them`;
  const re = globRegex(basename(glob));
  let names: string[];
  try {
    names = readdirSync(resolve(specDir, folder));
  } catch {
    return `the folder of ${glob} cannot be read; check the path`;
  }
  const hits = names.filter((n) => re.test(n) && !n.startsWith('.')).sort();
  if (hits.length === 0) return `no file matches ${glob} in ${resolve(specDir, folder)}; check the export and the pattern`;
  return hits.map((n) => (folder === '.' ? n : join(folder, n)));
}

/**
 * The spec with one source per file: a source naming one file is kept as it is; a glob or list of n > 1
 * files gives sources `<id>`, `<id>-2` … `<id>-n` in file order, each with one file. Ids must stay unique.
 * @example expandSourceFiles(parsed, 'data/harbour').spec.sources.map((s) => s.file)
 */
export function expandSourceFiles(spec: MappingSpecIn, specDir: string): { spec: MappingSpec; origin: number[]; problems: FileProblem[] } {
  const sources: SourceSpec[] = [];
  const origin: number[] = [];
  const problems: FileProblem[] = [];
  spec.sources.forEach((src, si) => {
    let files: string[];
    if (Array.isArray(src.file)) files = src.file;
    else if (GLOB.test(src.file)) {
      const got = globFiles(specDir, src.file);
      if (typeof got === 'string') {
        problems.push({ pathParts: ['sources', si, 'file'], message: got });
        files = [src.file];
      } else files = got;
    } else files = [src.file];
    files.forEach((file, k) => {
      sources.push({ ...src, id: k === 0 ? src.id : `${src.id}-${k + 1}`, file });
      origin.push(si);
    });
  });
  const seen = new Map<string, number>();
  sources.forEach((s, i) => {
    const before = seen.get(s.id);
    if (before !== undefined)
      problems.push({
        pathParts: ['sources', origin[i]!, 'id'],
        message: `source id ${s.id} is given twice (a source of several files numbers its files ${s.id.replace(/-\d+$/, '')}-2, -3…); rename one`,
      });
    seen.set(s.id, i);
  });
  return { spec: { ...spec, sources }, origin, problems };
}
