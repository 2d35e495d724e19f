// Input checks shared by the stats functions. Each throws an Error naming the
// function, the offending field and index, and what to do about it.

export function checkLevel(fn: string, level: number): void {
  if (!(level > 0 && level < 1)) throw new Error(`${fn}: confidence level must be in (0, 1), got ${level}`);
}

export function checkFiniteArray(fn: string, name: string, xs: readonly number[]): void {
  if (!Array.isArray(xs)) throw new Error(`${fn}: ${name} must be an array of numbers`);
  xs.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new Error(`${fn}: ${name}[${i}] is ${String(x)}; every value must be a finite number (drop or impute missing rows first)`);
    }
  });
}

export function checkSameLength(fn: string, columns: Record<string, readonly unknown[] | undefined>): number {
  let n: number | undefined;
  let first = '';
  for (const [name, col] of Object.entries(columns)) {
    if (col === undefined) continue;
    if (n === undefined) {
      n = col.length;
      first = name;
    } else if (col.length !== n) {
      throw new Error(`${fn}: ${name} has ${col.length} values but ${first} has ${n}; columns must have one value per subject`);
    }
  }
  return n ?? 0;
}

export function checkNonNegativeTimes(fn: string, time: readonly number[]): void {
  checkFiniteArray(fn, 'time', time);
  time.forEach((t, i) => {
    if (t < 0) throw new Error(`${fn}: time[${i}] is ${t}; follow-up times must be >= 0`);
  });
}

/** Event codes must be 0 (censored) or, if maxCode is 1, 1; for competing risks any integer 1..maxCode. */
export function checkEventCodes(fn: string, event: readonly number[], maxCode = 1): void {
  event.forEach((e, i) => {
    if (!Number.isInteger(e) || e < 0 || e > maxCode) {
      const allowed = maxCode === 1 ? '0 (censored) or 1 (event)' : `an integer from 0 (censored) to ${maxCode}`;
      throw new Error(`${fn}: event[${i}] is ${String(e)}; it must be ${allowed}`);
    }
  });
}

/** Distinct group labels in a stable order: numeric order when all labels are numbers, otherwise code-point order. */
export function sortedLevels(labels: readonly string[]): string[] {
  const levels = [...new Set(labels)];
  const allNumeric = levels.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
  return allNumeric ? levels.sort((a, b) => Number(a) - Number(b)) : levels.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
