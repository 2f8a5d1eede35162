import { defineConfig } from 'vitest/config';

// One `npm test` at the root runs every workspace's suite (vitest projects).
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/edge', 'apps/cloud'],
  },
});
