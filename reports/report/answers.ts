// The summary's three answers as plain sentences with their intervals, from the analyses' aggregate outputs only.
import { wilsonInterval } from '../../analytics/stats/binomial.js';
import { ALL_CENTRES } from '../../analytics/doses/types.js';
import { formatNumber } from '../html/index.js';
import type { ReportAnalyses } from './analyses.js';
import { pct, statusTag } from './context.js';

const f2 = (x: number | null) => (x === null ? '—' : x.toFixed(2));
const ci = (lo: number | null, hi: number | null, fmt: (x: number) => string) => (lo === null || hi === null ? 'no interval' : `95% CI ${fmt(lo)}–${fmt(hi)}`);

/** "Thyroid dysfunction" → "thyroid dysfunction"; units and acronyms after the first word are kept. */
const lowerFirst = (s: string) => (/^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);

/** Lowest and highest of a list by a key (ties: first in centre order). */
function extremes<T>(rows: readonly T[], key: (r: T) => number): { low: T; high: T } | null {
  if (rows.length === 0) return null;
  const sorted = [...rows].sort((a, b) => key(a) - key(b));
  return { low: sorted[0]!, high: sorted[sorted.length - 1]! };
}

/** How recorded holds depart from the reference ruleset: kappa by centre, met-but-given and held-without-criterion. */
export function practiceAnswer(h: ReportAnalyses['holds']): string {
  if (!h.ok) return `Hold practice could not be compared with a reference ruleset: ${h.reason}.`;
  const { report, reference } = h.value;
  const rows = report.concordance.filter((r) => r.ruleset_id === reference.id && r.kappa !== null);
  const inferred = reference.rules.filter((r) => r.status !== 'verified').length;
  const doubt = inferred ? `; ${inferred} of its ${reference.rules.length} rules inferred or unverified` : '';
  const ref = `${reference.title} (${reference.id}, ${statusTag(reference.status)}${doubt})`;
  const e = extremes(rows, (r) => r.kappa!);
  if (e === null) return `No centre had slots that ${ref} could assess.`;
  const k = (r: (typeof rows)[number]) => `κ = ${f2(r.kappa)} (${ci(r.kappa_lower, r.kappa_upper, (x) => x.toFixed(2))}) at ${r.centre_id}`;
  const spread =
    rows.length === 1
      ? `recorded holds agreed with its criteria with ${k(e.low)}`
      : `agreement between recorded holds and its criteria ranged from ${k(e.low)} to ${k(e.high)}`;
  const metGiven = rows.map((r) => ({ c: r.centre_id, x: r.met_but_given, n: r.met_but_given + r.met_and_held })).filter((r) => r.n > 0);
  const mg = extremes(metGiven, (r) => r.x / r.n);
  const given =
    mg === null
      ? ''
      : ` Where its criteria were met, the dose was still given in ${pct(mg.high.x / mg.high.n)} of slots at ${mg.high.c} ` +
        `(${mg.high.x} of ${mg.high.n})${metGiven.length > 1 ? ` against ${pct(mg.low.x / mg.low.n)} at ${mg.low.c}` : ''}.`;
  const heldNo = rows.reduce((s, r) => s + r.held_without_criterion, 0);
  const held = rows.reduce((s, r) => s + r.held_without_criterion + r.met_and_held, 0);
  const where = rows.length > 1 ? 'Over all centres' : `At ${rows[0]!.centre_id}`;
  const without = held > 0 ? ` ${where}, ${pct(heldNo / held)} of held doses (${heldNo} of ${held}) were held without any of its criteria met.` : '';
  return `Against ${ref}, ${spread} (Cohen's kappa over given and held doses).${given}${without}`;
}

