// A self-contained HTML rendering of an executed notebook: markdown rendered with marked, images inlined
// as data: URIs, no scripts, and the report pages' Content-Security-Policy that forbids any request or script.
import { marked } from 'marked';
import { escapeHtml } from '../../reports/html/escape.js';
import { htmlDocument } from '../../reports/html/page.js';
import { textOf, type Notebook, type Output } from './nbformat.js';

export { escapeHtml };

export type CellStatus = 'ok' | 'error' | 'abort' | 'timeout' | 'died' | 'not_run';

export interface HtmlRunInfo {
  /** Status of each cell by its index in `nb.cells` (code cells only). */
  cellStatus: ReadonlyMap<number, CellStatus>;
  ok: boolean;
  params: Record<string, unknown>;
  summary: string;
}

const STYLE = `
body { font-family: 'DejaVu Sans', system-ui, sans-serif; max-width: 1100px; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.45; }
header.run { border: 1px solid #ccc; border-radius: 6px; padding: .6rem 1rem; margin-bottom: 1.5rem; background: #f7f7f7; }
header.run.failed { border-color: #D55E00; background: #fff3ec; }
.cell { margin: 1rem 0; }
.code .in { display: flex; gap: .5rem; }
.prompt { color: #666; font-family: 'DejaVu Sans Mono', monospace; font-size: .85rem; min-width: 5.5rem; text-align: right; padding-top: .45rem; }
pre { margin: 0; padding: .45rem .6rem; overflow-x: auto; font-family: 'DejaVu Sans Mono', monospace; font-size: .85rem; line-height: 1.2; }
.source pre { background: #f5f5f5; border: 1px solid #e0e0e0; border-radius: 4px; }
.source { flex: 1; min-width: 0; }
.outputs { margin-left: 6rem; }
.outputs-only .outputs { margin-left: 0; }
.outputs img { max-width: 100%; }
.outputs { min-width: 0; max-width: 100%; overflow-x: auto; }
.outputs table { display: block; max-width: 100%; overflow-x: auto; }
.stderr { background: #fff1f0; }
.error { background: #fdd; }
.status-error .source pre, .status-timeout .source pre, .status-died .source pre { border-color: #D55E00; border-width: 2px; }
.status-not_run { opacity: .55; }
.badge { font-size: .75rem; padding: 0 .35rem; border-radius: 3px; background: #eee; }
.badge.error, .badge.timeout, .badge.died { background: #D55E00; color: white; }
table { border-collapse: collapse; font-size: .85rem; }
td, th { border: 1px solid #ddd; padding: .15rem .5rem; }
`;

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;


function dataUri(mime: string, base64: string): string {
  return `data:${mime};base64,${base64.replace(/\s+/g, '')}`;
}

/** Picks the richest representation of a mime bundle that a static page can show. */
function renderBundle(data: Record<string, unknown>): string {
  const text = (k: string) => {
    const v = data[k];
    return typeof v === 'string' ? v : Array.isArray(v) ? v.join('') : undefined;
  };
  const svg = text('image/svg+xml');
  if (svg !== undefined) return `<img alt="chart" src="${dataUri('image/svg+xml', Buffer.from(svg, 'utf8').toString('base64'))}">`;
  for (const mime of ['image/png', 'image/jpeg', 'image/gif']) {
    const b64 = text(mime);
    if (b64 !== undefined) return `<img alt="image" src="${dataUri(mime, b64)}">`;
  }
  const html = text('text/html');
  if (html !== undefined) return `<div class="html">${html}</div>`;
  const md = text('text/markdown');
  if (md !== undefined) return `<div class="markdown">${marked.parse(md, { async: false })}</div>`;
  const plain = text('text/plain');
  if (plain !== undefined) return `<pre>${escapeHtml(plain.replace(ANSI, ''))}</pre>`;
  return `<pre>(output of type ${escapeHtml(Object.keys(data).join(', '))} not shown in HTML)</pre>`;
}

function renderOutput(o: Output): string {
  switch (o.output_type) {
    case 'stream':
      return `<pre class="${o.name}">${escapeHtml(textOf(o.text).replace(ANSI, ''))}</pre>`;
    case 'error':
      return `<pre class="error">${escapeHtml([`${o.ename}: ${o.evalue}`, ...o.traceback].join('\n').replace(ANSI, ''))}</pre>`;
    default:
      return renderBundle(o.data);
  }
}

/**
 * Renders a notebook (executed or not) as one self-contained HTML page.
 * @example writeFileSync('out/tour.html', renderNotebookHtml(nb, { title: '00-kit-tour' }));
 */
export function renderNotebookHtml(nb: Notebook, options: { title: string; run?: HtmlRunInfo; code?: boolean }): string {
  const { title, run, code = true } = options;
  const parts: string[] = [];
  if (run) {
    const params = Object.keys(run.params).length ? `<br>Parameters: <code>${escapeHtml(JSON.stringify(run.params))}</code>` : '';
    const hidden = code ? '' : '<br>Code cells are hidden in this copy (il2kit notebooks run --no-code); their outputs are shown.';
    parts.push(
      `<header class="run ${run.ok ? 'passed' : 'failed'}"><strong>${escapeHtml(title)}</strong>: ${escapeHtml(run.summary)}${params}${hidden}</header>`,
    );
  }
  nb.cells.forEach((cell, i) => {
    const source = textOf(cell.source);
    if (cell.cell_type === 'code' && !code) {
      // Outputs only: what a reader is shown, without the code that made it.
      if (cell.outputs.length)
        parts.push(
          `<section class="cell code outputs-only" id="cell-${i + 1}"><div class="outputs">${cell.outputs.map(renderOutput).join('\n')}</div></section>`,
        );
    } else if (cell.cell_type !== 'code') {
      const body = cell.cell_type === 'markdown' ? marked.parse(source, { async: false }) : `<pre>${escapeHtml(source)}</pre>`;
      parts.push(`<section class="cell ${cell.cell_type}" id="cell-${i + 1}">${body}</section>`);
    } else {
      const status = run?.cellStatus.get(i);
      const prompt = `[${cell.execution_count ?? ' '}]`;
      const badge = status && status !== 'ok' ? ` <span class="badge ${status}">${status.replace('_', ' ')}</span>` : '';
      const tags = cell.metadata.tags?.length ? ` <span class="badge">${escapeHtml(cell.metadata.tags.join(', '))}</span>` : '';
      parts.push(
        `<section class="cell code status-${status ?? 'none'}" id="cell-${i + 1}">` +
          `<div class="in"><div class="prompt">In ${prompt}<br><small>cell ${i + 1}</small></div><div ` +
          `class="source"><pre><code>${escapeHtml(source)}</code></pre>${badge}${tags}</div></div>` +
          (cell.outputs.length ? `<div class="outputs">${cell.outputs.map(renderOutput).join('\n')}</div>` : '') +
          `</section>`,
      );
    }
  });
  return htmlDocument(title, STYLE, parts.join('\n'));
}
