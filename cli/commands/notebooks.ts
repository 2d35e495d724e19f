import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { storeFile } from '../../pipelines/store/paths.js';
import { UserError } from '../errors.js';
import { startProgress } from '../progress.js';
import { projectRoot } from '../../project/index.js';

interface RunFlags {
  param: string[];
  params?: string;
  out?: string;
  timeout: string;
  startTimeout: string;
  code: boolean;
}

/**
 * A notebook's parameters: those given, plus storeDir = ./out/store when the notebook takes a store, none was given
 * and the directory the command runs in has one (the kernel runs in notebooks/, so the runner decides, not the notebook).
 */
function withDefaultStore(name: string, given: Record<string, unknown>, takesStore: boolean, cwd: string): Record<string, unknown> {
  if (!takesStore || given.storeDir !== undefined) return given;
  const out = join(cwd, 'out', 'store');
  return existsSync(storeFile(out)) ? { ...given, storeDir: out } : given;
}

function seconds(flag: string, value: string): number {
  const s = Number(value);
  if (!Number.isFinite(s) || s <= 0) throw new UserError(`${flag} needs a positive number of seconds, not ${JSON.stringify(value)}`);
  return s * 1000;
}

function readParamsFile(path: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`--params ${path}: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new UserError(`--params ${path}: needs a JSON object of parameter names and values`);
  return json as Record<string, unknown>;
}

function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}

export function registerNotebooks(program: Command): void {
  const notebooks = program.command('notebooks').description('Run the notebooks in notebooks/ headlessly on the tslab kernel');
  notebooks
    .command('run')
    .description('Execute notebooks (all in notebooks/ when none named) and write the executed .ipynb and a self-contained .html for each')
    .argument('[names...]', 'notebook names (00-kit-tour), file names or paths')
    .option(
      '--param <key=value>',
      'set a parameter (repeatable); checked against the notebook’s parameter schema',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--params <file.json>', 'parameters from a JSON object (--param wins)')
    .option('--out <dir>', 'output folder (default: out/notebooks in the project)')
    .option('--timeout <seconds>', 'time limit for each cell', '120')
    .option('--start-timeout <seconds>', 'time limit for the kernel to start', '30')
    .option('--no-code', 'leave code cells out of the HTML page (text and outputs only, for sharing)')
    .action(async (names: string[], flags: RunFlags) => {
      const runner = await import('../../notebooks/runner/index.js');
      const root = projectRoot();
      const cellTimeoutMs = seconds('--timeout', flags.timeout);
      const startTimeoutMs = seconds('--start-timeout', flags.startTimeout);
      const outDir = flags.out ? resolve(flags.out) : join(root, 'out', 'notebooks');
      let paths: string[];
      const given = new Map<string, Record<string, unknown>>();
      try {
        const common = { ...(flags.params ? readParamsFile(flags.params) : {}), ...runner.parseParamArgs(flags.param) };
        paths = runner.resolveNotebooks(names, root);
        // Check every notebook's parameters before starting any kernel.
        for (const p of paths) {
          const name = runner.notebookName(p);
          const takesStore = runner.isNotebookName(name) && 'storeDir' in runner.notebookParams[name].shape;
          given.set(p, withDefaultStore(name, common, takesStore, process.cwd()));
          runner.paramsFor(name, given.get(p)!, process.cwd());
        }
      } catch (e) {
        if (e instanceof runner.ParameterError) throw new UserError(e.message);
        throw e;
      }
      if (paths.length === 0) throw new UserError(`no notebooks in ${join(root, 'notebooks')}`);

      // Ctrl-C: exit through process 'exit', where each running kernel is killed.
      process.once('SIGINT', () => process.exit(130));
      let failed = 0;
      // Per-cell progress on a terminal only (cli/progress.ts); the outcome of each notebook goes to stdout.
      const progress = startProgress('notebooks');
      for (const path of paths) {
        let run;
        progress.step('starting the kernel', runner.notebookName(path));
        try {
          run = await runner.runNotebook(path, {
            root,
            outDir,
            params: given.get(path) ?? {},
            cellTimeoutMs,
            startTimeoutMs,
            code: flags.code,
            log: (line) => progress.step(line.trim()),
          });
        } catch (e) {
          if (e instanceof runner.ParameterError) throw new UserError(e.message);
          throw new UserError(`${runner.notebookName(path)}: ${(e as Error).message}`, 1);
        }
        const where = `${relative(process.cwd(), run.ipynbPath)}, ${relative(process.cwd(), run.htmlPath)}`;
        if (run.ok) {
          process.stdout.write(
            `${run.name}: ok, ${run.cells.length} code cells in ${(run.totalMs / 1000).toFixed(1)} s (kernel start ` +
              `${(run.kernelStartMs / 1000).toFixed(1)} s) → ${where}\n`,
          );
        } else if (run.failure) {
          failed++;
          const f = run.failure;
          const cell = f.cell === null ? 'the injected parameters cell' : `cell ${f.cell}`;
          const notRun = run.cells.filter((c) => c.status === 'not_run').length;
          process.stdout.write(
            `${run.name}: FAILED at ${cell} (${f.status}); ${notRun} later code cell(s) not run → ${where}\n` +
              `  source of ${cell}:\n${indent(f.source.trimEnd())}\n  error:\n${indent(f.error)}\n`,
          );
        }
      }
      progress.done();
      if (failed > 0) process.exitCode = 1;
    });

  notebooks
    .command('clear')
    .description('Remove outputs, execution counts and injected-parameters cells (committed notebooks carry none)')
    .argument('[names...]', 'notebook names, file names or paths (default: every notebook in notebooks/)')
    .action(async (names: string[]) => {
      const runner = await import('../../notebooks/runner/index.js');
      const root = projectRoot();
      let paths: string[];
      try {
        paths = runner.resolveNotebooks(names, root);
      } catch (e) {
        if (e instanceof runner.ParameterError) throw new UserError(e.message);
        throw e;
      }
      for (const path of paths) {
        const nb = runner.readNotebook(path);
        const cleared = runner.clearOutputs(runner.injectParameters(nb, {}));
        const before = runner.formatNotebook(nb);
        const after = runner.formatNotebook(cleared);
        if (before !== after) writeFileSync(path, after);
        process.stdout.write(`${relative(process.cwd(), path)}: ${before === after ? 'already clean' : 'cleared'}\n`);
      }
    });
}
