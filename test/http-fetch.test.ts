// createHttpFetch's fetch against undici's fetch, over the same answers from one server on 127.0.0.1: the
// SDKs must not be able to tell the lean JsonResponse from a real Response in what they read.
import http from "node:http";
import type { AddressInfo } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import { inspect } from "node:util";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startFakeServer } from "./fake-server.js";
import { createHttpFetch, JsonResponse } from "../src/providers/http-fetch.js";

let server: http.Server;
let base = "";
const seen: { method: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", headers: req.headers, body });
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname === "/json") {
        res.setHeader("Content-Type", "application/json; charset=utf-8");
        res.setHeader("X-RateLimit-Remaining-Requests", "0");
        res.setHeader("x-request-id", "req_1");
        res.setHeader("Set-Cookie", ["a=1", "b=2"]);
        res.writeHead(Number(url.searchParams.get("status") ?? 200));
        res.end(JSON.stringify({ answer: "é ok", echo: body }));
      } else if (url.pathname === "/bom") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"é"}')]));
      } else if (url.pathname === "/redirect") {
        res.writeHead(Number(url.searchParams.get("status")), { location: url.searchParams.get("to") ?? "/json" }).end();
      } else if (url.pathname === "/loop") {
        res.writeHead(308, { location: "/loop" }).end();
      } else if (url.pathname === "/empty") {
        res.writeHead(204).end();
      } else {
        res.writeHead(200, { "content-type": "text/plain" }).end("plain text");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const init = (): RequestInit => ({ method: "POST", headers: new Headers({ "content-type": "application/json", authorization: "Bearer k" }), body: '{"q":1}' });

describe("createHttpFetch", () => {
  let httpFetch: typeof fetch;
  // A developer's own OPENAI_LOG=debug would turn the lean answers off.
  beforeEach(() => {
    vi.stubEnv("OPENAI_LOG", undefined);
    vi.stubEnv("ANTHROPIC_LOG", undefined);
    httpFetch = createHttpFetch();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("answers JSON with a JsonResponse that reads as undici's Response does", async () => {
    for (const status of [200, 429, 500]) {
      const lean = await httpFetch(`${base}/json?status=${status}`, init());
      const real = await fetch(`${base}/json?status=${status}`, init());
      expect(lean).toBeInstanceOf(JsonResponse);
      expect([lean.status, lean.ok, lean.statusText, lean.url, lean.bodyUsed]).toEqual([real.status, real.ok, real.statusText, real.url, real.bodyUsed]);
      // Iteration order, case and joined values as Headers gives them; date differs between the two answers.
      const rows = (h: Headers) => [...h].filter(([k]) => k !== "date");
      expect(rows(lean.headers)).toEqual(rows(real.headers));
      expect([...lean.headers.keys()]).toEqual([...real.headers.keys()]);
      const values = (h: Headers) => [...h.values()].filter((v) => v !== h.get("date"));
      expect(values(lean.headers)).toEqual(values(real.headers));
      const each = (h: Headers) => {
        const seen: [string, string][] = [];
        h.forEach((value, key) => key !== "date" && seen.push([key, value]));
        return seen;
      };
      expect(each(lean.headers)).toEqual(each(real.headers));
      expect(lean.headers.get("X-RATELIMIT-remaining-requests")).toBe("0");
      expect(lean.headers.get("absent")).toBe(real.headers.get("absent"));
      expect(lean.headers.has("x-request-id")).toBe(true);
      expect(lean.headers.getSetCookie()).toEqual(real.headers.getSetCookie());
      expect(await lean.json()).toEqual(await real.json());
      expect([lean.bodyUsed, real.bodyUsed]).toEqual([true, true]);
      // A body is read once.
      await expect(lean.text()).rejects.toThrow(TypeError);
      await expect(real.text()).rejects.toThrow(TypeError);
      expect(() => lean.clone()).toThrow(TypeError);
    }
  });

  it("reads past a byte-order mark, and answers only the headers sent", async () => {
    const lean = await httpFetch(`${base}/bom`);
    const real = await fetch(`${base}/bom`);
    expect(await lean.json()).toEqual(await real.json());
    for (const name of ["constructor", "toString", "__proto__"]) {
      expect(lean.headers.get(name)).toBe(real.headers.get(name));
      expect(lean.headers.has(name)).toBe(real.headers.has(name));
    }
  });

  it("sends the method, headers and body it is given", async () => {
    seen.length = 0;
    await (await httpFetch(`${base}/json`, init())).text();
    await (await httpFetch(`${base}/json`, { method: "POST", headers: { "x-plain": "object" }, body: "x" })).text();
    expect(seen.map((s) => [s.method, s.headers["authorization"] ?? s.headers["x-plain"], s.body])).toEqual([
      ["POST", "Bearer k", '{"q":1}'],
      ["POST", "object", "x"],
    ]);
  });

  it("gives the same bytes through text, arrayBuffer, body and a clone", async () => {
    const a = await httpFetch(`${base}/json`, init());
    const copy = (a as unknown as JsonResponse).clone();
    const text = await a.text();
    expect(JSON.parse(text).answer).toBe("é ok");
    expect(new TextDecoder().decode(await copy.arrayBuffer())).toBe(text);
    const b = await httpFetch(`${base}/json`, init());
    const streamed = await new Response(b.body).text();
    expect(streamed).toBe(text);
    // Reading the stream used the body up.
    expect(b.bodyUsed).toBe(true);
    await expect(b.json()).rejects.toThrow(TypeError);
  });

  it("one fetch asked for URLs in turn sends each request to its own URL", async () => {
    const urls = [`${base}/json?status=200`, `${base}/plain`, `${base}/json?status=429`, new URL(`${base}/json?status=500`), `${base}/json?status=200`];
    const answers = [];
    for (const url of urls) {
      const r = await httpFetch(url, { method: "POST", body: "x" });
      answers.push([r.url, r.status]);
      await r.text();
    }
    expect(answers).toEqual([
      [`${base}/json?status=200`, 200],
      [`${base}/plain`, 200],
      [`${base}/json?status=429`, 429],
      [`${base}/json?status=500`, 500],
      [`${base}/json?status=200`, 200],
    ]);
  });

  it("sends a form (a batch's file upload) to a URL with user:password@ through Node's fetch, the credentials as Basic auth unless the request has its own", async () => {
    const withCredentials = base.replace("http://", "http://me:p%40ss@");
    const form = () => {
      const f = new FormData();
      f.append("purpose", "batch");
      return f;
    };
    const r = await httpFetch(`${withCredentials}/json`, { method: "POST", body: form() });
    expect(r.status).toBe(200);
    expect(seen.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from("me:p@ss").toString("base64")}`);
    expect(seen.at(-1)!.body).toContain("batch");
    await httpFetch(`${withCredentials}/json`, { method: "POST", body: form(), headers: { authorization: "Bearer k" } });
    expect(seen.at(-1)!.headers.authorization).toBe("Bearer k");
  });

  it("answers anything but JSON, and an empty 204, with a real Response", async () => {
    const plain = await httpFetch(`${base}/plain`);
    expect(plain).toBeInstanceOf(Response);
    expect(await plain.text()).toBe("plain text");
    const empty = await httpFetch(`${base}/empty`, { method: "DELETE" });
    expect(empty).toBeInstanceOf(Response);
    expect([empty.status, empty.body]).toEqual([204, null]);
  });

  describe("following redirects, as fetch does", () => {
    beforeEach(() => {
      seen.length = 0;
    });
    const redirecting = (status: number, to = "/json?status=200") => `${base}/redirect?status=${status}&to=${encodeURIComponent(to)}`;
    /** What the server was sent after the redirect, by this fetch and by Node's. */
    const followed = () => seen.filter((_, i) => i % 2 === 1).map((s) => [s.method, s.headers.authorization, s.headers["content-type"], s.body]);

    it("follows a 307 or 308 with the method, body and key, to the same origin", async () => {
      for (const status of [307, 308]) {
        seen.length = 0;
        const lean = await httpFetch(redirecting(status), init());
        const real = await fetch(redirecting(status), init());
        expect([lean.status, lean.url, lean.redirected]).toEqual([200, `${base}/json?status=200`, true]);
        expect([lean.status, lean.url, lean.redirected]).toEqual([real.status, real.url, real.redirected]);
        expect(await lean.json()).toEqual(await real.json());
        expect(followed()).toEqual([
          ["POST", "Bearer k", "application/json", '{"q":1}'],
          ["POST", "Bearer k", "application/json", '{"q":1}'],
        ]);
      }
    });

    it("turns a 303, and a 301 or 302 of a POST, into a GET without the body", async () => {
      for (const status of [301, 302, 303]) {
        seen.length = 0;
        await (await httpFetch(redirecting(status), init())).text();
        await (await fetch(redirecting(status), init())).text();
        expect(followed()).toEqual([
          ["GET", "Bearer k", undefined, ""],
          ["GET", "Bearer k", undefined, ""],
        ]);
      }
    });

    it("sends no key to another origin", async () => {
      const other: typeof seen = [];
      const elsewhere = http.createServer((req, res) => {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString()));
        req.on("end", () => {
          other.push({ method: req.method ?? "", headers: req.headers, body });
          res.writeHead(200, { "content-type": "application/json" }).end("{}");
        });
      });
      await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
      try {
        const to = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/v1/messages`;
        const headers = { authorization: "Bearer k", "x-api-key": "sk-ant-k", "api-key": "azure-k", "content-type": "application/json" };
        const r = await httpFetch(redirecting(308, to), { method: "POST", headers, body: '{"q":1}' });
        expect([r.status, r.url]).toEqual([200, to]);
        expect(other).toHaveLength(1);
        expect(other[0]!.headers).not.toHaveProperty("authorization");
        expect(other[0]!.headers).not.toHaveProperty("x-api-key");
        expect(other[0]!.headers).not.toHaveProperty("api-key");
        expect([other[0]!.method, other[0]!.headers["content-type"], other[0]!.body]).toEqual(["POST", "application/json", '{"q":1}']);
      } finally {
        elsewhere.closeAllConnections();
        await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
      }
    });

    it("gives up after 20 redirects in a row, and follows none when asked not to", async () => {
      await expect(httpFetch(`${base}/loop`, init())).rejects.toThrow("more than 20 redirects, the last to /loop");
      expect(seen).toHaveLength(21);
      const manual = await httpFetch(redirecting(308), { ...init(), redirect: "manual" });
      expect([manual.status, manual.headers.get("location"), manual.redirected]).toEqual([308, "/json?status=200", false]);
    });
  });
});

