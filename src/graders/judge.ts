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
import { FACTUALITY_CHOICES, type ModelGradedSpec } from "../config/schema.js";
import type { Message, ProviderRef } from "../core/types.js";
import { packageRoot } from "../package-root.js";
import type { ProviderRequest } from "../providers/types.js";
import { GraderError, type GradeContext, type GradeOutcome } from "./types.js";

type JudgeType = ModelGradedSpec["type"] | "pairwise";

const score = z.number().min(0).max(1);
const VerdictSchema = z.strictObject({ reasoning: z.string(), verdict: z.enum(["pass", "fail"]), score });
const FactualitySchema = z.strictObject({ reasoning: z.string(), choice: z.enum(FACTUALITY_CHOICES), score });

const ANSWER_SCHEMA: Record<ModelGradedSpec["type"], z.ZodType> = { rubric: VerdictSchema, "closed-qa": VerdictSchema, factuality: FactualitySchema };

const prompts = new Map<JudgeType, { text: string; hash: string }>();

/** The judge's instructions for this grader type, and their hash (recorded in every grade). */
export function judgePrompt(type: JudgeType): { text: string; hash: string } {
  let p = prompts.get(type);
  if (!p) {
    const text = readFileSync(path.join(packageRoot(), "prompts", "judge", `${type}.md`), "utf8");
    p = { text, hash: createHash("sha256").update(text).digest("hex").slice(0, 16) };
    prompts.set(type, p);
  }
  return p;
}

const SECTION_TAGS = /<(\/?)(question|rubric|criterion|reference|output|first_output|second_output)(\s*)>/gi;

/** Text inside a section cannot open or close a section: its look-alike tags are escaped. */
export function fence(tag: string, body: string): string {
  return `<${tag}>\n${body.replace(SECTION_TAGS, "&lt;$1$2$3&gt;")}\n</${tag}>`;
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
  };
}

/** Structured output where the server supports it; otherwise the first {...} in the text. */
export function parseStructured<T>(schema: z.ZodType<T>, raw: string, label: string): T {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    const start = raw.indexOf("{");
    const end = raw.lastIndexOf("}");
    try {
      json = start >= 0 && end > start ? JSON.parse(raw.slice(start, end + 1)) : undefined;
    } catch {
      json = undefined;
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const shown = raw.length > 500 ? `${raw.slice(0, 500)}…` : raw;
    throw new GraderError(`${label}: the judge's answer is malformed (${parsed.error.issues[0]?.message ?? "not JSON"}); it said: ${JSON.stringify(shown)}`, "malformed-output");
  }
  return parsed.data;
}

export function parseJudgeAnswer(type: ModelGradedSpec["type"], raw: string): z.infer<typeof VerdictSchema> | z.infer<typeof FactualitySchema> {
  return parseStructured(ANSWER_SCHEMA[type], raw, type) as z.infer<typeof VerdictSchema> | z.infer<typeof FactualitySchema>;
}

const DEFAULT_ACCEPT = FACTUALITY_CHOICES.filter((c) => c !== "contradicts");

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
      const answer = parseJudgeAnswer(spec.type, (await ctx.judge(refOf(spec), request, vote)).output);
      const pass = "verdict" in answer ? answer.verdict === "pass" : (spec.type === "factuality" && (spec.accept ?? DEFAULT_ACCEPT).includes(answer.choice));
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
