// What an HTTP request asks for, read from its path and query as k8s.io/apiserver's
// RequestInfoFactory reads it: /api/v1 or /apis/<group>/<version>, an optional namespace, then
// resource, name and subresource; the verb comes from the method and whether a name is given.
import { fieldError, statusErrors } from '../api/errors';
import type { DeleteOptions, FieldValidation, ListOptions, PatchOptions, PropagationPolicy, ResourceRef, WatchOptions } from '../apiserver/request';

export interface ResourceRequestInfo {
  /** get, list, watch, create, update, patch, delete, deletecollection. */
  verb: string;
  ref: ResourceRef;
}

/** Namespace subresources: /api/v1/namespaces/<name>/status is the namespace's, not a resource "status". */
const namespaceSubresources = new Set(['status', 'finalize']);

/**
 * The resource request a path names, or undefined when the path is not under /api or /apis
 * (discovery documents for a group or version are answered before this is asked).
 */
export function resourceRequestInfo(method: string, pathname: string, query: URLSearchParams): ResourceRequestInfo | undefined {
  const parts = pathname.split('/').filter((p) => p !== '');
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  try {
    rest = rest.map(decodeURIComponent);
  } catch {
    throw statusErrors.badRequest(`malformed escape in the request path ${JSON.stringify(pathname)}`);
  }
  // The old /watch/ prefix: a watch of whatever follows.
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !namespaceSubresources.has(rest[2]!)) rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length > 0) return undefined;
  // A namespace is cluster-scoped: /api/v1/namespaces/foo names the object, it is not "in" foo.
  if (group === '' && resource === 'namespaces') namespace = undefined;

  const ref: ResourceRef = {
    group,
    version,
    resource,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
  const isWatch = watchPrefix || (method === 'GET' && name === undefined && parseBool(query.get('watch')));
  let verb: string;
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = isWatch ? 'watch' : name === undefined ? 'list' : 'get';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name === undefined ? 'deletecollection' : 'delete';
      break;
    default:
      verb = method.toLowerCase();
  }
  if (watchPrefix && method !== 'GET') return undefined;
  return { verb, ref };
}

function parseBool(v: string | null): boolean {
  return v === 'true' || v === '1';
}

function parseInteger(query: URLSearchParams, key: string): number | undefined {
  const v = query.get(key);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw statusErrors.badRequest(`invalid value for ${key}: ${JSON.stringify(v)}: must be an integer`);
  return Number(v);
}

export function listOptions(query: URLSearchParams): ListOptions {
  const o: ListOptions = {};
  const labelSelector = query.get('labelSelector');
  if (labelSelector) o.labelSelector = labelSelector;
  const fieldSelector = query.get('fieldSelector');
  if (fieldSelector) o.fieldSelector = fieldSelector;
  const limit = parseInteger(query, 'limit');
  if (limit !== undefined) o.limit = limit;
  const cont = query.get('continue');
  if (cont) o.continue = cont;
  const rv = query.get('resourceVersion');
  if (rv !== null && rv !== '') o.resourceVersion = rv;
  const match = query.get('resourceVersionMatch');
  if (match) {
    if (match !== 'NotOlderThan' && match !== 'Exact') {
      throw statusErrors.invalid('ListOptions', 'meta.k8s.io', '', [fieldError.notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan'])]);
    }
    o.resourceVersionMatch = match;
  }
  return o;
}

export function watchOptions(query: URLSearchParams): WatchOptions {
  const o: WatchOptions = listOptions(query);
  if (parseBool(query.get('allowWatchBookmarks'))) o.allowWatchBookmarks = true;
  if (parseBool(query.get('sendInitialEvents'))) o.sendInitialEvents = true;
  const timeout = parseInteger(query, 'timeoutSeconds');
  if (timeout !== undefined) o.timeoutSeconds = timeout;
  return o;
}

/** dryRun accepts only "All" (metav1.DryRunAll), as kube-apiserver validates it. */
function dryRun(query: URLSearchParams, kind: string): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) {
    if (v !== 'All') throw statusErrors.invalid(kind, 'meta.k8s.io', '', [fieldError.notSupported('dryRun', v, ['All'])]);
  }
  return values.length > 0;
}

function fieldValidation(query: URLSearchParams): FieldValidation | undefined {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return undefined;
  if (v !== 'Strict' && v !== 'Warn' && v !== 'Ignore') throw statusErrors.badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got ${JSON.stringify(v)}`);
  return v;
}

export function writeOptions(query: URLSearchParams, kind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions'): PatchOptions {
  const o: PatchOptions = {};
  if (dryRun(query, kind)) o.dryRun = true;
  const manager = query.get('fieldManager');
  if (manager) {
    if (manager.length > 128) throw statusErrors.invalid(kind, 'meta.k8s.io', '', [fieldError.tooLong('fieldManager', manager, 128)]);
    o.fieldManager = manager;
  }
  const validation = fieldValidation(query);
  if (validation) o.fieldValidation = validation;
  const force = query.get('force');
  if (force !== null) o.force = parseBool(force);
  return o;
}

/** DeleteOptions from the body (if any) with the query's parameters over it, as kube-apiserver merges them. */
export function deleteOptions(query: URLSearchParams, body: unknown): DeleteOptions {
  const o: DeleteOptions = {};
  if (body !== undefined && body !== null) {
    if (typeof body !== 'object' || Array.isArray(body)) throw statusErrors.badRequest('the body of a DELETE request must be a DeleteOptions object');
    const b = body as Record<string, unknown>;
    if (b.kind !== undefined && b.kind !== 'DeleteOptions') throw statusErrors.badRequest(`no kind "${String(b.kind)}" is registered for DELETE bodies: expected DeleteOptions`);
    if (typeof b.gracePeriodSeconds === 'number') o.gracePeriodSeconds = b.gracePeriodSeconds;
    if (typeof b.propagationPolicy === 'string') o.propagationPolicy = b.propagationPolicy as PropagationPolicy;
    if (b.orphanDependents === true && !o.propagationPolicy) o.propagationPolicy = 'Orphan';
    if (b.preconditions && typeof b.preconditions === 'object') o.preconditions = b.preconditions as DeleteOptions['preconditions'];
    if (Array.isArray(b.dryRun) && b.dryRun.length) {
      for (const v of b.dryRun) if (v !== 'All') throw statusErrors.invalid('DeleteOptions', 'meta.k8s.io', '', [fieldError.notSupported('dryRun', v, ['All'])]);
      o.dryRun = true;
    }
  }
  const grace = parseInteger(query, 'gracePeriodSeconds');
  if (grace !== undefined) o.gracePeriodSeconds = grace;
  const policy = query.get('propagationPolicy');
  if (policy) o.propagationPolicy = policy as PropagationPolicy;
  if (query.get('orphanDependents') === 'true' && !o.propagationPolicy) o.propagationPolicy = 'Orphan';
  if (dryRun(query, 'DeleteOptions')) o.dryRun = true;
  if (o.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(o.propagationPolicy)) {
    throw statusErrors.invalid('DeleteOptions', 'meta.k8s.io', '', [fieldError.notSupported('propagationPolicy', o.propagationPolicy, ['Foreground', 'Background', 'Orphan', 'nil'])]);
  }
  if (o.gracePeriodSeconds !== undefined && o.gracePeriodSeconds < 0) o.gracePeriodSeconds = 1;
  return o;
}
