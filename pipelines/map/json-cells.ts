// An NDJSON source's referenced cells read by DuckDB itself (read_json with a typed schema), for the
// columnar path: each cell is its leaf's JSON text, whose JSON.parse is the value our reader's
// `pick` gives (decodeJsonCell), without a JSON.parse per line in JavaScript (docs/decisions.md §15).
//
// Only where the reading cannot differ from ours. A path's steps are the ones `pick` walks
// (compilePath); the schema types each node the paths go through (STRUCT for keys, a list for
// [i] and [k=v]) and each leaf as JSON, so a value keeps its JSON type. What DuckDB would read
// differently makes the whole file go back to our reader:
//   - statically (jsonCellsPlan): a key JavaScript would find on a prototype (length, constructor…),
//     a numeric key, a match value that a non-string could equal ("true", "null", "undefined"…),
//     a node that is both a leaf and an object, or both an object and a list;
//   - in the file bytes (scanNdjson): a BOM, bytes that are not UTF-8, a "\u0000" escape, a line
//     longer than the field limit, and what DuckDB's parser accepts beyond JSON while JSON.parse
//     rejects it: NaN and Infinity in any case and sign (nan, -inf…), and a comma before } or ]
//     (lenientJson; the must-reject cases it was checked on are in test/fixtures/json-conformance);
//   - in DuckDB (the caller): any error (a broken line, a line that is not an object, a duplicated
//     key, a lone surrogate, a list element that is not an object), fewer records than lines (a
//     blank line, which our reader skips but counts), and rows flagged here: a leaf that is an
//     object or an array, an array a match compares, a key named like the whole path (`pick` takes
//     it first), a row with none of the keys read (the line may be `null`, which is no object).
// A number's zero loses its sign in DuckDB (-0 reads as 0); the record builder stores every zero as 0.
// Line numbers are the row ids of the table DuckDB fills in file order: one record per line once no
// line is blank.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { compilePath, type PathStep } from './expr.js';
import { sqlText } from './columnar-input.js';
import type { ReferenceSpec } from '../../schemas/mapping-spec.js';
import type { ResolvedReference, UnresolvedReferences } from './references.js';
import { refsTableSql, splitRefPaths, type RefPaths } from './json-refs.js';

/** The cells of an NDJSON file as DuckDB reads them; `lines` is the number of lines the file has. */
export interface JsonCells {
  kind: 'json';
  path: string;
  lines: number;
  maxLineBytes: number;
  plan: JsonCellsPlan;
  /** The source's id (the unresolved references' counts are keyed `<source>.<reference>`). */
  srcId?: string;
  /** The source's references with the exported resources they may name (plans with `refs`), given at the source's turn. */
  targets?: ResolvedReference[];
  /** References naming nothing, counted in DuckDB once the file is accepted (plans with `refs`). */
  unresolved?: UnresolvedReferences;
}

/** DuckDB could not read the file as our reader does; read it with our reader. */
export class JsonCellsRefused extends Error {}

interface Node {
  leaf: boolean;
  keys: Map<string, Node>;
  list: Node | null;
  /** Literal keys read only to notice them (flag when present). */
  literal: Set<string>;
}
const node = (): Node => ({ leaf: false, keys: new Map(), list: null, literal: new Set() });

export interface JsonCellsPlan {
  /** read_json's `columns` (top-level keys and their types). */
  columns: string;
  /** One SQL expression per path: the leaf as JSON (NULL when absent). */
  leaves: string[];
  /** SQL that is true for a row the reading may differ on (see the module comment). */
  flag: string;
  /** A source with references: `leaves` are those of `refs.base`, and the `@name…` cells come from joins (map/json-refs.ts). */
  refs?: RefPaths;
}

const quoteId = (s: string) => `"${s.replace(/"/g, '""')}"`;
/** Keys JavaScript would find on an object's or array's prototype, or read as an index. */
const unsafeKey = (k: string) => k in Object.prototype || k in Array.prototype || k === 'length' || /^\d+$/.test(k) || k === '';

/** Compiles the plan's paths, or says why DuckDB cannot read them as `pick` does. */
export function jsonCellsPlan(paths: readonly string[], refs: readonly ReferenceSpec[] = []): JsonCellsPlan | string {
  if (refs.length === 0) return basePlan(paths, []);
  // A source with references: its own paths and what resolving them reads (map/json-refs.ts), then the joins.
  const split = splitRefPaths(paths, refs);
  if (typeof split === 'string') return split;
  const base = basePlan(split.base, split.literals);
  return typeof base === 'string' ? base : { ...base, refs: split };
}

