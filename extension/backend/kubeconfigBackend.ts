// A real cluster through the user's kubeconfig: @kubernetes/client-node loads it and applies its credentials;
// calls are plain REST over that, so every refusal keeps its Status. Only the extension's lazy load imports this.
import * as http from 'node:http';
import * as https from 'node:https';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import type { ListerWatcher, ListResult, WatchEvent, WatchHandle } from '../../engine/client/types';
import {
  type ApplyOptions,
  type ClusterBackend,
  ClusterError,
  type DeleteOptions,
  type Disposable,
  type KubeObj,
  type LogOptions,
  type ObjectRef,
  type PatchType,
  type ResourceType,
  type ServedResource,
} from './clusterBackend';

type ClientNode = typeof import('@kubernetes/client-node');
type KubeConfig = InstanceType<ClientNode['KubeConfig']>;

export interface KubeconfigOptions {
  /** A kubeconfig file; default: $KUBECONFIG, else ~/.kube/config (client-node's loadFromDefault). */
  readonly kubeconfigPath?: string;
  /** A kubeconfig's text, instead of a file. */
  readonly kubeconfigYaml?: string;
  /** The context to use; default: the kubeconfig's current-context. */
  readonly context?: string;
  /** How long the first request (`/version`) may take before the cluster counts as unreachable (default 10 s). */
  readonly connectTimeoutMs?: number;
}

const fieldManager = 'kubeside';
/** A non-streaming request that has not answered by then has failed (kubectl has no default; a view must not hang). */
const requestTimeoutMs = 30_000;
/** Pages of a list, as client-go's reflector asks for them, so a 100,000-pod list is not one response. */
const listPageSize = 500;

const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

interface Request {
  readonly method: string;
  readonly path: string;
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly signal?: AbortSignal;
  /** Idle time after which a buffered request fails; streams (watches, followed logs) have none. */
  readonly timeoutMs?: number;
}

/** `/api/v1` for the core group, `/apis/G/V` for the others. */
function groupVersionPath(group: string, version: string): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

function collectionPath(type: ResourceType, namespace?: string): string {
  return `${groupVersionPath(type.group, type.version)}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${type.resource}`;
}

function objectPath(ref: ObjectRef, subresource?: string): string {
  return `${collectionPath(ref.type, ref.namespace)}/${encodeURIComponent(ref.name)}${subresource ? `/${subresource}` : ''}`;
}

function splitAPIVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** A refusal as the server gave it: its metav1.Status when the body is one, else the HTTP status alone. */
function refusal(statusCode: number, body: string): ClusterError {
  try {
    const status = JSON.parse(body);
    if (status?.kind === 'Status') return ClusterError.fromStatus({ ...status, code: status.code ?? statusCode });
  } catch {
    // Not JSON (a proxy's or load balancer's page): fall through to the HTTP status.
  }
  const text = http.STATUS_CODES[statusCode] ?? 'Unknown';
  return new ClusterError(body.trim() || text, statusCode, text.replace(/\s+/g, ''));
}

function readText(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
}

/** The kubeconfig file that loadFromDefault reads first ($KUBECONFIG's first entry, else ~/.kube/config). */
function defaultKubeconfigPath(): string | undefined {
  const fromEnv = process.env.KUBECONFIG?.split(path.delimiter).find(Boolean);
  if (fromEnv) return path.resolve(fromEnv);
  const home = path.join(homedir(), '.kube', 'config');
  return existsSync(home) ? home : undefined;
}

export class KubeconfigBackend implements ClusterBackend {
  /** Resource lists per group version (`apps/v1`), from discovery; refetched when a kind is missing. */
  private readonly discovery = new Map<string, Promise<ServedResource[]>>();
  /** Watches and followed logs still open, stopped by dispose(). */
  private readonly streams = new Set<AbortController>();

  private constructor(
    private readonly kc: KubeConfig,
    /** The context's name. */
    readonly name: string,
    readonly server: string,
    readonly kubeconfigPath: string | undefined,
    /** The context's namespace (kubectl's default for objects that name none). */
    readonly namespace: string,
    private readonly agent: http.Agent,
  ) {}

