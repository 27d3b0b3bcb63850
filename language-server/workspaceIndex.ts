// What the workspace defines: resources by kind/namespace/name, the label sets of pod templates, the
// references between objects, and which file holds what. Updated one file at a time; lookups are
// map reads, never scans of the workspace.
import type { Position, Range } from 'vscode-languageserver';
import type { ManifestFile, PlacedDocument } from './manifestFile';
import { contentSpan, nodeAt, nodeSpan, scalarString, type ParsedDocument, type Span } from './parsedDocument';
import { findReferences, podTemplatePath, type ReferencedKind } from './resourceReferences';

/** An object defined by one YAML document of a workspace file. */
export interface IndexedResource {
  readonly uri: string;
  readonly documentIndex: number;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** `metadata.namespace`, or '' when the manifest leaves it to the namespace it is applied to. */
  readonly namespace: string;
  /** The range of `metadata.name`'s value. */
  readonly nameRange: Range;
  /** The range of the whole document. */
  readonly range: Range;
  /** The labels of its pod template (workloads) or of itself (pods). */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** A Service's `spec.selector`, and the range of that map. */
  readonly selector?: Readonly<Record<string, string>>;
  readonly selectorRange?: Range;
}

/** One object naming another: `envFrom[0].configMapRef.name: web-config`. */
export interface IndexedReference {
  readonly uri: string;
  readonly documentIndex: number;
  /** The referring object. */
  readonly from: { readonly kind: string; readonly name: string; readonly namespace: string };
  readonly kind: ReferencedKind;
  readonly name: string;
  readonly namespace: string;
  /** The range of the name's value. */
  readonly range: Range;
}

interface FileEntries {
  readonly resources: IndexedResource[];
  readonly references: IndexedReference[];
}

const key = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;

/**
 * Namespaces a lookup from `namespace` may match. A manifest without `metadata.namespace` lands in
 * whatever namespace it is applied to, so it matches references from the same situation and from
 * `default`, the namespace kubectl applies to when none is given.
 */
function namespacesMatching(namespace: string): string[] {
  if (namespace === '') return ['', 'default'];
  if (namespace === 'default') return ['default', ''];
  return [namespace, ''];
}

export class WorkspaceIndex {
  private readonly files = new Map<string, FileEntries>();
  private readonly resourcesByKey = new Map<string, Set<IndexedResource>>();
  private readonly resourcesByKind = new Map<string, Set<IndexedResource>>();
  private readonly referencesByTarget = new Map<string, Set<IndexedReference>>();
  private readonly namespaces = new Map<string, number>();
  /** Pod labels `key=value` → the workloads and pods whose pods carry that label. */
  private readonly podsByLabel = new Map<string, Set<IndexedResource>>();

  /** Replaces everything known about `file.uri` with what the file defines now. */
  update(file: ManifestFile): void {
    this.remove(file.uri);
    const entries: FileEntries = { resources: [], references: [] };
    for (const doc of file.documents) this.indexDocument(file, doc, entries);
    this.files.set(file.uri, entries);
    for (const r of entries.resources) {
      addTo(this.resourcesByKey, key(r.kind, r.namespace, r.name), r);
      addTo(this.resourcesByKind, r.kind, r);
      for (const [k, v] of Object.entries(r.podLabels ?? {})) addTo(this.podsByLabel, `${k}=${v}`, r);
      if (r.namespace) this.namespaces.set(r.namespace, (this.namespaces.get(r.namespace) ?? 0) + 1);
      if (r.kind === 'Namespace') this.namespaces.set(r.name, (this.namespaces.get(r.name) ?? 0) + 1);
    }
    for (const ref of entries.references) addTo(this.referencesByTarget, key(ref.kind, ref.namespace, ref.name), ref);
  }

