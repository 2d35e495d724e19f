// The panel's checks on bundle files before pooling: JSON, kind, schema version, schema, content hash, labels; then across
// files: the same bundle twice, and two bundles of one centre over overlapping periods. Each problem names the file.
import { BUNDLE_KIND, BUNDLE_SCHEMA_VERSION, PanelBundle } from '../../schemas/bundle.js';
import { bundleHash } from './hash.js';
import { periodsOverlap } from './quarter.js';
import { labelProblems } from './vocabulary.js';

export type BundleCheck = { ok: true; file: string; bundle: PanelBundle } | { ok: false; file: string; problem: string };

/** Checks one bundle file's text. @example checkBundleText('amstel.json', readFileSync('amstel.json', 'utf8')) */
export function checkBundleText(file: string, text: string): BundleCheck {
  const fail = (problem: string): BundleCheck => ({ ok: false, file, problem });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(`not JSON (${(e as Error).message}); a bundle is the JSON file il2kit bundle writes`);
  }
  const obj = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  if (obj === null || obj.kind !== BUNDLE_KIND)
    return fail(`not an il2kit panel bundle (kind ${JSON.stringify(obj?.kind ?? null)}, expected "${BUNDLE_KIND}")`);
  if (obj.schema_version !== BUNDLE_SCHEMA_VERSION) {
    const v = obj.schema_version;
    const which = typeof v === 'number' && v < BUNDLE_SCHEMA_VERSION ? 'an earlier il2kit' : typeof v === 'number' ? 'a newer il2kit' : 'no il2kit';
    return fail(
      `bundle schema version ${JSON.stringify(v)}, made by ${which}; this il2kit pools version ${BUNDLE_SCHEMA_VERSION} only (docs/panel.md: versions ` +
        `are not mixed, since their tables differ) — ask the centre to bundle again with the panel's il2kit version`,
    );
  }
  const parsed = PanelBundle.safeParse(obj);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
    return fail(`does not match the bundle schema at ${i.path.join('.') || '(top)'}: ${i.message}${more}`);
  }
  const hash = bundleHash(obj);
  if (hash !== parsed.data.content_sha256)
    return fail(
      `content does not match its SHA-256 (stated ${parsed.data.content_sha256.slice(0, 12)}…, computed ${hash.slice(0, 12)}…): changed after il2kit ` +
        `bundle wrote it; ask the centre for the file as written`,
    );
  const labels = labelProblems(parsed.data);
  if (labels.length > 0)
    return fail(
      `${labels.length} label(s) outside the kit's vocabularies: ${labels.slice(0, 5).join('; ')}` +
        (labels.length > 5 ? `; and ${labels.length - 5} more` : '') +
        " — the bundle was made by another il2kit or edited before hashing; ask the centre to bundle again with the panel's il2kit version",
    );
  return { ok: true, file, bundle: parsed.data };
}

/** Problems across bundles that each passed on their own: duplicates and overlapping periods of one centre. */
export function checkBundleSet(bundles: readonly { file: string; bundle: PanelBundle }[]): string[] {
  const problems: string[] = [];
  bundles.forEach((x, i) => {
    for (const y of bundles.slice(0, i)) {
      if (x.bundle.content_sha256 === y.bundle.content_sha256) problems.push(`${x.file}: the same bundle as ${y.file}; give each bundle once`);
      else if (x.bundle.centre_id === y.bundle.centre_id && periodsOverlap(x.bundle.period, y.bundle.period))
        problems.push(
          `${x.file}: a second bundle of centre ${x.bundle.centre_id} (${x.bundle.period.first}…${x.bundle.period.last}) overlapping ${y.file} ` +
            `(${y.bundle.period.first}…${y.bundle.period.last}); its patients would count twice — keep the ` +
            `newer bundle only`,
        );
    }
  });
  return problems;
}
