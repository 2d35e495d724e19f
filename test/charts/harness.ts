// The chart harness every chart test goes through (house style point 9):
//   1. the spec validates against vega-lite's published JSON schema,
//   2. it compiles with no warnings or errors (vega-lite's logger captured),
//   3. the builder does not mutate its input (deep-frozen input, deep-equal before/after),
//   4. the rendered SVG matches the committed golden file test/fixtures/charts/<name>.svg,
//      and the PNG renders;
//   5. it fits a 1,400-px-wide page, and no text promises a tooltip (figures are static images).
// Goldens: UPDATE_GOLDEN=1 rewrites them; a missing golden is written locally but fails in CI;
// a mismatch writes <name>-changed.svg beside the golden for a visual diff.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { compileChart, renderPng, renderSvg } from '../../charts/index.js';

const require = createRequire(import.meta.url);
/** Widest figure a report page takes without sideways scrolling. */
export const MAX_FIGURE_WIDTH = 1400;
export const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'charts');

let validateSchema: ReturnType<Ajv.default['compile']> | undefined;
/** vega-lite's published schema (draft-07), compiled once. */
function vegaLiteSchema() {
  if (!validateSchema) {
    const schema = JSON.parse(readFileSync(require.resolve('vega-lite/build/vega-lite-schema.json'), 'utf8')) as object;
    validateSchema = new Ajv.default({ strict: false, allErrors: true, allowUnionTypes: true }).compile(schema);
  }
  return validateSchema;
}

/** Freezes an object graph so that any write by the builder throws. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Compares `actual` with the golden file `name`, honouring UPDATE_GOLDEN and CI (see the file header). */
export function expectGolden(name: string, actual: string): void {
  const golden = join(GOLDEN_DIR, name);
  const changed = golden.replace(/(\.[^.]+)$/, '-changed$1');
  mkdirSync(GOLDEN_DIR, { recursive: true });
  if (process.env.UPDATE_GOLDEN === '1' || (!existsSync(golden) && !process.env.CI)) {
    writeFileSync(golden, actual);
    rmSync(changed, { force: true });
    return;
  }
  if (!existsSync(golden)) throw new Error(`golden file ${golden} is missing (run the tests locally, or with UPDATE_GOLDEN=1, and commit it)`);
  const expected = readFileSync(golden, 'utf8');
  if (expected !== actual) {
    writeFileSync(changed, actual);
    expect.fail(`${name} differs from its golden file; the new rendering is in ${changed} (UPDATE_GOLDEN=1 accepts it)`);
  }
  rmSync(changed, { force: true });
}

/**
 * Registers the harness's tests for one chart and one input.
 * @example checkChart('swimmer', swimmerSpec, slots);
 */
export function checkChart<I>(name: string, build: (input: I) => TopLevelSpec, input: I): void {
  describe(`chart ${name}`, () => {
    it('validates against the vega-lite JSON schema', () => {
      const validate = vegaLiteSchema();
      const ok = validate(build(structuredClone(input)));
      expect(validate.errors ?? [], 'schema errors').toEqual([]);
      expect(ok).toBe(true);
    });

    it('compiles without warnings', () => {
      const { messages } = compileChart(build(structuredClone(input)));
      expect(messages).toEqual({ warnings: [], errors: [] });
    });

    it('does not mutate its input', () => {
      const before = structuredClone(input);
      const frozen = deepFreeze(structuredClone(input));
      expect(() => build(frozen)).not.toThrow();
      expect(frozen).toEqual(before);
    });

    it('is deterministic and renders the golden SVG', async () => {
      const svg = await renderSvg(build(structuredClone(input)));
      expect(await renderSvg(build(structuredClone(input)))).toBe(svg);
      expectGolden(`${name}.svg`, svg);
    });

    it('fits a 1,400-px page and promises no tooltip', async () => {
      const svg = await renderSvg(build(structuredClone(input)));
      expect(Number(/^<svg[^>]* width="([\d.]+)"/.exec(svg)![1])).toBeLessThanOrEqual(MAX_FIGURE_WIDTH);
      const text = [...svg.matchAll(/<text[^>]*>(.*?)<\/text>/gs)].map((m) => m[1]).join(' ');
      expect(text).not.toMatch(/tooltip|hover/i);
    });

    it('renders a PNG', async () => {
      const png = await renderPng(build(structuredClone(input)), { scale: 1 });
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.length).toBeGreaterThan(1000);
    });
  });
}
