/**
 * The charts of the compare page: per suite every provider's pass@k and pass^k curves,
 * cost against pass rate per provider, and each provider's latency distribution. The
 * figures come from the comparison (core computed them); this file only draws them.
 */
import type { ModelComparison, SuiteCurves } from "../core/model-comparison-types.js";
import { fmtMs, fmtPct, fmtProb, fmtUsd } from "./format.js";
import { barChart, esc, lineChart, scatterChart, strokeAt, type Series } from "./html-charts.js";

/** Both measures of every provider in one chart: a provider keeps its colour and dash, the measure its mark. */
function suiteChart(curves: SuiteCurves, labels: readonly string[]): string {
  const maxK = Math.max(1, ...curves.providers.map((p) => p.k));
  const series: Series[] = curves.providers.flatMap((p) => {
    const stroke = strokeAt(labels.indexOf(p.label));
    const measure = (pick: "passAtK" | "passHatK", name: string, hollow: boolean): Series => ({
      name: `${p.label} ${name}`,
      cls: "provider",
      stroke,
      hollow,
      data: { provider: p.label, measure: name },
      points: p.points.filter((a) => Number.isFinite(a[pick])).map((a) => ({ x: a.k, y: a[pick], tip: `${p.label}: ${name.replace("k", String(a.k))} = ${fmtProb(a[pick])}` })),
    });
    return [measure("passAtK", "pass@k", false), measure("passHatK", "pass^k", true)];
  });
  const legend = [
    ...curves.providers.map((p) => ({ name: p.label, stroke: strokeAt(labels.indexOf(p.label)) })),
    { name: "pass@k (some trial passes)", mark: "dot" as const },
    { name: "pass^k (every trial passes)", mark: "ring" as const },
  ];
  const chart = lineChart({ kind: "curve", title: `${curves.suite}: pass@k and pass^k for k = 1..${maxK}`, xLabel: "k", yLabel: "probability", xs: Array.from({ length: maxK }, (_, i) => i + 1), series, legend });
  return `<div class="suite" data-suite="${esc(curves.suite)}">${chart}</div>`;
}

export function reliabilityCharts(result: ModelComparison): string {
  const labels = result.providers.map((p) => p.label);
  return `<div class="charts">${result.curves.map((c) => suiteChart(c, labels)).join("")}</div>`;
}

/** One numbered point per provider whose cost and pass rate are known; the others are named, never put at zero. */
export function costScatter(result: ModelComparison): string {
  const known = result.providers.filter((p) => p.costUsd !== null && Number.isFinite(p.passRate));
  const unknown = result.providers.filter((p) => !known.includes(p)).map((p) => p.label);
  const points = known.map((p) => {
    const [lo, hi] = p.passRateInterval;
    const label = `${p.label}: ${fmtPct(p.passRate)} (95% CI ${fmtPct(lo)}–${fmtPct(hi)}) for ${fmtUsd(p.costUsd)}`;
    return { x: p.costUsd!, y: p.passRate, interval: p.passRateInterval, label, tip: label };
  });
  const chart = scatterChart({ title: "cost of the model's calls against pass rate, per provider", xLabel: "cost (USD, every case)", yLabel: "pass rate", formatX: (v) => fmtUsd(v), points });
  return `<div class="charts">${chart}</div>${unknown.length > 0 ? `<p class="muted">Not plotted (cost or pass rate unknown): ${esc(unknown.join(", "))}</p>` : ""}`;
}

export function latencyCharts(result: ModelComparison): string {
  const drawn = result.providers.flatMap((p) => {
    if (p.latencyHistogram === null || p.latencyHistogram.length === 0) return [];
    const trials = p.latencyHistogram.reduce((n, b) => n + b.count, 0);
    return [`<div data-provider="${esc(p.label)}">${barChart({ title: `${p.label}: latency of ${trials} answered trials`, xLabel: "latency", bins: p.latencyHistogram, formatX: fmtMs })}</div>`];
  });
  const none = result.providers.filter((p) => p.latencyHistogram === null || p.latencyHistogram.length === 0).map((p) => p.label);
  return `<div class="charts">${drawn.join("")}</div>${none.length > 0 ? `<p class="muted">No latencies for: ${esc(none.join(", "))}</p>` : ""}`;
}
