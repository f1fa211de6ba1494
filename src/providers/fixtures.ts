/**
 * Recorded provider answers, so a suite runs offline and reproducibly. A fixture is
 * keyed by a hash of the provider, the request body (never credentials or the
 * server's address) and the trial index, so k trials replay k recorded answers.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { hashOf } from "../core/hash.js";
import { jsonProblems } from "../config/issue-words.js";
import { FixtureError } from "../errors.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import { atLine } from "../io/json-position.js";
import { FixtureFolders } from "./fixture-folders.js";
import { BATCH_DISCOUNT, costOf, priceOf } from "./pricing.js";
import type { ProviderConfig } from "../config/schema.js";
import { ProviderError, type BatchRunner, type CallOptions, type Provider, type ProviderRequest, type ProviderResponse, type RecordableProvider } from "./types.js";

/**
 * auto: replay what is recorded, call the provider for the rest, write nothing.
 * record: the same, and write what was missing.
 * offline: replay only; a missing fixture is an error.
 */
export type FixtureMode = "auto" | "record" | "offline";

const FixtureFileSchema = z.object({
  schemaVersion: z.literal(1),
  provider: z.string(),
  trial: z.number().int().nonnegative(),
  request: z.unknown(),
  response: z.object({
    output: z.string(),
    usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }).nullable(),
    latencyMs: z.number().nonnegative().nullable(),
    refused: z.literal(true).optional(),
    truncated: z.literal(true).optional(),
    // Said again on replay: the recorded answer holds *** where a secret was.
    masked: z.array(z.string()).optional(),
    // An answer a provider batch gave was paid at the batch discount: priced at list price on
    // replay, it cost more than the recording and could fail a max-cost grader it had passed.
    // Absent in fixtures from before it was kept: those replay at list price, as they did.
    via: z.literal("batch").optional(),
  }),
  recordedAt: z.string(),
});

export type FixtureFile = z.infer<typeof FixtureFileSchema>;

/** Where the fixture for this request and trial lives, relative to the fixtures folder. */
export function fixturePath(provider: RecordableProvider, request: ProviderRequest, trial: number): string {
  const identity = { provider: provider.kind, request: provider.requestIdentity(request), trial };
  return path.join(fixtureFolder(provider), `${hashOf(identity, 20)}.json`);
}

/** The folder of one model's fixtures, relative to the fixtures folder. */
function fixtureFolder(provider: RecordableProvider): string {
  return path.join(provider.kind, provider.model.replace(/[^A-Za-z0-9._-]/g, "_"));
}

