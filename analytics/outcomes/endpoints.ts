// Subjects of each survival endpoint from the per-patient outcomes (one subject per patient).
import type { PatientOutcome } from './patient-outcomes.js';
import { DAY_MS, MONTH_DAYS } from './types.js';
import type { EndpointSubject } from './survival-summary.js';

const groupsOf = (r: PatientOutcome): Record<string, string> => ({
  centre: r.centre_id,
  disease: r.disease,
  regimen: r.regimen,
  best_response: r.best_response,
});

/** OS from the first dose: every patient. */
export function osSubjects(rows: readonly PatientOutcome[]): EndpointSubject[] {
  return rows.map((r) => ({ time: r.os_months, event: r.os_event, groups: groupsOf(r) }));
}

/** PFS from the first dose: every patient. */
export function pfsSubjects(rows: readonly PatientOutcome[]): EndpointSubject[] {
  return rows.map((r) => ({ time: r.pfs_months, event: r.pfs_event, groups: groupsOf(r) }));
}

/** Duration of response: responders (best CR or PR) only. */
export function dorSubjects(rows: readonly PatientOutcome[]): EndpointSubject[] {
  return rows.flatMap((r) => (r.dor_months === null || r.dor_event === null ? [] : [{ time: r.dor_months, event: r.dor_event, groups: groupsOf(r) }]));
}

/**
 * Landmark OS: patients alive at their first response assessment, followed from it, grouped by whether that
 * assessment was CR/PR. Responder status is fixed at time zero, so responders get no credit for the time they had to
 * survive to be assessed (guarantee-time bias).
 */
export function landmarkSubjects(rows: readonly PatientOutcome[]): EndpointSubject[] {
  return rows.flatMap((r) => {
    if (r.first_assessment_at === null || r.responder_at_first_assessment === null) return [];
    const landmark = (r.first_assessment_at - r.first_dose_at) / DAY_MS / MONTH_DAYS;
    if (r.os_months < landmark || (r.os_months === landmark && r.os_event === 1)) return [];
    const responder = r.responder_at_first_assessment ? 'responder (CR/PR)' : 'non-responder';
    return [{ time: r.os_months - landmark, event: r.os_event, groups: { ...groupsOf(r), responder } }];
  });
}
