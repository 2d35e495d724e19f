// Parameter injection, papermill's convention: a cell tagged `injected-parameters` right after the cell
// tagged `parameters`. The parameters cell declares each name with `let`; the injected cell assigns to
// it, so the joined code still type-checks (no redeclaration) and tslab keeps one binding per name.
import { isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { hasTag, linesOf, textOf, type Cell, type Notebook } from './nbformat.js';
import { notebookParamInfo } from '../../schemas/notebook-params.js';

export const PARAMETERS_TAG = 'parameters';
export const INJECTED_TAG = 'injected-parameters';
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A parameter the user got wrong; the message names it and says what was expected. */
export class ParameterError extends Error {
  override name = 'ParameterError';
}

/**
 * Parses `--param key=value` arguments. Values stay strings here; `checkParams` converts them with the schema.
 * @example parseParamArgs(['maxProblems=5']) // { maxProblems: '5' }
 */
export function parseParamArgs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? '' : pair.slice(0, eq).trim();
    if (!IDENTIFIER.test(key)) throw new ParameterError(`--param ${JSON.stringify(pair)}: write key=value with a TypeScript identifier as the key`);
    out[key] = pair.slice(eq + 1);
  }
  return out;
}

/**
 * Checks parameter overrides against a notebook's schema (only the keys given; the notebook parses the
 * full set itself). A command-line string is read as JSON when the schema does not take the string
 * (`5` → 5, `true` → true); path parameters become absolute, relative to `cwd`.
 * @example checkParams(KitTourParams, { maxProblems: '5' }, process.cwd()) // { maxProblems: 5 }
 */
export function checkParams(schema: z.ZodObject, given: Record<string, unknown>, cwd: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, raw] of Object.entries(given)) {
    const field = schema.shape[key] as z.ZodType | undefined;
    if (!field) {
      problems.push(`unknown parameter ${key} (this notebook takes ${Object.keys(schema.shape).join(', ') || 'none'})`);
      continue;
    }
    let value = raw;
    if (typeof raw === 'string' && !field.safeParse(raw).success) {
      try {
        value = JSON.parse(raw) as unknown;
      } catch {
        /* keep the string; the schema says what is wrong */
      }
    }
    if (typeof value === 'string' && value !== '' && notebookParamInfo.get(field)?.kind === 'path' && !isAbsolute(value)) value = resolve(cwd, value);
    const parsed = field.safeParse(value);
    if (parsed.success) out[key] = parsed.data;
    else problems.push(`${key}=${JSON.stringify(raw)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (problems.length) throw new ParameterError(`bad parameter${problems.length > 1 ? 's' : ''}: ${problems.join('; ')}`);
  return out;
}

/** TypeScript assignments for the injected cell (JSON literals are TS literals), in a block so tslab prints no value. */
export function parametersCode(values: Record<string, unknown>): string {
  const lines = Object.entries(values).map(([k, v]) => `  ${k} = ${JSON.stringify(v)};`);
  return ['// Parameters injected by il2kit notebooks run', '{', ...lines, '}'].join('\n');
}

/**
 * The notebook with a cell tagged `injected-parameters` after its `parameters` cell (any earlier injected
 * cell removed). Every key must be declared with `let` in the parameters cell.
 */
export function injectParameters(nb: Notebook, values: Record<string, unknown>): Notebook {
  const cells = nb.cells.filter((c) => !hasTag(c, INJECTED_TAG));
  if (Object.keys(values).length === 0) return { ...nb, cells };
  const at = cells.findIndex((c) => c.cell_type === 'code' && hasTag(c, PARAMETERS_TAG));
  const paramsCell = cells[at];
  if (!paramsCell) throw new ParameterError(`the notebook has no code cell tagged "${PARAMETERS_TAG}", so it takes no parameters`);
  const source = textOf(paramsCell.source);
  const undeclared = Object.keys(values).filter((k) => !new RegExp(`\\blet\\s+${k.replace(/\$/g, '\\$')}\\b`).test(source));
  if (undeclared.length) throw new ParameterError(`the parameters cell does not declare ${undeclared.join(', ')} with let`);
  const injected: Cell = {
    cell_type: 'code',
    id: 'injected-parameters',
    metadata: { tags: [INJECTED_TAG] },
    source: linesOf(parametersCode(values)),
    outputs: [],
    execution_count: null,
  };
  return { ...nb, cells: [...cells.slice(0, at + 1), injected, ...cells.slice(at + 1)] };
}
