// A fitting thread of implied-pool.ts: takes the next task from the shared counter until none is left, answering each.
import { parentPort } from 'node:worker_threads';
import { fitImplied } from './implied-fit.js';
import type { ImpliedJob, ImpliedReply } from './implied-pool.js';

parentPort!.on('message', ({ tasks, options, next }: ImpliedJob) => {
  for (let id = Atomics.add(next, 0, 1); id < tasks.length; id = Atomics.add(next, 0, 1)) {
    let reply: ImpliedReply;
    try {
      reply = { id, fit: fitImplied(tasks[id]!, options) };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      reply = { id, error: { name: err.name, message: err.message, ...(err.stack === undefined ? {} : { stack: err.stack }) } };
    }
    parentPort!.postMessage(reply);
  }
});
