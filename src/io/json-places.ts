/** Where each node of a JSON text is: JSON is YAML, so the yaml library, which reads the suites, knows. Loaded only for a file with problems to place. */
import { LineCounter, parseDocument } from "yaml";

export function placesIn(text: string): (p: readonly PropertyKey[]) => { line?: number; col?: number } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return (p) => {
    for (let n = p.length; n >= 0; n--) {
      const node = doc.getIn(p.slice(0, n).map((k) => (typeof k === "symbol" ? String(k) : k)), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]);
    }
    return {};
  };
}
