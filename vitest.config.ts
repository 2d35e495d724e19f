import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: keep workers few so kernel- and DuckDB-heavy tests don't starve each other.
    maxWorkers: 2,
    env: { TZ: 'UTC' },
  },
});
