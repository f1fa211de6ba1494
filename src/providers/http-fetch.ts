/**
 * A fetch for the SDK clients over node:http with keep-alive, for plain JSON requests. Node's
 * fetch wraps every call in WHATWG streams and signals; at a few thousand calls a second that
 * was most of harness's own CPU. Anything but a string body (a file upload for a batch) goes to
 * the global fetch unchanged.
 *
 * A JSON answer comes back as a JsonResponse: the part of Response the SDKs read, over the bytes
 * already in hand. Building undici's Response and Headers for it (header validation, a body
 * stream, a reader to drain it again) cost a quarter of a call's CPU. Anything else, an event
 * stream or a file's contents, is a real Response.
 */
import http, { type IncomingHttpHeaders, type RequestOptions } from "node:http";
import https from "node:https";
import { urlToHttpOptions } from "node:url";

const agents = { "http:": new http.Agent({ keepAlive: true }), "https:": new https.Agent({ keepAlive: true }) };

/**
 * The SDKs' debug log (OPENAI_LOG=debug, ANTHROPIC_LOG=debug) prints an answer's headers only
 * from a real Headers, and showed a JsonResponse's as {}: while it is on, answers are real
 * Responses. Read as the SDKs read it: trimmed, exact, once for each client made.
 */
function sdkDebugLog(): boolean {
  return process.env.OPENAI_LOG?.trim() === "debug" || process.env.ANTHROPIC_LOG?.trim() === "debug";
}

/** Where a URL's requests go, as node:http takes it. */
interface Target {
  href: string;
  protocol: "http:" | "https:";
  options: RequestOptions;
}

function targetOf(input: string | URL): Target | undefined {
  const url = new URL(input);
  const protocol = url.protocol === "https:" ? "https:" : url.protocol === "http:" ? "http:" : undefined;
  if (!protocol) return undefined;
  // Only what a request needs: node:http reads every option it is given, at every call.
  const { hostname, port, path, auth } = urlToHttpOptions(url);
  const options: RequestOptions = { protocol, hostname, path, agent: agents[protocol] };
  if (port !== undefined) options.port = port;
  if (auth !== undefined) options.auth = auth;
  return { href: url.href, protocol, options };
}

/**
 * A fetch for one SDK client. It reads the debug-log setting when the client is made, as the
 * SDKs read theirs, and keeps the request options of the last URL it was asked for, which is
 * nearly always the next one (an endpoint asked thousands of times). Reading the environment
 * and parsing the URL at every call were a measurable share of a call's CPU.
 */
export function createHttpFetch(): typeof fetch {
  const realResponses = sdkDebugLog();
  let last: { input: string; target: Target | undefined } | undefined;
  return (async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (input instanceof Request || (init.body !== undefined && init.body !== null && typeof init.body !== "string")) return fetch(...withoutCredentials(input, init));
    let target: Target | undefined;
    if (typeof input !== "string") target = targetOf(input);
    else if (last?.input === input) target = last.target;
    else last = { input, target: (target = targetOf(input)) };
    if (!target) return fetch(...withoutCredentials(input, init));
    return request(target, init, realResponses);
  }) as typeof fetch;
}

/**
 * A URL's user:password@ as node:http takes it: Basic auth, unless the request has an
 * Authorization of its own. Node's fetch refuses such a URL outright, and a batch's file upload
 * then failed, quoting the password, and the batch's trials ran live at full price.
 */
function withoutCredentials(input: string | URL | Request, init: RequestInit): [string | URL | Request, RequestInit] {
  if (input instanceof Request) return [input, init];
  const url = new URL(input);
  if (!url.username && !url.password) return [input, init];
  const headers = new Headers(init.headers);
  if (!headers.has("authorization")) headers.set("authorization", `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}`);
  url.username = "";
  url.password = "";
  return [url, { ...init, headers }];
}

/** Statuses whose Location fetch follows. */
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** Fetch's own limit on redirects in a row. */
const MAX_REDIRECTS = 20;
/** Dropped with the body, when a redirect turns the request into a GET. */
const BODY_HEADERS = ["content-type", "content-length", "content-encoding", "content-language", "content-location"];
/** Never sent on to another origin: the key is for the server it was given to (fetch drops only Authorization). */
const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization", "cookie", "x-api-key", "api-key"];

function request(target: Target, init: RequestInit, realResponses: boolean, redirects = 0): Promise<Response> {
  const { href, protocol } = target;
  const method = init.method ?? "GET";
  const headers: Record<string, string> = {};
  // The SDKs hand over a Headers already checked; copying it into another Headers checked it twice.
  (init.headers instanceof Headers ? init.headers : new Headers(init.headers)).forEach((value, key) => (headers[key] = value));
  const options: RequestOptions = { ...target.options, method, headers };
  if (init.signal) options.signal = init.signal;
  return new Promise<Response>((resolve, reject) => {
    const req = (protocol === "https:" ? https : http).request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("aborted", () => reject(Object.assign(new Error("terminated"), { code: "UND_ERR_SOCKET" })));
      res.on("end", () => {
        if (!res.complete) return reject(Object.assign(new Error("terminated"), { code: "UND_ERR_SOCKET" }));
        const status = res.statusCode ?? 500;
        const location = res.headers.location;
        // The plain SDK's fetch follows a moved endpoint (a proxy's 308 to its new path); this one did not.
        if (REDIRECTS.has(status) && location !== undefined && init.redirect !== "manual") {
          resolve(redirect(target, init, status, location, realResponses, redirects));
          return;
        }
        const noBody = status === 204 || status === 304 || method === "HEAD";
        const bytes = Buffer.concat(chunks);
        if (!noBody && /\bjson\b/i.test(res.headers["content-type"] ?? "") && !realResponses) {
          resolve(new JsonResponse(bytes, status, res.statusMessage ?? "", new ResponseHeaders(res.headers), href, redirects > 0) as unknown as Response);
          return;
        }
        const out = new Headers();
        for (const [key, value] of Object.entries(res.headers)) if (value !== undefined) for (const v of Array.isArray(value) ? value : [value]) out.append(key, v);
        const response = new Response(noBody ? null : bytes, { status, statusText: res.statusMessage ?? "", headers: out });
        // A Response made here has no url of its own; the SDKs log and report it.
        resolve(Object.defineProperties(response, { url: { value: href }, redirected: { value: redirects > 0 } }));
      });
    });
    req.on("error", reject);
    req.end(init.body ?? undefined);
  });
}

