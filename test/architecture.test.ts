/**
 * The layering in STYLE.md, held by a scan of import lines: core is pure, only
 * provider files import the SDKs, nothing imports the CLI, and only the CLI and
 * reporters write to the terminal.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(__dirname, "../src");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

/**
 * Every module a text names: `import … from`, `export … from`, a bare side-effect `import "x"`
 * (it runs the module all the same), and `import("x")`. Type-only when it says `import type` or `export type`.
 */
function importsIn(text: string): { spec: string; typeOnly: boolean }[] {
  return [...text.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'"]*?\bfrom\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm)].map((m) => ({
    spec: m[2] ?? m[3]!,
    typeOnly: Boolean(m[1]),
  }));
}

const imports = (file: string) => importsIn(readFileSync(file, "utf8"));

const layer = (file: string) => path.relative(SRC, file).split(path.sep)[0]!;
const all = files(SRC);

describe("architecture", () => {
  it("finds the source files", () => {
    expect(all.length).toBeGreaterThan(20);
  });

  it("sees every form of import, bare side-effect ones too, and nothing that only looks like one", () => {
    const text = [
      'import { a, b } from "./a.js";',
      "import type { T } from '../b.js';",
      "import {\n  c,\n  d,\n} from \"../c.js\";",
      'import "openai";',
      "import '../runner/run.js';",
      'export * from "../d.js";',
      'export { e } from "./e.js";',
      'export type { F } from "../f.js";',
      'const g = await import("../g.js");',
      'export const from = "not an import";',
      'const h = "import \\"x\\"";',
    ].join("\n");
    expect(importsIn(text)).toEqual([
      { spec: "./a.js", typeOnly: false },
      { spec: "../b.js", typeOnly: true },
      { spec: "../c.js", typeOnly: false },
      { spec: "openai", typeOnly: false },
      { spec: "../runner/run.js", typeOnly: false },
      { spec: "../d.js", typeOnly: false },
      { spec: "./e.js", typeOnly: false },
      { spec: "../f.js", typeOnly: true },
      { spec: "../g.js", typeOnly: false },
    ]);
  });

  it("core imports only core, errors, defaults, and types", () => {
    for (const f of all.filter((x) => layer(x) === "core")) {
      for (const { spec, typeOnly } of imports(f)) {
        if (typeOnly || spec.startsWith("node:")) continue;
        expect(spec.startsWith("./") || spec === "../errors.js" || spec === "../defaults.js", `${path.relative(SRC, f)} imports ${spec}`).toBe(true);
      }
    }
  });

  it("only provider files import the model SDKs", () => {
    for (const f of all) {
      for (const { spec } of imports(f)) {
        if (spec === "openai" || spec.startsWith("@anthropic-ai/")) expect(layer(f), `${path.relative(SRC, f)} imports ${spec}`).toBe("providers");
      }
    }
  });

  it("nothing but the front ends (the CLI, and the Action that drives it) imports the CLI", () => {
    for (const f of all.filter((x) => layer(x) !== "cli" && layer(x) !== "action" && x !== path.join(SRC, "index.ts"))) {
      for (const { spec } of imports(f)) expect(spec.includes("/cli/") || spec.startsWith("../cli"), `${path.relative(SRC, f)} imports ${spec}`).toBe(false);
    }
  });

  it("the library never exits and only the CLI and reporters write to stdout/stderr", () => {
    for (const f of all) {
      const text = readFileSync(f, "utf8");
      expect(/process\.exit\(/.test(text), `${path.relative(SRC, f)} calls process.exit`).toBe(false);
      if (layer(f) !== "cli" && layer(f) !== "reporters") {
        // Calls only: taking console.warn away from an SDK for a moment (providers/sdk-warnings.ts) prints nothing.
        expect(/process\.(stdout|stderr)|console\.\w+\s*(\(|\.(call|apply|bind)\b)/.test(text), `${path.relative(SRC, f)} prints`).toBe(false);
      }
    }
  });
});