  remove(uri: string): void {
    const entries = this.files.get(uri);
    if (!entries) return;
    this.files.delete(uri);
    for (const r of entries.resources) {
      removeFrom(this.resourcesByKey, key(r.kind, r.namespace, r.name), r);
      removeFrom(this.resourcesByKind, r.kind, r);
      for (const [k, v] of Object.entries(r.podLabels ?? {})) removeFrom(this.podsByLabel, `${k}=${v}`, r);
      for (const ns of [r.namespace, r.kind === 'Namespace' ? r.name : '']) {
        if (!ns) continue;
        const n = (this.namespaces.get(ns) ?? 0) - 1;
        if (n > 0) this.namespaces.set(ns, n);
        else this.namespaces.delete(ns);
      }
    }
    for (const ref of entries.references) removeFrom(this.referencesByTarget, key(ref.kind, ref.namespace, ref.name), ref);
  }

  has(uri: string): boolean {
    return this.files.has(uri);
  }

  get fileCount(): number {
    return this.files.size;
  }

  /** Objects of `kind` named `name` that a reference from `namespace` may mean. */
  find(kind: string, namespace: string, name: string): IndexedResource[] {
    const found: IndexedResource[] = [];
    for (const ns of kind === 'Namespace' ? [''] : namespacesMatching(namespace)) found.push(...(this.resourcesByKey.get(key(kind, ns, name)) ?? []));
    return found;
  }

  /** Every object of `kind`, for name completion. */
  ofKind(kind: string): IndexedResource[] {
    return [...(this.resourcesByKind.get(kind) ?? [])];
  }

  /**
   * Workloads (and pods) in `namespace` whose pods a Service selector picks: every selector label must
   * be on the pod template. An empty selector selects nothing, as for Services.
   */
  selectedBy(selector: Readonly<Record<string, string>>, namespace: string): IndexedResource[] {
    const sets = Object.entries(selector).map(([k, v]) => this.podsByLabel.get(`${k}=${v}`) ?? new Set<IndexedResource>());
    if (sets.length === 0) return [];
    sets.sort((a, b) => a.size - b.size);
    const namespaces = namespacesMatching(namespace);
    return [...sets[0]!].filter((r) => sets.every((set) => set.has(r)) && namespaces.includes(r.namespace));
  }

  /** The Service whose `spec.selector` contains `position` in `uri`. */
  selectorAt(uri: string, position: Position): IndexedResource | undefined {
    return this.files.get(uri)?.resources.find((r) => r.selectorRange && contains(r.selectorRange, position));
  }

  /** Namespaces the workspace defines or uses. */
  namespaceNames(): string[] {
    return [...this.namespaces.keys()].sort();
  }

  /** References that may name the object `kind` `namespace`/`name`. */
  referencesTo(kind: string, namespace: string, name: string): IndexedReference[] {
    const found: IndexedReference[] = [];
    for (const ns of namespacesMatching(namespace)) found.push(...(this.referencesByTarget.get(key(kind, ns, name)) ?? []));
    return found;
  }

  /** The reference whose name value contains `position` in `uri`. */
  referenceAt(uri: string, position: Position): IndexedReference | undefined {
    return this.files.get(uri)?.references.find((r) => contains(r.range, position));
  }

  /** The object whose `metadata.name` value contains `position` in `uri`. */
  resourceNamedAt(uri: string, position: Position): IndexedResource | undefined {
    return this.files.get(uri)?.resources.find((r) => contains(r.nameRange, position));
  }

  /** Objects defined in `uri`. */
  resourcesIn(uri: string): readonly IndexedResource[] {
    return this.files.get(uri)?.resources ?? [];
  }

  private indexDocument(file: ManifestFile, doc: PlacedDocument, entries: FileEntries): void {
    const facts = factsOf(doc.parsed);
    if (!facts) return;
    const { kind, apiVersion, name, namespace } = facts;
    if (name !== undefined) {
      entries.resources.push({
        uri: file.uri,
        documentIndex: doc.index,
        apiVersion,
        kind,
        name,
        namespace: kind === 'Namespace' ? '' : namespace,
        nameRange: file.range(doc, facts.nameSpan),
        range: file.range(doc, facts.span),
        ...(facts.podLabels ? { podLabels: facts.podLabels } : {}),
        ...(facts.selector ? { selector: facts.selector.labels, selectorRange: file.range(doc, facts.selector.span) } : {}),
      });
    }
    for (const ref of facts.references) {
      entries.references.push({
        uri: file.uri,
        documentIndex: doc.index,
        from: { kind, name: name ?? '', namespace },
        kind: ref.kind,
        name: ref.name,
        namespace,
        range: file.range(doc, ref.span),
      });
    }
  }
}

