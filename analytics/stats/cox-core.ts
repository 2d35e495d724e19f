// One pass over the risk sets of a Cox model with Efron's handling of tied
// event times: the log partial likelihood, and per event time the score and
// information contributions (cox.zph needs them per time). Covariates are
// centred first, which changes nothing but the size of exp(eta).

export interface CoxData {
  /** Times, sorted ascending (the caller sorts). */
  time: readonly number[];
  /** 1 = event, 0 = censored, same order. */
  event: readonly number[];
  /** One row of covariates per subject, same order. */
  x: readonly (readonly number[])[];
}

export interface EventTimeTerms {
  time: number;
  deaths: number;
  /** Score contribution at this time: sum over deaths of x minus the Efron-weighted risk-set means. */
  u: number[];
  /** Information contribution (p × p). */
  info: number[][];
}

export interface CoxPass {
  loglik: number;
  u: number[];
  info: number[][];
  times: EventTimeTerms[];
}

function addOuter(target: number[][], v: readonly number[], w: number): void {
  for (let a = 0; a < v.length; a++) for (let b = 0; b < v.length; b++) target[a]![b]! += w * v[a]! * v[b]!;
}

function zerosSq(p: number): number[][] {
  return Array.from({ length: p }, () => new Array<number>(p).fill(0));
}

/** Efron terms at one event time from the risk-set sums (s0, s1, s2) and the deaths' sums (d0, d1, d2). */
function efronAt(
  p: number,
  deaths: number,
  sums: { s0: number; s1: number[]; s2: number[][] },
  dsum: { d0: number; d1: number[]; d2: number[][] },
  xDeathSum: number[],
) {
  const u = [...xDeathSum];
  const info = zerosSq(p);
  let logDen = 0;
  for (let r = 0; r < deaths; r++) {
    const f = r / deaths;
    const s0 = sums.s0 - f * dsum.d0;
    logDen += Math.log(s0);
    const mean = sums.s1.map((v, a) => (v - f * dsum.d1[a]!) / s0);
    for (let a = 0; a < p; a++) {
      u[a]! -= mean[a]!;
      for (let b = 0; b < p; b++) info[a]![b]! += (sums.s2[a]![b]! - f * dsum.d2[a]![b]!) / s0 - mean[a]! * mean[b]!;
    }
  }
  return { u, info, logDen };
}

/** Log partial likelihood, score and information at beta, walking the sorted data from the last time back. */
export function coxPass(data: CoxData, beta: readonly number[], keepTimes = false): CoxPass {
  const n = data.time.length;
  const p = beta.length;
  const sums = { s0: 0, s1: new Array<number>(p).fill(0), s2: zerosSq(p) };
  const total = { loglik: 0, u: new Array<number>(p).fill(0), info: zerosSq(p) };
  const times: EventTimeTerms[] = [];
  let i = n - 1;
  while (i >= 0) {
    const t = data.time[i]!;
    const dsum = { d0: 0, d1: new Array<number>(p).fill(0), d2: zerosSq(p) };
    const xDeathSum = new Array<number>(p).fill(0);
    let deaths = 0;
    let etaDeaths = 0;
    for (; i >= 0 && data.time[i] === t; i--) {
      const x = data.x[i]!;
      const eta = x.reduce((s, v, a) => s + v * beta[a]!, 0);
      const w = Math.exp(eta);
      sums.s0 += w;
      x.forEach((v, a) => (sums.s1[a]! += w * v));
      addOuter(sums.s2, x, w);
      if (data.event[i] === 1) {
        deaths++;
        etaDeaths += eta;
        dsum.d0 += w;
        x.forEach((v, a) => {
          dsum.d1[a]! += w * v;
          xDeathSum[a]! += v;
        });
        addOuter(dsum.d2, x, w);
      }
    }
    if (deaths === 0) continue;
    const at = efronAt(p, deaths, sums, dsum, xDeathSum);
    total.loglik += etaDeaths - at.logDen;
    for (let a = 0; a < p; a++) {
      total.u[a]! += at.u[a]!;
      for (let b = 0; b < p; b++) total.info[a]![b]! += at.info[a]![b]!;
    }
    if (keepTimes) times.push({ time: t, deaths, u: at.u, info: at.info });
  }
  times.reverse();
  return { ...total, times };
}
