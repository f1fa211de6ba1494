/** Maps a path inside a YAML document to the line and column it was written at. */
import { isMap, isPair, isScalar, type Document, type LineCounter } from "yaml";

export interface Position {
  line: number;
  col: number;
}

type PathKey = string | number;

/**
 * The position of the deepest node on `path` that exists in the document: a
 * missing key is reported where its parent starts. With `key`, the position of
 * that key inside the map at `path` (for unknown keys).
 */
export function positionOf(doc: Document, lineCounter: LineCounter, path: readonly PathKey[], key?: string): Position | undefined {
  for (let i = path.length; i >= 0; i--) {
    const node = path.length === 0 && i === 0 ? doc.contents : doc.getIn(path.slice(0, i), true);
    if (key !== undefined && i === path.length && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return lineCounter.linePos(range[0]);
    }
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lineCounter.linePos(range[0]);
  }
  return undefined;
}
