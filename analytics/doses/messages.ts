// Messages of the dose analyses: one catalogue, each naming the culprit and what to do.
export const doseMessages = {
  noCycles: (fn: string) => `${fn}: there are no cycles to analyse; ingest a centre first (il2kit ingest) or check the centre filter`,
  maxBelowCap: (n: number) =>
    `${n} cycle(s) are recorded as max_reached but gave fewer doses than their planned maximum; they are counted as ended for 'other' reasons — check the ` +
      `cycle end_reason mapping`,
  aboveCap: (n: number) =>
    `${n} cycle(s) gave more doses than their planned maximum; they count as having reached it — check planned_max_doses in the mapping spec`,
  logRankSingleCentre: (centre: string) => `log-rank test not done: only one centre (${centre}) has cycles; it compares centres`,
  logRankAllMax: 'log-rank test not done: every cycle reached its maximum, so no cycle stopped early and there is nothing to compare',
  logRankUndefined: (why: string) => `log-rank test not done: ${why}`,
  funnelNoSpread: (share: number) =>
    `funnel not drawn: the pooled share is ${share} (${share === 0 ? 'no cycle' : 'every cycle'} reached the threshold), so every centre sits on the target ` +
      `and there are no limits to draw`,
  missingCaseMix: (n: number) => `${n} cycle(s) have no patient row (disease, ECOG, age); they are left out of the case-mix adjusted funnel`,
  singleCentre: (centre: string) => `only one centre (${centre}): the funnel compares a centre with itself, so every limit holds trivially`,
  unknownDoseAmounts: (centre: string, doses: number, courses: number, patients: number) =>
    `${centre}: ${doses} given dose(s) in ${courses} course(s) of ${patients} patient(s) have no recorded amount (dose_iu empty, and the spec does not ` +
    'set slots.derive_dose_iu): their cumulative MIU/kg is left empty (—) in course_doses and patient_cumulative, and the MIU/kg distribution ' +
    'counts only the other courses',
  pairedNone: 'no course has both a cycle 1 and a cycle 2, so cycle 1 and cycle 2 cannot be paired',
} as const;
