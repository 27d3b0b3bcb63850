// The value operations server-side apply needs besides field sets (structured-merge-diff's typed
// package): merge an applied configuration into the live object, compare two objects into
// added/modified/removed field sets, and remove a set of fields from an object.
import type { SchemaNode } from '../schema/node';
import { deepCopy, deepEqual, isObject, type JSONObject } from '../patch/jsonValue';
import { childSchema, comparePathElements, emptyFieldsV1, FieldSet, FieldSetBuilder, FieldSetError, isAtomicMap, itemMarker, itemPathElement, type ListRelationship, listRelationship, type Path, pathString, strippedMember, walkMembers } from './fieldSet';

/**
 * Merges `applied` into `live` (TypedValue.Merge): granular maps merge key by key, set and map
 * lists merge item by item keeping the applied order for shared items, and everything else
 * (scalars, atomic lists and maps) takes the applied value. Neither input is changed.
 */
export function mergeApplied(live: unknown, applied: unknown, node: SchemaNode | undefined): unknown {
  if (applied === undefined) return deepCopy(live);
  if (isObject(applied)) {
    if (!isObject(live) || isAtomicMap(node)) return deepCopy(applied);
    const out: JSONObject = deepCopy(live);
    for (const k of Object.keys(applied)) {
      const v = applied[k];
      if (v === null) delete out[k];
      else out[k] = mergeApplied(live[k], v, childSchema(node, k));
    }
    return out;
  }
  if (Array.isArray(applied)) {
    const rel = listRelationship(node);
    if (!Array.isArray(live) || rel.type === 'atomic') return deepCopy(applied);
    return mergeList(live, applied, node);
  }
  return applied;
}

/**
 * structured-merge-diff's list merge: walks both lists together; items in both are merged and
 * placed in the applied order, live-only items stay where they were relative to them, and
 * applied-only items are inserted where the applied list has them.
 */
function mergeList(lhs: unknown[], rhs: unknown[], node: SchemaNode | undefined): unknown[] {
  const rel = listRelationship(node);
  const itemNode = node?.items();
  const lPEs = lhs.map((item, i) => itemPathElement(rel, itemNode, item, i));
  const rPEs = rhs.map((item, i) => itemPathElement(rel, itemNode, item, i));
  const lByPE = new Map<string, unknown>();
  lPEs.forEach((pe, i) => lByPE.set(pe, lhs[i]));
  const rByPE = new Map<string, unknown>();
  rPEs.forEach((pe, i) => rByPE.set(pe, rhs[i]));
  const shared = rPEs.filter((pe) => lByPE.has(pe));
  let nextShared = 0;
  const merged = new Set<string>();
  const out: unknown[] = [];
  const item = (pe: string) => mergeApplied(lByPE.get(pe), rByPE.get(pe), itemNode);
  let l = 0;
  let r = 0;
  while (l < lPEs.length || r < rPEs.length) {
    if (l < lPEs.length && r < rPEs.length) {
      const pe = lPEs[l]!;
      if (pe === rPEs[r]) {
        merged.add(pe);
        out.push(item(pe));
        l++;
        r++;
        if (shared[nextShared] === pe) nextShared++;
        continue;
      }
      // A shared item out of turn waits for its place in the applied order.
      if (rByPE.has(pe) && nextShared < shared.length && shared[nextShared] !== pe) {
        l++;
        continue;
      }
    }
    if (l < lPEs.length) {
      const pe = lPEs[l]!;
      if (!rByPE.has(pe)) {
        out.push(deepCopy(lhs[l]));
        l++;
        continue;
      }
      if (merged.has(pe)) {
        l++;
        continue;
      }
    }
    if (r < rPEs.length) {
      const pe = rPEs[r]!;
      merged.add(pe);
      out.push(item(pe));
      r++;
      if (shared[nextShared] === pe) nextShared++;
    }
  }
  return out;
}

/** TypedValue.Compare: the member paths added, removed, and changed in value from `before` to `after`. */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

export function compare(before: unknown, after: unknown, node: SchemaNode | undefined): Comparison {
  const diff = new Diff();
  try {
    diff.position(before ?? absent, after ?? absent, node, false, undefined);
  } catch (e) {
    // A list the field sets cannot describe: the member-by-member comparison below fails on it
    // too, with the error (and message) of the first bad list on either side.
    if (!(e instanceof FieldSetError)) throw e;
    return compareByMembers(before, after, node);
  }
  return { added: diff.added.build(), modified: diff.modified.build(), removed: diff.removed.build() };
}

