/**
 * Inline SVG charts for the HTML report: drawn at render time, so they need no script,
 * no library and no network to show. Every label passes through `esc`: suite and
 * provider names are user text.
 */
import { showControlChars } from "../core/text.js";

/** HTML-escapes text for element content and quoted attributes alike. */
export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * `esc` for text a model or an app wrote (outputs, grade reasons, errors): its bidi overrides
 * and invisible characters shown as codes, as the terminal shows them, so that a browser
 * does not display "\u202e0001$" as "$1000" to the person judging it.
 */
export function escUntrusted(s: string): string {
  return esc(showControlChars(s));
}

const W = 360;
const H = 220;
// Room on the right for the last tick's label.
const PAD = { left: 44, right: 30, top: 14, bottom: 38 };

interface Axis {
  domain: [number, number];
  ticks: readonly number[];
  format: (v: number) => string;
  label: string;
}

/** Scales from data to pixels, and the axes with their ticks and labels. */
function frame(x: Axis, y: Axis): { sx: (v: number) => number; sy: (v: number) => number; svg: string } {
  const span = (d: [number, number]) => (d[1] - d[0] === 0 ? 1 : d[1] - d[0]);
  const sx = (v: number) => PAD.left + ((v - x.domain[0]) / span(x.domain)) * (W - PAD.left - PAD.right);
  const sy = (v: number) => H - PAD.bottom - ((v - y.domain[0]) / span(y.domain)) * (H - PAD.top - PAD.bottom);
  const parts = [
    `<line class="axis" x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}"/>`,
    `<line class="axis" x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}"/>`,
    ...x.ticks.map((t) => `<text class="tick" x="${sx(t).toFixed(1)}" y="${H - PAD.bottom + 14}" text-anchor="middle">${esc(x.format(t))}</text>`),
    ...y.ticks.map((t) => `<line class="grid" x1="${PAD.left}" y1="${sy(t).toFixed(1)}" x2="${W - PAD.right}" y2="${sy(t).toFixed(1)}"/><text class="tick" x="${PAD.left - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${esc(y.format(t))}</text>`),
    `<text class="axis-label" x="${(PAD.left + W - PAD.right) / 2}" y="${H - 6}" text-anchor="middle">${esc(x.label)}</text>`,
    `<text class="axis-label" transform="translate(12 ${(PAD.top + H - PAD.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(y.label)}</text>`,
  ];
  return { sx, sy, svg: parts.join("") };
}

function svg(kind: string, title: string, body: string, legend = ""): string {
  return `<figure class="chart" data-chart="${esc(kind)}"><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>${body}</svg><figcaption>${esc(title)}${legend}</figcaption></figure>`;
}

export interface Point {
  x: number;
  y: number;
  /** Shown on hover. */
  tip: string;
}

export interface Series {
  name: string;
  /** CSS class giving its colour. */
  cls: string;
  points: Point[];
  /** A colour and dash pattern of its own, where no class can be written ahead (one per provider). */
  stroke?: Stroke;
  /** Points drawn as rings: a second measure in the same stroke. */
  hollow?: boolean;
  /** data-* attributes saying what it draws. */
  data?: Readonly<Record<string, string>>;
}

export interface Stroke {
  colour: string;
  /** SVG stroke-dasharray; "" for a solid line. */
  dash: string;
}

/**
 * Okabe & Ito's palette, told apart with any colour vision, each with a dash pattern of
 * its own so the lines stay apart in grey print too. Past the last, they repeat.
 */
const STROKES: readonly Stroke[] = [
  { colour: "#0072B2", dash: "" },
  { colour: "#D55E00", dash: "7 4" },
  { colour: "#009E73", dash: "2 3" },
  { colour: "#CC79A7", dash: "9 3 2 3" },
  { colour: "#E69F00", dash: "14 4" },
  { colour: "#56B4E9", dash: "4 2 1 2" },
  { colour: "#000000", dash: "1 4" },
];

/** The i-th series' stroke, e.g. the i-th provider's. */
export const strokeAt = (i: number): Stroke => STROKES[i % STROKES.length]!;

/** A legend entry: a line in a stroke, or a point as the series draw it. */
export interface LegendKey {
  name: string;
  stroke?: Stroke;
  mark?: "dot" | "ring";
}

function strokeAttrs(s: Stroke): string {
  return ` stroke="${esc(s.colour)}"${s.dash ? ` stroke-dasharray="${esc(s.dash)}"` : ""}`;
}

function pointAttrs(stroke: Stroke | undefined, hollow: boolean | undefined): string {
  if (!stroke) return "";
  return hollow ? ` fill="#fff" stroke="${esc(stroke.colour)}" stroke-width="2"` : ` fill="${esc(stroke.colour)}"`;
}

function dataAttrs(data: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(data ?? {}).map(([k, v]) => ` data-${esc(k)}="${esc(v)}"`).join("");
}

function legendKey(k: LegendKey): string {
  const line = k.stroke ? `<line x1="1" y1="6" x2="29" y2="6" stroke-width="2"${strokeAttrs(k.stroke)}/>` : "";
  const mark = k.mark ? `<circle cx="15" cy="6" r="4" stroke="#59636e" stroke-width="2" fill="${k.mark === "dot" ? "#59636e" : "#fff"}"/>` : "";
  return `<span class="key-item"><svg class="swatch" width="30" height="12" aria-hidden="true">${line}${mark}</svg>${esc(k.name)}</span>`;
}

