/**
 * A fast path for the plain YAML that suites are written in. The yaml library knows all
 * of YAML and gives every error a position, but it is slow to start: in a fresh process it
 * takes about 200 ms to read 2,000 cases, most of a big run's start-up. This reader takes
 * only a subset: block mappings and sequences, one-line plain, quoted and flow values,
 * and literal or folded block scalars. On anything else, or anything it is not sure of,
 * it returns undefined and the caller hands the text to the yaml library, which then also
 * gives the positions of any problem. What it does accept, it must read exactly as the
 * yaml library does (core schema, unique keys): test/simple-yaml.test.ts checks that.
 */

/** Where a node starts, and where its children do (block collections only). */
interface Pos {
  line: number;
  kids?: Map<string | number, Pos>;
  /** A plain scalar's text as written (`1.10`, where the value is 1.1). */
  source?: string;
}

export interface SimpleYaml {
  value: Record<string, unknown>;
  /** The 1-based line where the node at `path` starts, or its deepest ancestor known here. */
  lineOf(path: readonly (string | number)[]): number;
  /** How the plain scalar at `path` was written, when it is one in a block collection. */
  sourceOf(path: readonly (string | number)[]): string | undefined;
}

/** Tabs, carriage returns, control characters, BOMs, line separators and lone surrogates: left to the yaml library. */
const UNSUPPORTED = /[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|\p{Cs}/u;
/** A block mapping key this reader takes, with its `:` and the spaces after. */
const KEY = /^([A-Za-z_][A-Za-z0-9_-]*):(?: +|$)/;
/** Keys the yaml library would resolve to something other than that string. */
const ODD_KEY = /^(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|__proto__)$/;
/** Characters a plain scalar may not start with (YAML's indicators), `-` included: left to the yaml library. */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;
const BLOCK_HEADER = /^([|>])(-?)(?: +#.*| *)$/;
const AFTER_VALUE = /^(?: +#.*| *)$/;
// The yaml library's core schema, which resolves these plain scalars to numbers.
const CORE_NUMBER = [
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
/** The numbers this reader resolves itself: ones `Number()` reads exactly as the library does. */
const SIMPLE_NUMBER = /^-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?$/;
const MAX_DEPTH = 32;

const BAIL = new Error("not simple YAML");

/** The suite in `text` when it is written in the subset this reader takes; otherwise undefined. */
export function parseSimpleYaml(text: string): SimpleYaml | undefined {
  if (UNSUPPORTED.test(text)) return undefined;
  try {
    return new Reader(text).document();
  } catch (err) {
    if (err === BAIL) return undefined;
    throw err;
  }
}

function bail(): never {
  throw BAIL;
}

function indentOf(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  return i;
}

function isSequenceLine(line: string, indent: number): boolean {
  return line.charCodeAt(indent) === 45 /* - */ && (line.length === indent + 1 || line.charCodeAt(indent + 1) === 32);
}

/** YAML trims spaces and tabs only; JS's trimEnd would also take unicode spaces. */
function trimSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  return s.slice(0, end);
}

function resolvePlain(s: string): unknown {
  switch (s) {
    case "~":
    case "null":
    case "Null":
    case "NULL":
      return null;
    case "true":
    case "True":
    case "TRUE":
      return true;
    case "false":
    case "False":
    case "FALSE":
      return false;
  }
  if (CORE_NUMBER.some((re) => re.test(s))) {
    if (SIMPLE_NUMBER.test(s)) return Number(s);
    bail();
  }
  return s;
}

class Reader {
  private readonly lines: string[];
  private readonly endsWithNewline: boolean;
  /** The line being read. */
  private i = 0;

  constructor(text: string) {
    this.lines = text.split("\n");
    this.endsWithNewline = text.endsWith("\n");
  }

  document(): SimpleYaml {
    if (this.next() !== 0) bail();
    const [value, pos] = this.mapping(0, 0);
    if (this.next() !== -1) bail();
    const find = (path: readonly (string | number)[]) => {
      let at = pos;
      let depth = 0;
      for (const key of path) {
        const kid = at.kids?.get(key);
        if (!kid) break;
        at = kid;
        depth++;
      }
      return { at, whole: depth === path.length };
    };
    return {
      value,
      lineOf: (path) => find(path).at.line,
      sourceOf(path) {
        const { at, whole } = find(path);
        return whole ? at.source : undefined;
      },
    };
  }

  /** Moves to the next line that is neither blank nor a comment; its indent, or -1 at the end. */
  private next(): number {
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      const indent = indentOf(line);
      if (indent === line.length || line.charCodeAt(indent) === 35 /* # */) {
        this.i++;
        continue;
      }
      // Document markers and directives.
      if (indent === 0 && (line.startsWith("---") || line.startsWith("...") || line.startsWith("%"))) bail();
      return indent;
    }
    return -1;
  }

  /** Whether the collection at column `indent` goes on at the next line; a line indented deeper is not simple. */
  private goesOn(indent: number): boolean {
    const at = this.next();
    if (at > indent) bail();
    return at === indent;
  }

  /** A block mapping whose keys start at column `indent`; its first key is on the current line. */
  private mapping(indent: number, depth: number): [Record<string, unknown>, Pos] {
    if (depth > MAX_DEPTH) bail();
    const value: Record<string, unknown> = {};
    const pos: Pos = { line: this.i + 1, kids: new Map() };
    for (let first = true; first || this.goesOn(indent); first = false) {
      const line = this.lines[this.i]!;
      const key = KEY.exec(indent === 0 ? line : line.slice(indent));
      if (!key) bail();
      const name = key[1]!;
      // The library refuses an implicit key longer than 1,024 characters.
      if (ODD_KEY.test(name) || name.length > 1000 || Object.hasOwn(value, name)) bail();
      const [v, p] = this.value(indent + key[0].length, indent, depth, true);
      value[name] = v;
      pos.kids!.set(name, p);
    }
    return [value, pos];
  }

  /** A block sequence whose `-` are at column `indent`; the first is on the current line. */
  private sequence(indent: number, depth: number): [unknown[], Pos] {
    if (depth > MAX_DEPTH) bail();
    const value: unknown[] = [];
    const pos: Pos = { line: this.i + 1, kids: new Map() };
    // A key at the same column as the `-` ends it: the sequence was a mapping's value, which goes on.
    for (let first = true; first || (this.goesOn(indent) && isSequenceLine(this.lines[this.i]!, indent)); first = false) {
      const line = this.lines[this.i]!;
      const start = indent + 1 + indentOf(line.slice(indent + 1));
      if (start >= line.length || line.charCodeAt(start) === 35 /* # */ || isSequenceLine(line, start)) bail();
      const [v, p] = KEY.test(line.slice(start)) ? this.mapping(start, depth + 1) : this.value(start, indent, depth, false);
      pos.kids!.set(value.length, p);
      value.push(v);
    }
    return [value, pos];
  }

  /**
   * The value that starts at column `col` of the current line (or, when the line ends
   * there, on the lines below), inside a collection at column `parent`.
   */
  private value(col: number, parent: number, depth: number, inMapping: boolean): [unknown, Pos] {
    const line = this.lines[this.i]!;
    const pos: Pos = { line: this.i + 1 };
    if (col >= line.length || line.charCodeAt(col) === 35 /* # */) {
      this.i++;
      const at = this.next();
      if (at > parent) {
        return isSequenceLine(this.lines[this.i]!, at) ? this.sequence(at, depth + 1) : this.mapping(at, depth + 1);
      }
      // A mapping's sequence may sit at the key's own column.
      if (inMapping && at === parent && isSequenceLine(this.lines[this.i]!, at)) return this.sequence(at, depth + 1);
      return [null, pos];
    }
    const c = line[col]!;
    if (c === "|" || c === ">") return [this.blockScalar(col, parent), pos];
    let value: unknown;
    let end: number;
    if (c === '"' || c === "'") [value, end] = quoted(line, col);
    else if (c === "{" || c === "[") [value, end] = flow(line, col, depth + 1);
    else {
      if (INDICATOR.test(line.slice(col))) {
        const s = trimSpaces(line.slice(col));
        if (!SIMPLE_NUMBER.test(s)) bail();
      }
      const comment = line.indexOf(" #", col);
      const text = trimSpaces(comment === -1 ? line.slice(col) : line.slice(col, comment));
      // `a: b: c` and `a: b:` are nested mappings on one line, which YAML refuses.
      if (text.includes(": ") || text.endsWith(":")) bail();
      value = resolvePlain(text);
      pos.source = text;
      end = line.length;
    }
    if (!AFTER_VALUE.test(line.slice(end))) bail();
    // A more indented line below would continue the value (or be an error): the collection's loop refuses it.
    this.i++;
    return [value, pos];
  }

  /** A `|` or `>` block scalar whose header is at column `col`. */
  private blockScalar(col: number, parent: number): string {
    const header = BLOCK_HEADER.exec(this.lines[this.i]!.slice(col));
    if (!header) bail(); // keep (+) chomping and explicit indents
    const [, style, chomp] = header;
    this.i++;
    let j = this.i;
    let leading = 0;
    while (j < this.lines.length && indentOf(this.lines[j]!) === this.lines[j]!.length) leading = Math.max(leading, this.lines[j++]!.length);
    if (j === this.lines.length) bail(); // empty
    const indent = indentOf(this.lines[j]!);
    if (indent <= parent || leading > indent) bail();
    const content: string[] = [];
    for (j = this.i; j < this.lines.length; j++) {
      const line = this.lines[j]!;
      const at = indentOf(line);
      if (at === line.length) {
        if (line.length > indent) bail(); // spaces beyond the indent are content: left to the library
        content.push("");
      } else if (at >= indent) {
        const text = line.slice(indent);
        if (style === ">" && (at > indent || text.endsWith(" "))) bail(); // more-indented lines keep their breaks
        content.push(text);
      } else break;
    }
    if (j === this.lines.length && !this.endsWithNewline) bail(); // no final line break to clip
    this.i = j;
    while (content.at(-1) === "") content.pop();
    let text: string;
    if (style === "|") text = content.join("\n");
    else {
      // Lines fold into one with a space; each empty line between them, or before the first, is a line break.
      text = "";
      let empty = 0;
      let started = false;
      for (const line of content) {
        if (line === "") empty++;
        else {
          text += empty > 0 ? "\n".repeat(empty) : started ? " " : "";
          text += line;
          empty = 0;
          started = true;
        }
      }
    }
    return chomp === "-" ? text : `${text}\n`;
  }
}

/** A quoted scalar on one line, from the quote at `col`: its value and the column after it. */
function quoted(line: string, col: number): [string, number] {
  const quote = line[col];
  let out = "";
  for (let i = col + 1; i < line.length; i++) {
    const c = line[i]!;
    if (c === quote) {
      if (quote === "'" && line[i + 1] === "'") {
        out += "'";
        i++;
        continue;
      }
      return [out, i + 1];
    }
    if (c === "\\" && quote === '"') {
      const e = line[++i];
      const simple = e === undefined ? undefined : ESCAPES[e];
      if (simple !== undefined) out += simple;
      else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(line.slice(i + 1, i + 5))) {
        out += String.fromCharCode(parseInt(line.slice(i + 1, i + 5), 16));
        i += 4;
      } else bail();
      continue;
    }
    out += c;
  }
  return bail(); // runs on to the next line
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0", "\\": "\\", '"': '"', "/": "/", b: "\b", f: "\f" };

/** A flow collection or scalar on one line, from column `col`: its value and the column after it. */
function flow(line: string, col: number, depth: number): [unknown, number] {
  if (depth > MAX_DEPTH) bail();
  let i = col;
  while (line[i] === " ") i++;
  const c = line[i];
  if (c === '"' || c === "'") return quoted(line, i);
  if (c === "{" || c === "[") {
    const close = c === "{" ? "}" : "]";
    const map: Record<string, unknown> = {};
    const seq: unknown[] = [];
    i++;
    for (let first = true; ; first = false) {
      while (line[i] === " ") i++;
      if (line[i] === close && first) return [c === "{" ? map : seq, i + 1];
      if (c === "{") {
        const key = /^([A-Za-z_][A-Za-z0-9_-]*): /.exec(line.slice(i));
        if (!key || ODD_KEY.test(key[1]!) || Object.hasOwn(map, key[1]!)) bail();
        const [v, end] = flow(line, i + key[0].length, depth + 1);
        map[key[1]!] = v;
        i = end;
      } else {
        const [v, end] = flow(line, i, depth + 1);
        seq.push(v);
        i = end;
      }
      while (line[i] === " ") i++;
      if (line[i] === close) return [c === "{" ? map : seq, i + 1];
      if (line[i] !== ",") bail();
      i++;
    }
  }
  let end = i;
  while (end < line.length && !",[]{}:#".includes(line[end]!)) end++;
  if (end === line.length || line[end] === ":" || line[end] === "#") bail();
  const text = trimSpaces(line.slice(i, end));
  if (text === "" || INDICATOR.test(text)) {
    if (!SIMPLE_NUMBER.test(text)) bail();
  }
  return [resolvePlain(text), end];
}
