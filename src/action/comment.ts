/**
 * One pull-request comment per job of the action, found again by a hidden marker and
 * updated in place, never a new one per push. Plain REST calls with the workflow's token.
 */
import { readFile } from "node:fs/promises";

/** The marker of comments before each job had its own: one such is taken over by the first job to find no comment of its own. */
export const LEGACY_MARKER = "<!-- harness-eval -->";

/** The hidden first line of one job's comment. */
export function markerFor(key: string): string {
  return `<!-- harness-eval job=${key} -->`;
}

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
  if (!res.ok) throw Object.assign(new Error(`${method} ${new URL(url).pathname}: HTTP ${res.status}`), { status: res.status });
  return res.json();
}

interface Author {
  login?: string;
  type?: string;
}

/**
 * Which comments are this token's. A personal token asks GET /user, and comments as that user.
 * An installation token (the workflow's own, or a GitHub App's) is refused there (403) and
 * comments as a bot: github-actions[bot], or <app>[bot]. No person can be of type Bot, so a
 * marker written by one is never taken. Any other failure is not guessed at: it is thrown.
 */
async function whoseComments(t: Target): Promise<(author: Author | null | undefined) => boolean> {
  try {
    const user = (await call(t, "GET", `${t.api}/user`)) as Author;
    if (typeof user.login === "string") return (a) => a?.login === user.login;
  } catch (err) {
    if ((err as { status?: number }).status !== 403) throw err;
  }
  return (a) => a?.type === "Bot";
}

/**
 * Creates this job's comment, or updates the one this token wrote that carries its marker.
 * Anyone can write a marker: a comment by someone else is never taken for the report, whether
 * to hide it (a PATCH refused) or to leave a stale "Gate passed" standing in its place. A
 * comment of this token's from before jobs had markers of their own would otherwise stand,
 * stale, beside the new one: the first job without a comment of its own takes it over.
 */
export async function upsertComment(t: Target, key: string, markdown: string): Promise<"created" | "updated"> {
  const marker = markerFor(key);
  const body = `${marker}\n${markdown}`;
  const mine = await whoseComments(t);
  let legacy: number | undefined;
  for (let page = 1; page <= 50; page++) {
    const comments = (await call(t, "GET", `${t.api}/repos/${t.repo}/issues/${t.pr}/comments?per_page=100&page=${page}`)) as { id: number; body?: string; user?: Author | null }[];
    const found = comments.find((c) => c.body?.startsWith(`${marker}\n`) && mine(c.user));
    if (found) {
      await call(t, "PATCH", `${t.api}/repos/${t.repo}/issues/comments/${found.id}`, { body });
      return "updated";
    }
    legacy ??= comments.find((c) => c.body?.startsWith(`${LEGACY_MARKER}\n`) && mine(c.user))?.id;
    if (comments.length < 100) break;
  }
  if (legacy !== undefined) {
    await call(t, "PATCH", `${t.api}/repos/${t.repo}/issues/comments/${legacy}`, { body });
    return "updated";
  }
  await call(t, "POST", `${t.api}/repos/${t.repo}/issues/${t.pr}/comments`, { body });
  return "created";
}
