// il2kit simulate: synthetic multi-centre HD IL-2 exports plus their ground truth.
import type { Command } from 'commander';
import { CENTRE_IDS, isCentreId, type CentreId as SimCentreId } from '../../simulate/profiles.js';
import { UserError } from '../errors.js';

export interface SimulateCliOptions {
  centres: string;
  patients: string;
  seed: string;
  out: string;
  imperfections: boolean;
  quiet?: boolean;
}

export function parseCentres(list: string): SimCentreId[] {
  const ids = list
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (ids.length === 0) throw new UserError('--centres: give at least one centre');
  const bad = ids.filter((id) => !isCentreId(id));
  if (bad.length > 0) throw new UserError(`--centres: unknown centre ${bad.join(', ')} (known: ${CENTRE_IDS.join(', ')})`);
  return [...new Set(ids)] as SimCentreId[];
}

export function parsePatients(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
    throw new UserError(`--patients: expected a whole number from 1 to 1,000,000 (patients per centre), got ${JSON.stringify(text)}`);
  }
  return n;
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('Generate synthetic HD IL-2 centre exports (five formats) and their ground truth (seeded, deterministic)')
    .option('--centres <list>', `comma-separated centres (${CENTRE_IDS.join(',')})`, CENTRE_IDS.join(','))
    .option('--patients <n>', 'patients per centre', '40')
    .option('--seed <seed>', 'seed (any string); same seed and options give byte-identical files', '20240601')
    .requiredOption('--out <dir>', 'output folder (one sub-folder per centre, truth under _truth/)')
    .option('--no-imperfections', 'write clean exports (no missing values, duplicates, typos or corrections)')
    .option('--quiet', 'no progress output')
    .action(async (opts: SimulateCliOptions) => {
      const centres = parseCentres(opts.centres);
      const patients = parsePatients(opts.patients);
      if (opts.seed.trim() === '') throw new UserError('--seed: must not be empty');
      const started = process.hrtime.bigint();
      let done = 0;
      const total = centres.length * patients;
      const { simulate } = await import('../../simulate/run.js');
      const summary = await simulate({
        centres,
        patients,
        seed: opts.seed,
        out: opts.out,
        imperfections: opts.imperfections,
        onPatient: () => {
          done++;
          if (opts.quiet !== true && process.stderr.isTTY && done % 100 === 0) process.stderr.write(`\r${done}/${total} patients`);
        },
      });
      const secs = Number(process.hrtime.bigint() - started) / 1e9;
      const bytes = summary.files.reduce((a, f) => a + f.bytes, 0);
      if (opts.quiet !== true) {
        if (process.stderr.isTTY) process.stderr.write('\n');
        for (const c of summary.centres) {
          process.stdout.write(`${c.id}: ${c.patients} patients, ${c.cycles} cycles, ${c.slots} dose slots, ${c.responders} responders\n`);
        }
        process.stdout.write(`${summary.files.length} files, ${(bytes / 1e6).toFixed(1)} MB in ${opts.out} (${secs.toFixed(1)} s)\n`);
      }
    });
}
