// Strategic merge patch (`application/strategic-merge-patch+json`), driven by the schema's
// x-kubernetes-patch-strategy and x-kubernetes-patch-merge-key: lists of containers merge by name,
// `$patch`, `$retainKeys`, `$deleteFromPrimitiveList/…` and `$setElementOrder/…` directives, and the
// two- and three-way patch creation kubectl uses. Semantics follow apimachinery's
// pkg/util/strategicpatch; see the "Update API Objects in Place Using kubectl patch" task and the
// strategic-merge-patch.md design doc.
import { StatusError, statusErrors } from '../errors';
import type { SchemaNode } from '../schema/node';
import { deepCopy, deepEqual, goString, isObject, kindOf, type JSONKind, type JSONObject } from './jsonValue';

const directiveMarker = '$patch';
const deleteDirective = 'delete';
const replaceDirective = 'replace';
const mergeDirective = 'merge';
const retainKeysStrategy = 'retainKeys';
const retainKeysDirective = '$retainKeys';
const deleteFromPrimitiveListDirectivePrefix = '$deleteFromPrimitiveList';
const setElementOrderDirectivePrefix = '$setElementOrder';

/**
 * A strategic merge patch failure. `status` is what kube-apiserver answers: 400 for a malformed
 * directive, 422 for lists of lists, 500 (as Kubernetes does) for everything else.
 */
export class StrategicMergePatchError extends Error {
  constructor(message: string, readonly kind: 'BadRequest' | 'Invalid' | 'Internal' = 'Internal') {
    super(message);
    this.name = 'StrategicMergePatchError';
  }
  /** What kube-apiserver answers for this failure. */
  get statusError(): StatusError {
    switch (this.kind) {
      case 'BadRequest':
        return statusErrors.badRequest(this.message);
      case 'Invalid':
        return new StatusError({
          kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 422, reason: 'Invalid',
          message: 'the server rejected our request due to an error in our request',
          details: { causes: [{ reason: 'UnexpectedServerResponse', message: this.message }] },
        });
      default:
        return statusErrors.internal(this.message);
    }
  }
}

// apimachinery's mergepatch errors, with their exact texts.
const errBadPatchFormatForPrimitiveList = () => new StrategicMergePatchError('invalid patch format of primitive list', 'BadRequest');
const errBadPatchFormatForRetainKeys = () => new StrategicMergePatchError('invalid patch format of retainKeys', 'BadRequest');
const errBadPatchFormatForSetElementOrderList = () => new StrategicMergePatchError('invalid patch format of setElementOrder list', 'BadRequest');
const errPatchContentNotMatchRetainKeys = () => new StrategicMergePatchError('patch content doesn\'t match retainKeys list', 'Invalid');
const errNoListOfLists = () => new StrategicMergePatchError('lists of lists are not supported', 'Invalid');
const errNoMergeKey = (m: unknown, key: string) => new StrategicMergePatchError(`map: ${goString(m)} does not contain declared merge key: ${key}`);
const errBadPatchType = (t: unknown, m: unknown) => new StrategicMergePatchError(`unknown patch type: ${goString(t)} in map: ${goString(m)}`);
const errBadArgType = (expected: JSONKind, actual: unknown) =>
  new StrategicMergePatchError(`expected a ${goKind(expected)}, but received a ${goKind(kindOf(actual))}`);

function goKind(k: JSONKind): string {
  return { object: 'map', array: 'slice', string: 'string', number: 'float64', boolean: 'bool', null: '<nil>' }[k];
}

/** The patch metadata of one field: its schema, strategy (without retainKeys) and merge key. */
interface PatchMeta {
  node: SchemaNode | undefined;
  patchStrategy: string;
  retainKeys: boolean;
  mergeKey: string;
}

/** The schema of `key` inside `node`: a declared property, or the value schema of a map. */
function childSchema(node: SchemaNode | undefined, key: string): SchemaNode | undefined {
  if (!node) return undefined;
  return node.property(key) ?? node.additionalProperties();
}

