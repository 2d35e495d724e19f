// Small timing helpers for `npm run bench`: wall time and peak RSS sampled during a run.
export interface Measured<T> {
  value: T;
  ms: number;
  peakRssMiB: number;
}

/**
 * Times f after a full collection; with `settleMs`, waits that long after it first, so the collector's (and any
 * DuckDB query's) background threads have finished and do not compete with f for the cores.
 */
export async function measure<T>(f: () => Promise<T>, options: { settleMs?: number } = {}): Promise<Measured<T>> {
  (globalThis as { gc?: () => void }).gc?.();
  if (options.settleMs !== undefined) await new Promise((r) => setTimeout(r, options.settleMs));
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const t0 = performance.now();
  try {
    const value = await f();
    const ms = performance.now() - t0;
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, ms, peakRssMiB: Math.round(peak / 1048576) };
  } finally {
    clearInterval(timer);
  }
}

export function fmt(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
