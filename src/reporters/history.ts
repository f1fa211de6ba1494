/** `harness history`: per suite, pass^k over the last runs as a sparkline, and a table of those runs. */
import { Chalk } from "chalk";
import Table from "cli-table3";
import { historySeries, historySuites, type HistoryPoint } from "../core/history.js";
import type { HistoryEntry } from "../history/schema.js";
import { DASH, fmtPct, fmtProb, fmtUsd } from "./format.js";

export interface HistoryOptions {
  color: boolean;
  /** Only this suite; every suite when undefined. */
  suite?: string | undefined;
  /** Runs shown per suite (default 20). */
  last?: number;
}

const BARS = "▁▂▃▄▅▆▇█";

/**
 * One character per run, on the absolute 0–1 scale: a small wobble stays small, and
 * a bar means the same value in every suite. A run without a value is a dot.
 */
export function sparkline(values: readonly (number | null)[]): string {
  return values.map((v) => (v === null || !Number.isFinite(v) ? "·" : BARS[Math.min(BARS.length - 1, Math.floor(Math.max(0, Math.min(1, v)) * BARS.length))]!)).join("");
}

const fmt = (x: number | null) => (x === null ? DASH : fmtProb(x));

function renderSuite(name: string, points: readonly HistoryPoint[], color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const values = points.map((p) => p.passHatK);
  const known = values.filter((v): v is number => v !== null);
  const ks = [...new Set(points.map((p) => p.k))];
  const label = ks.length === 1 ? `pass^${ks[0]}` : "pass^k";
  const out = [c.bold(`${name}  ${label} over the last ${points.length} run${points.length === 1 ? "" : "s"} (oldest → latest)`)];
  const range = known.length > 0 ? `min ${fmtProb(Math.min(...known))}  max ${fmtProb(Math.max(...known))}` : `min ${DASH}  max ${DASH}`;
  out.push(`  ${c.cyan(sparkline(values))}  ${range}  latest ${fmt(values.at(-1) ?? null)}`);
  // A caret under each run whose provider differs from the run before: drift there may be the model's.
  if (points.some((p) => p.providerChanged)) {
    out.push(`  ${points.map((p) => (p.providerChanged ? "^" : " ")).join("").trimEnd()}`);
    for (const [i, p] of points.entries()) {
      if (p.providerChanged) out.push(c.yellow(`  ^ provider changed: ${points[i - 1]!.provider} → ${p.provider} (run of ${p.time})`));
    }
  }
  if (ks.length > 1) out.push(c.yellow(`  k changed between runs (${ks.join(", ")}): pass^k at different k is not comparable`));
  const table = new Table({
    head: ["time", "commit", "provider", "k", "pass@k", "pass^k", "pass rate (95% CI)", "cost", "gate"],
    style: { head: color ? ["cyan"] : [], border: color ? ["grey"] : [], compact: true },
    colAligns: ["left", "left", "left", "right", "right", "right", "right", "right", "left"],
  });
  for (const p of points) {
    const [lo, hi] = p.interval;
    table.push([
      p.time.replace("T", " ").replace(/\.\d+Z$/, "Z"),
      p.commit ? p.commit.slice(0, 7) : DASH,
      p.providerChanged ? c.yellow(p.provider) : p.provider,
      String(p.k),
      fmt(p.passAtK),
      fmt(p.passHatK),
      p.passRate === null ? DASH : `${fmtPct(p.passRate)} (${lo === null ? DASH : fmtPct(lo)}–${hi === null ? DASH : fmtPct(hi)})`,
      fmtUsd(p.costUsd),
      p.gate === "fail" ? c.red(p.gate) : p.gate,
    ]);
  }
  out.push(table.toString());
  return out.join("\n");
}

/** Every suite in the history (or the one asked for), each with its chart and table. */
export function renderHistory(entries: readonly HistoryEntry[], options: HistoryOptions): string {
  const names = options.suite === undefined ? historySuites(entries) : [options.suite];
  const blocks = names.map((name) => renderSuite(name, historySeries(entries, name, options.last ?? 20), options.color));
  return `${blocks.join("\n\n")}\n`;
}