function lookupPatchMeta(node: SchemaNode | undefined, key: string): PatchMeta {
  const child = childSchema(node, key);
  const strategies = child?.patchStrategy ? child.patchStrategy.split(',').map((s) => s.trim()).filter(Boolean) : [];
  let retainKeys = false;
  let patchStrategy = '';
  if (strategies.length > 2) throw new StrategicMergePatchError(`unexpected patch strategy: [${strategies.join(' ')}]`);
  for (const s of strategies) {
    if (s === retainKeysStrategy) retainKeys = true;
    else if (patchStrategy) throw new StrategicMergePatchError(`unexpected patch strategy: [${strategies.join(' ')}]`);
    else patchStrategy = s;
  }
  return { node: child, patchStrategy, retainKeys, mergeKey: child?.patchMergeKey ?? '' };
}

interface MergeOptions {
  /** Server side: `$deleteFromPrimitiveList` lists delete; client side (three-way) they are kept. */
  mergeParallelList: boolean;
  /** Server side: a null for a missing key is dropped; client side it is kept to send a deletion. */
  ignoreUnmatchedNulls: boolean;
}

/**
 * Applies a strategic merge patch to `original` under `schema` (the kind's root schema). Neither
 * argument is changed; the result is a new object.
 */
export function strategicMergePatch<T extends object>(original: T, patch: object, schema: SchemaNode | undefined): T {
  if (!isObject(patch)) throw new StrategicMergePatchError('invalid JSON document', 'BadRequest');
  return mergeMap(deepCopy((original ?? {}) as JSONObject), deepCopy(patch), schema, { mergeParallelList: true, ignoreUnmatchedNulls: true }) as T;
}

// ---- applying ----

function mergeMap(original: JSONObject | undefined, patch: JSONObject, node: SchemaNode | undefined, opts: MergeOptions): JSONObject {
  if (directiveMarker in patch) return handleDirectiveInMergeMap(patch[directiveMarker], patch);
  const out = original ?? {};
  applyRetainKeysDirective(out, patch, opts);
  mergePatchIntoOriginal(out, patch, node, opts);

  for (let key of Object.keys(patch)) {
    const patchV = patch[key];
    let isDeleteList = false;
    if (key.startsWith(deleteFromPrimitiveListDirectivePrefix)) {
      if (!opts.mergeParallelList) {
        out[key] = patchV;
        continue;
      }
      key = extractKey(key, deleteFromPrimitiveListDirectivePrefix);
      isDeleteList = true;
      // Deleting from a list the object does not have leaves nothing to do. (apimachinery would
      // store the deletion list itself as the field's value here.)
      if (!(key in out)) continue;
    }
    if (patchV === null) {
      delete out[key];
      if (opts.ignoreUnmatchedNulls) continue;
    }
    if (!(key in out)) {
      out[key] = patchV;
      continue;
    }
    const current = out[key];
    const kind = kindOf(current);
    if (kind !== kindOf(patchV)) {
      out[key] = patchV;
      continue;
    }
    const meta = lookupPatchMeta(node, key);
    if (kind === 'object') {
      out[key] = meta.patchStrategy === replaceDirective ? patchV : mergeMap(current as JSONObject, patchV as JSONObject, meta.node, opts);
    } else if (kind === 'array') {
      out[key] = meta.patchStrategy === mergeDirective
        ? mergeSlice(current as unknown[], patchV as unknown[], meta.node?.items(), meta.mergeKey, opts, isDeleteList)
        : patchV;
    } else {
      out[key] = patchV;
    }
  }
  return out;
}

function handleDirectiveInMergeMap(directive: unknown, patch: JSONObject): JSONObject {
  if (directive === replaceDirective) {
    delete patch[directiveMarker];
    return patch;
  }
  if (directive === deleteDirective) return {};
  throw errBadPatchType(directive, patch);
}

function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    if (prefix === deleteFromPrimitiveListDirectivePrefix) throw errBadPatchFormatForPrimitiveList();
    throw errBadPatchFormatForSetElementOrderList();
  }
  return s.slice(slash + 1);
}

