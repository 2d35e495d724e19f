// Odds ratios of response for each §4.3 signal: adjusted for centre and disease in one model over
// all centres, per centre and pooled with DerSimonian-Laird random effects (forest-plot rows), and
// a joint model with every signal mutually adjusted.
import { groupBy } from '../doses/group.js';
import { derSimonianLaird } from '../stats/meta-analysis.js';
import { fitTerm, fitTerms, type FitOptions, type TermEstimate } from './fit.js';
import { LANDMARK_NOTE, responseMessages } from './messages.js';
import { SIGNALS, SIGNAL_IDS, type SignalId } from './signals.js';
import type { CourseSignalRow } from './types.js';

export type Adjuster = 'centre' | 'disease' | 'ecog' | 'age';

export interface OddsRatioOptions extends FitOptions {
  /** Adjustment set (default centre and disease). */
  adjust?: readonly Adjuster[];
  signals?: readonly SignalId[];
}

interface EstimateColumns {
  method: TermEstimate['method'] | null;
  interval: TermEstimate['interval'] | null;
  or: number | null;
  lower: number | null;
  upper: number | null;
  log_or: number | null;
  std_err: number | null;
  p_value: number | null;
  firth_reason: string | null;
  /** Why there is no estimate (or a caution); null when fine. */
  message: string | null;
}

/** One row per signal (model 'single': the signal + adjusters) or per signal in the joint model. */
export interface OddsRatioRow extends EstimateColumns {
  model: 'single' | 'joint';
  signal: SignalId;
  label: string;
  per: string;
  n: number;
  events: number;
  /** Courses left out because the signal (or an adjuster) was not measured. */
  n_missing: number;
  adjusted_for: string;
}

/** Forest-plot rows: each centre's own estimate, the DL pooled estimate and the all-centre adjusted one. */
export interface ForestRow extends EstimateColumns {
  signal: SignalId;
  label: string;
  per: string;
  kind: 'centre' | 'pooled' | 'adjusted';
  centre_id: string;
  n: number;
  events: number;
  /** Random-effects weight in percent (centre rows that were pooled). */
  weight_percent: number | null;
  /** Heterogeneity on the pooled row. */
  tau2: number | null;
  i2: number | null;
  q_p_value: number | null;
  k_centres: number | null;
}

const EMPTY: EstimateColumns = {
  method: null,
  interval: null,
  or: null,
  lower: null,
  upper: null,
  log_or: null,
  std_err: null,
  p_value: null,
  firth_reason: null,
  message: null,
};

function columns(f: TermEstimate): EstimateColumns {
  return {
    method: f.method,
    interval: f.interval,
    or: f.or,
    lower: f.lower,
    upper: f.upper,
    log_or: f.log_or,
    std_err: f.std_err,
    p_value: f.p_value,
    firth_reason: f.reason,
    message: null,
  };
}

const varies = (xs: readonly number[]) => xs.some((x) => x !== xs[0]);

interface Design {
  y: number[];
  covariates: Record<string, number[]>;
  n: number;
  missing: number;
  dropped: string[];
}

