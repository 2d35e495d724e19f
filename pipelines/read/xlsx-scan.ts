// Our own reader for the rows of one worksheet, giving exactly the row values exceljs's streaming reader
// gives (row.number, row.values, row.hasValues), about ten times faster: the sheet is inflated by zlib and
// scanned with indexOf instead of an XML parser building Row and Cell objects. The small parts (shared
// strings, styles, the 1904 date flag) still come from exceljs, read once per workbook (source.ts).
//
// It reads the plain form spreadsheet writers produce. Anything else it meets — rich text runs in an
// inline string, self-closing <v/> or <f/>, text between a cell's elements, CDATA, comments, an entity
// other than the XML five and character references, a carriage return, a row without r= — throws
// NotPlain, and the caller reads on with exceljs itself (which has its own quirks there, kept as they are).
import { isAscii } from 'node:buffer';
import { createRequire } from 'node:module';
import { createInflateRaw } from 'node:zlib';

/** One row as exceljs yields it: values indexed by column number (1-based, sparse, nulls left out). */
export interface SheetRow {
  number: number;
  values: unknown[];
  hasValues: boolean;
}

/** What the sheet's cells need from the rest of the workbook, as exceljs read it. */
export interface WorkbookParts {
  /** Shared strings as exceljs caches them (a string, { richText }, or null). */
  sharedStrings: unknown[];
  /** Number format of a cell style (styles.xml cellXfs index), as exceljs's StyleManager models it. */
  numFmt: (styleId: number) => { found: boolean; numFmt: string | undefined };
  date1904: boolean;
}

export class NotPlain extends Error {}

// exceljs's own rules for dates and str text (lib/utils/utils.js: not in its typed API, but it is the code its
// worksheet reader runs), so ours cannot drift from them.
const exceljsUtils = createRequire(import.meta.url)('exceljs/lib/utils/utils') as {
  isDateFmt(fmt: string | undefined): boolean;
  excelToDate(v: number, date1904: boolean | undefined): Date;
  xmlDecode(text: string): string;
};
const { isDateFmt, excelToDate } = exceljsUtils;

/** exceljs's second decoding of str and inlineStr text (a no-op without '&'). */
const xmlDecode = (text: string): string => (text.indexOf('&') < 0 ? text : exceljsUtils.xmlDecode(text));
const XML_FIVE: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&apos;': "'", '&quot;': '"' };

/** Character data as an XML parser (saxes) hands it over: the five entities and character references. */
function text(s: string, from: number, to: number): string {
  const t = s.slice(from, to);
  if (t.indexOf('\r') >= 0 || t.indexOf(']]>') >= 0) throw new NotPlain('carriage return or ]]> in text');
  if (t.indexOf('&') < 0) return t;
  return t.replace(/&([^;&]*);?/g, (m, name: string) => {
    if (!m.endsWith(';')) throw new NotPlain('bare &');
    const five = XML_FIVE[m];
    if (five !== undefined) return five;
    const code = /^#x[0-9a-fA-F]+$/.test(name) ? parseInt(name.slice(2), 16) : /^#[0-9]+$/.test(name) ? parseInt(name.slice(1), 10) : NaN;
    if (!(code >= 0x20 && code <= 0x10ffff) && code !== 0x9 && code !== 0xa && code !== 0xd) throw new NotPlain(`entity ${m}`);
    return String.fromCodePoint(code);
  });
}

const SPACE = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

/** The r, s and t attributes of a tag (the only ones a row or cell needs), as written. */
interface Rst {
  r: string | undefined;
  s: string | undefined;
  t: string | undefined;
}

/**
 * Reads the r, s and t attributes of the tag whose name ends at `from` and whose attributes end at `end`
 * (its '>', or the '/' of '/>'); other attributes are passed over (prefixed names such as x14ac:dyDescent too).
 */
function attributes(s: string, from: number, end: number, out: Rst): void {
  out.r = out.s = out.t = undefined;
  let p = from;
  for (;;) {
    while (p < end && SPACE(s.charCodeAt(p))) p++;
    if (p >= end) return;
    const eq = s.indexOf('=', p);
    if (eq < 0 || eq >= end) throw new NotPlain('attribute without a value');
    const q = s.charCodeAt(eq + 1);
    if (q !== 0x22 && q !== 0x27) throw new NotPlain('unquoted attribute');
    const close = s.indexOf(q === 0x22 ? '"' : "'", eq + 2);
    if (close < 0 || close >= end) throw new NotPlain('attribute runs past its tag');
    if (eq === p + 1) {
      const name = s.charCodeAt(p);
      if (name === 0x72 || name === 0x73 || name === 0x74) {
        const value = s.slice(eq + 2, close);
        // An entity or a tab or line break would need the normalising an XML parser does.
        if (value.indexOf('&') >= 0 || value.indexOf('\t') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0)
          throw new NotPlain('attribute value needs normalising');
        if (name === 0x72) out.r = value;
        else if (name === 0x73) out.s = value;
        else out.t = value;
      }
    } else if (!/^[^\s=]+\s*$/.test(s.slice(p, eq))) throw new NotPlain('attribute name');
    p = close + 1;
  }
}

