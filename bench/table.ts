/** Checks rows against the issue's targets and renders them, as text for the terminal and as Markdown for the README. */
import type { Row } from "./measure.js";
import type { Scenario, TargetSpec } from "./scenarios.js";

export interface Check {
  /** e.g. "ratio ≤ 1.1". */
  target: string;
  /** null when the figure is missing (the run broke) or was not judged: why says which. */
  met: boolean | null;
  /** Why met is null. */
  why?: string;
}

/**
 * Figures whose target holds for the issue's sizes only: at --quick sizes start-up weighs on
 * the ratio and on the CPU per trial, and memory and a replay's wall time are smaller. Judged
 * there, they would read as missed (or met) for no reason a full run would show.
 */
const FULL_SIZE_ONLY: ReadonlySet<TargetSpec["metric"]> = new Set(["ratio", "cpuPerTrialMs", "peakRssMb", "wallMs"]);

const NAMES: Record<TargetSpec["metric"], string> = {
  ratio: "ratio",
  maxInFlight: "in flight",
  peakRssMb: "RSS MB",
  cpuPerTrialMs: "CPU/trial ms",
  wallMs: "wall ms",
  serverCalls: "server calls",
  lost: "lost",
  versionMs: "--version ms",
  oneCaseMs: "1 case ms",
};
const OPS: Record<TargetSpec["op"], string> = { "<=": "≤", "<": "<", "=": "=" };

export function checkRow(row: Row, scenario: Scenario, { quick = false } = {}): Check[] {
  return scenario.targets
    .filter((t) => (t.phase ?? null) === row.phase)
    .map((t) => {
      const want = t.value === "concurrency" ? row.concurrency : t.value;
      const got = row[t.metric];
      const target = `${NAMES[t.metric]} ${OPS[t.op]} ${want ?? "?"}`;
      if (got === null || want === null || row.error) return { target, met: null, why: row.error ? "the run failed" : "not measured" };
      if (quick && FULL_SIZE_ONLY.has(t.metric)) return { target, met: null, why: "not judged at --quick sizes" };
      const met = t.op === "<=" ? got <= want : t.op === "<" ? got < want : got === want;
      return { target, met };
    });
}

const num = (x: number | null, digits = 0) => (x === null ? "—" : x.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const ms = (x: number | null) => (x === null ? "—" : x >= 10_000 ? `${num(x / 1000, 1)} s` : `${num(x)} ms`);

const HEADER = ["#", "scenario", "tool", "limit", "wall", "ratio", "start · calls (÷ limit) · finish", "CPU/trial", "peak RSS", "in flight", "calls", "trials done/err/lost", "targets"];

/** Where a run's wall time went: start-up, the calls (and their ratio to the limit), and the finish after the last answer. */
function phases(row: Row): string {
  const p = row.phases;
  // A run that broke (timed out, crashed) has no phases worth reading.
  if (!p || row.versionMs !== null || row.error) return "—";
  return `${ms(p.startMs)} · ${ms(p.callsMs)}${p.callsRatio === null ? "" : ` (${num(p.callsRatio, 2)}×)`} · ${ms(p.finishMs)}`;
}

/** With --runs, the range of every run's figure beside the median run's: " (lowest–highest)". */
function spread(runs: number[] | undefined, show: (v: number) => string): string {
  const finite = (runs ?? []).filter(Number.isFinite);
  return finite.length > 1 ? ` (${show(Math.min(...finite))}–${show(Math.max(...finite))})` : "";
}

function cells(row: Row, checks: Check[]): string[] {
  const t = row.tally;
  const startup = row.versionMs !== null;
  const marks = checks.map((c) => `${c.target} ${c.met === null ? c.why : c.met ? "✓ met" : "✗ missed"}`).join("; ");
  return [
    row.scenario,
    row.label,
    row.tool,
    startup ? "—" : ms(row.limitMs),
    startup ? `${ms(row.versionMs)} / ${ms(row.oneCaseMs)}` : ms(row.wallMs),
    row.ratio === null ? "—" : `${num(row.ratio, 2)}×${spread(row.wallRunsMs, (w) => num(w / row.limitMs!, 2))}`,
    phases(row),
    row.cpuPerTrialMs === null ? "—" : `${num(row.cpuPerTrialMs, row.cpuPerTrialMs < 10 ? 3 : 0)} ms${spread(row.cpuRunsMs, (c) => num(c, c < 10 ? 3 : 0))}`,
    row.peakRssMb === null ? "—" : `${num(row.peakRssMb)} MB`,
    num(row.maxInFlight),
    num(row.serverCalls),
    t ? `${num(t.passed + t.failed)}/${num(t.errored)}/${num(row.lost)} of ${num(t.expected)}` : "—",
    row.error ? `broke: ${row.error.split("\n")[0]}` : marks,
  ];
}

export function renderText(rows: { row: Row; checks: Check[] }[]): string {
  const table = [HEADER, ...rows.map((r) => cells(r.row, r.checks))];
  const widths = HEADER.map((_, i) => Math.max(...table.map((line) => line[i]!.length)));
  return table.map((line) => line.map((c, i) => (i === line.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")).join("\n");
}

export function renderMarkdown(rows: { row: Row; checks: Check[] }[]): string {
  const line = (cs: string[]) => `| ${cs.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(HEADER), line(HEADER.map(() => "---")), ...rows.map((r) => line(cells(r.row, r.checks)))].join("\n");
}
