// Harbour: a FHIR R4 bulk-data export, one NDJSON file per resource type (Patient, Encounter,
// Medication, MedicationAdministration, Observation, Condition). Aldesleukin administrations name their drug by
// medicationReference: the pharmacy's Medication record of the admission, exported (most cycles) or contained (`#id`). Vitals and labs use the LOINC codes of
// OBSERVATION_VARIABLES with UCUM units; held doses are MedicationAdministration status "not-done" with a
// statusReason. Times are ISO 8601 with the America/Los_Angeles offset. Vitals q4h (BP panel, HR,
// temperature, SpO2, O2 flow when on oxygen), urine per 8-h shift, daily weight, and the monitoring lab panel.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { OBSERVATION_VARIABLES } from '../../schemas/vocabularies.js';
import { Rng } from '../prng.js';
import { HOUR_MS, formatDate, isoLocal } from '../time.js';
import type { LabCode, SimCycle, SimPatient } from '../types.js';
import { EVENT_TEXT, reasonTextEn, tshDraws, urineBlocks, vitalSamples, type CentreWriter, type WriterContext } from './common.js';
import { FileSink } from './sink.js';
import type { Imperfector } from './table.js';

export const FHIR_RESOURCE_TYPES = ['Patient', 'Encounter', 'Medication', 'MedicationAdministration', 'Observation', 'Condition'] as const;
const UCUM = 'http://unitsofmeasure.org';
const LOINC = 'http://loinc.org';
const OBS_CAT = 'http://terminology.hl7.org/CodeSystem/observation-category';
const LOCAL_CS = 'https://harbour.example.org/fhir/CodeSystem/il2-registry';
const EXT = 'https://harbour.example.org/fhir/StructureDefinition';
const MRN_SYSTEM = 'https://harbour.example.org/fhir/sid/mrn';
type Json = Record<string, unknown>;
type ObsVar = keyof typeof OBSERVATION_VARIABLES;

const LAB_VAR: Record<LabCode, ObsVar> = {
  creatinine: 'creatinine',
  bun: 'bun',
  potassium: 'potassium',
  bicarbonate: 'bicarbonate',
  bilirubin: 'bilirubin',
  ast: 'ast',
  alt: 'alt',
  platelets: 'platelets',
  lymphocytes: 'lymphocytes',
  eosinophils: 'eosinophils',
  granulocytes: 'granulocytes',
  haemoglobin: 'haemoglobin',
  troponin: 'troponin',
  tsh: 'tsh',
};
/** The centre's research feed carries the IL-2 monitoring panel only (no AST/ALT, neutrophils or haemoglobin). */
const FHIR_LABS = new Set<LabCode>([
  'creatinine',
  'bun',
  'potassium',
  'bicarbonate',
  'bilirubin',
  'platelets',
  'lymphocytes',
  'eosinophils',
  'troponin',
  'tsh',
]);
const DECIMALS: Partial<Record<ObsVar, number>> = { temperature: 1, creatinine: 2, potassium: 1, bilirubin: 1, haemoglobin: 1, troponin: 2, tsh: 3, weight: 1 };

/** What the writing steps share: the centre, its imperfections, local time, deterministic ids and the emitter. */
interface FhirOut {
  ctx: WriterContext;
  imp: Imperfector;
  id: string;
  tz: string;
  sinks: Record<(typeof FHIR_RESOURCE_TYPES)[number], FileSink>;
  when: (ms: number) => string;
  uuid: (key: string) => string;
  emit: (type: (typeof FHIR_RESOURCE_TYPES)[number], resource: Json, patient: string, allowDuplicate?: boolean) => number;
}

