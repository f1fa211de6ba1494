/** Human review: the reviews file, what is offered for review, the session loop, and judge agreement. */
import { createHash } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { judgeAgreement } from "../src/core/agreement.js";
import { outputHash } from "../src/core/hash.js";
import { cohensKappa, kappaInterval } from "../src/core/stats.js";
import { mulberry32 } from "../src/core/random.js";
import { FACTUALITY_CHOICES, type FactualityChoice, type GraderSpec } from "../src/config/schema.js";
import type { Grade, LoadedCase, RawRun, SuiteResult, TrialResult } from "../src/core/types.js";
import { ConfigError } from "../src/errors.js";
import { reviewKey } from "../src/graders/review-key.js";
import { reviewedItems, reviewItems } from "../src/reviews/items.js";
import { runReviewSession } from "../src/reviews/session.js";
import { openReviews, type Review } from "../src/reviews/store.js";

async function tempFile(name: string, text?: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "harness-reviews-"));
  const file = path.join(dir, name);
  if (text !== undefined) await writeFile(file, text);
  return file;
}

const review = (over: Partial<Review> = {}): Review => ({
  suite: "s",
  caseId: "c",
  grader: "human:abcd1234",
  outputHash: "0123456789abcdef",
  verdict: "pass",
  reviewer: "ana",
  time: "2026-11-24T10:00:00.000Z",
  ...over,
});

/** The prompt a lookup is for; the helper's lines name none, as lines written before verdicts named one. */
const P = "fedcba9876543210";

describe("the reviews file", () => {
  it("a missing file is empty; verdicts are appended one line each and found again; a later line wins", async () => {
    const file = await tempFile("reviews.jsonl");
    const store = await openReviews(file);
    expect(store.size()).toBe(0);
    await store.add(review());
    await store.add(review({ verdict: "fail", note: "on second thought" }));
    const text = await readFile(file, "utf8");
    expect(text.split("\n")).toHaveLength(3); // two lines and the final newline
    const again = await openReviews(file);
    expect(again.get("s", "c", "human:abcd1234", "0123456789abcdef", P)).toMatchObject({ verdict: "fail", note: "on second thought" });
    expect(again.get("s", "c", "human:other", "0123456789abcdef", P)).toBeUndefined();
  });

  it("a verdict answers the prompt it was given to; a line naming none answers any", async () => {
    const file = await tempFile("reviews.jsonl");
    const store = await openReviews(file);
    const asked = "1111111111111111";
    await store.add(review({ promptHash: asked, verdict: "fail" }));
    const again = await openReviews(file);
    expect(again.get("s", "c", "human:abcd1234", "0123456789abcdef", asked)?.verdict).toBe("fail");
    // The same output to another question has no verdict yet.
    expect(again.get("s", "c", "human:abcd1234", "0123456789abcdef", "2222222222222222")).toBeUndefined();
    // A line without a prompt (as older versions wrote) answers any prompt; the later of it and one for this prompt wins.
    await again.add(review({ verdict: "pass", time: "2026-11-25T10:00:00.000Z" }));
    expect(again.get("s", "c", "human:abcd1234", "0123456789abcdef", "2222222222222222")?.verdict).toBe("pass");
    expect(again.get("s", "c", "human:abcd1234", "0123456789abcdef", asked)?.verdict).toBe("pass");
    await again.add(review({ promptHash: asked, verdict: "fail", time: "2026-11-26T10:00:00.000Z" }));
    expect(again.get("s", "c", "human:abcd1234", "0123456789abcdef", asked)?.verdict).toBe("fail");
  });

  it("reads a line with a field a later version added, rather than stopping the run", async () => {
    const file = await tempFile("reviews.jsonl", `${JSON.stringify({ ...review(), confidence: "high" })}\n`);
    expect((await openReviews(file)).get("s", "c", "human:abcd1234", "0123456789abcdef", P)?.verdict).toBe("pass");
  });

  it("a byte-order mark an editor put before the first line is not part of it", async () => {
    const file = await tempFile("reviews.jsonl", `\uFEFF${JSON.stringify(review())}\n`);
    expect((await openReviews(file)).get("s", "c", "human:abcd1234", "0123456789abcdef", P)).toMatchObject({ verdict: "pass" });
  });

  it("a file edited by hand into something invalid names every bad line", async () => {
    const good = JSON.stringify(review());
    const file = await tempFile("reviews.jsonl", [good, "{not json", good.replace('"pass"', '"maybe"'), "", good].join("\n"));
    const err = await openReviews(file, "evals/reviews.jsonl").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => [p.file, p.line, p.path ?? ""])).toEqual([
      ["evals/reviews.jsonl", 2, ""],
      ["evals/reviews.jsonl", 3, "verdict"],
    ]);
    expect((err as ConfigError).problems[0]!.message).toMatch(/not valid JSON/);
  });

  it("every problem of a bad line, in plain words, each at its column (a missing key at its object)", async () => {
    const bad = JSON.stringify(review({ outputHash: "xyz", verdict: "maybe" as Review["verdict"], time: "yesterday" }));
    const file = await tempFile("reviews.jsonl", `${JSON.stringify(review())}\n{"suite": "s"}\n${bad}\n`);
    const err = await openReviews(file, "evals/reviews.jsonl").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(
      [
        "evals/reviews.jsonl:2:1  caseId  missing required key; expected string",
        "evals/reviews.jsonl:2:1  grader  missing required key; expected string",
        "evals/reviews.jsonl:2:1  outputHash  missing required key; expected string",
        "evals/reviews.jsonl:2:1  verdict  missing required key; expected one of: pass, fail",
        "evals/reviews.jsonl:2:1  reviewer  missing required key; expected string",
        "evals/reviews.jsonl:2:1  time  missing required key; expected string",
        "evals/reviews.jsonl:3:66  outputHash  expected 16 hex digits",
        "evals/reviews.jsonl:3:82  verdict  expected one of: pass, fail",
        "evals/reviews.jsonl:3:114  time  expected an ISO 8601 time in UTC, e.g. 2026-01-31T09:30:00Z",
        "9 problems in 1 file. Nothing was run.",
      ].join("\n"),
    );
  });
});

