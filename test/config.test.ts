/**
 * The suite loader: YAML with positions → zod → LoadedSuite. Every test writes its own
 * project into a fresh temp folder (a `proj/` inside it, so files "outside the project"
 * can exist next to it) and loads with `cwd` set to that project.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_TRIALS, loadSuites, MAX_FILE_BYTES, parseProviderId, type LoadOptions } from "../src/config/load.js";
import type { LoadedSuite } from "../src/core/types.js";
import { ConfigError, ExitCode, formatProblem, UsageError, type ConfigProblem } from "../src/errors.js";
import { parseSimpleYaml } from "../src/config/simple-yaml.js";
import { mulberry32 } from "./helpers/prng.js";

const roots: string[] = [];

afterEach(async () => {
  await Promise.all(roots.splice(0).map((r) => rm(r, { recursive: true, force: true })));
});

/** Writes `files` (paths relative to the project; "../x" lands next to it) and returns the project folder. */
async function project(files: Record<string, string | Buffer> = {}): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), "harness-config-"));
  roots.push(root);
  const cwd = path.join(root, "proj");
  await mkdir(cwd);
  await write(cwd, files);
  return cwd;
}

async function write(cwd: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.resolve(cwd, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, text);
  }
}

/** One line per argument, so a test reads its own line numbers off the array. */
const lines = (...ls: string[]) => `${ls.join("\n")}\n`;

const load = (cwd: string, paths: string[] = [], options: LoadOptions = {}) => loadSuites(paths, { cwd, ...options });

async function configError(p: Promise<unknown>): Promise<ConfigError> {
  const err = await p.then(
    (v) => {
      throw new Error(`expected a ConfigError, but it loaded: ${JSON.stringify(v)}`);
    },
    (e: unknown) => e,
  );
  if (!(err instanceof ConfigError)) throw err;
  return err;
}

/** The single problem of a ConfigError (fails when there is not exactly one). */
async function problem(p: Promise<unknown>): Promise<ConfigProblem> {
  const err = await configError(p);
  expect(err.problems, err.message).toHaveLength(1);
  return err.problems[0]!;
}

const where = (p: ConfigProblem) => `${p.file}:${p.line}:${p.col}`;

/** A minimal valid suite with one case; extra lines go before `cases:`. */
const valid = (...extra: string[]) =>
  lines("provider: openai:gpt-4o-mini", 'prompt: "Say hi"', ...extra, "cases:", "  - id: one", "    graders:", "      - type: contains", "        value: hi");

