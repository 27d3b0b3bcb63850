// The REST API's request handler: turns each HTTP request into one call of the in-process ApiServer
// (no second code path) and its result or metav1.Status error back into HTTP, with kube-apiserver's
// URL layout, query parameters, content negotiation (JSON, Table, PartialObjectMetadata), watch
// streams, discovery and OpenAPI. Bad input is answered with a Status and never stops the server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TLSSocket } from 'node:tls';
import { parse as parseYaml } from 'yaml';
import { StatusError, statusErrors } from '../api/errors';
import { kinds } from '../api/kinds/index';
import { parseCertificate } from '../api/validation/go/x509';
import type { ApiServer, ApiWatch, ApiWatchEvent } from '../apiserver/apiserver';
import { groups, type UserInfo } from '../apiserver/auth/user';
import type { Obj } from '../apiserver/registry/strategy';
import { patchContentTypes, type RequestContext, type ResourceRef, type Result } from '../apiserver/request';
import type { Clock } from '../util/clock';
import type { Random } from '../util/random';
import { extKeyUsageOIDs } from '../util/x509';
import { Discovery, virtualResources } from './discovery';
import { type CustomKindSchema, OpenAPIDocuments } from './openapi';
import { PodStreams } from './podStreams';
import { decodeProtobuf } from './protobuf';
import { deleteOptions, listOptions, resourceRequestInfo, watchOptions, writeOptions } from './requestInfo';
import type { RequestBody } from '../cluster/request';
import { serveServiceRequest, serviceRequestPath, type ServiceRequestSource } from './serviceRequest';
import { serveSnapshot, snapshotPath, type SnapshotSource } from './snapshot';

/** The API server's audit log (audit.k8s.io/v1 Events, oldest first), for admins: `kubeside audit`. */
export const auditPath = '/kubeside/v1/audit';
import { customResourcePrinter, type IncludeObject, type Printer, toTable } from './table';

/** kube-apiserver's limit on request bodies (--max-request-bytes for the REST layer: 3 MiB). */
export const maxRequestBodyBytes = 3 * 1024 * 1024;
/** A watcher whose unsent events pile up beyond this is too slow: its connection is closed, as kube-apiserver drops it. */
const maxWatchBacklogBytes = 16 * 1024 * 1024;
/** kube-apiserver's --min-request-timeout: a watch without timeoutSeconds lasts between this and twice this. */
const minRequestTimeoutSeconds = 1800;

export const gitVersion = 'v1.36.0-kubeside';

export interface RestHandlerOptions {
  server: ApiServer;
  clock: Clock;
  random: Random;
  /** `host:port` clients reach the server at, for /api's serverAddressByClientCIDRs. */
  serverAddress: () => string;
  /** Called with errors that are not the client's fault (a 500), for logging. */
  onInternalError?: (err: unknown, req: IncomingMessage) => void;
  /** The store behind the API server, for `GET /kubeside/v1/snapshot`; without it that path is 404. */
  snapshots?: SnapshotSource;
  /** The cluster, for `POST /kubeside/v1/request` (simulated requests through its network); without it that path is 404. */
  requests?: ServiceRequestSource;
}

type Json = Record<string, unknown>;

interface MediaType {
  type: string;
  params: Record<string, string>;
}

function parseAccept(header: string | undefined): MediaType[] {
  if (!header) return [];
  return header.split(',').map((part) => {
    const [type = '', ...rest] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), params };
  });
}

/** What the client asked an object or list to be rendered as. */
type Rendering = { as: 'object' } | { as: 'Table'; version: string } | { as: 'PartialObjectMetadata' };

function rendering(accept: MediaType[]): Rendering {
  for (const m of accept) {
    if (m.type !== 'application/json' && m.type !== '*/*' && m.type !== 'application/*') continue;
    const as = m.params.as;
    if (!as) return { as: 'object' };
    if (m.params.g !== 'meta.k8s.io' || (m.params.v !== 'v1' && m.params.v !== 'v1beta1')) continue;
    if (as === 'Table') return { as: 'Table', version: m.params.v };
    // The list form or the single one follows the request (a list or a get), whichever was named.
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { as: 'PartialObjectMetadata' };
  }
  // Protobuf and anything else: JSON is what this server speaks, and clients decode by Content-Type.
  return { as: 'object' };
}

/** authentication/v1 UserInfo of a user, as SelfSubjectReview and TokenReview report it. */
function userInfoOf(user: UserInfo): Obj {
  return { username: user.name, ...(user.uid ? { uid: user.uid } : {}), groups: [...user.groups], ...(user.extra && Object.keys(user.extra).length ? { extra: user.extra } : {}) };
}

/** The protobuf media types kube-openapi serves /openapi/v2 as (client-go asks for the first). */
const openAPIV2ProtoTypes = ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf'];

/**
 * The Content-Type to answer /openapi/v2 in protobuf with, when the client lists a protobuf type
 * before JSON; else undefined (JSON). The answer names the second form: Go's mime parser, which
 * client-go runs on every response's Content-Type, refuses the `@` of the first.
 */
