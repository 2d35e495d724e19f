import { describe, expect, it } from 'vitest';
import { escapeHtml, formatNumber, formatPercent, formatValue, htmlTable, inlineSvg, renderReportPage, sanitizeSvg, REPORT_CSP } from '../../../reports/html/index.js';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and attributes', () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;');
  });
});

describe('formatPercent', () => {
  it('writes every share with one decimal, so 10% and 13% read alike (the old rule gave "10.0%" beside "13%")', () => {
    expect([0.09999, 0.13, 0.127, 0.0049, 0, 1].map(formatPercent)).toEqual(['10.0%', '13.0%', '12.7%', '0.5%', '0.0%', '100.0%']);
    expect([null, undefined, Number.NaN].map(formatPercent)).toEqual(['—', '—', '—']);
  });
});

describe('formatValue', () => {
  it('shows missing values as an em dash, never null or NaN', () => {
    for (const v of [null, undefined, Number.NaN, '', []]) expect(formatValue(v)).toBe('—');
  });
  it('formats numbers to sensible precision', () => {
    expect(formatNumber(12345)).toBe('12,345');
    expect(formatNumber(0.123456)).toBe('0.123');
    expect(formatNumber(2.5)).toBe('2.5');
    expect(formatNumber(3.14159)).toBe('3.14');
    expect(formatNumber(45.678)).toBe('45.7');
    expect(formatNumber(1234.5)).toBe('1,235');
    expect(formatNumber(-0.5)).toBe('−0.5');
    expect(formatNumber(0.0000042)).toBe('4.2e-6');
    expect(formatNumber(0.30000000000000004)).toBe('0.3');
    expect(formatNumber(Infinity)).toBe('∞');
    expect(formatValue(true)).toBe('yes');
    expect(formatValue(10n ** 6n)).toBe('1,000,000');
    expect(formatValue(new Date('2024-03-01T00:00:00Z'))).toBe('2024-03-01T00:00:00Z');
  });
});

describe('htmlTable', () => {
  const cols = [
    { key: 'centre', label: 'Centre <name>' },
    { key: 'pct', label: 'Held (%)' },
    { key: 'note', label: 'Note', format: (v: unknown) => (v === null ? 'none given' : String(v)) },
  ];
  const html = htmlTable(cols, [
    { centre: 'a&b', pct: 12.3456, note: '<b>x</b>' },
    { centre: 'c', pct: null, note: null },
    { centre: 'd', pct: Number.NaN, note: 'y' },
  ]);
  it('escapes labels and cells, formats numbers and right-aligns numeric columns', () => {
    expect(html).toContain('<th scope="col">Centre &lt;name&gt;</th>');
    expect(html).toContain('<td>a&amp;b</td>');
    expect(html).toContain('<td>&lt;b&gt;x&lt;/b&gt;</td>');
    expect(html).toContain('12.3');
    expect(html).not.toContain('12.3456');
    expect(html).toContain('<td>none given</td>');
  });
  it('never prints null, undefined or NaN', () => {
    expect(html).not.toMatch(/>(null|undefined|NaN)</);
    expect(html.match(/<td[^>]*>—<\/td>/g)).toHaveLength(2);
  });
  it('says when there are no rows and wraps the table so it scrolls instead of widening the page', () => {
    const empty = htmlTable(cols, []);
    expect(empty).toContain('No rows.');
    expect(empty.startsWith('<div class="table-wrap">')).toBe(true);
  });
});

describe('inlineSvg', () => {
  const svg = `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="100" viewBox="0 0 200 100" onload="alert(1)">
<script>alert(2)</script><defs><clipPath id="clip1"><rect width="10" height="10"/></clipPath></defs>
<g clip-path="url(#clip1)"><rect width="5" height="5" style="fill:url(http://evil.example/x)"/></g>
<image href="http://evil.example/a.png"/><a xlink:href="https://evil.example/"><text>link</text></a>
<foreignObject><div>x</div></foreignObject><text onclick="x()">Held doses</text></svg>`;
  const fig = inlineSvg(svg, 'Doses <held> by centre', { captionHtml: '<span>Store: out/store</span>' });
  it('removes scripts, handlers, foreign content and every external reference', () => {
    expect(fig).not.toMatch(/script|onload|onclick|foreignObject|evil\.example|<image/i);
    expect(sanitizeSvg(svg)).not.toContain('<?xml');
  });
  it('wraps the figure with an accessible label and its caption', () => {
    expect(fig).toMatch(/^<figure><svg role="img" aria-label="Doses &lt;held&gt; by centre"/);
    expect(fig).toContain('<figcaption>Doses &lt;held&gt; by centre. <span>Store: out/store</span></figcaption>');
  });
  it('prefixes ids so two figures on one page do not share clip paths', () => {
    const other = inlineSvg(svg, 'Another figure');
    const id = /id="([^"]+)"/.exec(fig)![1]!;
    expect(id).toMatch(/^f[0-9a-f]{8}-clip1$/);
    expect(fig).toContain(`clip-path="url(#${id})"`);
    expect(other).not.toContain(`id="${id}"`);
    expect(inlineSvg(svg, 'Doses <held> by centre', { captionHtml: '<span>Store: out/store</span>' })).toBe(fig);
  });
  it('turns an SVG with nothing drawn into a visible note, never an empty figure', () => {
    expect(inlineSvg('<svg xmlns="http://www.w3.org/2000/svg"/>', 'Empty')).toContain('Figure not drawn');
    expect(inlineSvg('', 'Nothing')).toContain('Figure not drawn');
  });
});

describe('renderReportPage', () => {
  const html = renderReportPage({
    title: 'Report <A>',
    subtitle: 'Five centres',
    sections: [
      { id: 'summary', title: 'Summary', html: '<p>first</p>' },
      { id: 'Data quality', title: 'Data quality & checks', html: '<p>second</p>' },
      { id: 'summary', title: 'Summary again', html: '' },
    ],
    footer: 'made by il2kit',
  });
  it('is one document with a strict CSP, inline CSS and no script or external reference', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`);
    expect(REPORT_CSP).toContain("default-src 'none'");
    expect(REPORT_CSP).toContain('img-src data:');
    expect(html).not.toMatch(/<script|<link|src="http|@import/);
    expect(html).toMatch(/max-width:13[0-9]{2}px/);
  });
  it('has a table of contents linking each section in order, with unique ids', () => {
    expect(html).toContain('<li><a href="#summary">Summary</a></li><li><a href="#data-quality">Data quality &amp; checks</a></li><li><a href="#summary-2">Summary again</a></li>');
    expect(html.indexOf('id="summary"')).toBeLessThan(html.indexOf('id="data-quality"'));
    expect(html).toContain('<title>Report &lt;A&gt;</title>');
    expect(html).toContain('<footer class="page">made by il2kit</footer>');
  });
});