/** What one document contributes to the index, by offsets within it: computed once per parse. */
interface DocumentFacts {
  readonly kind: string;
  readonly apiVersion: string;
  readonly name?: string;
  readonly namespace: string;
  readonly nameSpan: Span;
  readonly span: Span;
  readonly podLabels?: Record<string, string>;
  readonly selector?: { readonly labels: Record<string, string>; readonly span: Span };
  readonly references: readonly { readonly kind: ReferencedKind; readonly name: string; readonly span: Span }[];
}

const factsCache = new WeakMap<ParsedDocument, DocumentFacts | null>();

function factsOf(parsed: ParsedDocument): DocumentFacts | undefined {
  let facts = factsCache.get(parsed);
  if (facts === undefined) {
    facts = computeFacts(parsed) ?? null;
    factsCache.set(parsed, facts);
  }
  return facts ?? undefined;
}

function computeFacts(parsed: ParsedDocument): DocumentFacts | undefined {
  const value = parsed.value;
  const kind = scalarString(value, 'kind');
  const apiVersion = scalarString(value, 'apiVersion');
  if (!kind || !apiVersion) return undefined;
  const name = scalarString(value, 'metadata', 'name');
  const nameNode = nodeAt(parsed, ['metadata', 'name']);
  const templatePath = podTemplatePath(kind);
  const podLabels = kind === 'Pod' ? labelsAt(value, ['metadata']) : templatePath ? labelsAt(value, [...templatePath, 'metadata']) : undefined;
  // A Service selects pods by a plain label map (workloads use a LabelSelector, matched by their own controller).
  const selectorLabels = kind === 'Service' ? labelsAt(value, ['spec'], 'selector') : undefined;
  const selectorNode = selectorLabels && nodeAt(parsed, ['spec', 'selector']);
  const references = [];
  for (const ref of findReferences(kind, value)) {
    const node = nodeAt(parsed, ref.path);
    if (node) references.push({ kind: ref.kind, name: ref.name, span: nodeSpan(node, parsed.text) });
  }
  return {
    kind,
    apiVersion,
    ...(name !== undefined ? { name } : {}),
    namespace: scalarString(value, 'metadata', 'namespace') ?? '',
    nameSpan: nameNode ? nodeSpan(nameNode, parsed.text) : [0, 0],
    span: contentSpan(parsed),
    ...(podLabels ? { podLabels } : {}),
    ...(selectorLabels && selectorNode ? { selector: { labels: selectorLabels, span: nodeSpan(selectorNode, parsed.text) } } : {}),
    references,
  };
}

function labelsAt(value: unknown, path: readonly string[], field = 'labels'): Record<string, string> | undefined {
  let v: unknown = value;
  for (const p of [...path, field]) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const labels: Record<string, string> = {};
  for (const [k, l] of Object.entries(v)) labels[k] = String(l);
  return labels;
}

export function contains(range: Range, p: Position): boolean {
  const afterStart = p.line > range.start.line || (p.line === range.start.line && p.character >= range.start.character);
  const beforeEnd = p.line < range.end.line || (p.line === range.end.line && p.character <= range.end.character);
  return afterStart && beforeEnd;
}

function addTo<T>(map: Map<string, Set<T>>, k: string, v: T): void {
  let set = map.get(k);
  if (!set) map.set(k, (set = new Set()));
  set.add(v);
}

function removeFrom<T>(map: Map<string, Set<T>>, k: string, v: T): void {
  const set = map.get(k);
  if (!set) return;
  set.delete(v);
  if (set.size === 0) map.delete(k);
}
