// Ruleset files (YAML or JSON) -> validated Ruleset objects, with every problem located by file, rule id and line.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, isMap, isSeq, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { Ruleset } from '../schemas/ruleset.js';
import { RULE_VARIABLES } from '../schemas/vocabularies.js';
import { knownRuleset, rememberRuleset, rulesetTextHash } from './compiled.js';
import { RulesetError, messages } from './messages.js';
import { withParameters } from './parameters.js';
import { withPrintedRangeGuards } from './printed-range.js';

const RULESET_FILE = /\.(ya?ml|json)$/i;

/**
 * Parses and validates ruleset text (resolving centre-supplied parameters, rules/parameters.ts, and adding the companions
 * of bands open beyond their printed range, rules/printed-range.ts); throws a RulesetError naming the file, the rule id
 * and the line of each problem. A text validated before (in this process, or the kit's files by the build) is not
 * parsed again (rules/compiled.ts).
 * @example parseRuleset(readFileSync('rules/sources/til-2024.yaml', 'utf8'), 'til-2024.yaml')
 */
export function parseRuleset(text: string, file: string): Ruleset {
  const hash = rulesetTextHash(text);
  const known = knownRuleset(hash);
  if (known !== undefined) return known;
  const ruleset = parseRulesetText(text, file);
  rememberRuleset(hash, ruleset);
  return ruleset;
}

function parseRulesetText(text: string, file: string): Ruleset {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new RulesetError(
      file,
      doc.errors.map((e) => messages.yamlSyntax(file, e.linePos?.[0]?.line ?? null, e.message.split('\n')[0] ?? e.message)),
    );
  }
  const parsed = Ruleset.safeParse(doc.toJS());
  if (!parsed.success) throw new RulesetError(file, parsed.error.issues.map((issue) => describeIssue(issue, doc, lineCounter, file)));
  return withPrintedRangeGuards(withParameters(parsed.data));
}

/**
 * Reads and validates one ruleset file (.yaml, .yml or .json).
 * @example const consensus = loadRuleset('rules/sources/consensus-2014-t3.yaml');
 */
export function loadRuleset(path: string): Ruleset {
  const file = displayName(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new RulesetError(file, [messages.unreadable(file, e instanceof Error ? e.message : String(e))], { cause: e });
  }
  return parseRuleset(text, file);
}

/**
 * Reads every ruleset file in a directory (sorted by name); throws on the first invalid file or a repeated ruleset id.
 * @example const rulesets = loadRulesets('rules/sources');
 */
export function loadRulesets(dir: string): Ruleset[] {
  const files = readdirSync(dir).filter((f) => RULESET_FILE.test(f)).sort();
  const seen = new Map<string, string>();
  return files.map((f) => {
    const rs = loadRuleset(join(dir, f));
    const other = seen.get(rs.id);
    if (other !== undefined) throw new RulesetError(f, [messages.duplicateRuleset(rs.id, other, f)]);
    seen.set(rs.id, f);
    return rs;
  });
}

/** Rulesets read from folders outside the kit, and the problems of the files that could not be used. */
export interface ExtraRulesets {
  rulesets: Ruleset[];
  /** One message per problem, each naming the file, the rule id and the YAML line. */
  problems: string[];
}

/**
 * Reads every ruleset file in each folder, keeping going past a broken file: its problems are collected and the other
 * files still load. A ruleset id already taken (by `taken` or an earlier file) is a problem too.
 * @example const { rulesets, problems } = loadRulesetFolders(['../centre-rules'], kitRulesets().map((r) => r.id));
 */
export function loadRulesetFolders(dirs: readonly string[], taken: readonly string[] = []): ExtraRulesets {
  const out: ExtraRulesets = { rulesets: [], problems: [] };
  const seen = new Map<string, string>(taken.map((id) => [id, 'the kit (rules/)']));
  for (const dir of dirs) {
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => RULESET_FILE.test(f)).sort();
    } catch (e) {
      out.problems.push(messages.unreadableFolder(dir, e instanceof Error ? e.message : String(e)));
      continue;
    }
    if (files.length === 0) out.problems.push(messages.emptyFolder(dir));
    for (const f of files) {
      const path = join(dir, f);
      try {
        const rs = loadRuleset(path);
        const other = seen.get(rs.id);
        if (other !== undefined) out.problems.push(messages.duplicateRuleset(rs.id, other, displayName(path)));
        else {
          seen.set(rs.id, displayName(path));
          out.rulesets.push(rs);
        }
      } catch (e) {
        if (!(e instanceof RulesetError)) throw e;
        out.problems.push(...e.issues);
      }
    }
  }
  return out;
}

function displayName(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

function describeIssue(issue: z.core.$ZodIssue, doc: Document, lineCounter: LineCounter, file: string): string {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const ruleIndex = path[0] === 'rules' && typeof path[1] === 'number' ? path[1] : null;
  const ruleId = ruleIndex === null ? null : ruleIdAt(doc, ruleIndex);
  const inner = ruleIndex === null ? path : path.slice(2);
  return messages.issue({ file, line: lineOf(doc, path, lineCounter), ruleId, path: inner.join('.') }, detail(issue, doc, path));
}

function ruleIdAt(doc: Document, index: number): string {
  const id = doc.getIn(['rules', index, 'id']);
  return typeof id === 'string' ? id : `#${index + 1}`;
}

/** Line of the deepest node on the path that exists in the document. */
function lineOf(doc: Document, path: (string | number)[], lineCounter: LineCounter): number | null {
  for (let k = path.length; k >= 0; k--) {
    const node = k === 0 ? doc.contents : doc.getIn(path.slice(0, k), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range !== undefined && (k === 0 || isNodeAt(doc, path.slice(0, k)))) return lineCounter.linePos(range[0]).line;
  }
  return null;
}

function isNodeAt(doc: Document, path: (string | number)[]): boolean {
  const parent = path.length <= 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  return isMap(parent) || isSeq(parent);
}

function detail(issue: z.core.$ZodIssue, doc: Document, path: (string | number)[]): string {
  const last = path[path.length - 1];
  if (issue.code === 'invalid_value') {
    const value = doc.getIn(path);
    if (last === 'variable') return messages.unknownVariable(value, Object.keys(RULE_VARIABLES));
    if (last === 'action') return messages.unknownAction(value);
    if (last === 'comparator') return messages.unknownComparator(value);
  }
  return issue.message;
}
