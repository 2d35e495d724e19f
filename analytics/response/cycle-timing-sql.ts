// One row per cycle: scheduled start, first and last given dose, doses and IU/kg given over the doses whose amount is
// recorded, and the given doses of unknown amount (times as epoch ms).
export const CYCLE_TIMING_SQL = (where: string) => `
SELECT c.centre_id, c.patient_key, c.cycle_id, c.course_number, c.cycle_number, epoch_ms(c.start_at) AS start_at,
       epoch_ms(min(s.given_at) FILTER (WHERE s.status = 'given')) AS first_dose_at,
       epoch_ms(max(s.given_at) FILTER (WHERE s.status = 'given')) AS last_dose_at,
       count(s.slot_number) FILTER (WHERE s.status = 'given') AS doses_given,
       coalesce(sum(s.dose_iu) FILTER (WHERE s.status = 'given'), 0) / c.dosing_weight_kg AS iu_per_kg_given,
       count(s.slot_number) FILTER (WHERE s.status = 'given' AND s.dose_iu IS NULL) AS doses_unknown_iu
FROM cycle c LEFT JOIN dose_slot s ON s.cycle_id = c.cycle_id
WHERE ${where}
GROUP BY c.centre_id, c.patient_key, c.cycle_id, c.course_number, c.cycle_number, c.start_at, c.dosing_weight_kg
ORDER BY c.centre_id, c.patient_key, c.course_number, c.cycle_number`;
