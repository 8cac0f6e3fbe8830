import { defineConfig } from "vitest/config";

/**
 * Tests that run in Node against built files or a running local server (browser e2e), and the
 * browser tests of other folders (`*.e2e.test.ts`).
 */
export default defineConfig({
  test: {
    include: ["test/node/**/*.test.ts", "test/e2e/**/*.test.ts", "test/**/*.e2e.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
