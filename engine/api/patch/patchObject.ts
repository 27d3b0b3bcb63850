// One entry for the API server's PATCH verb: picks JSON patch, JSON merge patch or strategic merge
// patch by the request's Content-Type, and answers the failures as kube-apiserver does (415 for a
// type the resource does not accept; strategic merge patch exists only for built-in kinds).
import { statusErrors } from '../errors';
import type { SchemaNode } from '../schema/node';
import { applyJSONPatch } from './jsonPatch';
import { isObject } from './jsonValue';
import { applyMergePatch } from './mergePatch';
import { strategicMergePatch, StrategicMergePatchError } from './strategicMergePatch';

export const jsonPatchType = 'application/json-patch+json';
export const mergePatchType = 'application/merge-patch+json';
export const strategicMergePatchType = 'application/strategic-merge-patch+json';
/** Server-side apply; handled by the field manager (../apply/fieldManager), not here. */
export const applyPatchType = 'application/apply-patch+yaml';

/** The patch types a resource accepts, in the order kube-apiserver lists them. */
export function supportedPatchTypes(builtIn: boolean): string[] {
  return builtIn ? [jsonPatchType, mergePatchType, strategicMergePatchType, applyPatchType] : [jsonPatchType, mergePatchType, applyPatchType];
}

export interface PatchOptions {
  /** The kind's root schema; strategic merge patch is driven by it. */
  schema: SchemaNode | undefined;
  /** Built-in kinds accept strategic merge patch; custom resources do not. */
  builtIn: boolean;
}

function decodeBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch (e) {
    throw statusErrors.badRequest(`error decoding patch: ${(e as Error).message}`);
  }
}

/** Applies a PATCH body of `contentType` to `live` and returns the patched copy. */
export function patchObject<T extends object>(live: T, contentType: string, body: unknown, opts: PatchOptions): T {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (!supportedPatchTypes(opts.builtIn).includes(type)) {
    throw statusErrors.unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${supportedPatchTypes(opts.builtIn).join(', ')}`);
  }
  // A caller bug, not a client one: apply goes through the field manager.
  if (type === applyPatchType) throw statusErrors.internal('apply patches are handled by the field manager');
  const patch = decodeBody(body);
  switch (type) {
    case jsonPatchType:
      return applyJSONPatch(live, patch);
    case mergePatchType:
      if (!isObject(patch)) throw statusErrors.badRequest('error decoding patch: a merge patch must be a JSON object');
      return applyMergePatch(live, patch) as T;
    default:
      if (!isObject(patch)) throw statusErrors.badRequest('invalid JSON document');
      try {
        return strategicMergePatch(live, patch, opts.schema);
      } catch (e) {
        if (e instanceof StrategicMergePatchError) throw e.statusError;
        throw e;
      }
  }
}

