import { describe, expect, it } from 'vitest';
import { HOLD_REASONS, type HoldReasonCode, type SlotStatus } from '../../schemas/index.js';
import { HOLD_REASON_GROUP, reasonGroupOf, swimmerSpec, type SwimmerSlot } from '../../charts/index.js';
import { checkChart } from './harness.js';

type Given = [SlotStatus, ...HoldReasonCode[]];
const G: Given = ['given'];
const NR: Given = ['not_reached'];

/** Slots of one cycle from a compact list: status, then reason codes. */
function cycle(centre: string, key: string, cycleNo: string, slots: Given[]): SwimmerSlot[] {
  return slots.map(([status, ...codes], i) => ({
    centre_id: centre,
    patient_key: key,
    cycle_id: `${key}-c${cycleNo}`,
    slot_number: i + 1,
    status,
    hold_reason_codes: codes,
  }));
}

/** Two centres, three patients, four cycles: every status and every reason group appears. */
export const SWIMMER_INPUT: SwimmerSlot[] = [
  ...cycle('southport', '9b1c44d0e2f3a4b5', '1.1', [G, G, G, G, G, G, G, G, G, G, G, G, G, G]),
  ...cycle('northbay', 'f3a9c2e1b4d5a6c7', '1.1', [G, G, ['held', 'hypotension'], ['skipped', 'line_issue'], ['held', 'tachycardia', 'oliguria'], G, ['held', 'cycle_limit'], NR, NR, NR, NR, NR, NR, NR]),
  ...cycle('northbay', 'f3a9c2e1b4d5a6c7', '1.2', [G, G, G, ['held', 'hypoxia'], G, ['held', 'neurologic'], G, ['held', 'creatinine'], G, ['not_recorded'], ['held', 'thrombocytopenia'], NR, NR, NR]),
  ...cycle('northbay', '0a1b2c3d4e5f6071', '1.1', [G, G, G, G, G, G, G, G, ['skipped', 'patient_refusal'], G, G, G, ['held', 'clinical_other'], G, G]),
];

checkChart('swimmer', (slots: SwimmerSlot[]) => swimmerSpec(slots), SWIMMER_INPUT);
checkChart('swimmer-empty', (slots: SwimmerSlot[]) => swimmerSpec(slots, { title: 'No slots' }), []);

describe('swimmerSpec', () => {
  const rows = (slots: readonly SwimmerSlot[]) => (swimmerSpec(slots).data as { values: Record<string, unknown>[] }).values;

  it('draws one lane per patient and cycle, sorted by centre, patient, cycle and labelled with the centre when several', () => {
    const lanes = [...new Set(rows(SWIMMER_INPUT).map((r) => r.lane))];
    expect(lanes).toEqual(['northbay · 0a1b2c c1.1', 'northbay · f3a9c2 c1.1', 'northbay · f3a9c2 c1.2', 'southport · 9b1c44 c1.1']);
  });

  it('leaves the centre out of lane labels when there is one centre', () => {
    const one = SWIMMER_INPUT.filter((s) => s.centre_id === 'southport');
    expect(rows(one)[0]).toEqual({ lane: '9b1c44 c1.1', slot: 1, status: 'Given', reason: 'No reason', reasons: '' });
  });

  it('shapes a slot by the group of its first listed reason', () => {
    expect(reasonGroupOf([])).toBe('none');
    expect(reasonGroupOf(['tachycardia', 'oliguria'])).toBe('cardiovascular');
    expect(reasonGroupOf(['oliguria', 'tachycardia'])).toBe('renal_fluid');
  });

  it('has a shape group for every hold reason code', () => {
    expect(Object.keys(HOLD_REASON_GROUP).sort()).toEqual(Object.keys(HOLD_REASONS).sort());
  });
});
