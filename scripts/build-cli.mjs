// Bundles the CLI (src/cli/index.ts, its dependencies included) into dist/cli-bundle/, which
// bin/harness.js runs. Node 20 resolves, reads and compiles each ES module file apart, and a
// run touches several hundred (zod and the SDKs alone are most of them): as a few bundled
// chunks a one-case eval starts in about 2/3 of the time. Commands and providers a run does
// not use stay in chunks of their own, loaded only when asked for.
import { build } from "esbuild";
import { options } from "./build-action.mjs";

await build({
  ...options,
  entryPoints: { index: "src/cli/index.ts" },
  splitting: true,
  outdir: "dist/cli-bundle",
  // Internal errors print a stack: keep it readable, and say where in src/ it points.
  sourcemap: "linked",
  sourcesContent: false,
});
