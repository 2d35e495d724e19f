import type { z } from 'zod';
import { Centre } from './centre.js';
import { ClinicalEvent } from './clinical-event.js';
import { Cycle } from './cycle.js';
import { DoseSlot } from './dose-slot.js';
import { Infusion } from './infusion.js';
import { Observation } from './observation.js';
import { Patient } from './patient.js';
import { Response } from './response.js';
import { ResponseAssessment } from './response-assessment.js';
import { FollowUp } from './follow-up.js';

export interface TableDef {
  schema: z.ZodType;
  grain: string;
  /** Columns that identify a row (used for duplicate checks and re-ingest). */
  key: readonly string[];
}

/** The common schema: every table, its grain and its key. */
export const TABLES = {
  centre: { schema: Centre, grain: 'one row per centre', key: ['centre_id'] },
  patient: { schema: Patient, grain: 'one row per patient', key: ['centre_id', 'patient_key'] },
  cycle: { schema: Cycle, grain: 'one row per cycle', key: ['cycle_id'] },
  dose_slot: { schema: DoseSlot, grain: 'one row per scheduled q8h dose opportunity', key: ['cycle_id', 'slot_number'] },
  observation: { schema: Observation, grain: 'one row per measured value', key: ['patient_key', 'variable', 'observed_at', 'reading_number'] },
  infusion: { schema: Infusion, grain: 'one row per infusion segment or bolus', key: ['patient_key', 'agent', 'start_at'] },
  clinical_event: { schema: ClinicalEvent, grain: 'one row per clinical event', key: ['patient_key', 'event_type', 'onset_at'] },
  response: { schema: Response, grain: 'one row per course (its best overall response)', key: ['patient_key', 'course_number'] },
  response_assessment: { schema: ResponseAssessment, grain: 'one row per dated tumour assessment', key: ['patient_key', 'course_number', 'assessed_at'] },
  follow_up: { schema: FollowUp, grain: 'one row per patient (progression, death or last contact)', key: ['centre_id', 'patient_key'] },
} as const satisfies Record<string, TableDef>;
export type TableName = keyof typeof TABLES;
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

export function isTableName(name: string): name is TableName {
  return Object.prototype.hasOwnProperty.call(TABLES, name);
}

/** Record type of each table. */
export interface TableRecords {
  centre: Centre;
  patient: Patient;
  cycle: Cycle;
  dose_slot: DoseSlot;
  observation: Observation;
  infusion: Infusion;
  clinical_event: ClinicalEvent;
  response: Response;
  response_assessment: ResponseAssessment;
  follow_up: FollowUp;
}
