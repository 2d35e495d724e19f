// Shared input types. Data come as column arrays, one value per subject, in
// the same order in every column.

/** Right-censored survival data. */
export interface SurvivalData {
  /** Follow-up time, >= 0, in any unit; results use the same unit. */
  time: readonly number[];
  /**
   * 0 = censored. For Kaplan-Meier and the log-rank test 1 = event; for
   * competing risks 1..K name the cause of the event.
   */
  event: readonly number[];
  /** Optional group label per subject (centre, arm, sex...). */
  group?: readonly (string | number)[];
}
