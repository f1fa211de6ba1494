/**
 * One pull-request comment per run of the action, found again by a hidden marker and
 * updated in place, never a new one per push. Plain REST calls with the workflow's token.
 */
import { readFile } from "node:fs/promises";

export const MARKER = "<!-- harness-eval -->";

interface Target {
  api: string;
  repo: string;
  pr: number;
  token: string;
}

/** The pull request this run is for, or undefined outside one. */
export async function commentTarget(env: NodeJS.ProcessEnv, token: string): Promise<Target | undefined> {
  if (!env.GITHUB_EVENT_PATH || !env.GITHUB_REPOSITORY || !token) return undefined;
  const event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, "utf8")) as { pull_request?: { number?: number }; number?: number };
  const pr = event.pull_request?.number ?? event.number;
  if (typeof pr !== "number") return undefined;
  return { api: (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/$/, ""), repo: env.GITHUB_REPOSITORY, pr, token };
}

async function call(t: Target, method: string, url: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${t.token}`, accept: "application/vnd.github+json", "content-type": "application/json", "x-github-api-version": "2022-11-28" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${new URL(url).pathname}: HTTP ${res.status}`);
  return res.json();
}

/** Creates the comment, or updates the one that carries the marker. Returns what it did. */
export async function upsertComment(t: Target, markdown: string): Promise<"created" | "updated"> {
  const body = `${MARKER}\n${markdown}`;
  for (let page = 1; page <= 50; page++) {
    const comments = (await call(t, "GET", `${t.api}/repos/${t.repo}/issues/${t.pr}/comments?per_page=100&page=${page}`)) as { id: number; body?: string }[];
    const mine = comments.find((c) => c.body?.startsWith(MARKER));
    if (mine) {
      await call(t, "PATCH", `${t.api}/repos/${t.repo}/issues/comments/${mine.id}`, { body });
      return "updated";
    }
    if (comments.length < 100) break;
  }
  await call(t, "POST", `${t.api}/repos/${t.repo}/issues/${t.pr}/comments`, { body });
  return "created";
}
