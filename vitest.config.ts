import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    reporters: ["default", "./test/support/summary-reporter.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Loopback servers and real runtimes share two cores: keep parallelism modest.
    maxWorkers: 2,
  },
});
