/**
 * Contract suite for the model providers, run against BOTH openai and anthropic
 * through their real SDK clients, talking to the fake wire-format server.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ProviderConfig } from "../src/config/schema.js";
import type { Message } from "../src/core/types.js";
import { createAnthropicProvider, DEFAULT_ANTHROPIC_MAX_TOKENS } from "../src/providers/anthropic.js";
import { createOpenAIProvider } from "../src/providers/openai.js";
import { classifySdkError, retryAfterMs } from "../src/providers/sdk-errors.js";
import { ProviderError, RETRYABLE, type ProviderRequest, type ProviderResponse, type RecordableProvider } from "../src/providers/types.js";
import { echo, startFakeServer, type FakeServer, type SeenRequest } from "./fake-server.js";
import { DUMMY_ANTHROPIC_KEY, DUMMY_OPENAI_KEY, waitFor } from "./helpers/project.js";


interface Target {
  kind: "openai" | "anthropic";
  model: string;
  keyVar: "OPENAI_API_KEY" | "ANTHROPIC_API_KEY";
  baseVar: "OPENAI_BASE_URL" | "ANTHROPIC_BASE_URL";
  key: string;
  create: (model: string, config: ProviderConfig, env: NodeJS.ProcessEnv) => RecordableProvider;
  baseURL: (server: FakeServer) => string;
  /** The model's list price in USD per million tokens, as its provider publishes it: written here, not read from the code's table. */
  listPrice: { input: number; output: number };
  /** The credential as the server saw it. */
  sentKey: (req: SeenRequest) => string | undefined;
}

const TARGETS: Target[] = [
  {
    kind: "openai",
    model: "gpt-4o-mini",
    keyVar: "OPENAI_API_KEY",
    baseVar: "OPENAI_BASE_URL",
    key: DUMMY_OPENAI_KEY,
    create: createOpenAIProvider,
    baseURL: (s) => s.openaiBaseURL,
    listPrice: { input: 0.15, output: 0.6 },
    sentKey: (req) => {
      const auth = req.headers.authorization;
      return typeof auth === "string" ? auth.replace(/^Bearer /, "") : undefined;
    },
  },
  {
    kind: "anthropic",
    model: "claude-haiku-4-5",
    keyVar: "ANTHROPIC_API_KEY",
    baseVar: "ANTHROPIC_BASE_URL",
    key: DUMMY_ANTHROPIC_KEY,
    create: createAnthropicProvider,
    baseURL: (s) => s.anthropicBaseURL,
    listPrice: { input: 1, output: 5 },
    // The SDK sends the key as x-api-key or, in newer versions, as a bearer token.
    sentKey: (req) => {
      const key = req.headers["x-api-key"];
      if (typeof key === "string") return key;
      const auth = req.headers.authorization;
      return typeof auth === "string" ? auth.replace(/^Bearer /, "") : undefined;
    },
  },
];

const SYSTEM = "You are a terse support agent.";
const USER = "Where is my order #123?";
const MESSAGES: Message[] = [
  { role: "system", content: SYSTEM },
  { role: "user", content: USER },
];
const REQUEST: ProviderRequest = { messages: MESSAGES, vars: { order: 123 } };

function callOptions(signal: AbortSignal = new AbortController().signal, trial = 0) {
  return { signal, trial };
}

/** Calls and returns the ProviderError it must reject with. */
async function callError(provider: RecordableProvider, request: ProviderRequest = REQUEST, signal?: AbortSignal): Promise<ProviderError> {
  let result: ProviderResponse | undefined;
  try {
    result = await provider.call(request, callOptions(signal));
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderError);
    return err as ProviderError;
  }
  throw new Error(`expected the call to fail, but it answered ${JSON.stringify(result)}`);
}

let server: FakeServer;

beforeAll(async () => {
  server = await startFakeServer();
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.handle(echo);
  server.latencyMs = 0;
  server.requests.length = 0;
});

