// Below the SDK floor: the same calls over node:http alone (keep-alive, a JSON body, the answer
// parsed and checked), with no SDK at all. What the openai row takes beyond this is the SDK's
// own cost, which harness, built on the SDK as it must be, cannot go below.
// Usage: node bench/http-floor.mjs <suite.json> (written by sdk-floor-tool.ts); writes tally.json beside it.
import http from "node:http";
import { runFloor } from "./floor-loop.mjs";

const agent = new http.Agent({ keepAlive: true });
const headers = { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${process.env.OPENAI_API_KEY}` };

let url;
await runFloor(
  (suite, body) =>
    new Promise((resolve, reject) => {
      url ??= new URL(`${suite.baseURL.replace(/\/$/, "")}/chat/completions`);
      const req = http.request(url, { method: "POST", headers, agent }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))) : reject(new Error(`status ${res.statusCode}`))));
      });
      req.on("error", reject);
      req.end(JSON.stringify(body));
    }),
);
agent.destroy();
