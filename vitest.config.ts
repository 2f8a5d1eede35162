import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// One `npm test` at the root runs every workspace's suite (vitest projects).
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/edge', 'apps/cloud'],
    // Vitest's default is one worker fewer than the cores: one worker on a 2-core machine. Most of
    // the long files wait on simulated rigs, brokers and browsers rather than compute, so one worker
    // per core (at least two) halves the suite there (2 cores: 994 s -> 539 s, every file passing).
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
