// What the workspace defines: resources by kind/namespace/name, the label sets of pod templates, the
// references between objects, and which file holds what. Updated one file at a time; lookups are
// map reads, never scans of the workspace.
import type { Position, Range } from 'vscode-languageserver';
import type { ManifestFile, PlacedDocument } from './manifestFile';
import { FieldPath } from '../engine/api/errors';
import type { ParsedManifest } from '../engine/api/manifest/index';
import { scalarString, type ParsedDocument, type PathSegment, type Span } from './parsedDocument';
import { findReferences, isClusterScoped, podTemplatePath } from './resourceReferences';
import { labelSelectorAsSelector } from '../engine/api/labels/labelSelector';
import type { Selector } from '../engine/api/labels/selector';

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
  /** The object itself, kept only for CustomResourceDefinitions: the kinds they add are needed to check custom resources. */
  readonly definition?: unknown;
  /** The ports the containers of its pods declare (workloads and pods). */
  readonly podPorts?: readonly ContainerPortFacts[];
  /** A Service's ports, and whether it is headless (`clusterIP: None`). */
  readonly servicePorts?: readonly ServicePortFacts[];
  readonly headless?: boolean;
  /** The pods it applies to: a PodDisruptionBudget's `spec.selector`, a NetworkPolicy's `spec.podSelector`. */
  readonly podSelector?: Selector;
  /** A PodDisruptionBudget's budget. */
  readonly disruptionBudget?: DisruptionBudgetFacts;
}

/** A port a container declares. */
export interface ContainerPortFacts {
  readonly containerPort: number;
  readonly name?: string;
}

/** A port a Service exposes. */
export interface ServicePortFacts {
  readonly port: number;
  readonly name?: string;
  readonly targetPort?: number | string;
}

export interface DisruptionBudgetFacts {
  readonly minAvailable?: number | string;
  readonly maxUnavailable?: number | string;
}

/** One object naming another: `envFrom[0].configMapRef.name: web-config`. */
export interface IndexedReference {
  readonly uri: string;
  readonly documentIndex: number;
  /** The referring object. */
  readonly from: { readonly kind: string; readonly name: string; readonly namespace: string };
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  /** The range of the name's value. */
  readonly range: Range;
}

/**
 * Where one document of a file currently is. Entries keep their spans relative to the document and
 * compute ranges through the slot, so an edit elsewhere in the file moves them without re-indexing.
 */
interface DocumentSlot {
  file: ManifestFile;
  doc: PlacedDocument;
  readonly resources: IndexedResource[];
  readonly references: IndexedReference[];
}

const key = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;

/**
 * Namespaces a lookup of `kind` from `namespace` may match: none for cluster-scoped kinds. A manifest
 * without `metadata.namespace` lands in whatever namespace it is applied to, so it matches references
 * from the same situation and from `default`, the namespace kubectl applies to when none is given.
 */
function namespacesMatching(kind: string, namespace: string): string[] {
  if (isClusterScoped(kind)) return [''];
  if (namespace === '') return ['', 'default'];
  if (namespace === 'default') return ['default', ''];
  return [namespace, ''];
}

export class WorkspaceIndex {
  private readonly files = new Map<string, DocumentSlot[]>();
  private readonly resourcesByKey = new Map<string, Set<IndexedResource>>();
  private readonly resourcesByKind = new Map<string, Set<IndexedResource>>();
  private readonly referencesByTarget = new Map<string, Set<IndexedReference>>();
  private readonly namespaces = new Map<string, number>();
  /** Pod labels `key=value` → the workloads and pods whose pods carry that label. */
  private readonly podsByLabel = new Map<string, Set<IndexedResource>>();
  /** The topic of `version` that changes with any workload's or pod's pods (labels, ports). */
  static readonly pods = '#pods';
  /** Topic → the clock when its entries last changed; one clock for all, so a version never comes back. */
  private readonly versions = new Map<string, number>();
  private clock = 0;

  /**
   * Brings `file.uri` up to date with the file's new version. Documents parsed before (the same
   * ParsedDocument) keep their entries and only move; the others are removed and added.
   */
  update(file: ManifestFile): void {
    const previous = new Map<ParsedDocument, DocumentSlot[]>();
    for (const slot of this.files.get(file.uri) ?? []) {
      const list = previous.get(slot.doc.parsed);
      if (list) list.push(slot);
      else previous.set(slot.doc.parsed, [slot]);
    }
    const slots: DocumentSlot[] = [];
    for (const doc of file.documents) {
      const reused = previous.get(doc.parsed)?.shift();
      if (reused) {
        reused.file = file;
        reused.doc = doc;
        slots.push(reused);
      } else {
        const slot = createSlot(file, doc);
        this.add(slot);
        slots.push(slot);
      }
    }
    for (const stale of previous.values()) for (const slot of stale) this.delete(slot);
    this.files.set(file.uri, slots);
  }

