/**
 * A fake model server on 127.0.0.1 that speaks the OpenAI Chat Completions and
 * Anthropic Messages wire formats, for driving the real SDK clients in tests.
 * It can be scripted to answer, delay, return 429 with Retry-After, 5xx, hang,
 * reset the connection or send a broken body, and it counts what it saw.
 */
import http from "node:http";
import { createFakeBatches, type FakeBatches } from "./fake-batch.js";
import type { AddressInfo } from "node:net";

export type Api = "openai" | "anthropic";

export type Action =
  /** `refused`: the model declines (OpenAI: content null and a refusal; Anthropic: stop_reason "refusal"). */
  | { kind: "answer"; text: string; inputTokens?: number; outputTokens?: number; headers?: Record<string, string>; refused?: boolean }
  /** Structured output: the Anthropic API answers with a tool_use block holding `value`; OpenAI with its JSON as content. */
  | { kind: "structured"; value: unknown; inputTokens?: number; outputTokens?: number }
  | { kind: "status"; status: number; retryAfter?: string; message?: string; headers?: Record<string, string> }
  | { kind: "hang" }
  | { kind: "reset" }
  | { kind: "malformed" }
  /** Promises a whole answer (content-length), sends half of it, and drops the connection. */
  | { kind: "truncated" }
  /** Answers 200 with this as the whole body, live or in a batch: for shapes the scripted answers do not make. */
  | { kind: "body"; body: Record<string, unknown> };

export interface SeenRequest {
  api: Api;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** 0-based arrival order. */
  index: number;
  /** Carried in a provider batch rather than called live. */
  viaBatch?: true;
  /** performance.now() when its body had been read (live calls). */
  arrivedAt?: number;
  /** performance.now() when its answer was sent or its connection closed (live calls). */
  answeredAt?: number;
}

export type Handler = (req: SeenRequest) => Action | Promise<Action>;

export interface FakeServer {
  /** Base URL for the openai client (…/v1). */
  openaiBaseURL: string;
  /** Base URL for the Anthropic client (it appends /v1/messages itself). */
  anthropicBaseURL: string;
  requests: SeenRequest[];
  /** Most requests that were in flight at once. */
  maxInFlight: number;
  /** Start the high-water mark of requests in flight again from those in flight now, e.g. between two runs against one server. */
  resetMaxInFlight(): void;
  /** Replace the script. */
  handle(handler: Handler): void;
  /** Delay every answer by this many ms. */
  latencyMs: number;
  /** The providers' batch endpoints (OpenAI Files + Batches, Anthropic Message Batches). */
  batches: FakeBatches;
  close(): Promise<void>;
}

/** Echoes the last user message, so tests can see what the model was sent. */
export const echo: Handler = (req) => {
  const messages = (req.body.messages ?? []) as { role: string; content: unknown }[];
  const last = [...messages].reverse().find((m) => m.role === "user");
  return { kind: "answer", text: `echo: ${typeof last?.content === "string" ? last.content : JSON.stringify(last?.content)}` };
};

function errorBody(api: Api, status: number, message: string): string {
  if (api === "openai") return JSON.stringify({ error: { message, type: status === 429 ? "rate_limit_exceeded" : "server_error", code: null } });
  const type = status === 429 ? "rate_limit_error" : status === 401 ? "authentication_error" : status >= 500 ? "api_error" : "invalid_request_error";
  return JSON.stringify({ type: "error", error: { type, message } });
}

function structuredBody(api: Api, model: string, a: Extract<Action, { kind: "structured" }>, tool: string, index: number): string {
  const text = JSON.stringify(a.value);
  if (api === "openai") return answerBody(api, model, { kind: "answer", text, inputTokens: a.inputTokens, outputTokens: a.outputTokens }, index);
  return JSON.stringify({
    id: `msg_${index}`,
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "tool_use", id: `toolu_${index}`, name: tool, input: a.value }],
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: { input_tokens: a.inputTokens ?? 10, output_tokens: a.outputTokens ?? Math.ceil(text.length / 4) },
  });
}

function answerBody(api: Api, model: string, a: Extract<Action, { kind: "answer" }>, index: number): string {
  const inputTokens = a.inputTokens ?? 10;
  const outputTokens = a.outputTokens ?? Math.max(1, Math.ceil(a.text.length / 4));
  if (api === "openai") {
    return JSON.stringify({
      id: `chatcmpl-${index}`,
      object: "chat.completion",
      created: 1_700_000_000,
      model,
      choices: [{ index: 0, message: { role: "assistant", content: a.refused ? null : a.text, refusal: a.refused ? a.text : null }, finish_reason: "stop", logprobs: null }],
      usage: { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens },
    });
  }
  return JSON.stringify({
    id: `msg_${index}`,
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text: a.text }],
    stop_reason: a.refused ? "refusal" : "end_turn",
    stop_sequence: null,
    usage: { input_tokens: inputTokens, output_tokens: outputTokens },
  });
}

