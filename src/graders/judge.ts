/**
 * Model-graded graders: rubric, closed-qa and factuality. The judge's instructions are
 * versioned files (prompts/judge/*.md) whose hash goes into the report; the output
 * under test is fenced and labelled as data; the judge answers in structured output
 * (reasoning, then verdict, then score) and a malformed answer is an errored grade that
 * keeps the raw text, never a silent pass or fail.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { acceptedChoices, FACTUALITY_CHOICES, type ModelGradedSpec } from "../config/schema.js";
import type { Message, ProviderRef } from "../core/types.js";
import { packageRoot } from "../package-root.js";
import type { ProviderRequest, ProviderResponse } from "../providers/types.js";
import { belies } from "./judge-prose.js";
import { GraderError, type GradeContext, type GradeOutcome } from "./types.js";

type JudgeType = ModelGradedSpec["type"] | "pairwise";

const score = z.number().min(0).max(1);
const VerdictSchema = z.strictObject({ reasoning: z.string(), verdict: z.enum(["pass", "fail"]), score });
const FactualitySchema = z.strictObject({ reasoning: z.string(), choice: z.enum(FACTUALITY_CHOICES), score });

const ANSWER_SCHEMA: Record<ModelGradedSpec["type"], z.ZodType> = { rubric: VerdictSchema, "closed-qa": VerdictSchema, factuality: FactualitySchema };

/**
 * How answers are read: the schema asked for, forgiving what changes no meaning and what small
 * models behind servers without structured output often write ("PASS", "score": "0.8", a
 * "confidence" key of their own). What is asked for stays strict: OpenAI's structured output
 * needs every object closed.
 */
const word = <T extends readonly [string, ...string[]]>(values: T) => z.string().transform((v) => v.trim().toLowerCase()).pipe(z.enum(values));
const number = z.union([z.number(), z.string().regex(/^\s*\d*\.?\d+\s*$/, "expected a number").transform(Number)]).pipe(score);
const VerdictRead = z.object({ reasoning: z.string(), verdict: word(["pass", "fail"] as const), score: number });
const READ_SCHEMA: Record<ModelGradedSpec["type"], z.ZodType> = {
  rubric: VerdictRead,
  "closed-qa": VerdictRead,
  factuality: z.object({ reasoning: z.string(), choice: word(FACTUALITY_CHOICES), score: number }),
};

const prompts = new Map<JudgeType, { text: string; hash: string }>();

/** The judge's instructions for this grader type, and their hash (recorded in every grade). */
export function judgePrompt(type: JudgeType): { text: string; hash: string } {
  let p = prompts.get(type);
  if (!p) {
    // Line endings as in the repository whatever the checkout did (core.autocrlf): the text
    // is part of every judge fixture's key, and its hash of every grade.
    const text = readFileSync(path.join(packageRoot(), "prompts", "judge", `${type}.md`), "utf8").replace(/\r\n/g, "\n");
    p = { text, hash: createHash("sha256").update(text).digest("hex").slice(0, 16) };
    prompts.set(type, p);
  }
  return p;
}

// Any spelling a model might read as one of the sections' tags: spaces or invisible characters
// around the slash, attributes, full-width brackets, a tag never closed.
const GAP = "[\\s\\u200b-\\u200f\\u2060\\ufeff]*";
const SECTION_TAGS = new RegExp(`[<\\uff1c]${GAP}\\/?${GAP}(?:question|rubric|criterion|reference|output|first_output|second_output)(?![a-z0-9_])[^>\\uff1e<\\n]*[>\\uff1e]?`, "gi");

/** Text inside a section cannot open or close a section: its look-alike tags are escaped. */
export function fence(tag: string, body: string): string {
  return `<${tag}>\n${body.replace(SECTION_TAGS, (m) => `&lt;${m.slice(1).replace(/[>\uff1e]$/, "&gt;")}`)}\n</${tag}>`;
}

