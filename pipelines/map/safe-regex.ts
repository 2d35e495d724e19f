// Regular expressions written in a mapping spec cannot hang the ingest. A pattern that could
// backtrack (more than one quantifier: `(a+)+$`, `^(\w+\s?)+$`) runs on re2js, a port of RE2, in
// linear time; a pattern with at most one quantifier cannot backtrack badly (at most quadratic in
// the text) and runs on V8's own engine, which is 10–70× faster per match here, lookarounds
// included. A pattern with more than one quantifier that RE2 cannot run (a lookaround or a
// backreference) is refused at spec load (docs/decisions.md).
import { RE2JS } from 're2js';

/** Why a spec pattern is refused (null: it is accepted), in words for the spec's author. */
export function specRegexProblem(pattern: string): string | null {
  try {
    new RegExp(pattern, 'i');
  } catch (e) {
    return `invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`;
  }
  if (quantifierCount(pattern) <= 1) return null;
  try {
    RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
    return null;
  } catch (e) {
    return `${JSON.stringify(pattern)} could take exponential time: it has more than one quantifier (*, +, ?, {n,m}) and a construct linear-time matching ` +
      `cannot run (${(e as Error).message}); drop the lookaround or backreference, or keep to one quantifier`;
  }
}

/** What the mapping needs of a pattern: a test and the first capture group (or the whole match). */
export interface SpecRegex {
  test(text: string): boolean;
  /** The first capture group, else the whole match; null when the text does not match. */
  capture(text: string): string | null;
  /** 'native' (at most one quantifier) or 're2' (anything that could backtrack). */
  readonly engine: 'native' | 're2';
}

/**
 * Quantifiers (`*`, `+`, `?`, `{n,m}`) outside character classes and escapes; a lazy or
 * possessive mark after a quantifier is not counted again, nor `?` that opens a group (`(?:`).
 */
export function quantifierCount(pattern: string): number {
  let n = 0;
  let inClass = false;
  let afterQuantifier = false;
  let groupOpen = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    const opened = groupOpen;
    groupOpen = false;
    if (ch === '\\') {
      i++;
      afterQuantifier = false;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[' || ch === '(') {
      inClass = ch === '[';
      groupOpen = ch === '(';
      afterQuantifier = false;
      continue;
    }
    if (ch === '?' && opened) continue;
    const brace = ch === '{' ? /^\{\d+(,\d*)?\}/.exec(pattern.slice(i)) : null;
    if (ch === '*' || ch === '+' || ch === '?' || brace) {
      if (!(afterQuantifier && (ch === '?' || ch === '+'))) n++;
      afterQuantifier = true;
      if (brace) i += brace[0].length - 1;
      continue;
    }
    afterQuantifier = false;
  }
  return n;
}

const cache = new Map<string, SpecRegex>();

/** The pattern compiled once, case-insensitive, on the engine its shape calls for. */
export function specRegex(pattern: string): SpecRegex {
  let r = cache.get(pattern);
  if (r === undefined) cache.set(pattern, (r = compile(pattern)));
  return r;
}

function compile(pattern: string): SpecRegex {
  if (quantifierCount(pattern) <= 1) {
    const re = new RegExp(pattern, 'i');
    return {
      engine: 'native',
      test: (t) => re.test(t),
      capture: (t) => {
        const m = re.exec(t);
        return m === null ? null : (m[1] ?? m[0]);
      },
    };
  }
  const re = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  return {
    engine: 're2',
    test: (t) => re.matcher(t).find(),
    capture: (t) => {
      const m = re.matcher(t);
      if (!m.find()) return null;
      return (re.groupCount() >= 1 ? m.group(1) : null) ?? m.group(0);
    },
  };
}
