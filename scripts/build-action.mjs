// Bundles the Action (src/action/index.ts and everything it imports) into action/index.js,
// the committed file action.yml runs. A test fails when the committed bundle is stale.
import { build } from "esbuild";

export const options = {
  entryPoints: ["src/action/index.ts"],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  legalComments: "none",
  // Some bundled CommonJS packages call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning",
};

if (import.meta.url === `file://${process.argv[1]}`) {
  await build({ ...options, outfile: "action/index.js" });
  console.log("wrote action/index.js");
}