describe("loading a valid suite", () => {
  const basic = lines(
    /*  1 */ "# A suite for the loader tests.",
    /*  2 */ "description: demo suite",
    /*  3 */ "provider: openai:gpt-4o-mini",
    /*  4 */ 'prompt: "Summarise {{doc}} for {{ user.name }}."',
    /*  5 */ "vars:",
    /*  6 */ "  user:",
    /*  7 */ "    name: Ann",
    /*  8 */ "graders:",
    /*  9 */ "  - type: contains",
    /* 10 */ "    value: summary",
    /* 11 */ "cases:",
    /* 12 */ "  - id: first",
    /* 13 */ "    vars:",
    /* 14 */ "      doc: the memo",
    /* 15 */ "    graders:",
    /* 16 */ "      - type: not-contains",
    /* 17 */ "        value: error",
    /* 18 */ "",
    /* 19 */ "  # the second case overrides the user and the prompt",
    /* 20 */ "  - id: second.case_2",
    /* 21 */ "    description: ticket 12",
    /* 22 */ "    vars: { doc: the report, user: { name: Bob } }",
    /* 23 */ '    prompt: "Only {{doc}}, {{user.name}}"',
    /* 24 */ "  -",
    /* 25 */ "    id: third",
    /* 26 */ "    vars: { doc: [1, two] }",
  );

  it("loads into the expected LoadedSuite", async () => {
    const cwd = await project({ "evals/basic.yaml": basic });
    const suites = await load(cwd, ["evals"]);
    const hash = expect.stringMatching(/^[0-9a-f]{16}$/);
    expect(suites).toEqual<LoadedSuite[]>([
      {
        name: "basic",
        file: path.join("evals", "basic.yaml"),
        dir: path.join(cwd, "evals"),
        provider: { id: "openai:gpt-4o-mini", config: {} },
        judge: undefined,
        trials: DEFAULT_TRIALS,
        threshold: undefined,
        cases: [
          {
            id: "first",
            description: undefined,
            vars: { user: { name: "Ann" }, doc: "the memo" },
            messages: [{ role: "user", content: "Summarise the memo for Ann." }],
            graders: [
              { type: "contains", value: "summary" },
              { type: "not-contains", value: "error" },
            ],
            line: 12,
            promptHash: hash,
            gradersHash: hash,
          },
          {
            id: "second.case_2",
            description: "ticket 12",
            vars: { user: { name: "Bob" }, doc: "the report" },
            messages: [{ role: "user", content: "Only the report, Bob" }],
            graders: [{ type: "contains", value: "summary" }],
            line: 20,
            promptHash: hash,
            gradersHash: hash,
          },
          {
            id: "third",
            description: undefined,
            vars: { user: { name: "Ann" }, doc: [1, "two"] },
            messages: [{ role: "user", content: 'Summarise [1,"two"] for Ann.' }],
            graders: [{ type: "contains", value: "summary" }],
            line: 25,
            promptHash: hash,
            gradersHash: hash,
          },
        ],
        // What the suite reads, so that no command writes over it: here, only itself.
        reads: [path.join(cwd, "evals", "basic.yaml")],
      },
    ]);
    // The same graders hash the same; the first case has one more.
    const [first, second, third] = suites[0]!.cases.map((c) => c.gradersHash);
    expect(second).toBe(third);
    expect(first).not.toBe(second);
    expect(DEFAULT_TRIALS).toBe(5);
  });

  it("looks in evals/ when given no paths, skipping dot files, node_modules and non-YAML files", async () => {
    const cwd = await project({
      "evals/b.yml": valid(),
      "evals/nested/a.yaml": valid(),
      "evals/.hidden.yaml": "not: [valid",
      "evals/node_modules/x.yaml": "not: [valid",
      "evals/notes.txt": "not: [valid",
      "evals/prompt.md": "{{x}}",
    });
    const suites = await load(cwd);
    expect(suites.map((s) => [s.name, s.file])).toEqual([
      ["b", path.join("evals", "b.yml")],
      ["a", path.join("evals", "nested", "a.yaml")],
    ]);
  });

  it("a suite linked into evals/ is found as when named; a linked folder is not followed", async () => {
    const cwd = await project({ "shared/linked.yaml": valid("name: linked"), "shared/more/deep.yaml": valid("name: deep"), "evals/own.yaml": valid("name: own") });
    await symlink(path.join(cwd, "shared/linked.yaml"), path.join(cwd, "evals/linked.yaml"));
    await symlink(path.join(cwd, "shared/more"), path.join(cwd, "evals/more"));
    const suites = await load(cwd);
    expect(suites.map((s) => s.name)).toEqual(["linked", "own"]);
  });

  it("takes the name from `name:` when given, and keeps threshold and trials", async () => {
    const cwd = await project({ "s.yaml": valid("name: my-suite", "trials: 12", "threshold: { passAtK: 0.9, passRate: 0.5 }") });
    const [s] = await load(cwd, ["s.yaml"]);
    expect(s).toMatchObject({ name: "my-suite", file: "s.yaml", trials: 12, threshold: { passAtK: 0.9, passRate: 0.5 } });
  });

  it("-k overrides the suite's trials and -p overrides its provider", async () => {
    const cwd = await project({ "s.yaml": valid("trials: 12") });
    const [s] = await load(cwd, ["s.yaml"], { trials: 2, provider: "anthropic:claude-haiku-4-5" });
    expect(s!.trials).toBe(2);
    expect(s!.provider).toEqual({ id: "anthropic:claude-haiku-4-5", config: {} });
    const [d] = await load(cwd, ["s.yaml"], { trials: 1 });
    expect(d!.trials).toBe(1);
    expect(d!.provider.id).toBe("openai:gpt-4o-mini");
  });

  it("-p keeps the suite's provider options only when it names the suite's own provider", async () => {
    const text = lines(
      "provider:",
      "  id: openai:gpt-4o-mini",
      "  config: { temperature: 0, maxTokens: 64, env: { A: b } }",
      "prompt: hi",
      "graders: [{ type: is-json }]",
      "cases: [{ id: one }]",
    );
    const cwd = await project({ "s.yaml": text });
    const config = { temperature: 0, maxTokens: 64, env: { A: "b" } };
    expect((await load(cwd, ["s.yaml"]))[0]!.provider).toEqual({ id: "openai:gpt-4o-mini", config });
    expect((await load(cwd, ["s.yaml"], { provider: "openai:gpt-4o-mini" }))[0]!.provider).toEqual({ id: "openai:gpt-4o-mini", config });
    // Another model keeps the sampling options (a fair comparison), not the exec-only env.
    expect((await load(cwd, ["s.yaml"], { provider: "openai:gpt-4o" }))[0]!.provider).toEqual({ id: "openai:gpt-4o", config: { temperature: 0, maxTokens: 64 } });
  });

  it("-p carries the server address to the same kind of provider only, and prices to the same provider only", async () => {
    const text = lines(
      "provider:",
      "  id: openai:local-model",
      "  config: { baseURL: 'http://127.0.0.1:9/v1', seed: 7, inputPricePerMTok: 1, outputPricePerMTok: 2 }",
      "prompt: hi",
      "graders: [{ type: is-json }]",
      "cases: [{ id: one }]",
    );
    const cwd = await project({ "s.yaml": text });
    expect((await load(cwd, ["s.yaml"], { provider: "openai:other" }))[0]!.provider.config).toEqual({ seed: 7, baseURL: "http://127.0.0.1:9/v1" });
    expect((await load(cwd, ["s.yaml"], { provider: "anthropic:claude-haiku-4-5" }))[0]!.provider.config).toEqual({ seed: 7 });
  });

  it("a suite without a provider loads when -p is given", async () => {
    const cwd = await project({ "s.yaml": lines("prompt: hi", "graders: [{ type: is-json }]", "cases: [{ id: one }]") });
    const [s] = await load(cwd, ["s.yaml"], { provider: "exec:node app.js" });
    expect(s!.provider).toEqual({ id: "exec:node app.js", config: {} });
  });

  it("renders chat messages, keeping roles, and a case's own messages override the suite's", async () => {
    const text = lines(
      "provider: anthropic:claude-haiku-4-5",
      "messages:",
      "  - role: system",
      "    content: You are {{persona}}.",
      "  - role: user",
      '    content: "{{question}}"',
      "vars: { persona: terse }",
      "graders: [{ type: contains, value: x }]",
      "cases:",
      "  - id: a",
      "    vars: { question: Why? }",
      "  - id: b",
      "    messages:",
      "      - { role: user, content: 'Q: {{question}}' }",
      "      - { role: assistant, content: 'A:' }",
      "    vars: { question: How? }",
    );
    const cwd = await project({ "s.yaml": text });
    const [s] = await load(cwd, ["s.yaml"]);
    expect(s!.cases.map((c) => c.messages)).toEqual([
      [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Why?" },
      ],
      [
        { role: "user", content: "Q: How?" },
        { role: "assistant", content: "A:" },
      ],
    ]);
  });

  it("reads a file:// prompt relative to the suite file and renders it", async () => {
    const cwd = await project({
      "evals/s.yaml": valid().replace('prompt: "Say hi"', "prompt: file://prompts/p.md").replace("  - id: one", "  - id: one\n    vars: { name: Ann }"),
      "evals/prompts/p.md": "Hello {{name}},\nbye.\n",
      "evals/c.yaml": lines(
        "provider: openai:gpt-4o-mini",
        "graders: [{ type: is-json }]",
        "cases:",
        "  - id: x",
        "    prompt: file://../shared/p.md",
        "    vars: { name: Bo }",
      ),
      "shared/p.md": "Hi {{ name }}",
      "evals/..notes.md": "dots {{name}}",
      "evals/d.yaml": lines("provider: openai:gpt-4o-mini", "prompt: file://..notes.md", "graders: [{ type: is-json }]", "cases: [{ id: x, vars: { name: Cy } }]"),
    });
    const suites = await load(cwd, ["evals"]);
    const byName = Object.fromEntries(suites.map((s) => [s.name, s.cases[0]!.messages[0]!.content]));
    expect(byName).toEqual({ s: "Hello Ann,\nbye.\n", c: "Hi Bo", d: "dots Cy" });
  });

  it("allows a file:// prompt through a symlink that stays inside the project", async () => {
    const cwd = await project({ "s.yaml": valid().replace('prompt: "Say hi"', "prompt: file://link.md"), "real/p.md": "linked" });
    await symlink(path.join(cwd, "real", "p.md"), path.join(cwd, "link.md"));
    const [s] = await load(cwd, ["s.yaml"]);
    expect(s!.cases[0]!.messages[0]!.content).toBe("linked");
  });

  it("accepts a prompt file of exactly the size limit", async () => {
    const cwd = await project({ "s.yaml": valid().replace('prompt: "Say hi"', "prompt: file://big.md"), "big.md": "a".repeat(MAX_FILE_BYTES) });
    const [s] = await load(cwd, ["s.yaml"]);
    expect(s!.cases[0]!.messages[0]!.content).toHaveLength(MAX_FILE_BYTES);
  });

  it("accepts a javascript grader inside the project and does not run it while loading", async () => {
    const cwd = await project({
      "evals/s.yaml": valid("graders: [{ type: javascript, file: graders/g.mjs, export: check, config: { x: 1 } }]"),
      "evals/graders/g.mjs": "globalThis.__loaderRanGrader = true; export function check() { return true; }\n",
    });
    const [s] = await load(cwd, ["evals"]);
    expect(s!.cases[0]!.graders[0]).toEqual({ type: "javascript", file: "graders/g.mjs", export: "check", config: { x: 1 } });
    expect((globalThis as Record<string, unknown>).__loaderRanGrader).toBeUndefined();
  });

  describe("promptHash", () => {
    async function hashes(text: string, files: Record<string, string> = {}): Promise<Record<string, string>> {
      const cwd = await project({ "s.yaml": text, ...files });
      const [s] = await load(cwd, ["s.yaml"]);
      return Object.fromEntries(s!.cases.map((c) => [c.id, c.promptHash]));
    }
    const suite = (prompt: string, extra = "") =>
      lines(
        "provider: openai:gpt-4o-mini",
        `prompt: ${JSON.stringify(prompt)}`,
        "graders: [{ type: contains, value: x }]",
        "cases:",
        `  - { id: a, vars: { v: one }${extra} }`,
        `  - { id: b, vars: { v: two }${extra} }`,
        `  - { id: c, vars: { v: one, unused: 1 } }`,
      );

    it("is stable across loads and depends only on the rendered prompt", async () => {
      const first = await hashes(suite("Q {{v}}"));
      const again = await hashes(suite("Q {{v}}"));
      expect(again).toEqual(first);
      expect(first.a).not.toBe(first.b);
      // c renders the same text as a: unused vars do not change the hash.
      expect(first.c).toBe(first.a);
      // Graders, descriptions, trials and provider are not part of the prompt.
      const other = await hashes(
        suite("Q {{v}}", ", description: changed, graders: [{ type: is-json }]").replace("openai:gpt-4o-mini", "anthropic:claude-haiku-4-5") .replace("cases:", "trials: 9\ncases:"),
      );
      expect(other).toEqual(first);
    });

    it("for an exec: app, which is given the vars too, changes with a var the prompt does not use", async () => {
      const exec = (orderId: string) => suite("Q {{v}}").replace("openai:gpt-4o-mini", "exec:node app.mjs").replace("unused: 1", `orderId: "${orderId}"`);
      const before = await hashes(exec("00123"));
      const after = await hashes(exec("00124"));
      expect(after.c).not.toBe(before.c);
      expect(after.a).toBe(before.a);
      // A model sees only the rendered text: there c asks what a asks, whatever its orderId.
      const model = await hashes(suite("Q {{v}}").replace("unused: 1", 'orderId: "00124"'));
      expect(model.c).toBe(model.a);
    });

    it("changes when the prompt text changes, even by one character or only in white space", async () => {
      const first = await hashes(suite("Q {{v}}"));
      const changed = await hashes(suite("Q: {{v}}"));
      const spaced = await hashes(suite("Q {{v}} "));
      expect(changed.a).not.toBe(first.a);
      expect(spaced.a).not.toBe(first.a);
      expect(spaced.a).not.toBe(changed.a);
    });

    it("changes when a file:// prompt's content changes, and matches the same text written inline", async () => {
      const text = suite("file://p.md");
      const one = await hashes(text, { "p.md": "Q {{v}}" });
      const two = await hashes(text, { "p.md": "Q  {{v}}" });
      expect(two.a).not.toBe(one.a);
      expect(one).toEqual(await hashes(suite("Q {{v}}")));
    });

    it("changes when a message's role changes", async () => {
      const chat = (role: string) =>
        lines("provider: openai:gpt-4o-mini", `messages: [{ role: ${role}, content: hi }]`, "graders: [{ type: is-json }]", "cases: [{ id: a }]");
      expect((await hashes(chat("user"))).a).not.toBe((await hashes(chat("system"))).a);
    });
  });
});