  /** Loads the kubeconfig, selects the context and checks the API server answers. */
  static async connect(options: KubeconfigOptions = {}): Promise<KubeconfigBackend> {
    const k8s: ClientNode = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    let kubeconfigPath: string | undefined;
    if (options.kubeconfigYaml !== undefined) kc.loadFromString(options.kubeconfigYaml);
    else if (options.kubeconfigPath !== undefined) {
      kubeconfigPath = path.resolve(options.kubeconfigPath);
      kc.loadFromFile(kubeconfigPath);
    } else {
      kubeconfigPath = defaultKubeconfigPath();
      // Without a file client-node would make up a cluster at http://localhost:8080 (outside a pod).
      if (!kubeconfigPath && !process.env.KUBERNETES_SERVICE_HOST) throw new Error(`no kubeconfig: $KUBECONFIG is not set and ${path.join(homedir(), '.kube', 'config')} does not exist`);
      kc.loadFromDefault();
    }
    const where = kubeconfigPath ?? 'the kubeconfig';
    const contextName = options.context ?? kc.getCurrentContext();
    if (!contextName) throw new Error(`${where} has no current-context: choose one of its contexts (${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`);
    const context = kc.getContextObject(contextName);
    if (!context) throw new Error(`${where} has no context "${contextName}"; its contexts are: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'}`);
    kc.setCurrentContext(contextName);
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error(`context "${contextName}" of ${where} names cluster "${context.cluster}", which ${where} does not define`);

    // One agent for every request, kept alive as client-go keeps its connections: client-node would
    // make a new one (and a new TLS handshake) per call. A proxy's agent is client-node's own.
    const tls: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(tls);
    const agent = cluster.proxyUrl
      ? (tls.agent as http.Agent)
      : cluster.server.startsWith('http:')
        ? new http.Agent({ keepAlive: true })
        : new https.Agent({ keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.rejectUnauthorized, servername: tls.servername });
    const backend = new KubeconfigBackend(kc, contextName, cluster.server, kubeconfigPath, context.namespace ?? 'default', agent);
    try {
      await backend.request({ method: 'GET', path: '/version', timeoutMs: options.connectTimeoutMs ?? 10_000 });
    } catch (err) {
      agent.destroy();
      const reason = err instanceof ClusterError ? err.display : (err as Error).message;
      const message = `the Kubernetes API server ${cluster.server} of context "${contextName}" ${err instanceof ClusterError ? 'refused the connection check' : 'cannot be reached'}: ${reason}`;
      throw err instanceof ClusterError ? new ClusterError(message, err.code, err.reason, err.causes) : new Error(message, { cause: err });
    }
    return backend;
  }

  listerWatcher(type: ResourceType, namespace?: string): ListerWatcher<KubeObj> {
    const collection = collectionPath(type, namespace);
    return {
      list: (o) => this.list(collection, o.resourceVersion),
      watch: (o, onEvent, onClose) => this.watch(collection, o, onEvent, onClose),
    };
  }

  async resourceFor(apiVersion: string, kind: string): Promise<ServedResource | undefined> {
    const find = (resources: ServedResource[]) => resources.find((r) => r.kind === kind);
    // A miss may be a kind whose CRD was created since the group version was last discovered.
    return find(await this.discover(apiVersion)) ?? find(await this.discover(apiVersion, true));
  }

  async get(ref: ObjectRef): Promise<KubeObj | undefined> {
    try {
      return JSON.parse(await this.request({ method: 'GET', path: objectPath(ref) }));
    } catch (err) {
      if (err instanceof ClusterError && err.code === 404) return undefined;
      throw err;
    }
  }

  async apply(obj: KubeObj, options: ApplyOptions = {}): Promise<KubeObj> {
    const served = obj.apiVersion && obj.kind ? await this.resourceFor(obj.apiVersion, obj.kind) : undefined;
    // The embedded API server's words for the same mistake, so both backends read alike.
    if (!served) throw new ClusterError(`no matches for kind ${JSON.stringify(obj.kind)} in version ${JSON.stringify(obj.apiVersion)}`, 400, 'BadRequest');
    const name: string | undefined = obj.metadata?.name;
    if (!name) throw new ClusterError('resource name may not be empty', 400, 'BadRequest');
    const namespace: string | undefined = served.namespaced ? (obj.metadata?.namespace ?? this.namespace) : undefined;
    const body = namespace && !obj.metadata?.namespace ? { ...obj, metadata: { ...obj.metadata, namespace } } : obj;
    const text = await this.request({
      method: 'PATCH',
      path: objectPath({ type: served, name, ...(namespace ? { namespace } : {}) }),
      query: { fieldManager: options.fieldManager ?? fieldManager, force: options.force || undefined, dryRun: options.dryRun ? 'All' : undefined },
      // JSON is YAML: the apply content type takes either.
      contentType: 'application/apply-patch+yaml',
      body,
    });
    return JSON.parse(text);
  }

