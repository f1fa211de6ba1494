// Loaded with `node --import` into the measured process: at exit it writes the
// process's own CPU time and peak RSS, which the parent cannot read once the child is gone.
import { writeFileSync } from "node:fs";

const target = process.env.BENCH_USAGE_FILE;
// Processes the measured one starts must not overwrite its figures.
delete process.env.BENCH_USAGE_FILE;
if (target) {
  process.on("exit", () => {
    const u = process.resourceUsage();
    writeFileSync(target, JSON.stringify({ userUs: u.userCPUTime, systemUs: u.systemCPUTime, maxRssKb: u.maxRSS }));
  });
}
