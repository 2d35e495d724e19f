// The five fictional centres: practice profile (ruleset, regimen, clinician variation) and export format.
// Names, places and identifiers are invented. Rulesets are data in rules/centres/<id>.yaml (the simulator's own copy: centre-rulesets.ts).
import type { DosingWeightBasis } from '../schemas/vocabularies.js';

export type ExportFormat = 'flowsheet_csv' | 'ehr_long' | 'xlsx_workbook' | 'european_csv' | 'fhir_ndjson';

export interface PracticeProfile {
  id: string;
  name: string;
  country: string;
  timeZone: string;
  format: ExportFormat;
  /** Regimen (il2-domain.md §1.1 [V]): 600,000 or 720,000 IU/kg; 14 or 15 doses per cycle. */
  doseIuPerKg: 600_000 | 720_000;
  maxDosesPerCycle: 14 | 15;
  dosingWeightBasis: DosingWeightBasis;
  /** For basis 'capped': the cap in kg (§1.3: some centres cap in obesity [UNVERIFIED]). */
  dosingWeightCapKg: number | null;
  /** rules/centres/<rulesetId>.yaml */
  rulesetId: string;
  /** Local clock hours of the three daily slots (S24 example 00/08/16 [V §1.1]). */
  slotHoursLocal: readonly [number, number, number];
  /** Clinician variation [ASSUMPTION; the profile's own knobs]: */
  clinician: {
    /** Per slot with no criterion met: probability of holding anyway, at C=3, scaled by C/3. */
    holdWithoutCriterionRate: number;
    /** Per slot where only hold-level (relative) criteria are met: probability of dosing through. */
    doseThroughRate: number;
    /** Per slot: probability the clinician ends the cycle without a criterion, at C=3, scaled by (C/3)². */
    clinicianStopRate: number;
    /** Per cycle: probability the patient asks to stop (at a random slot after slot 6). */
    patientStopRate: number;
    /** Per slot: a non-clinical skip (line, pharmacy, refusal). */
    skipRate: number;
  };
  /** Share of RCC among patients [ASSUMPTION]. */
  rccShare: number;
  /** Exaggerates or softens course 2 uptake by centre policy (multiplies RESPONSE_MODEL.course2Probability) [ASSUMPTION]. */
  course2Uptake: number;
  /** Force patient 0's first cycle to straddle a daylight-saving change (European export needs one). */
  forceDstCrossing: boolean;
  /** Response criteria the centre reports (il2-domain.md §4.1). */
  responseCriteria: 'RECIST1.1' | 'WHO' | 'investigator' | 'irRC';
  description: string;
}

