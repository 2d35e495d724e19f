// Share of cycles reaching at least N doses per centre, in a funnel: crude (exact binomial limits)
// and case-mix adjusted by indirect standardisation (disease × ECOG × age band).
import { funnelLimits, funnelPlot } from '../stats/funnel.js';
import { normalQuantile } from '../stats/distributions.js';
import { indirectStandardisation } from './indirect-standardisation.js';
import { doseMessages } from './messages.js';
import type { CycleDoses, PatientCaseMix } from './types.js';

export interface ReachingOptions {
  /** Doses a cycle must reach (default 10). */
  threshold?: number;
  /** Which cycles: every cycle (default; cycles of one patient are not independent, so consider `overdispersion`) or the first cycle of the first course. */
  cycles?: 'all' | 'first';
  /** Lower edges of the age bands after the first (default [50, 60, 70]: <50, 50–59, 60–69, ≥70). */
  ageBreaks?: readonly number[];
  levels?: readonly number[];
  /** Widen limits by the estimated over-dispersion when it exceeds 1 (default false). */
  overdispersion?: boolean;
}

/** One row per centre: crude share against exact binomial funnel limits. */
export interface ReachingCrudeRow {
  centre_id: string;
  n_cycles: number;
  n_reaching: number;
  share: number;
  z: number;
  lower95: number;
  upper95: number;
  lower998: number;
  upper998: number;
  position95: 'below' | 'within' | 'above';
  position998: 'below' | 'within' | 'above';
}

/** One row per centre: observed vs expected from its case mix. */
export interface ReachingAdjustedRow {
  centre_id: string;
  n_cycles: number;
  observed: number;
  expected: number;
  /** O / E (1 = as expected for its case mix). */
  ratio: number | null;
  /** O / E × overall share. */
  adjusted_share: number | null;
  z: number | null;
  /** Limits on the ratio. */
  lower95: number;
  upper95: number;
  lower998: number;
  upper998: number;
  position95: 'below' | 'within' | 'above';
  position998: 'below' | 'within' | 'above';
}

/** Points of the funnel curves: crude limits by number of cycles, adjusted limits (ratio scale) by expected count. */
export interface FunnelCurveRow {
  kind: 'crude' | 'adjusted';
  /** n (crude) or expected count (adjusted). */
  x: number;
  level: number;
  lower: number;
  upper: number;
}

export interface ReachingResult {
  threshold: number;
  cycles: 'all' | 'first';
  target: number;
  /** Over-dispersion estimates (mean squared winsorised z) of the crude and adjusted funnels; limits widened only when asked and > 1. */
  phi_crude: number;
  phi_adjusted: number;
  overdispersion_applied: boolean;
  crude: ReachingCrudeRow[];
  adjusted: ReachingAdjustedRow[];
  curves: FunnelCurveRow[];
  strata: { stratum: string; n: number; events: number; rate: number }[];
  notes: string[];
}

/** Case-mix cell of a patient: disease × ECOG (or 'unknown') × age band. */
export function caseMixStratum(p: PatientCaseMix, ageBreaks: readonly number[] = [50, 60, 70]): string {
  let band = `<${ageBreaks[0] ?? Infinity}`;
  for (const b of ageBreaks) if (p.age_at_first_dose >= b) band = `${b}+`;
  return `${p.disease}|ecog ${p.ecog ?? 'unknown'}|age ${band}`;
}

function curveGrid(max: number): number[] {
  const out: number[] = [];
  for (let x = 1; x <= Math.max(2, max * 1.1); x = Math.max(x + 1, Math.round(x * 1.15))) out.push(x);
  return out;
}

/**
 * Funnel of each centre's share of cycles reaching `threshold` doses, crude and adjusted for case mix.
 * @example reachingDoses(cycles, patients, { threshold: 10 }).adjusted
 */