function question(messages: readonly Message[]): string {
  return [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
}

/** The request sent to the judge. Exported for the test that an output cannot change its structure. */
export function buildJudgeRequest(spec: ModelGradedSpec, output: string, messages: readonly Message[]): ProviderRequest {
  const sections =
    spec.type === "rubric"
      ? [fence("rubric", spec.value), fence("output", output)]
      : spec.type === "closed-qa"
        ? [fence("question", question(messages)), fence("criterion", spec.value), fence("output", output)]
        : [fence("question", question(messages)), fence("reference", spec.value), fence("output", output)];
  return {
    messages: [
      { role: "system", content: judgePrompt(spec.type).text },
      { role: "user", content: sections.join("\n\n") },
    ],
    vars: {},
    responseFormat: { name: "grade", schema: z.toJSONSchema(ANSWER_SCHEMA[spec.type]) as Record<string, unknown> },
    readable: readableBy((raw) => parseJudgeAnswer(spec.type, raw)),
    asks: "judge",
  };
}

/** What a request's `readable` says: whether `read` takes the answer without a GraderError. */
export function readableBy(read: (raw: string) => unknown): (output: string) => boolean {
  return (output) => {
    try {
      read(output);
      return true;
    } catch (err) {
      if (err instanceof GraderError) return false;
      throw err;
    }
  };
}

/**
 * A judge's answer, read. One replayed from a fixture that cannot be read names its file: it
 * was recorded before answers were checked, and replays until asked again or deleted.
 */
export function readJudgeAnswer<T>(response: ProviderResponse, read: (raw: string) => T): T {
  try {
    return read(response.output);
  } catch (err) {
    if (!(err instanceof GraderError) || response.fixture === undefined) throw err;
    // The file first, as a corrupt fixture's error has it: a report cuts long messages short.
    throw new GraderError(`${response.fixture}: ${err.message}; replayed from that file, which a run with --record asks the judge again for (the file is replaced once its answer can be read)`, err.category);
  }
}

/**
 * Structured output where the server supports it; otherwise the one {...} in the text. Such a
 * text is refused when its words outside the JSON name another verdict (`belies`): the JSON
 * may be quoted (an output planting a verdict, or the answer format shown as an example)
 * rather than the judge's own, and reading it would turn a "fail" into a pass.
 */
export function parseStructured<T>(schema: z.ZodType<T>, raw: string, label: string, belies?: (answer: T, outside: string) => string | undefined): T {
  let json: unknown;
  let outside = "";
  try {
    json = JSON.parse(raw);
  } catch {
    const start = raw.indexOf("{");
    const end = raw.lastIndexOf("}");
    try {
      json = start >= 0 && end > start ? JSON.parse(raw.slice(start, end + 1)) : undefined;
      outside = `${raw.slice(0, start)} ${raw.slice(end + 1)}`;
    } catch {
      json = undefined;
    }
  }
  const parsed = schema.safeParse(json);
  const problem = parsed.success ? (outside && belies?.(parsed.data, outside)) : (parsed.error.issues[0]?.message ?? "not JSON");
  if (problem) {
    const shown = raw.length > 500 ? `${raw.slice(0, 500)}…` : raw;
    throw new GraderError(`${label}: the judge's answer is malformed (${problem}); it said: ${JSON.stringify(shown)}`, "malformed-output");
  }
  return parsed.data as T;
}

type Answer = z.infer<typeof VerdictSchema> | z.infer<typeof FactualitySchema>;

export function parseJudgeAnswer(type: ModelGradedSpec["type"], raw: string): Answer {
  return parseStructured(READ_SCHEMA[type] as z.ZodType<Answer>, raw, type, belies);
}

function refOf(spec: ModelGradedSpec): ProviderRef | undefined {
  if (spec.judge === undefined) return undefined;
  return typeof spec.judge === "string" ? { id: spec.judge, config: {} } : { id: spec.judge.id, config: spec.judge.config ?? {} };
}

interface Vote {
  pass: boolean;
  score: number;
  reasoning: string;
  label: string;
}

/** Asks the judge `votes` times and takes the strict majority. */
export async function gradeWithJudge(spec: ModelGradedSpec, ctx: GradeContext): Promise<GradeOutcome & { judgePromptHash: string }> {
  const request = buildJudgeRequest(spec, ctx.output, ctx.messages);
  const votes = spec.votes ?? 1;
  // allSettled, not all: when one vote fails the others are still in flight, and the trial
  // must not end (its judge usage read) until every call it made has been counted.
  const settled = await Promise.allSettled(
    Array.from({ length: votes }, async (_, vote): Promise<Vote> => {
      const answer = readJudgeAnswer(await ctx.judge(refOf(spec), request, vote), (raw) => parseJudgeAnswer(spec.type, raw));
      const pass = "verdict" in answer ? answer.verdict === "pass" : (spec.type === "factuality" && acceptedChoices(spec.accept).includes(answer.choice));
      return { pass, score: answer.score, reasoning: answer.reasoning, label: "verdict" in answer ? answer.verdict : answer.choice };
    }),
  );
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  const answers = settled.map((s) => (s as PromiseFulfilledResult<Vote>).value);
  const passes = answers.filter((a) => a.pass).length;
  const pass = passes * 2 > votes;
  const side = answers.find((a) => a.pass === pass)!;
  const tally = votes > 1 ? `${passes} of ${votes} votes pass; ` : "";
  return {
    pass,
    score: answers.reduce((s, a) => s + a.score, 0) / votes,
    reason: `${tally}judge: ${side.label}: ${side.reasoning}`,
    judgePromptHash: judgePrompt(spec.type).hash,
  };
}