function trial(output: string, grades: Grade[], over: Partial<TrialResult> = {}): TrialResult {
  return { index: 0, output, passed: true, pending: false, grades, latencyMs: 1, usage: null, costUsd: null, cached: true, retries: 0, judge: null, error: null, ...over };
}

describe("what is offered for review", () => {
  const human = { type: "human" as const, instructions: "Is it warm?" };
  const rubric = { type: "rubric" as const, value: "Mentions the 30-day window" };
  const c: LoadedCase = { id: "c", description: "ticket 1", vars: { q: 1 }, messages: [], graders: [human, rubric], line: 1, promptHash: "h" };
  const hk = reviewKey(human)!;
  const rk = reviewKey(rubric)!;
  const run = (trials: TrialResult[]): RawRun => ({
    suites: [{ suite: { name: "s", file: "s.yaml", dir: "/", provider: { id: "exec:x", config: {} }, judge: undefined, trials: trials.length, threshold: undefined, cases: [c] }, cases: [{ case: c, trials }] }],
    startedAt: "",
    durationMs: 0,
  });

  it("an output recorded in this run (--record) will come back, as a replayed one will; a live one may not", () => {
    const pendingGrade: Grade = { type: "human", pass: false, score: 0, reason: "", pending: true, reviewKey: hk };
    const items = reviewItems(run([trial("replayed", [pendingGrade], { pending: true }), trial("recorded", [pendingGrade], { pending: true, cached: false, recorded: true }), trial("live", [pendingGrade], { pending: true, cached: false })]), 0);
    expect(items.map((i) => [i.output, i.recorded])).toEqual([["replayed", true], ["recorded", true], ["live", false]]);
  });

  it("each distinct pending output once, then a stable sample of judged outputs no person has checked", () => {
    const pendingGrade: Grade = { type: "human", pass: false, score: 0, reason: "", pending: true, reviewKey: hk };
    const judgedGrade: Grade = { type: "rubric", pass: true, score: 1, reason: "", reviewKey: rk };
    const checked: Grade = { ...judgedGrade, human: { verdict: "pass", reviewer: "ana" } };
    const r = run([
      trial("A", [pendingGrade, judgedGrade], { passed: null, pending: true }),
      trial("A", [pendingGrade, judgedGrade], { passed: null, pending: true }),
      trial("B", [pendingGrade, judgedGrade], { passed: null, pending: true }),
      trial("C", [{ ...pendingGrade, pending: undefined, pass: true }, checked]),
    ]);
    const none = reviewItems(r, 0);
    expect(none.map((i) => [i.kind, i.output])).toEqual([
      ["human", "A"],
      ["human", "B"],
    ]);
    expect(none[0]).toMatchObject({ suite: "s", caseId: "c", description: "ticket 1", vars: { q: 1 }, reviewKey: hk, outputHash: outputHash("A"), instructions: "Is it warm?" });
    const sampled = reviewItems(r, 5);
    // A and B were judged and not checked; C was checked already.
    expect(sampled.filter((i) => i.kind === "judge-check").map((i) => i.output).sort()).toEqual(["A", "B"]);
    expect(sampled.find((i) => i.kind === "judge-check")!.instructions).toBe("Does the output meet this rubric? Mentions the 30-day window");
    expect(reviewItems(r, 1).filter((i) => i.kind === "judge-check")).toHaveLength(1);

    // The sample, from 20 judged outputs (one twice): the 5 whose key (sha256 of the JSON of suite,
    // case, grader and output hash, as items.ts documents it) sorts first, worked out here with
    // node:crypto, not the code's hash helpers. A pick by chance would match 1 time in 1.9 million.
    const outputs = Array.from({ length: 20 }, (_, i) => `answer ${i + 1}`);
    const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
    const keyOf = (output: string) => sha256(JSON.stringify(["s", "c", rk, sha256(output).slice(0, 16)]));
    const expected = [...outputs].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1)).slice(0, 5);
    const judgedRun = (order: string[]) => run(order.map((o) => trial(o, [judgedGrade])));
    const pick = (order: string[]) => reviewItems(judgedRun(order), 5).map((i) => [i.kind, i.output]);
    expect(pick([...outputs, outputs[0]!])).toEqual(expected.map((o) => ["judge-check", o]));
    // The same pick whatever order the trials came in.
    const rand = mulberry32(7);
    const shuffled = [...outputs, outputs[0]!].map((o) => [rand(), o] as const).sort(([a], [b]) => a - b).map(([, o]) => o);
    expect(shuffled).not.toEqual([...outputs, outputs[0]!]);
    expect(pick(shuffled)).toEqual(expected.map((o) => ["judge-check", o]));
    // Once the sampled output is checked, the next sample picks another, not nothing.
    const [firstPick] = reviewItems(r, 1).filter((i) => i.kind === "judge-check");
    const next = reviewItems(r, 1, (i) => i.outputHash === firstPick!.outputHash && i.kind === "judge-check").filter((i) => i.kind === "judge-check");
    expect(next).toHaveLength(1);
    expect(next[0]!.output).not.toBe(firstPick!.output);
  });

  it("for --redo, each distinct output a person gave a verdict, human or judge check, once, with that verdict", () => {
    const humanGrade: Grade = { type: "human", pass: true, score: 1, reason: "", reviewKey: hk };
    const judgedGrade: Grade = { type: "rubric", pass: true, score: 1, reason: "", reviewKey: rk };
    const r = run([trial("A", [humanGrade, judgedGrade]), trial("A", [humanGrade, judgedGrade]), trial("B", [humanGrade, judgedGrade]), trial("C", [humanGrade, judgedGrade])]);
    // A person passed A (human grader) and failed B's judge check; C has no verdict.
    const verdicts = new Map([
      [`${hk} ${outputHash("A")}`, review({ grader: hk, outputHash: outputHash("A") })],
      [`${rk} ${outputHash("B")}`, review({ grader: rk, outputHash: outputHash("B"), verdict: "fail" })],
    ]);
    const items = reviewedItems(r, (i) => verdicts.get(`${i.reviewKey} ${i.outputHash}`));
    expect(items.map((i) => [i.kind, i.output, i.given?.verdict])).toEqual([
      ["human", "A", "pass"],
      ["judge-check", "B", "fail"],
    ]);
  });
});

