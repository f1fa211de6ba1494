/**
 * The providers' batch endpoints, for the fake server: OpenAI's Files + Batches and
 * Anthropic's Message Batches, each request answered by the server's current script.
 * A batch stays in progress for `pollsBeforeEnd` status checks, then ends. Status checks and
 * the fetching of answers can be scripted to fail or hang first (`checkFaults`, `resultFaults`),
 * and so can creating one (`createFaults`), which may also create it and lose the answer.
 * Both list their batches, newest first, as the providers do.
 */
import type http from "node:http";

export interface BatchAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** What a request meets instead of its answer: an HTTP error status (with a Retry-After header, when given), or "hang" (never answered). */
export type BatchFault = number | { status: number; retryAfter: string } | "hang";

export interface FakeBatches {
  /** Status checks a batch answers "in progress" before it ends (default 1). */
  pollsBeforeEnd: number;
  /** Never answer a batch route (a provider that hangs mid-upload). */
  hang: boolean;
  /**
   * What the next status checks meet, one entry each, taken from the front; once empty, checks
   * are answered. (Fetching an ended batch's answers checks it first too: both SDKs do.)
   */
  checkFaults: BatchFault[];
  /** The same for fetching an ended batch's answers (OpenAI's output file, Anthropic's results). */
  resultFaults: BatchFault[];
  /**
   * What the next batch creations meet: "hang", never answered and nothing created; "lost", the
   * batch created (and run) but the answer never sent, as when a connection drops after the fact;
   * { lateMs }, never answered, and the batch created that long after (a big upload still being taken in).
   */
  createFaults: ("hang" | "lost" | { lateMs: number })[];
  /** The same for listing batches. */
  listFaults: BatchFault[];
  /** performance.now() at each status check, answered or not. */
  checkTimes: number[];
  /** Batches created, by id, with the custom ids they carried. */
  created: { id: string; api: "openai" | "anthropic"; customIds: string[] }[];
  /** Creates a batch as another client would (for a batch of the same size sent at the same time). */
  createOther(api: "openai" | "anthropic", customIds: string[]): void;
  /** Handles a batch route; false when the path is not one. */
  route(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer): Promise<boolean>;
}

interface Batch {
  id: string;
  api: "openai" | "anthropic";
  polls: number;
  createdAt: number;
  metadata: Record<string, string> | null;
  items: { customId: string; body: Record<string, unknown> }[];
  answers?: Map<string, BatchAnswer>;
}

