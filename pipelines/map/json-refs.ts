// References of an NDJSON source resolved inside DuckDB (#27 item 3), so that DuckDB's JSON reader reads a source
// with references as it reads any other (map/json-cells.ts), with the cells, counts and listed lines of our reader
// following them row by row (map/references.ts followReferences):
//   - a `from` reference: its text is a cell of the file. `#id` picks the row's first `contained` element whose `id`
//     is that string (a list_filter over the typed `contained` list); anything else is joined, by the `Type/id` the
//     same pattern extracts (RE2 and JavaScript agree on it: leftmost-first, lazy), to a table of the exported
//     resources the reference may name;
//   - a `listed_in` reference: the row's own `resourceType/id` joined to a table keyed by each listed reference.
// The exported resources' tables are made from the targets map the run holds already (first resource of a key wins,
// as there), each cell picked by `pick` itself and kept as its JSON text; nothing is written to a file. A reference
// naming nothing is counted and its lines listed (by line, before the cohort test), as followReferences does.
// Whatever this reading could take otherwise than our reader (a reference text that is an object or a list, a
// `resourceType` or `id` that is not a string, a whole resource as a cell, a key named like a reference path, a
// match step inside a contained resource, a reference read through another) sends the file back to our reader.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ReferenceSpec } from '../../schemas/mapping-spec.js';
import { compilePath, picker, type PathStep } from './expr.js';
import { sqlText } from './columnar-input.js';
import type { ResolvedReference, UnresolvedReferences } from './references.js';
import { walkSql, type JsonCellsPlan } from './json-cells.js';

/** One reference as the DuckDB reading resolves it. */
interface RefSql {
  name: string;
  listed: boolean;
  /** Base index of the reference text (a `from` reference), of `resourceType` and `id` (a listed one). */
  from: number;
  rt: number;
  id: number;
  /** The plan's `@name…` paths it gives, whole (picked from the exported resources) and after `@name` (from a contained one). */
  paths: string[];
  rest: PathStep[][];
}

/** A plan's paths split into what the file gives (`base`) and what the references give. */
export interface RefPaths {
  base: string[];
  /** Top-level keys whose presence sends the file back (a row's own `@name` key, a key named like a reference path). */
  literals: string[];
  /** Per path of the plan: its place among the base paths, or its reference and place among that reference's paths. */
  cells: ({ b: number } | { k: number; m: number })[];
  refs: RefSql[];
}

/** The split, or why DuckDB cannot resolve these references as followReferences does. */
export function splitRefPaths(paths: readonly string[], refs: readonly ReferenceSpec[]): RefPaths | string {
  const base: string[] = [];
  const add = (p: string) => {
    const at = base.indexOf(p);
    return at >= 0 ? at : base.push(p) - 1;
  };
  const byName = new Map(refs.map((r, k) => [`@${r.name}`, k]));
  const out: RefSql[] = refs.map((r) => ({ name: r.name, listed: r.listed_in !== undefined, from: -1, rt: -1, id: -1, paths: [], rest: [] }));
  const cells: RefPaths['cells'] = [];
  for (const p of paths) {
    const c = compilePath(p);
    const k = c.plain ? byName.get(p) : 'key' in c.steps[0]! ? byName.get(c.steps[0].key) : undefined;
    if (k === undefined) {
      cells.push({ b: add(p) });
      continue;
    }
    const rest = c.steps.slice(1);
    if (c.plain || !rest[0] || !('key' in rest[0])) return `path ${JSON.stringify(p)}: a whole referenced resource, or not a key after it`;
    if (!out[k]!.listed && rest.some((s) => 'match' in s)) return `path ${JSON.stringify(p)}: a match inside a referenced resource`;
    cells.push({ k, m: out[k]!.paths.push(p) - 1 });
    out[k]!.rest.push(rest);
  }
  for (const [k, r] of refs.entries()) {
    const o = out[k]!;
    if (o.listed) {
      o.rt = add('resourceType');
      o.id = add('id');
      continue;
    }
    if (r.from === undefined || r.from.startsWith('@')) return `reference ${r.name}: read through another reference`;
    o.from = add(r.from);
    // The contained resources typed for what is read from them (the id, and each path after `@name`).
    add('contained[0].id');
    for (const p of o.paths) add('contained[0]' + p.slice(r.name.length + 1));
  }
  const literals = [...byName.keys(), ...paths.filter((p) => [...byName.keys()].some((n) => p.startsWith(n)))];
  return { base, literals, cells, refs: out };
}

/** FHIR's `Type/id` at the end of a reference (a URL, a version after it), as followReferences finds it. */
const TYPE_ID = sqlText('([A-Za-z]+/[^/]+?)(/_history/[^/]+)?$');

/**
 * The statements that make table `name_j` and view `name` (as jsonCellsTableSql does) for a plan with references; the
 * exported resources' tables (`name_g<k>`, loadRefTargets) must exist before the second.
 */