/**
 * What a create records for its manager, in one walk: the stored form (fieldsV1, stripped of the
 * fields every object has) of `compare({}, value).added` less the `ignored` subtrees, or undefined
 * when nothing is left. No set is built: each level's members are encoded as the walk leaves it.
 * Throws FieldSetError where compare would (a list item without its keys, a duplicate).
 */
export function createdFieldsV1(value: unknown, node: SchemaNode | undefined, ignored: readonly Path[]): JSONObject | undefined {
  if (value === undefined || value === null) return undefined;
  const encoded = new CreatedEncoder(ignored).position(value, node, false, undefined);
  return encoded === undefined || encoded === emptyFieldsV1 ? undefined : encoded;
}

class CreatedEncoder {
  private readonly path: string[] = [];
  private readonly deepestIgnored: number;

  constructor(private readonly ignored: readonly Path[]) {
    this.deepestIgnored = ignored.reduce((n, p) => Math.max(n, p.length), 0);
  }

  /**
   * The encoding of one position (and what is below it), or undefined when it holds no member.
   * Below an ignored path nothing is recorded (`record` false), but lists are still checked: the
   * diff this stands for fails on a bad list anywhere in the object.
   */
  position(v: unknown, node: SchemaNode | undefined, item: boolean, rel: ListRelationship | undefined, record = true): JSONObject | undefined {
    const path = this.path;
    const member = record && selfEntry(v, node, item, rel, path.length === 0) !== absent && !(path.length <= 2 && strippedMember(path));
    let entries: [string, JSONObject][] | undefined;
    // A set's items are leaves of their own: nothing below them.
    if (!(item && rel?.type === 'set')) {
      const kind = childKind(v, node);
      if (kind === 'fields') {
        const o = v as JSONObject;
        for (const k in o) {
          const child = o[k];
          if (child === undefined) continue;
          const fieldPe = fieldElement(k);
          path.push(fieldPe);
          const encoded = this.position(child, childSchema(node, k), false, undefined, record && !this.isIgnored());
          path.pop();
          if (encoded) (entries ??= []).push([fieldPe, encoded]);
        }
      } else if (kind === 'items') {
        const list = v as unknown[];
        const listRel = listRelationship(node);
        const itemNode = node?.items();
        const elements = itemElements(list, listRel, itemNode, path);
        for (let i = 0; i < list.length; i++) {
          const itemPe = elements[i]!;
          path.push(itemPe);
          const encoded = this.position(list[i], itemNode, true, listRel, record && !this.isIgnored());
          path.pop();
          if (encoded) (entries ??= []).push([itemPe, encoded]);
        }
      }
    }
    if (!entries) return member ? emptyFieldsV1 : undefined;
    for (let i = 1; i < entries.length; i++) {
      if (comparePathElements(entries[i - 1]![0], entries[i]![0]) > 0) {
        entries.sort((x, y) => comparePathElements(x[0], y[0]));
        break;
      }
    }
    const out: JSONObject = {};
    // A member with children says so with `.`; a childless member is just `{}`.
    if (member) out['.'] = emptyFieldsV1;
    for (const [k, encoded] of entries) out[k] = encoded;
    return Object.freeze(out);
  }

  /** Whether an ignored path ends at the current position: nothing at or below it is recorded. */
  private isIgnored(): boolean {
    if (this.path.length > this.deepestIgnored) return false;
    return this.ignored.some((p) => p.length === this.path.length && p.every((pe, i) => this.path[i] === pe));
  }
}

/**
 * The path element of each item of a list at `path`, with walkMembers' errors: an item the list's
 * keys cannot name, or two items with the same element.
 */
function itemElements(list: unknown[], rel: ListRelationship, itemNode: SchemaNode | undefined, path: Path): string[] {
  const elements: string[] = new Array(list.length);
  const seen = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    let pe: string;
    try {
      pe = itemPathElement(rel, itemNode, list[i], i);
    } catch (e) {
      if (e instanceof FieldSetError) throw new FieldSetError(`${pathString(path)}: ${e.message}`);
      throw e;
    }
    if (seen.has(pe)) throw new FieldSetError(`${pathString(path)}: duplicate entries for key ${pathString([pe])}`);
    seen.add(pe);
    elements[i] = pe;
  }
  return elements;
}

