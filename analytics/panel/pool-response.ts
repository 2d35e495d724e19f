// Pooled response figures: rates per centre and disease with Wilson and exact intervals (summed counts), the centre
// funnel (responseRates on the counts of centres with whole tables), and each signal's odds ratio pooled by
// DerSimonian-Laird over the centres' own estimates, with the prediction interval and optionally Hartung-Knapp.
import type { PanelBundle } from '../../schemas/bundle.js';
import { responseRates, type ResponseFunnelRow } from '../response/response-rates.js';
import { SIGNALS, type SignalId } from '../response/signals.js';
import type { CourseSignalRow } from '../response/types.js';
import { clopperPearsonInterval, wilsonInterval } from '../stats/binomial.js';
import { randomEffects } from '../stats/random-effects.js';
import { normalQuantile } from '../stats/distributions.js';
import { POOLED } from './pool-holds.js';
import { cellsOf } from './table-cells.js';

export interface PooledRateRow {
  centre_id: string;
  disease: string;
  /** Patients treated in the course (RECIST 1.1's all-eligible denominator: not evaluable counted). */
  n_eligible: number;
  responders: number;
  rate: number;
  wilson_lower: number;
  wilson_upper: number;
  exact_lower: number;
  exact_upper: number;
  centres_pooled: number;
  centres_left_out: string;
}

/** Released responder / non-responder counts per disease of a bundle; null for a disease with a suppressed cell. */
function diseaseCounts(b: PanelBundle): Map<string, [number, number] | null> {
  const t = b.tables.find((x) => x.id === 'response');
  const out = new Map<string, [number, number] | null>();
  if (t === undefined) return out;
  for (const d of t.rows) {
    const k = cellsOf(t, [[d, 'responder'], [d, 'non_responder']]);
    if (k === null || k[0]! + k[1]! > 0) out.set(d, k === null ? null : [k[0]!, k[1]!]);
  }
  return out;
}

function rateRow(centre: string, disease: string, x: number, n: number, pooled: number, left: string[]): PooledRateRow {
  const w = wilsonInterval(x, n);
  const e = clopperPearsonInterval(x, n);
  return {
    centre_id: centre,
    disease,
    n_eligible: n,
    responders: x,
    rate: x / n,
    wilson_lower: w.lower,
    wilson_upper: w.upper,
    exact_lower: e.lower,
    exact_upper: e.upper,
    centres_pooled: pooled,
    centres_left_out: left.join(' '),
  };
}

/** Response rates per centre (all diseases and each) and pooled (ALL), and the funnel of centres with whole tables. */
export function poolResponseRates(bundles: readonly PanelBundle[]): {
  rates: PooledRateRow[];
  funnel: ResponseFunnelRow[];
  curves: { x: number; level: number; lower: number; upper: number }[];
  target: number | null;
} {
  const rates: PooledRateRow[] = [];
  const sums = new Map<string, { x: number; n: number; pooled: number; left: string[] }>();
  const add = (key: string, centre: string, k: [number, number] | null) => {
    const s = sums.get(key) ?? { x: 0, n: 0, pooled: 0, left: [] };
    if (k === null) s.left.push(centre);
    else ((s.x += k[0]), (s.n += k[0] + k[1]), (s.pooled += 1));
    sums.set(key, s);
  };
  const pseudo: Pick<CourseSignalRow, 'centre_id' | 'disease' | 'responder' | 'response'>[] = [];
  for (const b of [...bundles].sort((p, q) => p.centre_id.localeCompare(q.centre_id))) {
    const byDisease = diseaseCounts(b);
    const whole = [...byDisease.values()].every((k) => k !== null);
    const total = b.tables.find((x) => x.id === 'response:all');
    const released =
      total === undefined
        ? null
        : cellsOf(total, [
            ['all', 'responder'],
            ['all', 'non_responder'],
          ]);
    const all: [number, number] | null =
      released !== null
        ? [released[0]!, released[1]!]
        : whole
          ? [...byDisease.values()].reduce<[number, number]>((a, k) => [a[0] + k![0], a[1] + k![1]], [0, 0])
          : null;
    if (all !== null && all[0] + all[1] > 0) rates.push(rateRow(b.centre_id, 'all', all[0], all[0] + all[1], 1, []));
    add('all', b.centre_id, all);
    for (const [d, k] of [...byDisease].sort(([x], [y]) => x.localeCompare(y))) {
      if (k !== null) rates.push(rateRow(b.centre_id, d, k[0], k[0] + k[1], 1, []));
      add(d, b.centre_id, k);
    }
    // The funnel needs only each centre's totals (its disease rows are not used).
    if (all !== null)
      for (const [y, m] of [
        [1, all[0]],
        [0, all[1]],
      ] as const)
        for (let i = 0; i < m; i++) pseudo.push({ centre_id: b.centre_id, disease: 'rcc', responder: y, response: y === 1 ? 'PR' : 'PD' });
  }
  if (bundles.length > 1)
    for (const [d, s] of [...sums].sort(([x], [y]) => (x === 'all' ? -1 : y === 'all' ? 1 : x.localeCompare(y))))
      if (s.n > 0) rates.push(rateRow(POOLED, d, s.x, s.n, s.pooled, s.left));
  const f = pseudo.length > 0 ? responseRates(pseudo as CourseSignalRow[]) : null;
  return { rates, funnel: f?.funnel ?? [], curves: f?.curves ?? [], target: f?.target ?? null };
}

