/** The suite CLI tests run against the fake server: "gate-demo", case i asks "Answer question i", 5 trials, passing on "ok". */
export function questionSuite(baseURL: string, cases = 8, extra = ""): string {
  const lines = [
    "name: gate-demo",
    "provider:",
    "  id: openai:gpt-4o-mini",
    "  config:",
    `    baseURL: ${baseURL}`,
    'prompt: "Answer question {{n}}"',
    "trials: 5",
    "graders:",
    "  - type: contains",
    "    value: ok",
    extra,
    "cases:",
  ];
  for (let i = 1; i <= cases; i++) lines.push(`  - id: case-${i}`, `    description: guards incident ${100 + i}`, `    vars: { n: ${i} }`);
  return `${lines.join("\n")}\n`;
}
