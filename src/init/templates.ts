/** What `harness init` writes: a suite that runs at once (against a tiny app), and a CI workflow. */

export const EXAMPLE_SUITE = `# yaml-language-server: $schema=../node_modules/harness/schema/suite.schema.json
#
# An example suite. Each case is a real failure your app once had: say which in
# description, and keep the case for good. Run it with: npx harness eval
name: example
# Your own app: it gets {"prompt", "messages", "vars", "trial"} as JSON on stdin and
# answers on stdout. Swap in a model with e.g. provider: openai:gpt-4o-mini.
provider: exec:node evals/example-app.mjs
prompt: "Customer asks: {{question}}"
trials: 5
graders:
  - type: not-icontains
    value: "as an ai"
cases:
  - id: refund-after-window
    description: promised a refund on day 45; the window is 30 days (replace with your ticket)
    vars: { question: "Can I return my order from 45 days ago?" }
    graders:
      - type: icontains
        value: "30 days"
`;

export const EXAMPLE_APP = `// A stand-in for your app, so the example suite runs as soon as it is scaffolded.
let input = "";
for await (const chunk of process.stdin) input += chunk;
const { prompt } = JSON.parse(input);
console.log(prompt.includes("return") ? "Our returns window is 30 days from delivery." : "How can I help?");
`;

export const WORKFLOW = `# Runs the eval suites on every pull request and fails it on a significant regression.
#
# It runs on pull_request, not pull_request_target: pull_request_target runs with the
# repository's secrets on code from a fork, and an eval runs that code (exec: providers,
# javascript graders). Fork PRs get no secrets here, so they replay the recorded fixtures.
name: evals
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  evals:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      # Recorded model answers live in fixtures/ (committed); --offline never calls a model.
      - run: npx harness eval --offline --require-baseline --reporter terminal,github,markdown:harness-summary.md -o harness-report.json
      - if: always()
        run: cat harness-summary.md >> "$GITHUB_STEP_SUMMARY"
      - if: always()
        uses: actions/upload-artifact@v4
        with:
          name: harness-report
          path: harness-report.json
`;

export const FILES: Record<string, string> = {
  "evals/example.yaml": EXAMPLE_SUITE,
  "evals/example-app.mjs": EXAMPLE_APP,
  "fixtures/.gitkeep": "",
  ".github/workflows/evals.yml": WORKFLOW,
};
