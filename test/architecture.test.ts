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

function imports(file: string): { spec: string; typeOnly: boolean }[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gm)].map((m) => ({
    spec: m[2] ?? m[3]!,
    typeOnly: Boolean(m[1]),
  }));
}

const layer = (file: string) => path.relative(SRC, file).split(path.sep)[0]!;
const all = files(SRC);

describe("architecture", () => {
  it("finds the source files", () => {
    expect(all.length).toBeGreaterThan(20);
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
