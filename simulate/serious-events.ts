// Rare serious events (coma, dialysis, seizure, myocardial infarction) at their cited per-patient rates (parameters.ts SERIOUS_EVENTS), drawn
// once per patient from a stream of their own, so adding them moves no other draw of the simulation.
import type { PlannedSeriousEvent } from './cycle.js';
import { SERIOUS_EVENTS, SERIOUS_EVENT_TYPES } from './parameters.js';
import { Rng } from './prng.js';

/** The patient's rare serious events, all in course 1, cycle 1 (the timing is an assumption, parameters.ts). */
export function drawSeriousEvents(stream: string): PlannedSeriousEvent[] {
  const rng = new Rng(`${stream}/serious`);
  const out: PlannedSeriousEvent[] = [];
  for (const type of SERIOUS_EVENT_TYPES) {
    const def = SERIOUS_EVENTS[type];
    // Every number is drawn whether or not the event happens: each event's draws sit at fixed positions.
    const happens = rng.next() < def.perPatient;
    const afterDose = rng.int(SERIOUS_EVENTS.afterDose[0], SERIOUS_EVENTS.afterDose[1]);
    const durationH = Math.max('minDurationH' in def ? def.minDurationH : 1, Math.round(rng.lognormal(def.durationMedianH, def.durationSdLog)));
    if (happens) out.push({ type, afterDose, durationH, limitH: def.limitH });
  }
  return out;
}
