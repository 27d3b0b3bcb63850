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

/** A set of member paths. Only members are stored; a path's parents are implied, not owned. */
export class FieldSet {
  private readonly members: Set<string>;

  constructor(keys: Iterable<string> = []) {
    this.members = new Set(keys);
  }

  static fromPaths(paths: Iterable<Path>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: Path): void {
    this.members.add(path.join(sep));
  }

  has(path: Path): boolean {
    return this.members.has(path.join(sep));
  }

  /** @internal the joined form, for the walkers in this directory. */
  hasKey(key: string): boolean {
    return this.members.has(key);
  }

  /** @internal every member in its joined form, unsorted. */
  keys(): IterableIterator<string> {
    return this.members.values();
  }

  get size(): number {
    return this.members.size;
  }

  empty(): boolean {
    return this.members.size === 0;
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet(this.members);
    for (const k of other.members) out.members.add(k);
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const [small, large] = this.members.size <= other.members.size ? [this, other] : [other, this];
    return new FieldSet([...small.members].filter((k) => large.members.has(k)));
  }

  difference(other: FieldSet): FieldSet {
    if (other.members.size === 0) return new FieldSet(this.members);
    const out = new FieldSet();
    for (const k of this.members) if (!other.members.has(k)) out.members.add(k);
    return out;
  }

  /** Whether every member of this set is a member of `other`. */
  isSubsetOf(other: FieldSet): boolean {
    if (this.members.size > other.members.size) return false;
    for (const k of this.members) if (!other.members.has(k)) return false;
    return true;
  }

  /** Whether both sets hold the same members. */
  equals(other: FieldSet): boolean {
    if (this.members.size !== other.members.size) return false;
    for (const k of this.members) if (!other.members.has(k)) return false;
    return true;
  }

  /** Every member path, sorted as structured-merge-diff iterates them. */
  paths(): Path[] {
    return [...this.members].map((k) => (k === '' ? [] : k.split(sep))).sort(comparePaths);
  }

  /**
   * EnsureNamedFieldsAreMembers: a field that has owned children counts as owned itself, so
   * pruning can remove a whole field (e.g. `labels`) once nothing under it is owned any more.
   */
  withNamedFieldsAsMembers(): FieldSet {
    const out = new FieldSet(this.members);
    for (const k of this.members) {
      // Each proper prefix whose last element is a field: scan separators instead of splitting.
      let start = 0;
      for (let end = k.indexOf(sep); end >= 0; end = k.indexOf(sep, start)) {
        if (k.startsWith('f:', start)) out.members.add(k.slice(0, end));
        start = end + 1;
      }
    }
    return out;
  }

  /** The fieldsV1 object: nested `{ "f:spec": { "f:replicas": {} } }`, with `.` marking members that also have children. */
  toFieldsV1(): JSONObject {
    const text = this.fieldsV1Text();
    return text === undefined ? this.toFieldsV1BySorting() : (JSON.parse(text) as JSONObject);
  }

  /**
   * JSON.stringify(toFieldsV1()), written straight from the members: sorted as strings they are
   * sorted as paths while every element is a field, key or value (`f:` < `k:` < `v:`, and the
   * separator sorts below any character), so each level's keys come in order, a member's `.` ahead
   * of its children. Undefined for sets holding other elements (indexes `i:n`, or whatever a stored
   * entry held), which only the sorting encoder orders right.
   */
  fieldsV1Text(): string | undefined {
    let out = '{';
    // The open path: its elements, and per level whether it is a member and has had a child yet.
    const open: string[] = [];
    const member: boolean[] = [false];
    const started: boolean[] = [false];
    for (const key of [...this.members].sort()) {
      if (key === '') {
        member[0] = true;
        continue;
      }
      const elements = key.split(sep);
      for (const pe of elements) {
        const c = pe.charCodeAt(0);
        if ((c !== 102 && c !== 107 && c !== 118) || pe.charCodeAt(1) !== 58) return undefined;
      }
      let common = 0;
      while (common < open.length && common < elements.length && open[common] === elements[common]) common++;
      while (open.length > common) {
        open.pop();
        member.pop();
        started.pop();
        out += '}';
      }
      for (let i = common; i < elements.length; i++) {
        const level = open.length;
        if (started[level]) out += ',';
        else if (member[level]) out += '".":{},';
        started[level] = true;
        out += `${JSON.stringify(elements[i])}:{`;
        open.push(elements[i]!);
        member.push(i === elements.length - 1);
        started.push(false);
      }
    }
    // A member without children is `{}`; one with them got its `.` as they began.
    for (let i = open.length; i > 0; i--) out += '}';
    return `${out}}`;
  }

  /** toFieldsV1 for any members (index elements `i:n`, or whatever a stored entry held): built, then sorted. */
  private toFieldsV1BySorting(): JSONObject {
    const root: JSONObject = {};
    const memberNodes = new Set<JSONObject>();
    // The order members are inserted in does not matter: sortKeys puts every level in order.
    for (const key of this.members) {
      let node = root;
      if (key !== '') {
        let start = 0;
        for (;;) {
          const end = key.indexOf(sep, start);
          const pe = end < 0 ? key.slice(start) : key.slice(start, end);
          let next = node[pe];
          if (!isObject(next)) node[pe] = next = {};
          node = next as JSONObject;
          if (end < 0) break;
          start = end + 1;
        }
      }
      memberNodes.add(node);
    }
    // A member with children says so with `.`; a childless member is just `{}`.
    for (const node of memberNodes) if (Object.keys(node).length > 0) node['.'] = {};
    return sortKeys(root);
  }

  static fromFieldsV1(fieldsV1: unknown): FieldSet {
    const out = new FieldSet();
    if (isObject(fieldsV1)) for (const k in fieldsV1) if (k !== '.') addFieldsV1(out.members, fieldsV1[k], k);
    return out;
  }
}

/** Adds the members of one fieldsV1 node at `key` (its joined path) and below. */
function addFieldsV1(members: Set<string>, node: unknown, key: string): void {
  if (!isObject(node)) return;
  let empty = true;
  for (const k in node) {
    empty = false;
    if (k !== '.') addFieldsV1(members, node[k], key + sep + k);
  }
  if (empty || '.' in node) members.add(key);
}

function sortKeys(node: JSONObject): JSONObject {
  const out: JSONObject = {};
  for (const k of Object.keys(node).sort(comparePathElements)) out[k] = sortKeys(node[k] as JSONObject);
  return out;
}

const rank: Record<string, number> = { '.': 0, f: 1, k: 2, v: 3, i: 4 };

function comparePathElements(a: string, b: string): number {
  const ra = rank[a === '.' ? '.' : a[0]!] ?? 5;
  const rb = rank[b === '.' ? '.' : b[0]!] ?? 5;
  if (ra !== rb) return ra - rb;
  if (a[0] === 'i' && b[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePaths(a: Path, b: Path): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = comparePathElements(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
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
  if (ignored.length === 0 || set.empty()) return set;
  const prefixes = ignored.map((p) => p.join(sep));
  const below = prefixes.map((pre) => pre + sep);
  const out: string[] = [];
  for (const k of set.keys()) {
    let drop = false;
    for (let i = 0; i < prefixes.length && !drop; i++) drop = k === prefixes[i] || k.startsWith(below[i]!);
    if (!drop) out.push(k);
  }
  return new FieldSet(out);
}

export const pathSeparator = sep;
