import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunManifest } from '../../schemas/index.js';
import { il2kit } from '../helpers/cli.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'mini');

describe('il2kit ingest', () => {
  const root = mkdtempSync(join(tmpdir(), 'il2kit-cli-ingest-'));
  const dir = join(root, 'mini');
  cpSync(FIXTURE, dir, { recursive: true });
  const store = join(root, 'store');
  const reports = join(root, 'reports');

  it('prints rows in and out, writes the store, the manifest and a self-contained report', () => {
    const r = il2kit(['ingest', join(dir, 'spec.yaml'), '--store', store, '--reports', reports]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('mini: centre 1→1, patient 2→2, cycle 0+2→2, dose_slot 11+21→30 (2 quarantined), observation 25→21 (4 quarantined), infusion 2→2');
    expect(r.stdout).toContain('pseudonymised with the documented insecure samples key');
    const manifest = RunManifest.parse(JSON.parse(readFileSync(join(store, 'manifests', 'mini.json'), 'utf8')));
    expect(manifest.tables.observation).toEqual({ read: 25, derived: 0, merged: 0, stored: 21, quarantined: 4 });
    expect(manifest.specs).toEqual([{ id: 'mini', version: '1.0.0' }]);
    const html = readFileSync(join(reports, 'mini', 'data-quality.html'), 'utf8');
    expect(html).toContain('>Rows in and out</h2>');
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    const json = JSON.parse(readFileSync(join(reports, 'mini', 'data-quality.json'), 'utf8')) as { unmapped_codes: Record<string, Record<string, number>> };
    expect(json.unmapped_codes['labs.observation.variable']).toEqual({ Natrium: 1 });
    expect(readFileSync(join(reports, 'mini', 'mapping-spec.md'), 'utf8')).toContain('## Source `doses`: `doses.csv` (csv)');
  });

  it('exits 2 with the spec line on an invalid spec, and leaves the store as it was', () => {
    const before = readFileSync(join(store, 'il2kit.duckdb'));
    writeFileSync(join(dir, 'bad.yaml'), readFileSync(join(dir, 'spec.yaml'), 'utf8').replace('          sex: { from: Geslacht', '          gender: { from: Geslacht'));
    const r = il2kit(['ingest', join(dir, 'bad.yaml'), '--store', store, '--reports', reports]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:28 sources\.0\.tables\.0\.fields\.gender — patient has no field gender/);
    expect(r.stderr).not.toContain('    at ');
    expect(readFileSync(join(store, 'il2kit.duckdb')).equals(before)).toBe(true);
  });

  it('asks for a key for real data instead of guessing one', () => {
    writeFileSync(join(dir, 'real.yaml'), readFileSync(join(dir, 'spec.yaml'), 'utf8').replace('samples: true', 'samples: false'));
    const r = il2kit(['ingest', join(dir, 'real.yaml'), '--store', join(root, 'other')], { env: { IL2KIT_PSEUDONYM_KEY: '', IL2KIT_KEY_FILE: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no pseudonymisation key: set IL2KIT_PSEUDONYM_KEY');
    expect(existsSync(join(root, 'other', 'il2kit.duckdb'))).toBe(false);
  });
});
