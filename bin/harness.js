#!/usr/bin/env node
// The executable: the only place that ends the process.
import { runCli } from "../dist/cli/index.js";

// `harness … | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const controller = new AbortController();
let signals = 0;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    // First signal: stop scheduling, cancel calls in flight, report what finished. Second: leave now.
    if (++signals > 1) process.exit(signal === "SIGINT" ? 130 : 143);
    process.stderr.write(`\nharness: ${signal} received; stopping (again to quit at once)\n`);
    controller.abort(signal);
  });
}

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