describe("config errors", () => {
  it("reports malformed YAML with its position", async () => {
    const cwd = await project({ "s.yaml": lines("provider: openai:gpt-4o-mini", "prompt: hi", "prompt: again", "cases: []") });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(where(p)).toBe("s.yaml:3:1");
    expect(p.message).toMatch(/^invalid YAML: Map keys must be unique/);
  });

  it("reports an unclosed flow collection with its position and nothing else", async () => {
    const cwd = await project({ "s.yaml": lines("provider: openai:gpt-4o-mini", "graders: [{ type: is-json }", "cases: [{ id: a }]") });
    const err = await configError(load(cwd, ["s.yaml"]));
    expect(err.problems.length).toBeGreaterThan(0);
    for (const p of err.problems) {
      expect(p.file).toBe("s.yaml");
      expect(p.message).toMatch(/^invalid YAML: /);
      expect(p.line).toBeGreaterThanOrEqual(2);
      expect(p.line).toBeLessThanOrEqual(4);
      expect(p.col).toBeGreaterThanOrEqual(1);
    }
  });

  it("reports a wrong type where the value is, saying what was expected", async () => {
    const cwd = await project({ "s.yaml": valid("trials: three") });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toEqual({ file: "s.yaml", line: 3, col: 9, path: "trials", message: expect.stringMatching(/expected number/) });
    expect(formatProblem(p)).toMatch(/^s\.yaml:3:9  trials  expected number/);
  });

  it("reports out-of-range and non-integer trials", async () => {
    const cwd = await project({ "a.yaml": valid("trials: 0"), "b.yaml": valid("trials: 2.5") });
    const err = await configError(load(cwd, ["a.yaml", "b.yaml"]));
    expect(err.problems.map((p) => [where(p), p.path])).toEqual([
      ["a.yaml:3:9", "trials"],
      ["b.yaml:3:9", "trials"],
    ]);
  });

  it("reports an unknown top-level key at the key", async () => {
    const cwd = await project({ "s.yaml": valid("retries: 3") });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toEqual({ file: "s.yaml", line: 3, col: 1, path: "retries", message: 'unknown key "retries"' });
  });

  it("reports an unknown key inside a grader at the key", async () => {
    const text = lines(
      "provider: openai:gpt-4o-mini",
      "prompt: hi",
      "cases:",
      "  - id: one",
      "    graders:",
      "      - type: contains",
      "        value: hi",
      "        vlaue: hello",
    );
    const cwd = await project({ "s.yaml": text });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toEqual({ file: "s.yaml", line: 8, col: 9, path: "cases[0].graders[0].vlaue", message: 'unknown key "vlaue" (did you mean "value"?)' });
  });

  it("suggests the nearest key by its letters whatever their case: passRat is passRate, not passHatK", async () => {
    const cwd = await project({ "s.yaml": lines("provider: openai:gpt-4o-mini", "prompt: hi", "threshold: { passRat: 0.5 }", "graders: [{ type: contains, value: hi }]", "cases:", "  - id: one") });
    expect((await problem(load(cwd, ["s.yaml"]))).message).toBe('unknown key "passRat" (did you mean "passRate"?)');
  });

  it('reports an unknown grader type with a "did you mean" hint and the known types', async () => {
    const text = lines("provider: openai:gpt-4o-mini", "prompt: hi", "graders:", "  - type: containz", "    value: x", "cases: [{ id: a }]");
    const cwd = await project({ "s.yaml": text });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(where(p)).toBe("s.yaml:4:11");
    expect(p.path).toBe("graders[0].type");
    expect(p.message).toContain('unknown grader "containz"');
    expect(p.message).toContain('did you mean "contains"?');
    expect(p.message).toContain("json-schema");
  });

  it("gives no hint for a grader type nothing like a known one", async () => {
    const cwd = await project({ "s.yaml": valid("graders: [{ type: sentiment-analysis }]") });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p.message).toContain('unknown grader "sentiment-analysis"');
    expect(p.message).not.toContain("did you mean");
  });

  it("reports a grader without a type", async () => {
    const cwd = await project({ "s.yaml": valid("graders:", "  - value: x") });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(where(p)).toBe("s.yaml:4:5");
    expect(p.message).toMatch(/missing `type:`/);
  });

  it("reports a missing `cases:`", async () => {
    const cwd = await project({ "s.yaml": lines("provider: openai:gpt-4o-mini", "prompt: hi") });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toEqual({ file: "s.yaml", line: 1, col: 1, path: "cases", message: expect.stringMatching(/missing required key; expected array/) });
  });

  it("reports an empty `cases:`", async () => {
    const cwd = await project({ "s.yaml": lines("provider: openai:gpt-4o-mini", "prompt: hi", "cases: []") });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toMatchObject({ line: 3, col: 8, path: "cases", message: "expected at least one case" });
  });

  it("reports a file that is not a mapping", async () => {
    for (const text of ["", "# only a comment\n", "- a\n- b\n", "just a string\n", "42\n"]) {
      const cwd = await project({ "s.yaml": text });
      const p = await problem(load(cwd, ["s.yaml"]));
      expect(p.message, JSON.stringify(text)).toMatch(/^expected a suite: a mapping/);
    }
  });

  it("reports a duplicate case id at the second one", async () => {
    const text = lines(
      "provider: openai:gpt-4o-mini",
      "prompt: hi",
      "graders: [{ type: is-json }]",
      "cases:",
      "  - id: same",
      "  - id: other",
      "  - id: same",
    );
    const cwd = await project({ "s.yaml": text });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toEqual({ file: "s.yaml", line: 7, col: 9, path: "cases[2].id", message: expect.stringContaining('duplicate case id "same" (first used by cases[0])') });
  });

  it("reports a bad case id", async () => {
    const cwd = await project({ "s.yaml": lines("provider: openai:gpt-4o-mini", "prompt: hi", "graders: [{ type: is-json }]", "cases:", '  - id: "has space"') });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toMatchObject({ line: 5, col: 9, path: "cases[0].id", message: expect.stringMatching(/expected an id/) });
  });

  it("reports a template variable the case does not supply, naming the case", async () => {
    const text = lines(
      "provider: openai:gpt-4o-mini",
      'prompt: "{{greeting}}, {{ user.name }}"',
      "vars: { greeting: Hi }",
      "graders: [{ type: is-json }]",
      "cases:",
      "  - id: has-user",
      "    vars: { user: { name: Ann } }",
      "  - id: no-vars",
      "  - id: wrong-vars",
      "    vars:",
      "      user: { nmae: Bo }",
    );
    const cwd = await project({ "s.yaml": text });
    const err = await configError(load(cwd, ["s.yaml"]));
    expect(err.problems).toEqual([
      { file: "s.yaml", line: 8, col: 9, path: "cases[1].id", message: expect.stringContaining('uses {{user.name}} but case "no-vars" does not supply it') },
      { file: "s.yaml", line: 11, col: 7, path: "cases[2].vars", message: expect.stringContaining('case "wrong-vars"') },
    ]);
    expect(err.problems[0]!.message).toContain("(prompt)");
  });

  it("reports every missing variable of a case's messages", async () => {
    const text = lines(
      "provider: openai:gpt-4o-mini",
      "graders: [{ type: is-json }]",
      "cases:",
      "  - id: a",
      "    messages:",
      "      - { role: system, content: '{{a}} {{b}}' }",
      "      - { role: user, content: '{{c}}' }",
    );
    const cwd = await project({ "s.yaml": text });
    const err = await configError(load(cwd, ["s.yaml"]));
    const all = err.problems.map((p) => p.message).join("\n");
    for (const v of ["{{a}}", "{{b}}", "{{c}}"]) expect(all).toContain(v);
    expect(all).toContain("cases[0].messages");
    for (const p of err.problems) expect(p.message).toContain('case "a"');
  });

  it("reports a file:// prompt that does not exist, at the prompt", async () => {
    const cwd = await project({ "evals/s.yaml": valid().replace('prompt: "Say hi"', "prompt: file://prompts/missing.md") });
    const p = await problem(load(cwd, ["evals"]));
    expect(p).toMatchObject({ file: path.join("evals", "s.yaml"), line: 2, col: 9, path: "prompt" });
    expect(p.message).toContain("file://prompts/missing.md: no such file");
    expect(p.message).toContain(path.join("evals", "prompts", "missing.md"));
  });

  it("reports a case's file:// prompt that does not exist, at the case's prompt", async () => {
    const text = lines("provider: openai:gpt-4o-mini", "graders: [{ type: is-json }]", "cases:", "  - id: a", "    prompt: file://nope.md");
    const cwd = await project({ "s.yaml": text });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toMatchObject({ line: 5, col: 13, path: "cases[0].prompt", message: expect.stringContaining("no such file") });
  });

  it("reports a file:// prompt that is a folder", async () => {
    const cwd = await project({ "s.yaml": valid().replace('prompt: "Say hi"', "prompt: file://prompts"), "prompts/x.md": "x" });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toMatchObject({ line: 2, col: 9, message: expect.stringContaining("no such file") });
  });

  it("refuses a file:// prompt that escapes the project with ..", async () => {
    const cwd = await project({ "s.yaml": valid().replace('prompt: "Say hi"', "prompt: file://../outside.md"), "../outside.md": "secret" });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toMatchObject({ file: "s.yaml", line: 2, col: 9, path: "prompt" });
    expect(p.message).toContain("outside the project");
    expect(p.message).not.toContain("secret");
  });

  it("refuses a file:// prompt that leaves the project by the rule, even where no file is there", async () => {
    // As `file://../../../etc/passwd` from a folder where that path leads nowhere: the rule is what was broken.
    const cwd = await project({ "evals/s.yaml": valid().replace('prompt: "Say hi"', "prompt: file://../../../nowhere/passwd") });
    const p = await problem(load(cwd, ["evals"]));
    expect(formatProblem(p)).toBe(`${path.join("evals", "s.yaml")}:2:9  prompt  file:// prompts must stay inside the project folder; file://../../../nowhere/passwd points outside the project (${cwd})`);
  });

  it("refuses an absolute file:// prompt outside the project", async () => {
    const cwd = await project({ "../outside.md": "secret" });
    await write(cwd, { "s.yaml": valid().replace('prompt: "Say hi"', `prompt: "file://${path.join(path.dirname(cwd), "outside.md")}"`) });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p.message).toContain("outside the project");
  });

  it("refuses a file:// prompt through a symlink that leads outside the project", async () => {
    const cwd = await project({
      "s.yaml": valid().replace('prompt: "Say hi"', "prompt: file://prompts/link.md"),
      "../outside.md": "secret",
      "../outdir/p.md": "secret",
      "t.yaml": lines("provider: openai:gpt-4o-mini", "graders: [{ type: is-json }]", "cases:", "  - { id: a, prompt: 'file://shared/p.md' }"),
    });
    await mkdir(path.join(cwd, "prompts"));
    await symlink(path.join(path.dirname(cwd), "outside.md"), path.join(cwd, "prompts", "link.md"));
    await symlink(path.join(path.dirname(cwd), "outdir"), path.join(cwd, "shared"));
    const err = await configError(load(cwd, ["s.yaml", "t.yaml"]));
    expect(err.problems.map((p) => [where(p), p.path])).toEqual([
      ["s.yaml:2:9", "prompt"],
      ["t.yaml:4:22", "cases[0].prompt"],
    ]);
    for (const p of err.problems) expect(p.message).toContain("outside the project");
  });

  it("refuses a prompt file over the size limit", async () => {
    const cwd = await project({ "s.yaml": valid().replace('prompt: "Say hi"', "prompt: file://big.md"), "big.md": "a".repeat(MAX_FILE_BYTES + 1) });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toMatchObject({ line: 2, col: 9, path: "prompt", message: expect.stringMatching(/the limit is 2 MiB/) });
  });

  it("refuses a suite file over the size limit without parsing it", async () => {
    const cwd = await project({ "s.yaml": valid() + `# ${"x".repeat(MAX_FILE_BYTES)}\n` });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toEqual({ file: "s.yaml", message: expect.stringMatching(/MiB; the limit is 2 MiB/) });
  });

  it("refuses binary files (a NUL byte), as prompt and as suite", async () => {
    const cwd = await project({
      "a.yaml": valid().replace('prompt: "Say hi"', "prompt: file://bin.md"),
      "bin.md": Buffer.from("hello\u0000world"),
      "b.yaml": Buffer.concat([Buffer.from(valid()), Buffer.from([0])]),
    });
    const err = await configError(load(cwd, ["a.yaml", "b.yaml"]));
    expect(err.problems).toEqual([
      { file: "a.yaml", line: 2, col: 9, path: "prompt", message: expect.stringMatching(/binary/) },
      { file: "b.yaml", message: expect.stringMatching(/binary/) },
    ]);
  });

  it("reports an invalid regular expression at its value", async () => {
    const text = lines(
      "provider: openai:gpt-4o-mini",
      "prompt: hi",
      "graders:",
      '  - { type: regex, value: "(unclosed" }',
      "cases:",
      "  - id: a",
      "    graders:",
      "      - type: not-regex",
      '        value: "a{2,1}"',
    );
    const cwd = await project({ "s.yaml": text });
    const err = await configError(load(cwd, ["s.yaml"]));
    expect(err.problems.map((p) => [where(p), p.path])).toEqual([
      ["s.yaml:4:27", "graders[0].value"],
      ["s.yaml:9:16", "cases[0].graders[0].value"],
    ]);
    for (const p of err.problems) expect(p.message).toMatch(/^invalid regular expression: /);
  });

  it("reports bad regex flags", async () => {
    const cwd = await project({
      "a.yaml": valid("graders: [{ type: regex, value: x, flags: ix }]"),
      "b.yaml": valid("graders: [{ type: regex, value: x, flags: ii }]"),
    });
    const err = await configError(load(cwd, ["a.yaml", "b.yaml"]));
    expect(err.problems).toHaveLength(2);
    expect(err.problems[0]).toMatchObject({ file: "a.yaml", line: 3, path: "graders[0].flags", message: expect.stringMatching(/regex flags/) });
    expect(err.problems[1]).toMatchObject({ file: "b.yaml", line: 3, message: expect.stringMatching(/invalid regular expression/) });
  });

  it("refuses a javascript grader outside the project", async () => {
    const text = lines(
      "provider: openai:gpt-4o-mini",
      "prompt: hi",
      "graders:",
      "  - type: javascript",
      "    file: ../grader.mjs",
      "cases:",
      "  - id: a",
      "    graders:",
      "      - { type: javascript, file: /tmp/elsewhere/g.mjs }",
    );
    const cwd = await project({ "s.yaml": text, "../grader.mjs": "export default () => true;\n" });
    const err = await configError(load(cwd, ["s.yaml"]));
    expect(err.problems.map((p) => [where(p), p.path])).toEqual([
      ["s.yaml:5:11", "graders[0].file"],
      ["s.yaml:9:35", "cases[0].graders[0].file"],
    ]);
    for (const p of err.problems) expect(p.message).toContain("outside the project");
  });

  it("refuses a javascript grader reached through a symlink that leads outside the project", async () => {
    const cwd = await project({ "s.yaml": valid("graders: [{ type: javascript, file: graders/g.mjs }]"), "../g.mjs": "export default () => true;\n" });
    await mkdir(path.join(cwd, "graders"));
    await symlink(path.join(path.dirname(cwd), "g.mjs"), path.join(cwd, "graders", "g.mjs"));
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toMatchObject({ line: 3, path: "graders[0].file", message: expect.stringContaining("outside the project") });
  });

  it("reports a javascript grader module that does not exist before anything runs", async () => {
    const cwd = await project({ "s.yaml": valid("graders: [{ type: javascript, file: graders/missing.mjs }]") });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toMatchObject({ line: 3, col: 37, path: "graders[0].file", message: expect.stringContaining("no such file") });
  });

  it("accepts file names at the project root that merely start with two dots", async () => {
    const cwd = await project({
      "s.yaml": valid("graders: [{ type: javascript, file: ..g.mjs }]").replace('prompt: "Say hi"', "prompt: file://..p.md"),
      "..g.mjs": "export default () => true;\n",
      "..p.md": "dots",
    });
    const [s] = await load(cwd, ["s.yaml"]);
    expect(s!.cases[0]!.graders[0]).toEqual({ type: "javascript", file: "..g.mjs" });
    expect(s!.cases[0]!.messages).toEqual([{ role: "user", content: "dots" }]);
  });

  it("reports a suite with no provider and no -p", async () => {
    const cwd = await project({ "s.yaml": lines("prompt: hi", "graders: [{ type: is-json }]", "cases: [{ id: a }]") });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toEqual({ file: "s.yaml", line: 1, col: 1, message: expect.stringMatching(/^no provider: /) });
  });

  it("reports a bad provider id", async () => {
    const cwd = await project({ "s.yaml": valid().replace("provider: openai:gpt-4o-mini", "provider: gpt-4o") });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toMatchObject({ line: 1, col: 11, path: "provider", message: expect.stringContaining('expected "<provider>:<model>"') });
  });

  it("names an unknown provider, in a suite and in -p", async () => {
    const cwd = await project({ "s.yaml": valid().replace("provider: openai:gpt-4o-mini", "provider: openia:gpt-4o-mini") });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toMatchObject({ line: 1, col: 11, path: "provider", message: 'unknown provider "openia": expected openai:<model>, anthropic:<model> or exec:<command>' });
    expect(() => parseProviderId("foo:bar")).toThrow('-p/--provider "foo:bar": unknown provider "foo"');
    // A known provider in the wrong form (a trailing newline, from a YAML block) is not "unknown".
    expect(() => parseProviderId("openai:gpt-4o\nx")).toThrow('expected "<provider>:<model>"');
  });

  it("reports a case with no graders at all", async () => {
    const text = lines("provider: openai:gpt-4o-mini", "prompt: hi", "cases:", "  - id: graded", "    graders: [{ type: is-json }]", "  - id: ungraded", "    graders: []");
    const cwd = await project({ "s.yaml": text });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toEqual({ file: "s.yaml", line: 6, col: 9, path: "cases[1].id", message: expect.stringContaining('case "ungraded" has no graders') });
  });

  it("reports a case with no prompt, and prompt and messages given together", async () => {
    const text = lines(
      "provider: openai:gpt-4o-mini",
      "graders: [{ type: is-json }]",
      "cases:",
      "  - id: no-prompt",
      "  - id: both",
      "    prompt: hi",
      "    messages: [{ role: user, content: hi }]",
    );
    const cwd = await project({ "s.yaml": text });
    const err = await configError(load(cwd, ["s.yaml"]));
    expect(err.problems.map((p) => [where(p), p.path])).toEqual([
      ["s.yaml:4:5", "cases[0]"],
      ["s.yaml:7:15", "cases[1].messages"],
    ]);
    expect(err.problems[0]!.message).toMatch(/^no prompt: /);
    expect(err.problems[1]!.message).toMatch(/not both/);
  });

  it("reports a provider object with an unknown config key at that key, not as bare 'Invalid input'", async () => {
    const text = lines(
      "provider:",
      "  id: openai:gpt-4o-mini",
      "  config:",
      "    temperature: 0",
      "    temprature: 1",
      "prompt: hi",
      "graders: [{ type: is-json }]",
      "cases: [{ id: a }]",
    );
    const cwd = await project({ "s.yaml": text });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p).toEqual({ file: "s.yaml", line: 5, col: 5, path: "provider.config.temprature", message: 'unknown key "temprature" (did you mean "temperature"?)' });
  });

  it("reports other provider object mistakes usefully too", async () => {
    const cwd = await project({
      "a.yaml": valid().replace("provider: openai:gpt-4o-mini", "provider:\n  id: openai:gpt-4o-mini\n  config:\n    temperature: hot"),
      "b.yaml": valid().replace("provider: openai:gpt-4o-mini", "provider:\n  config: { temperature: 1 }"),
      "c.yaml": valid().replace("provider: openai:gpt-4o-mini", "provider:\n  id: openai:gpt-4o-mini\n  model: x"),
    });
    const err = await configError(load(cwd, ["a.yaml", "b.yaml", "c.yaml"]));
    expect(err.problems.map((p) => [where(p), p.path])).toEqual([
      ["a.yaml:4:18", "provider.config.temperature"],
      ["b.yaml:2:3", "provider.id"],
      ["c.yaml:3:3", "provider.model"],
    ]);
    for (const p of err.problems) expect(p.message).not.toMatch(/Invalid input/i);
    expect(err.problems[0]!.message).toMatch(/expected number/);
    expect(err.problems[1]!.message).toMatch(/missing required key/);
    expect(err.problems[2]!.message).toBe('unknown key "model"');
  });

  it("refuses one price without the other, at the one given: alone it was ignored, the table's price used for both", async () => {
    const text = lines(
      "provider:",
      "  id: openai:gpt-4o-mini",
      "  config: { inputPricePerMTok: 9 }",
      "judge: { id: openai:gpt-4o, config: { outputPricePerMTok: 1 } }",
      "prompt: hi",
      "graders: [{ type: is-json }]",
      "cases: [{ id: a }]",
    );
    const cwd = await project({ "s.yaml": text });
    const err = await configError(load(cwd, ["s.yaml"]));
    expect(err.problems.map((p) => [where(p), p.path, p.message])).toEqual([
      ["s.yaml:3:32", "provider.config.inputPricePerMTok", "inputPricePerMTok without outputPricePerMTok: give both prices, or neither to use the built-in price table"],
      ["s.yaml:4:59", "judge.config.outputPricePerMTok", "outputPricePerMTok without inputPricePerMTok: give both prices, or neither to use the built-in price table"],
    ]);
  });

  it("refuses an anthropic temperature above 1 (the provider's, a judge's, or one -p carries) rather than clamping it", async () => {
    const cwd = await project({
      "a.yaml": lines(
        "provider: { id: anthropic:claude-haiku-4-5, config: { temperature: 1.5 } }",
        "prompt: hi",
        "graders: [{ type: rubric, value: polite, judge: { id: anthropic:claude-haiku-4-5, config: { temperature: 1.2 } } }]",
        "cases: [{ id: a }]",
      ),
      "b.yaml": lines("provider: { id: openai:gpt-4o-mini, config: { temperature: 1.5 } }", "prompt: hi", "graders: [{ type: is-json }]", "cases: [{ id: a }]"),
    });
    const err = await configError(load(cwd, ["a.yaml", "b.yaml"]));
    expect(err.problems.map((p) => [where(p), p.path, p.message])).toEqual([
      ["a.yaml:1:68", "provider.config.temperature", "temperature 1.5: anthropic:claude-haiku-4-5 takes 0 to 1 (the Messages API refuses more)"],
      ["a.yaml:3:106", "graders[0].judge.config.temperature", "temperature 1.2: anthropic:claude-haiku-4-5 takes 0 to 1 (the Messages API refuses more)"],
    ]);
    // OpenAI takes up to 2; under -p anthropic the same suite is refused at its temperature.
    expect((await load(cwd, ["b.yaml"]))[0]!.provider.config).toEqual({ temperature: 1.5 });
    const p = await problem(load(cwd, ["b.yaml"], { provider: "anthropic:claude-haiku-4-5" }));
    expect([where(p), p.message]).toEqual(["b.yaml:1:60", "temperature 1.5: anthropic:claude-haiku-4-5 takes 0 to 1 (the Messages API refuses more); -p carries the suite's sampling options to the model it names"]);
  });

  it("collects every problem in every file into one ConfigError with a summary line", async () => {
    const cwd = await project({
      "evals/a.yaml": valid("retries: 3"),
      "evals/b.yaml": lines("provider: openai:gpt-4o-mini", "prompt: hi"),
      "evals/ok.yaml": valid(),
    });
    const err = await configError(load(cwd, ["evals"]));
    expect(err.problems.map((p) => [where(p), p.path])).toEqual([
      [`${path.join("evals", "a.yaml")}:3:1`, "retries"],
      [`${path.join("evals", "b.yaml")}:1:1`, "cases"],
    ]);
    const msg = err.message.split("\n");
    expect(msg.at(-1)).toBe("2 problems in 2 files. Nothing was run.");
    expect(msg[0]).toBe(`${path.join("evals", "a.yaml")}:3:1  retries  unknown key "retries"`);
    expect(err.code).toBe("config.invalid");
    expect(err.exitCode).toBe(ExitCode.usage);
  });

  it("collects several problems within one file, from validation after the schema passes", async () => {
    const text = lines(
      "prompt: '{{x}}'",
      "graders: [{ type: regex, value: '[' }]",
      "cases:",
      "  - id: a",
      "  - id: a",
      "  - id: b",
      "    vars: { x: 1 }",
    );
    const cwd = await project({ "s.yaml": text, "t.yaml": valid("retries: 1") });
    const err = await configError(load(cwd, ["s.yaml", "t.yaml"]));
    // s.yaml: no provider, case a misses {{x}}, duplicate a (which misses it too), bad regex; t.yaml: unknown key.
    expect(err.problems).toHaveLength(6);
    expect(err.message.split("\n").at(-1)).toBe("6 problems in 2 files. Nothing was run.");
  });

  it("reports a suite name used twice, at the second file's name:", async () => {
    const cwd = await project({ "a.yaml": valid("name: same"), "b.yaml": `# the same suite, copied\n\n${valid("name: same")}` });
    const p = await problem(load(cwd, ["a.yaml", "b.yaml"]));
    expect(p).toMatchObject({ file: "b.yaml", message: expect.stringContaining('suite name "same" is already used by a.yaml') });
    const line = `# the same suite, copied\n\n${valid("name: same")}`.split("\n").findIndex((l) => l.startsWith("name:")) + 1;
    expect([p.line, p.col]).toEqual([line, "name: ".length + 1]);
  });

  it("reports a name taken from the file, when the second suite has no name:, at line 1", async () => {
    const cwd = await project({ "a.yaml": valid("name: b"), "b.yaml": valid() });
    const p = await problem(load(cwd, ["a.yaml", "b.yaml"]));
    expect(p).toMatchObject({ file: "b.yaml", line: 1, col: 1, message: expect.stringContaining('suite name "b" is already used by a.yaml') });
  });

  it("loads a file named twice only once", async () => {
    const cwd = await project({ "evals/s.yaml": valid() });
    const suites = await load(cwd, ["evals", "evals/s.yaml", "./evals/s.yaml"]);
    expect(suites).toHaveLength(1);
  });

  it("throws a UsageError when a folder has no suite files", async () => {
    const cwd = await project({ "evals/readme.md": "x", "evals/.hidden.yaml": valid(), "evals/node_modules/pkg/s.yaml": valid() });
    await mkdir(path.join(cwd, "empty"));
    for (const paths of [["evals"], ["empty"], []]) {
      const err = await load(cwd, paths).catch((e: unknown) => e);
      expect(err, JSON.stringify(paths)).toBeInstanceOf(UsageError);
      expect((err as UsageError).exitCode).toBe(ExitCode.usage);
    }
  });

  it("throws a ConfigError naming every path that does not exist", async () => {
    const cwd = await project({ "s.yaml": valid() });
    const err = await configError(load(cwd, ["nope.yaml", "s.yaml", "missing/dir"]));
    expect(err.problems).toEqual([
      // Sorted by file, whatever order they were given in.
      { file: "missing/dir", message: "no such file or folder" },
      { file: "nope.yaml", message: "no such file or folder" },
    ]);
    expect(err.message.split("\n").at(-1)).toBe("2 problems in 2 files. Nothing was run.");
  });
});

