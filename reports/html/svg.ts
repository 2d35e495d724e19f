// SVG inlined into a report page: scripts, event handlers, foreign content and references outside the
// document are removed, and ids are prefixed so that two figures' clip paths and gradients cannot collide.
import { createHash } from 'node:crypto';
import { escapeHtml } from './escape.js';

const DROP_ELEMENTS = ['script', 'foreignObject', 'iframe', 'object', 'embed', 'audio', 'video', 'image', 'use'];

/** Removes whatever could run code or make a request; keeps drawing elements and text as they are. */
export function sanitizeSvg(svg: string): string {
  let s = svg.replace(/<\?xml[^>]*\?>/g, '').replace(/<!DOCTYPE[^>]*>/gi, '').replace(/<!--[\s\S]*?-->/g, '');
  for (const el of DROP_ELEMENTS) {
    s = s.replace(new RegExp(`<${el}\\b[\\s\\S]*?(?:/>|</${el}\\s*>)`, 'gi'), '');
  }
  // Event handlers (onload=…), and links or style references anywhere but inside the document.
  s = s.replace(/\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '');
  s = s.replace(/\s+(?:xlink:)?href\s*=\s*("(?!#)[^"]*"|'(?!#)[^']*')/gi, '');
  s = s.replace(/url\(\s*(['"]?)(?!#)[^)]*\1\s*\)/gi, 'none');
  s = s.replace(/@import[^;]*;?/gi, '');
  return s.trim();
}

/** Prefixes every id and every local reference to it (url(#x), href="#x"). */
function prefixIds(svg: string, prefix: string): string {
  const ids = new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
  if (ids.size === 0) return svg;
  return svg
    .replace(/(\sid=")([^"]+)"/g, (_m, a: string, id: string) => `${a}${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (m, id: string) => (ids.has(id) ? `url(#${prefix}${id})` : m))
    .replace(/(href=")#([^"]+)"/g, (m, a: string, id: string) => (ids.has(id) ? `${a}#${prefix}${id}"` : m));
}

export interface InlineSvgOptions {
  /** Extra caption HTML after the alt text (already escaped): method notes, the store the figure came from. */
  captionHtml?: string;
  /** id of the <figure> element. */
  id?: string;
}

/**
 * Wraps an SVG document in a <figure> with a caption, sanitised and with its ids made unique on the page.
 * A document with nothing drawn becomes a visible note, never an empty figure.
 * @example section.html += inlineSvg(await renderSvg(spec), 'Doses reached by centre');
 */
export function inlineSvg(svg: string, alt: string, options: InlineSvgOptions = {}): string {
  const clean = sanitizeSvg(svg);
  const id = options.id ? ` id="${escapeHtml(options.id)}"` : '';
  const caption = `<figcaption>${escapeHtml(alt)}${options.captionHtml ? ` ${options.captionHtml}` : ''}</figcaption>`;
  const open = /^<svg\b[^>]*>/.exec(clean);
  if (!open || !/<(?:path|rect|line|circle|text|g|polygon|polyline|ellipse)\b/.test(clean)) {
    return `<figure class="missing"${id}><p class="missing">Figure not drawn: there was nothing to show.</p>${caption}</figure>`;
  }
  const prefix = 'f' + createHash('sha256').update(alt).update(clean).digest('hex').slice(0, 8) + '-';
  const label = escapeHtml(alt);
  const tag = open[0].replace(/\s(?:role|aria-label)="[^"]*"/g, '').replace(/^<svg/, `<svg role="img" aria-label="${label}"`);
  return `<figure${id}>${prefixIds(tag + clean.slice(open[0].length), prefix)}${caption}</figure>`;
}