/** The same comparison from each side's full member list: what `Diff` must always agree with. */
export function compareByMembers(before: unknown, after: unknown, node: SchemaNode | undefined): Comparison {
  const old = leaves(before, node);
  const now = leaves(after, node);
  const added: string[] = [];
  const modified: string[] = [];
  const removed: string[] = [];
  for (const [k, v] of now) {
    if (!old.has(k)) added.push(k);
    else if (v !== itemMarker && !deepEqual(old.get(k), v)) modified.push(k);
  }
  for (const k of old.keys()) if (!now.has(k)) removed.push(k);
  return { added: new FieldSet(added), modified: new FieldSet(modified), removed: new FieldSet(removed) };
}

/**
 * A field's path element, `f:<name>`: made once per name and reused, since every write walks every
 * field of the object it stores. The cache holds the names most objects share; past its bound (a map
 * with ever new keys), elements are made as they are needed.
 */
const fieldElements = new Map<string, string>();
const fieldElementsBound = 20_000;
function fieldElement(name: string): string {
  let element = fieldElements.get(name);
  if (element === undefined) {
    element = `f:${name}`;
    if (fieldElements.size < fieldElementsBound) fieldElements.set(name, element);
  }
  return element;
}

/** A side of a comparison where the position does not exist. */
const absent = Symbol('absent');

/**
 * Compare as one walk over both objects at once: positions are matched field by field and list
 * item by list item, and only the member paths that differ are ever spelt out, so an update that
 * changes one label costs a walk of the object, not two member lists of it. It reports exactly
 * what comparing the two member lists of walkMembers (with containers) reports: a position's own
 * entry is its last visit there (a list item's marker, overridden by the item's own leaf or map
 * marker), and its children are its fields or list items. Every list of either side has its item
 * path elements computed and checked, so a FieldSetError is thrown exactly when walkMembers
 * would throw on either side.
 */
class Diff {
  readonly added = new FieldSetBuilder();
  readonly modified = new FieldSetBuilder();
  readonly removed = new FieldSetBuilder();
  /** The path elements down to the current position. */
  private readonly path: string[] = [];

  /**
   * One position on both sides (either may be `absent`): `item` is true for list items, whose own
   * entry is a marker unless the item itself is a leaf or a map; `rel` is the list's relationship.
   */
  position(a: unknown, b: unknown, node: SchemaNode | undefined, item: boolean, rel: ListRelationship | undefined): void {
    const root = this.path.length === 0;
    const aSelf = a === absent ? absent : selfEntry(a, node, item, rel, root);
    const bSelf = b === absent ? absent : selfEntry(b, node, item, rel, root);
    if (bSelf !== absent) {
      if (aSelf === absent) this.added.add(this.path);
      else if (bSelf !== itemMarker && !deepEqual(aSelf, bSelf)) this.modified.add(this.path);
    } else if (aSelf !== absent) {
      this.removed.add(this.path);
    }
    // A set's items are leaves of their own: nothing below them.
    if (item && rel?.type === 'set') return;
    if (a === b && a !== absent) {
      this.check(a, node);
      return;
    }
    const aKind = childKind(a, node);
    const bKind = childKind(b, node);
    if (aKind === 'fields' && bKind === 'fields') return this.fields(a as JSONObject, b as JSONObject, node);
    if (aKind === 'items' && bKind === 'items') return this.items(a as unknown[], b as unknown[], node);
    // Different shapes (or one side absent): every child of one side is there only.
    if (aKind === 'fields') this.fields(a as JSONObject, undefined, node);
    else if (aKind === 'items') this.items(a as unknown[], undefined, node);
    if (bKind === 'fields') this.fields(undefined, b as JSONObject, node);
    else if (bKind === 'items') this.items(undefined, b as unknown[], node);
  }

  private fields(a: JSONObject | undefined, b: JSONObject | undefined, node: SchemaNode | undefined): void {
    const path = this.path;
    // for…in rather than Object.keys: the walk visits every object of both sides on every write.
    if (a) {
      for (const k in a) {
        const av = a[k];
        if (av === undefined) continue;
        const bv = b && b[k] !== undefined ? b[k] : absent;
        path.push(fieldElement(k));
        this.position(av, bv, childSchema(node, k), false, undefined);
        path.pop();
      }
    }
    if (b) {
      for (const k in b) {
        const bv = b[k];
        if (bv === undefined || (a && a[k] !== undefined)) continue;
        path.push(fieldElement(k));
        this.position(absent, bv, childSchema(node, k), false, undefined);
        path.pop();
      }
    }
  }

