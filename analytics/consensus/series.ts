// Which observation variables each consensus figure reads, and how finely each is binned over time.
import type { ConsensusSeries, CourseVariable } from './types.js';

/** Variables of the five figures (il2-domain.md §3.0), in the order they are drawn. */
export const FIGURE_VARIABLES = {
  fig1: ['sbp', 'dbp', 'heart_rate'],
  fig2: ['sbp', 'dbp', 'heart_rate'],
  fig3: ['bun', 'creatinine', 'potassium', 'bicarbonate'],
  fig4: ['weight'],
  fig5: ['lymphocytes', 'eosinophils', 'platelets', 'granulocytes', 'haemoglobin'],
} as const satisfies Record<string, readonly CourseVariable[]>;

export const COURSE_VARIABLES: readonly CourseVariable[] = [...new Set(Object.values(FIGURE_VARIABLES).flat())];

/** Bin width and the end of the window drawn, in hours since the first scheduled dose, per series. */
export const SERIES_BINS = {
  sbp: { width: 4, until: 168 },
  dbp: { width: 4, until: 168 },
  heart_rate: { width: 4, until: 168 },
  bun: { width: 24, until: 336 },
  creatinine: { width: 24, until: 336 },
  potassium: { width: 24, until: 336 },
  bicarbonate: { width: 24, until: 336 },
  weight: { width: 24, until: 336 },
  weight_gain_pct: { width: 24, until: 336 },
  lymphocytes: { width: 24, until: 672 },
  eosinophils: { width: 24, until: 672 },
  platelets: { width: 24, until: 672 },
  granulocytes: { width: 24, until: 672 },
  haemoglobin: { width: 24, until: 672 },
  bolus_ml: { width: 4, until: 168 },
  maintenance_rate: { width: 4, until: 168 },
  pressor_rate: { width: 4, until: 168 },
  pressor_share: { width: 4, until: 168 },
} as const satisfies Record<ConsensusSeries, { width: number; until: number }>;

/** Observations are taken from this many hours before the first scheduled dose (baselines, day −1 labs). */
export const LOOKBACK_HOURS = 24;

/** Bins backed by fewer cycles than this are not drawn (too noisy, and too close to one patient's values). */
export const MIN_CYCLES_PER_BIN = 3;