/** Doses reached: mean doses per cycle by centre with intervals, and the share of cycles reaching the threshold. */
export function dosesAnswer(d: ReportAnalyses['doses']): string {
  if (!d.ok) return `Doses reached could not be computed: ${d.reason}.`;
  const { result, threshold } = d.value;
  const all = result.distribution.filter((r) => r.cycle_number === 'all' && r.centre_id !== ALL_CENTRES);
  const e = extremes(all, (r) => r.mean);
  if (e === null) return 'No cycle has doses recorded.';
  const d1 = (x: number) => x.toFixed(1);
  const m = (r: (typeof all)[number]) => `${d1(r.mean)} doses (${ci(r.mean_lower, r.mean_upper, d1)}; regimen ${r.regimen}) at ${r.centre_id}`;
  const means = all.length === 1 ? `Cycles reached a mean of ${m(e.low)}.` : `The mean doses given per cycle ranged from ${m(e.low)} to ${m(e.high)}.`;
  const reach = result.reaching.crude.map((r) => ({ ...r, w: wilsonInterval(r.n_reaching, r.n_cycles) }));
  const r = extremes(reach, (x) => x.share);
  const share = (x: (typeof reach)[number]) => `${pct(x.share)} (95% CI ${pct(x.w.lower)}–${pct(x.w.upper)}, Wilson) at ${x.centre_id}`;
  const shares =
    r === null
      ? ''
      : reach.length === 1
        ? ` At ${r.low.centre_id}, ${pct(r.low.share)} of cycles (95% CI ${pct(r.low.w.lower)}–${pct(r.low.w.upper)}, Wilson) reached ${threshold} doses.`
        : ` The share of cycles reaching ${threshold} doses ranged from ${share(r.low)} to ${share(r.high)}.`;
  const out = result.reaching.adjusted.filter((x) => x.position95 !== 'within').map((x) => `${x.centre_id} (${x.position95} the 95% limits)`);
  const funnel =
    reach.length > 1
      ? out.length
        ? ` After case-mix adjustment, outside the funnel: ${out.join(', ')}.`
        : ' After case-mix adjustment, every centre lies within the funnel’s 95% limits.'
      : '';
  return means + shares + funnel;
}

/** Response: the overall rate with its interval, the range by centre, and the strongest adjusted signals. */
export function responseAnswer(r: ReportAnalyses['response']): string {
  if (!r.ok) return `Response could not be analysed: ${r.reason}.`;
  const rates = r.value.rates.rates.filter((x) => x.disease === 'all');
  const centres = rates.filter((x) => x.centre_id !== ALL_CENTRES);
  // One centre has no all-centres row: its own row is the overall rate.
  const overall = rates.find((x) => x.centre_id === ALL_CENTRES) ?? (centres.length === 1 ? centres[0] : undefined);
  const rate = (x: (typeof rates)[number]) =>
    `${pct(x.rate)} (${x.responders} of ${x.n_assessed}; 95% CI ${pct(x.wilson_lower)}–${pct(x.wilson_upper)}, Wilson)`;
  const e = extremes(centres, (x) => x.rate);
  const head = overall
    ? `In course ${r.value.course}, ${rate(overall)} of assessed patients had a complete or partial response`
    : `In course ${r.value.course}, responses were assessed`;
  const spread = e && centres.length > 1 ? `, from ${rate(e.low)} at ${e.low.centre_id} to ${rate(e.high)} at ${e.high.centre_id}.` : '.';
  const signals = r.value.oddsRatios.single.filter((s) => s.or !== null && s.p_value !== null).sort((a, b) => a.p_value! - b.p_value!).slice(0, 2);
  const sig = signals.length
    ? ` The strongest signals (adjusted for ${r.value.oddsRatios.adjusted_for.split(' + ').join(' and ')}) were ${signals
        .map((s) => `${lowerFirst(s.label)} (odds ratio ${formatNumber(s.or!)} per ${s.per}, ${ci(s.lower, s.upper, formatNumber)})`)
        .join(' and ')}; ` +
      'measured before the assessment (landmark), they describe who responded, not what giving more would do (guarantee-time bias).'
    : ' No response signal could be estimated.';
  return head + spread + sig;
}