/** The plan of paths read from the file itself (`literals`: top-level keys whose presence alone sends the file back). */
function basePlan(paths: readonly string[], literals: readonly string[]): JsonCellsPlan | string {
  const root = node();
  const matchArrays = new Set<string>();
  // Pass 1: the tree of nodes the paths go through.
  const addSteps = (start: Node, steps: PathStep[]): Node | string => {
    let n = start;
    for (const s of steps) {
      if ('key' in s) {
        if (unsafeKey(s.key)) return `key ${JSON.stringify(s.key)}`;
        let c = n.keys.get(s.key);
        if (!c) n.keys.set(s.key, (c = node()));
        n = c;
      } else if ('index' in s) {
        if (!Number.isInteger(s.index) || s.index < 0) return `index [${s.index}]`;
        n = n.list ??= node();
      } else {
        const { subKey, sub, want } = s.match;
        if (['true', 'false', 'null', 'undefined', '[object Object]', ''].includes(want) || want.includes(',')) return `match value ${JSON.stringify(want)}`;
        const e = (n.list ??= node());
        if (sub.plain) {
          const got = addSteps(e, [{ key: subKey }]);
          if (typeof got === 'string') return got;
          got.leaf = true;
        } else {
          e.literal.add(subKey);
          const got = addSteps(e, sub.steps);
          if (typeof got === 'string') return got;
          got.leaf = true;
        }
        n = e;
      }
    }
    return n;
  };
  for (const k of literals) root.literal.add(k);
  for (const p of paths) {
    const c = compilePath(p);
    if (!c.plain && !(c.steps[0] && 'key' in c.steps[0])) return `path ${JSON.stringify(p)}: it does not start with a key`;
    const got = addSteps(root, c.plain ? [{ key: p }] : c.steps);
    if (typeof got === 'string') return `path ${JSON.stringify(p)}: ${got}`;
    got.leaf = true;
    if (!c.plain) root.literal.add(p);
  }
  // Pass 2: types.
  const bad: string[] = [];
  const typeOf = (n: Node, where: string): string => {
    const kinds = Number(n.leaf) + Number(n.keys.size > 0 || n.literal.size > 0) + Number(n.list !== null);
    if (kinds > 1) bad.push(where);
    if (n.leaf) return 'JSON';
    if (n.list) return `${typeOf(n.list, where + '[]')}[]`;
    const fields = [...n.keys].map(([k, c]) => `${quoteId(k)} ${typeOf(c, `${where}.${k}`)}`);
    for (const k of n.literal) if (!n.keys.has(k)) fields.push(`${quoteId(k)} JSON`);
    return `STRUCT(${fields.join(', ')})`;
  };
  const top: string[] = [];
  for (const [k, c] of root.keys) top.push(`${sqlText(k)}: ${sqlText(typeOf(c, k))}`);
  for (const k of root.literal) if (!root.keys.has(k)) top.push(`${sqlText(k)}: 'JSON'`);
  if (bad.length > 0) return `a node is read both as a value and as an object or list (${bad[0]})`;

  // Pass 3: expressions.
  const flags: string[] = [];
  const leaves = paths.map((p) => {
    const c = compilePath(p);
    if (c.plain) return quoteId(p);
    flags.push(`${quoteId(p)} IS NOT NULL`);
    return walkSql(quoteId((c.steps[0] as { key: string }).key), c.steps.slice(1), 0, matchArrays);
  });
  flags.push(...matchArrays);
  for (const k of literals) if (!root.keys.has(k)) flags.push(`${quoteId(k)} IS NOT NULL`);
  const present = [...root.keys.keys(), ...[...root.literal].filter((k) => !root.keys.has(k))];
  flags.push(`(${present.map((k) => `${quoteId(k)} IS NULL`).join(' AND ')})`);
  return { columns: `{${top.join(', ')}}`, leaves, flag: flags.join(' OR ') };
}

/** A match compares the element's leaf as `String(x) === want` does. */
function want(leaf: string, w: string): string {
  const num = Number(w);
  const numeric = w.trim() !== '' && Number.isFinite(num) && String(num) === w;
  const asNumber = numeric
    ? ` WHEN 'UBIGINT' THEN ${leaf}::DOUBLE = ${num} WHEN 'BIGINT' THEN ${leaf}::DOUBLE = ${num} WHEN 'DOUBLE' THEN ${leaf}::DOUBLE = ${num}`
    : '';
  return `CASE json_type(${leaf}) WHEN 'VARCHAR' THEN (${leaf} ->> '$') = ${sqlText(w)}${asNumber} ELSE false END`;
}