/** `answer` runs one request through the server's script, as a live call would be. */
export function createFakeBatches(base: () => string, answer: (api: "openai" | "anthropic", body: Record<string, unknown>) => Promise<BatchAnswer>): FakeBatches {
  const files = new Map<string, string>();
  const batches = new Map<string, Batch>();
  let seq = 0;
  const json = (res: http.ServerResponse, status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  const notFound = (res: http.ServerResponse, what: string) => json(res, 404, { type: "error", error: { type: "not_found_error", message: `no ${what}` } });
  // A scripted fault, when one is due: true when it took the request.
  const faulted = (faults: BatchFault[], res: http.ServerResponse) => {
    const fault = faults.shift();
    if (fault === undefined) return false;
    // Both SDKs read error.message; "hang" leaves the request unanswered (close() ends it).
    if (fault === "hang") return true;
    const status = typeof fault === "number" ? fault : fault.status;
    const headers = { "content-type": "application/json", ...(typeof fault === "number" ? {} : { "retry-after": fault.retryAfter }) };
    res.writeHead(status, headers).end(JSON.stringify({ type: "error", error: { type: status === 429 ? "rate_limit_error" : "api_error", message: `scripted ${status}` } }));
    return true;
  };

  /** Newest first, as both providers list them. */
  const listed = (api: "openai" | "anthropic") => [...batches.values()].filter((b) => b.api === api).reverse();
  const add = (b: Batch): Batch => {
    batches.set(b.id, b);
    self.created.push({ id: b.id, api: b.api, customIds: b.items.map((i) => i.customId) });
    return b;
  };

  async function settle(b: Batch): Promise<Map<string, BatchAnswer>> {
    b.answers ??= new Map(await Promise.all(b.items.map(async (i) => [i.customId, await answer(b.api, i.body)] as const)));
    return b.answers;
  }

  const self: FakeBatches = {
    pollsBeforeEnd: 1,
    hang: false,
    checkFaults: [],
    resultFaults: [],
    createFaults: [],
    listFaults: [],
    checkTimes: [],
    created: [],
    createOther(api, customIds) {
      add({ id: `${api === "openai" ? "batch" : "msgbatch"}_${++seq}`, api, polls: 0, createdAt: Date.now(), metadata: null, items: customIds.map((customId) => ({ customId, body: {} })) });
    },
    async route(req, res, raw) {
      const url = req.url ?? "";
      if (self.hang && /^\/v1\/(files|batches|messages\/batches)/.test(url)) return true;
      let m: RegExpExecArray | null;
      if (req.method === "POST" && url === "/v1/files") {
        const form = await new Request("http://fake/", { method: "POST", headers: { "content-type": String(req.headers["content-type"]) }, body: raw }).formData();
        const file = form.get("file") as File;
        const id = `file-${++seq}`;
        files.set(id, await file.text());
        json(res, 200, { id, object: "file", bytes: file.size, created_at: 1_700_000_000, filename: file.name, purpose: "batch", status: "processed" });
        return true;
      }
      if (req.method === "POST" && url === "/v1/batches") {
        const fault = self.createFaults.shift();
        if (fault === "hang") return true;
        const body = JSON.parse(raw.toString("utf8")) as { input_file_id: string; metadata?: Record<string, string> };
        const text = files.get(body.input_file_id);
        if (text === undefined) return notFound(res, "file"), true;
        const items = text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as { custom_id: string; body: Record<string, unknown> });
        const create = () => add({ id: `batch_${++seq}`, api: "openai", polls: 0, createdAt: Date.now(), metadata: body.metadata ?? null, items: items.map((i) => ({ customId: i.custom_id, body: i.body })) });
        if (typeof fault === "object") return setTimeout(create, fault.lateMs), true;
        const b = create();
        if (fault !== "lost") json(res, 200, openaiBatch(b, false));
        return true;
      }
      if (req.method === "GET" && /^\/v1\/batches(\?|$)/.test(url)) {
        if (faulted(self.listFaults, res)) return true;
        const data = listed("openai").map((b) => openaiBatch(b, b.answers !== undefined));
        json(res, 200, { object: "list", data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false });
        return true;
      }
      if (req.method === "GET" && (m = /^\/v1\/batches\/([^/]+)$/.exec(url))) {
        self.checkTimes.push(performance.now());
        if (faulted(self.checkFaults, res)) return true;
        const b = batches.get(m[1]!);
        if (!b) return notFound(res, "batch"), true;
        const ended = ++b.polls > self.pollsBeforeEnd;
        if (ended) await settle(b);
        json(res, 200, openaiBatch(b, ended));
        return true;
      }
      if (req.method === "GET" && (m = /^\/v1\/files\/output-([^/]+)\/content$/.exec(url))) {
        if (faulted(self.resultFaults, res)) return true;
        const b = batches.get(m[1]!);
        if (!b?.answers) return notFound(res, "file"), true;
        const lines = [...b.answers].map(([customId, a], i) => JSON.stringify({ id: `req_${i}`, custom_id: customId, response: { status_code: a.status, request_id: `r${i}`, body: a.body }, error: null }));
        res.writeHead(200, { "content-type": "application/octet-stream" }).end(`${lines.join("\n")}\n`);
        return true;
      }
      if (req.method === "POST" && url === "/v1/messages/batches") {
        const fault = self.createFaults.shift();
        if (fault === "hang") return true;
        const body = JSON.parse(raw.toString("utf8")) as { requests: { custom_id: string; params: Record<string, unknown> }[] };
        const create = () => add({ id: `msgbatch_${++seq}`, api: "anthropic", polls: 0, createdAt: Date.now(), metadata: null, items: body.requests.map((r) => ({ customId: r.custom_id, body: r.params })) });
        if (typeof fault === "object") return setTimeout(create, fault.lateMs), true;
        const b = create();
        if (fault !== "lost") json(res, 200, anthropicBatch(b, false, base()));
        return true;
      }
      if (req.method === "GET" && /^\/v1\/messages\/batches(\?|$)/.test(url)) {
        if (faulted(self.listFaults, res)) return true;
        const data = listed("anthropic").map((b) => anthropicBatch(b, b.answers !== undefined, base()));
        json(res, 200, { data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false });
        return true;
      }
      if (req.method === "GET" && (m = /^\/v1\/messages\/batches\/([^/]+)$/.exec(url))) {
        self.checkTimes.push(performance.now());
        if (faulted(self.checkFaults, res)) return true;
        const b = batches.get(m[1]!);
        if (!b) return notFound(res, "batch"), true;
        const ended = ++b.polls > self.pollsBeforeEnd;
        if (ended) await settle(b);
        json(res, 200, anthropicBatch(b, ended, base()));
        return true;
      }
      if (req.method === "GET" && (m = /^\/v1\/messages\/batches\/([^/]+)\/results$/.exec(url))) {
        if (faulted(self.resultFaults, res)) return true;
        const b = batches.get(m[1]!);
        if (!b?.answers) return notFound(res, "results"), true;
        const lines = [...b.answers].map(([customId, a]) =>
          JSON.stringify({ custom_id: customId, result: a.status === 200 ? { type: "succeeded", message: a.body } : { type: "errored", error: { type: "error", error: a.body.error } } }),
        );
        res.writeHead(200, { "content-type": "application/binary" }).end(`${lines.join("\n")}\n`);
        return true;
      }
      return false;
    },
  };
  return self;
}

function openaiBatch(b: Batch, ended: boolean) {
  const failed = ended ? [...b.answers!.values()].filter((a) => a.status !== 200).length : 0;
  return {
    id: b.id,
    object: "batch",
    endpoint: "/v1/chat/completions",
    input_file_id: "file",
    completion_window: "24h",
    status: ended ? "completed" : "in_progress",
    output_file_id: ended ? `output-${b.id}` : null,
    error_file_id: null,
    created_at: Math.floor(b.createdAt / 1000),
    metadata: b.metadata,
    request_counts: { total: b.items.length, completed: ended ? b.items.length - failed : 0, failed },
  };
}

function anthropicBatch(b: Batch, ended: boolean, base: string) {
  const errored = ended ? [...b.answers!.values()].filter((a) => a.status !== 200).length : 0;
  return {
    id: b.id,
    type: "message_batch",
    processing_status: ended ? "ended" : "in_progress",
    request_counts: { processing: ended ? 0 : b.items.length, succeeded: ended ? b.items.length - errored : 0, errored, canceled: 0, expired: 0 },
    ended_at: ended ? "2026-11-29T00:00:00Z" : null,
    created_at: new Date(b.createdAt).toISOString(),
    expires_at: "2026-11-30T00:00:00Z",
    cancel_initiated_at: null,
    archived_at: null,
    results_url: ended ? `${base}/v1/messages/batches/${b.id}/results` : null,
  };
}