  private items(a: unknown[] | undefined, b: unknown[] | undefined, node: SchemaNode | undefined): void {
    const rel = listRelationship(node);
    const itemNode = node?.items();
    const aItems = a ? this.itemsByElement(a, rel, itemNode) : undefined;
    const bItems = b ? this.itemsByElement(b, rel, itemNode) : undefined;
    const path = this.path;
    if (aItems) {
      for (const [pe, av] of aItems) {
        path.push(pe);
        this.position(av, bItems?.has(pe) ? bItems.get(pe) : absent, itemNode, true, rel);
        path.pop();
      }
    }
    if (bItems) {
      for (const [pe, bv] of bItems) {
        if (aItems?.has(pe)) continue;
        path.push(pe);
        this.position(absent, bv, itemNode, true, rel);
        path.pop();
      }
    }
  }

  /** A list's items by path element, with walkMembers' errors for a bad item or a duplicate. */
  private itemsByElement(list: unknown[], rel: ListRelationship, itemNode: SchemaNode | undefined): Map<string, unknown> {
    const out = new Map<string, unknown>();
    const elements = itemElements(list, rel, itemNode, this.path);
    for (let i = 0; i < list.length; i++) out.set(elements[i]!, list[i]);
    return out;
  }

  /** A subtree both sides share: nothing differs, but its lists are checked as walkMembers would. */
  private check(v: unknown, node: SchemaNode | undefined): void {
    const kind = childKind(v, node);
    if (kind === 'fields') {
      const o = v as JSONObject;
      for (const k in o) if (o[k] !== undefined) this.check(o[k], childSchema(node, k));
    } else if (kind === 'items') {
      const rel = listRelationship(node);
      const itemNode = node?.items();
      for (const item of this.itemsByElement(v as unknown[], rel, itemNode).values()) if (rel.type === 'map') this.check(item, itemNode);
    }
  }
}

/**
 * A position's own entry in walkMembers' member list (absent, the item marker, or the leaf value):
 * atomic lists and maps and scalars are leaves, granular lists and maps report a marker (not at
 * the root), structs report nothing; a list item reports a marker unless its own walk reports more.
 */
function selfEntry(v: unknown, node: SchemaNode | undefined, item: boolean, rel: ListRelationship | undefined, root: boolean): unknown {
  if (item && rel?.type !== 'map') return itemMarker;
  let own: unknown;
  if (Array.isArray(v)) own = listRelationship(node).type === 'atomic' ? v : root ? absent : itemMarker;
  else if (isObject(v)) own = isAtomicMap(node) ? v : !root && isGranularMap(node) ? itemMarker : absent;
  else own = root ? absent : v;
  return own === absent && item ? itemMarker : own;
}

/** Whether walkMembers reports an object under this schema as a map of its own (not a struct). */
function isGranularMap(node: SchemaNode | undefined): boolean {
  return !node || (node.additionalProperties() !== undefined && node.propertyNames().length === 0);
}

/** What walkMembers descends into at a position: an object's fields, a list's items, or nothing. */
function childKind(v: unknown, node: SchemaNode | undefined): 'fields' | 'items' | undefined {
  if (Array.isArray(v)) return listRelationship(node).type === 'atomic' ? undefined : 'items';
  if (isObject(v)) return isAtomicMap(node) ? undefined : 'fields';
  return undefined;
}

function leaves(value: unknown, node: SchemaNode | undefined): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (value !== undefined && value !== null) walkMembers(value, node, (k, v) => out.set(k, v), '', true);
  return out;
}

/**
 * TypedValue.RemoveItems: a copy of `value` without every member of `toRemove` (a removed field,
 * map entry or list item takes everything under it along).
 */
export function removeItems(value: unknown, toRemove: FieldSet, node: SchemaNode | undefined): unknown {
  if (toRemove.empty()) return deepCopy(value);
  // The walk follows the set down the object: only where some member lies below does it descend.
  const walk = (v: unknown, n: SchemaNode | undefined, below: FieldSet): unknown => {
    if (Array.isArray(v)) {
      const rel = listRelationship(n);
      if (rel.type === 'atomic') return deepCopy(v);
      const itemNode = n?.items();
      const out: unknown[] = [];
      v.forEach((item, i) => {
        const sub = below.child(itemPathElement(rel, itemNode, item, i));
        if (sub?.isMember) return;
        out.push(sub ? walk(item, itemNode, sub) : deepCopy(item));
      });
      return out;
    }
    if (isObject(v) && !isAtomicMap(n)) {
      const out: JSONObject = {};
      for (const k of Object.keys(v)) {
        const sub = below.child(fieldElement(k));
        if (sub?.isMember) continue;
        out[k] = sub ? walk(v[k], childSchema(n, k), sub) : deepCopy(v[k]);
      }
      return out;
    }
    return deepCopy(v);
  };
  return walk(value, node, toRemove);
}
