// One self-contained HTML document: inline CSS, no script, a CSP that forbids every request, a table of contents.
import { escapeHtml } from './escape.js';
import { REPORT_CSS } from './style.js';

/** A section of a report page; `html` is an already-escaped fragment. */
export interface ReportSection {
  id: string;
  title: string;
  html: string;
}

export interface ReportPage {
  title: string;
  subtitle?: string;
  sections: readonly ReportSection[];
  /** Already-escaped HTML shown at the foot of the page. */
  footer?: string;
}

/** Nothing may be fetched; images only from data: URIs; styles only inline. */
export const REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/** A section id usable as a URL fragment: lower case, letters, digits and hyphens. */
function anchor(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'section';
}

/**
 * Renders a report page as one HTML document that opens offline and makes no request.
 * @example writeFileSync('out/report/index.html', renderReportPage({ title: 'Report', sections: [{ id: 'summary', title: 'Summary', html: '<p>…</p>' }] }));
 */
export function renderReportPage(page: ReportPage): string {
  const seen = new Map<string, number>();
  const ids = page.sections.map((s) => {
    const base = anchor(s.id);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
  const toc = page.sections.map((s, i) => `<li><a href="#${ids[i]}">${escapeHtml(s.title)}</a></li>`).join('');
  const sections = page.sections
    .map(
      (s, i) =>
        `<section class="report-section" id="${ids[i]}" aria-labelledby="${ids[i]}-h">\n<h2 ` +
        `id="${ids[i]}-h">${escapeHtml(s.title)}</h2>\n${s.html}\n</section>`,
    )
    .join('\n');
  const subtitle = page.subtitle ? `<p class="subtitle">${escapeHtml(page.subtitle)}</p>` : '';
  const footer = page.footer ? `<footer class="page">${page.footer}</footer>` : '';
  const body = `<header class="page"><h1>${escapeHtml(page.title)}</h1>${subtitle}</header>
${page.sections.length ? `<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>${toc}</ol></nav>` : ''}
<main>
${sections}
</main>
${footer}`;
  return htmlDocument(page.title, REPORT_CSS, body);
}

/**
 * A complete HTML document around an already-escaped body: charset, the strict CSP, viewport, inline CSS.
 * @example htmlDocument('Notebook 03', 'body{margin:0}', '<p>…</p>')
 */
export function htmlDocument(title: string, css: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
