// Reads the practice measures' inputs from the holds outputs folder (enforcement and implied_thresholds Parquet
// written by `il2kit holds`). A folder without them gives null: the caller says the meta-regression was skipped.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createDuckDB } from '../../pipelines/store/engine.js';
import { sql } from '../../pipelines/store/sql.js';
import { queryRows } from '../doses/load.js';
import type { EnforcementInput, ImpliedInput } from './practice-measures.js';

/**
 * Enforcement and implied-threshold rows from a holds output folder, or null when it has none.
 * @example const holds = await loadHoldsOutputs('out/analyses/holds')
 */
export async function loadHoldsOutputs(dir: string): Promise<{ enforcement: EnforcementInput[]; implied: ImpliedInput[] } | null> {
  const enf = join(dir, 'enforcement.parquet');
  const imp = join(dir, 'implied_thresholds.parquet');
  if (!existsSync(enf)) return null;
  const db = await createDuckDB(':memory:');
  try {
    const enforcement = (await queryRows(db.conn, `SELECT centre_id, ruleset_id, level, met, held_when_met FROM read_parquet(${sql(enf)})`)).map((r) => ({
      centre_id: String(r.centre_id),
      ruleset_id: String(r.ruleset_id),
      level: r.level === null ? null : String(r.level),
      met: Number(r.met),
      held_when_met: Number(r.held_when_met),
    }));
    const implied = existsSync(imp)
      ? (await queryRows(db.conn, `SELECT centre_id, variable, ed50 FROM read_parquet(${sql(imp)})`)).map((r) => ({
          centre_id: String(r.centre_id),
          variable: String(r.variable),
          ed50: r.ed50 === null ? null : Number(r.ed50),
        }))
      : [];
    return { enforcement, implied };
  } finally {
    db.close();
  }
}
