import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type {
  ClinicalEvent, Cycle, DoseSlot, HoldReasonCode, Infusion, Observation, ObservationVariableCode, Patient, Provenance, Response, Rule, Ruleset,
  RunManifest, SlotStatus, TableRecords,
} from '../../schemas/index.js';
import { DoseSlot as DoseSlotSchema } from '../../schemas/index.js';

describe('inferred types are what the code relies on', () => {
  it('dose slot status and reasons are closed unions, times are strings, IU nullable', () => {
    expectTypeOf<DoseSlot['status']>().toEqualTypeOf<SlotStatus>();
    expectTypeOf<SlotStatus>().toEqualTypeOf<'given' | 'held' | 'skipped' | 'not_reached' | 'not_recorded'>();
    expectTypeOf<DoseSlot['hold_reason_codes']>().toEqualTypeOf<HoldReasonCode[]>();
    expectTypeOf<DoseSlot['scheduled_at']>().toEqualTypeOf<string>();
    expectTypeOf<DoseSlot['dose_iu']>().toEqualTypeOf<number | null>();
    expectTypeOf<z.input<typeof DoseSlotSchema>['slot_number']>().toEqualTypeOf<number>();
  });
  it('every stored record carries provenance', () => {
    expectTypeOf<Patient>().toExtend<Provenance>();
    expectTypeOf<Cycle>().toExtend<Provenance>();
    expectTypeOf<DoseSlot>().toExtend<Provenance>();
    expectTypeOf<Observation>().toExtend<Provenance>();
    expectTypeOf<Infusion>().toExtend<Provenance>();
    expectTypeOf<ClinicalEvent>().toExtend<Provenance>();
    expectTypeOf<Response>().toExtend<Provenance>();
  });
  it('patients carry a pseudonymous key and no direct identifier fields', () => {
    expectTypeOf<Patient['patient_key']>().toEqualTypeOf<string>();
    expectTypeOf<Patient>().not.toHaveProperty('mrn');
    expectTypeOf<Patient>().not.toHaveProperty('name');
    expectTypeOf<Patient>().not.toHaveProperty('date_of_birth');
    expectTypeOf<Patient['disease']>().toEqualTypeOf<'rcc' | 'melanoma'>();
  });
  it('observation variable is a closed union; value a number, or null for a recorded absence', () => {
    expectTypeOf<Observation['variable']>().toEqualTypeOf<ObservationVariableCode>();
    expectTypeOf<'creatinine'>().toExtend<ObservationVariableCode>();
    expectTypeOf<Observation['value']>().toEqualTypeOf<number | null>();
  });
  it('rules carry action, source and verification status; defaults are filled on output', () => {
    expectTypeOf<Rule['action']>().toEqualTypeOf<'hold' | 'stop_cycle' | 'stop_course' | 'discontinue' | 'notify'>();
    expectTypeOf<Rule['status']>().toEqualTypeOf<'verified' | 'inferred' | 'unverified'>();
    expectTypeOf<Rule['window_hours']>().toEqualTypeOf<number>();
    expectTypeOf<Ruleset['policies']['stop_after_held_doses']>().toEqualTypeOf<number | null>();
  });
  it('table records map and manifest counts', () => {
    expectTypeOf<TableRecords['dose_slot']>().toEqualTypeOf<DoseSlot>();
    expectTypeOf<RunManifest['tables'][string]>().toEqualTypeOf<{ read: number; derived: number; merged: number; stored: number; quarantined: number }>();
  });
});
