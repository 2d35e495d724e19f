// Issue 19, "must show": the report, every data-quality page and every notebook page, opened in a real headless
// chromium. Built the way a user builds them, in a fresh folder: il2kit ingest --all, il2kit report, il2kit notebooks
// run (with relative store paths, resolved against the folder the command runs in).
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNotebook, textOf } from '../../notebooks/runner/index.js';
import { CHROMIUM, VIEWPORT_WIDTH, openPages, type PageFindings } from '../helpers/browser.js';
import { il2kit } from '../helpers/cli.js';
import { SAMPLE_CENTRES } from '../../data-samples/sample-store.js';

const SECTIONS = ['Summary', 'Data quality', 'Hold practice', 'Doses reached', 'Response signals', 'Outcomes and safety', 'Provenance'];
const NOTEBOOKS = ['00-kit-tour', '02-hold-criteria-by-centre', '03-doses-reached', '04-response-signals', '05-outcomes-and-safety'];

describe.skipIf(!existsSync(CHROMIUM))('pages in headless chromium', () => {
  const root = mkdtempSync(join(tmpdir(), 'il2kit-browser-'));
  const run = (args: string[]) => {
    const r = il2kit(args, { cwd: root });
    if (r.code !== 0) throw new Error(`il2kit ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  let pages: PageFindings[] = [];
  let reportOut = '';

  beforeAll(async () => {
    run(['ingest', '--all']);
    reportOut = run(['report']).stdout;
    run(['notebooks', 'run', '02-hold-criteria-by-centre', '04-response-signals', '05-outcomes-and-safety', '--param', 'storeDir=out/store', '--out', 'out/notebooks']);
    run(['notebooks', 'run', '00-kit-tour', '03-doses-reached', '--no-code', '--out', 'out/notebooks']);
    const dq = readdirSync(join(root, 'out', 'reports')).map((c) => join(root, 'out', 'reports', c, 'data-quality.html'));
    const nb = NOTEBOOKS.map((n) => join(root, 'out', 'notebooks', `${n}.html`));
    pages = await openPages([join(root, 'out', 'report', 'index.html'), ...dq, ...nb]);
  }, 900_000);

  it('opens the report, a data-quality page per centre and every notebook page', () => {
    expect(reportOut).toMatch(/^report: 5 centre\(s\) .* → out\/report\/index\.html\n$/);
    expect(pages).toHaveLength(1 + SAMPLE_CENTRES.length + NOTEBOOKS.length);
  });

  it('no page logs a console error or requests anything outside its file', () => {
    expect(pages.map((p) => ({ file: p.file, errors: p.errors, requests: p.requests }))).toEqual(pages.map((p) => ({ file: p.file, errors: [], requests: [] })));
  });

  it('every figure has a non-empty box and no page is wider than the 1,400-px viewport', () => {
    for (const p of pages) {
      expect({ file: p.file, empty: p.figures.filter((f) => f.width < 1 || f.height < 1) }).toEqual({ file: p.file, empty: [] });
      expect({ file: p.file, scrollWidth: p.scrollWidth }).toEqual({ file: p.file, scrollWidth: Math.min(p.scrollWidth, VIEWPORT_WIDTH) });
    }
  });

  it('the report names each centre and has every section heading, with figures drawn', () => {
    const report = pages[0]!;
    for (const c of SAMPLE_CENTRES) expect(report.text).toContain(c);
    expect(report.headings).toEqual(expect.arrayContaining(SECTIONS));
    expect(report.figures.filter((f) => f.tag === 'figure').length).toBeGreaterThanOrEqual(10);
  });

  it('the report links each centre’s full data-quality page, and every link resolves', () => {
    const report = pages[0]!;
    expect(report.links.sort()).toEqual(SAMPLE_CENTRES.map((c) => `../reports/${c}/data-quality.html`).sort());
    for (const l of report.links) expect(existsSync(join(root, 'out', 'report', l))).toBe(true);
  });

  it('the notebooks analysed out/store, given relative to the command’s folder or found there, and said so first', () => {
    for (const n of NOTEBOOKS.slice(1)) {
      const nb = readNotebook(join(root, 'out', 'notebooks', `${n}.ipynb`));
      const first = nb.cells.flatMap((c) => (c.cell_type === 'code' ? c.outputs : [])).find((o) => o.output_type === 'stream');
      expect(first && first.output_type === 'stream' ? textOf(first.text) : '').toMatch(new RegExp(`^Store analysed: ${join(root, 'out', 'store').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(`));
    }
  });

  it('the --no-code pages show no code cell', () => {
    const shared = pages.filter((p) => /(00-kit-tour|03-doses-reached)\.html$/.test(p.file));
    expect(shared).toHaveLength(2);
    for (const p of shared) {
      expect(p.text).toContain('Code cells are hidden');
      expect(p.text).not.toContain('import {');
    }
  });
});
