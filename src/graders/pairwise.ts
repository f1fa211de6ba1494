/**
 * Pairwise judging: which of two outputs better meets a rubric. For comparing models
 * (`harness compare`), where the same case has an output from each. Every question is
 * asked in both orders: a judge that prefers whichever output comes first (a known bias
 * of LLM judges) then disagrees with itself, and the pair is called a tie rather than
 * handed to the side that happened to be shown first.
 */
import { z } from "zod";
import type { ProviderRef } from "../core/types.js";
import type { ProviderRequest } from "../providers/types.js";
import { fence, judgePrompt, parseStructured, readableBy, readJudgeAnswer } from "./judge.js";
import type { JudgeCall } from "./types.js";

const PairwiseSchema = z.strictObject({ reasoning: z.string(), winner: z.enum(["first", "second", "tie"]) });

export interface PairwiseResult {
  winner: "a" | "b" | "tie";
  /** Orders in which the judge's answer, mapped back to a/b, agreed with the final winner. */
  consistent: number;
  /** How many times each order was asked. */
  votes: number;
  reason: string;
  judgePromptHash: string;
}

const readComparison = (raw: string) => parseStructured(PairwiseSchema, raw, "pairwise");

export function buildPairwiseRequest(rubric: string, first: string, second: string): ProviderRequest {
  return {
    messages: [
      { role: "system", content: judgePrompt("pairwise").text },
      { role: "user", content: [fence("rubric", rubric), fence("first_output", first), fence("second_output", second)].join("\n\n") },
    ],
    vars: {},
    responseFormat: { name: "comparison", schema: z.toJSONSchema(PairwiseSchema) as Record<string, unknown> },
    readable: readableBy(readComparison),
    asks: "judge",
  };
}

/**
 * Asks `votes` times in each order. A side wins only with a strict majority of all
 * answers mapped back to a/b; otherwise, including when the orders disagree evenly, it is a tie.
 */
export async function judgePairwise(rubric: string, a: string, b: string, judge: JudgeCall, ref?: ProviderRef, votes = 1): Promise<PairwiseResult> {
  const asks = Array.from({ length: votes }, (_, v) => [
    { request: buildPairwiseRequest(rubric, a, b), swapped: false, call: 2 * v },
    { request: buildPairwiseRequest(rubric, b, a), swapped: true, call: 2 * v + 1 },
  ]).flat();
  const settled = await Promise.allSettled(
    asks.map(async ({ request, swapped, call }) => {
      const answer = readJudgeAnswer(await judge(ref, request, call), readComparison);
      const side = answer.winner === "tie" ? "tie" : (answer.winner === "first") !== swapped ? "a" : "b";
      return { side, reasoning: answer.reasoning };
    }),
  );
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  const answers = settled.map((r) => (r as PromiseFulfilledResult<{ side: string; reasoning: string }>).value);
  const count = (side: string) => answers.filter((x) => x.side === side).length;
  const winner = count("a") * 2 > answers.length ? "a" : count("b") * 2 > answers.length ? "b" : "tie";
  const consistent = answers.filter((x) => x.side === winner).length;
  const first = answers.find((x) => x.side === winner) ?? answers[0]!;
  return {
    winner,
    consistent,
    votes,
    reason: `${consistent} of ${answers.length} answers (both orders) say ${winner === "tie" ? "tie" : `output ${winner.toUpperCase()}`}: ${first.reasoning}`,
    judgePromptHash: judgePrompt("pairwise").hash,
  };
}