export function refsTableSql(name: string, plan: JsonCellsPlan, read: string): string[] {
  const { cells, refs } = plan.refs!;
  const leaf = (b: number) => plan.leaves[b]!;
  const sel: string[] = [];
  const flags: string[] = [plan.flag];
  cells.forEach((x, i) => {
    if ('b' in x) sel.push(`${leaf(x.b)}::VARCHAR AS c${i}`);
  });
  refs.forEach((r, k) => {
    if (r.listed) {
      const [rt, id] = [leaf(r.rt), leaf(r.id)];
      sel.push(`CASE WHEN json_type(${rt}) = 'VARCHAR' AND json_type(${id}) = 'VARCHAR' THEN (${rt} ->> '$') || '/' || (${id} ->> '$') END AS k${k}`);
      flags.push(`json_type(${rt}) IS DISTINCT FROM 'VARCHAR' OR json_type(${id}) IS DISTINCT FROM 'VARCHAR'`);
      return;
    }
    const f = leaf(r.from);
    const t = `(CASE WHEN json_type(${f}) = 'VARCHAR' THEN ${f} ->> '$' END)`;
    // The first contained element whose id is the string after '#' (followReferences: contained.find).
    const el = `list_extract(list_filter("contained", lambda ck: json_type(struct_extract(ck, 'id')) = 'VARCHAR' ` +
      `AND (struct_extract(ck, 'id') ->> '$') = substr(${t}, 2)), 1)`;
    sel.push(`${t} AS t${k}`, `(${f} IS NOT NULL AND ${f}::VARCHAR <> '""') AS n${k}`, `(${el} IS NOT NULL) AS h${k}`);
    sel.push(`CASE WHEN NOT starts_with(${t}, '#') THEN nullif(regexp_extract(${t}, ${TYPE_ID}, 1), '') END AS k${k}`);
    r.rest.forEach((steps, m) => sel.push(`${walkSql(el, steps, 0, new Set())}::VARCHAR AS x${k}_${m}`));
    flags.push(`json_type(${f}) IN ('OBJECT', 'ARRAY')`);
  });
  const cell = (x: RefPaths['cells'][number], i: number) => {
    if ('b' in x) return `j.c${i}`;
    return refs[x.k]!.listed ? `g${x.k}.r${x.m}` : `CASE WHEN starts_with(j.t${x.k}, '#') THEN j.x${x.k}_${x.m} ELSE g${x.k}.r${x.m} END`;
  };
  const cellSql = cells.map(cell);
  const objects = cellSql.map((c) => `left(${c}, 1) IN ('{', '[')`);
  return [
    `CREATE TABLE ${name}_j AS SELECT ${sel.join(', ')}, (${flags.map((f) => `(${f})`).join(' OR ')}) AS __flag FROM ${read}`,
    `CREATE VIEW ${name} AS SELECT j.rowid + 1 AS __row, 'line ' || (j.rowid + 1) AS __ptr, ${cellSql.map((c, i) => `${c} AS c${i}`).join(', ')}, ` +
      `(j.__flag${objects.length ? ' OR ' + objects.join(' OR ') : ''}) AS __odd FROM ${name}_j j ${refJoins(name, refs)}`,
  ];
}

const refJoins = (name: string, refs: readonly RefSql[]) => refs.map((_, k) => `LEFT JOIN ${name}_g${k} g${k} ON g${k}.k = j.k${k}`).join(' ');

/** Tables `name_g<k>`: each reference's exported resources by key, with the cells its paths pick from them (their JSON text). */
export async function loadRefTargets(conn: DuckDBConnection, name: string, plan: JsonCellsPlan, targets: readonly ResolvedReference[]): Promise<void> {
  for (const [k, r] of plan.refs!.refs.entries()) {
    const t = targets.find((x) => x.spec.name === r.name);
    await conn.run(`CREATE TABLE ${name}_g${k} (k VARCHAR${r.paths.map((_, m) => `, r${m} VARCHAR`).join('')})`);
    if (!t || t.targets.size === 0) continue;
    const pickers = r.paths.map(picker);
    const a = await conn.createAppender(`${name}_g${k}`);
    try {
      for (const [key, res] of t.targets) {
        a.appendVarchar(key);
        const values = { [t.key]: res };
        for (const p of pickers) {
          const v = p(values);
          if (v === undefined || v === null) a.appendNull();
          else a.appendVarchar(JSON.stringify(v));
        }
        a.endRow();
      }
      a.flushSync();
    } finally {
      a.closeSync();
    }
  }
}

/** References naming nothing (`from` references only), per reference in the order first met, and the first five lines. */
export async function unresolvedInDuckDb(conn: DuckDBConnection, name: string, plan: JsonCellsPlan, srcId: string): Promise<UnresolvedReferences> {
  const { refs } = plan.refs!;
  const parts = refs.flatMap((r, k) =>
    r.listed
      ? []
      : [
          `SELECT ${k} AS ref, j.rowid + 1 AS line FROM ${name}_j j LEFT JOIN ${name}_g${k} g${k} ON g${k}.k = j.k${k} ` +
            `WHERE j.n${k} AND NOT coalesce(CASE WHEN starts_with(j.t${k}, '#') THEN j.h${k} ELSE g${k}.k IS NOT NULL END, false)`,
        ],
  );
  const out: UnresolvedReferences = { counts: {}, examples: [] };
  if (parts.length === 0) return out;
  const all = parts.join(' UNION ALL ');
  const counts = (await conn.runAndReadAll(`SELECT ref, count(*), min(line) AS first FROM (${all}) GROUP BY ref ORDER BY first, ref`)).getRows();
  for (const [k, n] of counts as [number, bigint][]) out.counts[`${srcId}.${refs[Number(k)]!.name}`] = Number(n);
  const first = (await conn.runAndReadAll(`SELECT ref, line FROM (${all}) ORDER BY line, ref LIMIT 5`)).getRows();
  for (const [k, line] of first as [number, bigint][]) out.examples.push(`${refs[Number(k)]!.name} line ${line}`);
  return out;
}
