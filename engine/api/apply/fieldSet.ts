// Server-side apply's field sets (sigs.k8s.io/structured-merge-diff fieldpath): which fields of an
// object a manager owns, computed from the object and its schema, and their `fieldsV1` encoding
// (`f:spec`, `k:{"name":"web"}`, `v:"x"`, `.` for a list item itself) stored in managedFields.
import type { SchemaNode } from '../schema/node';
import { isObject, type JSONObject } from '../patch/jsonValue';

/**
 * One step of a path, in its fieldsV1 spelling: `f:<field or map key>`, `k:<json of the item's
 * keys>` for an item of an associative list, `v:<json>` for an item of a set, `i:<n>` by index.
 */
export type PathElement = string;
export type Path = readonly PathElement[];

const sep = '\u0000';

/**
 * A node of a set's trie: whether the path that leads to it is a member, and its children by path
 * element. Nodes are never changed once a set holds them, so sets share every subtree an operation
 * leaves alone: a union that adds one field copies the nodes on its path and nothing else, and
 * whatever is cached per node (its fieldsV1 encoding) stays good for every set that holds it.
 */
class TrieNode {
  constructor(
    readonly member: boolean,
    /** Undefined when there are none; never an empty map. */
    readonly children: ReadonlyMap<PathElement, TrieNode> | undefined,
    /** Members in this subtree, this node included. */
    readonly size: number,
  ) {}
}

const emptyNode = new TrieNode(false, undefined, 0);
/** Every member without children is this one node. */
const leafNode = new TrieNode(true, undefined, 1);

/** A node's children, copied to be changed: by forEach, which makes no [key, value] pair per entry. */
function copyChildren(children: ReadonlyMap<PathElement, TrieNode> | undefined): Map<PathElement, TrieNode> {
  const out = new Map<PathElement, TrieNode>();
  children?.forEach((c, pe) => out.set(pe, c));
  return out;
}

function makeNode(member: boolean, children: Map<PathElement, TrieNode> | undefined): TrieNode {
  if (!children || children.size === 0) return member ? leafNode : emptyNode;
  let size = member ? 1 : 0;
  for (const c of children.values()) size += c.size;
  return new TrieNode(member, children, size);
}

/** A node under construction: sets are built member by member, then sealed into TrieNodes. */
interface Draft {
  member: boolean;
  children: Map<PathElement, Draft> | undefined;
}

/** @internal Builds a set member by member, as the diff and the walkers find them; `build` seals it. */
export class FieldSetBuilder {
  private readonly root: Draft = { member: false, children: undefined };

  add(path: Path): void {
    let d = this.root;
    for (const pe of path) {
      let next = d.children?.get(pe);
      if (!next) (d.children ??= new Map()).set(pe, (next = { member: false, children: undefined }));
      d = next;
    }
    d.member = true;
  }

  build(): FieldSet {
    return FieldSet.ofNode(seal(this.root));
  }
}

function seal(d: Draft): TrieNode {
  if (!d.children) return d.member ? leafNode : emptyNode;
  const children = new Map<PathElement, TrieNode>();
  for (const [pe, c] of d.children) {
    const n = seal(c);
    if (n.size > 0) children.set(pe, n);
  }
  return makeNode(d.member, children);
}

function union(a: TrieNode, b: TrieNode): TrieNode {
  if (a === b || b.size === 0) return a;
  if (a.size === 0) return b;
  const member = a.member || b.member;
  let children: Map<PathElement, TrieNode> | undefined;
  if (b.children) {
    for (const [pe, bc] of b.children) {
      const ac = a.children?.get(pe);
      const u = ac ? union(ac, bc) : bc;
      if (u === ac) continue;
      (children ??= copyChildren(a.children)).set(pe, u);
    }
  }
  if (!children && member === a.member) return a;
  return makeNode(member, children ?? copyChildren(a.children));
}

