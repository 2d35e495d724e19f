// Small timing helpers for `npm run bench`: wall time and peak RSS sampled during a run.
export interface Measured<T> {
  value: T;
  ms: number;
  peakRssMiB: number;
}

export async function measure<T>(f: () => Promise<T>): Promise<Measured<T>> {
  (globalThis as { gc?: () => void }).gc?.();
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
