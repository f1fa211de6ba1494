#!/usr/bin/env node
// The executable: the only place that ends the process.
import module from "node:module";
import v8 from "node:v8";

// Node 22.1 and later keep V8's compiled code on disk (in the system's temporary folder), so a
// later start skips compiling the bundle; Node 20 has no such cache, and this is a no-op there.
// It must come before the bundle is loaded, hence the dynamic import.
module.enableCompileCache?.();
const { heapFlagFor, runCli } = await import("../dist/cli-bundle/index.js");

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
    // Aborted first: a terminal's progress line clears itself on it, so this is said on a line of its own.
    controller.abort(signal);
    process.stderr.write(`\nharness: ${signal} received; stopping (again to quit at once)\n`);
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
  // A big run's heap at most doubles at a time, to bound its memory (see src/cli/heap.ts).
  sizeRun(trials) {
    const flag = heapFlagFor(trials, process.execArgv, process.env.NODE_OPTIONS);
    if (flag) v8.setFlagsFromString(flag);
  },
});
process.exitCode = code;
// Idle keep-alive sockets of the SDKs must not hold the process open.
setTimeout(() => process.exit(code), 2000).unref();