/** Builds y and the covariate columns for rows with every needed value measured; adjusters without variation are dropped. */
function design(rows: readonly CourseSignalRow[], signals: readonly SignalId[], adjust: readonly Adjuster[]): Design {
  const used = rows.filter((r) => signals.every((s) => SIGNALS[s].value(r) !== null) && (!adjust.includes('ecog') || r.ecog !== null));
  const covariates: Record<string, number[]> = {};
  for (const s of signals) covariates[s] = used.map((r) => SIGNALS[s].value(r)!);
  const dropped: string[] = [];
  if (adjust.includes('centre')) {
    const sizes = [...groupBy(used, (r) => r.centre_id).entries()].map(([c, g]) => [c, g.length] as const);
    const reference = [...sizes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
    for (const [c] of sizes) if (c !== reference) covariates[`centre:${c}`] = used.map((r) => (r.centre_id === c ? 1 : 0));
  }
  const add = (name: string, f: (r: CourseSignalRow) => number) => {
    const col = used.map(f);
    if (varies(col)) covariates[name] = col;
    else dropped.push(name);
  };
  if (adjust.includes('disease')) add('disease:melanoma', (r) => (r.disease === 'melanoma' ? 1 : 0));
  if (adjust.includes('ecog')) add('ecog', (r) => r.ecog!);
  if (adjust.includes('age')) add('age_per_10y', (r) => r.age_at_first_dose / 10);
  return { y: used.map((r) => r.responder), covariates, n: used.length, missing: rows.length - used.length, dropped };
}

/** Checks a signal column before fitting; returns a message when it cannot be estimated. */
function signalProblem(d: Design, s: SignalId): string | null {
  const col = d.covariates[s]!;
  if (col.length < 2) return responseMessages.tooFew(s, col.length);
  if (!varies(col)) return responseMessages.noVariation(s, col[0]!);
  const events = d.y.reduce((a, b) => a + b, 0);
  if (events === 0 || events === d.n) return responseMessages.noOutcomeVariation(s, events, d.n);
  return null;
}

function estimate(d: Design, s: SignalId, opts: FitOptions): EstimateColumns {
  const problem = signalProblem(d, s);
  if (problem) return { ...EMPTY, message: problem };
  const r = fitTerm(d.y, d.covariates, s, opts);
  return r.ok ? columns(r.fit) : { ...EMPTY, message: responseMessages.fitFailed(s, r.message) };
}

export interface SignalOddsRatiosResult {
  landmark: string;
  adjusted_for: string;
  /** One row per signal, adjusted for the adjusters only. */
  single: OddsRatioRow[];
  /** The joint model: every signal (except cumulative dose) mutually adjusted. */
  joint: OddsRatioRow[];
  forest: ForestRow[];
  notes: string[];
}

/**
 * Odds ratios of response (CR/PR) per signal, pooled and per centre.
 * @example signalOddsRatios(courseSignals(inputs).rows).single
 */
export function signalOddsRatios(rows: readonly CourseSignalRow[], options: OddsRatioOptions = {}): SignalOddsRatiosResult {
  const adjust = options.adjust ?? ['centre', 'disease'];
  const signals = options.signals ?? SIGNAL_IDS;
  const adjustedFor = adjust.join(' + ') || 'nothing';
  const notes: string[] = [];
  const single: OddsRatioRow[] = [];
  const forest: ForestRow[] = [];
  for (const s of signals) {
    const def = SIGNALS[s];
    const head = { signal: s, label: def.label, per: def.per };
    const d = design(rows, [s], adjust);
    const est = estimate(d, s, options);
    single.push({ model: 'single', ...head, n: d.n, events: d.y.reduce((a, b) => a + b, 0), n_missing: d.missing, adjusted_for: adjustedFor, ...est });

    // Per centre: the same model without the centre terms, then DerSimonian-Laird.
    const within = adjust.filter((a) => a !== 'centre');
    const centreRows: ForestRow[] = [];
    for (const [centre, g] of groupBy(rows, (r) => r.centre_id)) {
      const dc = design(g, [s], within);
      const e = estimate(dc, s, options);
      centreRows.push({
        ...head,
        kind: 'centre',
        centre_id: centre,
        n: dc.n,
        events: dc.y.reduce((a, b) => a + b, 0),
        ...e,
        weight_percent: null,
        tau2: null,
        i2: null,
        q_p_value: null,
        k_centres: null,
      });
    }
    const pooledIdx = centreRows.flatMap((r, i) => (r.log_or !== null && r.std_err !== null && r.std_err > 0 && Number.isFinite(r.std_err) ? [i] : []));
    for (const r of centreRows) if (r.log_or === null && r.message) notes.push(responseMessages.centreExcluded(r.centre_id, r.message));
    let pooled: ForestRow;
    const pooledBase = {
      ...head,
      kind: 'pooled' as const,
      centre_id: 'Pooled (DerSimonian-Laird)',
      n: pooledIdx.reduce((a, i) => a + centreRows[i]!.n, 0),
      events: pooledIdx.reduce((a, i) => a + centreRows[i]!.events, 0),
      weight_percent: null,
    };
    if (pooledIdx.length === 0) {
      pooled = { ...pooledBase, ...EMPTY, message: responseMessages.noCentresPooled(s), tau2: null, i2: null, q_p_value: null, k_centres: 0 };
    } else {
      const dl = derSimonianLaird(
        { yi: pooledIdx.map((i) => centreRows[i]!.log_or!), vi: pooledIdx.map((i) => centreRows[i]!.std_err! ** 2) },
        { level: options.level ?? 0.95 },
      );
      pooledIdx.forEach((i, j) => (centreRows[i]!.weight_percent = dl.weights[j]!));
      pooled = {
        ...pooledBase,
        method: null,
        interval: 'wald',
        or: Math.exp(dl.estimate),
        lower: Math.exp(dl.lower),
        upper: Math.exp(dl.upper),
        log_or: dl.estimate,
        std_err: dl.stdErr,
        p_value: dl.pValue,
        firth_reason: null,
        message: pooledIdx.length === 1 ? 'one centre only: the pooled estimate is that centre’s' : null,
        tau2: dl.tau2,
        i2: dl.I2,
        q_p_value: dl.pQ,
        k_centres: dl.k,
      };
    }
    const adjustedRow: ForestRow = {
      ...head,
      kind: 'adjusted',
      centre_id: `All centres (adjusted for ${adjustedFor})`,
      n: d.n,
      events: single[single.length - 1]!.events,
      ...est,
      weight_percent: null,
      tau2: null,
      i2: null,
      q_p_value: null,
      k_centres: null,
    };
    forest.push(...centreRows, pooled, adjustedRow);
  }

  // Joint model: signals that can be estimated on their own, mutually adjusted.
  const usable = signals.filter((s) => SIGNALS[s].joint && single.find((r) => r.signal === s)?.log_or !== null);
  const left = signals.filter((s) => SIGNALS[s].joint && !usable.includes(s));
  if (left.length > 0) notes.push(responseMessages.jointDropped(left));
  const joint: OddsRatioRow[] = [];
  if (usable.length > 0) {
    const d = design(rows, usable, adjust);
    const events = d.y.reduce((a, b) => a + b, 0);
    const problems = usable.map((s) => signalProblem(d, s)).filter((p): p is string => p !== null);
    const fit = problems.length > 0 ? null : fitTerms(d.y, d.covariates, usable, options);
    usable.forEach((s, i) => {
      const def = SIGNALS[s];
      const est: EstimateColumns =
        fit === null
          ? { ...EMPTY, message: problems.join('; ') }
          : fit.ok
            ? columns(fit.fits[i]!)
            : { ...EMPTY, message: responseMessages.fitFailed('joint model', fit.message) };
      joint.push({
        model: 'joint',
        signal: s,
        label: def.label,
        per: def.per,
        n: d.n,
        events,
        n_missing: d.missing,
        adjusted_for: `${adjustedFor} + the other signals`,
        ...est,
      });
    });
  }
  return { landmark: LANDMARK_NOTE, adjusted_for: adjustedFor, single, joint, forest, notes: [...new Set(notes)] };
}
