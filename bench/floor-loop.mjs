// What both floors share: read the suite the bench wrote (argv[2]), ask each case's question
// `trials` times with `concurrency` calls in flight, and write tally.json beside the suite.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** `ask(suite, body)` makes one chat completion call and resolves with the parsed answer. */
export async function runFloor(ask) {
  const file = process.argv[2];
  const suite = JSON.parse(readFileSync(file, "utf8"));
  const slots = [];
  let next = 0;
  const total = suite.cases * suite.trials;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const n = Math.floor(i / suite.trials) + 1;
      const res = await ask(suite, { model: "gpt-4o-mini", messages: [{ role: "user", content: `Answer question ${n}` }] });
      if (res.choices[0]?.message.content?.includes("ok")) slots.push([n, i % suite.trials]);
    }
  };
  await Promise.all(Array.from({ length: suite.concurrency }, worker));
  writeFileSync(path.join(path.dirname(file), "tally.json"), JSON.stringify({ slots }));
}