function openAPIV2Rendering(accept: MediaType[]): string | undefined {
  for (const m of accept) {
    if (openAPIV2ProtoTypes.includes(m.type)) return openAPIV2ProtoTypes[1];
    if (m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*') return undefined;
  }
  return undefined;
}

const aggregatedDiscoveryType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

function wantsAggregatedDiscovery(accept: MediaType[]): boolean {
  for (const m of accept) {
    if (m.type === 'application/json' && m.params.as === 'APIGroupDiscoveryList' && m.params.g === 'apidiscovery.k8s.io' && m.params.v === 'v2') return true;
    // The client prefers a plain document if it lists that first.
    if ((m.type === 'application/json' || m.type === '*/*') && !m.params.as) return false;
  }
  return false;
}

/** An RFC 7234 warn-text: quoted, with quotes and backslashes escaped and no bytes a header cannot carry. */
function warningHeader(text: string): string {
  const safe = text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, '?');
  return `299 - "${safe}"`;
}

const apiServerUser: UserInfo = { name: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };

const notFoundStatus = () =>
  new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });

class BodyTooLarge extends Error {}

export class RestHandler {
  private readonly server: ApiServer;
  /** Discovery and OpenAPI of the resources served now: rebuilt when CRDs add or remove some. */
  private served?: { signature: string; discovery: Discovery; openapi: OpenAPIDocuments };
  /** Open watch streams, so closing the server can end them. */
  private readonly watches = new Set<ApiWatch>();
  /** exec, attach and port-forward connections. */
  private readonly podStreams: PodStreams;

  constructor(private readonly options: RestHandlerOptions) {
    this.server = options.server;
    this.podStreams = new PodStreams({
      server: options.server,
      identify: (req) => this.impersonate(req, this.authenticate(req)),
      ...(options.onInternalError ? { onInternalError: options.onInternalError } : {}),
    });
  }

  /** node:http's 'upgrade' listener: pods/exec, pods/attach and pods/portforward. */
  get handleUpgrade(): PodStreams['handleUpgrade'] {
    return this.podStreams.handleUpgrade;
  }

  /** Ends every exec, attach and port-forward connection (on shutdown). */
  closePodStreams(): void {
    this.podStreams.closeAll();
  }

  private documents(): { discovery: Discovery; openapi: OpenAPIDocuments } {
    const resources = this.server.resources();
    const signature = resources.map((r) => `${r.group}/${r.version}/${r.plural}/${r.kind}/${r.namespaced}/${r.verbs}/${r.subresources}/${r.shortNames}/${r.categories ?? ''}`).join(';');
    if (this.served?.signature !== signature) {
      const discovery = new Discovery(resources);
      this.served = { signature, discovery, openapi: new OpenAPIDocuments(discovery, gitVersion, (group, version) => this.customKindSchemas(group, version)) };
    }
    return this.served;
  }

  /** How many watch streams are open (each holds an ApiServer watch until its client goes). */
  get openWatches(): number {
    return this.watches.size;
  }

  /** Ends every open watch stream (on shutdown). */
  stopWatches(): void {
    for (const w of [...this.watches]) w.stop();
  }