  remove(uri: string): void {
    const slots = this.files.get(uri);
    if (!slots) return;
    this.files.delete(uri);
    for (const slot of slots) this.delete(slot);
  }

  private add(slot: DocumentSlot): void {
    this.touch(slot);
    for (const r of slot.resources) {
      addTo(this.resourcesByKey, key(r.kind, r.namespace, r.name), r);
      addTo(this.resourcesByKind, r.kind, r);
      for (const [k, v] of Object.entries(r.podLabels ?? {})) addTo(this.podsByLabel, `${k}=${v}`, r);
      for (const ns of namespacesOf(r)) this.namespaces.set(ns, (this.namespaces.get(ns) ?? 0) + 1);
    }
    for (const ref of slot.references) addTo(this.referencesByTarget, key(ref.kind, ref.namespace, ref.name), ref);
  }

  private delete(slot: DocumentSlot): void {
    this.touch(slot);
    for (const r of slot.resources) {
      removeFrom(this.resourcesByKey, key(r.kind, r.namespace, r.name), r);
      removeFrom(this.resourcesByKind, r.kind, r);
      for (const [k, v] of Object.entries(r.podLabels ?? {})) removeFrom(this.podsByLabel, `${k}=${v}`, r);
      for (const ns of namespacesOf(r)) {
        const n = (this.namespaces.get(ns) ?? 0) - 1;
        if (n > 0) this.namespaces.set(ns, n);
        else this.namespaces.delete(ns);
      }
    }
    for (const ref of slot.references) removeFrom(this.referencesByTarget, key(ref.kind, ref.namespace, ref.name), ref);
  }

  /** Moves the versions of the topics a document's entries belong to: its kind, the pods, the kind its references come from. */
  private touch(slot: DocumentSlot): void {
    const clock = ++this.clock;
    for (const r of slot.resources) {
      this.versions.set(r.kind, clock);
      if (r.podLabels || r.podPorts) this.versions.set(WorkspaceIndex.pods, clock);
    }
    for (const ref of slot.references) this.versions.set(ref.from.kind, clock);
  }

  /**
   * A number that changes whenever the entries of `topic` (a kind: its objects and the references they
   * make; or WorkspaceIndex.pods) change, so a question about it need not be asked again while it holds.
   */
  version(topic: string): number {
    return this.versions.get(topic) ?? 0;
  }

  /** The files the index holds entries for. */
  fileUris(): string[] {
    return [...this.files.keys()];
  }

  get fileCount(): number {
    return this.files.size;
  }

  /** Objects of `kind` named `name` that a reference from `namespace` may mean. */
  find(kind: string, namespace: string, name: string): IndexedResource[] {
    const found: IndexedResource[] = [];
    for (const ns of namespacesMatching(kind, namespace)) found.push(...(this.resourcesByKey.get(key(kind, ns, name)) ?? []));
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
    // The selected pods are namespaced objects, matched like any namespaced reference.
    const namespaces = namespacesMatching('Pod', namespace);
    return [...sets[0]!].filter((r) => sets.every((set) => set.has(r)) && namespaces.includes(r.namespace));
  }

  /**
   * Objects of `kind` (PodDisruptionBudget, NetworkPolicy) in `namespace` whose pod selector picks pods
   * labelled `labels`: a scan of the (few) objects of that kind, not of the workspace.
   */
  selecting(kind: string, labels: Readonly<Record<string, string>>, namespace: string): IndexedResource[] {
    const namespaces = namespacesMatching(kind, namespace);
    const found: IndexedResource[] = [];
    for (const r of this.resourcesByKind.get(kind) ?? []) if (namespaces.includes(r.namespace) && r.podSelector?.matches(labels)) found.push(r);
    return found;
  }

  /** The Service whose `spec.selector` contains `position` in `uri`. */
  selectorAt(uri: string, position: Position): IndexedResource | undefined {
    return this.slotAt(uri, position)?.resources.find((r) => r.selectorRange && contains(r.selectorRange, position));
  }

