// Loads the R reference fixtures and compares numbers with a relative
// tolerance, remembering the largest relative difference seen per method so
// each test file can print it.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

export function loadFixture<T>(name: string): T {
  const url = new URL(`../../fixtures/r/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

const maxRel = new Map<string, number>();

/** |a - e| / |e|, or |a - e| when e = 0. */
export function relDiff(actual: number, expected: number): number {
  const d = Math.abs(actual - expected);
  return expected === 0 ? d : d / Math.abs(expected);
}

/**
 * Expects actual ~ expected within `rel` relative difference (or `abs`
 * absolute, for values near zero). `method` keys the running maximum.
 */
export function expectClose(method: string, actual: number | null | undefined, expected: number | null | undefined, rel = 1e-6, abs = 1e-12, what = ''): void {
  if (expected === null || expected === undefined) {
    expect(actual ?? null, `${method} ${what}: R gives no value`).toBeNull();
    return;
  }
  expect(typeof actual, `${method} ${what}: expected a number`).toBe('number');
  const a = actual as number;
  expect(Number.isFinite(a), `${method} ${what}: ${a} is not finite`).toBe(true);
  const r = relDiff(a, expected);
  const ad = Math.abs(a - expected);
  // Relative differences are recorded only where they mean something (|expected| above the absolute floor).
  maxRel.set(method, Math.max(maxRel.get(method) ?? 0, Math.abs(expected) > abs ? r : 0));
  if (!(r <= rel || ad <= abs)) {
    expect.fail(`${method} ${what}: got ${a}, R gives ${expected} (relative difference ${r.toExponential(2)} > ${rel})`);
  }
}

export function expectAllClose(method: string, actual: readonly (number | null)[], expected: readonly (number | null)[], rel = 1e-6, abs = 1e-12, what = ''): void {
  expect(actual.length, `${method} ${what}: length`).toBe(expected.length);
  expected.forEach((e, i) => expectClose(method, actual[i], e, rel, abs, `${what}[${i}]`));
}

/** Prints the running maxima (call from afterAll). */
export function reportMaxRel(): void {
  const lines = [...maxRel.entries()].map(([m, v]) => `  ${m}: ${v.toExponential(2)}`);
  if (lines.length) console.info(`largest relative difference against R:\n${lines.join('\n')}`);
}

/** Recursively asserts that a result contains no NaN. */
export function expectNoNaN(value: unknown, path = 'result'): void {
  if (typeof value === 'number') {
    expect(Number.isNaN(value), `${path} is NaN`).toBe(false);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => expectNoNaN(v, `${path}[${i}]`));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) expectNoNaN(v, `${path}.${k}`);
  }
}
