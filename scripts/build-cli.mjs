// Bundles the CLI (src/cli/index.ts, its dependencies included) into dist/cli-bundle/, which
// bin/harness.js runs. Node 20 resolves, reads and compiles each ES module file apart, and a
// run touches several hundred (zod and the SDKs alone are most of them): as a few bundled
// chunks a one-case eval starts in about 2/3 of the time. Commands and providers a run does
// not use stay in chunks of their own, loaded only when asked for.
import { rmSync } from "node:fs";
import { build } from "esbuild";
import { options } from "./build-action.mjs";

// Chunk names carry a content hash: without a clean folder, every build's old chunks would stay (and ship).
rmSync("dist/cli-bundle", { recursive: true, force: true });
await build({
  ...options,
  entryPoints: { index: "src/cli/index.ts" },
  splitting: true,
  outdir: "dist/cli-bundle",
  // Not minified: an internal error's stack keeps readable function names.
});