export interface PooledSignalRow {
  signal: string;
  label: string;
  per: string;
  kind: 'centre' | 'pooled';
  centre_id: string;
  method: string | null;
  n: number;
  events: number;
  log_or: number;
  std_err: number;
  or: number;
  lower: number;
  upper: number;
  weight_percent: number | null;
  tau2: number | null;
  i2: number | null;
  q_p_value: number | null;
  k_centres: number | null;
  pi_lower: number | null;
  pi_upper: number | null;
  test: 'z' | 'knha' | null;
}

/** Per signal, each centre's released estimate and the random-effects pooled one. @example poolSignals(bundles, { hartungKnapp: true }) */
export function poolSignals(bundles: readonly PanelBundle[], options: { hartungKnapp?: boolean; level?: number } = {}): PooledSignalRow[] {
  const z = normalQuantile(1 - (1 - (options.level ?? 0.95)) / 2);
  const out: PooledSignalRow[] = [];
  const ids = [...new Set(bundles.flatMap((b) => b.signal_estimates.map((e) => e.signal)))];
  const order = Object.keys(SIGNALS);
  ids.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  for (const id of ids) {
    const def = SIGNALS[id as SignalId] ?? { label: id, per: '' };
    const head = { signal: id, label: def.label, per: def.per };
    const centre = bundles
      .flatMap((b) => b.signal_estimates.filter((e) => e.signal === id).map((e) => ({ b, e })))
      .sort((p, q) => p.b.centre_id.localeCompare(q.b.centre_id));
    const re = randomEffects(
      { yi: centre.map(({ e }) => e.log_or), vi: centre.map(({ e }) => e.std_err ** 2) },
      { hartungKnapp: options.hartungKnapp, level: options.level },
    );
    centre.forEach(({ b, e }, i) =>
      out.push({
        ...head,
        kind: 'centre',
        centre_id: b.centre_id,
        method: e.method,
        n: e.n,
        events: e.events,
        log_or: e.log_or,
        std_err: e.std_err,
        or: Math.exp(e.log_or),
        lower: Math.exp(e.log_or - z * e.std_err),
        upper: Math.exp(e.log_or + z * e.std_err),
        weight_percent: re.weights[i]!,
        tau2: null,
        i2: null,
        q_p_value: null,
        k_centres: null,
        pi_lower: null,
        pi_upper: null,
        test: null,
      }),
    );
    out.push({
      ...head,
      kind: 'pooled',
      centre_id: re.test === 'knha' ? 'Pooled (DerSimonian-Laird, Hartung-Knapp)' : 'Pooled (DerSimonian-Laird)',
      method: null,
      n: centre.reduce((a, { e }) => a + e.n, 0),
      events: centre.reduce((a, { e }) => a + e.events, 0),
      log_or: re.estimate,
      std_err: re.stdErr,
      or: Math.exp(re.estimate),
      lower: Math.exp(re.lower),
      upper: Math.exp(re.upper),
      weight_percent: null,
      tau2: re.tau2,
      i2: re.I2,
      q_p_value: re.pQ,
      k_centres: re.k,
      pi_lower: re.pi_lower === null ? null : Math.exp(re.pi_lower),
      pi_upper: re.pi_upper === null ? null : Math.exp(re.pi_upper),
      test: re.test,
    });
  }
  return out;
}
