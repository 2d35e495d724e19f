// Messages of the response analyses: one catalogue, each naming the culprit and what to do.
export const LANDMARK_NOTE =
  'Landmark analysis: every signal is measured only in the course before its response assessment (from the first scheduled dose of the course ' +
    'to the end of the assessment day). ' +
  'Doses received partly reflect tolerance — patients who tolerate IL-2 stay on it longer — so these associations are not causal ' +
    '(guarantee-time bias), and ' +
    'odds ratios describe who responded, not what would happen if more were given.';

export const responseMessages = {
  noAssessments: (course: number) => `no response assessment for course ${course}; ingest the response table (il2kit ingest) or choose another course`,
  missingAssessment: (n: number, course: number) =>
    `${n} patient(s) had course ${course} but no response assessment; they are left out of the rate of the assessed ` +
    'and counted as not evaluable in the rate of all treated',
  noPatientRow: (n: number) => `${n} assessment(s) have no patient row (disease, ECOG); they are left out`,
  noCourseCycles: (n: number) => `${n} assessment(s) have no cycles in their course; they are left out`,
  unknownDoseAmount: (courses: number, doses: number) =>
    `${courses} assessed course(s) include ${doses} given dose(s) with no recorded amount (dose_iu empty): their cumulative dose is not known, ` +
    'so they are left out of the cumulative-dose odds ratio (counted in its n_missing)',
  notEvaluable: (n: number, rule: string) => `${n} assessment(s) are NE (not evaluable); counted ${rule}`,
  noVariation: (signal: string, value: number) => `${signal}: no variation (every measured course has ${value}), so no odds ratio can be estimated`,
  tooFew: (signal: string, n: number) => `${signal}: only ${n} course(s) with a measured value; at least 2 are needed`,
  noOutcomeVariation: (what: string, events: number, n: number) =>
    `${what}: ${events === 0 ? 'no responders' : 'every patient responded'} among ${n}, so no odds ratio can be estimated`,
  fitFailed: (what: string, why: string) => `${what}: model not fitted: ${why}`,
  centreExcluded: (centre: string, why: string) => `centre ${centre} left out of pooling: ${why}`,
  noCentresPooled: (signal: string) => `${signal}: no centre had enough variation to estimate its own odds ratio, so nothing was pooled`,
  funnelNoSpread: (rate: number) => `response funnel not drawn: the pooled response rate is ${rate}, so there are no limits to draw`,
  labParamsDiffer: (had: object, asked: object) =>
    `the course lab summary was computed with ${JSON.stringify(had)} but the analysis asks for ${JSON.stringify(asked)}; ` +
    'load the inputs again with loadResponseInputs(conn, { labParams }) using the same window options',
  jointDropped: (signals: string[]) => `left out of the joint model (no variation or too few measured): ${signals.join(', ')}`,
} as const;
