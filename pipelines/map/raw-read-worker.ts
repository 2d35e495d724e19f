// A reader thread of RawReadPool (raw-read.ts): runs raw-read tasks one at a time.
import { parentPort } from 'node:worker_threads';
import { InputError } from '../read/errors.js';
import { readRawTask, type RawTask } from './raw-read.js';

parentPort!.on('message', ({ id, task }: { id: number; task: RawTask }) => {
  readRawTask(task).then(
    (done) => parentPort!.postMessage({ id, done }),
    (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      parentPort!.postMessage({
        id,
        error: { name: err.name, message: err.message, input: e instanceof InputError ? [e.file, e.where, e.problem, e.fix] : undefined },
      });
    },
  );
});
