// The slot decisions are written while the rulesets are evaluated (issue 25): into a staging folder, published only
// when every write has finished, so a failed run leaves the previous decisions in place.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SlotDecisionWriter, writeSlotDecisions } from '../../cli/commands/slot-decisions-output.js';
import { SlotDecisionThread } from '../../cli/commands/slot-decisions-thread.js';
import { slotDecisionColumns, type RulesetPass, type SlotDecisionColumns } from '../../analytics/practice/index.js';
import type { SlotFeatureFrame } from '../../rules/features.js';
import { createDuckDB } from '../../pipelines/store/engine.js';

const work = mkdtempSync(join(tmpdir(), 'il2kit-slot-writer-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Two centres, 3 slots each; every slot compared.
const frame = {
  n: 6, centre_id: ['a', 'a', 'a', 'b', 'b', 'b'], patient_key: ['p1', 'p1', 'p2', 'p3', 'p3', 'p3'], cycle_id: ['c1', 'c1', 'c2', 'c3', 'c3', 'c3'],
  status: ['given', 'held', 'given', 'given', 'given', 'held'], slot_number: Int16Array.from([1, 2, 1, 1, 2, 3]),
} as unknown as SlotFeatureFrame;

function pass(id: string, decisions: number[]): SlotDecisionColumns {
  return {
    ruleset_id: id, ruleset_status: 'verified', n: 6, slot: Int32Array.from([0, 1, 2, 3, 4, 5]), decision: Uint8Array.from(decisions),
    cls: Uint8Array.from([3, 0, 3, 3, 3, 2]), fired: Uint16Array.from([0, 1, 0, 0, 0, 0]), cannot: Uint16Array.from([0, 0, 0, 0, 0, 0]),
    firedSets: [{ rules: '', status: '' }, { rules: 'hr_high', status: 'verified' }], cannotSets: [''],
  };
}

async function rows(dir: string): Promise<unknown[][]> {
  const db = await createDuckDB(':memory:');
  try {
    const glob = join(dir, 'slot_decisions', '*', '*', 'data.parquet').replace(/'/g, "''");
    const r = await db.conn.runAndReadAll(`SELECT ruleset_id, centre_id, patient_key, cycle_id, slot_number, recorded, decision, class, fired_rules
      FROM read_parquet('${glob}', hive_partitioning = false) ORDER BY ruleset_id, centre_id, slot_number, patient_key`);
    return r.getRows().map((row) => row.map(String));
  } finally {
    db.close();
  }
}

describe('SlotDecisionWriter', () => {
  it('writes one file per centre × ruleset, every slot in frame order, and leaves no staging folder', async () => {
    const out = join(work, 'ok');
    const n = await writeSlotDecisions(out, frame, [pass('r1', [0, 1, 0, 0, 0, 1]), pass('r2', [1, 1, 0, 0, 2, 1])]);
    expect(n).toBe(12);
    expect(readdirSync(out)).toEqual(['slot_decisions']);
    expect(readdirSync(join(out, 'slot_decisions')).sort()).toEqual(['centre_id=a', 'centre_id=b']);
    const got = await rows(out);
    expect(got).toHaveLength(12);
    expect(got[0]).toEqual(['r1', 'a', 'p1', 'c1', '1', 'given', 'give', 'neither', '']);
    expect(got[2]).toEqual(['r1', 'a', 'p1', 'c1', '2', 'held', 'hold', 'met_and_held', 'hr_high']);
    expect(got.filter((r) => r[0] === 'r2' && r[1] === 'b').map((r) => r[6])).toEqual(['give', 'stop_cycle', 'hold']);
  });

  it('a ruleset comparing other slots is written beside its own slots, not positionally against another ruleset’s', async () => {
    const out = join(work, 'other-slots');
    const fewer: SlotDecisionColumns = {
      ruleset_id: 'r2', ruleset_status: 'verified', n: 4, slot: Int32Array.from([0, 2, 3, 5]), decision: Uint8Array.from([0, 1, 0, 1]),
      cls: Uint8Array.from([3, 3, 3, 0]), fired: Uint16Array.from([0, 0, 0, 1]), cannot: Uint16Array.from([0, 0, 0, 0]),
      firedSets: [{ rules: '', status: '' }, { rules: 'hr_high', status: 'verified' }], cannotSets: [''],
    };
    expect(await writeSlotDecisions(out, frame, [pass('r1', [0, 1, 0, 0, 0, 1]), fewer])).toBe(10);
    const got = await rows(out);
    expect(got.filter((r) => r[0] === 'r1')).toHaveLength(6);
    expect(got.filter((r) => r[0] === 'r2')).toEqual([
      ['r2', 'a', 'p1', 'c1', '1', 'given', 'give', 'neither', ''],
      ['r2', 'a', 'p2', 'c2', '1', 'given', 'hold', 'neither', ''],
      ['r2', 'b', 'p3', 'c3', '1', 'given', 'give', 'neither', ''],
      ['r2', 'b', 'p3', 'c3', '3', 'held', 'hold', 'met_and_held', 'hr_high'],
    ]);
  });

  it('text columns read back as VARCHAR (written from ENUMs), a quote in a rule id kept as it is', async () => {
    const out = join(work, 'types');
    const quoted = { ...pass("r'1", [0, 1, 0, 0, 0, 1]), firedSets: [{ rules: '', status: '' }, { rules: "o'brien", status: 'verified' }] };
    await writeSlotDecisions(out, frame, [quoted]);
    const db = await createDuckDB(':memory:');
    try {
      const file = join(out, 'slot_decisions', 'centre_id=a', `ruleset_id=r'1`, 'data.parquet').replace(/'/g, "''");
      const types = (await db.conn.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${file}'))`)).getRows();
      expect(Object.fromEntries(types.map(([c, t]) => [String(c), String(t)]))).toEqual({
        ruleset_id: 'VARCHAR', ruleset_status: 'VARCHAR', centre_id: 'VARCHAR', patient_key: 'VARCHAR', cycle_id: 'VARCHAR',
        slot_number: 'INTEGER', recorded: 'VARCHAR', decision: 'VARCHAR', class: 'VARCHAR', fired_rules: 'VARCHAR', fired_status: 'VARCHAR',
        cannot_evaluate: 'VARCHAR',
      });
      const fired = (await db.conn.runAndReadAll(`SELECT ruleset_id, fired_rules FROM read_parquet('${file}') WHERE fired_rules <> ''`)).getRows();
      expect(fired.map((r) => r.map(String))).toEqual([["r'1", "o'brien"]]);
    } finally {
      db.close();
    }
  });

  it('a run discarded after a failure leaves the previous slot decisions as they were', async () => {
    const out = join(work, 'failed');
    await writeSlotDecisions(out, frame, [pass('old', [0, 0, 0, 0, 0, 0])]);
    const writer = await SlotDecisionWriter.open(out, frame, 2);
    writer.add(pass('new', [1, 1, 1, 1, 1, 1]));
    await writer.discard();
    expect(readdirSync(out)).toEqual(['slot_decisions']);
    expect(new Set((await rows(out)).map((r) => r[0]))).toEqual(new Set(['old']));
  });

  it('publish replaces the old folder only after every write, and runs beforeMove first', async () => {
    const out = join(work, 'replace');
    mkdirSync(join(out, 'slot_decisions', 'centre_id=gone'), { recursive: true });
    writeFileSync(join(out, 'stale.csv'), 'x');
    const writer = await SlotDecisionWriter.open(out, frame, 1);
    writer.add(pass('r1', [0, 0, 0, 0, 0, 0]));
    expect(() => writer.add(pass('r2', [0, 0, 0, 0, 0, 0]))).toThrow(/more rulesets than the 1/);
    await writer.publish(() => rmSync(join(out, 'stale.csv')));
    expect(existsSync(join(out, 'stale.csv'))).toBe(false);
    expect(readdirSync(join(out, 'slot_decisions')).sort()).toEqual(['centre_id=a', 'centre_id=b']);
  });
});

// The writer on a thread of its own (slot-decisions-thread.ts), as `il2kit holds` runs it: the same files as in process,
// a failed add reported by publish (nothing moved into place), and a discard that leaves the old decisions.
describe('SlotDecisionThread', () => {
  const hashes = (dir: string): Record<string, string> => {
    const root = join(dir, 'slot_decisions');
    const out: Record<string, string> = {};
    for (const f of readdirSync(root, { recursive: true }).map(String).sort())
      if (f.endsWith('.parquet')) out[f] = createHash('sha256').update(readFileSync(join(root, f))).digest('hex');
    return out;
  };

  it('writes the files the in-process writer writes, byte for byte', async () => {
    const passes = [pass('r1', [0, 1, 0, 0, 0, 1]), pass('r2', [1, 1, 0, 0, 2, 1])];
    const a = join(work, 'thread-same-a');
    const b = join(work, 'thread-same-b');
    await writeSlotDecisions(a, frame, passes);
    const t = SlotDecisionThread.open(b, frame, 2);
    for (const p of passes) t.add(p);
    expect(await t.publish()).toBe(12);
    expect(Object.keys(hashes(b))).toHaveLength(4);
    expect(hashes(b)).toEqual(hashes(a));
  }, 120_000);

  it('addPass makes the columns on the thread: the files of add(slotDecisionColumns(frame, pass)), byte for byte', async () => {
    const rules = [{ id: 'hr_high', status: 'verified' }, { id: 'sbp_low', status: 'inferred' }, { id: 'urine', status: 'unverified' }];
    // 'Cannot evaluate' at slot 0 (urine) and slot 2 (sbp_low, urine): as compressed rows and as the engine's verdicts.
    const cannot = { offsets: Uint32Array.from([0, 1, 1, 3, 3, 3, 3]), rule: Uint16Array.from([2, 1, 2]) };
    const verdicts = [new Int8Array(6), Int8Array.from([0, 0, -1, 0, 0, 0]), Int8Array.from([-1, 0, -1, 0, 0, 0])];
    const missing = (decision: Uint8Array) => ({ ruleOfKey: Uint16Array.from([0, 1, 2]), verdicts, extraSlot: new Int32Array(0), extraKey: new Uint16Array(0), decision });
    const evPass = (id: string, decision: number[]) =>
      ({
        ruleset: { id, status: 'verified', rules },
        ev: {
          rules, decision: Uint8Array.from(decision), missing: missing(Uint8Array.from(decision)),
          fired: {
            offsets: Uint32Array.from([0, 0, 2, 2, 3, 3, 5]), rule: Uint16Array.from([0, 1, 2, 0, 2]), value: new Float64Array(5), persisting: new Uint8Array(5),
          },
          cannot,
        },
        classes: { cls: Uint8Array.from([4, 0, 4, 1, 5, 0]) },
      }) as unknown as RulesetPass;
    const passes = [evPass('r1', [0, 1, 0, 1, 4, 2]), evPass('r2', [0, 2, 0, 1, 4, 1]), evPass('r3', [1, 2, 0, 0, 4, 1])];
    const withColumns = { ...passes[2]!, columns: slotDecisionColumns(frame, passes[2]!) };
    const a = join(work, 'thread-pass-a');
    const b = join(work, 'thread-pass-b');
    await writeSlotDecisions(a, frame, passes.map((p) => slotDecisionColumns(frame, p)));
    const t = SlotDecisionThread.open(b, frame, 3);
    t.addPass(frame.n, passes[0]!);
    t.addPass(frame.n, passes[1]!);
    t.addPass(frame.n, withColumns);
    // The passes' own arrays were moved to the thread.
    expect(passes[0]!.ev.decision.length).toBe(0);
    expect(await t.publish()).toBe(15);
    expect(Object.keys(hashes(b))).toHaveLength(6);
    expect(hashes(b)).toEqual(hashes(a));
  }, 120_000);

  it('a failed add rejects publish, moves nothing and runs no beforeMove; discard keeps the old decisions', async () => {
    const out = join(work, 'thread-failed');
    await writeSlotDecisions(out, frame, [pass('old', [0, 0, 0, 0, 0, 0])]);
    const t = SlotDecisionThread.open(out, frame, 1);
    t.add(pass('r1', [0, 0, 0, 0, 0, 0]));
    t.add(pass('r2', [0, 0, 0, 0, 0, 0]));
    let moved = false;
    await expect(t.publish(() => { moved = true; })).rejects.toThrow(/more rulesets than the 1/);
    expect(moved).toBe(false);
    expect(new Set((await rows(out)).map((r) => r[0]))).toEqual(new Set(['old']));
    const d = SlotDecisionThread.open(out, frame, 2);
    d.add(pass('new', [1, 1, 1, 1, 1, 1]));
    await d.discard();
    expect(readdirSync(out)).toEqual(['slot_decisions']);
    expect(new Set((await rows(out)).map((r) => r[0]))).toEqual(new Set(['old']));
  }, 120_000);
});