/**
 * The request again at a redirect's Location, as fetch sends it (https://fetch.spec.whatwg.org/#http-redirect-fetch):
 * a 303, or a 301 or 302 of a POST, becomes a GET without its body; at most 20 in a row. Its
 * credentials go no further than the origin they were given for.
 */
function redirect(from: Target, init: RequestInit, status: number, location: string, realResponses: boolean, redirects: number): Promise<Response> {
  if (init.redirect === "error") return Promise.reject(new TypeError(`redirected (${status}) to ${location}, and redirects are not followed here`));
  if (redirects >= MAX_REDIRECTS) return Promise.reject(new TypeError(`more than ${MAX_REDIRECTS} redirects, the last to ${location}`));
  const url = URL.parse(location, from.href);
  const to = url && targetOf(url);
  if (!to) return Promise.reject(new TypeError(`redirected (${status}) to ${location}, which is no http(s) URL`));
  const headers = new Headers(init.headers);
  let { method = "GET", body } = init;
  if ((status === 303 && method !== "GET" && method !== "HEAD") || ((status === 301 || status === 302) && method === "POST")) {
    method = "GET";
    body = undefined;
    for (const name of BODY_HEADERS) headers.delete(name);
  }
  if (url.origin !== new URL(from.href).origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
  return request(to, { ...init, method, headers, body }, realResponses, redirects + 1);
}

/** Response headers as Headers reads them: lower-case names, repeated values joined, sorted on iteration. */
export class ResponseHeaders {
  readonly #raw: IncomingHttpHeaders;
  constructor(raw: IncomingHttpHeaders) {
    this.#raw = raw;
  }
  get(name: string): string | null {
    const key = name.toLowerCase();
    // Own keys only: "constructor" is no header.
    const value = Object.hasOwn(this.#raw, key) ? this.#raw[key] : undefined;
    return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
  }
  has(name: string): boolean {
    return this.get(name) !== null;
  }
  getSetCookie(): string[] {
    return this.#raw["set-cookie"] ?? [];
  }
  /**
   * Every header in Headers' order, as fresh pairs each time, as Headers gives them. An array,
   * not a generator looking each header up again: the openai SDK looks through them all at
   * every answer, for its x-request-id.
   */
  #list(): [string, string][] {
    const pairs: [string, string][] = [];
    // node:http gives the names in lower case already.
    for (const key of Object.keys(this.#raw).sort()) {
      const value = this.#raw[key];
      if (value === undefined) continue;
      // Headers iterates each Set-Cookie apart; any other repeated header as one joined value.
      if (key === "set-cookie") for (const cookie of this.getSetCookie()) pairs.push([key, cookie]);
      else pairs.push([key, Array.isArray(value) ? value.join(", ") : value]);
    }
    return pairs;
  }
  forEach(fn: (value: string, key: string, parent: ResponseHeaders) => void): void {
    for (const [key, value] of this.#list()) fn(value, key, this);
  }
  entries(): IterableIterator<[string, string]> {
    return this.#list().values();
  }
  keys(): IterableIterator<string> {
    return this.#list()
      .map(([key]) => key)
      .values();
  }
  values(): IterableIterator<string> {
    return this.#list()
      .map(([, value]) => value)
      .values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/**
 * A finished JSON answer. Its body is read once, as a Response's is; `body` is a stream made
 * only when something asks for it (the Anthropic SDK looks, to watch for abandoned bodies).
 */
export class JsonResponse {
  readonly ok: boolean;
  readonly type = "basic";
  #bytes: Buffer;
  #used = false;
  #stream: ReadableStream<Uint8Array> | undefined;

  constructor(
    bytes: Buffer,
    readonly status: number,
    readonly statusText: string,
    readonly headers: ResponseHeaders,
    readonly url: string,
    readonly redirected = false,
  ) {
    this.#bytes = bytes;
    this.ok = status >= 200 && status < 300;
  }

  get bodyUsed(): boolean {
    return this.#used || (this.#stream?.locked ?? false);
  }

  get body(): ReadableStream<Uint8Array> {
    if (!this.#stream) {
      const bytes = this.#bytes;
      this.#stream = new ReadableStream<Uint8Array>({
        start(controller) {
          if (bytes.length > 0) controller.enqueue(new Uint8Array(bytes));
          controller.close();
        },
      });
    }
    return this.#stream;
  }

  #take(): Buffer {
    if (this.bodyUsed) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    return this.#bytes;
  }

  async text(): Promise<string> {
    const bytes = this.#take();
    // As Response.text() does (UTF-8 decode), a leading byte-order mark is not part of the text.
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    return bytes.toString("utf8", bom);
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.arrayBuffer());
  }

  async blob(): Promise<Blob> {
    return new Blob([await this.arrayBuffer()], { type: this.headers.get("content-type") ?? "" });
  }

  clone(): JsonResponse {
    if (this.bodyUsed) throw new TypeError("Response.clone: Body has already been consumed.");
    return new JsonResponse(this.#bytes, this.status, this.statusText, this.headers, this.url, this.redirected);
  }
}