export const PROFILES = {
  riverside: {
    id: 'riverside',
    name: 'Riverside University Cancer Center',
    country: 'US',
    timeZone: 'America/New_York',
    format: 'flowsheet_csv',
    doseIuPerKg: 600_000,
    maxDosesPerCycle: 14,
    dosingWeightBasis: 'actual_admission',
    dosingWeightCapKg: null,
    rulesetId: 'riverside',
    slotHoursLocal: [0, 8, 16],
    clinician: { holdWithoutCriterionRate: 0.03, doseThroughRate: 0.25, clinicianStopRate: 0.01, patientStopRate: 0.02, skipRate: 0.01 },
    rccShare: 0.5,
    course2Uptake: 1,
    forceDstCrossing: false,
    responseCriteria: 'RECIST1.1',
    description:
      'Academic centre following the 2014 consensus Table 3 as printed (HR relative 100–130); doses through relative criteria fairly often; per-dose ' +
      'flowsheet CSV.',
  },
  lakeshore: {
    id: 'lakeshore',
    name: 'Lakeshore Community Hospital',
    country: 'US',
    timeZone: 'America/Chicago',
    format: 'ehr_long',
    doseIuPerKg: 600_000,
    maxDosesPerCycle: 14,
    dosingWeightBasis: 'actual_admission',
    dosingWeightCapKg: null,
    rulesetId: 'lakeshore',
    slotHoursLocal: [6, 14, 22],
    clinician: { holdWithoutCriterionRate: 0.02, doseThroughRate: 0.1, clinicianStopRate: 0.01, patientStopRate: 0.02, skipRate: 0.015 },
    rccShare: 0.55,
    course2Uptake: 0.9,
    forceDstCrossing: false,
    responseCriteria: 'RECIST1.1',
    description:
      'Community hospital with the S5 institutional table (HR relative 120–130; pressors → stop; ≥3 relative criteria or 3 held doses → stop); strict; ' +
      'long EHR extracts.',
  },
  summit: {
    id: 'summit',
    name: 'Summit Cytokine Program',
    country: 'US',
    timeZone: 'America/Denver',
    format: 'xlsx_workbook',
    doseIuPerKg: 720_000,
    maxDosesPerCycle: 15,
    dosingWeightBasis: 'capped',
    dosingWeightCapKg: 110,
    rulesetId: 'summit',
    slotHoursLocal: [2, 10, 18],
    clinician: { holdWithoutCriterionRate: 0.1, doseThroughRate: 0.05, clinicianStopRate: 0.012, patientStopRate: 0.02, skipRate: 0.01 },
    rccShare: 0.45,
    course2Uptake: 1,
    forceDstCrossing: false,
    responseCriteria: 'WHO',
    description:
      'NCI-style 720,000 IU/kg, 15 doses, with the current label’s withhold/discontinue rows (SBP <90, SpO2 <90, creatinine >4.5…) and more bedside ' +
      'judgement; Excel workbook.',
  },
  amstel: {
    id: 'amstel',
    name: 'Amstel Medisch Centrum (fictional)',
    country: 'NL',
    timeZone: 'Europe/Amsterdam',
    format: 'european_csv',
    doseIuPerKg: 600_000,
    maxDosesPerCycle: 14,
    dosingWeightBasis: 'actual_admission',
    dosingWeightCapKg: null,
    rulesetId: 'amstel',
    slotHoursLocal: [6, 14, 22],
    clinician: { holdWithoutCriterionRate: 0.03, doseThroughRate: 0.1, clinicianStopRate: 0.015, patientStopRate: 0.02, skipRate: 0.01 },
    rccShare: 0.4,
    course2Uptake: 0.9,
    forceDstCrossing: true,
    responseCriteria: 'RECIST1.1',
    description:
      'European centre on the 2014 consensus table with a local HR relative cut-off of 120 (as S5) and S5’s stop after 3 relative criteria; semicolon ' +
      'CSV, decimal commas, Latin-1, SI units.',
  },
  harbour: {
    id: 'harbour',
    name: 'Harbour Cellular Therapy Institute',
    country: 'US',
    timeZone: 'America/Los_Angeles',
    format: 'fhir_ndjson',
    doseIuPerKg: 720_000,
    maxDosesPerCycle: 15,
    dosingWeightBasis: 'actual_admission',
    dosingWeightCapKg: null,
    rulesetId: 'harbour',
    slotHoursLocal: [0, 8, 16],
    clinician: { holdWithoutCriterionRate: 0.04, doseThroughRate: 0.1, clinicianStopRate: 0.015, patientStopRate: 0.02, skipRate: 0.01 },
    rccShare: 0.35,
    course2Uptake: 1,
    forceDstCrossing: false,
    responseCriteria: 'irRC',
    description:
      'TIL-programme rules (S23: phenylephrine ≤0.5 to dose, UO <4 mL/kg/8 h, creatinine 2.5–2.9) plus label cardiac/respiratory/neurologic rows; ' +
      '720,000 IU/kg, 15 doses; FHIR R4 bulk export.',
  },
} as const satisfies Record<string, PracticeProfile>;

export type CentreId = keyof typeof PROFILES;
export const CENTRE_IDS = Object.keys(PROFILES) as CentreId[];

export function isCentreId(id: string): id is CentreId {
  return Object.hasOwn(PROFILES, id);
}