export function fhirWriter(ctx: WriterContext, imp: Imperfector): CentreWriter & { files: string[] } {
  const id = ctx.profile.id;
  const tz = ctx.profile.timeZone;
  const sinks = Object.fromEntries(FHIR_RESOURCE_TYPES.map((t) => [t, new FileSink(join(ctx.dir, `${t}.ndjson`))])) as Record<
    (typeof FHIR_RESOURCE_TYPES)[number],
    FileSink
  >;
  const when = (ms: number): string => isoLocal(tz, ms);
  const uuid = (key: string): string => {
    const h = createHash('sha256').update(`${ctx.seed}/${id}/${key}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  const emit = (type: (typeof FHIR_RESOURCE_TYPES)[number], resource: Json, patient: string, allowDuplicate = true): number => {
    const sink = sinks[type];
    const line = sink.rows + 1;
    sink.line(JSON.stringify(resource));
    sink.rows++;
    if (allowDuplicate && imp.duplicate()) {
      // an interface re-send: same content, new resource id
      const copy = { ...resource, id: uuid(`dup/${String(resource.id)}`) };
      sink.line(JSON.stringify(copy));
      sink.rows++;
      imp.log.add({
        file: `${type}.ndjson`,
        dataRow: line + 1,
        column: '',
        kind: 'duplicate_row',
        original: `copy of line ${line} (id ${String(resource.id)})`,
        exported: String(copy.id),
        patient,
      });
    }
    return line;
  };

  const o: FhirOut = { ctx, imp, id, tz, sinks, when, uuid, emit };
  return {
    files: FHIR_RESOURCE_TYPES.map((t) => `${t}.ndjson`),
    writePatient(pt: SimPatient): void {
      writeFhirPatient(o, pt);
    },
    async close(): Promise<void> {
      for (const s of Object.values(sinks)) s.close();
    },
  };
}

function writeFhirPatient(o: FhirOut, pt: SimPatient): void {
  const { ctx, id, when, uuid, emit } = o;
  const mrn = pt.localId;
  const pid = uuid(`patient/${mrn}`);
  const rng = new Rng(`${ctx.seed}/${id}/${pt.index}/export`);
  emit(
    'Patient',
    {
      resourceType: 'Patient',
      id: pid,
      identifier: [
        {
          use: 'usual',
          type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
          system: MRN_SYSTEM,
          value: mrn,
        },
      ],
      name: [{ use: 'official', family: pt.familyName, given: [pt.givenName] }],
      gender: pt.sex,
      birthDate: formatDate(pt.birthDate.year, pt.birthDate.month, pt.birthDate.day, 'YYYY-MM-DD'),
      ...(pt.followUp.deathAt === null ? {} : { deceasedDateTime: when(pt.followUp.deathAt) }),
    },
    mrn,
    false,
  );
  const firstAt = pt.courses[0]?.cycles[0]?.admitAt ?? 0;
  emit(
    'Condition',
    {
      resourceType: 'Condition',
      id: uuid(`dx/${mrn}`),
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] }],
      code:
        pt.disease === 'rcc'
          ? {
              coding: [
                {
                  system: 'http://hl7.org/fhir/sid/icd-10-cm',
                  code: 'C64.9',
                  display: 'Malignant neoplasm of unspecified kidney, except renal pelvis',
                },
              ],
              text: 'Metastatic renal cell carcinoma',
            }
          : {
              coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'C43.9', display: 'Malignant melanoma of skin, unspecified' }],
              text: 'Metastatic melanoma',
            },
      subject: { reference: `Patient/${pid}` },
      recordedDate: when(firstAt),
    },
    mrn,
    false,
  );
  // Baseline registry items as Observations with local codes (no claim of a standard code).
  const baselineItems: [string, string, Json][] = [
    ['ecog', 'ECOG performance status', { valueInteger: pt.ecog }],
    ['risk-group', 'Risk group', { valueCodeableConcept: { coding: [{ system: LOCAL_CS, code: pt.riskGroup }], text: pt.riskGroup } }],
    ['prior-systemic-lines', 'Prior systemic therapy lines', { valueInteger: pt.priorSystemicTherapies }],
    ['prior-immunotherapy', 'Prior immunotherapy', { valueBoolean: pt.priorImmunotherapy }],
    ['treated-brain-metastases', 'Treated brain metastases', { valueBoolean: pt.treatedBrainMetastases }],
    ...(pt.priorNephrectomy === null ? [] : [['prior-nephrectomy', 'Prior nephrectomy', { valueBoolean: pt.priorNephrectomy }] as [string, string, Json]]),
  ];
  for (const [code, label, value] of baselineItems) {
    emit(
      'Observation',
      {
        resourceType: 'Observation',
        id: uuid(`base/${mrn}/${code}`),
        status: 'final',
        category: [{ coding: [{ system: OBS_CAT, code: 'survey' }] }],
        code: { coding: [{ system: LOCAL_CS, code, display: label }], text: label },
        subject: { reference: `Patient/${pid}` },
        effectiveDateTime: when(firstAt),
        ...value,
      },
      mrn,
      false,
    );
  }
  const fu = pt.followUp;
  for (const course of pt.courses) {
    for (const cy of course.cycles) writeCycle(o, cy, pid, mrn, rng);
    for (const e of course.lateEvents) condition(o, pid, mrn, null, e.type, e.onsetAt, null, `late/${mrn}/${course.courseNumber}/${e.type}`);
    // The registry records each course's best response; a patient who died before the scan has none.
    if (course.response.assessedAt > fu.lastContactAt) continue;
    emit(
      'Observation',
      {
        resourceType: 'Observation',
        id: uuid(`resp/${mrn}/${course.courseNumber}`),
        status: 'final',
        category: [{ coding: [{ system: OBS_CAT, code: 'imaging' }] }],
        code: {
          coding: [{ system: LOCAL_CS, code: 'best-overall-response', display: 'Best overall response after IL-2 course' }],
          text: 'Best overall response',
        },
        subject: { reference: `Patient/${pid}` },
        effectiveDateTime: when(course.response.assessedAt),
        method: { text: 'irRC' },
        valueCodeableConcept: { coding: [{ system: LOCAL_CS, code: course.response.category }], text: course.response.category },
        extension: [{ url: `${EXT}/il2-course`, valueInteger: course.courseNumber }],
      },
      mrn,
      false,
    );
  }
  for (const t of tshDraws(pt, ctx.seed)) observation(o, pid, mrn, null, 'tsh', 'laboratory', t.value, t.at, `tsh/${mrn}/${t.at}`);
  followUpObservations(o, pid, mrn, fu);
}

function observation(
  o: FhirOut,
  patientId: string,
  mrn: string,
  encounterId: string | null,
  v: ObsVar,
  category: 'vital-signs' | 'laboratory',
  value: number,
  at: number,
  key: string,
  extra: Json = {},
): void {
  const { imp, id, when, uuid, emit, sinks } = o;
  const def = OBSERVATION_VARIABLES[v];
  const file = 'Observation.ndjson';
  const line = sinks.Observation.rows + 1;
  const text = imp.category(file, line, 'code.text', mrn, def.label);
  let shown = round(value, DECIMALS[v] ?? 0);
  const s = imp.typo(file, line, 'valueQuantity.value', mrn, imp.missing(file, line, 'valueQuantity.value', mrn, String(shown)));
  const res: Json = {
    resourceType: 'Observation',
    id: uuid(key),
    status: 'final',
    category: [{ coding: [{ system: OBS_CAT, code: category }] }],
    code: { coding: [{ system: LOINC, code: def.loinc }], text },
    subject: { reference: `Patient/${patientId}` },
    ...(encounterId === null ? {} : { encounter: { reference: `Encounter/${encounterId}` } }),
    ...(def.kind === 'interval' ? {} : { effectiveDateTime: when(at) }),
    ...extra,
  };
  if (s === '')
    res.dataAbsentReason = {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'unknown', display: 'Unknown' }],
    };
  else {
    shown = Number(s);
    res.valueQuantity = { value: shown, unit: def.unit, system: UCUM, code: def.unit };
  }
  if (category === 'laboratory' && v === 'creatinine' && s !== '' && imp.correction()) {
    const wrong = round(value * 1.8, 2);
    res.status = 'corrected';
    res.meta = { versionId: '2', lastUpdated: when(at + 30 * HOUR_MS) };
    res.note = [{ text: `Corrected result. Previously reported as ${wrong} mg/dL.` }];
    imp.log.add({
      file,
      dataRow: line,
      column: 'status',
      kind: 'late_correction',
      original: String(shown),
      exported: `corrected (was ${wrong})`,
      patient: mrn,
    });
  }
  emit('Observation', res, mrn);
}

/** Vital status at the last contact (LOINC 75186-7), the first progression (local code) and the cause of death (LOINC 79378-6). */
function followUpObservations(o: FhirOut, pid: string, mrn: string, fu: SimPatient['followUp']): void {
  const { id, when, uuid, emit } = o;
  const obs = (key: string, coding: Json, at: number, value: Json): void => {
    emit(
      'Observation',
      {
        resourceType: 'Observation',
        id: uuid(`${key}/${mrn}`),
        status: 'final',
        code: { coding: [coding] },
        subject: { reference: `Patient/${pid}` },
        effectiveDateTime: when(at),
        ...value,
      },
      mrn,
      false,
    );
  };
  const alive = fu.deathAt === null ? 'alive' : 'dead';
  obs('vital-status', { system: 'http://loinc.org', code: '75186-7', display: 'Vital status' }, fu.lastContactAt, {
    valueCodeableConcept: { coding: [{ system: LOCAL_CS, code: alive }], text: alive },
  });
  if (fu.progressionAt !== null)
    obs('progression', { system: LOCAL_CS, code: 'disease-progression', display: 'First documented disease progression' }, fu.progressionAt, {
      valueBoolean: true,
    });
  if (fu.deathAt !== null && fu.deathCause !== null) {
    obs('death-cause', { system: 'http://loinc.org', code: '79378-6', display: 'Cause of death' }, fu.deathAt, {
      valueCodeableConcept: { coding: [{ system: LOCAL_CS, code: fu.deathCause }], text: fu.deathCause },
    });
  }
}

function condition(o: FhirOut, pid: string, mrn: string, encounterId: string | null, type: string, onset: number, abated: number | null, key: string): void {
  const { id, when, uuid, emit } = o;
  emit(
    'Condition',
    {
      resourceType: 'Condition',
      id: uuid(key),
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: abated === null ? 'active' : 'resolved' }] },
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
      code: { coding: [{ system: LOCAL_CS, code: type, display: EVENT_TEXT[type] ?? type }], text: EVENT_TEXT[type] ?? type },
      subject: { reference: `Patient/${pid}` },
      ...(encounterId === null ? {} : { encounter: { reference: `Encounter/${encounterId}` } }),
      onsetDateTime: when(onset),
      ...(abated === null ? {} : { abatementDateTime: when(abated) }),
    },
    mrn,
    false,
  );
}

/**
 * The admission's aldesleukin as a FHIR Medication: its ATC code and the reconstituted strength
 * 18 MIU/mL (il2-domain.md §1.1 unit notes [V]).
 */
function aldesleukin(id: string): Json {
  return {
    resourceType: 'Medication',
    id,
    code: { coding: [{ system: 'http://www.whocc.no/atc', code: 'L03AC01', display: 'aldesleukin' }], text: 'Aldesleukin (Proleukin)' },
    form: { text: 'powder for solution for injection' },
    ingredient: [
      {
        itemCodeableConcept: { text: 'aldesleukin' },
        strength: { numerator: { value: 18_000_000, unit: 'IU', system: UCUM, code: '[iU]' }, denominator: { value: 1, unit: 'mL', system: UCUM, code: 'mL' } },
      },
    ],
  };
}

/**
 * How the cycle's administrations name their drug: about one cycle in eight carries it contained (`#il2`), the others
 * reference the Medication exported for the admission. Decided by the id's hash, not the RNG, so nothing else changes.
 */
function drugOf(o: FhirOut, key: string, mrn: string): { contained?: Json[]; medicationReference: { reference: string } } {
  const mid = o.uuid(`med/${key}`);
  if (/^[01]/.test(mid)) return { contained: [aldesleukin('il2')], medicationReference: { reference: '#il2' } };
  o.emit('Medication', aldesleukin(mid), mrn, false);
  return { medicationReference: { reference: `Medication/${mid}` } };
}

function writeCycle(o: FhirOut, cy: SimCycle, pid: string, mrn: string, rng: Rng): void {
  const { imp, id, when, uuid, emit, sinks } = o;
  const key = `${mrn}/c${cy.courseNumber}.${cy.cycleNumber}`;
  const eid = uuid(`enc/${key}`);
  const drug = drugOf(o, key, mrn);
  emit(
    'Encounter',
    {
      resourceType: 'Encounter',
      id: eid,
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP', display: 'inpatient encounter' },
      subject: { reference: `Patient/${pid}` },
      period: { start: when(cy.admitAt), end: when(cy.dischargeAt) },
      reasonCode: [{ text: `High-dose IL-2, course ${cy.courseNumber} cycle ${cy.cycleNumber}` }],
    },
    mrn,
    false,
  );
  const courseExt = [
    { url: `${EXT}/il2-course`, valueInteger: cy.courseNumber },
    { url: `${EXT}/il2-cycle`, valueInteger: cy.cycleNumber },
  ];
  for (const s of cy.slots) {
    if (s.status === 'not_reached') continue;
    const line = sinks.MedicationAdministration.rows + 1;
    const res: Json = {
      resourceType: 'MedicationAdministration',
      id: uuid(`mar/${key}/${s.slotNumber}`),
      extension: [
        ...courseExt,
        { url: `${EXT}/il2-dose-number`, valueInteger: s.slotNumber },
        { url: `${EXT}/scheduled-time`, valueDateTime: when(s.scheduledAt) },
      ],
      status: s.status === 'given' ? 'completed' : 'not-done',
      ...(drug.contained ? { contained: drug.contained } : {}),
      medicationReference: drug.medicationReference,
      subject: { reference: `Patient/${pid}` },
      context: { reference: `Encounter/${eid}` },
      effectiveDateTime: when(s.givenAt ?? s.scheduledAt),
    };
    if (s.status === 'given') {
      res.dosage = { route: { text: 'IV over 15 minutes' }, dose: { value: s.doseIu, unit: 'IU', system: UCUM, code: '[iU]' } };
    } else {
      const text = imp.category('MedicationAdministration.ndjson', line, 'statusReason.text', mrn, reasonTextEn(s, rng));
      res.statusReason = [{ text }];
    }
    emit('MedicationAdministration', res, mrn);
  }
  cy.pressors.forEach((seg, i) => {
    emit(
      'MedicationAdministration',
      {
        resourceType: 'MedicationAdministration',
        id: uuid(`pe/${key}/${i}`),
        status: 'completed',
        medicationCodeableConcept: {
          coding: [{ system: 'http://www.whocc.no/atc', code: 'C01CA06', display: 'phenylephrine' }],
          text: 'Phenylephrine infusion',
        },
        subject: { reference: `Patient/${pid}` },
        context: { reference: `Encounter/${eid}` },
        effectivePeriod: { start: when(seg.startAt), end: when(seg.endAt) },
        dosage: {
          route: { text: 'IV continuous infusion' },
          rateQuantity: { value: seg.rate, unit: 'mcg/kg/min', system: UCUM, code: 'ug/kg/min' },
        },
      },
      mrn,
    );
  });
  cy.boluses.forEach((b, i) => {
    emit(
      'MedicationAdministration',
      {
        resourceType: 'MedicationAdministration',
        id: uuid(`bolus/${key}/${i}`),
        status: 'completed',
        medicationCodeableConcept: { text: 'Sodium chloride 0.9% bolus' },
        subject: { reference: `Patient/${pid}` },
        context: { reference: `Encounter/${eid}` },
        effectivePeriod: { start: when(b.at), end: when(b.at + 30 * 60_000) },
        dosage: { route: { text: 'IV' }, dose: { value: b.volumeMl, unit: 'mL', system: UCUM, code: 'mL' } },
      },
      mrn,
    );
  });
  for (const v of vitalSamples(cy, 4)) {
    const k = `${key}/${v.h}`;
    emitBp(o, pid, mrn, eid, v.sbp, v.dbp, v.at, `bp/${k}`);
    observation(o, pid, mrn, eid, 'heart_rate', 'vital-signs', v.hr, v.at, `hr/${k}`);
    observation(o, pid, mrn, eid, 'temperature', 'vital-signs', v.temp, v.at, `temp/${k}`);
    observation(o, pid, mrn, eid, 'spo2', 'vital-signs', v.spo2, v.at, `spo2/${k}`);
    if (v.o2 > 0) observation(o, pid, mrn, eid, 'o2_flow', 'vital-signs', v.o2, v.at, `o2/${k}`);
    if (v.fio2 >= 40) observation(o, pid, mrn, eid, 'fio2', 'vital-signs', v.fio2, v.at, `fio2/${k}`);
  }
  for (const w of cy.weights) observation(o, pid, mrn, eid, 'weight', 'vital-signs', w.kg, w.at, `wt/${key}/${w.at}`);
  const firstSlotHour = cy.slots[0]?.hour ?? 0;
  for (const u of urineBlocks(cy, 8, firstSlotHour % 8)) {
    observation(o, pid, mrn, eid, 'urine_output', 'vital-signs', u.ml, u.at, `uo/${key}/${u.at}`, {
      effectivePeriod: { start: when(u.at - u.hours * HOUR_MS), end: when(u.at) },
    });
  }
  for (const st of cy.stools)
    observation(o, pid, mrn, eid, 'diarrhoea_volume', 'vital-signs', st.volumeMl, st.at, `stool/${key}/${st.at}`, {
      effectivePeriod: { start: when(st.at - 8 * HOUR_MS), end: when(st.at) },
    });
  for (const l of cy.labs) {
    for (const [code, value] of Object.entries(l.values) as [LabCode, number][])
      if (FHIR_LABS.has(code))
        observation(o, pid, mrn, l.kind === 'follow_up' ? null : eid, LAB_VAR[code], 'laboratory', value, l.at, `lab/${key}/${l.at}/${code}`);
  }
  for (const e of cy.events) condition(o, pid, mrn, eid, e.type, e.onsetAt, e.resolvedAt, `ev/${key}/${e.type}/${e.onsetAt}`);
}

function emitBp(o: FhirOut, pid: string, mrn: string, eid: string, sbp: number, dbp: number, at: number, key: string): void {
  const { imp, id, when, uuid, emit, sinks } = o;
  const file = 'Observation.ndjson';
  const line = sinks.Observation.rows + 1;
  const s = imp.typo(file, line, 'component[0].valueQuantity.value', mrn, imp.missing(file, line, 'component[0].valueQuantity.value', mrn, String(sbp)));
  const comp = (code: string, display: string, value: string): Json =>
    value === ''
      ? {
          code: { coding: [{ system: LOINC, code, display }] },
          dataAbsentReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'unknown' }] },
        }
      : {
          code: { coding: [{ system: LOINC, code, display }] },
          valueQuantity: { value: Number(value), unit: 'mmHg', system: UCUM, code: 'mm[Hg]' },
        };
  emit(
    'Observation',
    {
      resourceType: 'Observation',
      id: uuid(key),
      status: 'final',
      category: [{ coding: [{ system: OBS_CAT, code: 'vital-signs' }] }],
      code: {
        coding: [{ system: LOINC, code: '85354-9', display: 'Blood pressure panel with all children optional' }],
        text: 'Blood pressure',
      },
      subject: { reference: `Patient/${pid}` },
      encounter: { reference: `Encounter/${eid}` },
      effectiveDateTime: when(at),
      component: [
        comp(OBSERVATION_VARIABLES.sbp.loinc, 'Systolic blood pressure', s),
        comp(OBSERVATION_VARIABLES.dbp.loinc, 'Diastolic blood pressure', String(dbp)),
      ],
    },
    mrn,
  );
}

function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
