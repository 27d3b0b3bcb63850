// JSON merge patch (RFC 7386), for `application/merge-patch+json`: objects merge key by key, null
// deletes, and every other value (lists included) replaces what was there.
import { deepCopy, deepEqual, isObject, type JSONObject } from './jsonValue';

/** Applies a merge patch; neither argument is changed. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return deepCopy(patch);
  const out: JSONObject = isObject(target) ? { ...target } : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}

/**
 * The merge patch that turns `original` into `modified` (evanphx/json-patch's CreateMergePatch):
 * removed keys become null, changed objects recurse, anything else changed is sent whole.
 */
export function createMergePatch(original: unknown, modified: unknown): unknown {
  if (!isObject(original) || !isObject(modified)) return deepCopy(modified);
  const patch: JSONObject = {};
  for (const key of Object.keys(original)) {
    if (!(key in modified)) patch[key] = null;
  }
  for (const key of Object.keys(modified)) {
    const before = original[key];
    const after = modified[key];
    if (!(key in original)) {
      patch[key] = deepCopy(after);
    } else if (isObject(before) && isObject(after)) {
      const sub = createMergePatch(before, after) as JSONObject;
      if (Object.keys(sub).length > 0) patch[key] = sub;
    } else if (!deepEqual(before, after)) {
      patch[key] = deepCopy(after);
    }
  }
  return patch;
}