export async function startFakeServer(initial: Handler = echo): Promise<FakeServer> {
  let handler = initial;
  let inFlight = 0;
  let base = "";
  const state = { requests: [] as SeenRequest[], maxInFlight: 0, latencyMs: 0 };

  // A batch's requests run through the same script as live calls, and are counted as seen.
  const batches = createFakeBatches(
    () => base,
    async (api, body) => {
      const seen: SeenRequest = { api, path: api === "openai" ? "/v1/chat/completions" : "/v1/messages", headers: {}, body, index: state.requests.length, viaBatch: true };
      state.requests.push(seen);
      const action = await handler(seen);
      const model = String(body.model);
      if (action.kind === "answer") return { status: 200, body: JSON.parse(answerBody(api, model, action, seen.index)) as Record<string, unknown> };
      if (action.kind === "structured") {
        const tool = (body.tool_choice as { name?: string } | undefined)?.name ?? "answer";
        return { status: 200, body: JSON.parse(structuredBody(api, model, action, tool, seen.index)) as Record<string, unknown> };
      }
      if (action.kind === "body") return { status: 200, body: action.body };
      const status = action.kind === "status" ? action.status : 500;
      return { status, body: JSON.parse(errorBody(api, status, action.kind === "status" ? (action.message ?? `scripted ${status}`) : `scripted ${action.kind}`)) as Record<string, unknown> };
    },
  );
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      if (await batches.route(req, res, Buffer.concat(chunks))) return;
      const path = req.url ?? "";
      const api: Api | undefined = path.endsWith("/chat/completions") ? "openai" : path.endsWith("/messages") ? "anthropic" : undefined;
      if (req.method !== "POST" || !api) {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }));
        return;
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      } catch {
        res.writeHead(400).end(errorBody(api, 400, "body is not JSON"));
        return;
      }
      const seen: SeenRequest = { api, path, headers: req.headers, body, index: state.requests.length, arrivedAt: performance.now() };
      state.requests.push(seen);
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      let finished = false;
      const done = () => {
        if (!finished) {
          finished = true;
          inFlight--;
          seen.answeredAt = performance.now();
        }
      };
      res.on("close", done);
      try {
        const action = await handler(seen);
        if (state.latencyMs > 0) await new Promise((r) => setTimeout(r, state.latencyMs));
        switch (action.kind) {
          case "answer":
            res.writeHead(200, { "content-type": "application/json", ...action.headers }).end(answerBody(api, String(body.model), action, seen.index));
            break;
          case "structured": {
            const tool = (body.tool_choice as { name?: string } | undefined)?.name ?? "answer";
            res.writeHead(200, { "content-type": "application/json" }).end(structuredBody(api, String(body.model), action, tool, seen.index));
            break;
          }
          case "status": {
            const headers: Record<string, string> = { "content-type": "application/json" };
            if (action.retryAfter !== undefined) headers["retry-after"] = action.retryAfter;
            // Extra response headers, e.g. the non-standard retry-after-ms.
            if (action.headers) Object.assign(headers, action.headers);
            res.writeHead(action.status, headers).end(errorBody(api, action.status, action.message ?? `scripted ${action.status}`));
            break;
          }
          case "hang":
            return; // never answer; close() ends the socket
          case "reset":
            req.socket.destroy();
            break;
          case "truncated": {
            const full = answerBody(api, String(body.model), { kind: "answer", text: "cut short" }, seen.index);
            res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(full)) });
            res.write(full.slice(0, Math.floor(full.length / 2)));
            setTimeout(() => req.socket.destroy(), 5);
            break;
          }
          case "body":
            res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(action.body));
            break;
          case "malformed":
            res.writeHead(200, { "content-type": "application/json" }).end('{"id": "x", "choices": [');
            break;
        }
      } catch (err) {
        res.writeHead(500).end(errorBody(api, 500, String(err)));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    openaiBaseURL: `${base}/v1`,
    anthropicBaseURL: base,
    get requests() {
      return state.requests;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    resetMaxInFlight() {
      state.maxInFlight = inFlight;
    },
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(ms: number) {
      state.latencyMs = ms;
    },
    batches,
    handle(h: Handler) {
      handler = h;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
