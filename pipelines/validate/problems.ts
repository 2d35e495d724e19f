import type { z } from 'zod';
import { isIdentifierFieldName } from '../../schemas/index.js';

/** One problem with one value, frictionless-style: where it is, what it is, which rule it broke. */
export interface Problem {
  file: string;
  /** 1-based data row, or null for file-level problems. */
  row: number | null;
  pointer: string | null;
  field: string | null;
  value: unknown;
  /** Short machine-readable name of the check broken (zod issue code or a kit check). */
  check: string;
  message: string;
}

/** Turns zod issues for one record into problems with the raw value and a readable message. */
export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  raw: Record<string, unknown>,
  where: Pick<Problem, 'file' | 'row' | 'pointer'>,
): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ ...where, field: key, value: raw[key], ...unexpectedField(key) });
      continue;
    }
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : null;
    const top = issue.path[0] !== undefined ? String(issue.path[0]) : null;
    const value = top !== null ? pick(raw, issue.path) : raw;
    out.push({ ...where, field, value, check: issue.code, message: describe(issue, value, top !== null && !(top in raw)) });
  }
  return out;
}

export function unexpectedField(key: string): { check: string; message: string } {
  if (isIdentifierFieldName(key)) {
    return {
      check: 'identifier',
      message: `${key} is a direct patient identifier and must not be stored; drop it (mark it as an identifier in the mapping spec)`,
    };
  }
  return { check: 'unrecognized_field', message: `${key} is not a field of this table; map it to a schema field or drop it` };
}

function pick(raw: Record<string, unknown>, path: readonly PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

function show(v: unknown): string {
  if (v === undefined) return '(missing)';
  if (v === null) return '(empty)';
  return JSON.stringify(v);
}

function describe(issue: z.core.$ZodIssue, value: unknown, absent: boolean): string {
  switch (issue.code) {
    case 'invalid_type':
      if (absent) return 'required field is missing';
      if (value === null) return `required value is empty (expected ${issue.expected})`;
      return `expected ${issue.expected}, got ${show(value)}`;
    case 'invalid_value':
      return `${show(value)} is not an allowed value (allowed: ${issue.values.map(String).join(', ')})`;
    case 'too_small':
      return `${show(value)} is below the minimum ${String(issue.minimum)}${issue.inclusive === false ? ' (exclusive)' : ''}`;
    case 'too_big':
      return `${show(value)} is above the maximum ${String(issue.maximum)}${issue.inclusive === false ? ' (exclusive)' : ''}`;
    case 'invalid_format':
      return `${show(value)}: ${issue.message}`;
    case 'invalid_union':
      return `${show(value)} is not an allowed value`;
    default:
      return issue.message;
  }
}

/** Formats a problem on one line: file:row field=value — message [check]. */
export function formatProblem(p: Problem): string {
  if (p.row === null) return `${p.file}${p.field !== null ? ` column ${p.field}` : ''} — ${p.message} [${p.check}]`;
  const where = `${p.file}:${p.pointer ?? `row ${p.row}`}`;
  const field = p.field !== null ? ` ${p.field}=${show(p.value)}` : '';
  return `${where}${field} — ${p.message} [${p.check}]`;
}
