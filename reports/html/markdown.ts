// Markdown rendered inside a report page: raw HTML (block or inline) is shown as text, links keep only
// web, mail and in-page targets, images become their alt text (the page makes no request), and
// headings move down two levels so an embedded document sits under the page's own h2.
import { Marked, type Tokens } from 'marked';
import { escapeHtml } from './escape.js';

const SAFE_HREF = /^(https?:|mailto:|#)/i;

const markdown = new Marked({
  renderer: {
    html: (t: Tokens.HTML | Tokens.Tag) => escapeHtml(t.text),
    image: (t: Tokens.Image) => escapeHtml(t.text),
    link(t: Tokens.Link) {
      const text = this.parser.parseInline(t.tokens);
      return SAFE_HREF.test(t.href) ? `<a href="${escapeHtml(t.href)}">${text}</a>` : text;
    },
    heading(t: Tokens.Heading) {
      const level = Math.min(6, t.depth + 2);
      return `<h${level}>${this.parser.parseInline(t.tokens)}</h${level}>\n`;
    },
  },
});

/**
 * Markdown → an HTML fragment safe to embed in a report page.
 * @example safeMarkdown('# Spec <script>') === '<h3>Spec &lt;script&gt;</h3>\n'
 */
export function safeMarkdown(md: string): string {
  return markdown.parse(md, { async: false });
}
