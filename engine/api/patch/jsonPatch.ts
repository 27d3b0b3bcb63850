// JSON Patch (RFC 6902) as the API server applies it for `application/json-patch+json`: the
// operations run on a copy of the object, and failures come back as Kubernetes reports them
// (400 for a malformed patch, 413 past 10,000 operations, 422 when an operation does not apply).
import { applyPatch, JsonPatchError, type Operation } from 'fast-json-patch';
import { StatusError, statusErrors } from '../errors';
import { deepCopy, isObject } from './jsonValue';

/** kube-apiserver's cap on the operations of one JSON patch (maxJSONPatchOperations). */
export const maxJSONPatchOperations = 10000;

const knownOps = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/**
 * Decodes a JSON patch document the way evanphx/json-patch's DecodePatch does: an array of
 * operation objects. Anything else is a 400 with the decoder's message.
 */
export function decodeJSONPatch(patch: unknown): Operation[] {
  if (typeof patch === 'string') {
    try {
      patch = JSON.parse(patch);
    } catch (e) {
      throw statusErrors.badRequest(`error decoding patch: ${(e as Error).message}`);
    }
  }
  if (!Array.isArray(patch)) throw statusErrors.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  for (const op of patch) {
    if (!isObject(op)) throw statusErrors.badRequest('json: cannot unmarshal non-object into Go value of type jsonpatch.Operation');
  }
  return patch as Operation[];
}

/**
 * Applies `patch` to a copy of `document` and returns the copy; `document` is never changed.
 * Every error is a StatusError shaped like kube-apiserver's.
 */
export function applyJSONPatch<T>(document: T, patch: unknown): T {
  const ops = decodeJSONPatch(patch);
  if (ops.length > maxJSONPatchOperations) {
    throw statusErrors.tooLarge(`The allowed maximum operations in a JSON patch is ${maxJSONPatchOperations}, got ${ops.length}`);
  }
  for (const op of ops) {
    if (!knownOps.has(op.op)) throw unprocessable(`Unexpected kind: ${String(op.op)}: unknown object type`);
  }
  const copy = deepCopy(document);
  // The values the patch adds are copied too, so the result shares nothing with the document or
  // the patch: the API server stores it without copying it once more.
  const owned = ops.map((op) => (op.op === 'add' || op.op === 'replace' ? { ...op, value: deepCopy(op.value) } : op));
  try {
    // validate=true makes fast-json-patch check each path against the document as it goes, which
    // is what turns "remove a missing key" into an error as in evanphx/json-patch.
    return applyPatch(copy, owned, true, true, true).newDocument as T;
  } catch (e) {
    if (e instanceof JsonPatchError) throw unprocessable(describe(e));
    throw e;
  }
}

/** evanphx/json-patch's wording for each failure, which Kubernetes passes through unchanged. */
function describe(e: JsonPatchError): string {
  const op = e.operation as Partial<Operation & { from: string }> | undefined;
  const path = op?.path ?? '';
  switch (e.name) {
    case 'TEST_OPERATION_FAILED':
      return `testing value ${path} failed: test failed`;
    case 'OPERATION_PATH_UNRESOLVABLE':
    case 'OPERATION_PATH_CANNOT_ADD':
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
      switch (op?.op) {
        case 'replace':
          return `replace operation does not apply: doc is missing key: ${path}: missing value`;
        case 'remove':
          return `remove operation does not apply: doc is missing path: "${path}": missing value`;
        case 'add':
          return `add operation does not apply: doc is missing path: "${path}": missing value`;
        case 'move':
        case 'copy':
          return `${op.op} operation does not apply: doc is missing from path: ${op.from ?? ''}: missing value`;
        case 'test':
          return `testing value ${path} failed: test failed`;
        default:
          return e.message;
      }
    case 'OPERATION_VALUE_REQUIRED':
      return `${op?.op ?? 'add'} operation, missing value: missing value`;
    case 'OPERATION_FROM_REQUIRED':
      return `${op?.op ?? 'move'} operation, missing from: missing value`;
    case 'OPERATION_PATH_INVALID':
      return `invalid path: ${String(path)}`;
    default:
      return e.message;
  }
}

/**
 * kube-apiserver turns a patch that does not apply into NewGenericServerResponse(422): reason
 * Invalid, a generic message, and the JSON patch library's error as the cause.
 */
function unprocessable(detail: string): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server rejected our request due to an error in our request',
    reason: 'Invalid',
    details: { causes: [{ reason: 'UnexpectedServerResponse', message: detail }] },
    code: 422,
  });
}
