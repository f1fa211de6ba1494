/** The HTML reports' page, inline style and script: nothing is fetched when a page is viewed. */
import { createHash } from "node:crypto";
import { esc } from "./html-charts.js";

export const STYLE = `
:root { --pass: #1a7f37; --fail: #cf222e; --warn: #9a6700; --muted: #59636e; --line: #d1d9e0; --hat: #8250df; --at: #0969da; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1200px; padding: 16px 24px 48px; color: #1f2328; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 4px; } h3 { font-size: 14px; margin: 16px 0 6px; }
.meta, .muted, figcaption { color: var(--muted); font-size: 12px; }
.verdict { padding: 10px 14px; border-radius: 6px; font-weight: 600; margin: 10px 0; }
.verdict.pass { background: #dafbe1; color: var(--pass); } .verdict.fail { background: #ffebe9; color: var(--fail); } .verdict.not-judged { background: #fff8c5; color: var(--warn); }
.summary { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 6px 16px; margin: 8px 0; }
.summary div { border-left: 3px solid var(--line); padding-left: 8px; } .summary dt { color: var(--muted); font-size: 12px; } .summary dd { margin: 0; font-weight: 600; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
ol.key-list { list-style: none; margin: 4px 0 0; padding: 0; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 6px; }
svg .axis { stroke: #8c959f; } svg .grid { stroke: #eaeef2; } svg text { font-size: 10px; fill: var(--muted); }
svg .line { fill: none; stroke-width: 2; } svg .point-label { fill: #1f2328; }
svg .at .line { stroke: var(--at); } svg .at.point, .key.at { fill: var(--at); color: var(--at); }
svg .hat .line { stroke: var(--hat); } svg .hat.point, .key.hat { fill: var(--hat); color: var(--hat); }
svg .scatter.point { fill: var(--at); } svg .bar { fill: #54aeff; } svg .marker { stroke: var(--warn); stroke-dasharray: 4 3; }
.regressions li { margin: 2px 0; } .regressions .kind { font-weight: 600; color: var(--fail); }
.filters { position: sticky; top: 0; background: #fff; padding: 8px 0; border-bottom: 1px solid var(--line); z-index: 1; }
.filters button { font: inherit; padding: 4px 12px; border: 1px solid var(--line); background: #f6f8fa; border-radius: 6px; cursor: pointer; }
.filters button[aria-pressed="true"] { background: #1f2328; color: #fff; }
body[data-filter="failures"] .case:not([data-failed]) { display: none; }
body[data-filter="regressions"] .case:not([data-regressed]) { display: none; }
body[data-filter="improvements"] .case:not([data-improved]) { display: none; }
table.figures { border-collapse: collapse; margin: 6px 0 12px; font-variant-numeric: tabular-nums; } table.figures th, table.figures td { border-top: 1px solid var(--line); padding: 3px 8px; text-align: right; } table.figures th:first-child, table.figures td:first-child { text-align: left; }
.legend { display: flex; flex-wrap: wrap; gap: 2px 12px; margin-top: 4px; max-width: 360px; } .key-item { display: inline-flex; align-items: center; gap: 4px; } svg .whisker { stroke: var(--at); stroke-width: 1.5; }
.case-sides { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 8px; margin: 6px 0; } .case-sides h4 { margin: 0; font-size: 13px; }
.case { border: 1px solid var(--line); border-radius: 6px; margin: 6px 0; padding: 4px 10px; }
.case summary { cursor: pointer; } .case .desc { color: var(--muted); } .case .figs { color: var(--muted); font-size: 12px; }
.badge { display: inline-block; min-width: 3em; text-align: center; border-radius: 10px; padding: 0 6px; font-size: 12px; font-weight: 600; }
.badge.pass { background: #dafbe1; color: var(--pass); } .badge.fail { background: #ffebe9; color: var(--fail); } .badge.error, .badge.pending { background: #fff8c5; color: var(--warn); }
.status.regressed, .status.down { color: var(--fail); font-weight: 600; } .status.improved, .status.up { color: var(--pass); }
table.trials { border-collapse: collapse; width: 100%; margin: 6px 0; } table.trials td, table.trials th { border-top: 1px solid var(--line); padding: 4px 6px; vertical-align: top; text-align: left; }
pre.output { white-space: pre-wrap; word-break: break-word; margin: 0; max-height: 16em; overflow: auto; background: #f6f8fa; padding: 4px 6px; border-radius: 4px; }
ul.grades, ul.reasons { margin: 0; padding-left: 18px; } ul.grades .fail { color: var(--fail); } ul.reasons { color: var(--fail); margin: 4px 0; }
.error { color: var(--warn); margin: 2px 0; } .none { color: var(--muted); }
`;

/** Filter buttons set one attribute; the style above does the hiding. */
export const SCRIPT = `
for (const b of document.querySelectorAll("button[data-show]")) {
  b.addEventListener("click", () => {
    document.body.dataset.filter = b.dataset.show;
    for (const x of document.querySelectorAll("button[data-show]")) x.setAttribute("aria-pressed", String(x === b));
  });
}
`;

/**
 * A whole report page around its body. A Content-Security-Policy forbids fetching anything
 * and lets only SCRIPT (pinned by hash) run, so the file opens offline and markup in model
 * text could not run even if it slipped past `esc`.
 */
export function htmlPage(title: string, body: string): string {
  const scriptHash = createHash("sha256").update(SCRIPT).digest("base64");
  // base-uri and form-action are not covered by default-src: closed here too.
  const csp = `default-src 'none'; base-uri 'none'; form-action 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${scriptHash}'`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body data-filter="all">${body}
<script>${SCRIPT}</script></body></html>
`;
}