describe("hostile YAML", () => {
  it("reports an alias bomb as a config error rather than crashing", async () => {
    const text = lines(
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
    );
    const cwd = await project({ "s.yaml": text });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p.message).toMatch(/^invalid YAML: /);
    // The library's error has no position: it points at the first alias, where the expansion starts.
    expect(where(p)).toBe("s.yaml:2:8");
  });

  it("reports a merge key with an undefined alias as a config error", async () => {
    const cwd = await project({ "s.yaml": "<<: [*nowhere]\n" });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p.message).toMatch(/^invalid YAML: /);
    expect(where(p)).toBe("s.yaml:1:6");
  });

  it("names where an alias is used before its anchor is set", async () => {
    const text = lines("provider: openai:gpt-4o-mini", 'prompt: "x"', "cases:", "  - id: a", "    graders: *g", "  - id: b", "    graders: &g", "      - type: contains", "        value: x");
    const cwd = await project({ "s.yaml": text });
    const p = await problem(load(cwd, ["s.yaml"]));
    expect(p.message).toBe("invalid YAML: Unresolved alias (the anchor must be set before the alias): g");
    expect(where(p)).toBe("s.yaml:5:14");
  });

  it("reports a non-mapping tagged value (binary, set) as one problem, not one per property", async () => {
    for (const text of ["!!binary aGVsbG8gd29ybGQ=\n", "!!set { a, b }\n"]) {
      const cwd = await project({ "s.yaml": text });
      const p = await problem(load(cwd, ["s.yaml"]));
      expect(p.message, text).toMatch(/^expected a suite: a mapping/);
    }
  });

  it("survives very deep nesting, more than once in one process, with one problem per file", async () => {
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
    const cwd = await project({
      "a.yaml": deep(2000),
      "b.yaml": deep(3000),
      "c.yaml": `x: ${"{a: ".repeat(2000)}1${"}".repeat(2000)}\n`,
      "d.yaml": "[".repeat(5000),
    });
    for (let i = 0; i < 2; i++) {
      const err = await configError(load(cwd, ["a.yaml", "b.yaml", "c.yaml", "d.yaml"]));
      expect(err.problems.map((p) => p.file)).toEqual(["a.yaml", "b.yaml", "c.yaml", "d.yaml"]);
      for (const p of err.problems) expect(p.message).toMatch(/nested/);
    }
  });

  it("accepts nesting as deep as a real json-schema grader needs", async () => {
    let schema = "{ type: string }";
    for (let i = 0; i < 30; i++) schema = `{ type: object, properties: { p: ${schema} } }`;
    const cwd = await project({ "s.yaml": valid(`graders: [{ type: json-schema, schema: ${schema} }]`) });
    const [s] = await load(cwd, ["s.yaml"]);
    expect(s!.cases[0]!.graders[0]!.type).toBe("json-schema");
  });
});

