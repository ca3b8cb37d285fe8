import { defineConfig } from 'vitest/config';

// pool 'forks' everywhere: the NAN-based pcsclite binding aborts the process under worker threads.
// Two projects: 'unit' runs files in parallel; 'system' holds the tests that share one pcscd, its
// two virtual readers, fixed TCP ports or a browser, so they run one file at a time, after 'unit'.
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        test: {
          name: 'unit',
          pool: 'forks',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'system',
          pool: 'forks',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
