// Parameters of the notebooks in notebooks/: one zod schema per notebook, keyed by the notebook's
// file name. A notebook declares each parameter with `let` in its cell tagged `parameters` and parses
// them with its schema in the next cell; `il2kit notebooks run --param` checks overrides against the
// same schema before it starts the kernel. Exported from the package so notebooks can import it.
import { z } from 'zod';

/** Facts about a parameter that the runner acts on (a path is resolved against the caller's directory). */
export const notebookParamInfo = z.registry<{ kind: 'path' }>();

/**
 * A file-path parameter: a relative path given on the command line is made absolute before injection.
 * @example z.strictObject({ dataPath: pathParam('Dose slot file to read') })
 */
export function pathParam(description: string) {
  return z.string().min(1).describe(description).register(notebookParamInfo, { kind: 'path' });
}

/** Parameters of 00-kit-tour. */
export const KitTourParams = z.strictObject({
  dataPath: pathParam('dose_slot table to tour (.csv, .json, .ndjson or .parquet file, or a store table folder such as out/store/parquet/dose_slot)'),
  maxProblems: z.number().int().min(0).describe('Validation problems listed at most'),
});
export type KitTourParams = z.infer<typeof KitTourParams>;

/**
 * A store folder, or '' for out/store when it exists, else the bundled samples (notebookStore). A relative path given to
 * `il2kit notebooks run` is resolved against the directory the command runs in.
 */
const storeDirParam = z
  .string()
  .describe("Store folder to analyse (il2kit ingest output); '' = out/store when it exists, else the bundled sample centres")
  .register(notebookParamInfo, { kind: 'path' });

/** Parameters of 02-hold-criteria-by-centre. */
export const HoldCriteriaParams = z.strictObject({
  storeDir: storeDirParam,
  reference: z.string().min(1).describe('Ruleset id of the implied-threshold bands, the enforcement heatmap and the swimmer plot'),
  swimmerCycles: z.number().int().min(1).max(20).describe('Cycles per centre in the swimmer plot (those disagreeing most with the reference)'),
});
export type HoldCriteriaParams = z.infer<typeof HoldCriteriaParams>;

/** Parameters of 03-doses-reached. */
export const DosesReachedParams = z.strictObject({
  storeDir: storeDirParam,
  threshold: z.number().int().min(1).max(15).describe('Doses a cycle must reach for the funnel'),
});
export type DosesReachedParams = z.infer<typeof DosesReachedParams>;

/** Parameters of 04-response-signals. */
export const ResponseSignalsParams = z.strictObject({
  storeDir: storeDirParam,
  course: z.number().int().min(1).describe('Course whose response is analysed'),
});
export type ResponseSignalsParams = z.infer<typeof ResponseSignalsParams>;

/** Parameters of 05-outcomes-and-safety. */
export const OutcomesSafetyParams = z.strictObject({
  storeDir: storeDirParam,
  holdsDir: z
    .string()
    .describe("il2kit holds output folder for the practice measures; '' = none (the meta-regression is skipped)")
    .register(notebookParamInfo, { kind: 'path' }),
});
export type OutcomesSafetyParams = z.infer<typeof OutcomesSafetyParams>;

/** Parameter schema of each notebook in notebooks/, by file name without .ipynb. */
export const notebookParams = {
  '00-kit-tour': KitTourParams,
  '02-hold-criteria-by-centre': HoldCriteriaParams,
  '03-doses-reached': DosesReachedParams,
  '04-response-signals': ResponseSignalsParams,
  '05-outcomes-and-safety': OutcomesSafetyParams,
} as const satisfies Record<string, z.ZodObject>;
export type NotebookName = keyof typeof notebookParams;

export function isNotebookName(name: string): name is NotebookName {
  return Object.hasOwn(notebookParams, name);
}
