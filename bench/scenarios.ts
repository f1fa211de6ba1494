/**
 * The scenarios of issue 6 ("Performance and scale"), with the targets it sets.
 * Sizes shrink under --quick so a smoke run takes seconds; the targets stay the
 * issue's, and only those that hold at any size are judged there (bench/table.ts).
 */

/** Many trials against a server of fixed latency: scenarios 1, 2, 3 and 6. */
export interface LoadScenario {
  kind: "load";
  id: string;
  title: string;
  cases: number;
  trials: number;
  concurrency: number;
  latencyMs: number;
  /** Share of calls the server answers with 429 and Retry-After (0 for none). */
  rateLimitedShare: number;
  /** Characters in each answer; 0 for the short default ("the answer is ok"). */
  answerChars: number;
  targets: TargetSpec[];
}

/** Start-up cost: `--version` and a one-case eval, each the median of several runs. */
export interface StartupScenario {
  kind: "startup";
  id: string;
  title: string;
  runs: number;
  targets: TargetSpec[];
}

/** A suite recorded once, then run again from fixtures (or the tool's cache). */
export interface ReplayScenario {
  kind: "replay";
  id: string;
  title: string;
  cases: number;
  trials: number;
  concurrency: number;
  latencyMs: number;
  targets: TargetSpec[];
}

export type Scenario = LoadScenario | StartupScenario | ReplayScenario;

/** A figure a row is checked against: `metric` names a field of the measured row. */
export interface TargetSpec {
  metric: "ratio" | "maxInFlight" | "peakRssMb" | "cpuPerTrialMs" | "wallMs" | "serverCalls" | "lost" | "versionMs" | "oneCaseMs";
  op: "<=" | "<" | "=";
  /** A number, or "concurrency" for the scenario's C. */
  value: number | "concurrency";
  /** Only for the row of this phase (replay: "record" | "replay"). */
  phase?: string;
}

export interface Sizes {
  quick: boolean;
}

/** Every scenario runs 5 trials per case, as the do. */
const TRIALS = 5;

function load(id: string, title: string, size: { cases: number; concurrency: number; latencyMs: number; rateLimitedShare?: number; answerChars?: number }, targets: TargetSpec[]): LoadScenario {
  return { kind: "load", id, title, trials: TRIALS, rateLimitedShare: 0, answerChars: 0, ...size, targets };
}

export function scenarios({ quick }: Sizes): Scenario[] {
  const q = (full: number, small: number) => (quick ? small : full);
  return [
    load("1", "latency-bound", { cases: q(200, 20), concurrency: q(20, 5), latencyMs: q(50, 20) }, [
      { metric: "ratio", op: "<=", value: 1.1 },
      { metric: "maxInFlight", op: "=", value: "concurrency" },
    ]),
    load("2", "wide", { cases: q(2_000, 40), concurrency: q(50, 10), latencyMs: q(20, 10) }, [
      { metric: "ratio", op: "<=", value: 1.15 },
      { metric: "peakRssMb", op: "<", value: 250 },
    ]),
    load("3", "overhead, L=0", { cases: q(20_000, 100), concurrency: q(50, 10), latencyMs: 0 }, [
      { metric: "cpuPerTrialMs", op: "<", value: 0.3 },
      { metric: "peakRssMb", op: "<", value: 400 },
    ]),
    {
      kind: "startup",
      id: "4",
      title: "start-up",
      runs: q(7, 3),
      targets: [
        { metric: "versionMs", op: "<", value: 150 },
        { metric: "oneCaseMs", op: "<", value: 600 },
      ],
    },
    {
      kind: "replay",
      id: "5",
      title: "replay",
      cases: q(200, 20),
      trials: TRIALS,
      concurrency: q(20, 5),
      latencyMs: q(20, 5),
      targets: [
        { metric: "serverCalls", op: "=", value: 0, phase: "replay" },
        { metric: "wallMs", op: "<", value: 1_000, phase: "replay" },
      ],
    },
    // "Close to the allowed rate" has no number in the issue: the ratio shows it, the target is that nothing is lost.
    load("6", "rate-limited", { cases: q(200, 20), concurrency: q(20, 5), latencyMs: q(50, 20), rateLimitedShare: 0.1 }, [{ metric: "lost", op: "=", value: 0 }]),
    // Scenario 3 with answers as long as real ones: whether outputs pile up in memory shows here,
    // not with 16-character answers. The RSS bound for that size applies.
    load("7", "long answers, L=0", { cases: q(20_000, 100), concurrency: q(50, 10), latencyMs: 0, answerChars: 2_000 }, [{ metric: "peakRssMb", op: "<", value: 400 }]),
  ];
}
