/**
 * Secrets out of providers' answers and errors (src/providers/redact.ts). The whole path, a
 * server echoing the key through the real SDK into every report, is in cli.test.ts "secrets".
 */
import { describe, expect, it } from "vitest";
import { redactError, redacting, redactorFor } from "../src/providers/redact.js";
import { ProviderError, type BatchApi, type Provider, type ProviderResponse } from "../src/providers/types.js";

const KEY = "sk-proj-abcdefghijklmnop1234";
const env = { OPENAI_API_KEY: KEY, ANTHROPIC_API_KEY: "ant-key-998877", GITHUB_TOKEN: "ghs_tokentoken", HOME: "/home/someone-long", PORT: "8080", SHORT_TOKEN: "abc" };

describe("redactorFor", () => {
  const redact = redactorFor(env);

  it("masks the values of variables named as credentials, and leaves the others", () => {
    expect(redact.values(`key ${KEY}, ant-key-998877 and ghs_tokentoken at /home/someone-long:8080`)).toBe("key ***, *** and *** at /home/someone-long:8080");
  });

  it("leaves values too short to be keys: masking them would garble text", () => {
    expect(redact.values("abc def")).toBe("abc def");
    // A credential's value of several words is masked whole; its short words alone are not.
    expect(redactorFor({ API_KEY: "has a space in it" }).values("has a space in it; a space in it")).toBe("***; a space in it");
  });

  it("a secret of several lines (a PEM private key) is masked whole, joined on one line, and in part", () => {
    const body = ["MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj", "MIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB"];
    const pem = ["-----BEGIN PRIVATE KEY-----", ...body, "-----END PRIVATE KEY-----"].join("\n");
    const r = redactorFor({ DEPLOY_PRIVATE_KEY: pem, TWO_API_KEYS: "sk-proj-AAAA1111\nsk-proj-BBBB2222" });
    expect(r.values(`key: ${pem}`)).toBe("key: ***");
    const joined = r.values(`pem=${pem.replace(/\n/g, " ")}`);
    for (const line of body) expect(joined).not.toContain(line);
    expect(r.values(`the second line alone: ${body[1]}`)).toBe("the second line alone: ***");
    expect(r.values("Bearer sk-proj-AAAA1111 sk-proj-BBBB2222")).toBe("Bearer *** ***");
    expect(r.sources(body[0]!)).toEqual(["$DEPLOY_PRIVATE_KEY"]);
    // Two keys on two lines are each masked; the words of a passphrase, and the hosts a credential-named variable lists, are not masked alone.
    expect(redactorFor({ API_KEYS: "ab12cd34ef56gh78 zz98yy76xx54ww32" }).values("using ab12cd34ef56gh78")).toBe("using ***");
    expect(redactorFor({ APP_PASSWORD: "elephant umbrella sideways 12345678" }).values("an elephant, sideways")).toBe("an elephant, sideways");
    expect(redactorFor({ AUTH_TRUSTED_HOSTS: "localhost:3000 localhost:5173", AUTH_ALLOWED_IPS: "10.0.0.1 192.168.1.10" }).values("open http://localhost:3000/login via 10.0.0.10")).toBe(
      "open http://localhost:3000/login via 10.0.0.10",
    );
    // The armour is no secret: a certificate an answer quotes keeps it, and its short words stay.
    expect(r.values("Put this in ca.pem: -----BEGIN CERTIFICATE----- MIIB… -----END CERTIFICATE-----")).toBe("Put this in ca.pem: -----BEGIN CERTIFICATE----- MIIB… -----END CERTIFICATE-----");
  });

  it("masks a secret that contains another whole", () => {
    expect(redactorFor({ A_TOKEN: "token-1234", B_TOKEN: "token-1234-and-more" }).values("x token-1234-and-more y token-1234")).toBe("x *** y ***");
  });

  it("answers keep credential-shaped text that is no known secret: a coding model's answer is graded as given", () => {
    const answer = 'curl -H "Authorization: Bearer abcdefgh12345678" https://user:pw123456@example.com';
    expect(redact.values(answer)).toBe(answer);
  });

  it("error text also loses anything shaped like a credential", () => {
    expect(redact.all("failed (https://user:hunter22@proxy.example/v1/files)")).toBe("failed (https://***@proxy.example/v1/files)");
    expect(redact.all("you sent Authorization: Bearer abc.def-123456789")).toBe("you sent Authorization: Bearer ***");
    expect(redact.all('headers {"x-api-key":"zzzzzzzz9","accept":"json"}')).toBe('headers {"x-api-key":"***","accept":"json"}');
    expect(redact.all("api-key=qwertyuiop; next")).toBe("api-key=***; next");
    expect(redact.all("Incorrect API key provided: sk-live-0123456789abcdefXYZ.")).toBe("Incorrect API key provided: sk-***.");
    expect(redact.all(`the key ${KEY} was refused`)).toBe("the key *** was refused");
  });

  it("masks the password of a baseURL, also where it is quoted decoded", () => {
    const r = redactorFor({}, { baseURL: "https://me:p%40ss-word-1@llm.example/v1" });
    expect(r.values("said p@ss-word-1 and p%40ss-word-1")).toBe("said *** and ***");
  });

  it("masks by name wherever the name says it (PGPASSWORD), and any URL with a password in it, whatever its name", () => {
    const r = redactorFor({ PGPASSWORD: "hunter2-long", DATABASE_URL: "postgres://app:pw@db.internal/shop", X_AUTH: "a-very-secret-1" });
    expect(r.values("pw hunter2-long; url postgres://app:pw@db.internal/shop; x a-very-secret-1")).toBe("pw ***; url ***; x ***");
  });

  it("says where the secrets in a text come from, by name, never by value", () => {
    const r = redactorFor({ PGPASSWORD: "hunter2-long", DATABASE_URL: "postgres://app:pw-9f8e7d6c@db/x" }, { baseURL: "https://me:base-pass-1@llm.example/v1" });
    expect(r.sources("hunter2-long and pw-9f8e7d6c and base-pass-1")).toEqual(["$PGPASSWORD", "the password in $DATABASE_URL", "the baseURL's password"]);
    expect(r.sources("nothing secret here")).toEqual([]);
  });

  it("a URL password with a raw % (valid there, and no escape) is masked as written, and breaks nothing", () => {
    const r = redactorFor({ DATABASE_URL: "postgres://app:100%sure-pw@db/x" });
    expect(r.values("postgres://app:100%sure-pw@db/x and 100%sure-pw")).toBe("*** and ***");
  });

  it("a credential-named URL with more than an origin is a secret: a token as its user, a secret path, a token in its query", () => {
    const env = {
      GIT_TOKEN_URL: "https://ghp_abcdef1234567890abcd@github.com/acme/shop.git",
      SLACK_WEBHOOK_SECRET: "https://hooks.slack.com/services/T0001/B0001/Xq9secretpart",
      AUTH_TOKEN_ENDPOINT: "https://api.example.com/v1?access_token=tok_live_123456789",
    };
    const r = redactorFor(env);
    expect(r.values(Object.values(env).join(" "))).toBe("*** *** ***");
  });

  it("a credential-named value that is a plain URL or a path is no secret: answers that quote it stay as given", () => {
    const r = redactorFor({ AUTH_URL: "http://localhost:3000", SSH_AUTH_SOCK: "/tmp/ssh-XXXX/agent.123", NEXTAUTH_URL: "https://shop.example.com", KEY_FILE: "./keys/dev.pem" });
    const answer = "Open http://localhost:3000/login or https://shop.example.com; socket /tmp/ssh-XXXX/agent.123; ./keys/dev.pem";
    expect(r.values(answer)).toBe(answer);
  });

  it("masks the credential-named values of an exec provider's own env", () => {
    expect(redactorFor({}, { env: { SHOP_SECRET: "shh-12345678", MODE: "production-mode" } }).values("shh-12345678 production-mode")).toBe("*** production-mode");
  });
});