/** Column number of a cell reference such as "AB12" (exceljs: colCache.decodeAddress). */
function columnOf(ref: string): number {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    col = col * 26 + (c - 64);
  }
  if (i === 0 || i > 3 || i === ref.length) throw new NotPlain(`cell reference ${ref}`);
  for (let j = i; j < ref.length; j++) {
    const c = ref.charCodeAt(j);
    if (c < 48 || c > 57) throw new NotPlain(`cell reference ${ref}`);
  }
  return col;
}

/** Scans rows out of successive pieces of sheet XML, each cut just after a </row> (the last piece: the rest). */
export class SheetScanner {
  private phase: 'prolog' | 'rows' | 'done' = 'prolog';
  private readonly attrs: Rst = { r: undefined, s: undefined, t: undefined };
  private readonly dateStyle = new Map<number, { found: boolean; date: boolean }>();

  constructor(private readonly parts: WorkbookParts) {}

  private style(id: number): { found: boolean; date: boolean } {
    let s = this.dateStyle.get(id);
    if (!s) {
      const m = this.parts.numFmt(id);
      s = { found: m.found, date: isDateFmt(m.numFmt) };
      this.dateStyle.set(id, s);
    }
    return s;
  }

  /** Rows of `s` (a piece of the sheet); `last` when no more XML follows. */
  scan(s: string, last: boolean, out: SheetRow[]): void {
    let p = 0;
    if (this.phase === 'prolog') {
      const at = s.indexOf('<sheetData');
      if (at < 0) {
        if (last || s.indexOf('<row') >= 0) throw new NotPlain('no <sheetData> before the rows');
        return;
      }
      const end = s.indexOf('>', at);
      if (end < 0) throw new NotPlain('unfinished <sheetData>');
      if (s.slice(0, at).indexOf('<row') >= 0 || s.slice(0, at).indexOf('<![CDATA[') >= 0) throw new NotPlain('rows before <sheetData>');
      if (s.charCodeAt(end - 1) === 0x2f) {
        this.phase = 'done';
        return;
      }
      this.phase = 'rows';
      p = end + 1;
    }
    if (this.phase === 'done') return;
    const n = s.length;
    for (;;) {
      while (p < n && SPACE(s.charCodeAt(p))) p++;
      if (p >= n) {
        if (last) throw new NotPlain('the sheet ends inside <sheetData>');
        return;
      }
      if (s.startsWith('</sheetData>', p)) {
        this.phase = 'done';
        return;
      }
      if (!s.startsWith('<row', p) || !(SPACE(s.charCodeAt(p + 4)) || s.charCodeAt(p + 4) === 0x3e || s.charCodeAt(p + 4) === 0x2f))
        throw new NotPlain(`unexpected markup in <sheetData> near ${JSON.stringify(s.slice(p, p + 20))}`);
      p = this.row(s, p, out);
    }
  }

