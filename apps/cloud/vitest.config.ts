import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'cloud', include: ['test/**/*.test.ts'], testTimeout: 30_000 },
});