/** `$retainKeys`: fields of `original` missing from the list are cleared (patchStrategy retainKeys). */
function applyRetainKeysDirective(original: JSONObject, patch: JSONObject, opts: MergeOptions): void {
  if (!(retainKeysDirective in patch)) return;
  const retainKeys = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!opts.mergeParallelList) {
    // `original` is itself a patch (three-way creation): carry the directive over.
    if (retainKeysDirective in original) {
      if (!deepEqual(original[retainKeysDirective], retainKeys)) {
        throw new StrategicMergePatchError(`${goString(original[retainKeysDirective])} and ${goString(retainKeys)} are not deep equal: this may happen when calculating the 3-way diff patch`);
      }
    } else {
      original[retainKeysDirective] = retainKeys;
    }
    return;
  }
  if (!Array.isArray(retainKeys)) throw errBadPatchFormatForRetainKeys();
  const keep = new Set(retainKeys);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(deleteFromPrimitiveListDirectivePrefix) || k.startsWith(setElementOrderDirectivePrefix)) continue;
    if (!keep.has(k)) throw errPatchContentNotMatchRetainKeys();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/**
 * `$setElementOrder/<list>`: merges the named list now and orders the result by the directive,
 * then the patch, then the live list (strategic-merge-patch preserve-order design).
 */
function mergePatchIntoOriginal(original: JSONObject, patch: JSONObject, node: SchemaNode | undefined, opts: MergeOptions): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(setElementOrderDirectivePrefix)) continue;
    const order = patch[key];
    if (!opts.mergeParallelList) {
      if (key in original) {
        if (!deepEqual(original[key], order)) throw errBadPatchFormatForSetElementOrderList();
      } else {
        original[key] = order;
      }
    }
    delete patch[key];
    if (!Array.isArray(order)) throw errBadArgType('array', order);
    const listKey = extractKey(key, setElementOrderDirectivePrefix);
    const foundOriginal = listKey in original;
    const foundPatch = listKey in patch;
    let originalList: unknown[] = [];
    let patchList: unknown[] = [];
    if (foundOriginal) {
      if (!Array.isArray(original[listKey])) throw errBadArgType('array', original[listKey]);
      originalList = original[listKey] as unknown[];
    }
    if (foundPatch) {
      if (!Array.isArray(patch[listKey])) throw errBadArgType('array', patch[listKey]);
      patchList = patch[listKey] as unknown[];
    }
    const meta = lookupPatchMeta(node, listKey);
    validatePatchWithSetOrderList(patchList, order, meta.mergeKey);

    let merged: unknown[];
    if (foundOriginal && !foundPatch) merged = originalList;
    else if (!foundOriginal && foundPatch) merged = patchList;
    else if (foundOriginal && foundPatch) {
      merged = meta.patchStrategy === mergeDirective
        ? mergeSlice(originalList, patchList, meta.node?.items(), meta.mergeKey, opts, false)
        : patchList;
    } else return;

    const [patchItems, serverOnly] = meta.mergeKey
      ? partitionMapsByPresentInList(merged, order, meta.mergeKey)
      : partitionPrimitivesByPresentInList(merged, order);
    const kind = sliceElementKind(originalList, patchList);
    original[listKey] = normalizeElementOrder(patchItems, serverOnly, order, originalList, meta.mergeKey, kind);
    delete patch[listKey];
  }
}