/** The SQL walking `steps` from `expr` as `pick` walks them (flags for match arrays added to `matchArrays`). */
export function walkSql(expr: string, steps: PathStep[], depth: number, matchArrays: Set<string>): string {
  let e = expr;
  for (const s of steps) {
    if ('key' in s) e = `struct_extract(${e}, ${sqlText(s.key)})`;
    else if ('index' in s) e = `list_extract(${e}, ${s.index + 1})`;
    else {
      const x = `e${depth}`;
      const sub = s.match.sub.plain ? `struct_extract(${x}, ${sqlText(s.match.subKey)})` : walkSql(x, s.match.sub.steps, depth + 1, matchArrays);
      matchArrays.add(`len(list_filter(${e}, lambda ${x}: json_type(${sub}) = 'ARRAY')) > 0`);
      if (!s.match.sub.plain) matchArrays.add(`len(list_filter(${e}, lambda ${x}: struct_extract(${x}, ${sqlText(s.match.subKey)}) IS NOT NULL)) > 0`);
      e = `list_extract(list_filter(${e}, lambda ${x}: ${want(sub, s.match.want)}), 1)`;
    }
  }
  return e;
}

/**
 * The statements that make table `name` (__row, __ptr, c0…, __odd) from the file, one row per line in
 * line order: a view on table `name_j`, read in parallel, whose row ids are the file's order
 * (preserve_insertion_order). A cell is its leaf's JSON text (decodeJsonCell gives the value back). The
 * caller checks the row count against the scan's and that no row is __odd.
 */
export function jsonCellsTableSql(name: string, cells: JsonCells): string[] {
  const { plan } = cells;
  const opts = `format = 'newline_delimited', records = true, columns = ${plan.columns}, maximum_object_size = ${Math.max(16 << 20, cells.maxLineBytes + 16)}`;
  if (plan.refs) return refsTableSql(name, plan, `read_json(${sqlText(cells.path)}, ${opts})`);
  const leaves = plan.leaves.map((l, i) => `${l}::VARCHAR AS c${i}`).join(', ');
  const objects = plan.leaves.map((_, i) => `left(c${i}, 1) IN ('{', '[')`);
  return [
    `CREATE TABLE ${name}_j AS SELECT ${leaves}, (${plan.flag}) AS __flag FROM read_json(${sqlText(cells.path)}, ${opts})`,
    `CREATE VIEW ${name} AS SELECT rowid + 1 AS __row, 'line ' || (rowid + 1) AS __ptr, ${plan.leaves.map((_, i) => `c${i}`).join(', ')}, ` +
      `(__flag${objects.length ? ' OR ' + objects.join(' OR ') : ''}) AS __odd FROM ${name}_j`,
  ];
}

/** A cell of a JsonCells table → the value JSON.parse gives for the leaf. */
export function decodeJsonCell(s: string | null): unknown {
  return s === null ? null : (JSON.parse(s) as unknown);
}

/** What the bytes of an NDJSON file say about reading it in DuckDB (see the module comment). */
export interface NdjsonScan {
  sha256: string;
  bytes: number;
  /** Lines as our reader numbers them: line breaks, plus an unfinished last line. */
  lines: number;
  maxLineBytes: number;
  /** Why DuckDB must not read it, or null. */
  refused: string | null;
}

/**
 * What DuckDB's JSON parser reads as a value but JSON.parse rejects: NaN and Infinity in any case and
 * sign (nan, -inf, INFINITY…) where a value goes, and a comma before a closing } or ]. Matched in the
 * bytes whether or not they are inside a string: a string that looks so only sends the file to our
 * reader (slower, never different). A cheap pattern finds candidates (a handful per file: "[IU]/L"),
 * the exact one judges each: one regex with alternatives over every byte cost 9 s per GB.
 */
const LENIENT_CANDIDATE = /[,:[][\s+-]*[}\]nNiI]/g;
const LENIENT_EXACT = /,\s*[}\]]|[,:[]\s*[-+]?(?:nan|inf(?:inity)?)\s*[,}\]]/iy;
/** Characters kept from the end of one piece for a match cut by the next (longer than any match but its whitespace). */
const LENIENT_CARRY = 64;

