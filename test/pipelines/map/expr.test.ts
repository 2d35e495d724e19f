// The compiled JSON paths and the one-pass column join must pick what the plain definitions pick.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_CODINGS, codingPaths, evalField, pick, pickAll, type EvalContext } from '../../../pipelines/map/expr.js';

/** The plain definition of pick: the path parsed on every call. */
function refPick(values: Record<string, unknown>, from: string): unknown {
  if (from in values) return values[from];
  if (!/[.[]/.test(from)) return undefined;
  let cur: unknown = values;
  for (const part of from.match(/[^.[\]]+|\[[^\]]*\]/g) ?? []) {
    if (cur === null || cur === undefined) return undefined;
    if (part.startsWith('[')) {
      const inner = part.slice(1, -1);
      const eq = inner.indexOf('=');
      if (eq > 0) {
        const [key, want] = [inner.slice(0, eq), inner.slice(eq + 1)];
        const sub = key.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
        cur = Array.isArray(cur)
          ? cur.find((x) => x !== null && typeof x === 'object' && String(refPick(x as Record<string, unknown>, sub)) === want)
          : undefined;
      } else cur = Array.isArray(cur) ? cur[Number(inner)] : undefined;
    } else cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function refPickAll(values: Record<string, unknown>, from: string | string[], join?: string): unknown {
  if (typeof from === 'string') return refPick(values, from);
  const parts = from.map((f) => refPick(values, f)).filter((x) => x !== null && x !== undefined && String(x).trim() !== '');
  if (parts.length === 0) return null;
  if (join === undefined && parts.length < from.length) return null;
  return parts.map((x) => (x instanceof Date ? x.toISOString().slice(0, 10) : String(x).trim())).join(join ?? ' ');
}

const key = fc.constantFrom('code', 'coding', 'system', 'value', 'a', 'b', '0', 'x.y');
const leaf = fc.oneof(fc.constantFrom('loinc', 'x', ' 1 ', '', '7', null, 0, 7, true), fc.string({ maxLength: 3 }));
const json = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 4, noNullPrototype: true })),
})).node;
const step = fc.oneof(
  key.filter((k) => !k.includes('.')),
  fc.integer({ min: 0, max: 2 }).map((i) => `[${i}]`),
  fc
    .tuple(fc.constantFrom('system', 'code', 'coding.0.system', 'a.b', 'value'), fc.constantFrom('loinc', 'x', '7', '1', 'null', 'true'))
    .map(([k, v]) => `[${k}=${v}]`),
);
const path = fc.array(step, { minLength: 1, maxLength: 4 }).map((s) => s.map((p, i) => (p.startsWith('[') || i === 0 ? p : `.${p}`)).join(''));

describe('field picking', () => {
  it('follows JSON paths as the plain definition does', () => {
    fc.assert(
      fc.property(fc.dictionary(key, json, { maxKeys: 5, noNullPrototype: true }), path, (values, from) => {
        expect(pick(values, from)).toEqual(refPick(values, from));
      }),
      { numRuns: 5000, seed: 11 },
    );
  });

  it('joins columns as the plain definition does', () => {
    const cell = fc.oneof(
      fc.constantFrom('', ' ', ' a ', '08:00', '2024-03-01', null, undefined, 5, 0),
      fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }),
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('A', 'B', 'C'), cell, { noNullPrototype: true }),
        fc.array(fc.constantFrom('A', 'B', 'C', 'D'), { minLength: 1, maxLength: 3 }),
        fc.constantFrom(undefined, ' ', '/', ''),
        (values, from, join) => {
          expect(pickAll(values, from, join)).toEqual(refPickAll(values, from, join));
        },
      ),
      { numRuns: 3000, seed: 12 },
    );
  });

  it('splits without building the parts as split() does', () => {
    const ctx: EvalContext = { decimal: '.', dateFormat: 'iso', timeZone: 'UTC', unmapped: new Map(), fieldName: 'x' };
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('1', '/', 'a', ' ', '//'), maxLength: 8 }),
        fc.constantFrom('/', '//', ' ', 'a1'),
        fc.integer({ min: 0, max: 3 }),
        (text, sep, index) => {
          const r = evalField({ from: 'v', split: { sep, index } }, { row: 1, pointer: null, values: { v: text } }, ctx);
          const t = text.trim();
          const part = t === '' ? undefined : t.split(sep)[index];
          if (t === '') expect(r).toMatchObject({ ok: true, value: null });
          else if (part === undefined || part.trim() === '') expect(r.ok).toBe(false);
          else expect(r).toMatchObject({ ok: true, value: part.trim() });
        },
      ),
      { numRuns: 3000, seed: 13 },
    );
  });
});

describe('codings paths', () => {
  it('are the system and code of each coding read and the code after them, built once per CodeableConcept path', () => {
    const paths = codingPaths('code');
    expect(paths).toEqual(
      Array.from({ length: MAX_CODINGS + 1 }, (_, i) => ({ system: `code.coding[${i}].system`, code: `code.coding[${i}].code` })),
    );
    // The same texts for every row (not new ones to hash again at each lookup).
    expect(codingPaths('code')).toBe(paths);
    expect(codingPaths('@drug.code')).not.toBe(paths);
  });

  it('read a coding of the wanted system through a reference the same way every time', () => {
    const ctx: EvalContext = { decimal: '.', dateFormat: 'iso', timeZone: 'UTC', unmapped: new Map(), fieldName: 'ma.dose_slot.when', routing: true };
    const row = {
      row: 1,
      pointer: null,
      values: { '@drug': { code: { coding: [{ system: 'http://snomed.info/sct', code: '1' }, { system: 'http://www.whocc.no/atc', code: 'L03AC01' }] } } },
    };
    const fm = { codings: { from: '@drug.code', system: 'http://www.whocc.no/atc' } };
    for (let i = 0; i < 3; i++) expect(evalField(fm, row, ctx)).toEqual({ ok: true, value: 'L03AC01', raw: 'L03AC01' });
  });
});
