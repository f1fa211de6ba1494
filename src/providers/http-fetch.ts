/**
 * A fetch for the SDK clients over node:http with keep-alive, for plain JSON requests. Node's
 * fetch wraps every call in WHATWG streams and signals; at a few thousand calls a second that
 * was most of harness's own CPU. Anything but a string body (a file upload for a batch) goes to
 * the global fetch unchanged. The SDKs see an ordinary Response either way.
 */
import http from "node:http";
import https from "node:https";

const agents = { "http:": new http.Agent({ keepAlive: true }), "https:": new https.Agent({ keepAlive: true }) };

export const httpFetch = (async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
  if (input instanceof Request || (init.body !== undefined && init.body !== null && typeof init.body !== "string")) return fetch(input, init);
  const url = new URL(input);
  const protocol = url.protocol === "https:" ? "https:" : url.protocol === "http:" ? "http:" : undefined;
  if (!protocol) return fetch(input, init);
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, key) => (headers[key] = value));
  return new Promise<Response>((resolve, reject) => {
    const req = (protocol === "https:" ? https : http).request(url, { method: init.method ?? "GET", headers, agent: agents[protocol], ...(init.signal ? { signal: init.signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("aborted", () => reject(Object.assign(new Error("terminated"), { code: "UND_ERR_SOCKET" })));
      res.on("end", () => {
        if (!res.complete) return reject(Object.assign(new Error("terminated"), { code: "UND_ERR_SOCKET" }));
        const out = new Headers();
        for (const [key, value] of Object.entries(res.headers)) if (value !== undefined) for (const v of Array.isArray(value) ? value : [value]) out.append(key, v);
        const status = res.statusCode ?? 500;
        const body = status === 204 || status === 304 || (init.method ?? "GET") === "HEAD" ? null : Buffer.concat(chunks);
        resolve(new Response(body, { status, statusText: res.statusMessage ?? "", headers: out }));
      });
    });
    req.on("error", reject);
    req.end(init.body ?? undefined);
  });
}) as typeof fetch;
