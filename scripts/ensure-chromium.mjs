/**
 * Run by `npm test` before vitest: the HTML reports are tested in Debian's Chromium, and
 * on a fresh machine `npm ci && npm test` must do everything, so a missing browser is
 * installed here rather than left for ten browser tests to fail on. Only where that is
 * ours to do (root, with apt-get); anywhere else this says what to run and the browser
 * tests fail with the same words. Never a skip: a report nobody opened is not tested.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const CHROMIUM = "/usr/bin/chromium";
const INSTALL = "apt-get install -y chromium";

if (!existsSync(CHROMIUM)) {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const apt = spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0;
  if (!root || !apt) {
    console.error(`Chromium is missing at ${CHROMIUM}, and the browser tests will fail: install it with ${INSTALL} (as root).`);
  } else {
    console.error(`Chromium is missing at ${CHROMIUM}: installing Debian's (${INSTALL}) for the browser tests.`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const ok = (args) => spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env }).status === 0;
    // The package lists of a fresh machine are often empty or stale: refresh them first.
    if (!(ok(["update", "-qq"]) && ok(["install", "-y", "-qq", "chromium"]) && existsSync(CHROMIUM))) {
      console.error(`Could not install Chromium (${INSTALL}): the browser tests will fail.`);
    }
  }
}
