// Runs a notebook headlessly on its kernel: inject parameters, execute the code cells in order with a
// per-cell timeout, stop at the first cell whose execute reply is not 'ok' (tslab aborts whatever follows
// within 200 ms anyway, platform-notes F5), then write the executed .ipynb and a self-contained HTML.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { renderNotebookHtml, type CellStatus } from './html.js';
import { Kernel, type ExecuteResult } from './kernel.js';
import { findKernelSpec } from './kernelspec.js';
import { formatNotebook, hasTag, linesOf, readNotebook, textOf, type Notebook, type Output } from './nbformat.js';
import { isNotebookName, notebookParams } from '../../schemas/notebook-params.js';
import { INJECTED_TAG, ParameterError, checkParams, injectParameters } from './params.js';

export interface RunOptions {
  /** Project root: where notebooks/ and the project-local kernelspec are. */
  root: string;
  /** Folder for the executed .ipynb and .html. */
  outDir: string;
  /** Parameter overrides (strings from the command line are converted by the notebook's schema). */
  params?: Record<string, unknown>;
  /** Directory relative path parameters are resolved against (default: process.cwd()). */
  cwd?: string;
  cellTimeoutMs?: number;
  startTimeoutMs?: number;
  /** Progress lines (one per cell). */
  log?: (line: string) => void;
  /** Show code cells in the HTML page (default true); false gives a page of text and outputs to share. */
  code?: boolean;
}

export interface CellReport {
  /** 1-based position in the notebook as committed (null for the injected parameters cell). */
  cell: number | null;
  status: CellStatus;
  ms: number;
  source: string;
}

export interface NotebookRun {
  name: string;
  path: string;
  ok: boolean;
  params: Record<string, unknown>;
  kernelStartMs: number;
  totalMs: number;
  cells: CellReport[];
  failure?: { cell: number | null; status: CellStatus; source: string; error: string };
  ipynbPath: string;
  htmlPath: string;
}

/** What danfojs-node's pure-JS TensorFlow prints on first use (platform-notes F1). */
const TFJS_BANNER = /\n?=+\nHi,? (?:there|looks like you are running TensorFlow\.js in Node\.js)[^\n]*\n=+\n?/g;
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Drops the TensorFlow.js banner from stream outputs (and streams left empty). */
export function filterOutputs(outputs: readonly Output[]): Output[] {
  return outputs.flatMap((o): Output[] => {
    if (o.output_type !== 'stream') return [o];
    const text = textOf(o.text).replace(TFJS_BANNER, '');
    return text.trim() === '' && textOf(o.text).trim() !== '' ? [] : [{ ...o, text }];
  });
}

/** The error text of a failed cell: its stderr and error outputs, or the runner's own verdict. */
export function errorText(result: ExecuteResult, timeoutMs: number, kernelLog: string): string {
  if (result.status === 'timeout') return `timed out after ${timeoutMs / 1000} s`;
  if (result.status === 'abort') return 'aborted by the kernel (an earlier request failed)';
  const text = result.outputs
    .flatMap((o) =>
      o.output_type === 'stream' && o.name === 'stderr'
        ? [textOf(o.text)]
        : o.output_type === 'error'
          ? [`${o.ename}: ${o.evalue}`, ...o.traceback]
          : [],
    )
    .join('\n')
    .replace(ANSI, '')
    .trim();
  if (result.status === 'died') return `the kernel died${text ? `:\n${text}` : ''}${kernelLog ? `\nkernel log:\n${kernelLog.trim()}` : ''}`;
  return text || 'the kernel reported an error without any message';
}

/**
 * Finds notebooks by name (`00-kit-tour`), file name or path; no names means every notebook in notebooks/.
 * @example resolveNotebooks(['00-kit-tour'], root) // ['/…/notebooks/00-kit-tour.ipynb']
 */
export function resolveNotebooks(names: readonly string[], root: string, cwd = process.cwd()): string[] {
  const dir = join(root, 'notebooks');
  if (names.length === 0) {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.ipynb'))
      .sort()
      .map((f) => join(dir, f));
  }
  return names.map((n) => {
    const candidates = [resolve(cwd, n), join(dir, n), join(dir, `${n}.ipynb`)];
    const found = candidates.find((c) => c.endsWith('.ipynb') && existsSync(c));
    if (!found) throw new ParameterError(`no notebook ${JSON.stringify(n)} (looked for ${candidates.filter((c) => c.endsWith('.ipynb')).join(', ')})`);
    return found;
  });
}

export function notebookName(path: string): string {
  return basename(path).replace(/\.ipynb$/, '');
}

