// The notebooks also run under Debian's `jupyter nbconvert --to notebook --execute` with the
// project-local tslab kernel, through scripts/nbconvert-check.sh (which CI runs here).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNotebook } from '../../notebooks/runner/index.js';
import { FIXTURES, ROOT, requireSetup, tempDir } from './helpers.js';

function nbconvert(notebook: string, out: string) {
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'nbconvert-check.sh'), notebook], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NBCONVERT_OUT: out } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('jupyter nbconvert --execute with the registered tslab kernel', () => {
  it('runs the kit tour and keeps the swimmer SVG', () => {
    requireSetup();
    const out = tempDir('nbconvert');
    const r = nbconvert('notebooks/00-kit-tour.ipynb', out);
    expect(r.stderr).not.toContain('FAILED');
    expect(r.code).toBe(0);
    const nb = readNotebook(join(out, '00-kit-tour.ipynb'));
    const svg = nb.cells.flatMap((c) => (c.cell_type === 'code' ? c.outputs : [])).find((o) => o.output_type === 'display_data' && 'image/svg+xml' in o.data);
    expect(svg).toBeDefined();
    expect(readFileSync(join(out, '00-kit-tour.ipynb'), 'utf8')).toContain('6 rows: 6 valid, 0 invalid');
  });

  it('fails on the notebook with a failing cell', () => {
    requireSetup();
    const r = nbconvert(join(FIXTURES, 'failing-cell.ipynb'), tempDir('nbconvert-fail'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('deliberate failure in cell 3');
  });
});
