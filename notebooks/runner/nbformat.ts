// The part of nbformat 4 that the runner reads and writes.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const MultilineString = z.union([z.string(), z.array(z.string())]);
const MimeBundle = z.record(z.string(), z.unknown());

export const StreamOutput = z.looseObject({ output_type: z.literal('stream'), name: z.enum(['stdout', 'stderr']), text: MultilineString });
export const DisplayDataOutput = z.looseObject({
  output_type: z.literal('display_data'),
  data: MimeBundle,
  metadata: z.record(z.string(), z.unknown()).default({}),
});
export const ExecuteResultOutput = z.looseObject({
  output_type: z.literal('execute_result'),
  data: MimeBundle,
  metadata: z.record(z.string(), z.unknown()).default({}),
  execution_count: z.number().int().nullable(),
});
export const ErrorOutput = z.looseObject({ output_type: z.literal('error'), ename: z.string(), evalue: z.string(), traceback: z.array(z.string()) });
export const Output = z.discriminatedUnion('output_type', [StreamOutput, DisplayDataOutput, ExecuteResultOutput, ErrorOutput]);
export type Output = z.infer<typeof Output>;

const CellMetadata = z.looseObject({ tags: z.array(z.string()).optional() });
export const CodeCell = z.looseObject({
  cell_type: z.literal('code'),
  id: z.string().optional(),
  metadata: CellMetadata.default({}),
  source: MultilineString,
  outputs: z.array(Output).default([]),
  execution_count: z.number().int().nullable().default(null),
});
export type CodeCell = z.infer<typeof CodeCell>;
export const TextCell = z.looseObject({
  cell_type: z.enum(['markdown', 'raw']),
  id: z.string().optional(),
  metadata: CellMetadata.default({}),
  source: MultilineString,
});
export type TextCell = z.infer<typeof TextCell>;
export const Cell = z.discriminatedUnion('cell_type', [CodeCell, TextCell]);
export type Cell = z.infer<typeof Cell>;

export const Notebook = z.looseObject({
  nbformat: z.literal(4),
  nbformat_minor: z.number().int(),
  metadata: z.looseObject({
    kernelspec: z.looseObject({ name: z.string(), display_name: z.string().optional(), language: z.string().optional() }).optional(),
  }),
  cells: z.array(Cell),
});
export type Notebook = z.infer<typeof Notebook>;

/** Joins a notebook's multi-line string (string or list of lines). */
export function textOf(source: string | readonly string[]): string {
  return typeof source === 'string' ? source : source.join('');
}

/** Splits text into nbformat's list of lines, each keeping its newline. */
export function linesOf(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export function hasTag(cell: Cell, tag: string): boolean {
  return cell.metadata.tags?.includes(tag) ?? false;
}

/** Reads and checks an .ipynb file; throws an Error naming the file and the first problem. */
export function readNotebook(path: string): Notebook {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: not a readable notebook (${(e as Error).message})`);
  }
  const parsed = Notebook.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: not an nbformat 4 notebook (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})`);
  }
  return parsed.data;
}

/** Serialises a notebook the way Jupyter does (1-space indent, trailing newline). */
export function formatNotebook(nb: Notebook): string {
  return JSON.stringify(nb, null, 1) + '\n';
}

/** The notebook with every output and execution count removed (what is committed). */
export function clearOutputs(nb: Notebook): Notebook {
  return { ...nb, cells: nb.cells.map((c) => (c.cell_type === 'code' ? { ...c, outputs: [], execution_count: null } : c)) };
}
