// The in-process client: what the cluster's components, the CLI and the extension call. It is bound
// to one authenticated user and goes through exactly the same ApiServer verbs as the REST API, so
// authorization, admission and auditing apply to every caller alike.
import { statusErrors, type StatusError } from '../api/errors';
import { type KindInfo, kinds, parseAPIVersion } from '../api/kinds/index';
import type { KubeObject, ListerWatcher, ListResult } from '../client/types';
import type { ApiServer, ApiWatchEvent } from './apiserver';
import type { UserInfo } from './auth/user';
import type { Obj } from './registry/strategy';
import type { DeleteOptions, ListOptions, PatchOptions, PatchType, RequestContext, ResourceRef, Result, WatchOptions, WriteOptions } from './request';

/** A resource in a client call: `{ group: 'apps', version: 'v1', resource: 'deployments' }`. */
export type ResourceType = Pick<ResourceRef, 'group' | 'version' | 'resource'>;

export class ApiClient {
  private readonly ctx: RequestContext;

  constructor(private readonly server: ApiServer, user: UserInfo, userAgent = 'kubeside') {
    this.ctx = { user, userAgent };
  }

  /** The resource type of a built-in object from its apiVersion and kind (custom kinds: ApiServer.resourceFor). */
  static resourceOf(obj: { apiVersion?: string; kind?: string }): ResourceType {
    const info = obj.apiVersion && obj.kind ? kinds().lookup(obj.apiVersion, obj.kind) : undefined;
    if (!info) throw statusErrors.badRequest(`no matches for kind ${JSON.stringify(obj.kind)} in version ${JSON.stringify(obj.apiVersion)}`);
    const { group, version } = parseAPIVersion(obj.apiVersion!);
    return { group, version, resource: info.plural };
  }

  get user(): UserInfo {
    return this.ctx.user;
  }

  get(type: ResourceType, namespace: string | undefined, name: string, subresource?: string): Obj {
    return this.server.get(this.ctx, refOf(type, namespace, name, subresource));
  }

  /** Like get, but undefined instead of a 404. */
  tryGet(type: ResourceType, namespace: string | undefined, name: string): Obj | undefined {
    try {
      return this.get(type, namespace, name);
    } catch (err) {
      if ((err as StatusError).code === 404) return undefined;
      throw err;
    }
  }

  list(type: ResourceType, namespace?: string, options: ListOptions = {}): Obj {
    return this.server.list(this.ctx, refOf(type, namespace), options);
  }

  watch(type: ResourceType, namespace: string | undefined, options: WatchOptions, onEvent: (e: ApiWatchEvent) => void, onClose?: (err?: StatusError) => void) {
    return this.server.watch(this.ctx, refOf(type, namespace), options, onEvent, onClose);
  }

  create(type: ResourceType, namespace: string | undefined, obj: Obj, options: WriteOptions = {}, subresource?: { name: string; subresource: string }): Promise<Result<Obj>> {
    return this.server.create(this.ctx, refOf(type, namespace, subresource?.name, subresource?.subresource), obj, options);
  }

  /** serviceaccounts/<name>/token: a TokenRequest, answered at once (a signature, nothing stored). */
  requestToken(namespace: string, serviceAccount: string, request: Obj): Obj {
    return this.server.requestToken(this.ctx, { group: '', version: 'v1', resource: 'serviceaccounts', namespace, name: serviceAccount, subresource: 'token' }, request);
  }

  update(type: ResourceType, namespace: string | undefined, obj: Obj, options: WriteOptions = {}, subresource?: string): Promise<Result<Obj>> {
    return this.server.update(this.ctx, refOf(type, namespace, obj.metadata?.name, subresource), obj, options);
  }

  patch(type: ResourceType, namespace: string | undefined, name: string, patchType: PatchType, patch: unknown, options: PatchOptions = {}, subresource?: string): Promise<Result<Obj>> {
    return this.server.patch(this.ctx, refOf(type, namespace, name, subresource), patchType, patch, options);
  }

  delete(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<Result<Obj>> {
    return this.server.delete(this.ctx, refOf(type, namespace, name), options);
  }

  /** The kinds the server serves now, built-in and from CRDs: discovery, as controllers that act on every kind use it. */
  discover(): KindInfo[] {
    return this.server.resources();
  }

  /** The resource an apiVersion and kind are served as (built-in or custom), or undefined. */
  resourceFor(apiVersion: string, kind: string): (ResourceType & { namespaced: boolean }) | undefined {
    return this.server.resourceFor(apiVersion, kind);
  }

  /** Server-side apply of a whole object, as `kubectl apply --server-side` does. */
  apply(obj: Obj, fieldManager: string, options: { force?: boolean; dryRun?: boolean } = {}): Promise<Result<Obj>> {
    const served = obj.apiVersion && obj.kind ? this.server.resourceFor(obj.apiVersion, obj.kind) : undefined;
    if (!served) throw statusErrors.badRequest(`no matches for kind ${JSON.stringify(obj.kind)} in version ${JSON.stringify(obj.apiVersion)}`);
    const type = { group: served.group, version: served.version, resource: served.resource };
    return this.patch(type, obj.metadata?.namespace, obj.metadata?.name, 'apply', obj, { fieldManager, ...options });
  }

  /**
   * A list+watch source for an informer over one resource (optionally one namespace). The cluster's
   * own components ask for objects without managedFields (`trimManagedFields`), as Kubernetes' do.
   */
  listerWatcher<T extends KubeObject = Obj>(type: ResourceType, namespace?: string, options: Pick<ListOptions, 'labelSelector' | 'fieldSelector' | 'trimManagedFields'> = {}): ListerWatcher<T> {
    return {
      list: async (o) => {
        // The spread comes after the first member: see refOf.
        const list = this.list(type, namespace, o.resourceVersion ? { resourceVersion: o.resourceVersion, ...options } : options);
        return { items: list.items as T[], resourceVersion: list.metadata.resourceVersion } satisfies ListResult<T>;
      },
      watch: (o, onEvent, onClose) => {
        try {
          return this.watch(type, namespace, { resourceVersion: o.resourceVersion, allowWatchBookmarks: o.allowWatchBookmarks ?? false, ...options }, (e) => onEvent(e as never), onClose);
        } catch (err) {
          queueMicrotask(() => onClose(err as Error));
          return { stop() {} };
        }
      },
    };
  }
}

/**
 * A request's resource: its type, then the namespace, name and subresource it has, set one by one.
 * Not a literal spreading `type` first: V8 (Node 20) gives an object that starts with a spread and
 * then gains keys the spread object lacks a hidden class of its own, a microsecond each time, and
 * this is made for every request a component sends.
 */
function refOf(type: ResourceType, namespace: string | undefined, name?: string, subresource?: string): ResourceRef {
  const ref: { -readonly [K in keyof ResourceRef]: ResourceRef[K] } = { group: type.group, version: type.version, resource: type.resource };
  if (namespace) ref.namespace = namespace;
  if (name !== undefined) ref.name = name;
  if (subresource) ref.subresource = subresource;
  return ref;
}