/** The items of the patch list must appear in the `$setElementOrder` list in the same relative order. */
function validatePatchWithSetOrderList(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? extractToDeleteItems(patchList)[0] : patchList;
  let p = 0;
  let o = 0;
  while (p < nonDelete.length && o < order.length) {
    if (isObject(nonDelete[p]) && directiveMarker in (nonDelete[p] as JSONObject)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(nonDelete[p], order[o], mergeKey)) p++;
    o++;
  }
  if (p < nonDelete.length && o >= order.length) {
    throw new StrategicMergePatchError(`The order in patch list:\n${goString(patchList)}\n doesn't match ${setElementOrderDirectivePrefix} list:\n${goString(order)}\n`);
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isObject(left)) throw errBadArgType('object', left);
  if (!isObject(right)) throw errBadArgType('object', right);
  if (!(mergeKey in left)) throw errNoMergeKey(left, mergeKey);
  if (!(mergeKey in right)) throw errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/** All elements of the lists share one JSON kind, which is not a list. */
function sliceElementKind(...lists: unknown[][]): JSONKind {
  let prev: JSONKind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = kindOf(v);
      if (prev === undefined) {
        if (k === 'array') throw errNoListOfLists();
        prev = k;
      } else if (prev !== k) {
        throw new StrategicMergePatchError(`list element types are not identical: ${goString(lists)}`);
      }
    }
  }
  if (prev === undefined) throw new StrategicMergePatchError('no elements in any of the given slices');
  return prev;
}

function mergeSlice(original: unknown[], patch: unknown[], itemNode: SchemaNode | undefined, mergeKey: string, opts: MergeOptions, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  let merged: unknown[];
  if (kind !== 'object') {
    if (opts.mergeParallelList && isDeleteList) return deleteFromSlice(original, patch);
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw new StrategicMergePatchError('cannot merge lists without merge key for type struct');
    [original, patch] = mergeSliceWithSpecialElements(original, patch, mergeKey);
    merged = mergeSliceWithoutSpecialElements(original, patch, mergeKey, itemNode, opts);
  }
  const [patchItems, serverOnly] = mergeKey
    ? partitionMapsByPresentInList(merged, patch, mergeKey)
    : partitionPrimitivesByPresentInList(merged, patch);
  return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
}

/** Handles list items carrying `$patch`: delete removes matching items, replace drops the live list. */
function mergeSliceWithSpecialElements(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let replace = false;
  let out = original;
  for (const v of patch) {
    const item = v as JSONObject;
    if (!(directiveMarker in item)) {
      plain.push(v);
      continue;
    }
    const directive = item[directiveMarker];
    if (directive === deleteDirective) {
      if (!(mergeKey in item)) throw errNoMergeKey(item, mergeKey);
      const value = item[mergeKey];
      out = out.filter((o) => !(isObject(o) && mergeKey in o && o[mergeKey] === value));
    } else if (directive === replaceDirective) {
      replace = true;
    } else if (directive === mergeDirective) {
      throw new StrategicMergePatchError('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(directive, item);
    }
  }
  return replace ? [plain, []] : [out, plain];
}

function mergeSliceWithoutSpecialElements(original: unknown[], patch: unknown[], mergeKey: string, itemNode: SchemaNode | undefined, opts: MergeOptions): unknown[] {
  const out = original.slice();
  for (const v of patch) {
    const item = v as JSONObject;
    if (!(mergeKey in item)) throw errNoMergeKey(item, mergeKey);
    const value = item[mergeKey];
    const at = findMapInSlice(out, mergeKey, value);
    if (at >= 0) out[at] = mergeMap(out[at] as JSONObject, item, itemNode, opts);
    else out.push(v);
  }
  return out;
}

function findMapInSlice(list: unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isObject(item)) throw new StrategicMergePatchError(`value for key ${i} is not a map.`);
    if (key in item && item[key] === value) return i;
  }
  return -1;
}

function deleteFromSlice(current: unknown[], toDelete: unknown[]): unknown[] {
  const drop = new Set(toDelete);
  return current.filter((v) => !drop.has(v));
}

/**
 * apimachinery's in-place deduplication: a duplicate is overwritten by the last element, so order
 * shifts exactly as it does there (the order is normalized afterwards anyway).
 */
function deduplicateScalars(s: unknown[]): unknown[] {
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

function partitionPrimitivesByPresentInList(list: unknown[], by: unknown[]): [unknown[], unknown[]] {
  const inPatch = new Set(by);
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) (inPatch.has(v) ? patch : serverOnly).push(v);
  return [patch, serverOnly];
}