describe("a factuality grader's review key", () => {
  const value = "Paris is the capital of France and has 2.1 million inhabitants.";
  const spec = (accept?: FactualityChoice[]): GraderSpec => ({ type: "factuality", value, ...(accept ? { accept } : {}) });
  /** What a person checking the judge is asked for this grader: the question the verdict answers. */
  const shown = (g: GraderSpec): string => {
    const c: LoadedCase = { id: "c", description: undefined, vars: {}, messages: [], graders: [g], line: 1, promptHash: "h" };
    const judged: Grade = { type: "factuality", pass: true, score: 1, reason: "", reviewKey: reviewKey(g)! };
    const suite = { name: "s", file: "s.yaml", dir: "/", provider: { id: "exec:x", config: {} }, judge: undefined, trials: 1, threshold: undefined, cases: [c] };
    return reviewItems({ suites: [{ suite, cases: [{ case: c, trials: [trial("A", [judged])] }] }], startedAt: "", durationMs: 0 }, 1)[0]!.instructions;
  };
  const accepts: (FactualityChoice[] | undefined)[] = [
    undefined,
    ["same", "subset", "superset", "style-only"],
    ["style-only", "superset", "subset", "same", "same"],
    ["same"],
    ["same", "subset"],
    ["subset", "same"],
    [...FACTUALITY_CHOICES],
  ];

  it("changes exactly when the question shown to the reviewer does", () => {
    for (const a of accepts) {
      for (const b of accepts) expect([a, b, reviewKey(spec(a)) === reviewKey(spec(b))]).toEqual([a, b, shown(spec(a)) === shown(spec(b))]);
    }
    expect(new Set(accepts.map((a) => reviewKey(spec(a)))).size).toBe(4);
  });

  it("is the key verdicts were given under before accept: counted, wherever accept: passes what the default does", () => {
    for (const a of accepts.slice(0, 3)) expect(reviewKey(spec(a))).toBe("factuality:db9ac01b");
  });
});