describe("garbage in, ConfigError out (property test)", () => {
  const prng = mulberry32;

  const KEYS = [
    "provider", "prompt", "messages", "cases", "graders", "vars", "trials", "name", "description", "threshold",
    "id", "type", "value", "flags", "file", "export", "config", "schema", "role", "content", "passAtK", "baseURL",
    "__proto__", "constructor", "<<", "", "x y", "0",
  ];
  const SCALARS = [
    "openai:gpt-4o-mini", "exec:node a.js", "openai:", "contains", "containz", "regex", "javascript", "json-schema", "is-json",
    "max-cost", "user", "system", "file://p.md", "file://../x.md", "file:///etc/passwd", "file://", "{{x}}", "{{ a.b }}", "{{",
    "(", "[a-", "a", "", " ", "~", "null", "true", "yes", "0", "-1", "1e400", "0x1F", ".nan", "-.inf", "2001-12-14",
    "*a", "&a x", "!!binary aGk=", "!!int x", "!foo bar", "\u0000", "\uFFFF", "\uD800", "é", "\t", "---", "...", "%YAML 1.2",
  ];

  function generate(rand: () => number): string | Buffer {
    const int = (n: number) => Math.floor(rand() * n);
    const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
    const scalar = (): string => {
      const r = rand();
      if (r < 0.45) return JSON.stringify(pick(SCALARS));
      if (r < 0.75) return pick(SCALARS).replace(/^$/, '""');
      if (r < 0.9) return String(int(1000) - 10);
      return JSON.stringify(String.fromCharCode(...Array.from({ length: int(8) }, () => int(0x2fff))));
    };
    const node = (depth: number, indent: string): string => {
      const r = rand();
      if (depth > 4 || r < 0.35) return ` ${scalar()}`;
      const n = int(4);
      if (r < 0.5) return ` [${Array.from({ length: n }, () => node(5, "").trim()).join(", ")}]`;
      if (r < 0.6) return ` {${Array.from({ length: n }, () => `${pick(KEYS) || '""'}: ${node(5, "").trim()}`).join(", ")}}`;
      if (r < 0.8) return Array.from({ length: n + 1 }, () => `\n${indent}- ${node(depth + 1, `${indent}  `).trim()}`).join("");
      return Array.from({ length: n + 1 }, () => `\n${indent}${JSON.stringify(pick(KEYS))}:${node(depth + 1, `${indent}  `)}`).join("");
    };
    const seeds = [
      valid(),
      valid("graders: [{ type: javascript, file: g.mjs }, { type: regex, value: 'a+', flags: i }]", "vars: { x: 1 }"),
      lines(
        "provider: { id: openai:gpt-4o-mini, config: { temperature: 0 } }",
        "messages: [{ role: system, content: 'be {{x}}' }, { role: user, content: hi }]",
        "vars: { x: terse }",
        "graders: [{ type: json-schema, schema: { type: object } }, { type: max-cost, value: 0.1 }]",
        "threshold: { passAtK: 0.5 }",
        "cases:",
        "  - { id: a, prompt: 'file://p.md', vars: { y: 2 } }",
        "  - id: b",
        "    graders: [{ type: not-icontains, value: sorry }]",
      ),
    ];
    const kind = int(6);
    switch (kind) {
      case 0: // random bytes
        return Buffer.from(Array.from({ length: int(300) }, () => int(256)));
      case 1: // random YAML-ish characters
        return Array.from({ length: int(300) }, () => pick([..."abc:-[]{}#&*!|>'\"%@`,?\n\n  \t{}xyz0123.~\\"])).join("");
      case 2: // a random document: a scalar, a sequence or a map built from the suite's vocabulary
        return node(0, "").replace(/^\s+/, "") + "\n";
      case 3: { // a valid suite cut short
        const s = pick(seeds);
        return s.slice(0, int(s.length + 1));
      }
      case 4: { // a valid suite with one value or key replaced
        const s = pick(seeds).split("\n");
        const i = int(s.length);
        s[i] = rand() < 0.5 ? s[i]!.replace(/:\s.*$/, `:${node(3, "      ")}`) : s[i]!.replace(/[A-Za-z-]+/, pick(KEYS) || "x");
        return s.join("\n");
      }
      default: { // a valid suite with random characters inserted or deleted
        let s = pick(seeds);
        for (let n = int(5) + 1; n > 0; n--) {
          const at = int(s.length);
          s = rand() < 0.5 ? s.slice(0, at) + pick([..." \n\t:-[]{}#&*!'\",|>"]) + s.slice(at) : s.slice(0, at) + s.slice(at + 1 + int(3));
        }
        return s;
      }
    }
  }

  it("never throws anything but ConfigError or UsageError, and a success is well-formed", async () => {
    const cwd = await project({ "p.md": "Prompt {{x}} {{y}}", "g.mjs": "export default () => true;\n" });
    const rand = prng(0x5eed);
    let loaded = 0;
    let rejected = 0;
    for (let i = 0; i < 400; i++) {
      const input = generate(rand);
      await writeFile(path.join(cwd, "s.yaml"), input);
      let suites: LoadedSuite[];
      try {
        suites = await load(cwd, ["s.yaml"]);
      } catch (err) {
        const ok = err instanceof ConfigError || err instanceof UsageError;
        if (!ok) throw new Error(`input #${i} threw ${String(err)}; input was ${JSON.stringify(input.toString())}`, { cause: err });
        if (err instanceof ConfigError) {
          expect(err.problems.length, `input #${i}`).toBeGreaterThan(0);
          for (const p of err.problems) {
            expect(p.file).toBe("s.yaml");
            expect(typeof p.message).toBe("string");
            if (p.line !== undefined) expect(p.line).toBeGreaterThanOrEqual(1);
          }
        }
        rejected++;
        continue;
      }
      loaded++;
      expect(suites).toHaveLength(1);
      for (const c of suites[0]!.cases) {
        expect(c.graders.length).toBeGreaterThan(0);
        expect(c.messages.length).toBeGreaterThan(0);
        expect(c.promptHash).toMatch(/^[0-9a-f]{16}$/);
        for (const m of c.messages) expect(m.content).not.toMatch(/\{\{\s*[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*\s*\}\}/);
      }
    }
    // The generator must exercise both outcomes, or it tests nothing.
    expect(rejected).toBeGreaterThan(100);
    expect(loaded).toBeGreaterThan(5);
  }, 60_000);
});

describe("exec: command lines are checked at load", () => {
  it("an empty or unclosed command is a config problem at the provider's line, and a bad -p is a usage error", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "harness-exec-cmd-"));
    await mkdir(path.join(dir, "evals"));
    const body = 'prompt: "hi"\ncases:\n  - id: a\n    graders: [{ type: contains, value: x }]\n';
    await writeFile(path.join(dir, "evals/a.yaml"), `provider: "exec:node 'unclosed"\n${body}`);
    await writeFile(path.join(dir, "evals/b.yaml"), `name: b\nprovider:\n  id: "exec:   "\n${body}`);
    const err = await loadSuites(["evals"], { cwd: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toEqual([
      expect.objectContaining({ file: path.join("evals", "a.yaml"), line: 1, col: 11, message: expect.stringMatching(/unclosed ' quote/) }),
      expect.objectContaining({ file: path.join("evals", "b.yaml"), line: 3, col: 7, message: expect.stringMatching(/command is empty/) }),
    ]);
    const usage = await loadSuites(["evals/a.yaml"], { cwd: dir, provider: "exec:x" }).then(() => null);
    expect(usage).toBeNull();
    expect(() => parseProviderId('exec:"open')).toThrow(UsageError);
    expect(() => parseProviderId("exec:node app.js")).not.toThrow();
  });
});

describe("problems a person can read", () => {
  it("are sorted by file and line, capped per file, and a non-suite file is refused by name", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "harness-readable-"));
    await mkdir(path.join(dir, "evals"));
    // 30 unknown keys: more than are shown for one file.
    const keys = Array.from({ length: 30 }, (_, i) => `bogus${i}: 1`).join("\n");
    await writeFile(path.join(dir, "evals/a.yaml"), `trails: 3\n${keys}\nprovider: openai:gpt-4o-mini\nprompt: "x"\ncases:\n  - id: a\n    graders: [{ type: equals, value: 42 }]\n`);
    await writeFile(path.join(dir, "evals/baseline.json"), "{}");
    const err = await loadSuites(["evals/a.yaml", "evals/baseline.json"], { cwd: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const c = err as ConfigError;
    // The file list problem comes first and alone: files are found before any is read.
    expect(c.problems).toEqual([{ file: path.join("evals", "baseline.json"), message: "not a suite file: suites are *.yaml or *.yml" }]);
    const again = await loadSuites(["evals/a.yaml"], { cwd: dir }).catch((e: unknown) => e as ConfigError);
    const lines = (again as ConfigError).problems.map((p) => p.line ?? 0);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect((again as ConfigError).problems[0]!.message).toBe('unknown key "trails" (did you mean "trials"?)');
    const text = (again as ConfigError).message.split("\n");
    expect(text.filter((l) => l.includes("unknown key"))).toHaveLength(20);
    expect(text).toContain(`${path.join("evals", "a.yaml")}  … and 11 more problems in this file`);
    expect(text.at(-1)).toBe("31 problems in 1 file. Nothing was run.");
  });

  it("an unquoted number or boolean is accepted as a string grader's value", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "harness-scalar-"));
    await writeFile(path.join(dir, "s.yaml"), 'provider: openai:gpt-4o-mini\nprompt: "x"\ncases:\n  - id: a\n    graders: [{ type: equals, value: 42 }, { type: contains, value: true }]\n');
    const [suite] = await loadSuites(["s.yaml"], { cwd: dir });
    expect(suite!.cases[0]!.graders).toEqual([
      { type: "equals", value: "42" },
      { type: "contains", value: "true" },
    ]);
  });
});

