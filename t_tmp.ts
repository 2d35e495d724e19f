import { buildStore, cycle, slots, obs, CYCLE } from './test/rules/store-fixture.js';
import { computeSlotFeatures } from './rules/features.js';
const S = '2024-03-04T08:00:00Z';
const conn = await buildStore({
  cycle: [cycle(S)],
  dose_slot: slots(S, ['given', 'given', 'held', 'given', 'given', 'given']),
  observation: [
    obs('heart_rate', '2024-03-04T07:30:00Z', 110, '/min'),
    obs('heart_rate', '2024-03-04T11:00:00Z', 95, '/min'),
    obs('urine_output', '2024-03-04T08:00:00Z', 400, 'mL', 8),
    obs('urine_output', '2024-03-04T16:00:00Z', 120, 'mL', 8),
    obs('urine_output', '2024-03-05T00:00:00Z', 70, 'mL', 8),
    obs('urine_output', '2024-03-05T08:00:00Z', 60, 'mL', 8),
    obs('creatinine', '2024-03-04T06:00:00Z', 1.2, 'mg/dL'),
    obs('creatinine', '2024-03-05T06:00:00Z', 2.6, 'mg/dL'),
    obs('weight', '2024-03-04T06:00:00Z', 80, 'kg'),
    obs('weight', '2024-03-05T06:00:00Z', 93, 'kg'),
    obs('diarrhoea_volume', '2024-03-04T16:00:00Z', 1200, 'mL', 8),
    obs('diarrhoea_volume', '2024-03-05T00:00:00Z', 1100, 'mL', 8),
    obs('diarrhoea_volume', '2024-03-05T08:00:00Z', 300, 'mL', 8),
  ],
  infusion: [
    { cycle_id: CYCLE, agent: 'phenylephrine', start_at: '2024-03-04T10:00:00Z', end_at: '2024-03-04T14:00:00Z', rate: 1.2, rate_unit: 'ug/kg/min' },
    { cycle_id: CYCLE, agent: 'phenylephrine', start_at: '2024-03-04T14:00:00Z', end_at: '2024-03-04T17:00:00Z', rate: 0.6, rate_unit: 'ug/kg/min' },
  ],
  clinical_event: [{ cycle_id: CYCLE, event_type: 'atrial_fibrillation', onset_at: '2024-03-05T07:00:00Z', resolved_at: '2024-03-05T09:00:00Z' }],
});
console.log(await computeSlotFeatures(conn));
const r = await conn.runAndReadAll('SELECT slot_number, heart_rate_at_dose hr, phenylephrine_at_dose pa, phenylephrine_max_interval pm, pressor_any_interval pany, urine_output_shift uo, urine_output_per_kg_shift uokg, urine_output_rate_min ur, oliguria_hours ol, diarrhoea_shift d, diarrhoea_shifts_over_1000 dc, creatinine cr, creatinine_rising crr, weight_gain_pct wg, atrial_fibrillation af, svt, held_doses_in_cycle held, platelets_min plt FROM slot_features');
console.table(r.getRowObjectsJS());
