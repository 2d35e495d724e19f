#!/usr/bin/env node
// Behaviour lock for the ingest: ingests the bundled samples and a seeded simulation with the built
// CLI (dist/), then hashes every Parquet file, every quarantine partition and every data-quality report
// (JSON, HTML, mapping-spec page) and the per-centre count lines printed on stdout.
//
//   node scripts/behaviour-lock.mjs capture [baseline.json] [--patients N]   # write the manifest
//   node scripts/behaviour-lock.mjs check   [baseline.json] [--patients N]   # exit 1 on any difference
//   … --analyses   also runs holds, doses and response on the simulated store and hashes every file they write
//
// Plain JavaScript on the built CLI, so the same script captures a baseline from any commit's build.
// Absolute folders (project root, temporary folders) are replaced by placeholders before hashing.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
const DEFAULT_BASELINE = join(ROOT, 'test', 'fixtures', 'behaviour-lock', 'baseline.json');

function parseArgs(argv) {
  const [mode, ...rest] = argv;
  if (mode !== 'capture' && mode !== 'check') usage();
  let baseline = DEFAULT_BASELINE;
  let patients = 60;
  let analyses = false;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--patients') patients = Number(rest[++i]);
    else if (rest[i] === '--analyses') analyses = true;
    else baseline = rest[i];
  }
  if (!Number.isInteger(patients) || patients < 1) usage();
  return { mode, baseline, patients, analyses };
}

function usage() {
  process.stderr.write('usage: node scripts/behaviour-lock.mjs capture|check [baseline.json] [--patients N] [--analyses]\n');
  process.exit(2);
}

function run(args, env = {}) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TZ: 'UTC', ...env }, maxBuffer: 1 << 28 });
  if (r.status !== 0 && r.status !== 1) {
    process.stderr.write(`behaviour-lock: il2kit ${args.join(' ')} exited ${r.status}\n${r.stderr}`);
    process.exit(2);
  }
  return { code: r.status, stdout: r.stdout };
}

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

const sha = (buf) => createHash('sha256').update(buf).digest('hex');

/** Hashes of one ingest's outputs, keyed `<label>/<path>`; text outputs with absolute folders replaced. */
function hashOutputs(label, store, reports, stdout, places) {
  const out = {};
  const normalise = (text) => {
    let t = text;
    for (const [path, name] of places) t = t.split(path).join(name);
    return t;
  };
  for (const f of files(join(store, 'parquet'))) out[`${label}/store/parquet/${f}`] = sha(readFileSync(join(store, 'parquet', f)));
  for (const f of files(reports)) out[`${label}/reports/${f}`] = sha(normalise(readFileSync(join(reports, f), 'utf8')));
  // The per-centre count lines (rows in → stored + quarantined), not the report paths.
  out[`${label}/stdout-counts`] = sha(stdout.split('\n').filter((l) => /^[a-z]+: /.test(l)).join('\n'));
  return out;
}

function ingest(label, specs, work, places) {
  const store = join(work, `${label}-store`);
  const reports = join(work, `${label}-reports`);
  const r = run(['ingest', ...specs, '--store', store, '--reports', reports]);
  return { ...hashOutputs(label, store, reports, r.stdout, places), [`${label}/exit-code`]: String(r.code) };
}

/** Hashes of every file holds, doses and response write from one store (text files with absolute folders replaced). */
function analyse(label, work, places) {
  const store = join(work, `${label}-store`);
  const out = {};
  for (const command of ['holds', 'doses', 'response']) {
    const dir = join(work, `${label}-${command}`);
    const r = run([command, '--store', store, '--out', dir]);
    out[`${label}/${command}/exit-code`] = String(r.code);
    for (const f of files(dir)) {
      const buf = readFileSync(join(dir, f));
      const text = /\.(json|csv|svg|html|md|txt)$/.test(f);
      let t = text ? buf.toString('utf8') : null;
      if (t !== null) for (const [path, name] of places) t = t.split(path).join(name);
      out[`${label}/${command}/${f}`] = sha(t ?? buf);
    }
  }
  return out;
}

function capture(patients, analyses) {
  const work = mkdtempSync(join(tmpdir(), 'il2kit-lock-'));
  try {
    const places = [[work, '<work>'], [ROOT, '<root>']];
    const samples = ingest('samples', ['--all'], work, places);
    const sim = join(work, 'sim');
    run(['simulate', '--patients', String(patients), '--seed', '1', '--out', sim, '--quiet']);
    const specs = readdirSync(sim)
      .filter((c) => existsSync(join(ROOT, 'data-samples', c, 'mapping.yaml')))
      .sort()
      .map((c) => {
        copyFileSync(join(ROOT, 'data-samples', c, 'mapping.yaml'), join(sim, c, 'mapping.yaml'));
        return join(sim, c, 'mapping.yaml');
      });
    const simulated = ingest(`simulation-${patients}`, specs, work, places);
    const analysed = analyses ? { ...analyse('samples', work, places), ...analyse(`simulation-${patients}`, work, places) } : {};
    return { ...samples, ...simulated, ...analysed };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const { mode, baseline, patients, analyses } = parseArgs(process.argv.slice(2));
if (!existsSync(MAIN)) {
  process.stderr.write('behaviour-lock: dist/cli/main.js is missing; run `npm run build` first\n');
  process.exit(2);
}
const now = capture(patients, analyses);
if (mode === 'capture') {
  writeFileSync(baseline, `${JSON.stringify(now, null, 2)}\n`);
  process.stdout.write(`behaviour-lock: ${Object.keys(now).length} outputs hashed into ${relative(process.cwd(), baseline)}\n`);
} else {
  const before = JSON.parse(readFileSync(baseline, 'utf8'));
  const keys = [...new Set([...Object.keys(before), ...Object.keys(now)])].sort();
  const diff = keys.filter((k) => before[k] !== now[k]);
  for (const k of diff) process.stdout.write(`${k in before ? (k in now ? 'changed' : 'missing') : 'new'}: ${k}\n`);
  process.stdout.write(`behaviour-lock: ${keys.length - diff.length}/${keys.length} outputs identical to ${relative(process.cwd(), baseline)}\n`);
  process.exitCode = diff.length === 0 ? 0 : 1;
}
