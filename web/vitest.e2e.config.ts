// End-to-end tests: a real Chromium against a running server (deploy/local/web-e2e starts one).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // One browser, one server: the steps run in order and share state.
    sequence: { concurrent: false },
  },
});
