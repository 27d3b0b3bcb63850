// Manifest files as kubectl reads them — multi-document YAML, JSON, and List kinds flattened into their
// items — parsed with positions kept, so every problem found in an object (a Kubernetes field path)
// can be shown at its line and column. The language server and the CLI both read manifests here.
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair } from 'yaml';
import { FieldPath, fieldError, type FieldError } from '../errors';
import { kubernetesYaml } from './yamlSchema';

/** 1-based line and column, and the 0-based offset in the text. */
export interface SourcePosition {
  line: number;
  column: number;
  offset: number;
}

export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}

export interface FieldLocation {
  /** The key of the field (absent for list items and the document root). */
  key?: SourceRange;
  /** The field's value. */
  value?: SourceRange;
  /** The deepest part of the path that exists in the source, e.g. `spec` for a missing `spec.selector`. */
  path: string;
  /** Whether the whole path exists; if not, the location is of its deepest existing ancestor. */
  exact: boolean;
}

/** A YAML syntax error, in the position the parser found it. */
export interface SyntaxProblem {
  message: string;
  range: SourceRange;
}

export interface ParsedManifest {
  fileName: string;
  /** Index of the YAML document in the file (0-based). */
  documentIndex: number;
  /** For a member of a List: its path in the list, e.g. `items[2]`. */
  itemPath?: string;
  /** The object as JSON, duplicate keys resolved as Kubernetes does (the last one wins). */
  object: unknown;
  /** The range of the document (or list item) in the text. */
  range: SourceRange;
  /** YAML syntax errors of the document. */
  syntaxErrors: SyntaxProblem[];
  /** Keys given twice in one mapping, as strict decoding reports them: `duplicate field "spec.replicas"`. */
  duplicateFields: FieldError[];
  /**
   * Where a Kubernetes field path (`spec.template.spec.containers[0].image`, `metadata.labels[app]`)
   * is in the source; for a path that does not exist, its deepest existing ancestor.
   */
  locate(fieldPath: string): FieldLocation | undefined;
}

type Segment = { name: string } | { bracket: string };

/** Splits `a.b[0].c[app.kubernetes.io/name]` into names and bracketed indexes or keys. */
export function parseFieldPath(path: string): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  while (i < path.length) {
    const c = path[i]!;
    if (c === '.') {
      i++;
    } else if (c === '[') {
      const close = path.indexOf(']', i + 1);
      const end = close < 0 ? path.length : close;
      out.push({ bracket: path.slice(i + 1, end) });
      i = end + 1;
    } else {
      let j = i;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      out.push({ name: path.slice(i, j) });
      i = j;
    }
  }
  return out;
}

function findPair(map: Node, key: string): Pair<Node, Node | null> | undefined {
  if (!isMap(map)) return undefined;
  let found: Pair<Node, Node | null> | undefined;
  // The last pair of a duplicated key is the one whose value counts.
  for (const p of map.items as Pair<Node, Node | null>[]) if (isScalar(p.key) && String(p.key.value) === key) found = p;
  return found;
}

class Positions {
  constructor(
    private readonly lines: LineCounter,
    private readonly textLength: number,
  ) {}
  at(offset: number): SourcePosition {
    const o = Math.max(0, Math.min(offset, this.textLength));
    const { line, col } = this.lines.linePos(o);
    return { line, column: col, offset: o };
  }
  range(start: number, end: number): SourceRange {
    return { start: this.at(start), end: this.at(end) };
  }
  ofNode(node: Node | null | undefined): SourceRange | undefined {
    return node?.range ? this.range(node.range[0], node.range[1]) : undefined;
  }
}

/** Every key that appears twice in one mapping, as a path. */
function duplicates(node: Node | null | undefined, path: FieldPath, out: FieldError[]): void {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const p of node.items as Pair<Node, Node | null>[]) {
      if (!isScalar(p.key)) continue;
      const key = String(p.key.value);
      if (seen.has(key)) out.push(fieldError.duplicateField(path.child(key)));
      seen.add(key);
    }
    // Walk each distinct key once (its last occurrence), so nested duplicates are reported once.
    for (const key of seen) {
      const p = findPair(node, key);
      if (p) duplicates(p.value, path.child(key), out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => duplicates(item as Node, path.index(i), out));
  }
}