describe("every problem in one pass", () => {
  it("checks what is valid in a file even when other parts are not: vars, regexes, grader files, duplicate ids", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "harness-all-at-once-"));
    await writeFile(
      path.join(dir, "two.yaml"),
      [
        "provider: openai:gpt-4o-mini",
        'prompt: "Hi {{missing}}"',
        'trials: "five"',
        "cases:",
        "  - id: a",
        "    vars: { other: 1 }",
        "    graders:",
        "      - type: regex",
        '        value: "(unclosed"',
        "      - type: javascript",
        "        file: nope.js",
        "      - type: containz",
        "        value: x",
        "  - id: a",
        "    graders: [{ type: contains, value: y }]",
        "",
      ].join("\n"),
    );
    const err = (await loadSuites(["two.yaml"], { cwd: dir }).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems.map((p) => [p.line, p.path])).toEqual([
      [3, "trials"],
      [6, "cases[0].vars"],
      [9, "cases[0].graders[0].value"],
      [11, "cases[0].graders[1].file"],
      [12, "cases[0].graders[2].type"],
      // The duplicate id, and the {{missing}} the duplicate does not supply either.
      [14, "cases[1].id"],
      [14, "cases[1].id"],
    ]);
  });

  it("a duplicate case id does not hide that case's other problems", async () => {
    const text = lines(
      /*  1 */ "provider: openai:gpt-4o-mini",
      /*  2 */ 'prompt: "Customer asks: {{question}}"',
      /*  3 */ "cases:",
      /*  4 */ "  - id: refund",
      /*  5 */ '    vars: { question: "Can I return it?" }',
      /*  6 */ "    graders: [{ type: contains, value: days }]",
      /*  7 */ "  - id: refund",
      /*  8 */ '    vars: { order: "00412" }',
      /*  9 */ "    graders: []",
    );
    const cwd = await project({ "s.yaml": text });
    const err = await configError(load(cwd, ["s.yaml"]));
    expect(err.message).toBe(
      lines(
        's.yaml:7:9  cases[1].id  duplicate case id "refund" (first used by cases[0]); ids must be unique within a suite',
        's.yaml:7:9  cases[1].id  case "refund" has no graders, so it could never fail; add `graders:` to the case or the suite',
        's.yaml:8:11  cases[1].vars  the prompt (prompt) uses {{question}} but case "refund" does not supply it in `vars:`',
        "3 problems in 1 file. Nothing was run.",
      ).trimEnd(),
    );
  });

  it("a prompt that cannot be used does not hide a case's empty graders", async () => {
    const text = lines(
      /* 1 */ "provider: openai:gpt-4o-mini",
      /* 2 */ "prompt: file://../outside.md",
      /* 3 */ "cases:",
      /* 4 */ "  - id: a",
      /* 5 */ "    graders: []",
      /* 6 */ "  - id: b",
      /* 7 */ "    prompt: hi",
      /* 8 */ "    messages: [{ role: user, content: hi }]",
      /* 9 */ "    graders: []",
    );
    const cwd = await project({ "s.yaml": text, "../outside.md": "secret" });
    const err = await configError(load(cwd, ["s.yaml"]));
    expect(err.message).toBe(
      lines(
        `s.yaml:2:9  prompt  file:// prompts must stay inside the project folder; file://../outside.md points outside the project (${cwd})`,
        's.yaml:4:9  cases[0].id  case "a" has no graders, so it could never fail; add `graders:` to the case or the suite',
        's.yaml:6:9  cases[1].id  case "b" has no graders, so it could never fail; add `graders:` to the case or the suite',
        "s.yaml:8:15  cases[1].messages  give either `prompt:` or `messages:`, not both",
        "4 problems in 1 file. Nothing was run.",
      ).trimEnd(),
    );
  });

  it("does not invent problems from the invalid parts: a bad provider is not also 'no provider'", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "harness-no-echo-"));
    await writeFile(path.join(dir, "s.yaml"), 'provider: 42\nvars: "not a map"\nprompt: "Hi {{name}}"\ncases:\n  - id: a\n    graders: [{ type: contains, value: y }]\n');
    const err = (await loadSuites(["s.yaml"], { cwd: dir }).catch((e: unknown) => e)) as ConfigError;
    expect(err.problems.map((p) => p.path)).toEqual(["provider", "vars"]);
  });
});

