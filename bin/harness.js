#!/usr/bin/env node
// The executable: the only place that ends the process.
import v8 from "node:v8";
import { runCli } from "../dist/cli-bundle/index.js";

// V8 sizes the next old-generation limit at up to 4x the live heap; a run's live heap peaks
// while the suites load, then its per-call garbage filled that room unchecked: 100,000 trials
// peaked at 490 MB RSS though at most 100 MB was live. Growing by half at a time keeps that run
// near 260 MB, for 4-10% more CPU (measured again later: 0.35-0.38 ms a trial against 0.34, and
// 370 MB without it; doubling instead, 0.37-0.38 ms and 285 MB). It only tunes when V8 collects.
// A factor the user gave Node (NODE_OPTIONS or a flag) is theirs to keep.
const userGrowth = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].some((a) => /^--heap[-_]growing[-_]percent/.test(a));
if (!userGrowth) v8.setFlagsFromString("--heap-growing-percent=50");

// `harness … | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const controller = new AbortController();
let firstSignalAt = 0;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    // First signal: stop scheduling, cancel calls in flight, report what finished. Second: leave now.
    // One Ctrl-C can arrive twice at once (a terminal signals npx and node alike; `timeout`
    // signals the child, then its group): only a second press, later, means "leave now".
    if (firstSignalAt > 0) {
      if (Date.now() - firstSignalAt > 500) process.exit(signal === "SIGINT" ? 130 : 143);
      return;
    }
    firstSignalAt = Date.now();
    process.stderr.write(`\nharness: ${signal} received; stopping (again to quit at once)\n`);
    controller.abort(signal);
  });
}

// A hang-up (the terminal or ssh session gone) ends harness at once, but through its exit
// handlers: the journal is flushed for --resume, and exec: commands, each in a session of its
// own that the hang-up does not reach, are killed.
process.on("SIGHUP", () => process.exit(129));

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
process.exitCode = code;
// Idle keep-alive sockets of the SDKs must not hold the process open.
setTimeout(() => process.exit(code), 2000).unref();