  /** node:http's request listener. Never throws: every failure becomes a Status response. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.serve(req, res).catch((err) => this.fail(req, res, err));
  };

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'https://localhost');
    } catch {
      throw statusErrors.badRequest(`malformed request URI: ${JSON.stringify(req.url)}`);
    }
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const method = req.method ?? 'GET';
    const user = this.impersonate(req, this.authenticate(req));
    const accept = parseAccept(req.headers.accept);

    // ---- non-resource paths ----
    if (path === '/version') return this.sendJson(req, res, 200, this.version());
    const health = /^\/(healthz|livez|readyz)(?:\/([^/]+))?$/.exec(path);
    if (health) return this.health(req, res, health[1]!, health[2], url.searchParams.has('verbose'));
    if (!user) throw statusErrors.unauthorized();
    if (path === snapshotPath) {
      if (!this.options.snapshots) throw notFoundStatus();
      return serveSnapshot(this.options.snapshots, user, req, res);
    }
    if (path === '/.well-known/openid-configuration' || path === '/openid/v1/jwks') {
      // Service account issuer discovery: system:service-account-issuer-discovery binds it to every
      // service account; admins may read anything.
      if (!user.groups.includes(groups.serviceAccounts) && !user.groups.includes(groups.masters)) {
        throw statusErrors.forbidden(`forbidden: User ${JSON.stringify(user.name)} cannot get path ${JSON.stringify(path)}`);
      }
      const signer = this.server.serviceAccountTokens;
      if (path === '/openid/v1/jwks') return this.sendRaw(req, res, 200, JSON.stringify(signer.jwks()), 'application/jwk-set+json');
      return this.sendJson(req, res, 200, {
        issuer: signer.issuer,
        jwks_uri: `https://${this.options.serverAddress()}/openid/v1/jwks`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
      });
    }
    if (path === serviceRequestPath) {
      if (!this.options.requests) throw notFoundStatus();
      const body = method === 'POST' ? await this.readObject(req) : {};
      return this.sendJson(req, res, 200, serveServiceRequest(this.options.requests, user, method, body));
    }
    if (path === auditPath) {
      // The audit log records what everyone did, so only an admin reads it (as with snapshots, the
      // ApiServer authorizes resources only: system:masters is what cluster-admin's nonResourceURLs binds).
      if (req.method !== 'GET') throw statusErrors.methodNotAllowed('the server does not allow this method on the requested resource');
      if (!user.groups.includes(groups.masters)) throw statusErrors.forbidden(`forbidden: User ${JSON.stringify(user.name)} cannot get path ${JSON.stringify(auditPath)}`);
      return this.sendJson(req, res, 200, { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: this.server.audit.events() });
    }
    if (path === '/api' || path === '/apis') {
      const legacy = path === '/api';
      const { discovery } = this.documents();
      if (wantsAggregatedDiscovery(accept)) return this.sendJson(req, res, 200, discovery.aggregated(legacy), aggregatedDiscoveryType);
      return this.sendJson(req, res, 200, legacy ? discovery.apiVersions(this.options.serverAddress()) : discovery.apiGroupList());
    }
    if (path === '/openapi/v2') {
      const { openapi } = this.documents();
      const proto = openAPIV2Rendering(accept);
      if (proto) return this.sendRaw(req, res, 200, openapi.documentV2Proto(), proto);
      return this.sendRaw(req, res, 200, openapi.documentV2(), 'application/json');
    }
    if (path === '/openapi/v3') return this.sendJson(req, res, 200, this.documents().openapi.root());
    const v3 = /^\/openapi\/v3\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (v3) {
      const { openapi } = this.documents();
      const doc = v3[1] ? openapi.documentV3('', v3[1]) : openapi.documentV3(v3[2]!, v3[3]!);
      if (!doc) throw notFoundStatus();
      return this.sendRaw(req, res, 200, doc, 'application/json');
    }
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'apis' && parts.length === 2) {
      const { discovery } = this.documents();
      if (!discovery.hasGroup(parts[1]!)) throw notFoundStatus();
      return this.sendJson(req, res, 200, discovery.apiGroup(parts[1]!));
    }
    if ((parts[0] === 'api' && parts.length === 2) || (parts[0] === 'apis' && parts.length === 3)) {
      const [group, version] = parts[0] === 'api' ? ['', parts[1]!] : [parts[1]!, parts[2]!];
      const { discovery } = this.documents();
      if (!discovery.has(group, version)) throw notFoundStatus();
      return this.sendJson(req, res, 200, discovery.apiResourceList(group, version));
    }

    // ---- the proxy subresource of services and pods (kubectl proxy, cluster-info's links), and of
    // nodes (the kubelet's own API) ----
    const proxied = /^\/api\/v1\/(?:namespaces\/([^/]+)\/(services|pods)|(nodes))\/([^/]+)\/proxy(\/.*)?$/.exec(url.pathname);
    if (proxied) {
      let namespace: string;
      let target: string;
      try {
        namespace = decodeURIComponent(proxied[1] ?? '');
        target = decodeURIComponent(proxied[4]!);
      } catch {
        throw statusErrors.badRequest(`malformed escape in the request path ${JSON.stringify(url.pathname)}`);
      }
      // A request's body goes on to the pod, as kube-apiserver's proxy streams it.
      const body = req.headers['content-length'] || req.headers['transfer-encoding'] ? await this.readBody(req) : undefined;
      const sent = body?.length ? { ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}), data: body } : undefined;
      return this.proxy(req, res, user, method, (proxied[2] ?? proxied[3]) as 'services' | 'pods' | 'nodes', namespace, target, `${proxied[5] ?? '/'}${url.search}`, sent);
    }

    // ---- resources ----
    const info = resourceRequestInfo(method, path, url.searchParams);
    if (!info) throw notFoundStatus();
    const ctx: RequestContext = { user, requestURI: `${url.pathname}${url.search}`, ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}) };
    const { ref, verb } = info;
    // An unknown group, version or resource is the API server's 404, as for any other request.
    const virtual = virtualResources.find((v) => v.group === ref.group && v.version === ref.version && v.plural === ref.resource);
    if (virtual?.kind === 'ComponentStatus') return this.componentStatuses(req, res, ctx, ref, verb, rendering(accept), url.searchParams);
    if (virtual) {
      if (verb !== 'create' || ref.name !== undefined) throw statusErrors.methodNotAllowed('the server does not allow this method on the requested resource');
      const body = await this.readObject(req);
      if (virtual.kind === 'TokenReview') return this.sendJson(req, res, 201, this.tokenReview(user, body));
      return this.sendJson(req, res, 201, virtual.kind === 'SelfSubjectAccessReview' ? this.selfSubjectAccessReview(user, body) : this.selfSubjectReview(user));
    }
    const query = url.searchParams;
    const render = rendering(accept);
    switch (verb) {
      case 'get': {
        if (ref.resource === 'pods' && ref.group === '' && ref.subresource === 'log') return this.podLogs(req, res, ctx, ref, query);
        if (ref.resource === 'pods' && ref.group === '' && ['exec', 'attach', 'portforward'].includes(ref.subresource ?? '')) throw statusErrors.badRequest('Upgrade request required');
        const rv = query.get('resourceVersion');
        const obj = this.server.get(ctx, ref, rv ? { resourceVersion: rv } : {});
        return this.sendObject(req, res, 200, ref, obj, render, query, false);
      }
      case 'list':
        return this.sendObject(req, res, 200, ref, this.server.list(ctx, ref, { ...listOptions(query), readOnly: true }), render, query, true);
      case 'watch':
        return this.watch(res, ctx, ref, query, render);
      case 'create': {
        const body = await this.readObject(req);
        return this.sendResult(req, res, 201, await this.server.create(ctx, ref, body, writeOptions(query, 'CreateOptions')));
      }
      case 'update': {
        const body = await this.readObject(req);
        return this.sendResult(req, res, 200, await this.server.update(ctx, ref, body, writeOptions(query, 'UpdateOptions')));
      }
      case 'patch': {
        const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        const type = patchContentTypes[contentType];
        if (!type || contentType === 'application/apply-patch+cbor') {
          throw statusErrors.unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
        }
        const text = (await this.readBody(req)).toString('utf8');
        const patch = type === 'apply' ? this.decodeYaml(text) : this.decodeJson(text);
        // Server-side apply of a missing object creates it, answered 201 Created as kube-apiserver does.
        const creates = type === 'apply' && !ref.subresource && !this.exists(ref);
        const result = await this.server.patch(ctx, ref, type, patch, writeOptions(query, 'PatchOptions'));
        return this.sendResult(req, res, creates ? 201 : 200, result);
      }
      case 'delete': {
        const raw = await this.readBody(req);
        const body = raw.toString('utf8').trim() ? this.decodeBody(req, raw) : undefined;
        const result = await this.server.delete(ctx, ref, deleteOptions(query, body));
        // 202 Accepted while the object waits for its grace period or finalizers, as kube-apiserver answers.
        const pending = result.object.kind !== 'Status' && !!result.object.metadata?.deletionTimestamp;
        return this.sendResult(req, res, pending ? 202 : 200, result);
      }
      case 'deletecollection': {
        const raw = await this.readBody(req);
        const body = raw.toString('utf8').trim() ? this.decodeBody(req, raw) : undefined;
        return this.sendResult(req, res, 200, await this.server.deleteCollection(ctx, ref, listOptions(query), deleteOptions(query, body)));
      }
      default:
        throw statusErrors.methodNotAllowed('the server does not allow this method on the requested resource');
    }
  }

  // ---- pods/log ----

  /** GET .../pods/<name>/log: text/plain, streamed while `follow=true` until the container ends or the client goes. */
  private podLogs(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, ref: ResourceRef, query: URLSearchParams): void {
    const number = (name: string) => {
      const v = query.get(name);
      return v === null ? undefined : Number(v);
    };
    const options = {
      ...(query.get('container') ? { container: query.get('container')! } : {}),
      ...(query.get('previous') === 'true' ? { previous: true } : {}),
      ...(query.get('timestamps') === 'true' ? { timestamps: true } : {}),
      ...(number('tailLines') !== undefined ? { tailLines: number('tailLines')! } : {}),
      ...(number('sinceSeconds') !== undefined ? { sinceSeconds: number('sinceSeconds')! } : {}),
    };
    if (query.get('follow') !== 'true') {
      const text = this.server.podLogs(ctx, ref, options) as string;
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    // The 200 goes out only once the pod and container are found, so that a failed lookup is still
    // answered with its Status; the log so far arrives within the same call.
    const startStream = () => {
      if (res.headersSent) return;
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    };
    let buffered: string[] | undefined = [];
    let ended = false;
    const stream = this.server.podLogs(ctx, ref, options, {
      onData: (text) => {
        if (buffered) buffered.push(text);
        else res.write(text);
      },
      onEnd: () => {
        if (buffered) ended = true;
        else res.end();
      },
    }) as { dispose(): void };
    startStream();
    for (const text of buffered) res.write(text);
    buffered = undefined;
    if (ended) res.end();
    else res.flushHeaders();
    req.on('close', () => stream.dispose());
  }

  // ---- health ----

  /** The checks behind /healthz, /livez and /readyz: the process answers, and the store serves reads. */
  private readonly checks: Record<string, () => void> = {
    ping: () => {},
    etcd: () => {
      this.server.list({ user: apiServerUser }, { group: '', version: 'v1', resource: 'namespaces' }, { limit: 1 });
    },
  };

  /** kube-apiserver's health endpoints: `ok`, one check by path, or every check with `?verbose`. */
  private health(req: IncomingMessage, res: ServerResponse, endpoint: string, only: string | undefined, verbose: boolean): void {
    const names = only === undefined ? Object.keys(this.checks) : [only];
    if (only !== undefined && !this.checks[only]) throw notFoundStatus();
    const results = names.map((name) => {
      try {
        this.checks[name]!();
        return { name, ok: true };
      } catch {
        return { name, ok: false };
      }
    });
    const healthy = results.every((r) => r.ok);
    if (only !== undefined) return this.sendText(req, res, healthy ? 200 : 500, healthy ? 'ok' : 'internal server error: reason withheld');
    if (healthy && !verbose) return this.sendText(req, res, 200, 'ok');
    const lines = results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: reason withheld`));
    this.sendText(req, res, healthy ? 200 : 500, `${lines.join('\n')}\n${endpoint} check ${healthy ? 'passed' : 'failed'}\n`);
  }

  // ---- identity ----

  /**
   * Who sends the request, as kube-apiserver's authenticators in their order: a client certificate
   * the cluster CA signed, else the bearer token. A wrong token, or a client certificate that does
   * not verify, is 401 (unless the other credential is good); neither is anonymous, which (as with
   * kube-apiserver's default policy) may only read /version and the health checks.
   */
  private authenticate(req: IncomingMessage): UserInfo | undefined {
    const certificate = clientCertificateUser(req);
    if (certificate?.user) return certificate.user;
    const header = req.headers.authorization;
    if (header === undefined) {
      if (certificate) throw statusErrors.unauthorized();
      return undefined;
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw statusErrors.unauthorized();
    return this.server.authenticate(m[1]);
  }

  /**
   * Impersonate-User / Impersonate-Group (`kubectl --as`): the request runs as that user if the
   * caller may `impersonate` users (and each group), as kube-apiserver's impersonation filter allows.
   */
  private impersonate(req: IncomingMessage, user: UserInfo | undefined): UserInfo | undefined {
    const header = (name: string) => {
      const v = req.headers[name];
      return v === undefined ? [] : Array.isArray(v) ? v : [v];
    };
    const asUser = header('impersonate-user')[0];
    const asGroups = header('impersonate-group').flatMap((g) => g.split(',').map((s) => s.trim())).filter(Boolean);
    if (asUser === undefined && !asGroups.length) return user;
    if (!user) throw statusErrors.unauthorized();
    if (asUser === undefined) throw statusErrors.internal('requested groups without user');
    const check = (resource: string, name: string) => {
      const ref: ResourceRef = { group: '', version: 'v1', resource, name };
      if (!this.server.can(user, 'impersonate', ref)) {
        throw statusErrors.forbidden(`${resource} ${JSON.stringify(name)} is forbidden: User ${JSON.stringify(user.name)} cannot impersonate resource ${JSON.stringify(resource)} in API group "" at the cluster scope`, { kind: resource, name });
      }
    };
    check('users', asUser);
    for (const g of asGroups) check('groups', g);
    const groups = new Set(asGroups);
    if (asUser !== 'system:anonymous') groups.add('system:authenticated');
    return { name: asUser, groups: [...groups] };
  }

  /**
   * componentstatuses (`kubectl get cs`): each control-plane component's health as kube-apiserver
   * probes it when asked (the scheduler, the controller manager, etcd), with the deprecation warning
   * kube-apiserver sends.
   */
  private componentStatuses(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, ref: ResourceRef, verb: string, render: Rendering, query: URLSearchParams): void {
    if (verb !== 'get' && verb !== 'list') throw statusErrors.methodNotAllowed('the server does not allow this method on the requested resource');
    if (!this.server.can(ctx.user, verb, ref)) {
      throw statusErrors.forbidden(`componentstatuses${ref.name ? ` ${JSON.stringify(ref.name)}` : ''} is forbidden: User ${JSON.stringify(ctx.user.name)} cannot ${verb} resource "componentstatuses" in API group "" at the cluster scope`, { kind: 'componentstatuses', ...(ref.name ? { name: ref.name } : {}) });
    }
    const components = [...(this.options.requests?.componentHealth() ?? []), { name: 'etcd-0' }].sort((a, b) => a.name.localeCompare(b.name));
    const status = (c: { name: string; error?: string }): Obj => ({
      kind: 'ComponentStatus',
      apiVersion: 'v1',
      metadata: { name: c.name, creationTimestamp: null },
      conditions: [c.error === undefined ? { type: 'Healthy', status: 'True', message: 'ok' } : { type: 'Healthy', status: 'False', error: c.error }],
    });
    res.setHeader('Warning', warningHeader('v1 ComponentStatus is deprecated in v1.19+'));
    if (verb === 'get') {
      const found = components.find((c) => c.name === ref.name);
      if (!found) throw statusErrors.notFound('componentstatuses', '', ref.name ?? '');
      return this.sendObject(req, res, 200, ref, status(found), render, query, false);
    }
    return this.sendObject(req, res, 200, ref, { kind: 'ComponentStatusList', apiVersion: 'v1', metadata: {}, items: components.map(status) }, render, query, true);
  }

  /**
   * services/<name>[:port]/proxy/… and pods/<name>[:port]/proxy/…: the request is passed to a ready
   * endpoint of the Service (or to the pod) and its answer comes back as the pod gave it. Allowed to
   * those who may use the subresource with the request's verb; an endpoint that cannot be reached is
   * kube-apiserver's 503.
   */
  private proxy(req: IncomingMessage, res: ServerResponse, user: UserInfo, method: string, resource: 'services' | 'pods' | 'nodes', namespace: string, target: string, path: string, sent?: RequestBody): void {
    const verb = ({ GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete', OPTIONS: 'get' } as Record<string, string>)[method] ?? 'get';
    const ref: ResourceRef = { group: '', version: 'v1', resource, ...(namespace ? { namespace } : {}), name: target, subresource: 'proxy' };
    if (!this.server.can(user, verb, ref)) {
      const scope = namespace ? `in the namespace ${JSON.stringify(namespace)}` : 'at the cluster scope';
      throw statusErrors.forbidden(`${resource} ${JSON.stringify(target)} is forbidden: User ${JSON.stringify(user.name)} cannot ${verb} resource "${resource}/proxy" in API group "" ${scope}`, { name: target, kind: resource });
    }
    if (!this.options.requests) throw notFoundStatus();
    const answer = this.options.requests.proxy(resource, namespace, target, method, path, sent);
    if (!answer) throw statusErrors.notFound(resource, '', target.split(':').length === 3 ? target.split(':')[1]! : target.split(':')[0]!);
    if (answer.status === undefined) {
      const message = /^no endpoints available/.test(answer.error ?? '') ? answer.error! : `error trying to reach service: ${answer.error ?? 'no answer'}`;
      throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'ServiceUnavailable', code: 503 });
    }
    const body = Buffer.from(answer.body, 'utf8');
    const headers: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(answer.headers)) if (!/^(connection|keep-alive|transfer-encoding|content-length)$/i.test(k)) headers[k] = v;
    headers['Content-Length'] = body.length;
    res.writeHead(answer.status, answer.reason ?? '', headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private selfSubjectAccessReview(user: UserInfo, body: Obj): Obj {
    const spec = body.spec ?? {};
    const ra = spec.resourceAttributes;
    let status: Obj;
    if (ra && typeof ra === 'object') {
      const ref: ResourceRef = {
        group: String(ra.group ?? ''),
        version: String(ra.version ?? ''),
        resource: String(ra.resource ?? ''),
        ...(ra.subresource ? { subresource: String(ra.subresource) } : {}),
        ...(ra.namespace ? { namespace: String(ra.namespace) } : {}),
        ...(ra.name ? { name: String(ra.name) } : {}),
      };
      status = { allowed: this.server.can(user, String(ra.verb ?? ''), ref) };
    } else if (spec.nonResourceAttributes) {
      // The API server exposes authorization of resources only; of paths, system:masters may do anything.
      const masters = user.groups.includes('system:masters');
      status = masters ? { allowed: true } : { allowed: false, evaluationError: 'non-resource attributes are not evaluated by this server' };
    } else {
      throw statusErrors.invalid('SelfSubjectAccessReview', 'authorization.k8s.io', '', [{ field: 'spec.resourceAttributes', type: 'Invalid', value: 'null', detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified' }]);
    }
    return { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec, status };
  }

  private selfSubjectReview(user: UserInfo): Obj {
    return { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: {}, status: { userInfo: userInfoOf(user) } };
  }

  /**
   * TokenReview (what webhooks and aggregated servers ask to authenticate a caller): whether a
   * token is a user's, for the audiences named. The caller needs `create tokenreviews`
   * (system:auth-delegator); the answer is never an error, only authenticated or not.
   */
  private tokenReview(user: UserInfo, body: Obj): Obj {
    if (!this.server.can(user, 'create', { group: 'authentication.k8s.io', version: 'v1', resource: 'tokenreviews' })) {
      throw statusErrors.forbidden(`tokenreviews.authentication.k8s.io is forbidden: User ${JSON.stringify(user.name)} cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope`, { group: 'authentication.k8s.io', kind: 'tokenreviews' });
    }
    const spec: Obj = typeof body.spec === 'object' && body.spec !== null && !Array.isArray(body.spec) ? body.spec : {};
    const token = typeof spec.token === 'string' ? spec.token : '';
    const audiences: string[] = Array.isArray(spec.audiences) ? spec.audiences.map(String) : [];
    let status: Obj = { user: {} };
    const review = token ? this.server.reviewToken(token, audiences) : undefined;
    if (review && 'user' in review) status = { authenticated: true, user: userInfoOf(review.user), audiences: review.audiences };
    else if (review) status = { user: {}, error: `[invalid bearer token, ${review.error}]` };
    else if (token) {
      // A static token authenticates for the API server's audience only.
      let known: UserInfo | undefined;
      try {
        known = this.server.authenticate(token);
      } catch {
        known = undefined;
      }
      const audienceOk = !audiences.length || audiences.some((a) => this.server.serviceAccountTokens.apiAudiences.includes(a));
      if (known && audienceOk) status = { authenticated: true, user: userInfoOf(known), audiences: audiences.length ? audiences : [...this.server.serviceAccountTokens.apiAudiences] };
      else status = { user: {}, error: '[invalid bearer token, token lookup failed]' };
    }
    return { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { token, ...(audiences.length ? { audiences } : {}) }, status };
  }

  private version(): Json {
    return {
      major: '1',
      minor: '36',
      emulationMajor: '1',
      emulationMinor: '36',
      minCompatibilityMajor: '1',
      minCompatibilityMinor: '35',
      gitVersion,
      gitCommit: '',
      gitTreeState: 'clean',
      buildDate: '',
      goVersion: `node${process.versions.node}`,
      compiler: 'kubeside',
      platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
    };
  }

  /** Whether the object exists, read with the server's own identity (the caller's request decides what it may see). */
  private exists(ref: ResourceRef): boolean {
    try {
      this.server.get({ user: apiServerUser }, ref);
      return true;
    } catch {
      return false;
    }
  }

  /** The schemas the CRDs of a group give its kinds at one version, for OpenAPI. */
  private customKindSchemas(group: string, version: string): CustomKindSchema[] {
    const crds = this.server.list({ user: apiServerUser }, { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' });
    const out: CustomKindSchema[] = [];
    for (const crd of crds.items as Obj[]) {
      if (crd.spec?.group !== group || crd.metadata?.deletionTimestamp) continue;
      const v = (crd.spec.versions ?? []).find((x: Obj) => x.name === version && x.served);
      if (v) out.push({ kind: crd.spec.names.kind, schema: v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } });
    }
    return out;
  }

  /** For a custom resource, the printer its CRD declares (additionalPrinterColumns); undefined for built-in kinds. */
  private customPrinter(ref: ResourceRef): { printer?: Printer } {
    const info = kinds().byResource(ref.group, ref.version, ref.resource);
    if (!ref.group.includes('.') || (info && !kinds().isCustom(info))) return {};
    let crd: Obj;
    try {
      // The REST layer is part of the API server: it reads the CRD with the server's own identity.
      crd = this.server.get({ user: apiServerUser }, { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', name: `${ref.resource}.${ref.group}` });
    } catch {
      return {};
    }
    const version = (crd.spec?.versions ?? []).find((v: Obj) => v.name === ref.version);
    return version ? { printer: customResourcePrinter(version.additionalPrinterColumns ?? []) } : {};
  }

  // ---- watch ----

  private watch(res: ServerResponse, ctx: RequestContext, ref: ResourceRef, query: URLSearchParams, render: Rendering): void {
    const options = watchOptions(query);
    if (options.timeoutSeconds === undefined || options.timeoutSeconds <= 0) options.timeoutSeconds = minRequestTimeoutSeconds + this.options.random.int(minRequestTimeoutSeconds);
    const contentType = render.as === 'Table' ? `application/json;as=Table;v=${render.version};g=meta.k8s.io` : 'application/json';
    const include = (query.get('includeObject') as IncludeObject | null) ?? 'PartialObjectMetadata';
    const printer = render.as === 'Table' ? this.customPrinter(ref) : {};
    let headersSent = false;
    let firstTable = true;
    let closed = false;
    let handle: ApiWatch | undefined;
    const startStream = () => {
      if (headersSent) return;
      headersSent = true;
      res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'X-Content-Type-Options': 'nosniff' });
      res.flushHeaders();
    };
    const finish = () => {
      if (closed) return;
      closed = true;
      if (handle) this.watches.delete(handle);
      handle?.stop();
    };
    const onEvent = (e: ApiWatchEvent) => {
      if (closed) return;
      startStream();
      let object: unknown = e.object;
      if (render.as === 'Table' && (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED')) {
        object = toTable(ref.group, ref.resource, [e.object], { resourceVersion: e.object.metadata?.resourceVersion }, { include, noHeaders: !firstTable, now: this.options.clock.now(), apiVersion: `meta.k8s.io/${render.version}`, ...printer });
        firstTable = false;
      } else if (render.as === 'PartialObjectMetadata' && e.type !== 'ERROR') {
        object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: e.object.metadata };
      }
      res.write(`${JSON.stringify({ type: e.type, object })}\n`);
      if (res.writableLength > maxWatchBacklogBytes) {
        finish();
        res.destroy();
      }
    };
    const onClose = () => {
      finish();
      startStream();
      res.end();
    };
    // Errors before the stream starts (403, 410, a bad selector) are ordinary Status responses.
    handle = this.server.watch(ctx, ref, options, onEvent, onClose);
    if (closed) {
      handle.stop();
      return;
    }
    this.watches.add(handle);
    startStream();
    // A client that goes away ends its watch on the API server ('close' also follows a normal end).
    res.on('close', finish);
  }

  // ---- bodies ----

  private readBody(req: IncomingMessage): Promise<Buffer> {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxRequestBodyBytes) return Promise.reject(new BodyTooLarge());
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxRequestBodyBytes) {
          req.removeAllListeners('data');
          req.pause();
          reject(new BodyTooLarge());
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }

  private decodeJson(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw statusErrors.badRequest(`couldn't get version/kind; json parse error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private decodeYaml(text: string): unknown {
    try {
      return parseYaml(text, { maxAliasCount: 100 });
    } catch (err) {
      throw statusErrors.badRequest(`error converting YAML to JSON: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }

  /** A request body in the media type its Content-Type names: JSON (the default), YAML or Kubernetes protobuf. */
  private decodeBody(req: IncomingMessage, body: Buffer): unknown {
    const contentType = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
    if (contentType === 'application/json' || contentType === '' || contentType === '*/*') return this.decodeJson(body.toString('utf8'));
    if (contentType === 'application/yaml' || contentType === 'application/x-yaml' || contentType === 'text/yaml') return this.decodeYaml(body.toString('utf8'));
    if (contentType === 'application/vnd.kubernetes.protobuf') return decodeProtobuf(body);
    throw statusErrors.unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
  }

  private async readObject(req: IncomingMessage): Promise<Obj> {
    const body = this.decodeBody(req, await this.readBody(req));
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw statusErrors.badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)?.slice(0, 200)}'`);
    return body as Obj;
  }

  // ---- responses ----

  private sendObject(req: IncomingMessage, res: ServerResponse, code: number, ref: ResourceRef, obj: Obj, render: Rendering, query: URLSearchParams, isList: boolean): void {
    if (render.as === 'Table') {
      const include = (query.get('includeObject') as IncludeObject | null) ?? 'PartialObjectMetadata';
      const listMeta = isList ? obj.metadata : { resourceVersion: obj.metadata?.resourceVersion };
      const table = toTable(ref.group, ref.resource, isList ? obj.items : [obj], listMeta, { include, now: this.options.clock.now(), apiVersion: `meta.k8s.io/${render.version}`, ...this.customPrinter(ref) });
      return this.sendJson(req, res, code, table, `application/json;as=Table;v=${render.version};g=meta.k8s.io`);
    }
    if (render.as === 'PartialObjectMetadata') {
      const partial = (o: Obj) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata });
      const out = isList ? { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata, items: obj.items.map(partial) } : partial(obj);
      return this.sendJson(req, res, code, out, `application/json;as=${isList ? 'PartialObjectMetadataList' : 'PartialObjectMetadata'};v=v1;g=meta.k8s.io`);
    }
    return this.sendJson(req, res, code, obj);
  }