describe("redactError", () => {
  const redact = redactorFor(env);

  it("a provider error keeps what it says of itself, in scrubbed words", () => {
    const err = new ProviderError("auth", `HTTP 401 bad key ${KEY}`, { fatal: true, hint: `check ${KEY}`, retryAfterMs: 5, unreachable: false });
    const out = redactError(err, redact) as ProviderError;
    expect(out).toBeInstanceOf(ProviderError);
    expect(out).toMatchObject({ category: "auth", message: "HTTP 401 bad key ***", hint: "check ***", fatal: true, retryAfterMs: 5, unreachable: false });
    expect(out.stack).not.toContain(KEY);
  });

  it("any other error has its message scrubbed", () => {
    const err = redactError(new TypeError(`fetch failed for https://u:${KEY}@h/v1`), redact) as Error;
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe("fetch failed for https://***@h/v1");
  });
});

describe("redacting", () => {
  const redact = redactorFor(env);
  const answer = (output: string): ProviderResponse => ({ output, usage: null, costUsd: null, latencyMs: 1, cached: false });
  const signal = new AbortController().signal;

  it("scrubs answers and errors, and passes everything else on", async () => {
    const inner: Provider & { model: string } = {
      id: "exec:app",
      model: "m",
      async call(request) {
        if (request.vars.fail) throw new ProviderError("provider-error", `app: printed ${KEY}`);
        return answer(`uses ${KEY}`);
      },
    };
    const p = redacting(inner, redact);
    expect(p.id).toBe("exec:app");
    expect(p.model).toBe("m");
    expect((await p.call({ messages: [], vars: {} }, { signal, trial: 0 })).output).toBe("uses ***");
    await expect(p.call({ messages: [], vars: { fail: true } }, { signal, trial: 0 })).rejects.toThrow(/^app: printed \*\*\*$/);
  });

  it("an answer with nothing to mask is the provider's own object", async () => {
    const same = answer("fine");
    const inner: Provider = { id: "x", call: async () => same };
    const p = redacting(inner, redact);
    expect(await p.call({ messages: [], vars: {} }, { signal, trial: 0 })).toBe(same);
  });

  it("scrubs a batch's answers and its errors, saying where what it masked came from, as a live answer does", async () => {
    const batchApi: BatchApi = {
      submit: () => Promise.reject(new Error("upload to https://u:pw-secret-1@h/v1/files refused")),
      find: () => Promise.reject(new Error("list at https://u:pw-secret-1@h/v1/batches refused")),
      describeSent: () => "the batch",
      check: async () => ({ ended: true, done: 1, total: 1 }),
      results: async () => new Map<string, ProviderResponse | ProviderError>([["c1", answer(`echo ${KEY}`)], ["c2", new ProviderError("max-tokens", `openai:m stopped short for ${KEY}`)]]),
    };
    const inner: Provider & { batchApi: BatchApi } = { id: "openai:m", call: async () => answer(""), batchApi };
    const p = redacting(inner, redact);
    const call = { signal, timeoutMs: 1000 };
    await expect(p.batchApi!.submit([], call, "t")).rejects.toThrow("upload to https://***@h/v1/files refused");
    await expect(p.batchApi!.find("t", { since: 0, requests: 1 }, call)).rejects.toThrow("list at https://***@h/v1/batches refused");
    const masked = (await p.batchApi!.results("b1", call)).get("c1") as ProviderResponse;
    expect(masked.output).toBe("echo ***");
    // Without it the run said nothing of the masking, and the fixture did not record it.
    expect(masked.masked).toEqual(["$OPENAI_API_KEY"]);
    // An answer that stopped short comes as its error: scrubbed as a live call's is.
    const stopped = (await p.batchApi!.results("b1", call)).get("c2") as ProviderError;
    expect([stopped.category, stopped.message]).toEqual(["max-tokens", "openai:m stopped short for ***"]);
  });
});
