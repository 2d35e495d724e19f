// Issue 25 item 4: a long ingest reports its progress per centre and phase on a terminal. The command runs under
// `script` (util-linux), which gives it a pseudo-terminal as a user's shell would; the same run through a pipe (as
// tests, CI and logs see it) prints no progress line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { il2kit, ROOT } from '../helpers/cli.js';

const SCRIPT = '/usr/bin/script';
const CENTRES = ['riverside', 'amstel'];
const work = mkdtempSync(join(tmpdir(), 'il2kit-ingest-progress-'));
const args = (store: string) => [
  'ingest',
  ...CENTRES.map((c) => join(ROOT, 'data-samples', c, 'mapping.yaml')),
  '--store',
  join(work, store),
  '--reports',
  join(work, `${store}-reports`),
];
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
let terminal = '';
let piped: ReturnType<typeof il2kit>;

beforeAll(() => {
  if (existsSync(SCRIPT)) {
    const command = [process.execPath, join(ROOT, 'dist', 'cli', 'main.js'), ...args('tty')].map(quote).join(' ');
    const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC' };
    delete env.CI;
    const r = spawnSync(SCRIPT, ['-qec', command, '/dev/null'], { encoding: 'utf8', env, cwd: ROOT });
    expect(r.status).toBe(0);
    terminal = r.stdout.replace(/\r/g, '');
  }
  piped = il2kit(args('pipe'));
}, 600_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The progress lines: "ingest  12.3 s  <label> (<centre>)". */
const progressLines = (text: string) => text.split('\n').filter((l) => /^ingest +\d+\.\d s {2}/.test(l));

describe('il2kit ingest progress', () => {
  it.skipIf(!existsSync(SCRIPT))('on a terminal: a line as each centre starts and as each of its phases ends, centre after centre, then done', () => {
    const lines = progressLines(terminal).map((l) => l.replace(/^ingest +\d+\.\d s {2}/, ''));
    for (const c of CENTRES) {
      const mine = lines.filter((l) => l.endsWith(`(${c})`));
      expect(mine[0], c).toBe(`reading and mapping (${c})`);
      // Every phase the ingest times, with its duration; the mapping phases depend on the export (dose log, observations).
      for (const phase of ['store', 'derive']) {
        expect(mine.some((l) => new RegExp(`^${phase} took \\d+\\.\\d s \\(${c}\\)$`).test(l)), `${c} ${phase}`).toBe(true);
      }
      expect(mine.filter((l) => /^map_\w+ took \d+\.\d s/.test(l)).length, c).toBeGreaterThan(0);
    }
    // Centre by centre: all of riverside's lines before amstel starts; its summary line after its last phase.
    const lastRiverside = lines.map((l) => l.endsWith('(riverside)')).lastIndexOf(true);
    expect(lastRiverside).toBeLessThan(lines.indexOf('reading and mapping (amstel)'));
    expect(lines.at(-1)).toBe('done');
    const all = terminal.split('\n');
    expect(all.findIndex((l) => l.startsWith('riverside: centre'))).toBeGreaterThan(all.findIndex((l) => /derive took .* \(riverside\)$/.test(l)));
    expect(all.findIndex((l) => l.startsWith('riverside: centre'))).toBeLessThan(all.findIndex((l) => l.endsWith('reading and mapping (amstel)')));
  });

  it('through a pipe (tests, CI, logs): the same result lines and no progress line', () => {
    expect(piped.code).toBe(0);
    expect(progressLines(piped.stdout + piped.stderr)).toEqual([]);
    for (const c of CENTRES) expect(piped.stdout).toMatch(new RegExp(`^${c}: centre 1→1, patient 30→30`, 'm'));
  });
});