describe("zod's messages, in plain words", () => {
  it("says a bound and a choice as the rest of the messages do", async () => {
    const text = 'provider: exec:echo ok\ntrials: 0\nmessages:\n  - { role: sys, content: x }\ngraders: [{ type: contains, value: ok }]\ncases:\n  - id: a\n';
    const err = await configError(load(await project({ "s.yaml": text }), ["s.yaml"]));
    expect(err.problems.map((p) => [p.path, p.message])).toEqual([
      ["trials", "expected a number ≥ 1"],
      ["messages[0].role", "expected one of: system, user, assistant"],
    ]);
  });
});

describe("{{var}} in graders", () => {
  it("is taken as written: a check that no raw placeholder leaked stays one", async () => {
    const text = 'provider: openai:gpt-4o-mini\nprompt: "Greet {{customer_name}}"\ngraders:\n  - { type: not-contains, value: "{{customer_name}}" }\ncases:\n  - id: a\n    vars: { customer_name: Alice }\n';
    const [suite] = await load(await project({ "s.yaml": text }), ["s.yaml"]);
    expect(suite!.cases[0]!.messages[0]!.content).toBe("Greet Alice");
    expect(suite!.cases[0]!.graders).toEqual([{ type: "not-contains", value: "{{customer_name}}" }]);
  });
});

describe("line endings", () => {
  it("a file:// prompt checked out with CRLF, or saved with a byte-order mark, renders and hashes as with LF", async () => {
    const lf = await mkdtemp(path.join(os.tmpdir(), "harness-lf-"));
    const crlf = await mkdtemp(path.join(os.tmpdir(), "harness-crlf-"));
    const suite = 'provider: openai:gpt-4o-mini\nprompt: file://p.md\ncases:\n  - id: a\n    vars: { q: hi }\n    graders: [{ type: contains, value: y }]\n';
    await writeFile(path.join(lf, "s.yaml"), suite);
    await writeFile(path.join(lf, "p.md"), "Policy:\nbe kind\nQ: {{q}}\n");
    // Saved by a Windows editor: CRLF, and a byte-order mark first in both files.
    await writeFile(path.join(crlf, "s.yaml"), `\uFEFF${suite.replace(/\n/g, "\r\n")}`);
    await writeFile(path.join(crlf, "p.md"), "\uFEFFPolicy:\r\nbe kind\r\nQ: {{q}}\r\n");
    const [a] = await loadSuites(["s.yaml"], { cwd: lf });
    const [b] = await loadSuites(["s.yaml"], { cwd: crlf });
    expect(b!.cases[0]!.messages).toEqual(a!.cases[0]!.messages);
    expect(b!.cases[0]!.promptHash).toBe(a!.cases[0]!.promptHash);
  });
});

describe("json-schema graders", () => {
  it("an invalid JSON Schema is a config problem at its line, found before any call", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "harness-bad-schema-"));
    await writeFile(
      path.join(dir, "s.yaml"),
      'provider: openai:gpt-4o-mini\nprompt: "x"\ncases:\n  - id: a\n    graders:\n      - type: json-schema\n        schema: { type: objekt }\n',
    );
    const err = (await loadSuites(["s.yaml"], { cwd: dir }).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems).toEqual([expect.objectContaining({ line: 7, col: 17, path: "cases[0].graders[0].schema", message: expect.stringMatching(/^invalid JSON Schema: .*type/) })]);
  });
});

describe("several YAML documents in one file", () => {
  it("are refused with advice, not the parser's API hint", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "harness-multidoc-"));
    await writeFile(path.join(dir, "s.yaml"), 'provider: openai:gpt-4o-mini\nprompt: "x"\ncases: [{ id: a, graders: [{ type: is-json }] }]\n---\nname: second\n');
    const err = (await loadSuites(["s.yaml"], { cwd: dir }).catch((e: unknown) => e)) as ConfigError;
    expect(err.problems).toEqual([expect.objectContaining({ line: 4, message: expect.stringMatching(/one YAML document; this one has several/) })]);
    expect(err.message).not.toMatch(/parseAllDocuments/);
  });
});

