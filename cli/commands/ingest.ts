import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { PARQUET_DIR, storeFile } from '../../pipelines/store/paths.js';
import { UserError } from '../errors.js';
import { startProgress } from '../progress.js';
import { kitVersion, projectRoot } from '../../project/index.js';

export const DEFAULT_STORE = 'out/store';
export const DEFAULT_REPORTS = 'out/reports';

/** Mapping specs of the bundled samples: data-samples/<centre>/mapping.yaml. */
export function sampleSpecs(root = projectRoot()): string[] {
  const dir = join(root, 'data-samples');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'mapping.yaml')))
    .map((d) => join(dir, d.name, 'mapping.yaml'))
    .sort();
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('Map a centre’s export into the store with its mapping spec; quarantine bad rows; write the data-quality report')
    .argument('[specs...]', 'mapping spec files (YAML or JSON)')
    .option('--all', 'ingest every bundled sample centre (data-samples/*/mapping.yaml)')
    .option('--store <dir>', 'store folder (DuckDB + Parquet)', DEFAULT_STORE)
    .option('--reports <dir>', 'folder for data-quality reports', DEFAULT_REPORTS)
    .option('--key-file <file>', 'file holding the pseudonymisation key (else IL2KIT_PSEUDONYM_KEY or IL2KIT_KEY_FILE)')
    .option('--accept-failed-checks', 'publish a centre even when an error-severity data-quality check fails (after reading its report)')
    .option('--force', 're-ingest centres whose inputs, spec, key and kit version are unchanged since their last run')
    .option('--max-drop <percent>', 'largest drop of a centre’s patients, cycles or dose slots against its previous version', '10')
    .action(
      async (
        specs: string[],
        opts: { all?: boolean; store: string; reports: string; keyFile?: string; acceptFailedChecks?: boolean; force?: boolean; maxDrop: string },
      ) => {
        if (opts.all && specs.length > 0)
          throw new UserError(`--all ingests the bundled samples and takes no spec, but ${specs.join(', ')} was given: drop --all, or the spec(s)`);
        const list = opts.all ? sampleSpecs() : specs;
        if (list.length === 0) throw new UserError('give a mapping spec file, or --all for the bundled samples');
        // Loaded here, not at start-up: `il2kit --help` stays fast.
        const { ingestCentre, ingestStamp, unchangedSince } = await import('../../pipelines/ingest.js');
        const { loadSpec, resolveKey } = await import('../../pipelines/map/index.js');
        const { writeIngestOutputs } = await import('../../reports/ingest-outputs.js');
        const { keyChoice } = await import('../../pipelines/map/pseudonymise.js');
        const maxDrop = Number(opts.maxDrop);
        if (!(maxDrop >= 0 && maxDrop <= 100)) throw new UserError(`--max-drop: expected a percentage from 0 to 100, got ${JSON.stringify(opts.maxDrop)}`);
        let failedChecks = 0;
        // On a terminal: a line as each centre starts and as each of its phases ends (silent in CI and pipes).
        const progress = startProgress('ingest');
        const onPhase = (centre: string, phase: string, ms: number) => progress.step(`${phase} took ${(ms / 1000).toFixed(1)} s`, centre);
        for (const spec of list) {
          const started = new Date();
          // Unchanged inputs, spec, key and kit version: the centre's published version stands (--force re-ingests).
          const loaded = loadSpec(spec).spec;
          const stamp = await ingestStamp(
            loaded,
            spec,
            resolveKey({ keyFile: opts.keyFile, allowSampleKey: loaded.samples }).key,
            started.toISOString().replace(/[:.]/g, '-'),
          );
          const since = opts.force ? null : await unchangedSince(opts.store, loaded.centre.centre_id, stamp);
          if (since !== null) {
            process.stdout.write(`${loaded.centre.centre_id}: unchanged since ${since} (inputs, spec, key and kit version); --force re-ingests\n`);
            continue;
          }
          progress.step('reading and mapping', loaded.centre.centre_id);
          const r = await ingestCentre(spec, {
            storeDir: opts.store,
            keyFile: opts.keyFile,
            acceptFailedChecks: opts.acceptFailedChecks === true,
            maxDrop: maxDrop / 100,
            stamp,
            onPhase,
          });
          const out = await writeIngestOutputs(r, {
            storeDir: opts.store,
            reportDir: opts.reports,
            kitVersion: kitVersion(),
            command: `il2kit ingest ${relative(process.cwd(), spec)}`,
            startedAt: started,
          });
          const c = r.counts;
          const line = Object.entries(c)
            .filter(([, n]) => n.read + n.derived > 0)
            .map(
              ([t, n]) => {
                const derived = n.derived ? `+${n.derived}` : '';
                const quarantined = n.quarantined ? ` (${n.quarantined} quarantined)` : '';
                const merged = n.merged ? ` (${n.merged} merged)` : '';
                return `${t} ${n.read}${derived}→${n.stored}${quarantined}${merged}`;
              },
            )
            .join(', ');
          process.stdout.write(`${r.spec.centre.centre_id}: ${line}\n`);
          const derived = Object.entries(r.derivedFields);
          if (derived.length > 0) process.stdout.write(`  derived values: ${derived.map(([f, n]) => `${f} ${n}`).join(', ')}\n`);
          const flagged = r.sources.filter((s) => s.flagged > 0);
          if (flagged.length > 0)
            process.stdout.write(`  flagged, kept: ${flagged.map((s) => `${s.source} ${s.flagged} (${s.flagReason ?? ''})`).join(', ')}\n`);
          const unresolved = r.sources.flatMap((s) => Object.entries(s.unresolvedReferences));
          const refList = unresolved.map(([k, n]) => `${k} ${n}`).join(', ');
          if (unresolved.length > 0) process.stdout.write(`  references naming no resource: ${refList} (lines in the report)\n`);
          const outside = Object.entries(r.outsideCohort);
          if (outside.length > 0) {
            const n = outside.reduce((a, [, k]) => a + k, 0);
            process.stdout.write(`  outside the cohort (not stored): ${n} rows — ${outside.map(([s, k]) => `${s} ${k}`).join(', ')}\n`);
          }
          const failed = r.checks.filter((k) => k.status === 'failed' || k.status === 'error');
          for (const k of failed)
            process.stdout.write(`  check ${k.id} ${k.status}: ${k.n_failed}/${k.n_total} (${k.pct}%)${k.message ? ` — ${k.message}` : ''}\n`);
          if (r.key === 'samples-default') process.stdout.write('  pseudonymised with the documented insecure samples key (synthetic data only)\n');
          else process.stdout.write(`  pseudonymised with the key from ${keyChoice({ keyFile: opts.keyFile }).label}\n`);
          process.stdout.write(`  report ${relative(process.cwd(), out.reportHtml)}\n`);
          const failedErrors = failed.filter((k) => k.severity === 'error').length;
          if (r.rejected !== null) {
            process.stdout.write(
              `  NOT PUBLISHED: ${failedErrors} error-severity check(s) failed; the centre's previous version stays in the store. This run's rows and report ` +
                `are kept in ${relative(process.cwd(), r.rejected)}/ (publish it anyway with --accept-failed-checks once you have read the report)\n`,
            );
            failedChecks += failedErrors;
          } else if (failedErrors > 0)
            process.stdout.write(`  published with ${failedErrors} failed error-severity check(s), as --accept-failed-checks asked\n`);
        }
        progress.done();
        process.stdout.write(`store ${relative(process.cwd(), storeFile(opts.store))} and ${relative(process.cwd(), join(opts.store, PARQUET_DIR))}/\n`);
        if (failedChecks > 0) {
          process.stderr.write(`il2kit: ${failedChecks} error-severity data-quality check(s) failed; those centres were not published (see the reports)\n`);
          process.exitCode = 1;
        }
      },
    );
}