export function reachingDoses(cycles: readonly CycleDoses[], patients: readonly PatientCaseMix[], options: ReachingOptions = {}): ReachingResult {
  const threshold = options.threshold ?? 10;
  const which = options.cycles ?? 'all';
  const levels = [0.95, 0.998];
  const ageBreaks = options.ageBreaks ?? [50, 60, 70];
  const used = which === 'first' ? cycles.filter((c) => c.course_number === 1 && c.cycle_number === 1) : cycles;
  if (used.length === 0) throw new Error(doseMessages.noCycles('reachingDoses'));
  const notes: string[] = [];
  const centres = [...new Set(used.map((c) => c.centre_id))].sort();
  if (centres.length === 1) notes.push(doseMessages.singleCentre(centres[0]!));
  const counts = centres.map((id) => {
    const g = used.filter((c) => c.centre_id === id);
    return { id, n: g.length, events: g.filter((c) => c.doses_given >= threshold).length };
  });
  const total = counts.reduce((a, c) => a + c.n, 0);
  const target = counts.reduce((a, c) => a + c.events, 0) / total;
  const base = { threshold, cycles: which, target, strata: [] as ReachingResult['strata'] };
  if (target === 0 || target === 1) {
    notes.push(doseMessages.funnelNoSpread(target));
    const crude = counts.map((c): ReachingCrudeRow => ({
      centre_id: c.id,
      n_cycles: c.n,
      n_reaching: c.events,
      share: c.events / c.n,
      z: 0,
      lower95: target,
      upper95: target,
      lower998: target,
      upper998: target,
      position95: 'within',
      position998: 'within',
    }));
    const adjusted = counts.map((c): ReachingAdjustedRow => ({
      centre_id: c.id,
      n_cycles: c.n,
      observed: c.events,
      expected: c.events,
      ratio: 1,
      adjusted_share: target,
      z: null,
      lower95: 1,
      upper95: 1,
      lower998: 1,
      upper998: 1,
      position95: 'within',
      position998: 'within',
    }));
    return { ...base, phi_crude: 1, phi_adjusted: 1, overdispersion_applied: false, crude, adjusted, curves: [], notes };
  }
  const fp = funnelPlot(
    { events: counts.map((c) => c.events), n: counts.map((c) => c.n), label: counts.map((c) => c.id) },
    { levels, overdispersion: options.overdispersion ?? false },
  );
  const crude = fp.units.map((u): ReachingCrudeRow => {
    return {
      centre_id: u.label!,
      n_cycles: u.n,
      n_reaching: u.events,
      share: u.proportion,
      z: u.z,
      ...limitColumns(u.limits),
    };
  });

  const mix = new Map(patients.map((p) => [`${p.centre_id}\u0000${p.patient_key}`, p]));
  const withMix = used.flatMap((c) => {
    const p = mix.get(`${c.centre_id}\u0000${c.patient_key}`);
    return p ? [{ unit: c.centre_id, stratum: caseMixStratum(p, ageBreaks), outcome: (c.doses_given >= threshold ? 1 : 0) as 0 | 1 }] : [];
  });
  if (withMix.length < used.length) notes.push(doseMessages.missingCaseMix(used.length - withMix.length));
  const std = indirectStandardisation(withMix, { levels, overdispersion: options.overdispersion ?? false });
  const adjusted = std.units.map((u): ReachingAdjustedRow => {
    return {
      centre_id: u.unit,
      n_cycles: u.n,
      observed: u.observed,
      expected: u.expected,
      ratio: u.ratio,
      adjusted_share: u.adjusted_share,
      z: u.z,
      ...limitColumns(u.limits),
    };
  });

  const nGrid = curveGrid(Math.max(...counts.map((c) => c.n)));
  const crudeLimits = funnelLimits(target, nGrid, { levels, phi: fp.overdispersionApplied ? fp.phi : 1 });
  const curves: FunnelCurveRow[] = crudeLimits.bands.flatMap((b) =>
    nGrid.map((x, i) => ({ kind: 'crude' as const, x, level: b.level, lower: b.lower[i]!, upper: b.upper[i]! })),
  );
  // Adjusted curve: variance of O ≈ E (1 − p0) when strata rates are near the overall rate.
  const phiAdj = std.overdispersion_applied ? std.phi : 1;
  for (const level of levels) {
    const zq = normalQuantile(1 - (1 - level) / 2);
    for (const x of curveGrid(Math.max(...adjusted.map((a) => a.expected)))) {
      const half = zq * Math.sqrt((phiAdj * (1 - target)) / x);
      curves.push({ kind: 'adjusted', x, level, lower: Math.max(0, 1 - half), upper: 1 + half });
    }
  }
  return {
    ...base,
    phi_crude: fp.phi,
    phi_adjusted: std.phi,
    overdispersion_applied: fp.overdispersionApplied || std.overdispersion_applied,
    crude,
    adjusted,
    curves,
    strata: std.strata,
    notes,
  };
}

/** A funnel unit's 95% and 99.8% limits as row columns. */
function limitColumns(limits: readonly { lower: number; upper: number; position: 'above' | 'below' | 'within' }[]) {
  const [l95, l998] = [limits[0]!, limits[1]!];
  return { lower95: l95.lower, upper95: l95.upper, lower998: l998.lower, upper998: l998.upper, position95: l95.position, position998: l998.position };
}