function partitionMapsByPresentInList(list: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType('object', v);
    if (!(mergeKey in v)) throw errNoMergeKey(v, mergeKey);
    const found = by.some((b) => isObject(b) && mergeKey in b && b[mergeKey] === v[mergeKey]);
    (found ? patch : serverOnly).push(v);
  }
  return [patch, serverOnly];
}

/** The position of an item in `list`, by merge key value for maps and by value otherwise. */
function indexer(list: unknown[], mergeKey: string, kind: JSONKind): (item: unknown) => number {
  const val = kind === 'object' ? (item: unknown) => (isObject(item) ? item[mergeKey] : undefined) : (item: unknown) => item;
  const positions = new Map<unknown, number>();
  for (let i = list.length - 1; i >= 0; i--) positions.set(val(list[i]), i);
  return (item) => positions.get(val(item)) ?? -1;
}

function extractToDeleteItems(list: unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const del: unknown[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType('object', v);
    (v[directiveMarker] === deleteDirective ? del : keep).push(v);
  }
  return [keep, del];
}

/**
 * Sorts `toSort` by the positions in `order`. apimachinery's comparator answers "less" whenever
 * either item is absent from `order`; Go's stable sort is an insertion sort at these sizes, so the
 * same insertion sort reproduces its result exactly.
 */
function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: JSONKind): unknown[] {
  let items = toSort.slice();
  let toDelete: unknown[] = [];
  if (kind === 'object') {
    for (const list of [items, order]) {
      for (const v of list) {
        if (!isObject(v)) throw errBadArgType('object', v);
        if (!(mergeKey in v)) throw errNoMergeKey(v, mergeKey);
      }
    }
    [items, toDelete] = extractToDeleteItems(items);
  }
  const index = indexer(order, mergeKey, kind);
  const less = (a: unknown, b: unknown): boolean => {
    const ia = index(a);
    if (ia >= 0) {
      const ib = index(b);
      if (ib >= 0) return ia < ib;
    }
    return true;
  };
  for (let i = 1; i < items.length; i++) {
    for (let j = i; j > 0 && less(items[j], items[j - 1]); j--) {
      [items[j], items[j - 1]] = [items[j - 1], items[j]];
    }
  }
  return items.concat(toDelete);
}

/**
 * Interleaves the server-only items into the patch items. Where both are in the live list the live
 * order decides; otherwise the patch item comes first (which is why a container added by a patch
 * lands before the existing ones, as the kubectl patch task page shows).
 */
