import { z } from 'zod';
import { Sha256 } from './fields.js';

/** Records read from sources, derived by the pipeline (e.g. unmentioned grid slots), merged into other records (attributes), stored and quarantined. */
export const TableCounts = z.strictObject({
  read: z.number().int().min(0),
  derived: z.number().int().min(0),
  merged: z.number().int().min(0),
  stored: z.number().int().min(0),
  quarantined: z.number().int().min(0),
});
export type TableCounts = z.infer<typeof TableCounts>;

/** What a run read, with which versions and parameters, and what it wrote (one per ingest or analysis run). */
export const RunManifest = z
  .strictObject({
    kit: z.literal('il2kit'),
    kit_version: z.string(),
    command: z.string(),
    run_id: z.string(),
    started_at: z.iso.datetime(),
    finished_at: z.iso.datetime(),
    duration_ms: z.number().min(0),
    node_version: z.string(),
    package_versions: z.record(z.string(), z.string()),
    parameters: z.record(z.string(), z.unknown()),
    inputs: z.array(z.strictObject({ path: z.string(), sha256: Sha256, bytes: z.number().int().min(0) })),
    specs: z.array(z.strictObject({ id: z.string(), version: z.string() })),
    tables: z.record(z.string(), TableCounts),
    /** Values an ingest filled in from other data, by `table.field` (e.g. dose_slot.dose_iu derived from IU/kg × weight). */
    derived_values: z.record(z.string(), z.number().int().min(0)).optional(),
    /** Stored instants whose time was imputed (the start of a year, month or day the export gave), by `table.column` and precision. */
    /** Rows of patients outside the spec's cohort, by source: counted, nothing of them stored. */
    outside_cohort: z.record(z.string(), z.number().int().min(0)).optional(),
    imputed_dates: z.record(z.string(), z.record(z.string(), z.number().int().min(0))).optional(),
    outputs: z.array(z.strictObject({ path: z.string(), sha256: Sha256 })),
  })
  .superRefine((m, ctx) => {
    for (const [table, c] of Object.entries(m.tables)) {
      if (c.read + c.derived !== c.stored + c.quarantined + c.merged) {
        ctx.addIssue({
          code: 'custom',
          path: ['tables', table],
          message: `${table}: rows read ${c.read} + derived ${c.derived} ≠ stored ${c.stored} + quarantined ${c.quarantined} + merged ${c.merged}`,
        });
      }
    }
  });
export type RunManifest = z.infer<typeof RunManifest>;