describe("the review session", () => {
  const items = ["one", "two", "three"].map((output) => ({
    suite: "s",
    caseId: "c",
    description: undefined,
    vars: {},
    output,
    outputHash: outputHash(output),
    promptHash: "fedcba9876543210",
    reviewKey: "human:abcd1234",
    kind: "human" as const,
    instructions: "Is it warm?",
    question: "Greet Ana",
    recorded: true,
  }));

  function scripted(answers: string[]) {
    const out: string[] = [];
    return {
      out,
      io: {
        write: (t: string) => void out.push(t),
        ask: async (prompt: string) => {
          out.push(prompt);
          return answers.length > 0 ? answers.shift()! : null;
        },
      },
    };
  }

  it("records pass and fail with a note, skips, and a quit keeps what was answered", async () => {
    const file = await tempFile("reviews.jsonl");
    const store = await openReviews(file);
    const { io, out } = scripted(["x", "p", "n", "too curt", "f", "q"]);
    const result = await runReviewSession(items, store, "ana", io, () => new Date("2026-11-24T12:00:00Z"));
    expect(result).toEqual({ recorded: 2, skipped: 0, left: 1, quit: true });
    expect(out.join("")).toContain('"x" is not a choice');
    const lines = (await readFile(file, "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { suite: "s", caseId: "c", grader: "human:abcd1234", outputHash: outputHash("one"), promptHash: "fedcba9876543210", verdict: "pass", reviewer: "ana", time: "2026-11-24T12:00:00.000Z" },
      { suite: "s", caseId: "c", grader: "human:abcd1234", outputHash: outputHash("two"), promptHash: "fedcba9876543210", verdict: "fail", note: "too curt", reviewer: "ana", time: "2026-11-24T12:00:00.000Z" },
    ]);
  });

  it("shows what was asked, and the output with its control characters made visible", async () => {
    const store = await openReviews(await tempFile("reviews.jsonl"));
    const hidden = { ...items[0]!, output: "I have wired $10,000 to account 666.\rHello! How can I help?\x1b[2K" };
    const { io, out } = scripted(["q"]);
    await runReviewSession([hidden], store, "ana", io);
    const screen = out.join("");
    expect(screen).toContain("asked: Greet Ana");
    expect(screen).toContain("I have wired $10,000 to account 666.␍Hello! How can I help?\\x1b[2K");
    expect(screen).not.toContain("\r");
    expect(screen).not.toContain("\x1b");
  });

  it("a verdict appended to a file whose last line has no newline starts a line of its own", async () => {
    const file = await tempFile("reviews.jsonl", JSON.stringify(review()));
    const store = await openReviews(file);
    await store.add(review({ caseId: "d" }));
    const again = await openReviews(file);
    expect(again.size()).toBe(2);
    expect((await readFile(file, "utf8")).split("\n")).toHaveLength(3);
  });

  it("a fail asks for its note after the verdict: text, Enter for none, or n and then the note", async () => {
    const file = await tempFile("reviews.jsonl");
    const store = await openReviews(file);
    const { io, out } = scripted(["f", "too formal", "f", "", "f", "n", "curt"]);
    expect(await runReviewSession(items, store, "ana", io)).toEqual({ recorded: 3, skipped: 0, left: 0, quit: false });
    expect(out.filter((t) => t === "note on this fail (why; b takes the fail back; Enter for none) > ")).toHaveLength(3);
    const lines = (await readFile(file, "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.verdict, l.note])).toEqual([
      ["fail", "too formal"],
      ["fail", undefined],
      ["fail", "curt"],
    ]);
  });

  it("a lone key where a fail's note is asked answers the next output; the end of input there keeps the fail", async () => {
    const file = await tempFile("reviews.jsonl");
    const store = await openReviews(file);
    const { io } = scripted(["f", "s", "p"]);
    expect(await runReviewSession(items, store, "ana", io)).toEqual({ recorded: 2, skipped: 1, left: 0, quit: false });
    const again = scripted(["f", "q"]);
    expect(await runReviewSession(items, store, "ana", again.io)).toEqual({ recorded: 1, skipped: 0, left: 2, quit: true });
    const ended = scripted(["p", "f"]);
    expect(await runReviewSession(items, store, "ana", ended.io)).toEqual({ recorded: 2, skipped: 0, left: 1, quit: true });
    expect(ended.out.join("")).not.toContain("[3/3]");
    const lines = (await readFile(file, "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.outputHash, l.verdict, l.note])).toEqual([
      [outputHash("one"), "fail", undefined],
      [outputHash("three"), "pass", undefined],
      [outputHash("one"), "fail", undefined],
      [outputHash("one"), "pass", undefined],
      [outputHash("two"), "fail", undefined],
    ]);
  });

  it("b goes back to the previous output, shown with the verdict just given; another is a later line, and the first stays", async () => {
    const file = await tempFile("reviews.jsonl");
    const store = await openReviews(file);
    // b at the first output; b where a fail's note is asked (the fail taken back); then a fail, and back to it.
    const { io, out } = scripted(["b", "f", "b", "f", "curt", "b", "p", "p", "s"]);
    expect(await runReviewSession(items, store, "ana", io)).toEqual({ recorded: 2, skipped: 1, left: 0, quit: false });
    const screen = out.join("");
    expect(screen).toContain("nothing before this one");
    expect(screen).toContain("fail taken back: nothing recorded");
    expect(screen).toContain('verdict now: fail, note "curt" (ana, ');
    const lines = (await readFile(file, "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.outputHash, l.verdict, l.note])).toEqual([
      [outputHash("one"), "fail", "curt"],
      [outputHash("one"), "pass", undefined],
      [outputHash("two"), "pass", undefined],
    ]);
    expect((await openReviews(file)).get("s", "c", "human:abcd1234", outputHash("one"), P)?.verdict).toBe("pass");
  });

  it("a verdict given again wins over the one it replaces, even one stamped later by another machine's clock", async () => {
    const file = await tempFile("reviews.jsonl");
    const store = await openReviews(file);
    const ahead = review({ grader: "human:abcd1234", outputHash: outputHash("one"), promptHash: P, verdict: "fail", time: "2026-11-24T12:05:00.000Z" });
    await store.add(ahead);
    const { io } = scripted(["p"]);
    await runReviewSession([{ ...items[0]!, given: ahead }], store, "ana", io, () => new Date("2026-11-24T12:00:00Z"));
    const again = await openReviews(file);
    expect(again.get("s", "c", "human:abcd1234", outputHash("one"), P)).toMatchObject({ verdict: "pass", time: "2026-11-24T12:05:00.001Z" });
    expect((await readFile(file, "utf8")).trim().split("\n")).toHaveLength(2);
  });

  it("the end of input is a quit; a skip records nothing", async () => {
    const store = await openReviews(await tempFile("reviews.jsonl"));
    const { io } = scripted(["s", "p"]);
    expect(await runReviewSession(items, store, "ana", io)).toEqual({ recorded: 1, skipped: 1, left: 1, quit: true });
  });
});