  /** The slot of the document holding `position`: the last one starting at or before its line. */
  private slotAt(uri: string, position: Position): DocumentSlot | undefined {
    const slots = this.files.get(uri);
    if (!slots?.length) return undefined;
    let lo = 0;
    let hi = slots.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (slots[mid]!.doc.startLine <= position.line) lo = mid;
      else hi = mid - 1;
    }
    return slots[lo];
  }

  /** Namespaces the workspace defines or uses. */
  namespaceNames(): string[] {
    return [...this.namespaces.keys()].sort();
  }

  /** References that may name the object `kind` `namespace`/`name`. */
  referencesTo(kind: string, namespace: string, name: string): IndexedReference[] {
    const found: IndexedReference[] = [];
    for (const ns of namespacesMatching(kind, namespace)) found.push(...(this.referencesByTarget.get(key(kind, ns, name)) ?? []));
    return found;
  }

  /** The reference whose name value contains `position` in `uri`. */
  referenceAt(uri: string, position: Position): IndexedReference | undefined {
    return this.slotAt(uri, position)?.references.find((r) => contains(r.range, position));
  }

  /** The object whose `metadata.name` value contains `position` in `uri`. */
  resourceNamedAt(uri: string, position: Position): IndexedResource | undefined {
    return this.slotAt(uri, position)?.resources.find((r) => contains(r.nameRange, position));
  }
}

function namespacesOf(r: IndexedResource): string[] {
  const namespaces = r.namespace ? [r.namespace] : [];
  if (r.kind === 'Namespace') namespaces.push(r.name);
  return namespaces;
}

/** The entries of one document; their uri, index and ranges follow the slot as the file changes. */
function createSlot(file: ManifestFile, doc: PlacedDocument): DocumentSlot {
  const slot: DocumentSlot = { file, doc, resources: [], references: [] };
  const facts = factsOf(doc.parsed);
  if (!facts) return slot;
  const range = (span: Span) => slot.file.range(slot.doc, span);
  const { kind, apiVersion, name, namespace } = facts;
  if (name !== undefined) {
    const selector = facts.selector;
    slot.resources.push({
      get uri() {
        return slot.file.uri;
      },
      get documentIndex() {
        return slot.doc.index;
      },
      apiVersion,
      kind,
      name,
      namespace: isClusterScoped(kind) ? '' : namespace,
      get nameRange() {
        return range(facts.nameSpan);
      },
      get range() {
        return range(facts.span);
      },
      ...(facts.podLabels ? { podLabels: facts.podLabels } : {}),
      ...(selector ? { selector: selector.labels } : {}),
      ...(facts.definition ? { definition: facts.definition } : {}),
      ...(facts.podPorts ? { podPorts: facts.podPorts } : {}),
      ...(facts.servicePorts ? { servicePorts: facts.servicePorts, headless: facts.headless === true } : {}),
      ...(facts.podSelector ? { podSelector: facts.podSelector } : {}),
      ...(facts.disruptionBudget ? { disruptionBudget: facts.disruptionBudget } : {}),
      // A getter, never spread: the range must follow the document as the file changes.
      get selectorRange() {
        return selector && range(selector.span);
      },
    });
  }
  for (const ref of facts.references) {
    slot.references.push({
      get uri() {
        return slot.file.uri;
      },
      get documentIndex() {
        return slot.doc.index;
      },
      from: { kind, name: name ?? '', namespace },
      kind: ref.kind,
      name: ref.name,
      namespace: isClusterScoped(ref.kind) ? '' : (ref.namespace ?? namespace),
      get range() {
        return range(ref.span);
      },
    });
  }
  return slot;
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
  /** The same object for as long as the document's text is unchanged (it comes from the cached parse). */
  readonly definition?: unknown;
  readonly podPorts?: readonly ContainerPortFacts[];
  readonly servicePorts?: readonly ServicePortFacts[];
  readonly headless?: boolean;
  readonly podSelector?: Selector;
  readonly disruptionBudget?: DisruptionBudgetFacts;
  readonly references: readonly { readonly kind: string; readonly name: string; readonly namespace?: string; readonly span: Span }[];
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

/**
 * Reads the facts from the manifest reader's object and field locations, not from the syntax tree,
 * so indexing a workspace parses each file once.
 */
function computeFacts(parsed: ParsedDocument): DocumentFacts | undefined {
  const manifest = parsed.manifest;
  if (!manifest) return undefined;
  const value = manifest.object;
  const kind = scalarString(value, 'kind');
  const apiVersion = scalarString(value, 'apiVersion');
  if (!kind || !apiVersion) return undefined;
  const name = scalarString(value, 'metadata', 'name');
  const templatePath = podTemplatePath(kind);
  const podLabels = kind === 'Pod' ? labelsAt(value, ['metadata']) : templatePath ? labelsAt(value, [...templatePath, 'metadata']) : undefined;
  // A Service selects pods by a plain label map (workloads use a LabelSelector, matched by their own controller).
  const selectorLabels = kind === 'Service' ? labelsAt(value, ['spec'], 'selector') : undefined;
  const selectorSpan = selectorLabels && valueSpanOf(manifest, ['spec', 'selector']);
  const references = [];
  for (const ref of findReferences(kind, value)) {
    const span = valueSpanOf(manifest, ref.path);
    if (span) references.push({ kind: ref.kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}), span });
  }
  return {
    kind,
    apiVersion,
    ...(name !== undefined ? { name } : {}),
    namespace: scalarString(value, 'metadata', 'namespace') ?? '',
    nameSpan: valueSpanOf(manifest, ['metadata', 'name']) ?? [0, 0],
    span: trimmed(parsed.text, manifest.range.start.offset, manifest.range.end.offset),
    ...(podLabels ? { podLabels } : {}),
    ...(selectorLabels && selectorSpan ? { selector: { labels: selectorLabels, span: selectorSpan } } : {}),
    ...(kind === 'CustomResourceDefinition' ? { definition: value } : {}),
    ...(kind === 'Pod' || templatePath ? { podPorts: containerPortsAt(value, kind === 'Pod' ? ['spec'] : [...templatePath!, 'spec']) } : {}),
    ...(kind === 'Service' ? { servicePorts: servicePortsOf(value), headless: scalarString(value, 'spec', 'clusterIP') === 'None' } : {}),
    ...(kind === 'PodDisruptionBudget' ? { podSelector: selectorAt(value, ['spec', 'selector']), disruptionBudget: disruptionBudgetOf(value) } : {}),
    ...(kind === 'NetworkPolicy' ? { podSelector: selectorAt(value, ['spec', 'podSelector']) } : {}),
    references,
  };
}

