// The value operations server-side apply needs besides field sets (structured-merge-diff's typed
// package): merge an applied configuration into the live object, compare two objects into
// added/modified/removed field sets, and remove a set of fields from an object.
import type { SchemaNode } from '../schema/node';
import { deepCopy, deepEqual, isObject, type JSONObject } from '../patch/jsonValue';
import { childSchema, FieldSet, isAtomicMap, itemMarker, itemPathElement, listRelationship, pathSeparator, walkMembers } from './fieldSet';

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
  // Every proper prefix of a path to remove, so the walk only descends where something goes.
  const prefixes = new Set<string>();
  for (const p of toRemove.paths()) for (let i = 1; i < p.length; i++) prefixes.add(p.slice(0, i).join(pathSeparator));
  const walk = (v: unknown, n: SchemaNode | undefined, prefix: string): unknown => {
    const join = (pe: string) => (prefix === '' ? pe : prefix + pathSeparator + pe);
    if (Array.isArray(v)) {
      const rel = listRelationship(n);
      if (rel.type === 'atomic') return deepCopy(v);
      const itemNode = n?.items();
      const out: unknown[] = [];
      v.forEach((item, i) => {
        const key = join(itemPathElement(rel, itemNode, item, i));
        if (toRemove.hasKey(key)) return;
        out.push(prefixes.has(key) ? walk(item, itemNode, key) : deepCopy(item));
      });
      return out;
    }
    if (isObject(v) && !isAtomicMap(n)) {
      const out: JSONObject = {};
      for (const k of Object.keys(v)) {
        const key = join(`f:${k}`);
        if (toRemove.hasKey(key)) continue;
        out[k] = prefixes.has(key) ? walk(v[k], childSchema(n, k), key) : deepCopy(v[k]);
      }
      return out;
    }
    return deepCopy(v);
  };
  return walk(value, node, '');
}