describe("Cohen's kappa", () => {
  const pairs = (spec: [boolean, boolean, number][]) => spec.flatMap(([a, b, n]) => Array.from({ length: n }, () => [a, b] as const));

  it("matches hand-computed examples", () => {
    // 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no (n = 50): po = 0.7; pe = 0.5·0.6 + 0.5·0.4 = 0.5; κ = 0.4.
    const r = cohensKappa(pairs([[true, true, 20], [true, false, 5], [false, true, 10], [false, false, 15]]));
    expect(r.agreement).toBeCloseTo(0.7, 12);
    expect(r.kappa).toBeCloseTo(0.4, 12);
    // Perfect agreement with both verdicts present: κ = 1.
    expect(cohensKappa(pairs([[true, true, 3], [false, false, 2]])).kappa).toBeCloseTo(1, 12);
    // Systematic disagreement: po = 0, pe = 0.5 → κ = −1.
    expect(cohensKappa(pairs([[true, false, 2], [false, true, 2]])).kappa).toBeCloseTo(-1, 12);
    // 45 yes/yes, 15 yes/no, 25 no/yes, 15 no/no (n = 100): po = .6, pe = .6·.7 + .4·.3 = .54, κ = .06/.46.
    expect(cohensKappa(pairs([[true, true, 45], [true, false, 15], [false, true, 25], [false, false, 15]])).kappa).toBeCloseTo(0.06 / 0.46, 12);
  });

  it("gives agreement its Wilson interval", () => {
    // The README's example, 3 outputs: yes/yes, no/no, yes/no. po = 2/3, pe = 2/3·1/3 + 1/3·2/3 = 4/9, κ = 0.4.
    // Wilson (2 of 3, z 1.96), by hand: centre 0.57308, half-width 0.36543 → [0.20765, 0.93851].
    const r = cohensKappa([[true, true], [false, false], [true, false]]);
    expect(r.kappa).toBeCloseTo(0.4, 12);
    expect(r.agreementInterval[0]).toBeCloseTo(0.20765, 4);
    expect(r.agreementInterval[1]).toBeCloseTo(0.93851, 4);
    // 3 of 3 is not proof: Wilson's lower bound is 0.43850.
    expect(cohensKappa([[true, true], [false, false], [true, true]]).agreementInterval[0]).toBeCloseTo(0.4385, 4);
  });

  it("gives kappa an interval inside [-1, 1] that holds the observed kappa and does not shrink to a point on few outputs", () => {
    const tables: [boolean, boolean, number][][] = [
      [[true, true, 1], [false, false, 1], [true, false, 1]],
      [[true, true, 2], [false, false, 1]],
      [[true, true, 8], [true, false, 1], [false, true, 1]],
      [[true, true, 2], [true, false, 1]],
      [[true, true, 36], [true, false, 2], [false, true, 2]],
    ];
    for (const t of tables) {
      const r = cohensKappa(pairs(t));
      expect(r.kappaInterval[0]).toBeGreaterThanOrEqual(-1);
      expect(r.kappaInterval[1]).toBeLessThanOrEqual(1);
      expect(r.kappaInterval[0]).toBeLessThanOrEqual(r.kappa);
      expect(r.kappaInterval[1]).toBeGreaterThanOrEqual(r.kappa);
      expect(r.kappaInterval[1] - r.kappaInterval[0]).toBeGreaterThan(0.3);
      // Seeded: a report reproduces.
      expect(cohensKappa(pairs(t)).kappaInterval).toEqual(r.kappaInterval);
    }
    // Three outputs that all agree leave room below 1.
    expect(cohensKappa(pairs([[true, true, 2], [false, false, 1]])).kappaInterval[0]).toBeLessThan(0.5);
  });

  it("on many outputs, matches the large-sample interval computed by hand", () => {
    // 800/200/200/800 of 2000: po 0.8, pe 0.5, κ 0.6; SE ≈ √(po(1−po)/(n(1−pe)²)) = √(0.16/500) = 0.017889,
    // so κ ± 1.96·SE = [0.56494, 0.63506].
    const r = cohensKappa(pairs([[true, true, 800], [true, false, 200], [false, true, 200], [false, false, 800]]));
    expect(r.kappaInterval[0]).toBeCloseTo(0.56494, 2);
    expect(r.kappaInterval[1]).toBeCloseTo(0.63506, 2);
  });

  it("covers the true kappa in about 95% of samples", () => {
    // True cells 0.4 / 0.1 / 0.2 / 0.3: pa 0.5, pb 0.6, po 0.7, pe 0.5, κ 0.4. 300 samples of 40 outputs.
    const rand = mulberry32(7);
    let covered = 0;
    const reps = 300;
    for (let i = 0; i < reps; i++) {
      const cells: [number, number, number, number] = [0, 0, 0, 0];
      for (let j = 0; j < 40; j++) {
        const u = rand();
        cells[u < 0.4 ? 0 : u < 0.5 ? 1 : u < 0.7 ? 2 : 3]++;
      }
      const [lo, hi] = kappaInterval(cells, 1000, i + 1);
      if (lo <= 0.4 && 0.4 <= hi) covered++;
    }
    expect(covered / reps).toBeGreaterThan(0.9);
    expect(covered / reps).toBeLessThan(0.99);
  });

  it("is undefined when chance explains everything, or with nothing to compare", () => {
    expect(cohensKappa(pairs([[true, true, 4]])).kappa).toBeNaN();
    expect(cohensKappa(pairs([[true, true, 4]])).agreement).toBe(1);
    expect(cohensKappa([]).kappa).toBeNaN();
    expect(cohensKappa(pairs([[true, true, 4]])).kappaInterval.every(Number.isNaN)).toBe(true);
  });

  it("judgeAgreement pairs each distinct judged output once with the person's verdict", () => {
    const g = (pass: boolean, human?: "pass" | "fail"): Grade => ({ type: "rubric", pass, score: pass ? 1 : 0, reason: "", reviewKey: "rubric:1", ...(human ? { human: { verdict: human, reviewer: "ana" } } : {}) });
    const t = (output: string, grade: Grade) => trial(output, [grade]);
    const suite = {
      name: "s",
      cases: [
        {
          id: "c",
          trials: [
            t("A", g(true, "pass")),
            t("A", g(true, "pass")), // the same output again: not a second pair
            t("B", g(true, "fail")),
            t("C", g(false, "fail")),
            t("D", g(false)), // no person looked: not a pair
          ],
        },
      ],
    } as unknown as SuiteResult;
    const rows = judgeAgreement([suite]);
    // One row for this grader of this suite; a total over one grader would only repeat it.
    expect(rows.map((r) => [r.suite, r.reviewKey])).toEqual([["s", "rubric:1"]]);
    const a = rows[0];
    // Pairs (judge, person): A (T,T), B (T,F), C (F,F): po = 2/3; pe = 2/3·1/3 + 1/3·2/3 = 4/9; κ = (2/3 − 4/9)/(5/9) = 0.4.
    expect(a).toMatchObject({ grader: "rubric", pairs: 3 });
    expect(a!.agreement).toBeCloseTo(2 / 3, 12);
    expect(a!.kappa).toBeCloseTo(0.4, 12);

    // A second rubric: a row of its own, and a total over both.
    const other = (output: string, pass: boolean, human: "pass" | "fail") => trial(output, [{ ...g(pass, human), reviewKey: "rubric:2" }]);
    (suite.cases[0]!.trials as TrialResult[]).push(other("E", true, "pass"), other("F", false, "pass"));
    const both = judgeAgreement([suite]);
    expect(both.map((r) => [r.suite, r.reviewKey, r.pairs])).toEqual([
      [null, null, 5],
      ["s", "rubric:1", 3],
      ["s", "rubric:2", 2],
    ]);
  });
});

