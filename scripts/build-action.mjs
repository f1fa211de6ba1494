// Bundles the Action (src/action/index.ts and everything it imports) into action/index.js,
// the committed file action.yml runs. A test fails when the committed bundle is stale.
import { build } from "esbuild";

// zod's namespace object re-exports every locale's messages (some 60 of them, half its
// code), and a namespace cannot be tree-shaken. harness only ever shows zod's English
// messages (and rewrites most of them), so the bundle keeps English alone: the CLI's start
// parses 360 KB less, about 9 ms a run. Were zod to move the file, the plugin would match
// nothing and the bundle would simply be as large as before.
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    // The module's name is a label, not a path: the bundle must not carry this machine's folders.
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core|mini)[\\/]/.test(args.importer) ? { path: "zod/v4/locales/index.js", namespace: "zod-english-only", pluginData: { dir: args.resolveDir } } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-english-only" }, (args) => ({ contents: 'export { default as en } from "../locales/en.js";', resolveDir: args.pluginData.dir }));
  },
};

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
  plugins: [zodEnglishOnly],
};

if (import.meta.url === `file://${process.argv[1]}`) {
  await build({ ...options, outfile: "action/index.js" });
  console.log("wrote action/index.js");
}
