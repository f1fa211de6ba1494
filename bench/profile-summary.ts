/**
 * `npx tsx bench/profile-summary.ts <file.cpuprofile | dir> [top]`: where a
 * measured process spent its CPU, from the V8 profiles `npm run bench -- --cpu-prof`
 * writes. Self time names the hot functions; "under" time (any frame of that file
 * on the stack) names the modules whose work, with all it calls, costs the most.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

/** A short place for a frame: the package under node_modules, the file under the project, or V8's own label. */
function placeOf(url: string): string {
  if (!url) return "(V8/native)";
  const mod = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (mod) return `pkg ${mod[1]}`;
  if (url.startsWith("node:")) return url;
  const own = /\/(dist|bin)\/(.+)$/.exec(url);
  return own ? `${own[1]}/${own[2]}` : path.basename(url);
}

function addTo(map: Map<string, number>, key: string, n = 1): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

function summarise(profile: CpuProfile, self: Map<string, number>, selfByPlace: Map<string, number>, under: Map<string, number>): number {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  for (const id of profile.samples) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const place = placeOf(url);
    addTo(self, `${functionName || "(anonymous)"}  ${place}${url ? `:${lineNumber + 1}` : ""}`);
    addTo(selfByPlace, place);
    // Each file counts once per sample however deep it recurs, so shares stay ≤ 100%.
    const places = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      // The root, GC and idle frames have no file: they are on every stack or none.
      if (frame.url) places.add(placeOf(frame.url));
    }
    for (const p of places) addTo(under, p);
  }
  return profile.samples.length;
}

async function profilesIn(target: string): Promise<string[]> {
  if (!(await stat(target)).isDirectory()) return [target];
  return (await readdir(target)).filter((f) => f.endsWith(".cpuprofile")).map((f) => path.join(target, f));
}

function top(title: string, map: Map<string, number>, total: number, n: number): string {
  const rows = [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  return [`${title}`, ...rows.map(([k, v]) => `  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)].join("\n");
}

async function main(argv: string[]): Promise<void> {
  const [target, count = "25"] = argv;
  if (!target) throw new Error("usage: npx tsx bench/profile-summary.ts <file.cpuprofile | dir> [top]");
  const self = new Map<string, number>();
  const selfByPlace = new Map<string, number>();
  const under = new Map<string, number>();
  let total = 0;
  const files = await profilesIn(target);
  for (const f of files) total += summarise(JSON.parse(await readFile(f, "utf8")) as CpuProfile, self, selfByPlace, under);
  const n = Number(count);
  process.stdout.write(`${files.length} profile(s), ${total} samples\n\n`);
  process.stdout.write(`${top("self time, by function", self, total, n)}\n\n${top("self time, by file or package", selfByPlace, total, n)}\n\n`);
  process.stdout.write(`${top("time with the file on the stack (inclusive)", under, total, n)}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