const isIntOrString = (v: unknown): v is number | string => typeof v === 'number' || typeof v === 'string';

function recordAt(value: unknown, path: readonly string[]): Record<string, unknown> | undefined {
  let v = value;
  for (const p of path) v = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[p] : undefined;
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

const listAt = (value: unknown, path: readonly string[], field: string): unknown[] => {
  const list = recordAt(value, path)?.[field];
  return Array.isArray(list) ? list : [];
};

/**
 * The ports of a pod spec's containers, sidecars (init containers that keep running) included: the
 * ones a Service's named targetPort or a probe may name.
 */
function containerPortsAt(value: unknown, specPath: readonly string[]): ContainerPortFacts[] {
  const containers = [...listAt(value, specPath, 'containers'), ...listAt(value, specPath, 'initContainers').filter((c) => recordAt(c, [])?.['restartPolicy'] === 'Always')];
  const ports: ContainerPortFacts[] = [];
  for (const container of containers) {
    for (const port of listAt(container, [], 'ports')) {
      const p = recordAt(port, []);
      if (typeof p?.['containerPort'] !== 'number') continue;
      ports.push({ containerPort: p['containerPort'], ...(typeof p['name'] === 'string' ? { name: p['name'] } : {}) });
    }
  }
  return ports;
}

function servicePortsOf(value: unknown): ServicePortFacts[] {
  const ports: ServicePortFacts[] = [];
  for (const port of listAt(value, ['spec'], 'ports')) {
    const p = recordAt(port, []);
    if (typeof p?.['port'] !== 'number') continue;
    ports.push({ port: p['port'], ...(typeof p['name'] === 'string' ? { name: p['name'] } : {}), ...(isIntOrString(p['targetPort']) ? { targetPort: p['targetPort'] } : {}) });
  }
  return ports;
}

/** The LabelSelector at `path`, compiled once per parse; one the API server would refuse selects nothing. */
function selectorAt(value: unknown, path: readonly string[]): Selector {
  try {
    return labelSelectorAsSelector(recordAt(value, path) as Parameters<typeof labelSelectorAsSelector>[0]);
  } catch {
    return labelSelectorAsSelector(undefined);
  }
}

function disruptionBudgetOf(value: unknown): DisruptionBudgetFacts {
  const spec = recordAt(value, ['spec']);
  return {
    ...(isIntOrString(spec?.['minAvailable']) ? { minAvailable: spec['minAvailable'] } : {}),
    ...(isIntOrString(spec?.['maxUnavailable']) ? { maxUnavailable: spec['maxUnavailable'] } : {}),
  };
}

/** The span of the value at `path`, if the document has it. */
function valueSpanOf(manifest: ParsedManifest, path: readonly PathSegment[]): Span | undefined {
  let fieldPath = FieldPath.root();
  for (const p of path) fieldPath = typeof p === 'number' ? fieldPath.index(p) : fieldPath.child(p);
  const location = manifest.locate(fieldPath.toString());
  if (!location?.exact || !location.value) return undefined;
  return [location.value.start.offset, location.value.end.offset];
}

function trimmed(text: string, start: number, end: number): Span {
  let s = start;
  let e = end;
  if (text.startsWith('---', s)) s = Math.min(e, text.indexOf('\n', s) < 0 ? e : text.indexOf('\n', s) + 1);
  while (s < e && /\s/.test(text[s]!)) s++;
  while (e > s && /\s/.test(text[e - 1]!)) e--;
  return [s, e];
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
