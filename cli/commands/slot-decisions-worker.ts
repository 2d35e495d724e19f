// The writer thread of slot-decisions-thread.ts: a SlotDecisionWriter driven by messages, answering each in turn.
import { parentPort } from 'node:worker_threads';
import { slotDecisionColumns, type PassCore, type SlotDecisionColumns } from '../../analytics/practice/slot-decisions.js';
import { SlotDecisionWriter, type SlotIdentity } from './slot-decisions-output.js';

export type WriterRequest =
  | { op: 'open'; outDir: string; ids: SlotIdentity; rulesets: number }
  | { op: 'add'; cols: SlotDecisionColumns }
  /** A pass whose columns are made here (slotDecisionColumns), off the thread that evaluates the rulesets. */
  | { op: 'pass'; n: number; pass: PassCore }
  | { op: 'written' }
  | { op: 'move' }
  | { op: 'discard' };

export type WriterReply = { op: WriterRequest['op']; rows?: number } | { op: WriterRequest['op']; error: { name: string; message: string; stack?: string } };

let writer: SlotDecisionWriter | null = null;
// An add's failure is kept and answered at the next request that waits (written), as the in-thread writer's add throws.
let failed: Error | null = null;

async function handle(m: WriterRequest): Promise<number | undefined> {
  switch (m.op) {
    case 'open':
      writer = await SlotDecisionWriter.openCoded(m.outDir, m.ids, m.rulesets);
      return undefined;
    case 'add':
      if (failed === null) writer!.add(m.cols);
      return undefined;
    case 'pass':
      if (failed === null) writer!.add(slotDecisionColumns({ n: m.n }, m.pass));
      return undefined;
    case 'written':
      if (failed !== null) throw failed;
      await writer!.written();
      return undefined;
    case 'move':
      return writer!.move();
    case 'discard':
      await writer?.discard();
      return undefined;
  }
}

let queue: Promise<unknown> = Promise.resolve();
parentPort!.on('message', (m: WriterRequest) => {
  // Requests run one after another, in the order sent.
  queue = queue.then(async () => {
    try {
      const rows = await handle(m);
      if (m.op !== 'add' && m.op !== 'pass') parentPort!.postMessage({ op: m.op, ...(rows === undefined ? {} : { rows }) } satisfies WriterReply);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      if (m.op === 'add' || m.op === 'pass') failed ??= err;
      else {
        const error = { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
        parentPort!.postMessage({ op: m.op, error } satisfies WriterReply);
      }
    }
  });
});
