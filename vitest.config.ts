import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // CLI tests start real processes; on a busy 2-core machine they need room.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // The JSON results give .ci/run its one summary line.
    reporters: ["default", ["json", { outputFile: ".harness/test-results.json" }]],
  },
});
