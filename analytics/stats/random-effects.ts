// What metafor::rma(method = "DL") adds to the DerSimonian-Laird estimate: the prediction interval (predict.rma) and
// the Hartung-Knapp(-Sidik-Jonkman) adjustment (test = "knha", without the ad hoc truncation).
import { normalQuantile, studentTCdf, studentTQuantile } from './distributions.js';
import { derSimonianLaird, type DerSimonianLairdResult, type MetaInput } from './meta-analysis.js';

export interface RandomEffectsResult extends DerSimonianLairdResult {
  /** 'z' (normal, metafor's default) or 'knha' (Hartung-Knapp: scaled SE, t with k − 1 df). */
  test: 'z' | 'knha';
  /** Prediction interval for the effect in a new centre: estimate ∓ crit · sqrt(tau2 + SE²); null when k < 2 under knha. */
  pi_lower: number | null;
  pi_upper: number | null;
}

/**
 * DerSimonian-Laird pooling with a prediction interval, optionally with the Hartung-Knapp adjustment.
 * @example randomEffects({ yi: [0.1, 0.4, 0.3], vi: [0.04, 0.09, 0.05] }, { hartungKnapp: true })
 */
export function randomEffects(input: MetaInput, options: { level?: number; hartungKnapp?: boolean } = {}): RandomEffectsResult {
  const level = options.level ?? 0.95;
  const dl = derSimonianLaird(input, { level });
  if (!options.hartungKnapp) {
    const z = normalQuantile(1 - (1 - level) / 2);
    const half = z * Math.sqrt(dl.tau2 + dl.stdErr ** 2);
    return { ...dl, test: 'z', pi_lower: dl.estimate - half, pi_upper: dl.estimate + half };
  }
  const k = dl.k;
  if (k < 2) return { ...dl, test: 'knha', pi_lower: null, pi_upper: null };
  const w = input.vi.map((v) => 1 / (v + dl.tau2));
  const sw = w.reduce((a, b) => a + b, 0);
  const q = input.yi.reduce((s, y, i) => s + w[i]! * (y - dl.estimate) ** 2, 0) / (k - 1);
  const stdErr = Math.sqrt(q / sw);
  const t = studentTQuantile(1 - (1 - level) / 2, k - 1);
  const stat = dl.estimate / stdErr;
  const p = 2 * (1 - studentTCdf(Math.abs(stat), k - 1));
  const half = t * Math.sqrt(dl.tau2 + stdErr ** 2);
  return {
    ...dl,
    test: 'knha',
    stdErr,
    lower: dl.estimate - t * stdErr,
    upper: dl.estimate + t * stdErr,
    z: stat,
    pValue: p,
    pi_lower: dl.estimate - half,
    pi_upper: dl.estimate + half,
  };
}

