import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWorkFolder, sweepWorkFolders } from '../../../pipelines/store/work-folder.js';
import { ROOT } from '../../helpers/cli.js';

const BUILT = join(ROOT, 'dist', 'pipelines', 'store', 'work-folder.js');

/** A process that opens a work folder in `store`, prints its path, and waits to be stopped. */
function holder(store: string) {
  const code = `import(${JSON.stringify(BUILT)}).then(({ openWorkFolder }) => { const w = openWorkFolder(${JSON.stringify(store)}); require('node:fs').writeFileSync(w.path + '/cells.csv', 'MRN\\nRV1234567\\n'); console.log(w.path); setInterval(() => {}, 1000); });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const path = new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, sig) => resolve(sig)));
  return { child, path, exited };
}

describe('the ingest work folder', () => {
  it('is inside the store, owner-only, and removed with its parent when done', () => {
    const store = mkdtempSync(join(tmpdir(), 'il2kit-work-'));
    const w = openWorkFolder(store);
    expect(w.path.startsWith(join(store, '.work', `ingest-${process.pid}-`))).toBe(true);
    expect(statSync(w.path).mode & 0o777).toBe(0o700);
    expect(statSync(join(store, '.work')).mode & 0o777).toBe(0o700);
    w.remove();
    expect(existsSync(join(store, '.work'))).toBe(false);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('is removed when the run is stopped with %s, and the signal still ends it', async (sig) => {
    const store = mkdtempSync(join(tmpdir(), 'il2kit-work-'));
    const h = holder(store);
    const path = await h.path;
    expect(existsSync(join(path, 'cells.csv'))).toBe(true);
    h.child.kill(sig);
    expect(await h.exited).toBe(sig);
    expect(existsSync(path)).toBe(false);
  });

  it('left by a killed run (SIGKILL) is swept by the next run; a running run keeps its own', async () => {
    const store = mkdtempSync(join(tmpdir(), 'il2kit-work-'));
    const killed = holder(store);
    const dead = await killed.path;
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(existsSync(join(dead, 'cells.csv'))).toBe(true);
    const running = holder(store);
    const alive = await running.path; // its own start swept the dead one
    expect(existsSync(dead)).toBe(false);
    expect(sweepWorkFolders(store)).toEqual([]);
    expect(existsSync(alive)).toBe(true);
    running.child.kill('SIGTERM');
    await running.exited;
  });

  it('sweeps the old beside-the-store folders once they are an hour old', () => {
    const parent = mkdtempSync(join(tmpdir(), 'il2kit-work-'));
    const store = join(parent, 'store');
    mkdirSync(store);
    for (const [name, hoursAgo] of [['.il2kit-ingest-old', 2], ['.il2kit-ingest-new', 0]] as const) {
      mkdirSync(join(parent, name));
      writeFileSync(join(parent, name, 'raw.csv'), 'MRN\n');
      const t = new Date(Date.now() - hoursAgo * 3_600_000);
      utimesSync(join(parent, name), t, t);
    }
    openWorkFolder(store).remove();
    expect(readdirSync(parent).sort()).toEqual(['.il2kit-ingest-new', 'store']);
  });
});