describe("judges for model-graded graders", () => {
  const body = (graders: string) => `provider: openai:gpt-4o-mini\nprompt: "x"\ncases:\n  - id: a\n    graders:\n${graders}`;

  it("a model-graded grader without a judge anywhere is a problem at its type", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "harness-judge-"));
    await writeFile(path.join(dir, "s.yaml"), body("      - type: rubric\n        value: polite\n"));
    const err = (await loadSuites(["s.yaml"], { cwd: dir }).catch((e: unknown) => e)) as ConfigError;
    expect(err.problems).toEqual([expect.objectContaining({ line: 6, col: 15, message: expect.stringMatching(/^a rubric grader needs a judge/) })]);
    // --judge supplies it.
    const [s] = await loadSuites(["s.yaml"], { cwd: dir, judge: "anthropic:claude-haiku-4-5" });
    expect(s!.judge).toEqual({ id: "anthropic:claude-haiku-4-5", config: {} });
  });

  it("the grader's judge, then --judge, then the suite's", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "harness-judge-"));
    await writeFile(
      path.join(dir, "s.yaml"),
      `judge: { id: openai:gpt-4o, config: { temperature: 0 } }\n${body("      - type: rubric\n        value: polite\n        judge: anthropic:claude-haiku-4-5\n        votes: 3\n")}`,
    );
    const [plain] = await loadSuites(["s.yaml"], { cwd: dir });
    expect(plain!.judge).toEqual({ id: "openai:gpt-4o", config: { temperature: 0 } });
    expect(plain!.cases[0]!.graders[0]).toEqual({ type: "rubric", value: "polite", judge: "anthropic:claude-haiku-4-5", votes: 3 });
    const [over] = await loadSuites(["s.yaml"], { cwd: dir, judge: "openai:gpt-4o-mini" });
    expect(over!.judge).toEqual({ id: "openai:gpt-4o-mini", config: {} });
  });

  it("a judge must be a model, not an exec command; votes and accept are checked", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "harness-judge-"));
    await writeFile(
      path.join(dir, "s.yaml"),
      `judge: "exec:node j.js"\n${body("      - type: factuality\n        value: Paris\n        votes: 2\n        accept: [close-enough]\n")}`,
    );
    const err = (await loadSuites(["s.yaml"], { cwd: dir }).catch((e: unknown) => e)) as ConfigError;
    expect(err.problems.map((p) => p.path)).toEqual(["judge", "cases[0].graders[0].votes", "cases[0].graders[0].accept[0]"]);
    expect(err.problems[1]!.message).toBe("expected an odd number, so that there is always a majority");
    const { parseJudgeId } = await import("../src/config/load.js");
    expect(() => parseJudgeId("exec:node j.js")).toThrow(UsageError);
    expect(parseJudgeId("openai:gpt-4o-mini")).toBe("openai:gpt-4o-mini");
  });
});

describe("keys that belong to other graders, and judges without a provider", () => {
  it("says which graders take a key instead of 'did you mean' the same word", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "harness-keys-"));
    await writeFile(
      path.join(dir, "s.yaml"),
      'provider: openai:gpt-4o-mini\nprompt: "x"\ncases:\n  - id: a\n    graders:\n      - { type: icontains, value: y, votes: 3 }\n      - { type: rubric, value: r, judge: gpt-4o-mini }\n',
    );
    const err = (await loadSuites(["s.yaml"], { cwd: dir }).catch((e: unknown) => e)) as ConfigError;
    const messages = err.problems.map((p) => p.message);
    expect(messages).toContain('"votes" is not a key here: only rubric, closed-qa, factuality graders take it');
    expect(messages.some((m) => m.startsWith('expected a model as "<provider>:<model>"') && !m.includes("exec"))).toBe(true);
  });
});

describe("what people write that YAML reads otherwise", () => {
  it("ignores top-level x- keys, a place for anchors, while a mistyped key is still refused", async () => {
    const text = (extra: string) =>
      lines(
        "provider: openai:gpt-4o-mini",
        'prompt: "{{q}}"',
        "x-graders: &polite",
        "  - type: not-icontains",
        "    value: sorry",
        extra,
        "cases:",
        "  - id: a",
        "    vars: { q: one }",
        "    graders: *polite",
      );
    const [suite] = await load(await project({ "s.yaml": text("x-note: plain, for the simple reader") }), ["s.yaml"]);
    expect(suite!.cases[0]!.graders).toEqual([expect.objectContaining({ type: "not-icontains", value: "sorry" })]);
    // Only the top level: a case's keys stay strict.
    const typo = await problem(load(await project({ "s.yaml": text("xgraders: 1") }), ["s.yaml"]));
    expect(typo).toMatchObject({ line: 6, message: 'unknown key "xgraders" (did you mean "graders"?)' });
    const inCase = await problem(load(await project({ "s.yaml": `${text("")}\n    x-note: no\n` }), ["s.yaml"]));
    expect(inCase.message).toBe(`unknown key "x-note" (x- keys are ignored only at a suite's top level)`);
    const simple = await load(await project({ "s.yaml": 'provider: openai:gpt-4o-mini\nprompt: hi\nx-owner: team-a\ngraders:\n  - { type: contains, value: x }\ncases:\n  - id: a\n' }), ["s.yaml"]);
    expect(simple[0]!.cases.map((c) => c.id)).toEqual(["a"]);
  });

  it("merges `<<: *anchor` into a mapping, the mapping's own keys winning", async () => {
    const text = lines(
      "provider: openai:gpt-4o-mini",
      'prompt: "{{q}} in {{lang}}"',
      "graders:",
      "  - type: contains",
      "    value: x",
      "cases:",
      "  - id: a",
      "    vars: &base",
      "      q: one",
      "      lang: fr",
      "  - id: b",
      "    vars:",
      "      <<: *base",
      "      q: two",
    );
    const [suite] = await load(await project({ "s.yaml": text }), ["s.yaml"]);
    expect(suite!.cases.map((c) => c.vars)).toEqual([{ q: "one", lang: "fr" }, { q: "two", lang: "fr" }]);
    expect(suite!.cases[1]!.messages[0]!.content).toBe("two in fr");
    expect(suite!.cases.map((c) => c.line)).toEqual([7, 11]);
  });

  it("says to quote a {{template}} that YAML read as a mapping, and lets no library warning out", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    try {
      const cwd = await project({ "s.yaml": lines("provider: openai:gpt-4o-mini", "prompt: {{q}}", "cases:", "  - id: a", "    vars: { q: x }", "    graders:", "      - type: contains", "        value: x") });
      const p = await problem(load(cwd, ["s.yaml"]));
      expect(where(p)).toBe("s.yaml:2:9");
      expect(p.message).toBe('expected string, received object: a value that starts with { is read as a YAML mapping; put a {{template}} in quotes, e.g. "{{question}}"');
      // Node emits process warnings on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it("refuses a file that is not UTF-8, naming the first bad byte and its line, instead of sending U+FFFD", async () => {
    const latin1 = Buffer.from(lines("provider: openai:gpt-4o-mini", 'prompt: "caf\u00e9 {{q}}"', "cases: []"), "latin1");
    // 29 bytes of line 1, then `prompt: "caf` (12): the é is byte 42.
    const cwd = await project({ "s.yaml": latin1, "p.md": Buffer.from([0x6f, 0x6b, 0x0a, 0xff, 0x0a]), "t.yaml": valid().replace('prompt: "Say hi"', "prompt: file://p.md") });
    expect(await problem(load(cwd, ["s.yaml"]))).toEqual({ file: "s.yaml", message: "not valid UTF-8 (byte 42, line 2): save the file as UTF-8" });
    const p = await problem(load(cwd, ["t.yaml"]));
    expect(p.message).toBe("file://p.md: not valid UTF-8 (byte 4, line 2): save the file as UTF-8");
    expect(where(p)).toBe("t.yaml:2:9");
  });
});

describe("unquoted grader values", () => {
  const suite = (...graders: string[]) =>
    lines("provider: openai:gpt-4o-mini", 'prompt: "Which version?"', "graders:", "  - type: contains", "    value: 1.10", "cases:", "  - id: a", "    graders:", ...graders);
  const valuesOf = async (text: string) => (await load(await project({ "s.yaml": text }), ["s.yaml"]))[0]!.cases[0]!.graders.map((g) => ("value" in g ? g.value : undefined));

  it("are compared as written, not as the number or boolean YAML reads: as the simple reader reads them", async () => {
    const text = suite("      - type: starts-with", "        value: True", "      - type: max-latency-ms", "        value: 1500", "      - type: contains", '        value: "1.10"');
    // Read without the library: the simple reader keeps each plain scalar's text.
    expect(parseSimpleYaml(text)?.sourceOf(["cases", 0, "graders", 0, "value"])).toBe("True");
    expect(await valuesOf(text)).toEqual(["1.10", "True", 1500, "1.10"]);
  });

  it("and as the yaml library reads them, for what the simple reader leaves to it (007, 1e3, an anchor)", async () => {
    const text = suite("      - type: equals", "        value: 007", "      - type: not-contains", "        value: 1e3", "      - type: starts-with", "        value: &t True");
    expect(parseSimpleYaml(text)).toBeUndefined();
    expect(await valuesOf(text)).toEqual(["1.10", "007", "1e3", "True"]);
  });

  it("in a flow collection too", async () => {
    const text = lines("provider: openai:gpt-4o-mini", 'prompt: "x"', "cases:", "  - id: a", "    graders: [{ type: equals, value: 1.10 }, { type: contains, value: 42 }]");
    expect(await valuesOf(text)).toEqual(["1.10", "42"]);
  });

  it("through an anchor shared by cases, and a merge key, as written in place (1.10, not 1.1)", async () => {
    const text = lines(
      "provider: openai:gpt-4o-mini",
      'prompt: "x"',
      "x-version: &v [{ type: equals, value: 1.10 }]",
      "x-base: &base { type: contains, value: 007 }",
      "cases:",
      "  - id: a",
      "    graders: *v",
      "  - id: b",
      "    graders: [{ <<: *base }, { <<: [*base], value: 1e3 }]",
    );
    const loaded = (await load(await project({ "s.yaml": text }), ["s.yaml"]))[0]!.cases.map((c) => c.graders.map((g) => ("value" in g ? g.value : undefined)));
    expect(loaded).toEqual([["1.10"], ["007", "1e3"]]);
  });
});