  /** Reads the row whose tag starts at `p`; returns the position after it. */
  private row(s: string, p: number, out: SheetRow[]): number {
    const tagEnd = s.indexOf('>', p);
    if (tagEnd < 0) throw new NotPlain('unfinished <row>');
    const selfClosing = s.charCodeAt(tagEnd - 1) === 0x2f;
    attributes(s, p + 4, selfClosing ? tagEnd - 1 : tagEnd, this.attrs);
    const r = this.attrs.r;
    const number = r === undefined ? NaN : parseInt(r, 10);
    if (!Number.isFinite(number)) throw new NotPlain('row without a number');
    // A row's style gives its cells without a style of their own their number format (exceljs: Cell._mergeStyle).
    let rowDate = false;
    const rs = this.attrs.s;
    if (rs) {
      const st = this.style(parseInt(rs, 10));
      if (st.found) rowDate = st.date;
    }
    const values: unknown[] = [];
    let count = 0;
    const row: SheetRow = { number, values, hasValues: false };
    if (selfClosing) {
      out.push(row);
      return tagEnd + 1;
    }
    let q = tagEnd + 1;
    for (;;) {
      while (SPACE(s.charCodeAt(q))) q++;
      if (s.startsWith('</row>', q)) {
        q += 6;
        break;
      }
      if (!s.startsWith('<c', q) || !(SPACE(s.charCodeAt(q + 2)) || s.charCodeAt(q + 2) === 0x3e || s.charCodeAt(q + 2) === 0x2f))
        throw new NotPlain(`unexpected markup in a row near ${JSON.stringify(s.slice(q, q + 20))}`);
      const cEnd = s.indexOf('>', q);
      if (cEnd < 0) throw new NotPlain('unfinished <c>');
      const cSelf = s.charCodeAt(cEnd - 1) === 0x2f;
      attributes(s, q + 2, cSelf ? cEnd - 1 : cEnd, this.attrs);
      q = cEnd + 1;
      if (cSelf) continue; // a cell without a value (exceljs: a Null cell, not in row.values)
      const ref = this.attrs.r;
      if (ref === undefined) throw new NotPlain('cell without a reference');
      const col = columnOf(ref);
      const t = this.attrs.t;
      const cs = parseInt(this.attrs.s ?? '', 10);
      let f: string | null = null;
      let v: string | null = null;
      for (;;) {
        if (s.charCodeAt(q) !== 0x3c) throw new NotPlain('text between the elements of a cell');
        if (s.startsWith('</c>', q)) {
          q += 4;
          break;
        }
        if (s.startsWith('<v>', q)) {
          const end = s.indexOf('<', q + 3);
          if (!s.startsWith('</v>', end)) throw new NotPlain('markup inside <v>');
          v = text(s, q + 3, end);
          q = end + 4;
        } else if (s.startsWith('<f', q) && (s.charCodeAt(q + 2) === 0x3e || SPACE(s.charCodeAt(q + 2)))) {
          const open = s.indexOf('>', q);
          if (s.charCodeAt(open - 1) === 0x2f) throw new NotPlain('shared formula without text');
          const end = s.indexOf('<', open + 1);
          if (!s.startsWith('</f>', end)) throw new NotPlain('markup inside <f>');
          f = text(s, open + 1, end);
          if (f === '') throw new NotPlain('empty formula');
          q = end + 4;
        } else if (s.startsWith('<is><t', q) && (s.charCodeAt(q + 6) === 0x3e || SPACE(s.charCodeAt(q + 6)))) {
          const open = s.indexOf('>', q + 4);
          if (s.charCodeAt(open - 1) === 0x2f) throw new NotPlain('empty <t/>');
          const end = s.indexOf('<', open + 1);
          if (!s.startsWith('</t></is>', end)) throw new NotPlain('rich text or markup inside <is>');
          v = text(s, open + 1, end);
          q = end + 9;
        } else throw new NotPlain(`unexpected element in a cell near ${JSON.stringify(s.slice(q, q + 20))}`);
      }
      // The value exceljs's worksheet reader assigns (worksheet-reader.js, closetag 'c').
      let value: unknown;
      if (f !== null) {
        // A formula cell: exceljs's FormulaValue keeps the result only when it is truthy.
        const result = v === null ? undefined : t === 'str' ? xmlDecode(v) : parseFloat(v);
        value = result ? { formula: f, result } : { formula: f };
      } else if (v !== null) {
        switch (t) {
          case 's':
            value = this.parts.sharedStrings[parseInt(v, 10)];
            break;
          case 'inlineStr':
          case 'str':
            value = xmlDecode(v);
            break;
          case 'e':
            value = { error: v };
            break;
          case 'b':
            value = parseInt(v, 10) !== 0;
            break;
          default: {
            let date = rowDate;
            if (cs) {
              const st = this.style(cs);
              if (st.found) date = st.date;
            }
            value = date ? excelToDate(parseFloat(v), this.parts.date1904) : parseFloat(v);
          }
        }
      } else continue; // <c …></c>: nothing assigned
      if (value === null || value === undefined) {
        if (col in values) {
          delete values[col];
          count--;
        }
      } else {
        if (!(col in values)) count++;
        values[col] = value;
      }
    }
    row.hasValues = count > 0;
    out.push(row);
    return q;
  }
}

/**
 * Rows of a worksheet entry (its raw deflated or stored bytes, and the size they inflate to), in batches, in
 * document order. Throws an Error when the data is damaged, and NotPlain (possibly after some batches) when the sheet is not in the plain form.
 */
export async function* scanSheet(data: Buffer, stored: boolean, size: number, parts: WorkbookParts): AsyncGenerator<SheetRow[]> {
  const scanner = new SheetScanner(parts);
  const END = Buffer.from('</row>');
  let carry: Buffer = Buffer.alloc(0);
  const piece = (buf: Buffer, last: boolean): SheetRow[] => {
    const rows: SheetRow[] = [];
    scanner.scan(isAscii(buf) ? buf.toString('latin1') : buf.toString('utf8'), last, rows);
    return rows;
  };
  const chunks: AsyncIterable<Buffer> = stored ? oneChunk(data) : inflated(data);
  let inflatedBytes = 0;
  for await (const chunk of chunks) {
    inflatedBytes += chunk.length;
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const cut = buf.lastIndexOf(END);
    if (cut < 0) {
      carry = buf;
      continue;
    }
    carry = buf.subarray(cut + END.length);
    const rows = piece(buf.subarray(0, cut + END.length), false);
    if (rows.length) yield rows;
  }
  if (inflatedBytes !== size) throw new Error(`the sheet's data inflates to ${inflatedBytes} bytes, not the ${size} its zip entry states`);
  const rows = piece(carry, true);
  if (rows.length) yield rows;
}

async function* oneChunk(data: Buffer): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += 4 << 20) yield data.subarray(i, i + (4 << 20));
}

async function* inflated(data: Buffer): AsyncGenerator<Buffer> {
  const z = createInflateRaw({ chunkSize: 1 << 20 });
  z.end(data);
  for await (const c of z) yield c as Buffer;
}
