/**
 * A suite file's YAML, parsed once: yaml's CST is read first to refuse nesting too deep
 * to compose (its composer recurses), then the same tokens are composed into the document.
 */
import { Composer, isAlias, isMap, isScalar, isSeq, LineCounter, Parser, visit, YAMLParseError, type Alias, type CST, type Document, type YAMLMap } from "yaml";

/**
 * Suite files nested deeper than this are refused before they are composed: yaml
 * composes recursively, and a few KiB of `[[[[…]]]]` reach the stack limit, where
 * V8 can abort the whole process (a fatal "RegExpCompiler" out-of-memory) instead of throwing.
 */
export const MAX_NESTING = 100;

export type ParsedYaml =
  | { kind: "too-deep"; line: number; col: number }
  | { kind: "document"; doc: Document; lineCounter: LineCounter; errors: { code: string; message: string; line: number; col: number }[] };

/** Parses one YAML document with unique keys; several documents in one file is an error. */
export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const deep = tooDeep(tokens, MAX_NESTING);
  if (deep !== undefined) return { kind: "too-deep", ...lineCounter.linePos(deep) };
  let doc: Document | undefined;
  // merge: `<<: *defaults` merges, as people who share vars between cases expect; YAML 1.2 alone
  // would keep "<<" as a key, and the case would silently lack the vars. logLevel: the library's
  // warnings (a key it stringifies, say) went to stderr as Node process warnings; what matters
  // of them the schema reports, with a position.
  for (const next of new Composer({ uniqueKeys: true, merge: true, logLevel: "error" }).compose(tokens, true, text.length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], "MULTIPLE_DOCS", "the source holds several documents"));
      break;
    }
  }
  // compose(…, forceDoc) yields a document even for an empty file.
  const composed = doc!;
  const errors = composed.errors.map((e) => ({ code: e.code, message: e.message, ...lineCounter.linePos(e.pos[0]) }));
  return { kind: "document", doc: composed, lineCounter, errors };
}

/** Offset of the first collection nested deeper than `max`, found on yaml's CST without recursion. */
function tooDeep(tokens: CST.Token[], max: number): number | undefined {
  const stack: [CST.Token, number][] = tokens.map((token) => [token, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (token.type === "document") {
      if (token.value) stack.push([token.value, depth]);
    } else if (token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection") {
      if (depth >= max) return token.offset;
      for (const item of token.items as CST.CollectionItem[]) {
        if (item.key) stack.push([item.key, depth + 1]);
        if (item.value) stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

/**
 * Where to point when toJS() fails on aliases: the first alias whose anchor is not set before
 * it, else the first alias (an alias "bomb" expands from there). The library's error has no position.
 */
export function aliasTrouble(doc: Document, lineCounter: LineCounter): { line: number; col: number } | undefined {
  let unresolved: Alias | undefined;
  let first: Alias | undefined;
  visit(doc, {
    Alias(_, node) {
      first ??= node;
      if (!unresolved && node.resolve(doc) === undefined) unresolved = node;
    },
  });
  const at = (unresolved ?? first)?.range?.[0];
  return at === undefined ? undefined : lineCounter.linePos(at);
}

/**
 * How the plain scalar at `path` was written (`1.10` for the number 1.1); undefined for anything
 * else. The path is followed through aliases and merge keys as toJS() follows them: a grader
 * shared by an anchor (`graders: *polite`) keeps its `value: 1.10` as written, as one written
 * in place does.
 */
export function plainSource(doc: Document, path: readonly (string | number)[]): string | undefined {
  let node: unknown = doc.contents;
  for (const key of path) {
    node = resolved(doc, node);
    if (isMap(node)) node = mapGet(doc, node, key, 0);
    else if (isSeq(node) && typeof key === "number") node = node.items[key];
    else return undefined;
  }
  node = resolved(doc, node);
  return isScalar(node) && node.type === "PLAIN" ? node.source : undefined;
}

function resolved(doc: Document, node: unknown): unknown {
  // An alias of an alias resolves in turn; a document can nest them only as deep as it is.
  for (let i = 0; isAlias(node) && i < MAX_NESTING; i++) node = node.resolve(doc);
  return node;
}

/** A key's value node in a map, or in the maps it merges (`<<: *defaults`), as toJS() finds it. */
function mapGet(doc: Document, map: YAMLMap, key: string | number, depth: number): unknown {
  const direct = map.get(key, true);
  if (direct !== undefined || depth > MAX_NESTING) return direct;
  for (const pair of map.items) {
    // With merge on, the library reads the key as a symbol, keeping "<<" as its source.
    if (!(isScalar(pair.key) && (pair.key.value === "<<" || pair.key.source === "<<"))) continue;
    const from = resolved(doc, pair.value);
    for (const source of isSeq(from) ? from.items.map((item) => resolved(doc, item)) : [from]) {
      if (!isMap(source)) continue;
      const found = mapGet(doc, source, key, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
