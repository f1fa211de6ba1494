/**
 * Re-creates fixtures/ for the example suites in evals/ without any real model:
 * a scripted OpenAI-compatible server on 127.0.0.1 plays a support bot that gets
 * most things right and some things wrong some of the time, and `--record` writes
 * what it said. The answers are written by hand to resemble the production failures
 * each case guards; they are not the output of a real model.
 *
 *   npx tsx scripts/record-example-fixtures.ts
 *
 * To record real answers instead, see README "Fixtures".
 */
import { rm } from "node:fs/promises";
import { loadSuites } from "../src/config/load.js";
import { runSuites } from "../src/runner/run.js";
import { startFakeServer, type SeenRequest } from "../test/fake-server.js";

/** Five answers per case, one per trial, keyed by a phrase of the customer's message. */
const SCRIPT: [string, string[]][] = [
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

const served = new Map<string, number>();

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

function answer(req: SeenRequest) {
  if (req.body.response_format) return judge(req);
  const messages = req.body.messages as { role: string; content: string }[];
  // Match on what the customer said, not on the policy text around it.
  const last = messages[messages.length - 1]!.content;
  const text = last.slice(last.lastIndexOf("Customer:") + 1);
  const entry = SCRIPT.find(([phrase]) => text.includes(phrase));
  if (!entry) throw new Error(`no scripted answer for: ${text.slice(-120)}`);
  const i = served.get(entry[0]) ?? 0;
  served.set(entry[0], i + 1);
  const words = messages.map((m) => m.content).join(" ").split(/\s+/).length;
  return { kind: "answer" as const, text: entry[1][i % entry[1].length]!, inputTokens: Math.round(words * 1.3) };
}

const server = await startFakeServer(answer);
// Latencies as a real API might show them, so max-latency-ms graders have something to read.
server.latencyMs = 40;
try {
  await rm("fixtures/openai", { recursive: true, force: true });
  const suites = await loadSuites(["evals"]);
  // One at a time, so trial i of each case is always the i-th scripted answer.
  const run = await runSuites(suites, {
    concurrency: 1,
    fixtures: "record",
    env: { OPENAI_API_KEY: "sk-fake-for-recording", OPENAI_BASE_URL: server.openaiBaseURL },
  });
  const trials = run.suites.flatMap((s) => s.cases.flatMap((c) => c.trials));
  const errored = trials.filter((t) => t.error);
  if (errored.length > 0) throw new Error(`recording errored: ${errored.map((t) => t.error?.message).join("; ")}`);
  console.log(`recorded the answers (and judge verdicts) of ${trials.length} trials into fixtures/`);
} finally {
  await server.close();
}
