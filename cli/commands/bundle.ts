// il2kit bundle: a centre's disclosure-controlled aggregate bundle for a consensus panel (docs/panel.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { bundleAuditFile } from '../../pipelines/store/paths.js';
import { UserError } from '../errors.js';

interface BundleOptions {
  store: string;
  centre: string;
  out?: string;
  minCell: string;
}

/** --min-cell as a whole number ≥ 3. */
export function parseMinCell(text: string): number {
  const k = Number(text);
  if (!Number.isInteger(k) || k < 3)
    throw new UserError(
      `--min-cell must be a whole number ≥ 3 (DataSHIELD's floor; 5 is the default most data releasers use), got ${JSON.stringify(text)}`,
    );
  return k;
}

export function registerBundle(program: Command): void {
  program
    .command('bundle')
    .description(
      "A centre's aggregate bundle for a consensus panel: counts after minimum-cell and complementary suppression, model estimates the policy allows, " +
        'no keys or dates; audited in <store>/bundles/audit.jsonl',
    )
    .option('--store <dir>', 'store folder (DuckDB + Parquet)', 'out/store')
    .requiredOption('--centre <id>', 'the centre to bundle')
    .option('--out <file>', 'bundle file (default out/bundles/<centre>-<last quarter>.json)')
    .option('--min-cell <k>', 'minimum non-zero cell count (≥ 3)', '5')
    .action(async (opts: BundleOptions) => {
      const k = parseMinCell(opts.minCell);
      const { buildBundle } = await import('./bundle-build.js');
      const r = await buildBundle(opts.store, opts.centre, k);
      const { appendAudit } = await import('../../reports/bundle/audit.js');
      const b = r.bundle;
      const base = {
        at: new Date().toISOString(),
        centre_id: b.centre_id,
        period: b.period,
        policy: b.policy,
        content_sha256: b.content_sha256,
        suppressed: r.suppressed,
      };
      if (r.problems.length > 0) {
        appendAudit(opts.store, { event: 'refused', ...base, out: null, problems: r.problems, bundle: null });
        const lines = r.problems
          .slice(0, 12)
          .map(
            (p) =>
              `  ${p.table} [${p.row}, ${p.col}] differs by ${p.difference} from the bundle released for ${p.earlier_period} ` +
              `(${p.earlier_sha256.slice(0, 12)})`,
          );
        const more = r.problems.length > 12 ? [`  … and ${r.problems.length - 12} more`] : [];
        throw new UserError(
          [
            `bundle refused for ${b.centre_id} ${b.period.first}…${b.period.last}: against an earlier released bundle of an overlapping period, ` +
              `${r.problems.length} released count(s) would reveal a group smaller than ${k}:`,
            ...lines,
            ...more,
            'Nothing was written. Wait until the new data reach at least k in those cells, release a period that does not overlap the earlier one, or ' +
              'raise --min-cell so those cells are suppressed.',
          ].join('\n'),
          1,
        );
      }
      const out = opts.out ?? join('out', 'bundles', `${b.centre_id}-${b.period.last}.json`);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, JSON.stringify(b, null, 2) + '\n');
      appendAudit(opts.store, { event: 'released', ...base, out, problems: [], bundle: b });
      const s = b.suppression;
      console.log(
        `bundle: ${b.centre_id} ${b.period.first}…${b.period.last}, ${b.tables.length} tables (${s.primary} cells under ${k} suppressed, ` +
          `${s.secondary} more to protect them, ${s.withheld_tables} tables withheld), ` +
          `${b.signal_estimates.length} signal and ${b.implied_thresholds.length} implied-threshold estimates (${b.withheld_estimates.length} ` +
          `withheld) → ${out}\n  sha256 ${b.content_sha256}; audit: ${bundleAuditFile(opts.store)}`,
      );
    });
}
