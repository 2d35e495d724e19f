// Best overall response of a course from its dated time-point responses, by the criteria's rules
// (RESPONSE_DERIVATION_RULES in schemas/vocabularies.ts states them for the data dictionary). Pure; times in ms.
import type { ResponseCategory, ResponseCriteria } from '../../schemas/index.js';

/** One dated time-point (visit) response. */
export interface TimePoint {
  at: number;
  response: ResponseCategory;
}

export interface BestResponse {
  best: ResponseCategory;
  /** The time point that established `best` (for CR/PR: the first of the confirmed pair). */
  at: number;
  /** First CR or PR time point when `best` is CR or PR (start of response duration), else null. */
  firstResponseAt: number | null;
  /** CR/PR confirmed (true), a CR/PR time point left unconfirmed (false), or no rule / no CR-PR time point (null). */
  confirmed: boolean | null;
}

const DAY_MS = 86_400_000;
/** CR and PR need a second observation at least 4 weeks later (RECIST 1.1 §4.3.2; RECIST 1.0; WHO). */
export const CONFIRMATION_MS = 28 * DAY_MS;
/** Minimum time from the course's first dose for SD to count: RECIST 1.1 leaves it to the protocol ("in general 6–8 weeks") [UNVERIFIED]. */
export const SD_MINIMUM_MS = 42 * DAY_MS;

type Rule = 'confirmation' | 'rank_to_pd' | 'rank_all';
/** Which rule each criteria code follows (exhaustive: a new criteria code is a compile error until placed). */
const RULE_OF: Record<ResponseCriteria, Rule> = {
  'RECIST1.1': 'confirmation',
  'RECIST1.0': 'confirmation',
  WHO: 'confirmation',
  ECOG1982: 'rank_to_pd',
  investigator: 'rank_to_pd',
  irRC: 'rank_all',
};

const RANK: Record<ResponseCategory, number> = { CR: 5, PR: 4, SD: 3, PD: 2, NE: 1 };
const isResponse = (r: ResponseCategory) => r === 'CR' || r === 'PR';

/**
 * The best overall response of one course. `points` may be in any order; `courseStartMs` is the course's first dose.
 * @example bestOverallResponse('RECIST1.1', [{ at: t0, response: 'PD' }, { at: t1, response: 'CR' }], start).best // 'PD'
 */
export function bestOverallResponse(criteria: ResponseCriteria, points: readonly TimePoint[], courseStartMs: number): BestResponse {
  if (points.length === 0) throw new Error('bestOverallResponse needs at least one time point');
  const sorted = [...points].sort((a, b) => a.at - b.at);
  const rule = RULE_OF[criteria];
  const upToPd = rule === 'rank_all' ? sorted : untilProgression(sorted);
  return rule === 'confirmation' ? byConfirmation(upToPd, courseStartMs) : byRank(upToPd);
}

/** Time points up to and including the first PD (later ones do not count towards the best response). */
function untilProgression(sorted: TimePoint[]): TimePoint[] {
  const pd = sorted.findIndex((p) => p.response === 'PD');
  return pd < 0 ? sorted : sorted.slice(0, pd + 1);
}

function byRank(pts: TimePoint[]): BestResponse {
  let best = pts[0]!;
  for (const p of pts) if (RANK[p.response] > RANK[best.response]) best = p;
  const first = pts.find((p) => isResponse(p.response));
  return { best: best.response, at: best.at, firstResponseAt: isResponse(best.response) && first ? first.at : null, confirmed: null };
}

/** A time point with a later one of `ok` response at least 4 weeks on. */
function confirmedFrom(pts: TimePoint[], from: (r: ResponseCategory) => boolean, ok: (r: ResponseCategory) => boolean): TimePoint | undefined {
  return pts.find((p, i) => from(p.response) && pts.slice(i + 1).some((q) => ok(q.response) && q.at - p.at >= CONFIRMATION_MS));
}

function byConfirmation(pts: TimePoint[], courseStartMs: number): BestResponse {
  const firstResponse = pts.find((p) => isResponse(p.response));
  const cr = confirmedFrom(pts, (r) => r === 'CR', (r) => r === 'CR');
  if (cr) return { best: 'CR', at: cr.at, firstResponseAt: firstResponse!.at, confirmed: true };
  const pr = confirmedFrom(pts, isResponse, isResponse);
  if (pr) return { best: 'PR', at: pr.at, firstResponseAt: firstResponse!.at, confirmed: true };
  const unconfirmed = firstResponse ? false : null;
  const sd = pts.find((p) => (p.response === 'SD' || isResponse(p.response)) && p.at - courseStartMs >= SD_MINIMUM_MS);
  if (sd) return { best: 'SD', at: sd.at, firstResponseAt: null, confirmed: unconfirmed };
  const pd = pts.find((p) => p.response === 'PD');
  if (pd) return { best: 'PD', at: pd.at, firstResponseAt: null, confirmed: unconfirmed };
  return { best: 'NE', at: pts[0]!.at, firstResponseAt: null, confirmed: unconfirmed };
}