/** Checks overrides against the notebook's schema; notebooks without a schema take no overrides. */
export function paramsFor(name: string, given: Record<string, unknown>, cwd: string): Record<string, unknown> {
  if (Object.keys(given).length === 0) return {};
  if (!isNotebookName(name)) throw new ParameterError(`notebook ${name} has no parameter schema in notebookParams, so it takes no parameters`);
  return checkParams(notebookParams[name], given, cwd);
}

/**
 * Executes one notebook on its kernel and writes `<outDir>/<name>.ipynb` and `.html`.
 * Throws only for problems before execution (unknown notebook, bad parameters, kernel not registered).
 * @example const run = await runNotebook('notebooks/00-kit-tour.ipynb', { root, outDir: 'out/notebooks' }); run.ok
 */
export async function runNotebook(path: string, options: RunOptions): Promise<NotebookRun> {
  const { root, outDir, cwd = process.cwd(), cellTimeoutMs = 120_000, startTimeoutMs = 30_000, log = () => undefined } = options;
  const started = Date.now();
  const name = notebookName(path);
  const params = paramsFor(name, options.params ?? {}, cwd);
  const original = readNotebook(path);
  const nb: Notebook = injectParameters(original, params);
  const spec = findKernelSpec(nb.metadata.kernelspec?.name ?? 'tslab', root);

  // Position of each cell in the committed notebook (the injected cell has none).
  const origin = new Map<number, number | null>();
  let k = 0;
  nb.cells.forEach((c, i) => origin.set(i, hasTag(c, INJECTED_TAG) && !original.cells.includes(c) ? null : ++k));

  const cellStatus = new Map<number, CellStatus>();
  const cells: CellReport[] = [];
  let failure: NotebookRun['failure'];
  const t0 = Date.now();
  const kernel = await Kernel.start(spec, { cwd: dirname(resolve(path)), startTimeoutMs });
  const kernelStartMs = Date.now() - t0;
  log(`${name}: kernel ${spec.display_name} started in ${(kernelStartMs / 1000).toFixed(1)} s`);
  try {
    for (const [i, cell] of nb.cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      const cellNo = origin.get(i) ?? null;
      const label = cellNo === null ? 'injected parameters' : `cell ${cellNo}`;
      const source = textOf(cell.source);
      if (failure) {
        cellStatus.set(i, 'not_run');
        cells.push({ cell: cellNo, status: 'not_run', ms: 0, source });
        continue;
      }
      if (source.trim() === '') {
        cellStatus.set(i, 'ok');
        continue;
      }
      const result = await kernel.execute(source, { timeoutMs: cellTimeoutMs });
      // Stream text as a list of lines, the way Jupyter writes it.
      cell.outputs = filterOutputs(result.outputs).map((o) => (o.output_type === 'stream' ? { ...o, text: linesOf(textOf(o.text)) } : o));
      cell.execution_count = result.executionCount;
      cellStatus.set(i, result.status);
      cells.push({ cell: cellNo, status: result.status, ms: result.ms, source });
      if (result.status === 'ok') {
        log(`  ${label}: ok (${result.ms} ms)`);
        continue;
      }
      const error = errorText(result, cellTimeoutMs, kernel.kernelLog);
      if (result.status === 'timeout' || result.status === 'died')
        cell.outputs.push({
          output_type: 'error',
          ename: result.status === 'timeout' ? 'Timeout' : 'KernelDied',
          evalue: error,
          traceback: [],
        });
      failure = { cell: cellNo, status: result.status, source, error };
      log(`  ${label}: ${result.status.toUpperCase()} (${result.ms} ms)`);
    }
  } finally {
    await kernel.shutdown();
  }

  const totalMs = Date.now() - started;
  const ok = failure === undefined;
  const summary = ok
    ? `ran ${cells.length} code cells in ${(totalMs / 1000).toFixed(1)} s (kernel start ${(kernelStartMs / 1000).toFixed(1)} s)`
    : `FAILED at ${failure?.cell === null ? 'the injected parameters cell' : `cell ${failure?.cell}`} (${failure?.status}); later cells not run`;
  mkdirSync(outDir, { recursive: true });
  const ipynbPath = join(outDir, `${name}.ipynb`);
  const htmlPath = join(outDir, `${name}.html`);
  writeFileSync(ipynbPath, formatNotebook(nb));
  writeFileSync(htmlPath, renderNotebookHtml(nb, { title: name, run: { cellStatus, ok, params, summary }, code: options.code ?? true }));
  return { name, path, ok, params, kernelStartMs, totalMs, cells, ...(failure ? { failure } : {}), ipynbPath, htmlPath };
}
