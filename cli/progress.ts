// Progress of a long command on a terminal: one line per step, with the time since the command started, on
// stderr (stdout stays the command's result). Silent when stderr is not a terminal or when CI is set, so logs,
// pipes and tests see nothing. The whole API:
//
//   const p = startProgress('report');
//   p.step('loading store');             // "report   0.0 s  loading store"
//   p.step('rendering figures', 'amstel'); // "report   1.2 s  rendering figures (amstel)"
//   p.done();                            // "report   3.4 s  done"
//
// A phase callback (e.g. the ingest's) can be wired as `(phase, centre) => p.step(phase, centre)`.

export interface Progress {
  /** Starts a step; `detail` (a centre, a notebook) is shown in brackets. */
  step(label: string, detail?: string): void;
  /** Ends the run; `summary` replaces "done". */
  done(summary?: string): void;
}

export interface ProgressOptions {
  /** Where lines go (default process.stderr); shown only when it is a terminal. */
  stream?: { isTTY?: boolean; write(text: string): unknown };
  /** Environment read for CI (default process.env). */
  env?: Record<string, string | undefined>;
  /** Milliseconds clock (default performance.now). */
  now?: () => number;
}

const SILENT: Progress = { step: () => undefined, done: () => undefined };

/** Whether progress lines would be shown on `stream` under `env`. */
export function progressShown(stream: { isTTY?: boolean } = process.stderr, env: Record<string, string | undefined> = process.env): boolean {
  return stream.isTTY === true && (env.CI === undefined || env.CI === '' || env.CI === '0' || env.CI === 'false');
}

/**
 * Starts reporting the progress of a command named `name`.
 * @example const p = startProgress('holds'); p.step('evaluating rulesets'); p.done();
 */
export function startProgress(name: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (!progressShown(stream, options.env ?? process.env)) return SILENT;
  const now = options.now ?? (() => performance.now());
  const t0 = now();
  const line = (text: string) => stream.write(`${name} ${((now() - t0) / 1000).toFixed(1).padStart(6)} s  ${text}\n`);
  let finished = false;
  return {
    step: (label, detail) => {
      if (!finished) line(detail ? `${label} (${detail})` : label);
    },
    done: (summary) => {
      if (!finished) line(summary ?? 'done');
      finished = true;
    },
  };
}