function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string, kind: JSONKind): unknown[] {
  const index = indexer(serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = index(left[i]);
      const ri = index(right[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function normalizeElementOrder(patch: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string, kind: JSONKind): unknown[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

// ---- creating ----

interface DiffOptions {
  setElementOrder: boolean;
  ignoreChangesAndAdditions: boolean;
  ignoreDeletions: boolean;
  buildRetainKeysDirective: boolean;
}

const defaultDiff: DiffOptions = { setElementOrder: false, ignoreChangesAndAdditions: false, ignoreDeletions: false, buildRetainKeysDirective: false };

/**
 * The strategic merge patch that turns `original` into `modified` (CreateTwoWayMergePatch):
 * deleted map fields become null, removed merge-list items `$patch: delete`, removed primitives a
 * `$deleteFromPrimitiveList`, and changed merge lists carry `$setElementOrder`.
 */
export function createTwoWayMergePatch(original: object, modified: object, schema: SchemaNode | undefined): JSONObject {
  return diffMaps(deepCopy((original ?? {}) as JSONObject), deepCopy((modified ?? {}) as JSONObject), schema, { ...defaultDiff, setElementOrder: true });
}

/**
 * kubectl apply's patch (CreateThreeWayMergePatch with overwrite): additions and changes from
 * `current` (the live object) to `modified` (the new configuration), plus the deletions from
 * `original` (the last-applied-configuration) to `modified`. Fields other writers set that were
 * never in the applied configuration are left alone.
 */
export function createThreeWayMergePatch(original: object | undefined, modified: object, current: object, schema: SchemaNode | undefined): JSONObject {
  const delta = diffMaps(deepCopy((current ?? {}) as JSONObject), deepCopy(modified as JSONObject), schema, { ...defaultDiff, ignoreDeletions: true, setElementOrder: true });
  const deletions = diffMaps(deepCopy((original ?? {}) as JSONObject), deepCopy(modified as JSONObject), schema, { ...defaultDiff, ignoreChangesAndAdditions: true, setElementOrder: true });
  return mergeMap(deletions, delta, schema, { mergeParallelList: false, ignoreUnmatchedNulls: false });
}

function diffMaps(original: JSONObject, modified: JSONObject, node: SchemaNode | undefined, opts: DiffOptions): JSONObject {
  const patch: JSONObject = {};
  const retainKeysList: string[] = [];
  for (const key of Object.keys(modified)) {
    const modifiedValue = modified[key];
    if (opts.buildRetainKeysDirective && modifiedValue !== null) retainKeysList.push(key);
    if (!(key in original)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    const originalValue = original[key];
    if (key === directiveMarker) {
      if (typeof originalValue !== 'string' || typeof modifiedValue !== 'string') {
        throw new StrategicMergePatchError(`invalid value for special key: ${directiveMarker}`);
      }
      if (originalValue !== modifiedValue) patch[key] = modifiedValue;
      continue;
    }
    const kind = kindOf(originalValue);
    if (kind !== kindOf(modifiedValue)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    if (kind === 'object') handleMapDiff(key, originalValue as JSONObject, modifiedValue as JSONObject, patch, node, opts);
    else if (kind === 'array') handleSliceDiff(key, originalValue as unknown[], modifiedValue as unknown[], patch, node, opts);
    else replacePatchFieldIfNotEqual(key, originalValue, modifiedValue, patch, opts);
  }
  if (!opts.ignoreDeletions) {
    for (const key of Object.keys(original)) if (!(key in modified)) patch[key] = null;
  }
  const hasAdditionalNewField = Object.keys(original).some((k) => original[k] !== null && !(k in modified));
  if (retainKeysList.length > 0 && (Object.keys(patch).length > 0 || hasAdditionalNewField)) {
    patch[retainKeysDirective] = sortScalars(retainKeysList);
  }
  return patch;
}

function handleMapDiff(key: string, original: JSONObject, modified: JSONObject, patch: JSONObject, node: SchemaNode | undefined, opts: DiffOptions): void {
  const meta = lookupPatchMeta(node, key);
  if (meta.patchStrategy === replaceDirective) {
    if (!opts.ignoreChangesAndAdditions) patch[key] = modified;
    return;
  }
  const value = diffMaps(original, modified, meta.node, { ...opts, buildRetainKeysDirective: meta.retainKeys });
  if (Object.keys(value).length > 0) patch[key] = value;
}

function handleSliceDiff(key: string, original: unknown[], modified: unknown[], patch: JSONObject, node: SchemaNode | undefined, opts: DiffOptions): void {
  const meta = lookupPatchMeta(node, key);
  if (meta.patchStrategy !== mergeDirective) {
    replacePatchFieldIfNotEqual(key, original, modified, patch, opts);
    return;
  }
  const [add, del, order] = diffLists(original, modified, meta.node?.items(), meta.mergeKey, { ...opts, buildRetainKeysDirective: meta.retainKeys });
  if (add.length > 0) patch[key] = add;
  if (del.length > 0) patch[`${deleteFromPrimitiveListDirectivePrefix}/${key}`] = del;
  if (order.length > 0) patch[`${setElementOrderDirectivePrefix}/${key}`] = order;
}

function replacePatchFieldIfNotEqual(key: string, original: unknown, modified: unknown, patch: JSONObject, opts: DiffOptions): void {
  if (opts.ignoreChangesAndAdditions || deepEqual(original, modified)) return;
  patch[key] = modified;
}

function diffLists(original: unknown[], modified: unknown[], itemNode: SchemaNode | undefined, mergeKey: string, opts: DiffOptions): [unknown[], unknown[], unknown[]] {
  if (original.length === 0) {
    if (modified.length === 0 || opts.ignoreChangesAndAdditions) return [[], [], []];
    return [modified, [], []];
  }
  const kind = sliceElementKind(original, modified);
  if (kind === 'object') {
    let [patchList, deleteList] = diffListsOfMaps(original, modified, itemNode, mergeKey, opts);
    patchList = normalizeSliceOrder(patchList, modified, mergeKey, kind);
    const orderSame = original.length === modified.length && modified.every((m, i) => mergeKeyValueEqual(original[i], m, mergeKey));
    patchList = patchList.concat(deleteList);
    let order: unknown[] = [];
    if (opts.setElementOrder && ((!opts.ignoreChangesAndAdditions && (patchList.length > 0 || !orderSame)) || (!opts.ignoreDeletions && patchList.length > 0))) {
      order = modified.map((m) => ({ [mergeKey]: (m as JSONObject)[mergeKey] }));
    }
    return [patchList, [], order];
  }
  const [add, del] = diffListsOfScalars(original, modified, opts);
  const patchList = normalizeSliceOrder(add, modified, mergeKey, kind);
  let order: unknown[] = [];
  if (opts.setElementOrder && ((!opts.ignoreDeletions && del.length > 0) || (!opts.ignoreChangesAndAdditions && !deepEqual(original, modified)))) {
    order = modified;
  }
  return [patchList, del, order];
}

/** Sorts scalars by their `%v` text, as apimachinery does before diffing them. */
function sortScalars<T>(s: T[]): T[] {
  return s.slice().sort((a, b) => {
    const x = goString(a);
    const y = goString(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function diffListsOfScalars(original: unknown[], modified: unknown[], opts: DiffOptions): [unknown[], unknown[]] {
  const o = sortScalars(original);
  const m = sortScalars(modified);
  const add: unknown[] = [];
  const del: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < o.length || j < m.length) {
    const os = i < o.length ? goString(o[i]) : undefined;
    const ms = j < m.length ? goString(m[j]) : undefined;
    if (os !== undefined && ms !== undefined && os === ms) {
      i++;
      j++;
    } else if (os === undefined || (ms !== undefined && os > ms)) {
      if (!opts.ignoreChangesAndAdditions) add.push(m[j]);
      j++;
    } else {
      if (!opts.ignoreDeletions) del.push(o[i]);
      i++;
    }
  }
  return [add, deduplicateScalars(del)];
}

function diffListsOfMaps(original: unknown[], modified: unknown[], itemNode: SchemaNode | undefined, mergeKey: string, opts: DiffOptions): [unknown[], unknown[]] {
  const byKey = (list: unknown[]) => {
    for (const v of list) {
      if (!isObject(v)) throw errBadArgType('object', v);
      if (!(mergeKey in v)) throw errNoMergeKey(v, mergeKey);
    }
    return (list as JSONObject[]).slice().sort((a, b) => {
      const x = goString(a[mergeKey]);
      const y = goString(b[mergeKey]);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  };
  const o = byKey(original);
  const m = byKey(modified);
  const patch: unknown[] = [];
  const deletions: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < o.length || j < m.length) {
    const os = i < o.length ? goString(o[i]![mergeKey]) : undefined;
    const ms = j < m.length ? goString(m[j]![mergeKey]) : undefined;
    if (os !== undefined && ms !== undefined && os === ms) {
      const value = diffMaps(o[i]!, m[j]!, itemNode, opts);
      if (Object.keys(value).length > 0) {
        value[mergeKey] = m[j]![mergeKey];
        patch.push(value);
      }
      i++;
      j++;
    } else if (os === undefined || (ms !== undefined && os > ms)) {
      if (!opts.ignoreChangesAndAdditions) patch.push(m[j]);
      j++;
    } else {
      if (!opts.ignoreDeletions) deletions.push({ [mergeKey]: o[i]![mergeKey], [directiveMarker]: deleteDirective });
      i++;
    }
  }
  return [patch, deletions];
}