/** Whether this piece (after `carry`, the end of the previous one) holds something only DuckDB reads. */
export function lenientJson(carry: string, piece: Buffer): boolean {
  // The piece on its own (a flat string: regexes are 3–4× slower on a concatenation), then its start after the carry.
  if (carry !== '') {
    let head = 0;
    while (head < piece.length && (piece[head] === 0x20 || piece[head] === 0x09 || piece[head] === 0x0d || piece[head] === 0x0a)) head++;
    if (lenientText(carry + piece.subarray(0, head + LENIENT_CARRY).toString('latin1'))) return true;
  }
  return lenientText(piece.toString('latin1'));
}

function lenientText(text: string): boolean {
  LENIENT_CANDIDATE.lastIndex = 0;
  for (let m = LENIENT_CANDIDATE.exec(text); m !== null; m = LENIENT_CANDIDATE.exec(text)) {
    LENIENT_EXACT.lastIndex = m.index;
    if (LENIENT_EXACT.test(text)) return true;
    LENIENT_CANDIDATE.lastIndex = m.index + 1;
  }
  return false;
}

/** The end of the bytes so far, for lenientJson on the next piece: a run of whitespace at the end is kept as one space, however long. */
export function lenientCarry(carry: string, piece: Buffer): string {
  let end = piece.length;
  while (end > 0 && (piece[end - 1] === 0x20 || piece[end - 1] === 0x09 || piece[end - 1] === 0x0d || piece[end - 1] === 0x0a)) end--;
  const kept = end === 0 ? carry.trimEnd() : (end < LENIENT_CARRY ? carry : '') + piece.subarray(Math.max(0, end - LENIENT_CARRY), end).toString('latin1');
  return kept.slice(-LENIENT_CARRY) + (end < piece.length || (end === 0 && kept !== carry) ? ' ' : '');
}

/**
 * One pass over the file: its SHA-256 (which every record carries) and the checks DuckDB's reading needs.
 * `sha256`: the file's hash when it is known already (the run's stamp hashed it): it is not worked out again.
 */
export function scanNdjson(path: string, maxFieldChars: number, chunkBytes = 8 << 20, sha256: string | null = null): NdjsonScan {
  const hash = sha256 === null ? createHash('sha256') : null;
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(chunkBytes);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const nul = Buffer.from('\\u0000');
  let refused: string | null = null;
  let bytes = 0;
  let lines = 0;
  let lineStart = 0;
  let maxLine = 0;
  let tail = Buffer.alloc(0);
  let lenientTail = '';
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const b = buf.subarray(0, n);
      hash?.update(b);
      if (bytes === 0 && n >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) refused ??= 'the file starts with a byte order mark';
      if (!refused && !isAscii(b)) {
        try {
          utf8.decode(b, { stream: true });
        } catch {
          refused = 'the file is not valid UTF-8';
        }
      }
      if (!refused && (b.indexOf(nul) !== -1 || Buffer.concat([tail, b.subarray(0, nul.length - 1)]).indexOf(nul) !== -1))
        refused = 'a string holds a \\u0000 escape';
      if (!refused && lenientJson(lenientTail, b)) refused = 'a line holds NaN, Infinity or a comma before } or ], which only DuckDB reads as JSON';
      lenientTail = lenientCarry(lenientTail, b);
      // The last bytes read so far (a copy: the buffer is reused), for an escape cut by the next chunk boundary.
      const keep = nul.length - 1;
      tail = n >= keep ? Buffer.from(b.subarray(n - keep)) : Buffer.concat([tail, b]).subarray(-keep);
      for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) {
        const at = bytes + i;
        if (at - lineStart > maxLine) maxLine = at - lineStart;
        lineStart = at + 1;
        lines++;
      }
      bytes += n;
    }
  } finally {
    closeSync(fd);
  }
  if (bytes > lineStart) {
    lines++;
    if (bytes - lineStart > maxLine) maxLine = bytes - lineStart;
  }
  if (!refused) {
    try {
      utf8.decode();
    } catch {
      refused = 'the file is not valid UTF-8';
    }
  }
  if (!refused && maxLine > maxFieldChars) refused = `a line is longer than ${maxFieldChars} bytes`;
  return { sha256: hash?.digest('hex') ?? sha256!, bytes, lines, maxLineBytes: maxLine, refused };
}
