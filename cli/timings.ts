// Phase times of one command, for `npm run bench` (which times each command as a whole, in a process of its own, and
// needs to set figure rendering apart): with IL2KIT_TIMINGS=<file> set, the command writes {phase: ms} there when it
// finishes. Without it nothing is written; users never need it.
import { writeFileSync } from 'node:fs';

/** Times named phases of a command; `save()` writes them where IL2KIT_TIMINGS points, if anywhere. */
export class PhaseTimes {
  private readonly ms: Record<string, number> = {};

  /** Runs `f` and adds its wall time to `phase`. */
  async time<T>(phase: string, f: () => Promise<T> | T): Promise<T> {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      this.ms[phase] = Math.round((this.ms[phase] ?? 0) + performance.now() - t0);
    }
  }

  /** Sets `phase` to `ms` (e.g. the start-up: performance.now() when the command's action begins). */
  set(phase: string, ms: number): void {
    this.ms[phase] = Math.round(ms);
  }

  save(env: NodeJS.ProcessEnv = process.env): void {
    const file = env.IL2KIT_TIMINGS;
    if (file !== undefined && file !== '') writeFileSync(file, JSON.stringify(this.ms) + '\n');
  }
}
