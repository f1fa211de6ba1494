/** Number formatting shared by the human-readable reporters. "—" means "could not be computed", never zero. */

import { showControlChars } from "../core/text.js";

export const DASH = "—";

export function fmtProb(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : DASH;
}

export function fmtPct(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : DASH;
}

export function fmtMs(x: number): string {
  if (!Number.isFinite(x)) return DASH;
  return x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`;
}

export function fmtTokens(x: number): string {
  return x >= 10_000 ? `${(x / 1000).toFixed(1)}k` : String(x);
}

export function fmtUsd(x: number | null): string {
  if (x === null) return "unknown";
  return x < 0.01 ? `$${x.toFixed(4)}` : `$${x.toFixed(2)}`;
}

export function oneLine(s: string, max = 100): string {
  const t = showControlChars(s.replace(/\s+/g, " ").trim());
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
