// Regenerating the committed samples from the documented command gives byte-identical files.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCentres, parsePatients } from '../../cli/commands/simulate.js';
import { hashFiles, manifestFiles, sha256File, simulate } from '../../simulate/run.js';

const SAMPLES = new URL('../../data-samples/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(SAMPLES, '_truth/manifest.json'), 'utf8')) as { command: string; files: { path: string; sha256: string; bytes: number }[] };
const tmp = mkdtempSync(join(tmpdir(), 'il2kit-sim-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function option(command: string, name: string): string {
  const m = new RegExp(`--${name} (\\S+)`).exec(command);
  if (m?.[1] === undefined) throw new Error(`--${name} missing from ${command}`);
  return m[1];
}

describe('committed samples are reproducible', () => {
  it('the README documents the manifest command', () => {
    const readme = readFileSync(join(SAMPLES, 'README.md'), 'utf8');
    expect(readme).toContain(manifest.command.replace('<DIR>', 'data-samples'));
  });

  it('regenerating from the documented command gives byte-identical files', async () => {
    const centres = parseCentres(option(manifest.command, 'centres'));
    await simulate({ centres, patients: parsePatients(option(manifest.command, 'patients')), seed: option(manifest.command, 'seed'), out: tmp, imperfections: !manifest.command.includes('--no-imperfections') });
    // the simulator's own files only: centre folders may also hold mapping specs written by hand
    const regenerated = await hashFiles(tmp, manifest.files.map((f) => f.path));
    const committed = await hashFiles(SAMPLES, manifest.files.map((f) => f.path));
    expect(regenerated.map((f) => f.path)).toEqual(committed.map((f) => f.path));
    for (const [i, f] of regenerated.entries()) expect(`${f.path} ${f.sha256}`).toBe(`${committed[i]?.path} ${committed[i]?.sha256}`);
    // the committed manifest lists exactly these hashes, and the regenerated run wrote the same file list
    expect(manifest.files.map((f) => `${f.path} ${f.sha256}`)).toEqual(committed.map((f) => `${f.path} ${f.sha256}`));
    const listed = (await manifestFiles(tmp, [...centres, '_truth'])).map((f) => f.path);
    expect(listed).toEqual(manifest.files.map((f) => f.path));
    expect(await sha256File(join(tmp, '_truth/manifest.json'))).toBe(await sha256File(join(SAMPLES, '_truth/manifest.json')));
  }, 60_000);
});