function difference(a: TrieNode, b: TrieNode): TrieNode {
  if (a.size === 0 || b.size === 0) return a;
  if (a === b) return emptyNode;
  const member = a.member && !b.member;
  let children: Map<PathElement, TrieNode> | undefined;
  if (a.children && b.children) {
    // Only the elements both have can change; walk the fewer of them.
    const [few, other] = b.children.size < a.children.size ? [b.children, a.children] : [a.children, b.children];
    for (const pe of few.keys()) {
      if (!other.has(pe)) continue;
      const ac = a.children.get(pe)!;
      const d = difference(ac, b.children.get(pe)!);
      if (d === ac) continue;
      children ??= copyChildren(a.children);
      if (d.size === 0) children.delete(pe);
      else children.set(pe, d);
    }
  }
  if (!children && member === a.member) return a;
  return makeNode(member, children ?? copyChildren(a.children));
}

function intersection(a: TrieNode, b: TrieNode): TrieNode {
  if (a === b || a.size === 0) return a;
  if (b.size === 0) return b;
  const member = a.member && b.member;
  const children = new Map<PathElement, TrieNode>();
  if (a.children && b.children) {
    const [few, other] = b.children.size < a.children.size ? [b.children, a.children] : [a.children, b.children];
    for (const [pe, fc] of few) {
      const oc = other.get(pe);
      if (!oc) continue;
      const i = intersection(fc, oc);
      if (i.size > 0) children.set(pe, i);
    }
  }
  return makeNode(member, children);
}

function isSubset(a: TrieNode, b: TrieNode): boolean {
  if (a === b || a.size === 0) return true;
  if (a.size > b.size || (a.member && !b.member)) return false;
  if (!a.children) return true;
  if (!b.children) return false;
  for (const [pe, ac] of a.children) {
    const bc = b.children.get(pe);
    if (!bc || !isSubset(ac, bc)) return false;
  }
  return true;
}

function equalNodes(a: TrieNode, b: TrieNode): boolean {
  if (a === b) return true;
  if (a.size !== b.size || a.member !== b.member || (a.children?.size ?? 0) !== (b.children?.size ?? 0)) return false;
  if (!a.children) return true;
  for (const [pe, ac] of a.children) {
    const bc = b.children!.get(pe);
    if (!bc || !equalNodes(ac, bc)) return false;
  }
  return true;
}

/** The node at `path` and everything under it taken out, pruning parents left with nothing. */
function without(n: TrieNode, path: Path, at: number): TrieNode {
  if (at === path.length) return emptyNode;
  const child = n.children?.get(path[at]!);
  if (!child) return n;
  const rest = without(child, path, at + 1);
  if (rest === child) return n;
  const children = copyChildren(n.children);
  if (rest.size === 0) children.delete(path[at]!);
  else children.set(path[at]!, rest);
  return makeNode(n.member, children);
}

function namedFieldsAsMembers(n: TrieNode, viaField: boolean): TrieNode {
  if (!n.children) return n;
  let children: Map<PathElement, TrieNode> | undefined;
  for (const [pe, c] of n.children) {
    const next = namedFieldsAsMembers(c, pe.startsWith('f:'));
    if (next !== c) (children ??= copyChildren(n.children)).set(pe, next);
  }
  const member = n.member || viaField;
  if (!children && member === n.member) return n;
  return makeNode(member, children ?? copyChildren(n.children));
}

/**
 * Each node's fieldsV1 object: built once (frozen, since every set holding the node shares it), or
 * the stored object the node was decoded from when that is already in canonical form, so a manager
 * whose fields barely changed re-encodes only the changed paths.
 */
const encodings = new WeakMap<TrieNode, JSONObject>();
const emptyFields: JSONObject = Object.freeze({}) as JSONObject;

/** A level's path elements in order; they often come in order already (an object's keys, a decoded tree's). */
function sortedElements(children: ReadonlyMap<PathElement, TrieNode>): Iterable<PathElement> {
  let previous: PathElement | undefined;
  for (const pe of children.keys()) {
    if (previous !== undefined && comparePathElements(previous, pe) > 0) return [...children.keys()].sort(comparePathElements);
    previous = pe;
  }
  return children.keys();
}

