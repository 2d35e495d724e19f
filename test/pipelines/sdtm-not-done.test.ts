// SDTM's own way of recording a measurement not made (--STAT = NOT DONE, --REASND the reason) mapped to a recorded
// absence (observation.value_absent_reason not-performed), as a FHIR dataAbsentReason is: the row is stored with no
// value, not quarantined as a missing value. The sdtm fixture's VS domain with two NOT DONE rows added.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCentre } from '../../pipelines/ingest.js';
import { queryStore } from '../helpers/store.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'il2kit-sdtm-notdone-'));
  cpSync(join(import.meta.dirname, '..', 'fixtures', 'ingest', 'sdtm'), join(root, 'sdtm'), { recursive: true });
  const vs = readFileSync(join(root, 'sdtm', 'VS.csv'), 'utf8').trimEnd().split('\n');
  const rows = [
    `${vs[0]},VSSTAT,VSREASND`,
    ...vs.slice(1).map((l) => `${l},,`),
    'IL2REG,VS,IL2REG-07-0001,5,SYSBP,,,2023-10-02T15:45,NOT DONE,patient asleep',
    'IL2REG,VS,IL2REG-07-0002,2,HR,,,2023-10-09T11:40,NOT DONE,',
  ];
  writeFileSync(join(root, 'sdtm', 'VS.csv'), rows.join('\n') + '\n');
  const spec = readFileSync(join(root, 'sdtm', 'spec.yaml'), 'utf8');
  const vsMap = '          value: { from: VSORRES, unit_from: VSORRESU }\n  - id: lb';
  if (!spec.includes(vsMap)) throw new Error('the sdtm fixture changed: update this test');
  writeFileSync(
    join(root, 'sdtm', 'spec.yaml'),
    spec
      .replace('ignore_columns: [STUDYID, DOMAIN, VSSEQ]', 'ignore_columns: [STUDYID, DOMAIN, VSSEQ, VSREASND]')
      .replace(vsMap, "          value: { from: VSORRES, unit_from: VSORRESU }\n          value_absent_reason: { from: VSSTAT, codes: { exact: { 'NOT DONE': not-performed } } }\n  - id: lb"),
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('SDTM --STAT NOT DONE', () => {
  for (const [name, columnar] of [['columnar', true], ['row path', false]] as const) {
    it(`${name}: is stored as an absence (not-performed) with no value, and read by no analysis`, async () => {
      const storeDir = join(root, `store-${name.replace(/\W/g, '')}`);
      await ingestCentre(join(root, 'sdtm', 'spec.yaml'), { storeDir, env: {}, columnar });
      const absent = await queryStore(
        storeDir,
        `SELECT variable, value, value_absent_reason AS why, source_pointer FROM observation_all WHERE value IS NULL ORDER BY variable`,
      );
      expect(absent.map((r) => [r.variable, r.value, r.why])).toEqual([
        ['heart_rate', null, 'not-performed'],
        ['sbp', null, 'not-performed'],
      ]);
      const q = await queryStore(storeDir, `SELECT count(*)::INTEGER AS n FROM quarantine WHERE table_name = 'observation' AND field = 'value'`);
      expect(q[0]!.n).toBe(0);
      const view = await queryStore(storeDir, `SELECT count(*)::INTEGER AS n FROM observation WHERE value IS NULL`);
      expect(view[0]!.n).toBe(0);
    });
  }
});
