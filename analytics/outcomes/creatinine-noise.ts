// How far creatinine moves between two measurements of a stable patient, estimated from the store's own data, and the
// reference change value (RCV) that "back to baseline" and "raised" are judged by (decisions: reversal under noise).
import type { CreatinineRow, OutcomeCycle } from './types.js';

/** One-sided 95% normal quantile of Fraser's reference change value, RCV = √2 · z · CV [statistical convention]. */
export const RCV_Z = 1.645;
/** Fewest within-patient pairs to estimate a centre's CV from; fewer: no margin, said on the output [ASSUMPTION]. */
export const MIN_NOISE_PAIRS = 20;

/** One row per centre (and ALL): the CV of creatinine between courses and the tolerance it gives. */
export interface CreatinineNoise {
  centre_id: string;
  /** Pairs of pre-course values (consecutive courses of one patient) the CV was estimated from. */
  pairs: number;
  /** Within-patient CV of one measurement: robust SD (1.4826 · MAD) of log ratios of the pairs ÷ √2; null: too few pairs anywhere. */
  cv: number | null;
  /**
   * Where the CV came from: this centre's pairs, every centre's (the ALL row, for reporting only), or none (too few). A
   * centre never borrows other centres' pairs, so its reading is the same in a bundle made from its data alone.
   */
  source: 'centre' | 'all' | 'none';
  /** Share above the pre-course value still read as baseline: √2 · 1.645 · CV (0 when no CV). */
  tolerance: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Robust SD of log ratios ÷ √2: the CV of one value (log scale ≈ relative for CVs of a few per cent). */
function cvOf(logRatios: number[]): number {
  const m = median(logRatios);
  return (1.4826 * median(logRatios.map((d) => Math.abs(d - m)))) / Math.SQRT2;
}

type ByPatient = ReadonlyMap<string, readonly { observed_at: number; value: number }[]>;

/** Creatinine per centre + patient key (`centre\u0000patient`), in time order. */
function byPatient(creatinine: readonly CreatinineRow[]): ByPatient {
  const values = new Map<string, CreatinineRow[]>();
  for (const r of creatinine) {
    const k = `${r.centre_id}\u0000${r.patient_key}`;
    (values.get(k) ?? values.set(k, []).get(k)!).push(r);
  }
  for (const list of values.values()) list.sort((a, b) => a.observed_at - b.observed_at);
  return values;
}

/** The last value at or before `t` in a time-ordered list. */
function lastAtOrBefore(list: readonly { observed_at: number; value: number }[], t: number): number | null {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.observed_at <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? list[lo - 1]!.value : null;
}

/** Log ratios of the pre-course creatinine (last value before each course's first dose) of consecutive courses, per centre. */
function preCoursePairs(cycles: readonly OutcomeCycle[], values: ByPatient): Map<string, number[]> {
  const starts = new Map<string, { centre: string; firsts: Map<number, number> }>();
  for (const c of cycles) {
    if (c.first_dose_at === null) continue;
    const k = `${c.centre_id}\u0000${c.patient_key}`;
    const m = (starts.get(k) ?? starts.set(k, { centre: c.centre_id, firsts: new Map() }).get(k)!).firsts;
    m.set(c.course_number, Math.min(m.get(c.course_number) ?? Infinity, c.first_dose_at));
  }
  const out = new Map<string, number[]>();
  for (const [k, { centre, firsts }] of starts) {
    const list = values.get(k) ?? [];
    const pre = [...firsts.entries()].sort((a, b) => a[0] - b[0]).map(([, first]) => lastAtOrBefore(list, first));
    for (let i = 1; i < pre.length; i++) {
      const a = pre[i - 1];
      const b = pre[i];
      if (a && b && a > 0 && b > 0) (out.get(centre) ?? out.set(centre, []).get(centre)!).push(Math.log(b / a));
    }
  }
  return out;
}

/**
 * The CV of creatinine per centre from its patients' pre-course values of consecutive courses (weeks apart, each
 * before any IL-2 of its course: lab noise plus the patient's own variation), and the RCV tolerance. A centre with
 * fewer than MIN_NOISE_PAIRS pairs gets no tolerance (at or below baseline); the ALL row pools every centre's pairs.
 * `creatinine` may be given already grouped per `centre\u0000patient` key in time order (as reversalTimes holds it).
 * @example creatinineNoise(inputs.cycles, inputs.creatinine).find((n) => n.centre_id === 'ALL')?.tolerance
 */
export function creatinineNoise(cycles: readonly OutcomeCycle[], creatinine: readonly CreatinineRow[] | ByPatient): CreatinineNoise[] {
  const pairs = preCoursePairs(cycles, Array.isArray(creatinine) ? byPatient(creatinine) : (creatinine as ByPatient));
  const all = [...pairs.values()].flat();
  const allCv = all.length >= MIN_NOISE_PAIRS ? cvOf(all) : null;
  const row = (centre_id: string, n: number, cv: number | null, source: CreatinineNoise['source']): CreatinineNoise => ({
    centre_id,
    pairs: n,
    cv,
    source,
    tolerance: cv === null ? 0 : Math.SQRT2 * RCV_Z * cv,
  });
  const centres = [...new Set(cycles.map((c) => c.centre_id))].sort();
  const rows = centres.map((c) => {
    const mine = pairs.get(c) ?? [];
    return mine.length >= MIN_NOISE_PAIRS ? row(c, mine.length, cvOf(mine), 'centre') : row(c, mine.length, null, 'none');
  });
  return [...rows, row('ALL', all.length, allCv, allCv === null ? 'none' : 'all')];
}

/** What "back to baseline" meant for a centre, for notes beside the shares. */
export function noiseNote(n: CreatinineNoise | undefined, fixed: number | null): string {
  if (fixed !== null) return `back to baseline: within +${(100 * fixed).toFixed(1)}% of the pre-course value (fixed tolerance)`;
  if (!n || n.cv === null) {
    const pairs = n ? `${n.pairs} pair(s)` : 'no pairs';
    return `back to baseline: at or below the pre-course value (${pairs} of pre-course values, fewer than ${MIN_NOISE_PAIRS}, to estimate the lab's CV)`;
  }
  const from = n.source === 'centre' ? `this centre's ${n.pairs}` : `every centre's ${n.pairs}`;
  return (
    `back to baseline: within +${(100 * n.tolerance).toFixed(1)}% of the pre-course value ` +
    `(reference change √2·1.645·CV, CV ${(100 * n.cv).toFixed(1)}% from ${from} pairs of pre-course values)`
  );
}