  async patch(ref: ObjectRef, patchType: PatchType, patch: unknown, subresource?: string): Promise<KubeObj> {
    const text = await this.request({ method: 'PATCH', path: objectPath(ref, subresource), query: { fieldManager }, contentType: patchContentTypes[patchType], body: patch });
    return JSON.parse(text);
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<void> {
    await this.request({ method: 'DELETE', path: objectPath(ref), query: { propagationPolicy: options.propagationPolicy, gracePeriodSeconds: options.gracePeriodSeconds } });
  }

  logs(namespace: string, pod: string, container: string | undefined, options: LogOptions = {}): Promise<string> {
    return this.request({ method: 'GET', path: this.logPath(namespace, pod), query: logQuery(container, options, false) });
  }

  followLogs(namespace: string, pod: string, container: string | undefined, options: LogOptions, onData: (text: string) => void, onEnd?: (err?: Error) => void): Disposable {
    const controller = new AbortController();
    this.streams.add(controller);
    let ended = false;
    const end = (err?: Error) => {
      // Aborted by dispose (of this stream or of the backend): the caller stopped it and hears no end.
      if (ended || controller.signal.aborted) return;
      ended = true;
      this.streams.delete(controller);
      controller.abort();
      onEnd?.(err);
    };
    this.open({ method: 'GET', path: this.logPath(namespace, pod), query: logQuery(container, options, true), signal: controller.signal }).then(
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (text: string) => {
          if (!ended && !controller.signal.aborted) onData(text);
        });
        res.on('end', () => end());
        res.on('error', (err) => end(err));
        res.on('close', () => end(res.complete ? undefined : new Error(`the log stream of pod ${namespace}/${pod} was cut off`)));
      },
      (err: Error) => end(err),
    );
    return {
      dispose: () => {
        this.streams.delete(controller);
        controller.abort();
      },
    };
  }

  async dispose(): Promise<void> {
    for (const controller of this.streams) controller.abort();
    this.streams.clear();
    this.agent.destroy();
  }

  private logPath(namespace: string, pod: string): string {
    return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`;
  }

  /** Lists a collection page by page; each item gets the apiVersion and kind a list leaves out. */
  private async list(collection: string, resourceVersion?: string): Promise<ListResult<KubeObj>> {
    const items: KubeObj[] = [];
    let continueToken: string | undefined;
    let listVersion = '';
    do {
      const page = JSON.parse(
        await this.request({ method: 'GET', path: collection, query: { limit: listPageSize, continue: continueToken, resourceVersion: continueToken ? undefined : resourceVersion || undefined } }),
      );
      const kind = typeof page.kind === 'string' ? page.kind.replace(/List$/, '') : undefined;
      for (const item of page.items ?? []) items.push(item.kind || !kind ? item : { apiVersion: page.apiVersion, kind, ...item });
      listVersion = page.metadata?.resourceVersion ?? listVersion;
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
    return { items, resourceVersion: listVersion };
  }

  /**
   * A watch stream of newline-delimited events. An ERROR event ends it with its Status as the error,
   * so a 410 Expired in the stream (or as the response) reaches the informer as code 410 and it relists.
   * Not client-node's Watch: it keeps only the HTTP code of a refused watch, and opens a new agent for each.
   */
  private watch(collection: string, o: { resourceVersion: string; allowWatchBookmarks?: boolean }, onEvent: (e: WatchEvent<KubeObj>) => void, onClose: (err?: Error) => void): WatchHandle {
    const controller = new AbortController();
    this.streams.add(controller);
    let closed = false;
    const close = (err?: Error) => {
      // Aborted by stop() or dispose(): the caller ended the watch and hears no close.
      if (closed || controller.signal.aborted) return;
      closed = true;
      this.streams.delete(controller);
      controller.abort();
      onClose(err);
    };
    this.open({ method: 'GET', path: collection, query: { watch: true, resourceVersion: o.resourceVersion || undefined, allowWatchBookmarks: o.allowWatchBookmarks || undefined }, signal: controller.signal }).then(
      (res) => {
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let newline: number;
          while (!closed && !controller.signal.aborted && (newline = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, newline).trim();
            buffered = buffered.slice(newline + 1);
            if (!line) continue;
            let event: WatchEvent<KubeObj>;
            try {
              event = JSON.parse(line);
            } catch {
              close(new Error(`the watch of ${collection} sent a line that is not JSON: ${line.slice(0, 200)}`));
              return;
            }
            onEvent(event);
            if (event.type === 'ERROR') close(ClusterError.fromStatus(event.object));
          }
        });
        res.on('end', () => close());
        res.on('error', (err) => close(err));
        res.on('close', () => close(res.complete ? undefined : new Error(`the watch of ${collection} was cut off`)));
      },
      (err: Error) => close(err),
    );
    return {
      stop: () => {
        this.streams.delete(controller);
        controller.abort();
      },
    };
  }

  /** The resources of one group version; a group version the server does not serve has none. */
  private discover(apiVersion: string, refresh = false): Promise<ServedResource[]> {
    const cached = this.discovery.get(apiVersion);
    if (cached && !refresh) return cached;
    const { group, version } = splitAPIVersion(apiVersion);
    const fetched = this.request({ method: 'GET', path: groupVersionPath(group, version) }).then(
      (text) => {
        const list: { resources?: { name: string; kind: string; namespaced: boolean }[] } = JSON.parse(text);
        // `deployments/scale` and the like are subresources, not types of their own.
        return (list.resources ?? []).filter((r) => !r.name.includes('/')).map((r) => ({ group, version, resource: r.name, kind: r.kind, namespaced: r.namespaced }));
      },
      (err) => {
        if (err instanceof ClusterError && err.code === 404) return [];
        this.discovery.delete(apiVersion);
        throw err;
      },
    );
    this.discovery.set(apiVersion, fetched);
    return fetched;
  }

  /** A buffered request: the response body as text, or the refusal as a ClusterError. */
  private async request(req: Request): Promise<string> {
    return readText(await this.open({ timeoutMs: requestTimeoutMs, ...req }));
  }

  /** Sends a request with the kubeconfig's credentials; resolves with a 2xx response, rejects with the refusal. */
  private async open(req: Request): Promise<http.IncomingMessage> {
    const url = new URL(this.server.replace(/\/+$/, '') + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    // Asked per request: an exec plugin's or OIDC token may have been renewed since the last one.
    const auth: https.RequestOptions = { headers: {} };
    await this.kc.applyToHTTPSOptions(auth);
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: http.OutgoingHttpHeaders = {
      // client-node sets headers as an object (Authorization, Impersonate-User), never as a raw list.
      ...(auth.headers as http.OutgoingHttpHeaders),
      Accept: 'application/json',
      'User-Agent': 'kubeside',
      ...(payload ? { 'Content-Type': req.contentType ?? 'application/json', 'Content-Length': payload.length } : {}),
    };
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const request = transport.request(url, { method: req.method, headers, agent: this.agent, ...(auth.auth ? { auth: auth.auth } : {}), ...(req.signal ? { signal: req.signal } : {}) }, (res) => {
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 300) {
          resolve(res);
          return;
        }
        readText(res).then((body) => reject(refusal(code, body)), reject);
      });
      if (req.timeoutMs) request.setTimeout(req.timeoutMs, () => request.destroy(new Error(`${req.method} ${url.pathname} timed out after ${req.timeoutMs} ms`)));
      else request.on('socket', (socket) => socket.setKeepAlive(true, 30_000));
      request.on('error', reject);
      request.end(payload);
    });
  }
}

function logQuery(container: string | undefined, options: LogOptions, follow: boolean): Request['query'] {
  return { container, follow: follow || undefined, previous: options.previous || undefined, tailLines: options.tailLines, timestamps: options.timestamps || undefined };
}
