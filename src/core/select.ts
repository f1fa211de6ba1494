/**
 * Some cases of the suites, not all (eval --case): to look again at the few that failed
 * without paying for the rest. A pattern names cases by id, or by suite/id, with `*` for
 * any run of characters and `?` for one. Pure.
 */
import type { Baseline, LoadedSuite } from "./types.js";

export interface Selection {
  /** The suites with only the chosen cases; a suite with none is left out. */
  suites: LoadedSuite[];
  /** Patterns that chose no case: most likely a typo, which must not pass as "nothing failed". */
  unmatched: string[];
}

interface Pattern {
  text: string;
  /** Null: any suite. */
  suite: RegExp | null;
  id: RegExp;
}

function globToRegExp(glob: string): RegExp {
  const body = [...glob].map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[\\^$.|+()[\]{}]/g, "\\$&"))).join("");
  return new RegExp(`^${body}$`, "s");
}

/** Case ids hold no "/", suite names may: the last "/" parts the suite from the id. */
function parsePattern(text: string): Pattern {
  const slash = text.lastIndexOf("/");
  if (slash < 0) return { text, suite: null, id: globToRegExp(text) };
  return { text, suite: globToRegExp(text.slice(0, slash)), id: globToRegExp(text.slice(slash + 1)) };
}

/** A pattern's suite part as a matcher (null when it names no suite), to tell an unknown suite from an unknown case. */
export function suitePartOf(text: string): { glob: string; matches: (name: string) => boolean } | null {
  const p = parsePattern(text);
  const suite = p.suite;
  return suite === null ? null : { glob: text.slice(0, text.lastIndexOf("/")), matches: (name) => suite.test(name) };
}

export function selectCases(suites: readonly LoadedSuite[], patterns: readonly string[]): Selection {
  const parsed = patterns.map(parsePattern);
  const used = new Set<string>();
  const chosen: LoadedSuite[] = [];
  for (const suite of suites) {
    const cases = suite.cases.filter((c) => {
      let hit = false;
      for (const p of parsed) {
        if ((p.suite === null || p.suite.test(suite.name)) && p.id.test(c.id)) {
          used.add(p.text);
          hit = true;
        }
      }
      return hit;
    });
    if (cases.length === 0) continue;
    // A suite run whole is checked whole; one run in part is marked, so its thresholds are not checked on a part.
    chosen.push(cases.length === suite.cases.length ? suite : { ...suite, cases, selectedFrom: suite.cases.length });
  }
  return { suites: chosen, unmatched: parsed.filter((p) => !used.has(p.text)).map((p) => p.text) };
}

/** The baseline as the chosen cases see it: the others were not asked for, so are not missing. */
export function baselineForCases(baseline: Baseline, suites: readonly LoadedSuite[]): Baseline {
  const ids = new Map(suites.map((s) => [s.name, new Set(s.cases.map((c) => c.id))]));
  const kept: Baseline["suites"] = {};
  for (const [name, s] of Object.entries(baseline.suites)) {
    const chosen = ids.get(name);
    kept[name] = { ...s, cases: Object.fromEntries(Object.entries(s.cases).filter(([id]) => chosen?.has(id) === true)) };
  }
  return { ...baseline, suites: kept };
}