async function readFixture(file: string, label: string): Promise<FixtureFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    // As a corrupt one: a recorded answer that is there but cannot be read must stop the run,
    // not count as the provider's error and quietly shrink n.
    throw new FixtureError(`${label}: cannot read the fixture (${code === "EISDIR" ? "it is a folder" : (code ?? (err as Error).message)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new FixtureError(`${label}: corrupt fixture: not valid JSON${atLine(text, err)} (${(err as Error).message})`);
  }
  const parsed = FixtureFileSchema.safeParse(json);
  if (!parsed.success) {
    // In the words and at the place the baseline's and the run report's problems are given.
    const [problem] = await jsonProblems(parsed.error.issues.slice(0, 1), json, text, label);
    const at = problem!.line === undefined ? "" : ` at line ${problem!.line}, column ${problem!.col}`;
    throw new FixtureError(`${label}: corrupt fixture: ${problem!.path ?? "(root)"}${at}: ${problem!.message}`);
  }
  return parsed.data;
}

/** How a trial's request is known in a provider batch: the same key as its fixture, in the characters both APIs allow. */
export function batchCustomId(provider: RecordableProvider, request: ProviderRequest, trial: number): string {
  return `t${trial}-${hashOf({ provider: provider.kind, request: provider.requestIdentity(request), trial }, 40)}`;
}

/**
 * Recording: calls live now, by fixture file. A second case sending the same request for the
 * same trial (in this suite or another, through any baseURL) shares the answer, as it would
 * share the file on replay; two calls would race to write it, and the replay would grade one
 * answer where the recording graded two.
 */
const recording = new Map<string, Promise<FixtureFile | undefined>>();

/** `folders`: the run's, shared by all its providers (default: this provider's own). */
export function withFixtures(provider: RecordableProvider, config: ProviderConfig, dir: string, mode: FixtureMode, cwd: string, folders = new FixtureFolders()): Provider {
  const price = priceOf(provider.kind, provider.model, config);
  // Answers collected from a provider batch, served by call() in place of a live call.
  const fromBatch = new Map<string, ProviderResponse | ProviderError>();
  const locate = (request: ProviderRequest, trial: number) => {
    const file = path.join(dir, fixturePath(provider, request, trial));
    return { file, label: path.relative(cwd, file) };
  };
  const folder = folders.at(path.join(dir, fixtureFolder(provider)), mode === "record");
  const lookup = async (file: string, label: string) => ((await folder.names()).has(path.basename(file)) ? readFixture(file, label) : undefined);
  // An answer its caller cannot read (a judge's verdict not found), recorded before it was
  // checked: replayed, it would error every run; --record asks again for it instead. Not one
  // this run wrote: that is the answer some trial was graded on, and what the replay will read.
  const recordedFor = async (request: ProviderRequest, file: string, label: string) => {
    const recorded = await lookup(file, label);
    if (!recorded || mode !== "record" || folder.wroteNow(path.basename(file))) return recorded;
    return request.readable?.(recorded.response.output) === false ? undefined : recorded;
  };
  // `shared`: another trial of this run was given this answer first, and counts its call.
  const replay = (r: FixtureFile["response"], fixture: string, shared: boolean): ProviderResponse => {
    const { output, usage, latencyMs, refused, truncated, masked, via } = r;
    // Cost is priced now, not when recorded: the price table is the thing that changes.
    const cost = costOf(price, usage);
    const costUsd = cost !== null && via === "batch" ? cost * BATCH_DISCOUNT : cost;
    return { output, usage, latencyMs, costUsd, cached: true, fixture, ...(refused ? { refused } : {}), ...(truncated ? { truncated } : {}), ...(masked ? { masked } : {}), ...(shared ? { shared } : {}) };
  };
  // Why no answer is recorded for this trial of a request, as far as the fixtures can tell: a
  // newcomer told "the prompt changed" had asked for more trials than were recorded, or had
  // changed the answer a judge grades.
  // "The same command": a hint naming `harness eval --record` alone would record the suites' own
  // model after a run of `-p other-model` or a compare, and the replay would still miss.
  const whyMissing = async (request: ProviderRequest, trial: number): Promise<{ why: string; fix: string }> => {
    const names = await folder.names();
    let recorded = 0;
    while (recorded < trial && names.has(path.basename(locate(request, recorded).file))) recorded++;
    if (request.asks === "judge") {
      if (recorded > 0) return { why: `only ${recorded} vote${recorded === 1 ? " is" : "s are"} recorded for this judge on this answer`, fix: "ask the grader for no more votes, or record the rest: the same command with --record and the judge's key" };
      return {
        why: "no verdict is recorded for this judge on this answer: the answer it grades (or its rubric, or the judge) changed since the fixtures were recorded",
        fix: "record the judge's verdicts: the same command with --record and the judge's key (a judged case needs its verdicts recorded again whenever its answer changes)",
      };
    }
    if (recorded > 0) {
      return { why: `only ${recorded} trial${recorded === 1 ? " is" : "s are"} recorded for this request`, fix: `ask for no more trials (-k ${recorded}), or record the rest: the same command with --record and a key` };
    }
    return { why: "no answer is recorded for this request: the prompt, its vars or the model changed since the fixtures were recorded", fix: "record it: the same command with --record and a key" };
  };
  const api = provider.batchApi;
  const batch: BatchRunner | undefined = api && {
    async needed(entries) {
      const out = [];
      for (const e of entries) {
        const { file, label } = locate(e.request, e.trial);
        if (!(await recordedFor(e.request, file, label))) out.push({ ...e, customId: batchCustomId(provider, e.request, e.trial) });
      }
      return out;
    },
    submit: (entries, options, tag) => api.submit(entries.map((e) => ({ customId: e.customId, body: provider.requestIdentity(e.request) })), options, tag),
    find: (tag, sent, options) => api.find(tag, sent, options),
    describeSent: (tag, sent) => api.describeSent(tag, sent),
    check: (batchId, options) => api.check(batchId, options),
    async collect(batchId, options) {
      const answers = await api.results(batchId, options);
      for (const [customId, response] of answers) fromBatch.set(customId, response);
      return answers.size;
    },
  };
  // A batch asks identical requests once (runner/batch.ts): the cases given that one answer
  // count its cost once, as they do a fixture's.
  const givenFromBatch = new Set<string>();
  const fromBatchFor = (request: ProviderRequest, trial: number): ProviderResponse | undefined => {
    if (fromBatch.size === 0) return undefined;
    const id = batchCustomId(provider, request, trial);
    const answer = fromBatch.get(id);
    if (answer === undefined) return undefined;
    // Every trial given an answer that stopped short errors with it, as each would have live.
    if (answer instanceof ProviderError) throw answer;
    if (givenFromBatch.has(id)) return { ...answer, shared: true };
    givenFromBatch.add(id);
    return answer;
  };
  const callLive = async (request: ProviderRequest, options: CallOptions, place: () => { label: string }): Promise<ProviderResponse> => {
    try {
      return await provider.call(request, options);
    } catch (err) {
      // "No key" alone misleads when the user expected a replay: say which answer was not recorded.
      if (err instanceof ProviderError && err.category === "auth" && err.fatal) {
        const { why, fix } = await whyMissing(request, options.trial);
        throw new ProviderError("auth", `${err.message}, and ${why} (trial ${options.trial}: ${place().label})`, {
          fatal: true,
          hint: `${err.hint ?? "set the provider's API key"}; or, if you expected a replay, ${fix}`,
        });
      }
      throw err;
    }
  };
  return {
    id: provider.id,
    ...(batch ? { batch } : {}),
    async call(request: ProviderRequest, options: CallOptions): Promise<ProviderResponse> {
      // A fixture's name is a hash of the request: worked out only when some fixture could
      // match or one is to be written, as a live run with nothing recorded needs neither.
      let where: { file: string; label: string } | undefined;
      const place = () => (where ??= locate(request, options.trial));
      const names = await folder.names();
      const name = names.size > 0 ? path.basename(place().file) : undefined;
      // One call answered every case that sends this request: the run counts it once, on the
      // trial that asked first, in a replay as in the recording, so the two cost alike. Settled
      // here, in the order trials asked, as the reads below end in any order.
      const shared = name !== undefined && names.has(name) && folder.givenBefore(name);
      const recorded = name !== undefined ? await recordedFor(request, place().file, place().label) : undefined;
      if (recorded) return replay(recorded.response, place().label, shared);
      if (mode === "offline") {
        const { why, fix } = await whyMissing(request, options.trial);
        throw new ProviderError("missing-fixture", `${provider.id}: ${why} (trial ${options.trial}: ${place().label})`, { hint: fix });
      }
      if (mode !== "record") return fromBatchFor(request, options.trial) ?? callLive(request, options, place);
      const { file, label } = place();
      // Had the call shared failed, or its answer not been kept, the first of those waiting makes
      // the next one, and the rest wait on that: one call at a time for a file, so one answer
      // graded by all who share it.
      for (let sharing = recording.get(file); sharing; sharing = recording.get(file)) {
        const entry = await sharing.catch(() => undefined);
        if (entry) return replay(entry.response, label, true);
      }
      const writing = (async () => {
        const batched = fromBatchFor(request, options.trial);
        const live = batched ?? (await callLive(request, options, place));
        // Not kept: an answer that could not be read is the provider's failure, not its answer,
        // and kept it would replay forever without the provider being asked again.
        if (request.readable?.(live.output) === false) return { live, entry: undefined };
        const entry: FixtureFile = {
          schemaVersion: 1,
          provider: provider.id,
          trial: options.trial,
          request: provider.requestIdentity(request),
          response: { output: live.output, usage: live.usage, latencyMs: live.latencyMs === null ? null : Math.round(live.latencyMs), ...(live.refused ? { refused: live.refused } : {}), ...(live.truncated ? { truncated: live.truncated } : {}), ...(live.masked ? { masked: live.masked } : {}), ...(batched ? { via: "batch" as const } : {}) },
          recordedAt: new Date().toISOString(),
        };
        await writeFileAtomic(file, `${JSON.stringify(entry, null, 2)}\n`, "fixture");
        folder.wrote(path.basename(file));
        return { live, entry };
      })();
      const entry = writing.then((w) => w.entry);
      // Its failure is this trial's to report; a sharer, if any, makes its own call.
      entry.catch(() => undefined);
      recording.set(file, entry);
      try {
        // Graded as stored (latency in whole ms), so the recording and its replay grade alike.
        const { live, entry: stored } = await writing;
        return stored ? { ...live, latencyMs: stored.response.latencyMs, recorded: true } : live;
      } finally {
        if (recording.get(file) === entry) recording.delete(file);
      }
    },
  };
}