function encode(n: TrieNode): JSONObject {
  if (!n.children) return emptyFields;
  let out = encodings.get(n);
  if (out) return out;
  out = {};
  // A member with children says so with `.`; a childless member is just `{}`.
  if (n.member) out['.'] = emptyFields;
  for (const pe of sortedElements(n.children)) out[pe] = encode(n.children.get(pe)!);
  Object.freeze(out);
  encodings.set(n, out);
  return out;
}

/**
 * Fields every object has, which no manager is recorded to own: `apiVersion`, `kind`, `metadata`
 * itself and these members of it (the field manager's stripMeta).
 */
const strippedMetadata = new Set(['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => `f:${f}`));

/** @internal Whether the field manager strips the membership of `path` (one of the fields every object has). */
export function strippedMember(path: Path): boolean {
  if (path.length === 1) return path[0] === 'f:apiVersion' || path[0] === 'f:kind' || path[0] === 'f:metadata';
  return path.length === 2 && path[0] === 'f:metadata' && strippedMetadata.has(path[1]!);
}

/** @internal A frozen `{}`: the encoding of a member without children. */
export const emptyFieldsV1: JSONObject = emptyFields;

/** The encoding of a root without the stripped fields, or undefined when nothing else is left. */
function encodeStripped(root: TrieNode): JSONObject | undefined {
  if (!root.children) return undefined;
  const out: JSONObject = {};
  if (root.member) out['.'] = emptyFields;
  let any = false;
  for (const pe of sortedElements(root.children)) {
    const child = root.children.get(pe)!;
    let encoded: JSONObject | undefined;
    // apiVersion and kind lose their own membership (what a difference with them would leave is
    // whatever lies below, nothing for a valid object).
    if (pe === 'f:apiVersion' || pe === 'f:kind') encoded = child.children ? encode(child.member ? makeNode(false, copyChildren(child.children)) : child) : undefined;
    else if (pe !== 'f:metadata') encoded = encode(child);
    else if (child.children) {
      let kept: Map<PathElement, TrieNode> | undefined;
      let changed = child.member;
      child.children.forEach((c, f) => {
        // A stripped field loses its own membership, as a set difference would, not what is below it.
        const k = strippedMetadata.has(f) ? makeNode(false, c.children ? copyChildren(c.children) : undefined) : c;
        if (k !== c) changed = true;
        if (k.size > 0) (kept ??= new Map()).set(f, k);
      });
      // `metadata` itself is stripped: what is left under it is written without its `.`.
      if (kept) encoded = changed ? encode(makeNode(false, kept)) : encode(child);
    }
    if (encoded === undefined) continue;
    out[pe] = encoded;
    any = true;
  }
  return any ? Object.freeze(out) : undefined;
}

/**
 * Decodes one fieldsV1 node. A node whose object is already in the form `encode` writes (its
 * subtree included) keeps that object as its encoding; `canonical.ok` reports whether it was.
 */
function decode(json: JSONObject, root: boolean, canonical: { ok: boolean }): TrieNode {
  let member = false;
  let children: Map<PathElement, TrieNode> | undefined;
  let ok = true;
  let previous: PathElement | undefined;
  let count = 0;
  for (const k in json) {
    count++;
    const v = json[k];
    if (k === '.') {
      // `.` belongs first, empty, and only in a member that has children (never at the root).
      if (root) {
        ok = false;
        continue;
      }
      member = true;
      if (count !== 1 || !isObject(v) || Object.keys(v).length > 0) ok = false;
      continue;
    }
    if (!isObject(v)) {
      ok = false;
      continue;
    }
    if (previous !== undefined && comparePathElements(previous, k) >= 0) ok = false;
    previous = k;
    const below = { ok: true };
    const child = decode(v, false, below);
    // A subtree with no member in it (only values that are not objects) is no part of the set.
    if (child.size > 0) (children ??= new Map()).set(k, child);
    else ok = false;
    if (!below.ok) ok = false;
  }
  if (!root && count === 0) member = true;
  const n = makeNode(member, children);
  // `{".": {}}` alone is a member without children, written `{}`.
  if (!n.children && count > 0 && !root) ok = false;
  if (ok && n.children) encodings.set(n, json);
  canonical.ok = ok;
  return n;
}

/** Whether a stored fieldsV1 node marks a member: `{}`, or `.` among its keys (never at the root). */
function storedMember(json: JSONObject, root: boolean): boolean {
  if (root) return false;
  for (const k in json) return k === '.' || '.' in json;
  return true;
}

/** Whether every member of `n` is a member of the stored tree `json`. */
function subsetOfStored(n: TrieNode, json: JSONObject, root: boolean): boolean {
  if (n.member && !storedMember(json, root)) return false;
  if (n.children) {
    for (const [pe, c] of n.children) {
      const j = json[pe];
      if (!isObject(j) || !subsetOfStored(c, j, false)) return false;
    }
  }
  return true;
}

/** Whether `n` and the stored tree `json` have a member in common. */
function meetsStored(n: TrieNode, json: JSONObject, root: boolean): boolean {
  if (n.member && storedMember(json, root)) return true;
  if (n.children) {
    for (const [pe, c] of n.children) {
      const j = json[pe];
      if (isObject(j) && meetsStored(c, j, false)) return true;
    }
  }
  return false;
}

/** The members of `n` that are members of the stored tree `json`. */
function intersectStored(n: TrieNode, json: JSONObject, root: boolean): TrieNode {
  let children: Map<PathElement, TrieNode> | undefined;
  if (n.children) {
    for (const [pe, c] of n.children) {
      const j = json[pe];
      if (!isObject(j)) continue;
      const i = intersectStored(c, j, false);
      if (i.size > 0) (children ??= new Map()).set(pe, i);
    }
  }
  return makeNode(n.member && storedMember(json, root), children);
}

function hasStoredMember(json: JSONObject): boolean {
  for (const k in json) if (k !== '.' && isObject(json[k])) return true;
  return false;
}

/**
 * A set of member paths. Only members are stored; a path's parents are implied, not owned.
 *
 * A set read from a stored managedFields entry (`fromStoredFieldsV1`) stays that JSON tree until
 * an operation needs its trie: most writes change a field or two that most managers do not own,
 * and asking whether a small set meets, lies within or intersects a stored tree is a walk of the
 * small set alone. Until then its encoding is the stored tree itself.
 */
export class FieldSet {
  private node: TrieNode | undefined;
  private stored: JSONObject | undefined;

  /** A set of members given in their joined form (path elements joined by `pathSeparator`). */
  constructor(keys?: Iterable<string>) {
    if (!keys) {
      this.node = emptyNode;
      return;
    }
    const b = new FieldSetBuilder();
    for (const k of keys) b.add(k === '' ? [] : k.split(sep));
    this.node = b.build().root;
  }

  /** @internal */
  static ofNode(node: TrieNode): FieldSet {
    const s = new FieldSet();
    s.node = node;
    return s;
  }

  /** The set a fieldsV1 tree describes, decoded now; its encoding is canonical whatever the tree's order. */
  static fromFieldsV1(fieldsV1: unknown): FieldSet {
    return FieldSet.ofNode(isObject(fieldsV1) ? decode(fieldsV1, true, { ok: true }) : emptyNode);
  }

  /**
   * The set of a managedFields entry as stored, which this server wrote in canonical form: decoded
   * only when an operation needs it, and until then encoded as the very tree it was read from.
   */
  static fromStoredFieldsV1(fieldsV1: unknown): FieldSet {
    if (!isObject(fieldsV1)) return new FieldSet();
    const s = new FieldSet();
    s.node = undefined;
    s.stored = fieldsV1;
    return s;
  }

  private get root(): TrieNode {
    return (this.node ??= decode(this.stored!, true, { ok: true }));
  }

  /** Whether this set is still only its stored tree, and `other` has its trie. */
  private storedBeside(other: FieldSet): boolean {
    return this.node === undefined && other.node !== undefined;
  }

  has(path: Path): boolean {
    let n: TrieNode | undefined = this.root;
    for (const pe of path) if (!(n = n.children?.get(pe))) return false;
    return n.member;
  }

  /** @internal the joined form, for the walkers in this directory. */
  hasKey(key: string): boolean {
    return this.has(key === '' ? [] : key.split(sep));
  }

  /** @internal the set below one path element, for walkers that follow it down an object. */
  child(pe: PathElement): FieldSet | undefined {
    const c = this.root.children?.get(pe);
    return c ? FieldSet.ofNode(c) : undefined;
  }

  /** @internal whether the root itself (the empty path) is a member. */
  get isMember(): boolean {
    return this.root.member;
  }

  /** @internal every member in its joined form. */
  *keys(): IterableIterator<string> {
    const walk = function* (n: TrieNode, prefix: string | undefined): Generator<string> {
      if (n.member) yield prefix ?? '';
      if (n.children) for (const [pe, c] of n.children) yield* walk(c, prefix === undefined ? pe : prefix + sep + pe);
    };
    yield* walk(this.root, undefined);
  }

  get size(): number {
    return this.root.size;
  }

  empty(): boolean {
    return this.node === undefined ? !hasStoredMember(this.stored!) : this.node.size === 0;
  }

  union(other: FieldSet): FieldSet {
    if (this === other || other.empty()) return this;
    if (this.storedBeside(other) && subsetOfStored(other.node!, this.stored!, true)) return this;
    const n = union(this.root, other.root);
    return n === this.root ? this : FieldSet.ofNode(n);
  }

  intersection(other: FieldSet): FieldSet {
    if (this.storedBeside(other)) return FieldSet.ofNode(intersectStored(other.node!, this.stored!, true));
    if (other.storedBeside(this)) return FieldSet.ofNode(intersectStored(this.node!, other.stored!, true));
    return FieldSet.ofNode(intersection(this.root, other.root));
  }

  difference(other: FieldSet): FieldSet {
    if (other.empty()) return this;
    if (this.storedBeside(other) && !meetsStored(other.node!, this.stored!, true)) return this;
    const n = difference(this.root, other.root);
    return n === this.root ? this : FieldSet.ofNode(n);
  }

  /** Whether every member of this set is a member of `other`. */
  isSubsetOf(other: FieldSet): boolean {
    if (this === other) return true;
    if (other.storedBeside(this)) return subsetOfStored(this.node!, other.stored!, true);
    return isSubset(this.root, other.root);
  }

  /** Whether both sets hold the same members. */
  equals(other: FieldSet): boolean {
    return this === other || equalNodes(this.root, other.root);
  }

  /** This set less each of `paths` and everything under it. */
  withoutSubtrees(paths: readonly Path[]): FieldSet {
    let n = this.root;
    for (const p of paths) n = without(n, p, 0);
    return n === this.root ? this : FieldSet.ofNode(n);
  }

  /** Every member path, sorted as structured-merge-diff iterates them. */
  paths(): Path[] {
    const out: Path[] = [];
    const walk = (n: TrieNode, path: PathElement[]) => {
      if (n.member) out.push([...path]);
      if (!n.children) return;
      for (const pe of sortedElements(n.children)) {
        path.push(pe);
        walk(n.children.get(pe)!, path);
        path.pop();
      }
    };
    walk(this.root, []);
    return out;
  }

  /**
   * EnsureNamedFieldsAreMembers: a field that has owned children counts as owned itself, so
   * pruning can remove a whole field (e.g. `labels`) once nothing under it is owned any more.
   */
  withNamedFieldsAsMembers(): FieldSet {
    const n = namedFieldsAsMembers(this.root, false);
    return n === this.root ? this : FieldSet.ofNode(n);
  }

  /**
   * The fieldsV1 object: nested `{ "f:spec": { "f:replicas": {} } }`, with `.` first in members
   * that also have children and each level's elements in structured-merge-diff's order (fields,
   * keys, values, then indexes by number). Shared: every set holding the same subtree gets the same
   * object (frozen when this module built it), and a stored set not yet decoded gets its stored tree.
   */
  toFieldsV1(): JSONObject {
    return this.node === undefined ? this.stored! : encode(this.node);
  }

  /**
   * toFieldsV1 without the fields every object has (apiVersion, kind, metadata itself, and its
   * name, namespace, uid, resourceVersion…), which the field manager never records; undefined when
   * nothing else is left. A stored set was written so already: it is its stored tree.
   */
  toStrippedFieldsV1(): JSONObject | undefined {
    if (this.node === undefined) return hasStoredMember(this.stored!) ? this.stored! : undefined;
    return encodeStripped(this.node);
  }
}

const rank: Record<string, number> = { '.': 0, f: 1, k: 2, v: 3, i: 4 };

/** @internal structured-merge-diff's order of path elements: `.`, fields, keys, values, indexes by number, the rest. */
export function comparePathElements(a: string, b: string): number {
  const ra = rank[a === '.' ? '.' : a[0]!] ?? 5;
  const rb = rank[b === '.' ? '.' : b[0]!] ?? 5;
  if (ra !== rb) return ra - rb;
  if (a[0] === 'i' && b[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** fieldpath.Path.String(): `.spec.template.spec.containers[name="web"].image`, `.metadata.finalizers[="x"]`. */
export function pathString(path: Path): string {
  return path
    .map((pe) => {
      const body = pe.slice(2);
      switch (pe[0]) {
        case 'f':
          return `.${body}`;
        case 'k': {
          const keys = JSON.parse(body) as JSONObject;
          return `[${Object.keys(keys).sort().map((k) => `${k}=${JSON.stringify(keys[k])}`).join(',')}]`;
        }
        case 'v':
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}

// ---- how the schema shapes the walk ----

/** How a list's items are identified (x-kubernetes-list-type, or the patch strategy for older schemas). */
export type ListRelationship = { type: 'atomic' } | { type: 'set' } | { type: 'map'; keys: readonly string[] };

export function listRelationship(node: SchemaNode | undefined): ListRelationship {
  if (!node) return { type: 'atomic' };
  if (node.listType === 'map') return { type: 'map', keys: node.listMapKeys?.length ? node.listMapKeys : node.patchMergeKey ? [node.patchMergeKey] : [] };
  if (node.listType === 'set') return { type: 'set' };
  if (node.listType === 'atomic') return { type: 'atomic' };
  // Schemas without x-kubernetes-list-type: Kubernetes derives it from the patch strategy.
  const merge = node.patchStrategy?.split(',').includes('merge');
  if (merge && node.patchMergeKey) return { type: 'map', keys: [node.patchMergeKey] };
  if (merge) return { type: 'set' };
  return { type: 'atomic' };
}

/** A map or struct is atomic when its schema says so; a field without a schema is granular (deduced). */
export function isAtomicMap(node: SchemaNode | undefined): boolean {
  return node?.mapType === 'atomic';
}

export function childSchema(node: SchemaNode | undefined, key: string): SchemaNode | undefined {
  if (!node) return undefined;
  return node.property(key) ?? node.additionalProperties();
}

/** An error in the shape of an applied object (a list item without its keys, duplicate keys). */
export class FieldSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldSetError';
  }
}

/**
 * The path element of a list item: `k:{…}` from the list-map keys (a missing key falls back to its
 * schema default, as structured-merge-diff does for `protocol: TCP`), `v:…` for set items.
 */
export function itemPathElement(rel: ListRelationship, itemNode: SchemaNode | undefined, item: unknown, index: number): PathElement {
  if (rel.type === 'set') return `v:${JSON.stringify(item)}`;
  if (rel.type === 'map') {
    if (!isObject(item)) throw new FieldSetError(`associative list with keys has an element that is not a map: ${JSON.stringify(item)}`);
    const keys: JSONObject = {};
    const missing: string[] = [];
    for (const k of [...rel.keys].sort()) {
      const v = item[k] ?? itemNode?.property(k)?.default;
      if (v === undefined || v === null) missing.push(k);
      else keys[k] = v;
    }
    // The vendored OpenAPI v2 spec carries no defaults (ports' protocol is "TCP" in v3), so an
    // item missing one of several keys is identified by the keys it has, as older
    // structured-merge-diff releases did; an item with none of its keys is an error.
    if (Object.keys(keys).length === 0) {
      throw new FieldSetError(`associative list with keys has an element that omits key field ${JSON.stringify(missing[0] ?? '')} (and doesn't have default value)`);
    }
    return `k:${JSON.stringify(keys)}`;
  }
  return `i:${index}`;
}

/** What the walker reports for each member: a leaf value, or an item marker for list items. */
export const itemMarker = Symbol('list item');

/**
 * Visits every member path of `value` (ToFieldSet): scalars and atomic values are leaves, struct
 * and map fields are walked into, items of set and map lists are members themselves and walked
 * into. `visit` gets the joined path and the leaf value (or itemMarker).
 *
 * With `containers`, granular lists and maps are reported too (as itemMarker): a comparison sees
 * a map or list appear or disappear as such, which is why an Update entry shows
 * `f:annotations: {".": {}, …}` while an Apply entry does not.
 */
export function walkMembers(value: unknown, node: SchemaNode | undefined, visit: (key: string, leaf: unknown) => void, prefix = '', containers = false): void {
  const join = (pe: string) => (prefix === '' ? pe : prefix + sep + pe);
  if (Array.isArray(value)) {
    const rel = listRelationship(node);
    if (rel.type === 'atomic') {
      visit(prefix, value);
      return;
    }
    if (containers && prefix !== '') visit(prefix, itemMarker);
    const itemNode = node?.items();
    const seen = new Set<string>();
    const where = () => pathString(prefix.split(sep));
    value.forEach((item, i) => {
      let pe: PathElement;
      try {
        pe = itemPathElement(rel, itemNode, item, i);
      } catch (e) {
        if (e instanceof FieldSetError) throw new FieldSetError(`${where()}: ${e.message}`);
        throw e;
      }
      if (seen.has(pe)) throw new FieldSetError(`${where()}: duplicate entries for key ${pathString([pe])}`);
      seen.add(pe);
      const key = join(pe);
      visit(key, itemMarker);
      if (rel.type === 'map') walkMembers(item, itemNode, visit, key, containers);
    });
    return;
  }
  if (isObject(value)) {
    if (isAtomicMap(node)) {
      visit(prefix, value);
      return;
    }
    // Structs are not reported: Go's zero-value structs always exist, so Kubernetes never sees them appear.
    const isMap = !node || (node.additionalProperties() !== undefined && node.propertyNames().length === 0);
    if (containers && isMap && prefix !== '') visit(prefix, itemMarker);
    for (const k of Object.keys(value)) {
      const child = value[k];
      if (child === undefined) continue;
      walkMembers(child, childSchema(node, k), visit, join(`f:${k}`), containers);
    }
    return;
  }
  if (prefix !== '') visit(prefix, value);
}

/** ToFieldSet: the member paths of `value` under `schema`, less the ignored paths and what is under them. */
export function fieldSetOf(value: unknown, schema: SchemaNode | undefined, ignored: readonly Path[] = []): FieldSet {
  const keys: string[] = [];
  walkMembers(value, schema, (key) => keys.push(key));
  return dropIgnored(new FieldSet(keys), ignored);
}

/** Removes each ignored path and everything below it (the field manager's reset fields). */
export function dropIgnored(set: FieldSet, ignored: readonly Path[]): FieldSet {
  return ignored.length === 0 ? set : set.withoutSubtrees(ignored);
}

export const pathSeparator = sep;
