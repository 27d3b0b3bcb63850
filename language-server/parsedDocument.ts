// One YAML document of a manifest file, parsed once and shared by every feature. Offsets are relative
// to the document's own text, so the result stays valid when edits elsewhere in the file move it.
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { parseManifestDocuments, type ParsedManifest } from '../engine/api/manifest/index';
import { kubernetesYaml } from '../engine/api/manifest/yamlSchema';

/** [start, end) offsets into the document's text. */
export type Span = readonly [start: number, end: number];

export interface YamlSyntaxError {
  readonly span: Span;
  /** `yaml`'s error code, e.g. BAD_INDENT, MULTILINE_IMPLICIT_KEY. */
  readonly code: string;
  readonly message: string;
  readonly warning: boolean;
}

/** A step of a path into the parsed value: a map key or a sequence index. */
export type PathSegment = string | number;

export interface ParsedDocument {
  readonly text: string;
  /** The syntax tree, for everything that needs positions: outline, folding, completion, hover. */
  readonly yaml: Document.Parsed;
  /** The objects as kubectl reads them (one, none for an empty document, or a List's items). */
  readonly manifests: readonly ParsedManifest[];
  /** The single object of the document, with its field locations; undefined for Lists and empty documents. */
  readonly manifest: ParsedManifest | undefined;
  /** The document's plain value (an API object when the document is one); undefined when empty. */
  readonly value: unknown;
  readonly syntaxErrors: readonly YamlSyntaxError[];
  /** Lines in the text (a text ending with a line break has an empty last line). */
  readonly lineCount: number;
  /** The line and UTF-16 character of an offset, relative to the document. */
  position(offset: number): { line: number; character: number };
  /** The offset of a line and character relative to the document (clamped to the line). */
  offset(line: number, character: number): number;
  /**
   * Drops the objects and the syntax tree (rebuilt from the text if asked for again), for documents
   * kept only for the positions of their index entries: files on disk that are not open.
   */
  release(): void;
}

/**
 * Parses one document of a manifest file. The objects come from the engine's manifest reader, the one
 * reading of manifests shared with the CLI. The syntax tree is built only when a feature asks for it
 * (files indexed from disk never need it), read with the same options (YAML 1.1, duplicate keys
 * allowed, as Kubernetes' decoder reads them), so both agree on every value.
 */
export function parseYamlDocument(text: string, fileName: string): ParsedDocument {
  return new YamlDocument(text, fileName);
}

class YamlDocument implements ParsedDocument {
  readonly lineCount: number;
  private readonly lineStarts: number[];
  private objects?: readonly ParsedManifest[];
  private tree?: Document.Parsed;
  private errors?: YamlSyntaxError[];
  private plain?: { value: unknown };

  constructor(
    readonly text: string,
    private readonly fileName: string,
  ) {
    this.lineStarts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    this.lineCount = this.lineStarts.length;
  }

  get manifests(): readonly ParsedManifest[] {
    if (!this.objects) this.parse();
    return this.objects!;
  }

  /** One parse for the objects and the syntax tree: an open document needs both. */
  private parse(): void {
    const { manifests, documents } = parseManifestDocuments(this.text, this.fileName);
    this.objects = manifests;
    // A split document holds one YAML document; anything else (an empty text) is parsed as before.
    if (documents.length === 1) this.tree ??= documents[0];
  }

  get manifest(): ParsedManifest | undefined {
    const manifests = this.manifests;
    return manifests.length === 1 && manifests[0]!.itemPath === undefined ? manifests[0] : undefined;
  }

  release(): void {
    this.objects = undefined;
    this.tree = undefined;
    this.errors = undefined;
    this.plain = undefined;
  }

  get yaml(): Document.Parsed {
    if (!this.tree && !this.objects) this.parse();
    this.tree ??= parseDocument(this.text, { ...kubernetesYaml, prettyErrors: false, uniqueKeys: false });
    return this.tree;
  }

  get value(): unknown {
    const manifest = this.manifest;
    if (manifest) return manifest.object;
    if (!this.plain) {
      let value: unknown;
      try {
        value = this.yaml.contents === null ? undefined : this.yaml.toJS({ maxAliasCount: 1000 });
      } catch {
        value = undefined; // e.g. an alias bomb: the manifest reader reports it
      }
      this.plain = { value };
    }
    return this.plain.value;
  }

  get syntaxErrors(): readonly YamlSyntaxError[] {
    if (!this.errors) {
      this.errors = [];
      for (const [list, warning] of [[this.yaml.errors, false], [this.yaml.warnings, true]] as const) {
        for (const e of list) {
          // yaml's messages end with " at line N, column M:" and a code frame; the editor shows the place.
          const message = e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '');
          this.errors.push({ span: [e.pos[0], Math.max(e.pos[1], e.pos[0])], code: e.code, message, warning });
        }
      }
    }
    return this.errors;
  }

  position(offset: number): { line: number; character: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - starts[lo]! };
  }

  offset(line: number, character: number): number {
    const starts = this.lineStarts;
    if (line < 0) return 0;
    if (line >= starts.length) return this.text.length;
    const end = line + 1 < starts.length ? starts[line + 1]! - 1 : this.text.length;
    return Math.min(starts[line]! + Math.max(0, character), end);
  }
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
      const pair = node.items.findLast((p) => isScalar(p.key) && String(p.key.value) === segment); // the last duplicate wins, as in Kubernetes
      node = pair?.value;
    }
  }
  return node && typeof node === 'object' && 'range' in (node as object) ? (node as Node) : undefined;
}

/** The string at `path` in a plain value, e.g. `scalarString(object, 'metadata', 'name')`. */
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

/** A plain (non-array) object of parsed JSON. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** The value at a path of parsed JSON, or undefined where the path leaves it. */
export function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let v = value;
  for (const p of path) {
    if (!v || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}