const PROB_TICKS = [0, 0.25, 0.5, 0.75, 1];
const fmtTick = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));

function dots(points: readonly Point[], sx: (v: number) => number, sy: (v: number) => number, cls: string, attrs = ""): string {
  return points.map((p) => `<circle class="point ${cls}" cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="4"${attrs}><title>${esc(p.tip)}</title></circle>`).join("");
}

/** Lines over a 0–1 axis, e.g. pass@k and pass^k against k. Points with no value are simply absent. */
export function lineChart(opts: { kind: string; title: string; xLabel: string; yLabel: string; xs: readonly number[]; series: readonly Series[]; markers?: readonly Point[]; legend?: readonly LegendKey[] }): string {
  const lo = Math.min(...opts.xs);
  const hi = Math.max(...opts.xs);
  const step = Math.max(1, Math.ceil(opts.xs.length / 10));
  const f = frame({ domain: lo === hi ? [lo - 1, hi + 1] : [lo, hi], ticks: opts.xs.filter((_, i) => i % step === 0), format: fmtTick, label: opts.xLabel }, { domain: [0, 1], ticks: PROB_TICKS, format: fmtTick, label: opts.yLabel });
  const markers = (opts.markers ?? []).map((m) => `<line class="marker" x1="${f.sx(m.x).toFixed(1)}" y1="${PAD.top}" x2="${f.sx(m.x).toFixed(1)}" y2="${H - PAD.bottom}"><title>${esc(m.tip)}</title></line>`);
  const lines = opts.series.map((s) => {
    const path = s.points.map((p) => `${f.sx(p.x).toFixed(1)},${f.sy(p.y).toFixed(1)}`).join(" ");
    return `<g class="series ${s.cls}"${dataAttrs(s.data)}><polyline class="line" points="${path}"${s.stroke ? strokeAttrs(s.stroke) : ""}/>${dots(s.points, f.sx, f.sy, s.cls, pointAttrs(s.stroke, s.hollow))}</g>`;
  });
  const legend = opts.legend
    ? `<span class="legend">${opts.legend.map(legendKey).join("")}</span>`
    : opts.series.map((s) => ` <span class="key ${s.cls}">●</span> ${esc(s.name)}`).join("");
  return svg(opts.kind, opts.title, f.svg + markers.join("") + lines.join(""), legend);
}

/**
 * Numbered points: cost against pass rate, one per suite and provider. Names would overlap
 * where points lie close; the numbers are keyed in the caption.
 */
export function scatterChart(opts: { title: string; xLabel: string; yLabel: string; points: readonly (Point & { label: string; interval?: [number, number] })[]; formatX: (v: number) => string }): string {
  const maxX = Math.max(0, ...opts.points.map((p) => p.x));
  const hi = maxX > 0 ? maxX * 1.15 : 1;
  const f = frame({ domain: [0, hi], ticks: [0, hi / 2, hi], format: opts.formatX, label: opts.xLabel }, { domain: [0, 1], ticks: PROB_TICKS, format: fmtTick, label: opts.yLabel });
  // A point's interval on y, where it has one: a pass rate is an estimate, not a fact.
  const whiskers = opts.points.flatMap((p) => (p.interval && p.interval.every(Number.isFinite) ? [`<line class="whisker" x1="${f.sx(p.x).toFixed(1)}" y1="${f.sy(p.interval[0]).toFixed(1)}" x2="${f.sx(p.x).toFixed(1)}" y2="${f.sy(p.interval[1]).toFixed(1)}"/>`] : []));
  const numbers = opts.points.map((p, i) => `<text class="point-label" x="${(f.sx(p.x) + 6).toFixed(1)}" y="${(f.sy(p.y) - 6).toFixed(1)}">${i + 1}</text>`);
  const key = opts.points.map((p, i) => `<li>${i + 1}. ${esc(p.label)}</li>`).join("");
  return svg("scatter", opts.title, f.svg + whiskers.join("") + dots(opts.points, f.sx, f.sy, "scatter") + numbers.join(""), key ? `<ol class="key-list">${key}</ol>` : "");
}

/** Bars of counts over value ranges: the latency distribution. */
export function barChart(opts: { title: string; xLabel: string; bins: readonly { from: number; to: number; count: number }[]; formatX: (v: number) => string }): string {
  const lo = opts.bins[0]?.from ?? 0;
  const hi = opts.bins.at(-1)?.to ?? 1;
  const maxCount = Math.max(1, ...opts.bins.map((b) => b.count));
  const domain: [number, number] = lo === hi ? [lo - 1, hi + 1] : [lo, hi];
  const f = frame({ domain, ticks: lo === hi ? [lo] : [lo, (lo + hi) / 2, hi], format: opts.formatX, label: opts.xLabel }, { domain: [0, maxCount], ticks: [0, maxCount], format: fmtTick, label: "trials" });
  const bars = opts.bins.map((b) => {
    const x0 = lo === hi ? f.sx(lo) - 20 : f.sx(b.from);
    const x1 = lo === hi ? f.sx(lo) + 20 : f.sx(b.to);
    const y = f.sy(b.count);
    return `<rect class="bar" x="${(x0 + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, x1 - x0 - 2).toFixed(1)}" height="${(H - PAD.bottom - y).toFixed(1)}"><title>${esc(`${opts.formatX(b.from)}–${opts.formatX(b.to)}: ${b.count} trial${b.count === 1 ? "" : "s"}`)}</title></rect>`;
  });
  return svg("latency", opts.title, f.svg + bars.join(""));
}
