// Risk-set bookkeeping shared by Kaplan-Meier, log-rank and Aalen-Johansen.
// Times are compared exactly; R's survival package first merges times that
// differ by rounding error (aeqSurv), so round computed times before use.

export interface RiskTable {
  /** Distinct observed times, ascending. */
  time: number[];
  /** Number still under observation just before each time (time >= t). */
  nRisk: number[];
  /** Events of each code at each time: nByCode[code][i]; code 0 is censoring. */
  nByCode: number[][];
}

/** Tabulates subjects by distinct time. `maxCode` is the largest event code (1 for ordinary survival). */
export function riskTable(time: readonly number[], event: readonly number[], maxCode: number): RiskTable {
  const order = time.map((_, i) => i).sort((a, b) => time[a]! - time[b]!);
  const times: number[] = [];
  const nByCode: number[][] = Array.from({ length: maxCode + 1 }, () => []);
  for (const i of order) {
    const t = time[i]!;
    if (times.length === 0 || times[times.length - 1] !== t) {
      times.push(t);
      for (const col of nByCode) col.push(0);
    }
    const col = nByCode[event[i]!]!;
    col[col.length - 1]! += 1;
  }
  const nRisk: number[] = new Array<number>(times.length);
  let remaining = time.length;
  for (let k = 0; k < times.length; k++) {
    nRisk[k] = remaining;
    for (const col of nByCode) remaining -= col[k]!;
  }
  return { time: times, nRisk, nByCode };
}
