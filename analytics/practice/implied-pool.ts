// The implied thresholds' fits on a second thread (issue 25): `holds` hands the cells to a worker as soon as the
// reference ruleset is evaluated and evaluates the other rulesets meanwhile; once done it fits, on its own thread, the
// cells the worker has not started. Both take the next cell from one shared counter (Atomics), so neither waits for the
// other's messages. A fit depends only on its task (seeded per task), results are kept by cell, and every cell is
// attempted, the lowest cell's error thrown: who fitted which cell changes no byte and no error. Tasks go once, as typed
// arrays (structured clone), never as slot rows. The worker module (implied-worker.ts) imports the fits only.
import { Worker } from 'node:worker_threads';
import { fitImplied, type ImpliedFit, type ImpliedFitOptions, type ImpliedTask } from './implied-fit.js';
import { startModuleWorker } from '../../project/index.js';

/** What the worker is sent: every task, the options, and the shared counter of the next task to take. */
export interface ImpliedJob {
  tasks: readonly ImpliedTask[];
  options: ImpliedFitOptions;
  next: Int32Array;
}

/** What the worker answers per task: the fit, or the error it threw (name, message and stack kept). */
export type ImpliedReply = { id: number; fit: ImpliedFit } | { id: number; error: { name: string; message: string; stack?: string } };

export interface ImpliedFits {
  /** Every fit, in task order; this thread fits the tasks the worker has not taken. Rejects with the lowest task's error. */
  done(): Promise<ImpliedFit[]>;
  /** Stops the worker without waiting for the fits (the caller failed first). */
  cancel(): Promise<void>;
  /** Which thread fitted each task, once done (for tests and timings): 'worker' or 'main'. */
  readonly by: ('worker' | 'main')[];
}

const asError = (e: { name: string; message: string; stack?: string }): Error => Object.assign(new Error(e.message), { name: e.name, stack: e.stack });

/**
 * Starts fitting `tasks`: on a worker thread (unless `thread` is false) and, from `done()` on, on this thread as well.
 * A worker that cannot start or dies leaves its unanswered tasks to this thread.
 * @example const fits = startImpliedFits(cells.map((c) => c.task), impliedFitOptions()); …; const all = await fits.done();
 */
export function startImpliedFits(
  tasks: readonly ImpliedTask[], options: ImpliedFitOptions, opts: { thread?: boolean; /** false: this thread only waits (tests) */ here?: boolean } = {},
): ImpliedFits {
  const results: (ImpliedFit | undefined)[] = new Array(tasks.length);
  const errors = new Map<number, Error>();
  const by: ('worker' | 'main')[] = new Array(tasks.length).fill('worker');
  const next = new Int32Array(new SharedArrayBuffer(4));
  const answered = new Set<number>();
  let worker: Worker | null = opts.thread === false || tasks.length < 2 ? null : startWorker();
  let wake: (() => void) | null = null;
  const settle = (): void => { const w = wake; wake = null; w?.(); };
  // A worker gone (it could not start, or died): what it took and did not answer is fitted here.
  let orphans: number[] = [];
  const lost = (): void => {
    if (worker === null) return;
    void worker.terminate();
    worker = null;
    const taken = Math.min(Atomics.load(next, 0), tasks.length);
    for (let id = 0; id < taken; id++) if (by[id] === 'worker' && !answered.has(id)) orphans.push(id);
    settle();
  };
  if (worker !== null) {
    worker.on('message', (m: ImpliedReply) => {
      answered.add(m.id);
      if ('error' in m) errors.set(m.id, asError(m.error));
      else results[m.id] = m.fit;
      settle();
    });
    worker.on('error', lost);
    worker.on('exit', lost);
    worker.postMessage({ tasks, options, next } satisfies ImpliedJob);
  }
  const fitHere = (id: number): void => {
    by[id] = 'main';
    try {
      results[id] = fitImplied(tasks[id]!, options);
    } catch (e) {
      errors.set(id, e instanceof Error ? e : new Error(String(e)));
    }
  };
  const stop = async (): Promise<void> => {
    const w = worker;
    worker = null;
    await w?.terminate();
  };
  const done = async (): Promise<ImpliedFit[]> => {
    try {
      const here = opts.here !== false || worker === null;
      for (let id = here ? Atomics.add(next, 0, 1) : tasks.length; id < tasks.length; id = Atomics.add(next, 0, 1)) fitHere(id);
      for (;;) {
        for (const id of orphans.splice(0)) fitHere(id);
        // A worker lost while this thread only waited: the tasks nobody took are this thread's now.
        if (worker === null) for (let id = Atomics.add(next, 0, 1); id < tasks.length; id = Atomics.add(next, 0, 1)) fitHere(id);
        const waiting = worker !== null && by.some((b, id) => b === 'worker' && !answered.has(id));
        if (!waiting) break;
        await new Promise<void>((r) => { wake = r; });
      }
      const first = [...errors.keys()].sort((a, b) => a - b)[0];
      if (first !== undefined) throw errors.get(first)!;
      return results as ImpliedFit[];
    } finally {
      await stop();
    }
  };
  return { done, cancel: stop, by };
}

/** The worker module beside this one (compiled, or its TypeScript source through tsx). */
function startWorker(): Worker {
  return startModuleWorker(import.meta.url, 'implied-worker');
}
