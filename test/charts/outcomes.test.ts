import { describe, expect, it } from 'vitest';
import { analyseOutcomes, cycleEndCounts, cycleEndReasons } from '../../analytics/index.js';
import { cycleEndSpec, durableCrSpec, reversibilitySpec, safetySpec, survivalCurvesSpec } from '../../charts/index.js';
import { syntheticInputs } from '../analytics/outcomes/rows.js';
import { checkChart } from './harness.js';

const inputs = syntheticInputs(20);
const o = analyseOutcomes(inputs);
const stops = {
  consensus_2014_t3: [
    { ruleset_id: 'consensus_2014_t3', cycle_id: 'north0-c1.1', slot_number: 3, reason: 'criterion: Cardiovascular', rule_id: 'x', status: 'verified' },
  ],
};

checkChart('outcomes-os-by-centre', (c: typeof o.curves) => survivalCurvesSpec(c, 'os', 'centre'), o.curves);
checkChart('outcomes-landmark', (c: typeof o.curves) => survivalCurvesSpec(c, 'landmark_os', 'responder'), o.curves);
checkChart('outcomes-reversibility', reversibilitySpec, o.reversibility);
checkChart('outcomes-safety', safetySpec, o.safety);
checkChart('outcomes-durable-cr', durableCrSpec, o.durableCr);
checkChart('outcomes-cycle-ends', cycleEndSpec, cycleEndCounts(cycleEndReasons(inputs.cycles, stops)));

describe('outcome charts', () => {
  it('an endpoint with no patients says so instead of drawing an empty frame silently', () => {
    const spec = survivalCurvesSpec([], 'dor', 'centre') as { title: { subtitle: string[] } };
    expect(spec.title.subtitle).toEqual(['no patients with this endpoint']);
  });
  it('durable CR is drawn per disease (RCC and melanoma apart, as §4.2 reports them), never both pooled', () => {
    const spec = durableCrSpec(o.durableCr) as { data: { values: { disease: string }[] } };
    expect([...new Set(spec.data.values.map((v) => v.disease))].sort()).toEqual(['Melanoma', 'Renal cell carcinoma']);
  });
  it('the safety chart keeps regimens in separate panels and leaves the pooled row out', () => {
    const spec = safetySpec(o.safety) as { data: { values: { regimen: string }[] } };
    expect([...new Set(spec.data.values.map((v) => v.regimen))].sort()).toEqual(['600k/14', '720k/15']);
  });
});
