import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { startProgress } from '../progress.js';
import { kitVersion, projectRoot } from '../../project/index.js';

interface ReportFlags {
  store: string;
  out: string;
  reports?: string;
  centres?: string[];
  reference: string;
}

/** A path relative to the working folder when it lies inside it, else absolute. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

/** The kit's git commit, or null outside a git checkout (an installed package). */
function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: projectRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

/** Now, or SOURCE_DATE_EPOCH (seconds) when set, so a rebuild from the same store is byte-identical. */
function runTime(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return new Date();
  if (!/^\d+$/.test(epoch)) throw new UserError(`SOURCE_DATE_EPOCH must be whole seconds since 1970, got ${JSON.stringify(epoch)}`);
  return new Date(Number(epoch) * 1000);
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'Write the investigator report: one self-contained HTML page (summary, data quality, hold practice, doses reached, response signals, provenance)',
    )
    .option('--store <dir>', 'store folder (DuckDB + Parquet)', 'out/store')
    .option('--out <file>', 'HTML file to write', 'out/report/index.html')
    .option('--reports <dir>', "folder of the ingest's data-quality reports (default: reports/ beside the store's folder)")
    .option('--centres <id...>', 'only these centres')
    .option('--reference <id>', 'ruleset the hold practice is compared against', 'consensus_2014_t3')
    .action(async (flags: ReportFlags) => {
      const progress = startProgress('report');
      progress.step('loading the kit');
      const { buildReport } = await import('../../reports/report/index.js');
      const reportsDir = flags.reports ?? join(dirname(resolve(flags.store)), 'reports');
      const out = resolve(flags.out);
      const provenance = {
        kitVersion: kitVersion(),
        gitCommit: gitCommit(),
        runAt: runTime(),
        parameters: { reports: relative(process.cwd(), reportsDir) || '.' },
      };
      const built = await buildReport({
        storeDir: flags.store,
        reportsDir,
        outDir: dirname(out),
        centres: flags.centres,
        reference: flags.reference,
        provenance,
        step: (s) => progress.step(s),
      });
      progress.step('writing the page');
      mkdirSync(dirname(out), { recursive: true });
      // Written aside and renamed: a reader never sees half a page.
      const tmp = `${out}.tmp-${process.pid}`;
      writeFileSync(tmp, built.html);
      renameSync(tmp, out);
      progress.done();
      const centres = built.context.facts.centres.map((c) => c.centre_id);
      const kb = (statSync(out).size / 1024).toFixed(0);
      process.stdout.write(
        `report: ${centres.length} centre(s) (${centres.join(', ')}), ${built.sections.length} sections, ${kb} KB → ${shown(out)}\n`,
      );
    });
}
