// HTML building blocks for the self-contained report pages: every value is escaped here, once, and
// markdown is rendered with raw HTML shown as text, so nothing a spec or an export holds can run.
import { Marked, type Tokens } from 'marked';

/** Text as HTML: the five characters that can open markup or end an attribute are escaped. */
export function esc(s: unknown): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A missing value in a table. */
export const MISSING = '—';

/** A cell's text: `—` for null, undefined and empty text; numbers with thousands separators. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined || v === '') return MISSING;
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-GB') : String(v);
  return String(v);
}

/** A table with a header row; cells are escaped, numbers right-aligned. */
export function htmlTable(head: readonly string[], rows: readonly (readonly unknown[])[], cls = ''): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const td = (c: unknown) => `<td${typeof c === 'number' ? ' class="num"' : ''}>${esc(cellText(c))}</td>`;
  const body = rows.map((r) => `<tr>${r.map(td).join('')}</tr>`).join('\n');
  return `<table${cls ? ` class="${esc(cls)}"` : ''}><tr>${th}</tr>\n${body}</table>`;
}

/** `{a: 1, b: 2}` as "a: 1, b: 2" (plain text, not JSON); `—` when empty. */
export function pairsText(m: Readonly<Record<string, unknown>>): string {
  const e = Object.entries(m);
  return e.length === 0 ? MISSING : e.map(([k, v]) => `${k}: ${cellText(v)}`).join(', ');
}

const SAFE_HREF = /^(https?:|mailto:|#)/i;

// Raw HTML in markdown (block or inline) is shown as text; links keep only web, mail and in-page
// targets; images become their alt text, so the page makes no request. Headings move down two
// levels so an embedded document sits under the page's own h2.
const markdown = new Marked({
  renderer: {
    heading(t: Tokens.Heading) {
      const level = Math.min(6, t.depth + 2);
      return `<h${level}>${this.parser.parseInline(t.tokens)}</h${level}>\n`;
    },
    html: (t: Tokens.HTML | Tokens.Tag) => esc(t.text),
    image: (t: Tokens.Image) => esc(t.text),
    link(t: Tokens.Link) {
      const text = this.parser.parseInline(t.tokens);
      return SAFE_HREF.test(t.href) ? `<a href="${esc(t.href)}">${text}</a>` : text;
    },
  },
});

/** Markdown → HTML with raw HTML escaped. */
export function safeMarkdown(md: string): string {
  return markdown.parse(md, { async: false });
}
