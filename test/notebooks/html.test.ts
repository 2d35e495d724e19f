import { describe, expect, it } from 'vitest';
import { filterOutputs, renderNotebookHtml, type Notebook } from '../../notebooks/runner/index.js';

const notebook: Notebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { cell_type: 'markdown', metadata: {}, source: ['# Title\n', '\n', 'Some *emphasis* and <b>html</b>.'] },
    {
      cell_type: 'code',
      metadata: {},
      source: 'const a = 1 < 2;',
      execution_count: 1,
      outputs: [
        { output_type: 'stream', name: 'stdout', text: 'a <tag> & \u001b[31mred\u001b[0m\n' },
        { output_type: 'display_data', data: { 'image/svg+xml': '<svg xmlns="http://www.w3.org/2000/svg"/>', 'text/plain': 'x' }, metadata: {} },
        { output_type: 'display_data', data: { 'image/png': 'iVBORw0KGgo=' }, metadata: {} },
        { output_type: 'execute_result', data: { 'text/html': '<table><tr><td>1</td></tr></table>' }, metadata: {}, execution_count: 1 },
        { output_type: 'error', ename: 'Error', evalue: 'boom', traceback: ['at <anonymous>'] },
      ],
    },
  ],
};

describe('renderNotebookHtml', () => {
  const html = renderNotebookHtml(notebook, { title: 'A <title>' });

  it('renders markdown cells with marked', () => {
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<em>emphasis</em>');
  });
  it('escapes code, streams and errors, and strips ANSI colours', () => {
    expect(html).toContain('const a = 1 &lt; 2;');
    expect(html).toContain('a &lt;tag&gt; &amp; red');
    expect(html).toContain('Error: boom\nat &lt;anonymous&gt;');
    expect(html).toContain('<title>A &lt;title&gt;</title>');
  });
  it('inlines SVG and PNG as data URIs and HTML as is', () => {
    expect(html).toContain(`src="data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64')}"`);
    expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(html).toContain('<table><tr><td>1</td></tr></table>');
  });
  it('is self-contained: a CSP that forbids requests and scripts, and no script or external reference', () => {
    expect(html).toContain(`content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"`);
    expect(html).not.toMatch(/<script|<link|\b(?:src|href)="(?!data:|#)/i);
  });
});

describe('filterOutputs', () => {
  it('drops the TensorFlow.js banner and streams it leaves empty', () => {
    const banner = '\n============================\nHi, looks like you are running TensorFlow.js in Node.js. To speed things up dramatically, install our node backend, visit https://github.com/tensorflow/tfjs-node for more details. \n============================\n';
    expect(
      filterOutputs([
        { output_type: 'stream', name: 'stderr', text: banner },
        { output_type: 'stream', name: 'stdout', text: `before${banner}after\n` },
      ]),
    ).toEqual([{ output_type: 'stream', name: 'stdout', text: 'beforeafter\n' }]);
  });
  it('leaves code cells out with code: false, keeping their outputs and the markdown', () => {
    const shared = renderNotebookHtml(notebook, { title: 't', code: false, run: { cellStatus: new Map([[1, 'ok']]), ok: true, params: {}, summary: 'ran' } });
    expect(shared).not.toContain('const a = 1 &lt; 2;');
    expect(shared).not.toContain('class="prompt"');
    expect(shared).toContain('<h1>Title</h1>');
    expect(shared).toContain('a &lt;tag&gt; &amp; red');
    expect(shared).toContain('Code cells are hidden');
  });
});
