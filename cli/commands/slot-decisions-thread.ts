// SlotDecisionWriter on a thread of its own (issue 25): the DuckDB appends of every ruleset's decisions (native, several
// CPU-seconds at 20,000 patients) leave `holds`' main thread, which evaluates the rulesets. The frame's slot identity
// goes once, coded (slotIdentity); each ruleset's decision columns are copied over as typed arrays. Same files, same
// staging and publish rules as the writer itself: nothing is moved into place before every write has finished.
import { Worker } from 'node:worker_threads';
import { passCore, type RulesetPass, type SlotDecisionColumns } from '../../analytics/practice/slot-decisions.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import { slotIdentity } from './slot-decisions-output.js';
import type { WriterReply, WriterRequest } from './slot-decisions-worker.js';
import { startModuleWorker } from '../../project/index.js';

/** The writer thread: `open`, `add` each ruleset's columns, then `publish` (or `discard` after a failure). */
export class SlotDecisionThread {
  private waiting: { op: string; resolve: (r: WriterReply) => void }[] = [];

  private lost: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (r: WriterReply) => this.waiting.shift()?.resolve(r));
    const gone = (e: Error): void => {
      this.lost ??= e;
      for (const w of this.waiting.splice(0)) w.resolve({ op: w.op as WriterRequest['op'], error: { name: e.name, message: e.message } });
    };
    worker.on('error', gone);
    worker.on('exit', (code) => gone(new Error(`the slot-decision writer thread stopped (exit ${code})`)));
  }

  /** Not awaited: DuckDB is loaded and the slots appended on the thread while the caller goes on; publish waits. */
  private opened: Promise<unknown> = Promise.resolve();

  static open(outDir: string, frame: SlotFeatureFrame, rulesets: number): SlotDecisionThread {
    const t = new SlotDecisionThread(startWorker());
    t.opened = t.ask({ op: 'open', outDir, ids: slotIdentity(frame), rulesets });
    t.opened.catch(() => undefined); // thrown by publish (or swallowed by discard)
    return t;
  }

  /** Hands one ruleset's decisions over (copied; a failure is reported by publish). */
  add(cols: SlotDecisionColumns): void {
    this.worker.postMessage({ op: 'add', cols } satisfies WriterRequest);
  }

  /**
   * Hands one ruleset's pass over: the thread makes its columns (slotDecisionColumns), the same as
   * `add(slotDecisionColumns(frame, pass))`, in the same order. A pass with columns sends them. The evaluation's own
   * arrays (decision, fired lists, classes) are moved, not copied: the pass must not be read after this.
   */
  addPass(n: number, pass: RulesetPass): void {
    if (pass.columns !== undefined) return this.add(pass.columns);
    const core = passCore(pass);
    const arrays = [core.ev.decision, core.ev.fired.offsets, core.ev.fired.rule, core.ev.cannot.offsets, core.ev.cannot.rule, core.classes.cls];
    const move = arrays.filter((a) => a.byteOffset === 0 && a.byteLength === a.buffer.byteLength);
    this.worker.postMessage({ op: 'pass', n, pass: core } satisfies WriterRequest, [...new Set(move.map((a) => a.buffer as ArrayBuffer))]);
  }

  /** Waits for every write; then `beforeMove` (e.g. clearing the old outputs), and moves the files into place. Returns the rows written. */
  async publish(beforeMove: () => void = () => undefined): Promise<number> {
    try {
      await this.opened;
      await this.ask({ op: 'written' });
      beforeMove();
      return (await this.ask({ op: 'move' })) ?? 0;
    } catch (e) {
      await this.ask({ op: 'discard' }).catch(() => undefined);
      throw e;
    } finally {
      await this.worker.terminate();
    }
  }

  /** Stops without publishing (after a failure): the writes already started finish, then the staging folder goes. */
  async discard(): Promise<void> {
    try {
      await this.ask({ op: 'discard' });
    } finally {
      await this.worker.terminate();
    }
  }

  private ask(m: Exclude<WriterRequest, { op: 'add' }>): Promise<number | undefined> {
    if (this.lost !== null) return Promise.reject(this.lost);
    return new Promise((resolve, reject) => {
      this.waiting.push({
        op: m.op,
        resolve: (r) => ('error' in r ? reject(Object.assign(new Error(r.error.message), { name: r.error.name, stack: r.error.stack })) : resolve(r.rows)),
      });
      this.worker.postMessage(m);
    });
  }
}

/** The worker module beside this one (compiled, or its TypeScript source through tsx). */
function startWorker(): Worker {
  return startModuleWorker(import.meta.url, 'slot-decisions-worker');
}