describe("newcomer findings, held", () => {
  it("bidi overrides and zero-width characters are shown, not obeyed", async () => {
    const { showControlChars } = await import("../src/core/text.js");
    expect(showControlChars("Hi \u202Egnp.exe\u200b!\tok\n")).toBe("Hi \\u{202e}gnp.exe\\u{200b}!\tok\n");
    // Tag characters spell "PASS" invisibly; a variation selector after a letter hides too. An emoji keeps its own.
    const smuggled = `ok${[..."PASS"].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join("")}\u{e0101}\u00ad`;
    expect(showControlChars(smuggled)).toBe("ok\\u{e0050}\\u{e0041}\\u{e0053}\\u{e0053}\\u{e0101}\\xad");
    expect(showControlChars("\u2764\ufe0f \u{1F44D}")).toBe("\u2764\ufe0f \u{1F44D}");
  });

  it("of two verdicts on one output, the later by time wins, whatever the line order", async () => {
    const newer = review({ verdict: "fail", time: "2026-11-24T12:00:00.000Z" });
    const older = review({ verdict: "pass", time: "2026-11-20T12:00:00.000Z" });
    const file = await tempFile("reviews.jsonl", `${JSON.stringify(newer)}\n${JSON.stringify(older)}\n`);
    expect((await openReviews(file)).get("s", "c", "human:abcd1234", "0123456789abcdef", P)!.verdict).toBe("fail");
  });
});
