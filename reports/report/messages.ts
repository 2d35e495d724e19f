// Every message the report builder gives a user: what is wrong with the input, and what to do.

/** A problem with the report's input that the user can fix; the CLI prints it without a stack trace (exit 2). */
export class ReportInputError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    // The CLI recognises user errors by name (cli/errors.ts isUserError), as the store's StoreLayoutError does.
    this.name = 'UserError';
  }
}

export const reportMessages = {
  emptyStore: (storeDir: string) =>
    `${storeDir} holds no centre with any patient; ingest at least one centre (il2kit ingest <mapping.yaml> --store ${storeDir}) before writing a report`,
  unknownCentres: (unknown: readonly string[], known: readonly string[]) =>
    `--centres: ${unknown.join(', ')} not in the store (it holds ${known.join(', ')})`,
  unknownRuleset: (id: string, known: readonly string[]) => `unknown --reference ${id}; known rulesets: ${known.join(', ')}`,
  noManifest: (centre: string, path: string) => `no ingest manifest for ${centre} (${path}): input hashes and spec versions unknown`,
  noDqReport: (centre: string, path: string) =>
    `no data-quality report for ${centre} at ${path} (pass --reports <dir> if the ingest wrote them elsewhere)`,
  oneCentre: (centre: string) =>
    `The store holds one centre (${centre}): nothing is compared between centres, and funnel plots and pooled estimates are left out.`,
  missingKinds: (centre: string, kinds: readonly string[]) =>
    `${centre} has no ${kinds.join(', ')} observations: rules and signals that need them cannot be evaluated there, and its figures leave those series out.`,
  kindNowhere: (kinds: readonly string[]) =>
    `No centre records ${kinds.join(', ')} observations: rules and signals that need them cannot be evaluated anywhere.`,
  analysisFailed: (what: string, reason: string) => `${what} could not be computed on this store: ${reason}`,
} as const;