  private sendResult(req: IncomingMessage, res: ServerResponse, code: number, result: Result<Obj>): void {
    if (result.warnings.length) res.setHeader('Warning', result.warnings.map(warningHeader));
    this.sendJson(req, res, code, result.object);
  }

  private sendJson(req: IncomingMessage, res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
    this.sendRaw(req, res, code, JSON.stringify(body), contentType);
  }

  private sendText(req: IncomingMessage, res: ServerResponse, code: number, text: string): void {
    this.sendRaw(req, res, code, text, 'text/plain; charset=utf-8');
  }

  private sendRaw(req: IncomingMessage, res: ServerResponse, code: number, body: string | Buffer, contentType: string): void {
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': buf.length, 'Cache-Control': 'no-cache, private', 'X-Content-Type-Options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : buf);
  }

  /** Any failure as a metav1.Status; what is not a StatusError is the server's fault (500). */
  private fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    let status: StatusError;
    if (err instanceof StatusError) status = err;
    else if (err instanceof BodyTooLarge) status = statusErrors.tooLarge('the request body is too large: limit is 3145728 bytes');
    else {
      this.options.onInternalError?.(err, req);
      status = statusErrors.internal(err instanceof Error ? err.message : String(err));
    }
    if (res.headersSent) {
      // Mid-stream there is no way to send a Status: end the connection so the client sees the failure.
      res.destroy();
      return;
    }
    if (err instanceof BodyTooLarge) {
      // The rest of the body is not read: the connection cannot be reused.
      res.setHeader('Connection', 'close');
      res.on('finish', () => req.destroy());
    }
    if (status.code === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="kubernetes"');
    this.sendJson(req, res, status.code, status.status);
  }
}

/**
 * kube-apiserver's x509 authenticator (--client-ca-file is the cluster CA): a client certificate
 * that verifies and allows client authentication names a user by its common name, in the groups of
 * its organizations. Undefined without a certificate, or for one without a common name; `user`
 * undefined (and so 401, unless a token authenticates) for one that does not verify.
 */
function clientCertificateUser(req: IncomingMessage): { user?: UserInfo } | undefined {
  const socket = req.socket;
  if (!(socket instanceof TLSSocket)) return undefined;
  const peer = socket.getPeerX509Certificate();
  if (!peer) return undefined;
  if (!socket.authorized) return {};
  // No extended key usage allows every usage, as Go's verifier reads it.
  const usages = peer.keyUsage;
  if (usages && !usages.includes(extKeyUsageOIDs.clientAuth) && !usages.includes(extKeyUsageOIDs.any)) return {};
  let subject: { commonName: string; organization: string[] };
  try {
    subject = parseCertificate(peer.raw).subject;
  } catch {
    // One Go could not parse would have failed its verification.
    return {};
  }
  const { commonName, organization } = subject;
  if (!commonName) return undefined;
  return { user: { name: commonName, groups: [...new Set([...organization, groups.authenticated])] } };
}
