// DuckDB reading an NDJSON source's cells itself (pipelines/map/json-cells.ts): the store, counts and
// messages must be exactly those of our reader, and whatever DuckDB would read otherwise must send
// the file back to our reader.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parquetHashes } from '../../helpers/store.js';
import { ingestCentre, type IngestResult } from '../../../pipelines/ingest.js';
import { columnarStats } from '../../../pipelines/map/columnar.js';
import { jsonCellsPlan, scanNdjson } from '../../../pipelines/map/json-cells.js';

const SAMPLES = join(import.meta.dirname, '..', '..', '..', 'data-samples');

const summary = (r: IngestResult, store: string) => ({
  counts: r.counts,
  sources: r.sources,
  unmapped: r.unmapped,
  checks: r.checks.map((c) => [c.id, c.status, c.n_failed, c.examples]),
  files: parquetHashes(store),
});

/** Ingests a copy of harbour whose Observation file `edit` changed, with DuckDB's reading and with ours. */
async function both(edit: (text: string) => string, aheadBytes?: number) {
  const root = mkdtempSync(join(tmpdir(), 'il2kit-jsoncells-'));
  try {
    const dir = join(root, 'harbour');
    cpSync(join(SAMPLES, 'harbour'), dir, { recursive: true });
    const file = join(dir, 'Observation.ndjson');
    writeFileSync(file, edit(readFileSync(file, 'utf8')));
    const spec = join(dir, 'mapping.yaml');
    const before = { ...columnarStats };
    const duck = await ingestCentre(spec, { storeDir: join(root, 'duck'), env: {}, duckdbJson: true, ...(aheadBytes === undefined ? {} : { aheadBytes }) });
    const used = columnarStats.jsonCells - before.jsonCells;
    const refused = columnarStats.refusedJson - before.refusedJson;
    const ours = await ingestCentre(spec, { storeDir: join(root, 'ours'), env: {}, duckdbJson: false });
    return { duck: summary(duck, join(root, 'duck')), ours: summary(ours, join(root, 'ours')), used, refused };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const BP = (sys: string, dia: string, extra = '') =>
  `{"resourceType":"Observation","status":"final","category":[{"coding":[{"code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},"subject":{"reference":"Patient/1043c068-2c07-4455-ac80-a862fe678f86"},"effectiveDateTime":"2022-11-22T22:00:00-08:00","component":[{"code":{"coding":[{"code":"8480-6"}]},"valueQuantity":{"value":${sys},"code":"mm[Hg]"}},{"code":{"coding":[{"code":"8462-4"}]},"valueQuantity":{"value":${dia},"code":"mm[Hg]"}}]${extra}}`;
const HR = (value: string, extra = '') =>
  `{"resourceType":"Observation","category":[{"coding":[{"code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/1043c068-2c07-4455-ac80-a862fe678f86"},"effectiveDateTime":"2022-11-23T02:00:00-08:00","valueQuantity":{"value":${value},"code":"/min"}${extra}}`;
const addLines = (...lines: string[]) => (text: string) => text.replace(/\n?$/, '\n') + lines.join('\n') + '\n';

describe('DuckDB reads NDJSON cells as our reader does', () => {
  it('stores what our reader stores for harbour, read by DuckDB', async () => {
    const r = await both((t) => t);
    expect(r.used).toBe(1);
    expect(r.refused).toBe(0);
    expect(r.duck).toEqual(r.ours);
    expect(Object.keys(r.duck.files).length).toBeGreaterThan(5);
  }, 60_000);

  it('stores the same when the file is loaded at its turn rather than ahead', async () => {
    const r = await both((t) => t, 0);
    expect(r.used).toBe(1);
    expect(r.duck).toEqual(r.ours);
  }, 60_000);

  it('gives the file back to our reader when DuckDB refuses it at its turn', async () => {
    const r = await both(addLines('', HR('90')), 0);
    expect(r.used).toBe(0);
    expect(r.refused).toBe(1);
    expect(r.duck).toEqual(r.ours);
  }, 60_000);

  it('reads odd but sound values the same way: -0, 1.50, exponents, text numbers, escapes, \\N, empty codes, numeric codes, CRLF', async () => {
    const r = await both((t) =>
      addLines(
        HR('-0'),
        HR('1.50'),
        HR('1E2'),
        HR('12345678901234567890123'),
        HR('"88"'),
        HR('"\\u0038\\u0039"'),
        HR('true'),
        HR('null'),
        BP('120', '-0.0'),
        BP('"\\\\N"', '""'),
        HR('90', ',"code":{"coding":[{"system":"http://loinc.org","code":8867}]}').replace('"code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},', ''),
        BP('130', '80').replace('"code":"8480-6"', '"code":8480').replace('{"value":80', '{"value":81') + '\r',
        HR('77', ',"method":{"text":"caf\\u00e9 ☕"}'),
      )(t),
    );
    expect(r.used).toBe(1);
    expect(r.refused).toBe(0);
    expect(r.duck).toEqual(r.ours);
  }, 60_000);

  it.each([
    ['a blank line', (t: string) => addLines('', HR('90'))(t)],
    ['a line that is not JSON', addLines('{"resourceType":"Observation",')],
    ['a line that is null', addLines('null')],
    ['a line that is an array', addLines('[1, 2]')],
    ['a key given twice', addLines(HR('90', ',"subject":{"reference":"Patient/x"}'))],
    ['a key given twice inside an object', addLines(HR('90').replace('"value":90', '"value":90,"value":91'))],
    ['a leaf that is an object', addLines(HR('{"v":90}'))],
    ['a leaf that is an array', addLines(HR('[90]'))],
    ['a key named like a whole path', addLines(HR('90', ',"valueQuantity.value":95'))],
    ['a component whose code is an array', addLines(BP('120', '80').replace('"code":"8480-6"', '"code":["8480-6"]'))],
    ['a byte order mark', (t: string) => '\ufeff' + t],
    ['a \\u0000 escape', addLines(HR('90', ',"method":{"text":"a\\u0000b"}'))],
    ['a lone surrogate', addLines(HR('90', ',"method":{"text":"\\ud800"}'))],
    // What DuckDB's parser reads and JSON.parse rejects (issue 27 item 7: Infinity stopped the ingest with exit 70).
    ['a value of Infinity', addLines(HR('Infinity'))],
    ['a value of NaN in a field no path reads', addLines(HR('90', ',"note":NaN'))],
    ['a trailing comma', addLines(HR('90').replace(/}$/, ',}'))],
    ['a trailing comma in a list', addLines(HR('90', ',"note":[1,2,]'))],
  ])('gives the file back to our reader for %s', async (_what, edit) => {
    const r = await both(edit);
    expect(r.used).toBe(0);
    expect(r.duck).toEqual(r.ours);
  }, 60_000);
});

describe('jsonCellsPlan', () => {
  it('types the nodes the paths go through and reads each leaf as JSON', () => {
    const p = jsonCellsPlan(['subject.reference', 'code.coding[system=http://loinc.org].code', 'code.coding[0].code', 'component[code.coding.0.code=8480-6].valueQuantity.value', 'effectiveDateTime']);
    expect(typeof p).not.toBe('string');
    if (typeof p === 'string') return;
    expect(p.columns).toContain(`'subject': 'STRUCT("reference" JSON)'`);
    expect(p.columns).toContain(`'effectiveDateTime': 'JSON'`);
    expect(p.columns).toContain(`"code.coding[0].code" JSON`); // the element's literal key, read to notice it
    expect(p.leaves).toHaveLength(5);
  });

  it.each([
    [['a.length'], 'key "length"'],
    [['a.0.b'], 'key "0"'],
    [['a[x=true].b'], 'match value "true"'],
    [['a[x=undefined].b'], 'match value "undefined"'],
    [['a', 'a.b'], 'both as a value and as an object'],
    [['a[0]', 'a.b'], 'both as a value and as an object'],
  ])('refuses %j (%s)', (paths, why) => {
    const p = jsonCellsPlan(paths);
    expect(typeof p).toBe('string');
    expect(p).toContain(why);
  });
});

describe('scanNdjson', () => {
  const scan = (bytes: Buffer | string, limit = 1000, chunk?: number) => {
    const root = mkdtempSync(join(tmpdir(), 'il2kit-scan-'));
    try {
      writeFileSync(join(root, 'x.ndjson'), bytes);
      return scanNdjson(join(root, 'x.ndjson'), limit, chunk);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };

  it('counts lines as our reader numbers them, with or without a final line break, over chunk boundaries', () => {
    expect(scan('{"a":1}\n{"a":2}\n')).toMatchObject({ lines: 2, maxLineBytes: 7, refused: null, bytes: 16 });
    expect(scan('{"a":1}\n{"a":22}')).toMatchObject({ lines: 2, maxLineBytes: 8, refused: null });
    expect(scan('{"a":1}\n{"a":2}\n', 1000, 3)).toMatchObject({ lines: 2, maxLineBytes: 7 });
    expect(scan('')).toMatchObject({ lines: 0, refused: null });
    expect(scan('{"a":1}\n', 1000, 3).sha256).toBe(createHash('sha256').update('{"a":1}\n').digest('hex'));
  });

  it.each([
    ['a byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n')]), 'byte order mark'],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d, 0x0a]), 'UTF-8'],
    ['a \\u0000 escape', '{"a":"x\\u0000"}\n', '\\u0000'],
    ['a \\u0000 escape cut by a chunk boundary', '{"a":"xx\\u0000"}\n', '\\u0000'],
    ['a line longer than the field limit', `{"a":"${'x'.repeat(2000)}"}\n`, 'longer than'],
  ])('refuses %s', (_what, bytes, why) => {
    for (const chunk of [4, 5, 8 << 20]) expect(scan(bytes, 1000, chunk).refused).toContain(why);
  });
});
