/** A guard run before yaml composes a document: its composer recurses, so depth must be bounded first. */
import { LineCounter, Parser, type CST } from "yaml";

/**
 * Suite files nested deeper than this are refused before they are composed: yaml
 * composes recursively, and a few KiB of `[[[[…]]]]` reach the stack limit, where
 * V8 can abort the whole process (a fatal "RegExpCompiler" out-of-memory) instead of throwing.
 */
export const MAX_NESTING = 100;

/** Where the first collection nested deeper than `max` starts, found on yaml's CST without recursion. */
export function tooDeep(text: string, max: number): { line: number; col: number } | undefined {
  const lineCounter = new LineCounter();
  const stack: [CST.Token, number][] = [];
  for (const token of new Parser(lineCounter.addNewLine).parse(text)) stack.push([token, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (token.type === "document") {
      if (token.value) stack.push([token.value, depth]);
    } else if (token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection") {
      if (depth >= max) return lineCounter.linePos(token.offset);
      for (const item of token.items as CST.CollectionItem[]) {
        if (item.key) stack.push([item.key, depth + 1]);
        if (item.value) stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}