function locator(root: Node | null | undefined, pos: Positions): (fieldPath: string) => FieldLocation | undefined {
  return (fieldPath) => {
    if (!root) return undefined;
    let node: Node | null = root;
    let key: Node | undefined;
    let matched = FieldPath.root();
    for (const seg of parseFieldPath(fieldPath)) {
      let next: Node | null | undefined;
      let nextKey: Node | undefined;
      let nextPath: FieldPath;
      if ('name' in seg) {
        const p = findPair(node!, seg.name);
        next = p?.value;
        nextKey = p?.key;
        nextPath = matched.child(seg.name);
      } else if (isSeq(node) && /^\d+$/.test(seg.bracket)) {
        next = node.items[Number(seg.bracket)] as Node | undefined;
        nextPath = matched.index(Number(seg.bracket));
      } else {
        const p = findPair(node!, seg.bracket);
        next = p?.value;
        nextKey = p?.key;
        nextPath = matched.key(seg.bracket);
      }
      if (next === undefined || (next === null && !nextKey)) return { ...ranges(key, node, pos), path: matched.toString(), exact: false };
      if (next === null) {
        // `field:` with no value: the key is all there is to point at.
        return { ...ranges(nextKey, null, pos), path: nextPath.toString(), exact: true };
      }
      node = next;
      key = nextKey;
      matched = nextPath;
    }
    return { ...ranges(key, node, pos), path: matched.toString(), exact: true };
  };
}

function ranges(key: Node | undefined, value: Node | null, pos: Positions): { key?: SourceRange; value?: SourceRange } {
  const k = pos.ofNode(key);
  const v = pos.ofNode(value);
  return { ...(k ? { key: k } : {}), ...(v ? { value: v } : {}) };
}

/** A List (`kind: List`, `PodList`, …) is applied as its items, as kubectl does. */
function isList(obj: unknown): obj is { items: unknown[] } {
  if (typeof obj !== 'object' || obj === null) return false;
  const o = obj as Record<string, unknown>;
  return typeof o['kind'] === 'string' && o['kind'].endsWith('List') && Array.isArray(o['items']);
}

/** Parses a manifest file: every document (and every item of a List) as one ParsedManifest. */
export function parseManifests(text: string, fileName: string): ParsedManifest[] {
  return parseManifestDocuments(text, fileName).manifests;
}

/**
 * The manifests of a text and the YAML documents they were read from, for a caller that also needs
 * the syntax trees (the language server): one parse serves both.
 */
export function parseManifestDocuments(text: string, fileName: string): { manifests: ParsedManifest[]; documents: Document.Parsed[] } {
  const lines = new LineCounter();
  // YAML 1.1, as Kubernetes' go-yaml reads manifests: `yes`/`on` are booleans there, too.
  const parsed = parseAllDocuments(text, { ...kubernetesYaml, lineCounter: lines, uniqueKeys: false, keepSourceTokens: false });
  const docs = Array.isArray(parsed) ? parsed : [parsed as unknown as Document.Parsed];
  return { manifests: readManifests(docs, lines, text, fileName), documents: docs };
}

function readManifests(docs: Document.Parsed[], lines: LineCounter, text: string, fileName: string): ParsedManifest[] {
  const pos = new Positions(lines, text.length);
  const out: ParsedManifest[] = [];
  docs.forEach((doc, documentIndex) => {
    // The parser appends "at line N, column M:" and a code excerpt; the range already says where.
    const syntaxErrors = doc.errors.map((e) => ({ message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), range: pos.range(e.pos[0], e.pos[1]) }));
    const contents = doc.contents as Node | null;
    let object: unknown;
    try {
      object = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      object = undefined;
      syntaxErrors.push({ message: (err as Error).message, range: pos.range(doc.range[0], doc.range[1]) });
    }
    // From the first node, not the `---` before it, so a document's range is its content.
    const range = pos.range(contents?.range?.[0] ?? doc.range[0], doc.range[1]);
    // Empty documents (a trailing `---`, a comment-only file) are skipped, as kubectl skips them.
    if ((object === null || object === undefined) && !syntaxErrors.length) return;
    if (isList(object) && isMap(contents)) {
      const items = findPair(contents, 'items')?.value;
      object.items.forEach((item, i) => {
        const node = isSeq(items) ? (items.items[i] as Node) : undefined;
        const dup: FieldError[] = [];
        duplicates(node, FieldPath.root(), dup);
        out.push({
          fileName,
          documentIndex,
          itemPath: `items[${i}]`,
          object: item,
          range: pos.ofNode(node) ?? range,
          syntaxErrors: i === 0 ? syntaxErrors : [],
          duplicateFields: dup,
          locate: locator(node, pos),
        });
      });
      return;
    }
    const dup: FieldError[] = [];
    duplicates(contents, FieldPath.root(), dup);
    out.push({ fileName, documentIndex, object, range, syntaxErrors, duplicateFields: dup, locate: locator(contents, pos) });
  });
  return out;
}
