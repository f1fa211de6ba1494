/**
 * Re-creates fixtures/ for the example suites in evals/ without any real model:
 * a scripted OpenAI- and Anthropic-compatible server on 127.0.0.1 plays a support bot
 * that gets most things right and some things wrong some of the time, and `--record`
 * writes what it said. The answers are written by hand to resemble the production
 * failures each case guards; they are not the output of a real model.
 *
 * Two models are scripted, so `harness compare` has an offline example: the suites'
 * own openai:gpt-4o-mini, and anthropic:claude-haiku-4-5, which words things its own
 * way, is worse on one case and better on two. The judge (openai:gpt-4o-mini) grades
 * both, so the Anthropic run adds judge fixtures for its own outputs.
 *
 *   npx tsx scripts/record-example-fixtures.ts              # both
 *   npx tsx scripts/record-example-fixtures.ts anthropic    # only the second model
 *
 * To record real answers instead, see README "Fixtures".
 */
import { rm } from "node:fs/promises";
import { loadSuites } from "../src/config/load.js";
import { runSuites } from "../src/runner/run.js";
import { startFakeServer, type SeenRequest } from "../test/fake-server.js";

type Script = [phrase: string, answers: string[]][];

/** Five answers per case, one per trial, keyed by a phrase of the customer's message. */
const SCRIPT: Script = [
  [
    "45 days ago",
    Array(5).fill(
      "I'm sorry the tent didn't work out. Our returns window is 30 days from delivery, so a refund isn't possible now, but if the tent is unused I can offer you store credit.",
    ),
  ],
  [
    "e-book",
    Array(5).fill("Thanks for buying the guide! Digital downloads are not refundable once downloaded, as our policy explains. If the file is faulty, tell me and I'll fix that."),
  ],
  [
    "cracked burner",
    Array(5).fill("I'm sorry your stove arrived damaged. Could you send a photo of the cracked burner? As soon as we have it, we'll send a replacement or refund you in full."),
  ],
  [
    "warranty on your backpacks",
    [
      "Our backpacks come with a two-year warranty against defects in materials and workmanship.",
      "Our backpacks come with a two-year warranty against defects in materials and workmanship.",
      "Good news: every Acme backpack has a lifetime guarantee, so you're covered forever.",
      "Our backpacks come with a two-year warranty against defects in materials and workmanship.",
      "Our backpacks come with a two-year warranty against defects in materials and workmanship.",
    ],
  ],
  [
    "My lawyer",
    [
      "I understand you're frustrated. A human specialist will contact you within one business day about this.",
      "I understand, and I'm sorry. A specialist from our team will be in touch within one business day.",
      "I'm sorry, but according to our records no refund is owed, as the return window has closed.",
      "I understand you're frustrated. A human specialist will contact you within one business day about this.",
      "I'm sorry, but according to our records no refund is owed, as the return window has closed.",
    ],
  ],
  ["order 00731", Array(5).fill('{"intent": "track", "order_id": "00731"}')],
  [
    "order 88412",
    ['{"intent": "cancel", "order_id": "88412"}', '{"intent": "cancel", "order_id": "88412"}', '```json\n{"intent": "cancel", "order_id": "88412"}\n```', '{"intent": "cancel", "order_id": "88412"}', '{"intent": "cancel", "order_id": "88412"}'],
  ],
  ["never arrived", Array(5).fill('{"intent": "track", "order_id": null}')],
  [
    "order 55120",
    ['{"intent": "return", "order_id": "55120"}', '{"intent": "return", "order_id": "55120"}', '{"intent": "return", "order_id": "55120"}', '{"intent": "cancel", "order_id": "55120"}', '{"intent": "return", "order_id": "55120"}'],
  ],
];

/**
 * anthropic:claude-haiku-4-5: other words, the same cases. Worse on the refund window
 * (it offers a "full refund" as a courtesy twice in five), better on the legal threat
 * and on the markdown fence, otherwise as good or as flawed.
 */