describe.each(TARGETS)("$kind provider contract", (target) => {
  const env = (): NodeJS.ProcessEnv => ({ [target.keyVar]: target.key });
  const make = (config: ProviderConfig = {}, model = target.model) => target.create(model, { baseURL: target.baseURL(server), ...config }, env());

  it("identifies itself", () => {
    const p = make();
    expect(p.id).toBe(`${target.kind}:${target.model}`);
    expect(p.kind).toBe(target.kind);
    expect(p.model).toBe(target.model);
  });

  it("answers with the output, usage tokens and a live (uncached) response", async () => {
    server.handle(() => ({ kind: "answer", text: "It ships tomorrow.", inputTokens: 1234, outputTokens: 567 }));
    const res = await make().call(REQUEST, callOptions());
    expect(res.output).toBe("It ships tomorrow.");
    expect(res.usage).toEqual({ inputTokens: 1234, outputTokens: 567 });
    expect(res.cached).toBe(false);
    expect(res.latencyMs).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(res.latencyMs)).toBe(true);
  });

  it("prices a known model as tokens × its published price per million", async () => {
    server.handle(() => ({ kind: "answer", text: "ok", inputTokens: 1000, outputTokens: 200 }));
    const res = await make().call(REQUEST, callOptions());
    const { input, output } = target.listPrice;
    expect(res.costUsd).not.toBeNull();
    expect(res.costUsd!).toBeCloseTo((1000 * input + 200 * output) / 1_000_000, 12);
  });

  it("prices a dated snapshot as its alias", async () => {
    server.handle(() => ({ kind: "answer", text: "ok", inputTokens: 100, outputTokens: 40 }));
    const dated = target.kind === "openai" ? `${target.model}-2024-07-18` : `${target.model}-20251001`;
    const [alias, snapshot] = await Promise.all([make().call(REQUEST, callOptions()), make({}, dated).call(REQUEST, callOptions())]);
    expect(snapshot.costUsd).not.toBeNull();
    expect(snapshot.costUsd).toBe(alias.costUsd);
  });

  it("reports an unknown model's cost as null, never zero", async () => {
    server.handle(() => ({ kind: "answer", text: "ok", inputTokens: 10, outputTokens: 10 }));
    const res = await make({}, "no-such-model-xyz").call(REQUEST, callOptions());
    expect(res.usage).toEqual({ inputTokens: 10, outputTokens: 10 });
    expect(res.costUsd).toBeNull();
  });

  it("uses the suite's own prices when given", async () => {
    server.handle(() => ({ kind: "answer", text: "ok", inputTokens: 2_000_000, outputTokens: 1_000_000 }));
    const res = await make({ inputPricePerMTok: 3, outputPricePerMTok: 7 }, "custom-model").call(REQUEST, callOptions());
    expect(res.costUsd).toBeCloseTo(2 * 3 + 7, 9);
  });

  it("sends the model and the messages in the vendor's wire format", async () => {
    await make().call(REQUEST, callOptions());
    expect(server.requests).toHaveLength(1);
    const seen = server.requests[0]!;
    expect(seen.api).toBe(target.kind);
    expect(seen.body.model).toBe(target.model);
    if (target.kind === "openai") {
      expect(seen.path).toBe("/v1/chat/completions");
      expect(seen.body.messages).toEqual([
        { role: "system", content: SYSTEM },
        { role: "user", content: USER },
      ]);
      expect(seen.body.system).toBeUndefined();
    } else {
      expect(seen.path).toBe("/v1/messages");
      // System text is split out of the turns; max_tokens is required by the Messages API.
      expect(seen.body.system).toBe(SYSTEM);
      expect(seen.body.messages).toEqual([{ role: "user", content: USER }]);
      expect(seen.body.max_tokens).toBe(DEFAULT_ANTHROPIC_MAX_TOKENS);
    }
    expect(seen.body.stream).not.toBe(true);
    // vars are for exec targets; a model provider never puts them on the wire.
    expect(JSON.stringify(seen.body)).not.toContain("order\":123");
  });

  it("passes sampling options on the wire", async () => {
    await make({ temperature: 0.3, maxTokens: 77, topP: 0.9 }).call(REQUEST, callOptions());
    const body = server.requests[0]!.body;
    expect(body.temperature).toBe(0.3);
    expect(body.top_p).toBe(0.9);
    if (target.kind === "openai") expect(body.max_completion_tokens).toBe(77);
    else expect(body.max_tokens).toBe(77);
  });

  it("keeps multi-turn conversations in order", async () => {
    const messages: Message[] = [
      { role: "system", content: "s1" },
      { role: "user", content: "u1" },
      { role: "assistant", content: "a1" },
      { role: "user", content: "u2" },
    ];
    const res = await make().call({ messages, vars: {} }, callOptions());
    expect(res.output).toBe("echo: u2");
    const sent = server.requests[0]!.body.messages;
    const turns = messages.filter((m) => target.kind === "openai" || m.role !== "system");
    expect(sent).toEqual(turns);
  });

  it("sends the API key as a header, and never puts it in requestIdentity", async () => {
    const p = make();
    await p.call(REQUEST, callOptions());
    expect(target.sentKey(server.requests[0]!)).toBe(target.key);
    const identity = JSON.stringify(p.requestIdentity(REQUEST));
    expect(identity).not.toContain(target.key);
    expect(identity).not.toContain(target.baseURL(server));
    expect(identity).not.toContain("127.0.0.1");
    expect(identity.toLowerCase()).not.toContain("authorization");
    expect(identity.toLowerCase()).not.toContain("api-key");
    // The identity is what the server was sent (bar streaming flags): the thing that decides the answer.
    const { stream: _stream, ...sent } = server.requests[0]!.body;
    expect(JSON.parse(identity)).toEqual(sent);
  });

  it("fails with a fatal auth error, sending nothing, when the key is missing", async () => {
    for (const missing of [{}, { [target.keyVar]: "" }]) {
      const p = target.create(target.model, { baseURL: target.baseURL(server) }, missing);
      const err = await callError(p);
      expect(err.category).toBe("auth");
      expect(err.fatal).toBe(true);
      expect(err.message).toContain(target.keyVar);
      expect(err.hint).toBeTruthy();
    }
    expect(server.requests).toHaveLength(0);
  });

  it("does not need the key to build the provider or its fixture identity", () => {
    const p = target.create(target.model, {}, {});
    expect(() => p.requestIdentity(REQUEST)).not.toThrow();
  });

  it("classifies 429 as rate-limit, with retryAfterMs from Retry-After seconds", async () => {
    server.handle(() => ({ kind: "status", status: 429, retryAfter: "7" }));
    const err = await callError(make());
    expect(err.category).toBe("rate-limit");
    expect(err.retryAfterMs).toBe(7000);
    expect(err.fatal).toBe(false);
    expect(err.message).toContain("429");
    expect(server.requests).toHaveLength(1);
  });

  it("classifies 429 with retry-after-ms, preferring it to Retry-After", async () => {
    server.handle(() => ({ kind: "status", status: 429, retryAfter: "30", headers: { "retry-after-ms": "250" } }));
    const err = await callError(make());
    expect(err.category).toBe("rate-limit");
    expect(err.retryAfterMs).toBe(250);
  });

  it("leaves retryAfterMs unset when the server gives no Retry-After", async () => {
    server.handle(() => ({ kind: "status", status: 429 }));
    const err = await callError(make());
    expect(err.category).toBe("rate-limit");
    expect(err.retryAfterMs).toBeUndefined();
  });

  it.each([500, 502, 503, 529])("classifies %i as server-error, retryable, not fatal", async (status) => {
    server.handle(() => ({ kind: "status", status, retryAfter: "2" }));
    const err = await callError(make());
    expect(err.category).toBe("server-error");
    expect(err.fatal).toBe(false);
    expect(err.retryAfterMs).toBe(2000);
    expect(RETRYABLE.has(err.category)).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it.each([401, 403])("classifies %i as auth, fatal", async (status) => {
    server.handle(() => ({ kind: "status", status }));
    const err = await callError(make());
    expect(err.category).toBe("auth");
    expect(err.fatal).toBe(true);
    expect(err.message).toContain(String(status));
    // The credential never leaks into the error the user sees.
    expect(err.message).not.toContain(target.key);
    expect(server.requests).toHaveLength(1);
  });

  it.each([400, 404, 422])("classifies %i as bad-request, not retried, not fatal", async (status) => {
    server.handle(() => ({ kind: "status", status, message: "model does not exist" }));
    const err = await callError(make());
    expect(err.category).toBe("bad-request");
    expect(err.fatal).toBe(false);
    expect(RETRYABLE.has(err.category)).toBe(false);
    expect(err.message).toContain(`HTTP ${status} `);
    // The SDK's own message starts with the status too: it is said once.
    expect(err.message).not.toContain(`${status} ${status}`);
    const hint = target.kind === "openai" ? "check the provider's baseURL (an OpenAI-compatible server's usually ends in /v1) and the model's name" : "check the provider's baseURL (the server's root: the client adds /v1/messages) and the model's name";
    expect(err.hint).toBe(status === 404 ? hint : undefined);
  });


  it("classifies 408 as timeout", async () => {
    server.handle(() => ({ kind: "status", status: 408 }));
    const err = await callError(make());
    expect(err.category).toBe("timeout");
  });

  it("classifies a connection reset as network", async () => {
    server.handle(() => ({ kind: "reset" }));
    const err = await callError(make());
    expect(err.category).toBe("network");
    expect(err.fatal).toBe(false);
    // A server took the request: it can be reached, whatever became of the answer.
    expect(err.unreachable).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it("classifies a refused connection as network, saying what was refused", async () => {
    const dead = await startFakeServer();
    const url = target.baseURL(dead);
    await dead.close();
    const err = await callError(target.create(target.model, { baseURL: url }, env()));
    expect(err.category).toBe("network");
    expect(err.unreachable).toBe(true);
    // The SDK says only "Connection error."; the cause names the address.
    expect(err.message).toContain(`connection failed (connect ECONNREFUSED ${new URL(url).host})`);
  });

  it("turns a malformed body into a classified error, not a crash and not an answer", async () => {
    server.handle(() => ({ kind: "malformed" }));
    const err = await callError(make());
    expect(err.category).toBe("malformed-output");
    expect(err.fatal).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it("reads an answer in text parts as its text, and token counts a server left out as unknown, never NaN", async () => {
    const parts = [
      { type: "text", text: "It ships " },
      { type: "text", text: "tomorrow." },
    ];
    const body =
      target.kind === "openai"
        ? { id: "c", object: "chat.completion", created: 1, model: target.model, choices: [{ index: 0, message: { role: "assistant", content: parts }, finish_reason: "stop" }], usage: { prompt_tokens: 20 } }
        : { id: "m", type: "message", role: "assistant", model: target.model, content: [{ type: "thinking", thinking: "hmm", signature: "s" }, ...parts], stop_reason: "end_turn", usage: { input_tokens: 20 } };
    server.handle(() => ({ kind: "body", body }));
    const res = await make().call(REQUEST, callOptions());
    expect(res.output).toBe("It ships tomorrow.");
    expect(res.usage).toBeNull();
    expect(res.costUsd).toBeNull();
  });

  it("refuses an answer that is no text as malformed-output, naming what came, rather than handing it to the graders", async () => {
    const choice = (message: unknown) => ({ choices: [{ index: 0, message, finish_reason: "stop" }] });
    const cases: [Record<string, unknown>, string][] =
      target.kind === "openai"
        ? [
            [choice({ role: "assistant", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }), `the answer's content is neither text nor text parts: [{"type":"image_url"`],
            [choice({ role: "assistant", content: { text: "hi" } }), `the answer's content is neither text nor text parts: {"text":"hi"}`],
            [choice(undefined), "the response has no answer (no choices[0].message)"],
          ]
        : [[{ type: "message", role: "assistant", content: "hello", stop_reason: "end_turn", usage: { input_tokens: 1, output_tokens: 1 } }, "the response has no content blocks"]];
    for (const [body, said] of cases) {
      server.handle(() => ({ kind: "body", body }));
      const err = await callError(make());
      expect(err.category).toBe("malformed-output");
      expect(err.message.startsWith(`${target.kind}:${target.model}: ${said}`), err.message).toBe(true);
    }
  });

  it("classifies a body cut off mid-answer as a network fault (retried), not a provider error", async () => {
    server.handle(() => ({ kind: "truncated" }));
    const err = await callError(make());
    expect(err.category).toBe("network");
    expect(err.message).toContain("the connection dropped mid-answer");
  });

  it("classifies a prompt longer than the context window as context-length, not retried", async () => {
    const message = target.kind === "openai" ? "This model's maximum context length is 128000 tokens. However, your messages resulted in 210000 tokens." : "prompt is too long: 210000 tokens > 200000 maximum";
    server.handle(() => ({ kind: "status", status: 400, message }));
    const err = await callError(make());
    expect(err.category).toBe("context-length");
    expect(err.hint).toMatch(/shorten the prompt/);
    // Any other 400 stays a bad request.
    server.handle(() => ({ kind: "status", status: 400, message: "invalid temperature" }));
    expect((await callError(make())).category).toBe("bad-request");
  });

  it("marks a refusal as refused, and keeps what the model said as the output to grade", async () => {
    server.handle(() => ({ kind: "answer", text: "I can't help with that.", refused: true }));
    const res = await make().call(REQUEST, { signal: new AbortController().signal, trial: 0 });
    expect(res.output).toBe("I can't help with that.");
    expect(res.refused).toBe(true);
    server.handle(() => ({ kind: "answer", text: "Sure." }));
    expect((await make().call(REQUEST, { signal: new AbortController().signal, trial: 0 })).refused).toBeUndefined();
  });

  describe("an answer that ended early", () => {
    const [limit, filter] = target.kind === "openai" ? ["length", "content_filter"] : ["max_tokens", "refusal"];
    const said = target.kind === "openai" ? "finish_reason" : "stop_reason";
    /** The API's answer with this text (none: null content, or no blocks), stopped for this reason. */
    const stoppedFor = (reason: string, text: string | null) =>
      target.kind === "openai"
        ? { id: "c", object: "chat.completion", created: 1, model: target.model, choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, finish_reason: reason }], usage: { prompt_tokens: 20, completion_tokens: 50 } }
        : { id: "m", type: "message", role: "assistant", model: target.model, content: text === null ? [] : [{ type: "text", text }], stop_reason: reason, usage: { input_tokens: 20, output_tokens: 50 } };

    it("with no text, at the token limit, is an error naming maxTokens, not an empty answer every guard passes", async () => {
      for (const text of [null, "", "\n "]) {
        server.handle(() => ({ kind: "body", body: stoppedFor(limit, text) }));
        const err = await callError(make());
        expect(err.category).toBe("max-tokens");
        expect(err.message).toBe(`${target.kind}:${target.model}: the model stopped at the token limit before writing any text (${said} "${limit}"): nothing to grade; raise maxTokens in this model's config (a reasoning model spends part of it thinking)`);
        // The same request would stop at the same limit: not retried.
        expect(RETRYABLE.has(err.category)).toBe(false);
      }
    });

    it("with no text, stopped by a content filter, is a content-filter error", async () => {
      server.handle(() => ({ kind: "body", body: stoppedFor(filter, null) }));
      const err = await callError(make());
      expect(err.category).toBe("content-filter");
      expect(err.message).toBe(`${target.kind}:${target.model}: a content filter stopped the answer before any text (${said} "${filter}"): nothing to grade`);
    });

    it("with text, is graded as given: marked truncated at the token limit, refused when a filter stopped it", async () => {
      server.handle(() => ({ kind: "body", body: stoppedFor(limit, "Our backpacks come with a") }));
      const cut = await make().call(REQUEST, callOptions());
      expect([cut.output, cut.truncated, cut.refused]).toEqual(["Our backpacks come with a", true, undefined]);
      server.handle(() => ({ kind: "body", body: stoppedFor(filter, "Our backpacks come") }));
      const filtered = await make().call(REQUEST, callOptions());
      expect([filtered.output, filtered.truncated, filtered.refused]).toEqual(["Our backpacks come", undefined, true]);
      server.handle(() => ({ kind: "answer", text: "Sure." }));
      const whole = await make().call(REQUEST, callOptions());
      expect([whole.truncated, whole.refused]).toEqual([undefined, undefined]);
    });
  });

  it("ends a hung call as cancelled when its signal aborts", async () => {
    server.handle(() => ({ kind: "hang" }));
    const ac = new AbortController();
    const pending = callError(make(), REQUEST, ac.signal);
    await waitFor(() => server.requests.length === 1);
    ac.abort();
    const err = await pending;
    expect(err.category).toBe("cancelled");
    expect(server.requests).toHaveLength(1);
  });

  it(`honours ${target.baseVar} from env when config.baseURL is absent`, async () => {
    const p = target.create(target.model, {}, { [target.keyVar]: target.key, [target.baseVar]: target.baseURL(server) });
    const res = await p.call(REQUEST, callOptions());
    expect(res.output).toBe(`echo: ${USER}`);
    expect(server.requests).toHaveLength(1);
    expect(target.sentKey(server.requests[0]!)).toBe(target.key);
  });

  it("prefers config.baseURL to the env base URL", async () => {
    const other = await startFakeServer(() => ({ kind: "answer", text: "wrong server" }));
    try {
      const p = target.create(target.model, { baseURL: target.baseURL(server) }, { [target.keyVar]: target.key, [target.baseVar]: target.baseURL(other) });
      const res = await p.call(REQUEST, callOptions());
      expect(res.output).toBe(`echo: ${USER}`);
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it("tells the SDK the run's time limit, so the SDK's 10-minute default never ends a longer call first", async () => {
    // The SDKs send the timeout they will keep, in whole seconds: read back here, not waited for.
    const timeoutSeen = () => server.requests.at(-1)!.headers["x-stainless-timeout"];
    await make().call(REQUEST, { ...callOptions(), timeoutMs: 45 * 60_000 });
    expect(timeoutSeen()).toBe("2700");
    // A caller that gives none gets harness's own default, not the SDK's.
    await make().call(REQUEST, callOptions());
    expect(timeoutSeen()).toBe("60");
  });

  it("makes exactly one request per call: the SDK's own retries are off", async () => {
    const p = make();
    const script: ("ok" | 429 | 500 | "reset")[] = ["ok", 429, 500, "reset", "ok"];
    for (const step of script) {
      server.handle(() =>
        step === "ok" ? { kind: "answer", text: "fine" } : step === "reset" ? { kind: "reset" } : { kind: "status", status: step, retryAfter: "0" },
      );
      const before = server.requests.length;
      await p.call(REQUEST, callOptions()).catch((e: unknown) => e);
      expect(server.requests.length - before, `requests for ${step}`).toBe(1);
    }
    expect(server.requests).toHaveLength(script.length);
  });
});

describe("classifySdkError: whether the request reached a server", () => {
  // The SDKs wrap whatever their fetch threw as an APIConnectionError with it as the cause.
  const failed = (code: string, message: string) => classifySdkError(new OpenAI.APIConnectionError({ cause: Object.assign(new Error(message), { code }) }), OpenAI, "openai:gpt-4o-mini", "openai");

  it("a host name with no address, or none the resolver could give, is unreachable", () => {
    for (const [code, message] of [
      ["ENOTFOUND", "getaddrinfo ENOTFOUND api.example.invalid"],
      ["EAI_AGAIN", "getaddrinfo EAI_AGAIN api.example.com"],
      ["EHOSTUNREACH", "connect EHOSTUNREACH 10.0.0.9:443"],
    ]) {
      const err = failed(code!, message!);
      expect(err).toMatchObject({ category: "network", unreachable: true, fatal: false });
      expect(err.message).toBe(`openai:gpt-4o-mini: connection failed (${message})`);
    }
  });

  it("says the status once, and a body that was empty as such", () => {
    const answer = (status: number, body?: unknown) => classifySdkError(OpenAI.APIError.generate(status, body as never, undefined, new Headers()), OpenAI, "openai:gpt-4o-mini", "openai").message;
    expect(answer(404)).toBe("openai:gpt-4o-mini: HTTP 404 (no body)");
    expect(answer(500, { error: { message: "boom" } })).toBe("openai:gpt-4o-mini: HTTP 500 boom");
    expect(answer(404, { error: { message: "404 of them" } })).toBe("openai:gpt-4o-mini: HTTP 404 404 of them");
  });

  it("a connection dropped or timed out after it was made is not", () => {
    expect(failed("ECONNRESET", "read ECONNRESET")).toMatchObject({ category: "network", unreachable: false });
    expect(failed("ETIMEDOUT", "connect ETIMEDOUT 10.0.0.9:443")).toMatchObject({ category: "network", unreachable: false });
    // This machine out of local ports: a matter of load, not of the provider.
    expect(failed("EADDRNOTAVAIL", "connect EADDRNOTAVAIL 10.0.0.9:443")).toMatchObject({ category: "network", unreachable: false });
    expect(classifySdkError(new OpenAI.APIConnectionTimeoutError(), OpenAI, "openai:gpt-4o-mini", "openai")).toMatchObject({ category: "timeout", unreachable: false });
  });
});

describe("retryAfterMs", () => {
  const h = (init: Record<string, string>) => new Headers(init);

  it("reads seconds, milliseconds and HTTP dates", () => {
    expect(retryAfterMs(h({ "retry-after": "3" }))).toBe(3000);
    expect(retryAfterMs(h({ "retry-after": "0" }))).toBe(0);
    expect(retryAfterMs(h({ "retry-after": "1.5" }))).toBe(1500);
    expect(retryAfterMs(h({ "retry-after-ms": "120" }))).toBe(120);
    expect(retryAfterMs(h({ "retry-after-ms": "120", "retry-after": "9" }))).toBe(120);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(retryAfterMs(h({ "retry-after": "Wed, 01 Jan 2025 00:00:10 GMT" }), now)).toBe(10_000);
    // A date in the past means "now", never a negative wait.
    expect(retryAfterMs(h({ "retry-after": "Tue, 31 Dec 2024 23:59:00 GMT" }), now)).toBe(0);
  });

  it("ignores what it cannot read", () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs(h({}))).toBeUndefined();
    expect(retryAfterMs(h({ "retry-after": "soon" }))).toBeUndefined();
    // Not a delay, and not an HTTP date either (V8 would parse "-5" as the year 2001: "retry now").
    expect(retryAfterMs(h({ "retry-after": "-5" }))).toBeUndefined();
    expect(retryAfterMs(h({ "retry-after": "" }))).toBeUndefined();
    expect(retryAfterMs(h({ "retry-after-ms": "" }))).toBeUndefined();
    expect(retryAfterMs(h({ "retry-after-ms": "-1", "retry-after": "4" }))).toBe(4000);
    // A bad retry-after-ms falls back to Retry-After.
    expect(retryAfterMs(h({ "retry-after-ms": "abc", "retry-after": "2" }))).toBe(2000);
  });
});

describe("anthropic specifics", () => {
  const make = (config: ProviderConfig = {}) =>
    createAnthropicProvider("claude-haiku-4-5", { baseURL: server.anthropicBaseURL, ...config }, { ANTHROPIC_API_KEY: DUMMY_ANTHROPIC_KEY });

  it("joins several system messages and omits system when there is none", async () => {
    const p = make();
    await p.call(
      {
        messages: [
          { role: "system", content: "one" },
          { role: "system", content: "two" },
          { role: "user", content: "hi" },
        ],
        vars: {},
      },
      callOptions(),
    );
    await p.call({ messages: [{ role: "user", content: "hi" }], vars: {} }, callOptions());
    expect(server.requests[0]!.body.system).toBe("one\n\ntwo");
    expect("system" in server.requests[1]!.body).toBe(false);
  });

  it("an answer that filled the context window before any text is context-length; with text, truncated", async () => {
    const body = (content: unknown[]) => ({ id: "m", type: "message", role: "assistant", model: "claude-haiku-4-5", content, stop_reason: "model_context_window_exceeded", usage: { input_tokens: 1, output_tokens: 1 } });
    server.handle(() => ({ kind: "body", body: body([]) }));
    const err = await callError(make());
    expect([err.category, err.message]).toEqual(["context-length", 'anthropic:claude-haiku-4-5: the model filled its context window before writing any text (stop_reason "model_context_window_exceeded"): nothing to grade; shorten the prompt or the case\'s inputs, or use a model with a longer context']);
    server.handle(() => ({ kind: "body", body: body([{ type: "text", text: "So far" }]) }));
    expect((await make().call(REQUEST, callOptions())).truncated).toBe(true);
  });

  it("hands what the SDK warns at each call (a deprecated model) to onWarning, not the console, when given one", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const heard: string[] = [];
      const deprecated = (onWarning?: (text: string) => void) => createAnthropicProvider("claude-sonnet-4-5", { baseURL: server.anthropicBaseURL }, { ANTHROPIC_API_KEY: DUMMY_ANTHROPIC_KEY }, onWarning);
      const p = deprecated((text) => heard.push(text));
      for (let i = 0; i < 2; i++) await p.call(REQUEST, callOptions());
      expect(heard).toHaveLength(2);
      expect(heard[0]).toMatch(/^The model 'claude-sonnet-4-5' is deprecated/);
      expect(warn).not.toHaveBeenCalled();
      // Without one, the SDK prints as it would.
      await deprecated().call(REQUEST, callOptions());
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });

  it("sends a max_tokens the SDK guesses would take over 10 minutes, rather than refusing it", async () => {
    // Without a timeout of its own the SDK throws "Streaming is required…" for max_tokens above about 21,333.
    const res = await make({ maxTokens: 64_000 }).call(REQUEST, { ...callOptions(), timeoutMs: 60_000 });
    expect(res.output).toBe(`echo: ${USER}`);
    expect(server.requests[0]!.body.max_tokens).toBe(64_000);
  });

  it("sends the temperature as given, never clamped: the loader refuses more than 1, and the API answers what it does not take", async () => {
    await make({ temperature: 1.7 }).call(REQUEST, callOptions());
    expect(server.requests[0]!.body.temperature).toBe(1.7);
  });
});
