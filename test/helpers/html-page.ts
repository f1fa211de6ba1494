/** Checks every HTML report page must pass, whatever it shows. */
import { createHash } from "node:crypto";
import { expect } from "vitest";

/** The page fetches nothing: no src or href, no CSS url(), and a policy that lets only its own script run, by hash. */
export function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/<[a-z][^>]*\s(src|href)\s*=/i);
  expect(html).not.toMatch(/url\(|@import/i);
  expect(html.match(/<script/g)).toHaveLength(1);
  const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
  const hash = createHash("sha256").update(script).digest("base64");
  expect(html).toContain(`content="default-src 'none'; base-uri 'none'; form-action 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${hash}'"`);
}
