// One YAML document of a manifest file, parsed once and shared by every feature. Offsets are relative
// to the document's own text, so the result stays valid when edits elsewhere in the file move it.
import { isMap, isNode, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node, type Pair } from 'yaml';

/** [start, end) offsets into the document's text. */
export type Span = readonly [start: number, end: number];

export interface YamlSyntaxError {
  readonly span: Span;
  /** `yaml`'s error code, e.g. DUPLICATE_KEY, BAD_INDENT. */
  readonly code: string;
  readonly message: string;
  readonly warning: boolean;
}

/** A step of a path into the parsed value: a map key or a sequence index. */
export type PathSegment = string | number;

export interface ParsedDocument {
  readonly text: string;
  readonly yaml: Document.Parsed;
  /** The plain value (an API object when the document is one); undefined for an empty document. */
  readonly value: unknown;
  readonly syntaxErrors: readonly YamlSyntaxError[];
}

export function parseYamlDocument(text: string): ParsedDocument {
  const yaml = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const syntaxErrors: YamlSyntaxError[] = [];
  for (const [list, warning] of [[yaml.errors, false], [yaml.warnings, true]] as const) {
    for (const e of list) {
      // yaml's messages end with " at line N, column M:" and a code frame; the editor shows the place.
      const message = e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '');
      const span: Span = e.code === 'DUPLICATE_KEY' ? (keyStartingAt(yaml, e.pos[0]) ?? e.pos) : [e.pos[0], Math.max(e.pos[1], e.pos[0])];
      syntaxErrors.push({ span, code: e.code, message, warning });
    }
  }
  let value: unknown;
  try {
    value = yaml.contents === null ? undefined : yaml.toJS({ maxAliasCount: 100 });
  } catch {
    value = undefined; // e.g. an alias bomb: already reported as a syntax error
  }
  return { text, yaml, value, syntaxErrors };
}

/** yaml marks a duplicate key by its first character; the whole key reads better. */
function keyStartingAt(yaml: Document.Parsed, offset: number): Span | undefined {
  let found: Span | undefined;
  visit(yaml, {
    Pair(_, pair) {
      if (isNode(pair.key) && pair.key.range?.[0] === offset) {
        found = [pair.key.range[0], pair.key.range[1]];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The span of a node's value, without the line break and blank lines a block collection ends with. */
export function nodeSpan(node: Node, text?: string): Span {
  const [start, valueEnd] = node.range ?? [0, 0];
  let end = valueEnd;
  if (text) while (end > start && /\s/.test(text[end - 1]!)) end--;
  return [start, end];
}

/** The node at `path` (keys and indexes), or undefined. */
export function nodeAt(doc: ParsedDocument, path: readonly PathSegment[]): Node | undefined {
  let node: unknown = doc.yaml.contents;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!isSeq(node)) return undefined;
      node = node.items[segment];
    } else {
      if (!isMap(node)) return undefined;
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      node = pair?.value;
    }
  }
  return node && typeof node === 'object' && 'range' in (node as object) ? (node as Node) : undefined;
}

/** The key/value pair that holds `path`'s last key, or undefined. */
export function pairAt(doc: ParsedDocument, path: readonly PathSegment[]): Pair<Node, Node | null> | undefined {
  if (path.length === 0) return undefined;
  const last = path[path.length - 1];
  if (typeof last !== 'string') return undefined;
  const parent = path.length === 1 ? doc.yaml.contents : nodeAt(doc, path.slice(0, -1));
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === last);
  return pair && isPair(pair) ? (pair as Pair<Node, Node | null>) : undefined;
}

/** The span of the key of the pair at `path`, or of the item at an index. */
export function keySpan(doc: ParsedDocument, path: readonly PathSegment[]): Span | undefined {
  const pair = pairAt(doc, path);
  if (pair && pair.key) return nodeSpan(pair.key);
  const node = nodeAt(doc, path);
  return node ? nodeSpan(node) : undefined;
}

/** The span of the value at `path`; for a key with no value, the key's span. */
export function valueSpan(doc: ParsedDocument, path: readonly PathSegment[]): Span | undefined {
  const node = nodeAt(doc, path);
  if (node) return nodeSpan(node, doc.text);
  return keySpan(doc, path);
}

/** The string value of a top-level scalar field, e.g. `kind`. */
export function scalarString(value: unknown, ...path: string[]): string | undefined {
  let v: unknown = value;
  for (const p of path) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return typeof v === 'string' ? v : undefined;
}

/** The span of the document's content: from its first to its last non-blank character. */
export function contentSpan(doc: ParsedDocument): Span {
  const text = doc.text;
  const contents = doc.yaml.contents;
  if (contents?.range) return nodeSpan(contents, text);
  let start = 0;
  if (text.startsWith('---')) start = text.indexOf('\n') < 0 ? text.length : text.indexOf('\n') + 1;
  let end = text.length;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return [Math.min(start, end), end];
}
