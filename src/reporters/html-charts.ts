/**
 * Inline SVG charts for the HTML report: drawn at render time, so they need no script,
 * no library and no network to show. Every label passes through `esc`: suite and
 * provider names are user text.
 */

/** HTML-escapes text for element content and quoted attributes alike. */
export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
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
}

const PROB_TICKS = [0, 0.25, 0.5, 0.75, 1];
const fmtTick = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));

function dots(points: readonly Point[], sx: (v: number) => number, sy: (v: number) => number, cls: string): string {
  return points.map((p) => `<circle class="point ${cls}" cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="4"><title>${esc(p.tip)}</title></circle>`).join("");
}

/** Lines over a 0–1 axis, e.g. pass@k and pass^k against k. Points with no value are simply absent. */
export function lineChart(opts: { kind: string; title: string; xLabel: string; yLabel: string; xs: readonly number[]; series: readonly Series[]; markers?: readonly Point[] }): string {
  const lo = Math.min(...opts.xs);
  const hi = Math.max(...opts.xs);
  const step = Math.max(1, Math.ceil(opts.xs.length / 10));
  const f = frame({ domain: lo === hi ? [lo - 1, hi + 1] : [lo, hi], ticks: opts.xs.filter((_, i) => i % step === 0), format: fmtTick, label: opts.xLabel }, { domain: [0, 1], ticks: PROB_TICKS, format: fmtTick, label: opts.yLabel });
  const markers = (opts.markers ?? []).map((m) => `<line class="marker" x1="${f.sx(m.x).toFixed(1)}" y1="${PAD.top}" x2="${f.sx(m.x).toFixed(1)}" y2="${H - PAD.bottom}"><title>${esc(m.tip)}</title></line>`);
  const lines = opts.series.map((s) => {
    const path = s.points.map((p) => `${f.sx(p.x).toFixed(1)},${f.sy(p.y).toFixed(1)}`).join(" ");
    return `<g class="series ${s.cls}"><polyline class="line" points="${path}"/>${dots(s.points, f.sx, f.sy, s.cls)}</g>`;
  });
  const legend = opts.series.map((s) => ` <span class="key ${s.cls}">●</span> ${esc(s.name)}`).join("");
  return svg(opts.kind, opts.title, f.svg + markers.join("") + lines.join(""), legend);
}

/**
 * Numbered points: cost against pass rate, one per suite and provider. Names would overlap
 * where points lie close; the numbers are keyed in the caption.
 */
export function scatterChart(opts: { title: string; xLabel: string; yLabel: string; points: readonly (Point & { label: string })[]; formatX: (v: number) => string }): string {
  const maxX = Math.max(0, ...opts.points.map((p) => p.x));
  const hi = maxX > 0 ? maxX * 1.15 : 1;
  const f = frame({ domain: [0, hi], ticks: [0, hi / 2, hi], format: opts.formatX, label: opts.xLabel }, { domain: [0, 1], ticks: PROB_TICKS, format: fmtTick, label: opts.yLabel });
  const numbers = opts.points.map((p, i) => `<text class="point-label" x="${(f.sx(p.x) + 6).toFixed(1)}" y="${(f.sy(p.y) - 6).toFixed(1)}">${i + 1}</text>`);
  const key = opts.points.map((p, i) => `<li>${i + 1}. ${esc(p.label)}</li>`).join("");
  return svg("scatter", opts.title, f.svg + dots(opts.points, f.sx, f.sy, "scatter") + numbers.join(""), key ? `<ol class="key-list">${key}</ol>` : "");
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