describe("createHttpFetch under the SDKs' debug log", () => {
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  beforeAll(async () => {
    fake = await startFakeServer(() => ({ kind: "answer", text: "ok", headers: { "x-request-id": "req_debug" } }));
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  afterAll(async () => {
    await fake.close();
  });

  const capture = () => {
    const logged: unknown[][] = [];
    return { logged, logger: { debug: (...args: unknown[]) => logged.push(args), info: () => {}, warn: () => {}, error: () => {} } };
  };
  const responseStart = (logged: unknown[][]) => logged.find((args) => String(args[0]).includes("response start"))?.[1] as { headers?: Record<string, string>; url?: string } | undefined;

  it("hands the openai client a real Response, so OPENAI_LOG=debug shows the answer's headers and url, and the key stays masked", async () => {
    vi.stubEnv("OPENAI_LOG", "debug");
    const { logged, logger } = capture();
    const client = new OpenAI({ apiKey: "sk-debug-log", baseURL: fake.openaiBaseURL, fetch: createHttpFetch(), logger, maxRetries: 0 });
    await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    expect(responseStart(logged)?.headers?.["x-request-id"]).toBe("req_debug");
    expect(responseStart(logged)?.url).toBe(`${fake.openaiBaseURL}/chat/completions`);
    // inspect, not JSON: a Headers object would print as {} and hide a key inside it.
    expect(inspect(logged, { depth: null })).not.toContain("sk-debug-log");
  });

  it("does the same for the Anthropic client under ANTHROPIC_LOG=debug", async () => {
    vi.stubEnv("ANTHROPIC_LOG", "debug");
    const { logged, logger } = capture();
    const client = new Anthropic({ apiKey: "sk-ant-debug-log", baseURL: fake.anthropicBaseURL, fetch: createHttpFetch(), logger, maxRetries: 0 });
    await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 16, messages: [{ role: "user", content: "hi" }] });
    expect(responseStart(logged)?.headers?.["x-request-id"]).toBe("req_debug");
    expect(inspect(logged, { depth: null })).not.toContain("sk-ant-debug-log");
  });
});