const HAIKU_SCRIPT: Script = [
  [
    "45 days ago",
    [
      "Sorry the tent isn't right for you. Returns are accepted within 30 days of delivery, so I can't process a refund, but store credit is possible if it's unused.",
      "Sorry the tent isn't right for you. Returns are accepted within 30 days of delivery, so I can't process a refund, but store credit is possible if it's unused.",
      "Our window is 30 days, but as a courtesy we can give you a full refund this once.",
      "Sorry the tent isn't right for you. Returns are accepted within 30 days of delivery, so I can't process a refund, but store credit is possible if it's unused.",
      "Our window is 30 days, but as a courtesy we can give you a full refund this once.",
    ],
  ],
  ["e-book", Array(5).fill("Glad you picked up the guide. Once downloaded, digital products are not refundable under our policy; if the file doesn't open, I can send a new copy.")],
  ["cracked burner", Array(5).fill("That's not how it should arrive, sorry. Please send us a photo of the cracked burner and we'll ship a replacement or refund you in full, whichever you prefer.")],
  [
    "warranty on your backpacks",
    [
      "Acme backpacks carry a two-year warranty covering defects in materials and workmanship.",
      "Acme backpacks carry a two-year warranty covering defects in materials and workmanship.",
      "Acme backpacks carry a two-year warranty covering defects in materials and workmanship.",
      "Acme backpacks are built to last a lifetime, and we stand behind them forever.",
      "Acme backpacks carry a two-year warranty covering defects in materials and workmanship.",
    ],
  ],
  ["My lawyer", Array(5).fill("I'm sorry this has become so frustrating. I've passed your case to a specialist on our team, who will contact you within one business day.")],
  ["order 00731", Array(5).fill('{"intent": "track", "order_id": "00731"}')],
  ["order 88412", Array(5).fill('{"intent": "cancel", "order_id": "88412"}')],
  ["never arrived", Array(5).fill('{"intent": "track", "order_id": null}')],
  [
    "order 55120",
    ['{"intent": "return", "order_id": "55120"}', '{"intent": "cancel", "order_id": "55120"}', '{"intent": "return", "order_id": "55120"}', '{"intent": "return", "order_id": "55120"}', '{"intent": "return", "order_id": "55120"}'],
  ],
];

/** The judge: passes an output that hands over to a person without disputing the money. */
function judge(req: SeenRequest) {
  const messages = req.body.messages as { role: string; content: string }[];
  const output = /<output>\n([\s\S]*)\n<\/output>/.exec(messages[messages.length - 1]!.content)?.[1] ?? "";
  const handsOver = /human|specialist/i.test(output);
  const argues = /no refund is owed|according to our records/i.test(output);
  const pass = handsOver && !argues;
  const reasoning = pass
    ? "The reply does not dispute the money and says a person from the team will be in touch."
    : "The reply disputes whether a refund is owed instead of handing the case to a person.";
  return { kind: "structured" as const, value: { reasoning, verdict: pass ? "pass" : "fail", score: pass ? 1 : 0 }, inputTokens: 320 };
}

/** The scripted model: the i-th request for a case gets that case's i-th answer. */
function scriptedModel(script: Script) {
  const served = new Map<string, number>();
  return (req: SeenRequest) => {
    if (req.body.response_format) return judge(req);
    const messages = req.body.messages as { role: string; content: string }[];
    // Match on what the customer said, not on the policy text around it.
    const last = messages[messages.length - 1]!.content;
    const text = last.slice(last.lastIndexOf("Customer:") + 1);
    const entry = script.find(([phrase]) => text.includes(phrase));
    if (!entry) throw new Error(`no scripted answer for: ${text.slice(-120)}`);
    const i = served.get(entry[0]) ?? 0;
    served.set(entry[0], i + 1);
    const words = [...(typeof req.body.system === "string" ? [req.body.system] : []), ...messages.map((m) => m.content)].join(" ").split(/\s+/).length;
    return { kind: "answer" as const, text: entry[1][i % entry[1].length]!, inputTokens: Math.round(words * 1.3) };
  };
}

/** Records one model's answers (and the judge's verdicts on them) for every example case. */
async function record(provider: string | undefined, script: Script, latencyMs: number): Promise<number> {
  const server = await startFakeServer(scriptedModel(script));
  // Latencies as a real API might show them, so max-latency-ms graders have something to read.
  server.latencyMs = latencyMs;
  try {
    const suites = await loadSuites(["evals"], provider ? { provider } : {});
    // One at a time, so trial i of each case is always the i-th scripted answer.
    const run = await runSuites(suites, {
      concurrency: 1,
      fixtures: "record",
      env: { OPENAI_API_KEY: "sk-fake-for-recording", OPENAI_BASE_URL: server.openaiBaseURL, ANTHROPIC_API_KEY: "sk-ant-fake-for-recording", ANTHROPIC_BASE_URL: server.anthropicBaseURL },
    });
    const trials = run.suites.flatMap((s) => s.cases.flatMap((c) => c.trials));
    const errored = trials.filter((t) => t.error);
    if (errored.length > 0) throw new Error(`recording errored: ${errored.map((t) => t.error?.message).join("; ")}`);
    return trials.length;
  } finally {
    await server.close();
  }
}

const which = process.argv[2] ?? "all";
if (!["all", "openai", "anthropic"].includes(which)) throw new Error(`expected all, openai or anthropic, got ${which}`);
if (which !== "anthropic") {
  // Also removes the judge's verdicts on the Anthropic outputs: record that model again after this one.
  await rm("fixtures/openai", { recursive: true, force: true });
  console.log(`recorded the answers (and judge verdicts) of ${await record(undefined, SCRIPT, 40)} openai:gpt-4o-mini trials into fixtures/`);
}
if (which !== "openai") {
  await rm("fixtures/anthropic", { recursive: true, force: true });
  console.log(`recorded the answers (and judge verdicts) of ${await record("anthropic:claude-haiku-4-5", HAIKU_SCRIPT, 65)} anthropic:claude-haiku-4-5 trials into fixtures/`);
}
