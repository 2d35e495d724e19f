// DuckDB's memory budget (IL2KIT_DUCKDB_MEMORY) and its out-of-memory error, told as something to act on.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDBMemoryError, duckdbMemoryLimit, explainOutOfMemory } from '../../../pipelines/store/memory.js';
import { openStore } from '../../../pipelines/store/commit.js';

const saved = process.env.IL2KIT_DUCKDB_MEMORY;
afterEach(() => {
  if (saved === undefined) delete process.env.IL2KIT_DUCKDB_MEMORY;
  else process.env.IL2KIT_DUCKDB_MEMORY = saved;
});

describe('DuckDB memory budget', () => {
  it('is 3GB unless IL2KIT_DUCKDB_MEMORY names a size, and a wrong value is refused with what to write', () => {
    expect(duckdbMemoryLimit({})).toBe('3GB');
    expect(duckdbMemoryLimit({ IL2KIT_DUCKDB_MEMORY: ' 6GB ' })).toBe('6GB');
    expect(duckdbMemoryLimit({ IL2KIT_DUCKDB_MEMORY: '1500MB' })).toBe('1500MB');
    expect(() => duckdbMemoryLimit({ IL2KIT_DUCKDB_MEMORY: 'lots' })).toThrow(/IL2KIT_DUCKDB_MEMORY="lots" is not a size.*e\.g\. IL2KIT_DUCKDB_MEMORY=6GB/);
  });

  it('is what the store opens with', async () => {
    const limitOf = async () => {
      const { conn, close } = await openStore(join(mkdtempSync(join(tmpdir(), 'il2kit-mem-')), 'il2kit.duckdb'));
      try {
        return String((await conn.runAndReadAll("SELECT current_setting('memory_limit')")).getRows()[0]![0]);
      } finally {
        close();
      }
    };
    delete process.env.IL2KIT_DUCKDB_MEMORY;
    const byDefault = await limitOf();
    process.env.IL2KIT_DUCKDB_MEMORY = '1GB';
    const set = await limitOf();
    // DuckDB reports the limit in binary units: 3 GB = 2.7 GiB, 1 GB = 953.6 MiB.
    expect(byDefault).toBe('2.7 GiB');
    expect(set).toBe('953.6 MiB');
  });

  it('turns DuckDB out-of-memory errors into a message that says what to do, and leaves others alone', async () => {
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    let oom: unknown;
    try {
      await conn.run("SET memory_limit = '32MB'");
      await conn.run("SET temp_directory = ''");
      await conn.run('CREATE TABLE t AS SELECT range AS i, repeat(range::VARCHAR, 20) AS s FROM range(3000000)');
    } catch (e) {
      oom = e;
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
    expect(String(oom)).toMatch(/Out of Memory Error/);
    const told = explainOutOfMemory(oom, 'storing centre x (nothing in the store was changed)');
    expect(told).toBeInstanceOf(DuckDBMemoryError);
    expect((told as DuckDBMemoryError).exitCode).toBe(2);
    expect((told as Error).message).toMatch(/^DuckDB ran out of its memory budget \(3GB\) while storing centre x \(nothing in the store was changed\)\. Set IL2KIT_DUCKDB_MEMORY to a larger size/);
    const other = new Error('Binder Error: no such column');
    expect(explainOutOfMemory(other, 'x')).toBe(other);
  });
});
