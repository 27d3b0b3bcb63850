// The embedded cluster's kube-apiserver: the one entry point through which every read and write
// passes — the user's, the CLI's, the REST API's and the cluster's own components'. Each request is
// authenticated, authorized, admitted (mutating plugins, validation, validating plugins), and only
// then stored; errors are always metav1.Status. Several ApiServer instances over one Store behave as
// one server (the seeds' several control-plane nodes): all state lives in the store.
import { generateKeyPairSync } from 'node:crypto';
import { fieldError, type FieldError, formatFieldError, StatusError, statusErrors } from '../api/errors';
import { fieldSelectorPredicate } from '../api/fields/selectableFields';
import { apiVersionOf, type KindInfo, kinds, parseAPIVersion } from '../api/kinds/index';
import { parseSelector, type Selector } from '../api/labels/selector';
import { formatLabelSelector, labelSelectorAsSelector } from '../api/labels/labelSelector';
import { apply as serverSideApply, ApplyConflictError, update as recordUpdate } from '../api/apply/fieldManager';
import { generateName } from '../api/meta/generateName';
import { shareReadOnly } from '../util/mutationDetector';
import { deepCopy, deepEqual, isObject, shallowCopy } from '../api/patch/jsonValue';
import type { Quantity } from '../api/quantity';
import { patchObject } from '../api/patch/patchObject';
import { customResourceSchema, openapi } from '../api/schema/index';
import type { SchemaNode } from '../api/schema/node';
import { decodeProblems, validateObject } from '../api/validate';
import { goMapString, unstructuredConvertError } from '../api/validation/unstructured';
import { ClusterIPAllocator } from '../network/clusterIPAllocator';
import { isStoreError, type KeyValue, type Store, type WatchEvent } from '../store/index';
import { type Clock, rfc3339, SecondTimestamps, type Timer } from '../util/clock';
import { yieldToEventLoop } from '../util/eventLoop';
import type { Random } from '../util/random';
import { mandatoryFlowSchemas, mandatoryPriorityLevels, suggestedFlowSchemas, suggestedPriorityLevels } from '../api/flowcontrol/bootstrap';
import { validatingAdmissionPolicy } from './admission/validatingAdmissionPolicy';
import { mutatingAdmissionWebhook, validatingAdmissionWebhook, type WebhookTransport } from './admission/webhooks';
import { AdmissionChain, type AdmissionContext, type AdmissionPlugin, type AdmissionRequest, type Operation } from './admission/types';
import { certificateApproval, certificateSigning, certificateSubjectRestriction } from './admission/certificates';
import { defaultStorageClass } from './admission/default-storage-class';
import { limitRanger } from './admission/limit-ranger';
import { namespaceLifecycle } from './admission/namespace-lifecycle';
import { nodeRestriction } from './admission/node-restriction';
import { priorityAdmission } from './admission/priority';
import { systemPriorityClasses } from '../api/validation/semantic/priorityclass';
import { chargeQuota, resourceQuota } from './admission/resource-quota';
import { serviceAccountAdmission } from './admission/service-account';
import { type Authorizer, forbidden, type ResourceAttributes, UnionAuthorizer } from './auth/attributes';
import { NodeAuthorizer, type NodeGraph } from './auth/node';
import { PodNodeGraph } from './auth/nodeGraph';
import { RbacAuthorizer, type RbacSource } from './auth/rbac';
import { anonymousUser, groups, type TokenAuthenticator, type UserInfo } from './auth/user';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './auth/bootstrap';
import { type AuditInput, AuditLog } from './audit';
import { defaultTolerationSeconds } from './admission/default-toleration-seconds';
import { runtimeClassAdmission } from './admission/runtime-class';
import { ServiceAccountTokenSigner } from './auth/serviceAccountToken';
import { type LegacyTokenUse, legacyTokenLastUsed, requestToken, reviewToken, type TokenObjects, type TokenReviewResult } from './tokenRequest';
import { type MetricsSource, ResourceMetricsApi } from '../metrics/api';
import { versionConversions } from '../api/conversion/index';
import { ConvertedStorage } from './registry/conversion';
import { CustomResources } from './registry/custom-resources';
import { ResourceStorage } from './registry/resource';
import { defaultServiceCIDRName, type ServiceAllocations, ServiceAllocator } from './registry/service-allocations';
import { type Obj, strategyFor } from './registry/strategy';
import { WriteBudget } from './turnBudget';
import { type FanoutListener, type SharedDecode, WatchFanout } from './watchFanout';
import { type DeleteOptions, type GetOptions, type ListOptions, patchContentTypes, type PatchOptions, type PatchType, type RequestContext, type ResourceRef, type Result, type WatchOptions, type WriteOptions, writtenResult } from './request';

export interface ApiServerOptions {
  store: Store;
  clock: Clock;
  random: Random;
  authenticator: TokenAuthenticator;
  /**
   * Signs and verifies service account tokens (--service-account-signing-key-file, which
   * kube-apiserver requires): the API servers of a cluster share one. A key of its own by default.
   */
  serviceAccountTokens?: ServiceAccountTokenSigner;
  /** Admission plugins in order; defaults to kube-apiserver's recommended set that applies here. */
  admission?: readonly AdmissionPlugin[];
  /** How often a watch that allows bookmarks gets one (kube-apiserver: about a minute). */
  bookmarkIntervalMs?: number;
  auditCapacity?: number;
  /**
   * How often the store's history is compacted (kube-apiserver's --etcd-compaction-interval,
   * 5 minutes by default); 0 turns compaction off. See `startCompaction`.
   */
  compactionIntervalMs?: number;
  /**
   * Between compactions, the history is also kept to about this many revisions (as etcd's
   * revision-mode auto-compaction keeps the last N): superseded versions live in memory here, and a
   * burst of writes within one interval would otherwise keep every one of them. History a watch
   * has not read yet is never compacted this way. 20,000 by default; 0 keeps it all.
   */
  historyRevisions?: number;
}

/** The API server's own writes (bootstrap objects, quota charges, CRD status): as its loopback client, in system:masters. */
const apiServerItself: RequestContext = { user: { name: 'system:apiserver', groups: [groups.masters, groups.authenticated] } };

export const defaultAdmissionPlugins: readonly AdmissionPlugin[] = [namespaceLifecycle, limitRanger, serviceAccountAdmission, nodeRestriction, priorityAdmission, defaultTolerationSeconds, runtimeClassAdmission, defaultStorageClass, certificateApproval, certificateSigning, certificateSubjectRestriction, mutatingAdmissionWebhook, validatingAdmissionPolicy, validatingAdmissionWebhook, resourceQuota];

/** Container logs, as the kubelets keep them: the API server's pods/log reads from here (in Kubernetes it proxies to the kubelet). */
export interface PodLogSource {
  logs(namespace: string, pod: string, container: string | undefined, options: PodLogOptions): string;
  followLogs(namespace: string, pod: string, container: string | undefined, options: PodLogOptions, onData: (text: string) => void, onEnd?: () => void): { dispose(): void };
}

/**
 * The standard streams of a process that exec starts (or of the container attach joins), as the
 * kubelet's streaming server relays them: output goes out as it is written, stdin comes in chunks.
 */
export interface ContainerStreams {
  /** Text, or bytes as the process wrote them (a tar archive). */
  stdout(data: string | Buffer): void;
  stderr(data: string): void;
  /** Chunks of stdin until the client closes it; absent when the client sends none. */
  stdin?: AsyncIterable<Buffer>;
  tty: boolean;
}

/** A process running in a container for exec or attach: its exit code (attach: the container's), or a way to stop listening. */
export interface ContainerProcess {
  readonly exitCode: Promise<number>;
  /** The client went away. */
  close(): void;
}

/** One forwarded connection into a pod's network namespace. */
export interface PodConnection {
  write(data: Buffer): void;
  /** The client closed its side. */
  end(): void;
}

/**
 * exec, attach and port-forward as the kubelets serve them: the API server's pods/exec, pods/attach
 * and pods/portforward reach the kubelet of the pod's node here (in Kubernetes it proxies to the
 * kubelet's streaming server). Errors are the kubelet's, thrown as plain Errors with its message.
 */
export interface PodExecSource {
  exec(namespace: string, pod: string, container: string, command: string[], streams: ContainerStreams): ContainerProcess;
  attach(namespace: string, pod: string, container: string, streams: ContainerStreams): ContainerProcess;
  portForward(namespace: string, pod: string, port: number, onData: (data: Buffer) => void, onEnd: () => void): PodConnection;
}

/** corev1.PodLogOptions, as far as the embedded runtime keeps logs. */
export interface PodLogOptions {
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  timestamps?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface ApiWatchEvent {
  type: WatchEventType;
  object: Obj;
}
export interface ApiWatch {
  stop(): void;
}

interface ContinueToken {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

const initialEventsEndAnnotation = 'k8s.io/initial-events-end';
const conflictMessage = 'the object has been modified; please apply your changes to the latest version and try again';

/** A failure as the API answers it: a StatusError as it is, anything else the server's own fault (500). */
const asStatusError = (err: unknown): StatusError => (err instanceof StatusError ? err : statusErrors.internal(err instanceof Error ? err.message : String(err)));

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export class ApiServer {
  readonly audit: AuditLog;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly authenticator: TokenAuthenticator;
  readonly serviceAccountTokens: ServiceAccountTokenSigner;
  private readonly authorizer: Authorizer;
  private readonly admission: AdmissionChain;
  private readonly storages = new Map<string, ResourceStorage>();
  /** Versions served over another version's storage, by `group/resource/version`. */
  private readonly converted = new Map<string, ConvertedStorage>();
  /** Writes admitted per turn of the event loop, so the cluster's own cascades never starve a request. */
  private readonly writeBudget = new WriteBudget(writesPerTurn);
  /** See ApiServerOptions.historyRevisions; `boundingHistory` while such a compaction runs. */
  private readonly historyRevisions: number;
  private boundingHistory = false;
  private compactionTimer: Timer | undefined;
  /** The Node authorizer's graph of pods, told of each pod write. */
  private podGraph: PodNodeGraph | undefined;
  /** The store watch each resource's API watches share, while any is open. */
  private readonly fanouts = new Map<ResourceStorage, WatchFanout>();
  private readonly bookmarkIntervalMs: number;
  private readonly admissionContext: AdmissionContext;
  /** Where the ResourceQuota plugin's charges go while a write's validating admission runs. */
  private charges: QuotaCharge[] | undefined;
  private readonly customResources: CustomResources;
  private readonly serviceAllocator: ServiceAllocator;
  private logSource: PodLogSource | undefined;
  private webhookTransport: WebhookTransport | undefined;
  private execSource: PodExecSource | undefined;
  /** metrics.k8s.io, served once the cluster's kubelets are its source (as metrics-server behind the aggregator). */
  private metrics: ResourceMetricsApi | undefined;

  constructor(options: ApiServerOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.random = options.random;
    this.authenticator = options.authenticator;
    this.serviceAccountTokens = options.serviceAccountTokens ?? new ServiceAccountTokenSigner(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);
    this.bookmarkIntervalMs = options.bookmarkIntervalMs ?? 60_000;
    this.audit = new AuditLog(options.clock, options.auditCapacity);
    this.customResources = new CustomResources(this.store);
    this.serviceAllocator = new ServiceAllocator(this.store, this.random, () => this.timestamp());
    for (const info of kinds().all()) {
      // Custom kinds come and go with their CRDs in this server's store (see CustomResources).
      if (!info.served || !info.plural || kinds().isCustom(info)) continue;
      if (versionConversions().some((c) => c.group === info.group && c.kind === info.kind && c.served === info.version)) continue;
      const key = `${info.group}/${info.plural}`;
      // One storage per resource: the first served version is the storage version.
      if (!this.storages.has(key)) this.storages.set(key, new ResourceStorage(info, strategyFor(info, false), this.store));
    }
    // Other versions of a resource are served over its storage, converting every object.
    for (const conversion of versionConversions()) {
      const info = kinds().lookup(apiVersionOf(conversion.group, conversion.served), conversion.kind);
      const storage = info?.served ? this.storage(conversion.storageGroup ?? conversion.group, info.plural) : undefined;
      if (!info || !storage || storage.info.version !== conversion.storage) continue;
      this.converted.set(`${info.group}/${info.plural}/${info.version}`, new ConvertedStorage(info, strategyFor(info, false), this.store, conversion, storage));
    }
    // system:masters is allowed everything before any other authorizer is asked, as in kube-apiserver.
    const masters: Authorizer = { authorize: (a) => (a.user.groups.includes(groups.masters) ? { allowed: true } : { allowed: false }) };
    this.authorizer = new UnionAuthorizer([masters, new NodeAuthorizer(this.nodeGraph()), new RbacAuthorizer(this.rbacSource())]);
    this.admission = new AdmissionChain(options.admission ?? defaultAdmissionPlugins);
    // Admission plugins only read what they look up: they share the frozen decodes, except a quota's
    // count of a namespace's pods, which would keep a decoded copy of every pod alive.
    this.admissionContext = {
      get: (group, resource, namespace, name) => this.storage(group, resource)?.getShared(namespace, name),
      list: (group, resource, namespace) => {
        const storage = this.storage(group, resource);
        if (!storage) return [];
        return group === '' && resource === 'pods' ? storage.listAll(namespace) : storage.listShared(namespace);
      },
      randomSuffix: () => this.random.suffix(),
      uid: () => this.uuid(),
      authorize: ({ user, verb, resource, path }) => {
        const who = { name: user.name, groups: [...user.groups] };
        const decision = this.authorizer.authorize(resource ? { user: who, verb, apiGroup: resource.group, resource: resource.resource, ...(resource.subresource ? { subresource: resource.subresource } : {}), ...(resource.namespace ? { namespace: resource.namespace } : {}), ...(resource.name ? { name: resource.name } : {}) } : { user: who, verb, path: path ?? '' });
        return decision.allowed ? { allowed: true } : { allowed: false, ...(decision.reason ? { reason: decision.reason } : {}) };
      },
      objectsOf: (apiVersion, kind) => {
        const found = this.resourceFor(apiVersion, kind);
        if (!found) return undefined;
        const storage = this.resolve({ group: found.group, version: found.version, resource: found.resource });
        return { namespaced: found.namespaced, get: (namespace, name) => storage.getShared(namespace, name), list: (namespace) => storage.listShared(namespace) };
      },
      callWebhook: (call) => this.webhookTransport?.(call),
      chargeQuota: (quota, delta, forbid) => this.charges?.push({ quota, delta, forbid }),
    };
    const compactionInterval = options.compactionIntervalMs ?? 5 * 60 * 1000;
    if (compactionInterval > 0) this.startCompaction(compactionInterval);
    this.historyRevisions = options.historyRevisions ?? 20_000;
  }

  /**
   * After a write: once the history holds twice `historyRevisions`, compacts it down to that many,
   * or to the oldest revision a watch has yet to read if that is older.
   */
  private boundHistory(): void {
    const retain = this.historyRevisions;
    if (!retain || this.boundingHistory || this.store.revision - this.store.compactRevision <= 2 * retain) return;
    const target = Math.min(this.store.revision - retain, this.store.watchedRevision);
    if (target <= this.store.compactRevision) return;
    this.boundingHistory = true;
    void this.compactTo(target).finally(() => (this.boundingHistory = false));
  }

  /**
   * kube-apiserver's storage compactor: every interval, the store's history is compacted up to the
   * revision it had one interval earlier, so the store keeps each live object plus about an
   * interval of changes, whatever the cluster's write rate. A list or watch from a
   * resourceVersion older than that is answered 410 Gone (as after any compaction) and the client
   * relists. History a watch has not read yet is kept, for one more interval at most: a watch that
   * far behind is cancelled by the compaction and its watchers get 410 too. Several servers over one
   * store compact it between them; a target another one already passed is left alone.
   */
  private startCompaction(intervalMs: number): void {
    // The store's revision at the last two ticks, newest last.
    let previous = 0;
    let last = this.store.revision;
    let compacting = false;
    const tick = () => {
      if (this.store.isClosed) return;
      const target = Math.max(previous, Math.min(last, this.store.watchedRevision));
      if (!compacting && target > this.store.compactRevision) {
        compacting = true;
        void this.compactTo(target).finally(() => (compacting = false));
      }
      previous = last;
      last = this.store.revision;
      this.compactionTimer = this.clock.setTimeout(tick, intervalMs);
    };
    this.compactionTimer = this.clock.setTimeout(tick, intervalMs);
  }

  /**
   * Stops the server's own timers (the compactor): a cluster that stops lets its servers go at once,
   * rather than when the next tick (up to an interval away) finds the store closed.
   */
  stop(): void {
    this.compactionTimer?.cancel();
    this.compactionTimer = undefined;
  }

  /**
   * Compacts the store up to `target` in steps of about `compactionStepEvents` events of history,
   * yielding between them, so a large backlog never holds up requests for long. The first step
   * runs at once.
   */
  private async compactTo(target: number): Promise<void> {
    while (!this.store.isClosed && this.store.compactRevision < target) {
      try {
        await this.store.compact(this.store.compactionStep(target, compactionStepEvents));
      } catch (err) {
        // Another server compacted past this step meanwhile: go on from where it left the store.
        // Any other failure (a closed store, a log that cannot be written) is its writers' to see.
        if (!isStoreError(err, 'compacted')) return;
      }
      await yieldToEventLoop();
    }
  }

  /**
   * Creates what a new cluster starts with, if missing: the system namespaces and the bootstrap RBAC
   * policy (kube-apiserver's bootstrap-controller and rbac/bootstrap-roles post-start hooks).
   */
  async ensureBootstrap(): Promise<void> {
    const ensure = async (group: string, version: string, resource: string, obj: Obj) => {
      const storage = this.storage(group, resource)!;
      if (storage.getKV(obj.metadata.namespace, obj.metadata.name)) return;
      try {
        await this.createObject(apiServerItself, storage, { group, version, resource, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) }, obj, { fieldManager: 'kube-apiserver' }, false);
      } catch (err) {
        // Another API server replica over the same store bootstrapped it first.
        if (!(err instanceof StatusError && err.code === 409)) throw err;
      }
    };
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) await ensure('', 'v1', 'namespaces', { metadata: { name } });
    // The service range as a ServiceCIDR (the default-servicecidr controller), before any Service takes an address of it.
    await ensure('networking.k8s.io', 'v1', 'servicecidrs', { metadata: { name: defaultServiceCIDRName }, spec: { cidrs: [new ClusterIPAllocator(this.random).range] } });
    await this.markServiceCIDRReady(defaultServiceCIDRName);
    // The API server's own Service, at the first address of the service range.
    await ensure('', 'v1', 'services', {
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { clusterIP: new ClusterIPAllocator(this.random).apiServerServiceIP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], sessionAffinity: 'None', type: 'ClusterIP' },
    });
    // The scheduling/bootstrap-system-priority-classes hook: the two classes system pods run at.
    for (const pc of systemPriorityClasses) await ensure('scheduling.k8s.io', 'v1', 'priorityclasses', { metadata: { name: pc.name }, value: pc.value, description: pc.description });
    for (const role of bootstrapClusterRoles) await ensure('rbac.authorization.k8s.io', 'v1', 'clusterroles', deepCopy(role) as Obj);
    for (const binding of bootstrapClusterRoleBindings) await ensure('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', deepCopy(binding) as Obj);
    // The apiserver's flowcontrol bootstrap: API Priority and Fairness' priority levels, then the FlowSchemas that use them.
    for (const level of [...mandatoryPriorityLevels, ...suggestedPriorityLevels]) await ensure('flowcontrol.apiserver.k8s.io', 'v1', 'prioritylevelconfigurations', deepCopy(level) as Obj);
    for (const schema of [...mandatoryFlowSchemas, ...suggestedFlowSchemas]) await ensure('flowcontrol.apiserver.k8s.io', 'v1', 'flowschemas', deepCopy(schema) as Obj);
    await this.syncFlowSchemaStatuses();
    await this.registerLocalAPIServices();
  }

  /**
   * kube-apiserver's CRD registration controller: an APIService for each group version a CRD
   * serves (automanaged, priorities 1000 and 100, Available as Local), and none once no CRD serves
   * it any more.
   */
  private async registerCRDAPIServices(): Promise<void> {
    const storage = this.storage('apiregistration.k8s.io', 'apiservices')!;
    const wanted = new Map<string, { group: string; version: string }>();
    for (const crd of this.storage('apiextensions.k8s.io', 'customresourcedefinitions')!.listShared(undefined)) {
      for (const v of crd.spec?.versions ?? []) if (v.served) wanted.set(`${v.name}.${crd.spec.group}`, { group: crd.spec.group, version: v.name });
    }
    for (const apiService of storage.listShared(undefined)) {
      const name = apiService.metadata.name;
      if (apiService.metadata.labels?.[automanagedLabel] !== 'true' || wanted.has(name)) continue;
      await this.store.deleteIfUnchanged(storage.key(undefined, name), Number(apiService.metadata.resourceVersion));
    }
    for (const [name, gv] of wanted) {
      if (storage.getKV(undefined, name)) continue;
      await this.registerAPIService(storage, { metadata: { name, labels: { [automanagedLabel]: 'true' } }, spec: { ...gv, groupPriorityMinimum: 1000, versionPriority: 100 } });
    }
  }

  /** Creates a local APIService, Available at once, unless another server made it first. */
  private async registerAPIService(storage: ResourceStorage, apiService: Obj): Promise<void> {
    const ref = { group: 'apiregistration.k8s.io', version: 'v1', resource: 'apiservices', name: apiService.metadata.name };
    try {
      await this.createObject(apiServerItself, storage, ref, apiService, { fieldManager: 'kube-apiserver' }, false);
    } catch (err) {
      // Another API server replica over the same store registered it first.
      if (!(err instanceof StatusError && err.code === 409)) throw err;
      return;
    }
    const available = { type: 'Available', status: 'True', lastTransitionTime: this.timestamp(), reason: 'Local', message: 'Local APIServices are always available' };
    await this.guaranteedUpdate(apiServerItself, storage, { ...ref, subresource: 'status' }, { fieldManager: 'kube-apiserver' }, undefined, (current) => ({ ...current, status: { conditions: [available] } }));
  }

  /**
   * The aggregator's autoregister controller: an APIService for each group version this server
   * serves itself, with kube-apiserver's priorities, Available because it is local. One a user
   * made for the same group version (metrics-server's, say) is left as it is.
   */
  private async registerLocalAPIServices(): Promise<void> {
    const storage = this.storage('apiregistration.k8s.io', 'apiservices')!;
    const served = new Set([...this.resources().map((k) => `${k.group}/${k.version}`), 'authentication.k8s.io/v1', 'authorization.k8s.io/v1']);
    for (const [groupVersion, [groupPriorityMinimum, versionPriority]] of localAPIServicePriorities) {
      if (!served.has(groupVersion)) continue;
      const [group = '', version = ''] = groupVersion.split('/');
      const name = `${version}.${group}`;
      if (storage.getKV(undefined, name)) continue;
      await this.registerAPIService(storage, { metadata: { name, labels: { [automanagedLabel]: 'onstart' } }, spec: { group, version, groupPriorityMinimum, versionPriority } });
    }
  }

  // ---- identity ----

  /**
   * The user a bearer token belongs to: a static token's, or a service account token's while its
   * service account and bound objects last. A missing or unknown token is 401 Unauthorized.
   */
  authenticate(token: string | undefined): UserInfo {
    const user = this.authenticator.authenticate(token);
    if (user) return user;
    const review = token !== undefined ? this.reviewToken(token) : undefined;
    if (review && 'user' in review) return review.user;
    throw statusErrors.unauthorized();
  }

  /**
   * What a TokenReview answers about a service account token for `audiences` (the API server's
   * own by default); undefined when it is no service account token of this cluster.
   */
  reviewToken(token: string, audiences?: readonly string[]): TokenReviewResult | undefined {
    return reviewToken(this.serviceAccountTokens, this.tokenObjects, this.clock.now(), token, audiences?.length ? audiences : undefined, (use) => this.noteLegacyTokenUse(use));
  }

  /**
   * Labels a Secret-based token's Secret with today's date (UTC) once a day, as the legacy token
   * validator does (a date of tomorrow, from a clock ahead of this one, is left too). The write
   * goes on without the request; a Secret replaced meanwhile (another uid) is left alone.
   */
  private noteLegacyTokenUse(use: LegacyTokenUse): void {
    const now = this.clock.now();
    const today = rfc3339(now).slice(0, 10);
    const tomorrow = rfc3339(now + 86_400_000).slice(0, 10);
    const last = use.labels[legacyTokenLastUsed];
    if (last === today || last === tomorrow) return;
    const storage = this.storage('', 'secrets');
    if (!storage) return;
    const ref = { group: '', version: 'v1', resource: 'secrets', namespace: use.namespace, name: use.name };
    void this.guaranteedUpdate(apiServerItself, storage, ref, { fieldManager: 'kube-apiserver' }, undefined, (current) => {
      if (current.metadata?.uid !== use.uid) throw statusErrors.conflict('secrets', '', use.name, `Precondition failed: UID in precondition: ${use.uid}, UID in object meta: ${String(current.metadata?.uid)}`);
      return { ...current, metadata: { ...current.metadata, labels: { ...current.metadata?.labels, [legacyTokenLastUsed]: today } } };
    }).catch(() => {
      // kube-apiserver only logs a failed label write; the request it came with is not affected.
    });
  }

  /**
   * The objects a token names, decoded for this one use: a shared decode would stay cached with the
   * stored version, and every pod's token request would keep its Pod and Node decoded (about 15 KB
   * a node at 1,000 nodes).
   */
  private readonly tokenObjects: TokenObjects = (resource, namespace, name) => this.storage('', resource)?.get(namespace, name);

  /** Whether `user` may do this, without doing it (SelfSubjectAccessReview, `kubectl auth can-i`). */
  can(user: UserInfo, verb: string, ref: ResourceRef): boolean {
    return this.authorizer.authorize(this.attributes(user, verb, ref)).allowed;
  }

  /** The resource an apiVersion and kind are served as, built-in or custom; undefined if none. */
  resourceFor(apiVersion: string, kind: string): { group: string; version: string; resource: string; namespaced: boolean } | undefined {
    const { group, version } = parseAPIVersion(apiVersion);
    const builtIn = kinds().lookup(apiVersion, kind);
    const info = builtIn && !kinds().isCustom(builtIn) ? builtIn : this.customResources.byKind(group, version, kind);
    return info ? { group, version, resource: info.plural, namespaced: info.namespaced } : undefined;
  }

  /** The resources this server serves (for discovery). */
  resources(): KindInfo[] {
    return [...[...this.storages.values(), ...this.converted.values()].map((s) => s.info), ...this.customResources.all(), ...(this.metrics?.kinds() ?? [])];
  }

  // ---- reads ----

  get(ctx: RequestContext, ref: ResourceRef, _options: GetOptions = {}): Obj {
    if (this.metrics && ResourceMetricsApi.handles(ref)) {
      this.metrics.check(ref, 'get');
      this.authorize(ctx, 'get', ref);
      return this.metrics.get(ref);
    }
    const storage = this.resolve(ref);
    this.authorize(ctx, 'get', ref);
    const name = this.requireName(ref);
    if (ref.subresource === 'scale') return this.scaleOf(this.mustGet(storage, ref.namespace, name));
    this.refuseOtherSubresources(storage, ref);
    return this.mustGet(storage, ref.namespace, name);
  }

  list(ctx: RequestContext, ref: ResourceRef, options: ListOptions = {}): Obj {
    if (this.metrics && ResourceMetricsApi.handles(ref)) {
      this.metrics.check(ref, 'list');
      this.authorize(ctx, 'list', ref);
      return this.metrics.list(ref, options);
    }
    const storage = this.resolve(ref);
    this.authorize(ctx, 'list', ref);
    const match = this.predicate(storage, options);
    const prefix = storage.collectionPrefix(ref.namespace);
    const current = this.store.revision;
    let revision = current;
    let after: string | undefined;
    if (options.continue) {
      const token = this.decodeContinue(options.continue, prefix);
      if (token.rv < this.store.compactRevision) {
        throw statusErrors.gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
      }
      revision = token.rv;
      after = token.start;
    } else if (options.resourceVersion && options.resourceVersion !== '0') {
      const rv = this.parseResourceVersion(options.resourceVersion);
      if (rv > current) throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Too large resource version: ${rv}, current: ${current}`, reason: 'Timeout', details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 }, code: 504 });
      if (options.resourceVersionMatch === 'Exact') {
        if (rv < this.store.compactRevision) throw statusErrors.gone('The resourceVersion for the provided list is too old.');
        revision = rv;
      }
    }
    // A kubelet lists the pods of its node: they are read through the nodeName index of the pods
    // watch, as kube-apiserver's watch cache serves them, or failing that only those with the
    // node's name in their stored text are decoded and matched.
    const bound = this.pinnedNode(storage, options.fieldSelector);
    const onNode = bound !== undefined ? this.podsOnNode(storage, prefix, bound, revision) : undefined;
    const needle = bound !== undefined && /^[a-z0-9.-]+$/.test(bound) ? `"nodeName":"${bound}"` : undefined;
    const read = (limit: number, after: string | undefined) => (onNode ? pageOf(onNode, limit, after) : this.store.list(prefix, { ...(limit ? { limit } : {}), ...(after !== undefined ? { after } : {}), revision }));
    const limit = options.limit && options.limit > 0 ? options.limit : 0;
    const items: Obj[] = [];
    let more = false;
    let lastKey: string | undefined;
    let remaining: number | undefined;
    // Keep reading pages until the limit is filled with matching objects, as kube-apiserver does.
    for (;;) {
      const batch = limit ? Math.max(limit - items.length, 1) : 0;
      const page = read(batch, after);
      for (const kv of page.kvs) {
        lastKey = kv.key;
        if (needle !== undefined && typeof kv.value === 'string' && !kv.value.includes(needle)) continue;
        const obj = options.readOnly ? sharedFor(storage, kv, !!options.trimManagedFields) : decodeFor(storage, kv, !!options.trimManagedFields);
        if (!match(obj)) continue;
        items.push(obj);
        if (limit && items.length === limit) break;
      }
      after = lastKey;
      if (limit && items.length === limit) {
        const rest = read(1, lastKey);
        more = rest.kvs.length > 0;
        if (more && !options.labelSelector && !options.fieldSelector) remaining = rest.count;
        break;
      }
      // A page that was not cut short was the rest of the range.
      if (!page.more || !limit) break;
    }
    const metadata: Obj = { resourceVersion: String(revision) };
    if (more && lastKey !== undefined) {
      metadata.continue = this.encodeContinue({ v: 'meta.k8s.io/v1', rv: revision, start: lastKey.slice(prefix.length) });
      if (remaining !== undefined) metadata.remainingItemCount = remaining;
    }
    return { apiVersion: storage.apiVersion, kind: `${storage.info.kind}List`, metadata, items };
  }

  /**
   * Streams changes as watch events. Without a resourceVersion (or with "0"), the current objects
   * come first as ADDED; with one, every change after it; with sendInitialEvents, the current objects
   * then a BOOKMARK marked `k8s.io/initial-events-end`. A compacted version ends the watch with an
   * ERROR event carrying 410 Expired, as kube-apiserver does.
   */
  watch(ctx: RequestContext, ref: ResourceRef, options: WatchOptions, onEvent: (e: ApiWatchEvent) => void, onClose: (err?: StatusError) => void = () => {}): ApiWatch {
    const storage = this.resolve(ref);
    this.authorize(ctx, 'watch', ref);
    const fieldSelector = ref.name ? [`metadata.name=${ref.name}`, options.fieldSelector].filter(Boolean).join(',') : options.fieldSelector;
    const match = this.predicate(storage, { ...options, ...(fieldSelector ? { fieldSelector } : {}) });
    if (options.sendInitialEvents && (!options.allowWatchBookmarks || options.resourceVersionMatch !== 'NotOlderThan')) {
      throw statusErrors.invalid('ListOptions', 'meta.k8s.io', '', [fieldError.forbidden('sendInitialEvents', "sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled and resourceVersionMatch is set to 'NotOlderThan' and allowWatchBookmarks is set")]);
    }
    const rvText = options.resourceVersion ?? '';
    const initial = options.sendInitialEvents || rvText === '' || rvText === '0';
    let since = initial ? this.store.revision : this.parseResourceVersion(rvText);
    const prefix = ref.name ? storage.key(ref.namespace, ref.name) : storage.collectionPrefix(ref.namespace);
    const end = ref.name ? undefined : storage.rangeEnd(prefix);

    let stopped = false;
    let listener: FanoutListener | undefined;
    let fanout: WatchFanout | undefined;
    let bookmarkWanted = false;
    const timers: Timer[] = [];
    const close = (err?: StatusError) => {
      if (stopped) return;
      stopped = true;
      if (listener) fanout?.remove(listener);
      for (const t of timers) t.cancel();
      onClose(err);
    };
    const expired = (compactRevision: number) => {
      const status = statusErrors.gone(`too old resource version: ${since} (${compactRevision})`).status;
      onEvent({ type: 'ERROR', object: status as unknown as Obj });
      close(new StatusError(status));
    };
    const handle = { stop: () => close() };
    const trim = !!options.trimManagedFields;
    const emit = (e: WatchEvent, shared?: SharedDecode) => {
      const event = this.toWatchEvent(storage, e.type, e.kv, e.prevKv, match, trim, shared);
      if (event) onEvent(event);
      since = e.kv.modRevision;
    };

    if (initial) {
      const bound = ref.name ? undefined : this.pinnedNode(storage, fieldSelector);
      const onNode = bound !== undefined ? this.podsOnNode(storage, prefix, bound, since) : undefined;
      for (const kv of onNode ?? this.store.range(prefix, end ? { end } : {}).kvs) {
        const obj = decodeFor(storage, kv, trim);
        if (match(obj)) onEvent({ type: 'ADDED', object: obj });
      }
      if (options.sendInitialEvents) onEvent({ type: 'BOOKMARK', object: this.bookmark(storage, since, true) });
    }
    if (since > 0 && since < this.store.compactRevision) {
      expired(this.store.compactRevision);
      return handle;
    }
    fanout = this.watchFanout(storage);
    // What the shared watch has offered already comes from history, up to where it stands.
    const through = fanout.position;
    if (since < through) {
      const replay = this.store.watch({ key: prefix, ...(end ? { end } : {}), sinceRevision: since, prevKv: true });
      try {
        for (const e of replay.drain()) {
          if (stopped) return handle;
          if (e.kv.modRevision > through) break;
          emit(e);
        }
      } catch (err) {
        if (!isStoreError(err, 'compacted')) throw err;
        expired(err.compactRevision ?? this.store.compactRevision);
        return handle;
      } finally {
        replay.cancel();
      }
      if (stopped) return handle;
    }
    const trigger = this.pinnedNode(storage, fieldSelector);
    listener = {
      key: prefix,
      end,
      trigger,
      deliveredThrough: Math.max(since, through),
      onEvent: (e, shared) => {
        if (!stopped) emit(e, shared);
      },
      onProgress: (revision) => {
        if (stopped || !bookmarkWanted) return;
        bookmarkWanted = false;
        since = Math.max(since, revision);
        onEvent({ type: 'BOOKMARK', object: this.bookmark(storage, since, false) });
      },
      onEnd: (err) => {
        if (isStoreError(err, 'compacted')) expired(err.compactRevision ?? this.store.compactRevision);
        else close();
      },
    };
    fanout.add(listener);
    if (options.allowWatchBookmarks) {
      const tick = () => {
        if (stopped) return;
        bookmarkWanted = true;
        fanout?.requestProgress();
        timers.push(this.clock.setTimeout(tick, this.bookmarkIntervalMs));
      };
      timers.push(this.clock.setTimeout(tick, this.bookmarkIntervalMs));
    }
    if (options.timeoutSeconds && options.timeoutSeconds > 0) timers.push(this.clock.setTimeout(() => close(), options.timeoutSeconds * 1000));
    return handle;
  }

  /** How admission webhooks are called: through the cluster's network, from this server's node. */
  setWebhookTransport(transport: WebhookTransport): void {
    this.webhookTransport = transport;
  }

  /** Where pods/log reads container logs (the cluster's kubelets). */
  setPodLogSource(source: PodLogSource): void {
    this.logSource = source;
  }

  /**
   * pods/log: a container's log, or with `follow` the log so far and then each new line until the
   * container exits or the caller disposes of the stream. Authorized as `get pods/log`.
   */
  podLogs(ctx: RequestContext, ref: ResourceRef, options: PodLogOptions & { container?: string }, follow?: { onData: (text: string) => void; onEnd: () => void }): string | { dispose(): void } {
    const storage = this.resolve({ ...ref, subresource: 'log' });
    this.authorize(ctx, 'get', { ...ref, subresource: 'log' });
    const name = this.requireName(ref);
    const pod = this.mustGet(storage, ref.namespace, name);
    if (!pod.spec?.nodeName) throw statusErrors.badRequest(`pod ${name} does not have a host assigned`);
    if (!this.logSource) throw statusErrors.badRequest(`Get "https://${pod.spec.nodeName}:10250/containerLogs/${ref.namespace}/${name}": no kubelet serves this node`);
    const { container, ...logOptions } = options;
    if (follow) return this.logSource.followLogs(ref.namespace!, name, container, logOptions, follow.onData, follow.onEnd);
    return this.logSource.logs(ref.namespace!, name, container, logOptions);
  }

  /** Where pods/exec, pods/attach and pods/portforward reach containers (the cluster's kubelets). */
  setPodExecSource(source: PodExecSource): void {
    this.execSource = source;
  }

  /** Serves the resource metrics API (metrics.k8s.io/v1beta1) from the kubelets' usage summaries. */
  setMetricsSource(source: MetricsSource): void {
    this.metrics = new ResourceMetricsApi(source, {
      pod: (namespace, name) => this.storage('', 'pods')?.get(namespace, name),
      node: (name) => this.storage('', 'nodes')?.get(undefined, name),
    }, () => this.clock.now());
  }

  /**
   * pods/exec and pods/attach: checks what kube-apiserver checks before it connects to the kubelet
   * (authorization as `create` on the subresource, which kube-apiserver also asks of the WebSocket
   * GET; the pod, its node and the container name), then returns how to start the session. What
   * fails after that is the kubelet's error, thrown as a plain Error.
   */
  podExec(ctx: RequestContext, ref: ResourceRef, options: { container?: string; command?: string[] }): (streams: ContainerStreams) => ContainerProcess {
    const subresource = ref.subresource === 'attach' ? 'attach' : 'exec';
    const { pod, source } = this.streamTarget(ctx, ref, subresource);
    const containers: string[] = (pod.spec?.containers ?? []).map((c: Obj) => c.name);
    const all = [...containers, ...(pod.spec?.initContainers ?? []).map((c: Obj) => c.name), ...(pod.spec?.ephemeralContainers ?? []).map((c: Obj) => c.name)];
    let container = options.container;
    if (!container) {
      if (containers.length !== 1) throw statusErrors.badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.join(' ')}]`);
      container = containers[0]!;
    } else if (!all.includes(container)) {
      throw statusErrors.badRequest(`container ${container} is not valid for pod ${pod.metadata.name}`);
    }
    const name = container;
    if (subresource === 'attach') return (streams) => source.attach(ref.namespace!, pod.metadata.name, name, streams);
    const command = options.command ?? [];
    if (!command.length) throw statusErrors.badRequest('you must specify at least 1 command');
    return (streams) => source.exec(ref.namespace!, pod.metadata.name, name, command, streams);
  }

  /** pods/portforward: after the same checks, how to open a connection to a port of the pod. */
  podPortForward(ctx: RequestContext, ref: ResourceRef): (port: number, onData: (data: Buffer) => void, onEnd: () => void) => PodConnection {
    const { pod, source } = this.streamTarget(ctx, ref, 'portforward');
    return (port, onData, onEnd) => source.portForward(ref.namespace!, pod.metadata.name, port, onData, onEnd);
  }

  private streamTarget(ctx: RequestContext, ref: ResourceRef, subresource: string): { pod: Obj; source: PodExecSource } {
    const target = { ...ref, subresource };
    const storage = this.resolve(target);
    this.authorize(ctx, 'create', target);
    const name = this.requireName(ref);
    const pod = this.mustGet(storage, ref.namespace, name);
    if (!pod.spec?.nodeName) throw statusErrors.badRequest(`pod ${name} does not have a host assigned`);
    if (!this.execSource) throw statusErrors.badRequest(`error dialing backend: dial tcp ${pod.spec.nodeName}:10250: no kubelet serves this node`);
    return { pod, source: this.execSource };
  }

  // ---- writes ----

  async create(ctx: RequestContext, ref: ResourceRef, body: unknown, options: WriteOptions = {}): Promise<Result<Obj>> {
    const storage = this.resolve(ref);
    if (ref.subresource === 'binding') return this.bind(ctx, storage, ref, body, options);
    if (ref.subresource === 'eviction') return this.evict(ctx, storage, ref, body, options);
    if (ref.subresource === 'token' && storage.info.kind === 'ServiceAccount') return { object: this.requestToken(ctx, ref, body, options), warnings: [] };
    if (ref.subresource) throw statusErrors.methodNotAllowed('the server does not allow this method on the requested resource');
    return this.audited(ctx, 'create', ref, options, async () => {
      this.authorize(ctx, 'create', ref);
      return this.createObject(ctx, storage, ref, body, options, false);
    });
  }

  /**
   * A Service is created together with its cluster IP and node ports, in one transaction; when a
   * concurrent create took one of them first, allocation starts over.
   */
  private async createService(storage: ResourceStorage, service: Obj, warnings: string[], options: WriteOptions): Promise<Result<Obj>> {
    const key = storage.key(service.metadata.namespace, service.metadata.name);
    for (let attempt = 0; ; attempt++) {
      const next = deepCopy(service);
      const allocations = this.serviceAllocator.allocate(next);
      if (options.dryRun) return { object: next, warnings };
      const result = await this.store.txn(this.serviceAllocator.createTxn(key, storage.encode(next), allocations));
      if (result.succeeded) return { object: storage.decode(this.store.get(key)!), warnings };
      if (this.store.get(key) || attempt >= 10) throw statusErrors.alreadyExists(storage.info.plural, storage.info.group, service.metadata.name);
    }
  }

  /**
   * A Service's update together with the cluster IP and node ports it takes and frees, in one
   * transaction; when the Service changed meanwhile or another took a port first, it fails and
   * GuaranteedUpdate starts over.
   */
  private async updateService(kv: KeyValue, value: string, allocations: ServiceAllocations): Promise<{ succeeded: boolean; kv?: KeyValue }> {
    const result = await this.store.txn(this.serviceAllocator.updateTxn(kv.key, value, kv.modRevision, allocations));
    if (!result.succeeded) return { succeeded: false };
    return { succeeded: true, kv: { ...kv, value, modRevision: result.revision, version: kv.version + 1 } };
  }

  /** The create path; `applied` objects already carry the managedFields server-side apply computed. */
  private async createObject(ctx: RequestContext, storage: ResourceStorage, ref: ResourceRef, body: unknown, options: WriteOptions, applied: boolean): Promise<Result<Obj>> {
    const obj = this.decodeBody(storage, ref, body, options);
    const meta = obj.metadata;
    if (meta.resourceVersion) throw statusErrors.internal('resourceVersion should not be set on objects to be created');
    for (const f of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink']) delete meta[f];
    // decodeBody made `obj` this request's own copy: it is defaulted where it is.
    let created = storage.defaultInPlace(obj);
    // The create handler records its manager's fields on the object as sent and defaulted: before
    // mutating admission (a service account's volume, a priority) and the strategy (status, name).
    if (!applied) created = this.recordManagedFields(storage, undefined, created, options, ctx);
    storage.strategy.prepareForCreate(created, this.timestamp(), ctx.user ?? anonymousUser);
    this.admit('CREATE', ctx, storage, created.metadata.name ?? '', ref.namespace, created, undefined, options);
    if (!created.metadata.name && created.metadata.generateName) created.metadata.name = generateName(created.metadata.generateName, this.random);
    const name: string = created.metadata.name ?? '';
    const warnings = this.validate(storage, created, undefined, options, name);
    const charges = this.admitValidate('CREATE', ctx, storage, name, ref.namespace, created, undefined, options, undefined, warnings);
    created.metadata.uid = this.uuid();
    created.metadata.creationTimestamp = this.timestamp();
    if (!options.dryRun) await this.chargeQuotas(charges);
    if (isService(storage)) return this.createService(storage, created, warnings, options);
    if (options.dryRun) return { object: created, warnings };
    const key = storage.key(ref.namespace, name);
    const result = await this.store.create(key, storage.encodeForWrite(key, created));
    if (!result.succeeded) throw statusErrors.alreadyExists(storage.info.plural, storage.info.group, name);
    const changed = await this.reactToWrite(storage, 'create', name);
    if (changed) return { object: changed, warnings };
    return writtenResult(() => storage.decodeWritten(created, result.kv!), warnings);
  }

  async update(ctx: RequestContext, ref: ResourceRef, body: unknown, options: WriteOptions = {}): Promise<Result<Obj>> {
    const storage = this.resolve(ref);
    const name = this.requireName(ref);
    if (ref.subresource === 'scale') {
      const rv = isObj(body) && isObj(body.metadata) ? body.metadata.resourceVersion : undefined;
      return this.updateScale(ctx, storage, ref, options, typeof rv === 'string' && rv ? this.parseResourceVersion(rv) : undefined, () => body);
    }
    if (ref.subresource === 'finalize' && storage.info.kind === 'Namespace') return this.finalizeNamespace(ctx, storage, ref, body, options);
    this.refuseOtherSubresources(storage, ref);
    return this.audited(ctx, 'update', ref, options, async () => {
      this.authorize(ctx, 'update', ref);
      const sent = this.decodeBody(storage, ref, body, options);
      if (sent.metadata.name !== name) throw statusErrors.badRequest(`the name of the object (${sent.metadata.name}) does not match the name on the URL (${name})`);
      const precondition = sent.metadata.resourceVersion ? this.parseResourceVersion(sent.metadata.resourceVersion) : undefined;
      // Each attempt starts from a fresh copy of the body, which nothing else holds.
      return this.guaranteedUpdate(ctx, storage, ref, options, precondition, () => deepCopy(sent), false, true);
    });
  }

  async patch(ctx: RequestContext, ref: ResourceRef, type: PatchType, patch: unknown, options: PatchOptions = {}): Promise<Result<Obj>> {
    const storage = this.resolve(ref);
    const name = this.requireName(ref);
    if (ref.subresource === 'scale') {
      this.mustGet(storage, ref.namespace, name);
      // Applied to the Scale of the object as each update attempt finds it, as kube-apiserver re-applies a
      // patch on conflict: only a resourceVersion the patch itself names is a precondition.
      const scaleSchema = openapi().forKind('autoscaling', 'v1', 'Scale');
      return this.updateScale(ctx, storage, ref, options, this.patchPrecondition(type, patch), (current) => this.applyPatch(type, this.scaleOf(current), patch, scaleSchema), { type, patch });
    }
    this.refuseOtherSubresources(storage, ref);
    if (type === 'apply' && !options.fieldManager) throw statusErrors.badRequest('PATCH, application/apply-patch+yaml: fieldManager is required for apply requests');
    if (type !== 'apply' && options.force !== undefined) throw statusErrors.badRequest('force is only allowed for apply patches');
    const schema = this.schemaOf(storage);
    return this.audited(ctx, 'patch', ref, options, async () => {
      this.authorize(ctx, 'patch', ref);
      if (type === 'apply') {
        const applied = this.asObject(patch);
        const existing = storage.get(ref.namespace, name);
        if (!existing) {
          // Server-side apply of a missing object creates it (the caller needs create permission too).
          this.authorize(ctx, 'create', ref);
          const initial = this.applyWithOwnership(storage, schema, undefined, applied, options, ref.subresource);
          return this.createObject(ctx, storage, { ...ref, subresource: undefined }, initial, options, true);
        }
      }
      const precondition = this.patchPrecondition(type, patch);
      return this.guaranteedUpdate(ctx, storage, ref, options, precondition, (current) => {
        if (type === 'apply') return this.applyWithOwnership(storage, schema, current, this.asObject(patch), options, ref.subresource);
        return this.applyPatch(type, current, patch, schema, !storage.custom);
      }, type === 'apply', false, { type, patch });
    });
  }

  async delete(ctx: RequestContext, ref: ResourceRef, options: DeleteOptions = {}): Promise<Result<Obj>> {
    const storage = this.resolve(ref);
    const name = this.requireName(ref);
    return this.audited(ctx, 'delete', ref, { dryRun: options.dryRun }, async () => {
      this.authorize(ctx, 'delete', ref);
      return this.deleteObject(ctx, storage, ref.namespace, name, options);
    });
  }

  async deleteCollection(ctx: RequestContext, ref: ResourceRef, listOptions: ListOptions = {}, options: DeleteOptions = {}): Promise<Result<Obj>> {
    const storage = this.resolve(ref);
    return this.audited(ctx, 'deletecollection', ref, { dryRun: options.dryRun }, async () => {
      this.authorize(ctx, 'deletecollection', ref);
      const list = this.list(ctx, ref, { ...listOptions, limit: 0, continue: undefined });
      const deleted: Obj[] = [];
      for (const item of list.items as Obj[]) {
        try {
          deleted.push((await this.deleteObject(ctx, storage, item.metadata.namespace, item.metadata.name, options)).object);
        } catch (err) {
          // Something else deleted it meanwhile: that is what was asked.
          if (!(err instanceof StatusError && err.code === 404)) throw err;
        }
      }
      return { object: { apiVersion: storage.apiVersion, kind: `${storage.info.kind}List`, metadata: { resourceVersion: String(this.store.revision) }, items: deleted }, warnings: [] };
    });
  }

  // ---- helpers: request resolution and authorization ----

  private storage(group: string, resource: string): ResourceStorage | undefined {
    return this.storages.get(`${group}/${resource}`);
  }

  /**
   * Get, update and patch serve the object itself, its status, and a pod's ephemeralcontainers
   * (read as the pod, written as its spec.ephemeralContainers only) and a CSR's approval (written as its
   * conditions only); any other subresource is 405.
   */
  private refuseOtherSubresources(storage: ResourceStorage, ref: ResourceRef): void {
    const sub = ref.subresource;
    if (!sub || sub === 'status' || (sub === 'ephemeralcontainers' && storage.strategy.prepareForEphemeralContainersUpdate) || (sub === 'approval' && storage.strategy.prepareForApprovalUpdate)) return;
    throw statusErrors.methodNotAllowed('the server does not allow this method on the requested resource');
  }

  private resolve(ref: ResourceRef): ResourceStorage {
    // The metrics API stores nothing: any verb but get and list is refused (or its unknown resource is a 404).
    if (this.metrics && ResourceMetricsApi.handles(ref)) this.metrics.refuse(ref);
    const builtIn = this.storage(ref.group, ref.resource);
    // A version served over another version's storage, perhaps another group's (events.k8s.io/v1 over core/v1).
    const converted = this.converted.get(`${ref.group}/${ref.resource}/${ref.version}`);
    const storage = builtIn && builtIn.info.version === ref.version ? builtIn : (converted ?? (builtIn ? undefined : this.customResources.lookup(ref.group, ref.resource, ref.version)?.storage));
    if (!storage) throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: { group: ref.group, kind: ref.resource }, code: 404 });
    if (ref.subresource && !storage.info.subresources.includes(ref.subresource) && !(ref.subresource === 'finalize' && storage.info.kind === 'Namespace')) {
      throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: { group: ref.group, kind: `${ref.resource}/${ref.subresource}` }, code: 404 });
    }
    if (storage.info.namespaced && ref.name !== undefined && !ref.namespace) throw statusErrors.badRequest('an empty namespace may not be set when a resource name is provided');
    return storage;
  }

  private attributes(user: UserInfo, verb: string, ref: ResourceRef): ResourceAttributes {
    return {
      user,
      verb,
      apiGroup: ref.group,
      apiVersion: ref.version,
      resource: ref.resource,
      ...(ref.subresource ? { subresource: ref.subresource } : {}),
      ...(ref.namespace ? { namespace: ref.namespace } : {}),
      ...(ref.name ? { name: ref.name } : {}),
    };
  }

  private authorize(ctx: RequestContext, verb: string, ref: ResourceRef): void {
    const a = this.attributes(ctx.user ?? anonymousUser, verb, ref);
    const decision = this.authorizer.authorize(a);
    if (!decision.allowed) throw forbidden(a, decision.reason);
  }

  private requireName(ref: ResourceRef): string {
    if (!ref.name) throw statusErrors.methodNotAllowed('the server does not allow this method on the requested resource');
    return ref.name;
  }

  private mustGet(storage: ResourceStorage, namespace: string | undefined, name: string): Obj {
    const obj = storage.get(namespace, name);
    if (!obj) throw statusErrors.notFound(storage.info.plural, storage.info.group, name);
    return obj;
  }

  private asObject(body: unknown): Obj {
    if (!isObj(body)) throw statusErrors.badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
    return body;
  }

  /**
   * Checks a request body's type and namespace against the URL, as the REST handlers do; returns a
   * copy of it to work on, or with `copy` false the body itself (one the caller made for this).
   * A built-in kind's object is decoded into its Go type first, before anything defaults or reads
   * it (see `checkDecodes`); one `made` by a patch is reported as its patcher reports it, and a body
   * decoded already (`made` 'decoded') is not decoded again.
   */
  private decodeBody(storage: ResourceStorage, ref: ResourceRef, body: unknown, options: WriteOptions, copy = true, made: 'body' | 'decoded' | PatchMade = 'body'): Obj {
    const obj = copy ? deepCopy(this.asObject(body)) : this.asObject(body);
    const info = storage.info;
    if (obj.apiVersion !== undefined && obj.apiVersion !== storage.apiVersion) {
      throw statusErrors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${storage.apiVersion})`);
    }
    if (obj.kind !== undefined && obj.kind !== info.kind) throw statusErrors.badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${info.kind})`);
    if (!storage.custom && made !== 'decoded') this.checkDecodes(info, obj, options, made);
    obj.apiVersion = storage.apiVersion;
    obj.kind = info.kind;
    if (!isObj(obj.metadata)) obj.metadata = {};
    if (info.namespaced) {
      const ns = obj.metadata.namespace;
      if (ns && ref.namespace && ns !== ref.namespace) throw statusErrors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      obj.metadata.namespace = ref.namespace ?? ns;
      if (!obj.metadata.namespace) throw statusErrors.badRequest('the namespace of the provided object is empty and no namespace was given on the request');
    } else {
      delete obj.metadata.namespace;
    }
    return obj;
  }

  /**
   * A built-in kind's object decodes into its Go type as kube-apiserver decodes it, or the request
   * fails in the decoder's words before anything defaults, admits or validates the object: a value
   * that does not fit its type, and under Strict field validation a member the type does not have.
   * A body gets the handler's 400 (transformDecodeError). An object a patch made gets the patcher's
   * 422, whose invalid value is `patch`: for a JSON or merge patch the patched object's JSON, decoded
   * as a body is; for a strategic merge patch the patch as Go prints it, with the unstructured
   * converter's rules and words.
   */
  private checkDecodes(info: KindInfo, obj: Obj, options: WriteOptions, made: 'body' | PatchMade): void {
    const problems = decodeProblems(obj, info, (options.fieldValidation ?? 'Strict') === 'Strict');
    // Server-side apply's own errors are not modelled: its objects are reported as bodies are.
    if (made === 'body' || made.type === 'apply') {
      const detail = problems.decodeError ?? (problems.unknownFields.length ? strictDecodingError(problems.unknownFields) : undefined);
      if (detail !== undefined) throw cannotBeHandled(info, detail);
      return;
    }
    const strategic = made.type === 'strategic';
    const error = strategic ? problems.schema && unstructuredConvertError(obj, problems.schema) : problems.decodeError;
    // The converter a strategic merge patch goes through sorts what it found; the JSON decoder does not.
    const detail = error ?? (problems.unknownFields.length ? strictDecodingError(problems.unknownFields, strategic) : undefined);
    if (detail === undefined) return;
    const value = strategic ? goMapString(typeof made.patch === 'string' ? JSON.parse(made.patch) : made.patch) : JSON.stringify(obj);
    throw statusErrors.invalid('', '', '', [fieldError.invalid('patch', value, detail)]);
  }

  /** `sent`: for a status update, the object as the request made it (see ValidateOptions.sent). */
  private validate(storage: ResourceStorage, obj: Obj, old: Obj | undefined, options: WriteOptions, name: string, subresource?: string, sent?: Obj): string[] {
    const custom = storage.custom ? this.customResources.lookup(storage.info.group, storage.info.plural, storage.info.version) : undefined;
    const result = validateObject(obj, {
      fieldValidation: options.fieldValidation ?? 'Strict',
      defaulted: true,
      ...(old ? { oldObject: old } : {}),
      ...(subresource ? { subresource } : {}),
      ...(sent ? { sent } : {}),
      ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
      ...(custom ? { customKind: { info: storage.info, schema: custom.schema } } : {}),
    });
    const errors: FieldError[] = result.errors;
    if (errors.length && errors.every((e) => e.type === 'UnknownField' || e.type === 'DuplicateField')) {
      // Under Strict these fail the decoding itself, before any validation: the handler's
      // transformDecodeError answers 400 in the decoder's words.
      throw cannotBeHandled(storage.info, strictDecodingError(errors));
    }
    if (errors.length) throw statusErrors.invalid(storage.info.kind, storage.info.group, name, errors);
    // Unknown fields are dropped whenever they do not fail the request: under Warn too, as the decoder drops them.
    if (result.pruned !== undefined && (options.fieldValidation === 'Ignore' || options.fieldValidation === 'Warn')) {
      // A status update's pruned body goes through the status strategy again, as the body did.
      const pruned = sent && old ? storage.strategy.prepareForStatusUpdate(result.pruned as Obj, old, false, this.timestamp()) : result.pruned;
      // In place, unknown top-level members included.
      for (const key of Object.keys(obj)) delete obj[key];
      Object.assign(obj, pruned);
    }
    return result.warnings.map(formatFieldError);
  }

  private admissionRequest(operation: Operation, ctx: RequestContext, storage: ResourceStorage, name: string, namespace: string | undefined, object: Obj | undefined, oldObject: Obj | undefined, options: { dryRun?: boolean }, subresource?: string, warnings?: string[]): AdmissionRequest {
    // Members added one by one rather than spread in: every write builds two of these.
    const request: { -readonly [K in keyof AdmissionRequest]: AdmissionRequest[K] } = { operation, kind: storage.info, namespace: storage.info.namespaced ? (namespace ?? '') : '', name, user: ctx.user, dryRun: !!options.dryRun };
    if (subresource) request.subresource = subresource;
    if (object) request.object = object;
    if (oldObject) request.oldObject = oldObject;
    if (warnings) request.warn = (message: string) => void warnings.push(message);
    return request;
  }

  private admit(op: Operation, ctx: RequestContext, storage: ResourceStorage, name: string, namespace: string | undefined, obj: Obj | undefined, old: Obj | undefined, options: { dryRun?: boolean }, subresource?: string): void {
    this.admission.admit(this.admissionRequest(op, ctx, storage, name, namespace, obj, old, options, subresource), this.admissionContext);
  }

  /** Runs the validating plugins, adding their warnings to `warnings`; returns the quota charges the write makes if it goes ahead. */
  private admitValidate(op: Operation, ctx: RequestContext, storage: ResourceStorage, name: string, namespace: string | undefined, obj: Obj | undefined, old: Obj | undefined, options: { dryRun?: boolean }, subresource?: string, warnings?: string[]): QuotaCharge[] {
    const charges: QuotaCharge[] = [];
    this.charges = charges;
    try {
      this.admission.validate(this.admissionRequest(op, ctx, storage, name, namespace, obj, old, options, subresource, warnings), this.admissionContext);
    } finally {
      this.charges = undefined;
    }
    return charges;
  }

  /**
   * Writes the quota charges of an admitted write before the write itself, each on the quota's
   * status as it stands then (another write may have charged it since the check): past its hard
   * limit the write is refused after all. A quota deleted meanwhile charges nothing.
   */
  private async chargeQuotas(charges: readonly QuotaCharge[]): Promise<void> {
    if (charges.length === 0) return;
    const storage = this.storage('', 'resourcequotas')!;
    for (const { quota, delta, forbid } of charges) {
      const ref = { group: '', version: 'v1', resource: 'resourcequotas', namespace: quota.metadata.namespace, name: quota.metadata.name, subresource: 'status' };
      try {
        await this.guaranteedUpdate(apiServerItself, storage, ref, { fieldManager: 'kube-apiserver' }, undefined, (current) => ({ ...current, status: { ...current.status, used: chargeQuota(current, delta, forbid) } }));
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
  }

  // ---- helpers: updates ----

  /**
   * kube-apiserver's GuaranteedUpdate: read the current object, let `tryUpdate` compute the new
   * one, and compare-and-swap it in; if another writer got there first, start over — unless the
   * caller named a resourceVersion, which then is a 409 Conflict.
   *
   * `tryUpdate` must leave the current object as it is (the patch functions, server-side apply and
   * the spreads of the status writers all build new objects): what it returns may share parts of
   * the current object, so it is copied before anything changes it. With `fresh` it returns an
   * object of its own that shares nothing (a PUT's body), which needs no copy.
   */
  private async guaranteedUpdate(ctx: RequestContext, storage: ResourceStorage, ref: ResourceRef, options: WriteOptions, precondition: number | undefined, tryUpdate: (current: Obj) => Obj, managedByApply = false, fresh = false, patched?: PatchMade): Promise<Result<Obj>> {
    const name = ref.name!;
    const subresource = ref.subresource;
    for (let attempt = 0; ; attempt++) {
      const kv = storage.getKV(ref.namespace, name);
      if (!kv) throw statusErrors.notFound(storage.info.plural, storage.info.group, name);
      if (precondition !== undefined && kv.modRevision !== precondition) throw statusErrors.conflict(storage.info.plural, storage.info.group, name, conflictMessage);
      const current = storage.decode(kv);
      // Frozen under the mutation detector, so a tryUpdate that changed it would fail the tests.
      let next = tryUpdate(shareReadOnly(current));
      if (!isObj(next)) throw statusErrors.badRequest('the patched object is not a JSON object');
      // A PUT's body was decoded as the request came; what the server builds itself needs no decoding.
      // A JSON patch's result shares nothing with the stored object or the patch (applyJSONPatch).
      next = this.decodeBody(storage, ref, next, options, !fresh && patched?.type !== 'json', fresh || !patched ? 'decoded' : patched);
      if (next.metadata.name !== name) throw statusErrors.badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
      // decodeBody's copy (or the fresh object) belongs to this attempt: it is defaulted where it is.
      next = storage.defaultInPlace(next);
      this.keepSystemMetadata(next, current);
      // A status update's object is decoded whole (server-side apply judged its configuration already).
      const sent = subresource === 'status' && !managedByApply ? next : undefined;
      if (subresource === 'status') next = storage.strategy.prepareForStatusUpdate(next, current, managedByApply, this.timestamp());
      else if (subresource === 'ephemeralcontainers' && storage.strategy.prepareForEphemeralContainersUpdate) next = storage.strategy.prepareForEphemeralContainersUpdate(next, current);
      else if (subresource === 'approval' && storage.strategy.prepareForApprovalUpdate) next = storage.strategy.prepareForApprovalUpdate(next, current, this.timestamp());
      else storage.strategy.prepareForUpdate(next, current);
      // A Service keeps, takes and frees its cluster IPs and node ports with the update itself.
      const allocations = isService(storage) && !subresource ? this.serviceAllocator.allocateUpdate(next, current) : undefined;
      this.admit('UPDATE', ctx, storage, name, ref.namespace, next, current, options, subresource);
      const warnings = this.validate(storage, next, current, options, name, subresource, sent);
      const charges = this.admitValidate('UPDATE', ctx, storage, name, ref.namespace, next, current, options, subresource, warnings);
      if (!managedByApply) next = this.recordManagedFields(storage, current, next, options, ctx, subresource);
      // A write that changes nothing is not a write: no new resourceVersion, no watch event.
      if (this.sameObject(next, current)) return { object: current, warnings };
      // A dry run changes nothing, so the object keeps the version it has (kubectl diff compares against it).
      if (options.dryRun) return { object: { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion } }, warnings };
      // Removing the last finalizer of an object marked for deletion completes the deletion
      // (a namespace also waits for its spec.finalizers, which only /finalize removes).
      const namespaceFinalizing = storage.info.kind === 'Namespace' && storage.info.group === '' && (next.spec?.finalizers ?? []).length > 0;
      if (next.metadata.deletionTimestamp && !(next.metadata.finalizers ?? []).length && (next.metadata.deletionGracePeriodSeconds ?? 0) === 0 && !namespaceFinalizing) {
        const deleted = await this.store.deleteIfUnchanged(kv.key, kv.modRevision);
        if (deleted.succeeded) return { object: { ...next, metadata: { ...next.metadata, resourceVersion: String(deleted.revision) } }, warnings };
        continue;
      }
      await this.chargeQuotas(charges);
      const value = storage.encodeForWrite(kv.key, next);
      const result = allocations?.reserve.length || allocations?.release?.length ? await this.updateService(kv, value, allocations) : await this.store.update(kv.key, value, kv.modRevision);
      if (result.succeeded) {
        if (!subresource) await this.reactToWrite(storage, 'update', name);
        return writtenResult(() => storage.decodeWritten(next, result.kv!), warnings);
      }
      if (attempt > 100) throw statusErrors.conflict(storage.info.plural, storage.info.group, name, conflictMessage);
    }
  }

  /** Fields only the server sets survive every update unchanged. */
  private keepSystemMetadata(next: Obj, current: Obj): void {
    const m = next.metadata;
    const c = current.metadata;
    for (const f of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation']) {
      if (c[f] === undefined) delete m[f];
      else m[f] = c[f];
    }
    // Finalizers may not be added once deletion started (they may be removed).
    if (c.deletionTimestamp) m.finalizers = (m.finalizers ?? []).filter((f: string) => (c.finalizers ?? []).includes(f));
    delete m.resourceVersion;
  }

  /**
   * Whether an update changes nothing but the resourceVersion and the times of managed fields
   * entries: compared member by member in place, since every update asks.
   */
  private sameObject(a: Obj, b: Obj): boolean {
    if (!sameMembers(a, b, (k) => k === 'metadata')) return false;
    const am = a.metadata ?? {};
    const bm = b.metadata ?? {};
    if (!sameMembers(am, bm, (k) => k === 'resourceVersion' || k === 'managedFields')) return false;
    const af: Obj[] = am.managedFields ?? [];
    const bf: Obj[] = bm.managedFields ?? [];
    if (!Array.isArray(af) || !Array.isArray(bf)) return deepEqual(af, bf);
    if (af.length !== bf.length) return false;
    return af.every((e, i) => sameMembers(e, bf[i]!, (k) => k === 'time'));
  }

  private applyOptions(storage: ResourceStorage, schema: SchemaNode | undefined, options: PatchOptions, subresource: string | undefined) {
    return {
      schema,
      manager: options.fieldManager!,
      apiVersion: storage.apiVersion,
      time: this.timestamp(),
      ...(subresource ? { subresource } : {}),
      ...(options.force ? { force: true } : {}),
      ignoredFields: this.ignoredFields(storage, subresource),
    };
  }

  private applyWithOwnership(storage: ResourceStorage, schema: SchemaNode | undefined, current: Obj | undefined, applied: Obj, options: PatchOptions, subresource: string | undefined): Obj {
    try {
      return serverSideApply(current, applied, this.applyOptions(storage, schema, options, subresource));
    } catch (err) {
      if (err instanceof ApplyConflictError) throw err.statusError;
      throw statusErrors.badRequest(err instanceof Error ? err.message : String(err));
    }
  }

  /** The schema of a resource's objects: the CRD's for a custom resource, else the built-in one. */
  private schemaOf(storage: ResourceStorage): SchemaNode | undefined {
    if (!storage.custom) return kinds().schema(storage.info);
    const served = this.customResources.lookup(storage.info.group, storage.info.plural, storage.info.version);
    return served ? customResourceSchema(served.schema) : undefined;
  }

  /** The fields an endpoint resets, so nobody can own them through it (status through the main resource, and the reverse). */
  private ignoredFields(storage: ResourceStorage, subresource: string | undefined): readonly (readonly string[])[] {
    if (!storage.strategy.hasStatus) return [];
    if (subresource === 'status') return storage.strategy.statusResetFields;
    if (subresource === 'ephemeralcontainers') return [['f:status']];
    if (subresource === 'approval') return storage.strategy.approvalResetFields ?? [];
    return mainResetFields;
  }

  private recordManagedFields(storage: ResourceStorage, current: Obj | undefined, next: Obj, options: WriteOptions, ctx: RequestContext, subresource?: string): Obj {
    const manager = options.fieldManager ?? this.defaultManager(ctx);
    try {
      return recordUpdate(current, next, { schema: this.schemaOf(storage), manager, apiVersion: storage.apiVersion, time: this.timestamp(), ...(subresource ? { subresource } : {}), ignoredFields: this.ignoredFields(storage, subresource) });
    } catch {
      // Managed fields are bookkeeping: a shape the field manager cannot track must not fail the write.
      return next;
    }
  }

  /** kube-apiserver names an unnamed manager after the client's user agent up to its first slash. */
  private defaultManager(ctx: RequestContext): string {
    return ctx.userAgent?.split('/')[0] || 'kubeside';
  }

  private applyPatch(type: PatchType, current: Obj, patch: unknown, schema: SchemaNode | undefined, builtIn = true): Obj {
    const contentType = Object.keys(patchContentTypes).find((t) => patchContentTypes[t] === type)!;
    return patchObject(current, contentType, patch, { schema, builtIn });
  }

  /**
   * What apiextensions-apiserver's naming and establishing controllers do for a new CRD: accept its
   * names and mark it Established, so clients waiting on `condition=Established` proceed.
   */
  private async establish(storage: ResourceStorage, name: string): Promise<Obj> {
    const now = this.timestamp();
    const ref: ResourceRef = { group: storage.info.group, version: storage.info.version, resource: storage.info.plural, name, subresource: 'status' };
    const result = await this.guaranteedUpdate(apiServerItself, storage, ref, { fieldManager: 'kube-apiserver' }, undefined, (crd) => ({
      ...crd,
      status: {
        acceptedNames: crd.spec.names,
        storedVersions: crd.status?.storedVersions ?? [],
        conditions: [
          { type: 'NamesAccepted', status: 'True', lastTransitionTime: now, reason: 'NoConflicts', message: 'no conflicts found' },
          { type: 'Established', status: 'True', lastTransitionTime: now, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
        ],
      },
    }));
    return result.object;
  }

  /**
   * What kube-apiserver's in-process controllers do as soon as one of their objects is written: a
   * new CRD is established and a new ServiceCIDR made Ready; the CRDs' APIServices and the
   * FlowSchemas' Dangling conditions follow the CRDs and the priority levels. Returns the object as
   * they left it when they changed what a create answers with.
   */
  private async reactToWrite(storage: ResourceStorage, operation: 'create' | 'update' | 'delete', name: string): Promise<Obj | undefined> {
    if (isCRD(storage)) {
      const established = operation === 'create' ? await this.establish(storage, name) : undefined;
      await this.registerCRDAPIServices();
      return established;
    }
    if (isFlowControl(storage)) await this.syncFlowSchemaStatuses();
    if (operation === 'create' && storage.info.group === 'networking.k8s.io' && storage.info.kind === 'ServiceCIDR') return this.markServiceCIDRReady(name);
    return undefined;
  }

  /**
   * kube-apiserver's API Priority and Fairness configuration controller, as far as objects show it:
   * each FlowSchema's Dangling condition says whether the priority level it names exists.
   */
  private async syncFlowSchemaStatuses(): Promise<void> {
    const group = 'flowcontrol.apiserver.k8s.io';
    const flowSchemas = this.storage(group, 'flowschemas')!;
    const levels = new Set(this.storage(group, 'prioritylevelconfigurations')!.listShared(undefined).map((p) => p.metadata.name));
    for (const fs of flowSchemas.listShared(undefined)) {
      const level = String(fs.spec?.priorityLevelConfiguration?.name ?? '');
      const want = levels.has(level)
        ? { status: 'False', reason: 'Found', message: `This FlowSchema references the PriorityLevelConfiguration object named ${JSON.stringify(level)} and it exists` }
        : { status: 'True', reason: 'NotFound', message: `This FlowSchema references the PriorityLevelConfiguration object named ${JSON.stringify(level)} but there is no such object` };
      const current = (fs.status?.conditions ?? []).find((c: Obj) => c.type === 'Dangling');
      if (current && current.status === want.status && current.reason === want.reason && current.message === want.message) continue;
      const dangling = { type: 'Dangling', ...want, lastTransitionTime: this.timestamp() };
      const ref: ResourceRef = { group, version: 'v1', resource: 'flowschemas', name: fs.metadata.name, subresource: 'status' };
      try {
        await this.guaranteedUpdate(apiServerItself, flowSchemas, ref, { fieldManager: 'api-priority-and-fairness-config-consumer-v1' }, undefined, (cur) => ({
          ...cur,
          status: { ...cur.status, conditions: [...(cur.status?.conditions ?? []).filter((c: Obj) => c.type !== 'Dangling'), dangling] },
        }));
      } catch (err) {
        // Deleted meanwhile.
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
  }

  /**
   * The servicecidrs controller's verdict on a ServiceCIDR: Ready, so Services take addresses from
   * it once the default range is full. The default one says so in its message, as kube-apiserver's does.
   */
  private async markServiceCIDRReady(name: string): Promise<Obj> {
    const storage = this.storage('networking.k8s.io', 'servicecidrs')!;
    const ref: ResourceRef = { group: 'networking.k8s.io', version: 'v1', resource: 'servicecidrs', name, subresource: 'status' };
    const ready = { type: 'Ready', status: 'True', lastTransitionTime: this.timestamp(), reason: '', message: name === defaultServiceCIDRName ? 'Kubernetes Service CIDR is ready' : '' };
    const result = await this.guaranteedUpdate(apiServerItself, storage, ref, { fieldManager: 'kube-apiserver' }, undefined, (current) =>
      (current.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True') ? current : { ...current, status: { conditions: [ready] } },
    );
    return result.object;
  }

  /** A merge or strategic patch that names a resourceVersion makes it a precondition. */
  private patchPrecondition(type: PatchType, patch: unknown): number | undefined {
    if (type !== 'merge' && type !== 'strategic') return undefined;
    const rv = isObj(patch) && isObj(patch.metadata) ? patch.metadata.resourceVersion : undefined;
    return typeof rv === 'string' && rv ? this.parseResourceVersion(rv) : undefined;
  }

  // ---- helpers: deletion ----

  private async deleteObject(ctx: RequestContext, storage: ResourceStorage, namespace: string | undefined, name: string, options: DeleteOptions): Promise<Result<Obj>> {
    for (let attempt = 0; ; attempt++) {
      const kv = storage.getKV(namespace, name);
      if (!kv) throw statusErrors.notFound(storage.info.plural, storage.info.group, name);
      const current = storage.decode(kv);
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== current.metadata.uid) {
        throw statusErrors.conflict(storage.info.plural, storage.info.group, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
        throw statusErrors.conflict(storage.info.plural, storage.info.group, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${current.metadata.resourceVersion}`);
      }
      this.admitValidate('DELETE', ctx, storage, name, namespace, undefined, current, options);
      const next = deepCopy(current);
      const meta = next.metadata;
      // Garbage collection: the propagation policy becomes a finalizer the collector acts on.
      let finalizers: string[] = (meta.finalizers ?? []).filter((f: string) => f !== 'orphan' && f !== 'foregroundDeletion');
      const policy = options.propagationPolicy ?? (meta.finalizers?.includes('orphan') ? 'Orphan' : meta.finalizers?.includes('foregroundDeletion') ? 'Foreground' : 'Background');
      if (policy === 'Orphan') finalizers = [...finalizers, 'orphan'];
      if (policy === 'Foreground') finalizers = [...finalizers, 'foregroundDeletion'];
      // A namespace is emptied by the namespace controller before it goes (spec.finalizers).
      const namespaceFinalizing = storage.info.kind === 'Namespace' && storage.info.group === '' && (next.spec?.finalizers ?? []).length > 0;
      const grace = storage.strategy.gracePeriodSeconds(current, options.gracePeriodSeconds);
      const pending = finalizers.length > 0 || grace > 0 || namespaceFinalizing;
      if (!pending) {
        if (options.dryRun) return { object: this.deleted(storage, current), warnings: [] };
        // A Service frees its cluster IP and node ports in the transaction that deletes it.
        const result = await this.store.txn({
          compare: [{ key: kv.key, target: 'modRevision', result: '=', value: kv.modRevision }],
          success: [{ type: 'delete', key: kv.key }, ...(isService(storage) ? this.serviceAllocator.release(current) : [])],
        });
        if (!result.succeeded) continue;
        const gone = storage.decode({ ...kv, modRevision: result.revision });
        // A CRD takes its custom resources with it.
        if (isCRD(storage)) await this.store.deleteRange(`/registry/${gone.spec.group}/${gone.spec.names.plural}/`, `/registry/${gone.spec.group}/${gone.spec.names.plural}0`);
        await this.reactToWrite(storage, 'delete', name);
        return { object: this.deleted(storage, gone), warnings: [] };
      }
      // Graceful deletion: mark the object; its finalizers' owners (or the kubelet) finish the job.
      const now = this.clock.now();
      if (!meta.deletionTimestamp) {
        meta.deletionTimestamp = rfc3339(now + grace * 1000);
        meta.deletionGracePeriodSeconds = grace;
      } else if (grace < (meta.deletionGracePeriodSeconds ?? 0)) {
        // A shorter grace period than the pending one brings the deletion forward.
        meta.deletionTimestamp = rfc3339(now + grace * 1000);
        meta.deletionGracePeriodSeconds = grace;
      }
      meta.finalizers = finalizers.length ? finalizers : undefined;
      if (meta.finalizers === undefined) delete meta.finalizers;
      if (namespaceFinalizing) next.status = { ...(next.status ?? {}), phase: 'Terminating' };
      if (options.dryRun) return { object: next, warnings: [] };
      if (this.sameObject(next, current)) return { object: current, warnings: [] };
      const result = await this.store.update(kv.key, storage.encode(next), kv.modRevision);
      if (result.succeeded) return { object: storage.decode(result.kv!), warnings: [] };
      if (attempt > 100) throw statusErrors.conflict(storage.info.plural, storage.info.group, name, conflictMessage);
    }
  }

  /** What DELETE answers once an object is gone: the object itself for pods, a Success Status otherwise. */
  private deleted(storage: ResourceStorage, obj: Obj): Obj {
    if (storage.strategy.returnDeletedObject) return obj;
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: obj.metadata.name, group: storage.info.group, kind: storage.info.plural, uid: obj.metadata.uid } };
  }

  private async finalizeNamespace(ctx: RequestContext, storage: ResourceStorage, ref: ResourceRef, body: unknown, options: WriteOptions): Promise<Result<Obj>> {
    return this.audited(ctx, 'update', ref, options, async () => {
      this.authorize(ctx, 'update', ref);
      const sent = this.asObject(body);
      const name = ref.name!;
      for (;;) {
        const kv = storage.getKV(undefined, name);
        if (!kv) throw statusErrors.notFound('namespaces', '', name);
        const current = storage.decode(kv);
        const next = deepCopy(current);
        next.spec = { ...(next.spec ?? {}), finalizers: sent.spec?.finalizers ?? [] };
        if (options.dryRun) return { object: next, warnings: [] };
        if (next.metadata.deletionTimestamp && next.spec.finalizers.length === 0 && !(next.metadata.finalizers ?? []).length) {
          const r = await this.store.deleteIfUnchanged(kv.key, kv.modRevision);
          if (r.succeeded) return { object: next, warnings: [] };
          continue;
        }
        const r = await this.store.update(kv.key, storage.encode(next), kv.modRevision);
        if (r.succeeded) return { object: storage.decode(r.kv!), warnings: [] };
      }
    });
  }

  // ---- subresources ----

  private scaleOf(obj: Obj): Obj {
    // A ReplicationController's selector is a label map; every other kind's is a LabelSelector.
    const selector = obj.kind === 'ReplicationController' && obj.spec?.selector ? { matchLabels: obj.spec.selector } : obj.spec?.selector;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
      spec: { replicas: obj.spec?.replicas ?? 0 },
      status: { replicas: obj.status?.replicas ?? 0, ...(selector ? { selector: formatLabelSelector(selector) } : {}) },
    };
  }

  /**
   * Writes a Scale: `scaleFrom` gives the new Scale for the object each update attempt finds (a body
   * sent whole, or a patch applied to the current Scale); `precondition` is the caller's version, if any.
   */
  private async updateScale(ctx: RequestContext, storage: ResourceStorage, ref: ResourceRef, options: WriteOptions, precondition: number | undefined, scaleFrom: (current: Obj) => unknown, made: 'body' | PatchMade = 'body'): Promise<Result<Obj>> {
    return this.audited(ctx, 'update', ref, options, async () => {
      this.authorize(ctx, 'update', ref);
      const result = await this.guaranteedUpdate(ctx, storage, { ...ref, subresource: undefined }, { ...options, fieldManager: options.fieldManager ?? this.defaultManager(ctx) }, precondition, (current) => {
        const scale = this.asObject(scaleFrom(current));
        // The Scale is decoded as an autoscaling/v1 Scale, as the request or patch made it.
        this.checkDecodes(kinds().lookup('autoscaling/v1', 'Scale')!, scale, options, made);
        const replicas = scale.spec?.replicas;
        if (!Number.isInteger(replicas) || replicas < 0) {
          throw statusErrors.invalid('Scale', 'autoscaling', ref.name!, [fieldError.invalid('spec.replicas', replicas, 'must be greater than or equal to 0')]);
        }
        return { ...current, spec: { ...current.spec, replicas } };
      });
      return { object: this.scaleOf(result.object), warnings: result.warnings };
    });
  }

  /** pods/binding: the scheduler's write that puts a pending pod on a node. */
  private async bind(ctx: RequestContext, storage: ResourceStorage, ref: ResourceRef, body: unknown, options: WriteOptions): Promise<Result<Obj>> {
    return this.audited(ctx, 'create', ref, options, async () => {
      this.authorize(ctx, 'create', ref);
      const binding = this.asObject(body);
      const podName = ref.name ?? binding.metadata?.name;
      const node = binding.target?.name;
      if (!node || (binding.target?.kind && binding.target.kind !== 'Node')) {
        throw statusErrors.invalid('Binding', '', podName ?? '', [fieldError.notSupported('target.kind', binding.target?.kind, ['Node'])]);
      }
      // One compare-and-swap that sets spec.nodeName and the PodScheduled condition together, as
      // kube-apiserver's BindingREST.assignPod does (no pod validation, no managed-fields change).
      for (;;) {
        const kv = storage.getKV(ref.namespace, podName);
        if (!kv) throw statusErrors.notFound('pods', '', podName);
        const pod = storage.decode(kv);
        if (pod.metadata.deletionTimestamp) throw statusErrors.conflict('pods', '', podName, `pod ${podName} is being deleted, cannot be assigned to a host`);
        if (pod.spec?.nodeName) throw statusErrors.conflict('pods', '', podName, `pod ${podName} is already assigned to node "${pod.spec.nodeName}"`);
        const conditions = (pod.status?.conditions ?? []).filter((c: Obj) => c.type !== 'PodScheduled');
        // Copied member by member (shallowCopy), as a pending pod's spec and status gain members here.
        const spec = shallowCopy(pod.spec ?? {});
        spec.nodeName = node;
        const status = shallowCopy(pod.status ?? {});
        status.conditions = [...conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: this.timestamp() }];
        const bound = { ...pod, spec, status };
        if (options.dryRun) break;
        if ((await this.store.update(kv.key, storage.encodeForWrite(kv.key, bound), kv.modRevision)).succeeded) break;
      }
      return { object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, warnings: [] };
    });
  }

  /**
   * serviceaccounts/token: a token for the service account, signed and never stored
   * (TokenRequest). Answered at once, as a read is: it writes nothing, so it takes no write's turn.
   */
  requestToken(ctx: RequestContext, ref: ResourceRef, body: unknown, options: WriteOptions = {}): Obj {
    const receivedAt = this.clock.now();
    try {
      this.resolve(ref);
      this.authorize(ctx, 'create', ref);
      const token = requestToken(this.serviceAccountTokens, this.tokenObjects, receivedAt, ctx.user, ref.namespace ?? '', ref.name ?? '', this.asObject(body));
      this.recordAudit(ctx, 'create', ref, options, receivedAt);
      return token;
    } catch (err) {
      const status = asStatusError(err);
      this.recordAudit(ctx, 'create', ref, options, receivedAt, status);
      throw status;
    }
  }

  /** pods/eviction: a delete that a PodDisruptionBudget may refuse (429), as `kubectl drain` uses it. */
  private async evict(ctx: RequestContext, storage: ResourceStorage, ref: ResourceRef, body: unknown, options: WriteOptions): Promise<Result<Obj>> {
    return this.audited(ctx, 'create', ref, options, async () => {
      this.authorize(ctx, 'create', ref);
      const eviction = isObj(body) ? body : {};
      const name = ref.name!;
      const pod = this.mustGet(storage, ref.namespace, name);
      const deleteOptions: DeleteOptions = { ...(eviction.deleteOptions ?? {}), ...(options.dryRun ? { dryRun: true } : {}) };
      const phase = pod.status?.phase;
      // A pod that is not running cannot count toward a budget: it goes without a check.
      if (phase !== 'Succeeded' && phase !== 'Failed' && phase !== 'Pending') {
        const pdbs = this.storage('policy', 'poddisruptionbudgets')!;
        const refuse = (why: string) =>
          new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: "Cannot evict pod as it would violate the pod's disruption budget.", reason: 'TooManyRequests', details: { causes: [{ reason: 'DisruptionBudget', message: why }] }, code: 429 });
        // The disruption controller rewrites the budget's status all the time: retry on conflict, as kube-apiserver does.
        for (let attempt = 0; ; attempt++) {
          const matching = pdbs.listAll(ref.namespace).filter((pdb) => pdb.spec?.selector && labelSelectorAsSelector(pdb.spec.selector).matches(pod.metadata.labels ?? {}));
          if (matching.length > 1) throw statusErrors.internal('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
          const pdb = matching[0];
          if (!pdb) break;
          if ((pdb.status?.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) throw refuse(`The disruption budget ${pdb.metadata.name} is still being processed by the server.`);
          const allowed = pdb.status?.disruptionsAllowed ?? 0;
          if (allowed <= 0) throw refuse(`The disruption budget ${pdb.metadata.name} needs ${pdb.status?.desiredHealthy ?? 0} healthy pods and has ${pdb.status?.currentHealthy ?? 0} currently`);
          if (options.dryRun) break;
          // Spend one disruption, with compare-and-swap so two evictions cannot spend the same one.
          const next = { ...pdb, status: { ...pdb.status, disruptionsAllowed: allowed - 1, disruptedPods: { ...(pdb.status?.disruptedPods ?? {}), [name]: this.timestamp() } } };
          if ((await this.store.update(pdbs.key(ref.namespace, pdb.metadata.name), pdbs.encode(next), Number(pdb.metadata.resourceVersion))).succeeded) break;
          if (attempt >= 20) throw statusErrors.conflict('poddisruptionbudgets', 'policy', pdb.metadata.name, conflictMessage);
        }
      }
      await this.deleteObject(ctx, storage, ref.namespace, name, deleteOptions);
      return { object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, warnings: [] };
    });
  }

  // ---- helpers: list and watch ----

  private predicate(storage: ResourceStorage, options: ListOptions): (obj: Obj) => boolean {
    let labels: Selector | undefined;
    if (options.labelSelector) {
      try {
        labels = parseSelector(options.labelSelector);
      } catch (err) {
        throw statusErrors.badRequest(`unable to parse requirement: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    let fields: ((obj: Obj) => boolean) | undefined;
    if (options.fieldSelector) {
      try {
        fields = fieldSelectorPredicate(storage.info.group, storage.info.kind, options.fieldSelector);
      } catch (err) {
        throw statusErrors.badRequest(err instanceof Error ? err.message : String(err));
      }
    }
    if (!labels && !fields) return matchEverything;
    return (obj) => (!labels || labels.matches(obj.metadata?.labels ?? {})) && (!fields || fields(obj));
  }

  /**
   * Turns a store event into a watch event, as seen through the watch's selectors. With the
   * event's shared decode (a live event), selectors read it and it is what is delivered: the whole
   * object, or for a trimming watch the one copy without managedFields; replayed history is decoded
   * for the watcher.
   */
  private toWatchEvent(storage: ResourceStorage, type: 'PUT' | 'DELETE', kv: KeyValue, prevKv: KeyValue | undefined, match: (o: Obj) => boolean, trim: boolean, shared?: SharedDecode): ApiWatchEvent | undefined {
    const everything = match === matchEverything;
    const before = prevKv !== undefined && (everything || match(shared?.prev() ?? storage.decode(prevKv)));
    if (type === 'DELETE') {
      if (!before) return undefined;
      const prev = decodeFor(storage, prevKv!, trim);
      prev.metadata.resourceVersion = String(kv.modRevision);
      return { type: 'DELETED', object: prev };
    }
    const now = everything || match(shared?.obj() ?? storage.decode(kv));
    if (!now && !before) return undefined;
    // One frozen decode for every watch the event reaches, as kube-apiserver's watch cache hands
    // every watcher the same object: consumers never change what a watch delivers.
    const obj = shared ? (trim ? shared.trimmed()! : shared.obj()!) : decodeFor(storage, kv, trim);
    if (now && before) return { type: 'MODIFIED', object: obj };
    if (now) return { type: 'ADDED', object: obj };
    // It stopped matching: to this watcher it is gone.
    return { type: 'DELETED', object: obj };
  }

  /** The shared store watch of a resource's API watches, started by the first of them. */
  private watchFanout(storage: ResourceStorage): WatchFanout {
    const open = this.fanouts.get(storage);
    if (open && !open.closed) return open;
    const prefix = storage.collectionPrefix(undefined);
    const triggerOf = storage === this.storage('', 'pods') ? (pod: Obj) => pod.spec?.nodeName as string | undefined : undefined;
    const fanout: WatchFanout = new WatchFanout(this.store, prefix, storage.rangeEnd(prefix), (kv) => storage.decodeToShare(kv), triggerOf, () => {
      if (this.fanouts.get(storage) === fanout) this.fanouts.delete(storage);
    });
    this.fanouts.set(storage, fanout);
    return fanout;
  }

  private bookmark(storage: ResourceStorage, revision: number, initialEventsEnd: boolean): Obj {
    return { kind: storage.info.kind, apiVersion: storage.apiVersion, metadata: { resourceVersion: String(revision), ...(initialEventsEnd ? { annotations: { [initialEventsEndAnnotation]: 'true' } } : {}) } };
  }

  private parseResourceVersion(rv: string): number {
    const n = Number(rv);
    if (!/^\d+$/.test(rv) || !Number.isSafeInteger(n)) {
      throw statusErrors.invalid('ListOptions', 'meta.k8s.io', '', [fieldError.invalid('resourceVersion', rv, 'must be a valid resource version')]);
    }
    return n;
  }

  private encodeContinue(token: ContinueToken): string {
    return Buffer.from(JSON.stringify(token)).toString('base64');
  }

  private decodeContinue(text: string, prefix: string): { rv: number; start: string } {
    try {
      const token = JSON.parse(Buffer.from(text, 'base64').toString()) as ContinueToken;
      if (token.v !== 'meta.k8s.io/v1' || !Number.isSafeInteger(token.rv) || typeof token.start !== 'string') throw new Error();
      return { rv: token.rv, start: prefix + token.start };
    } catch {
      throw statusErrors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
    }
  }

  // ---- helpers: identity, time, audit ----

  /** A version 4 UUID from the seeded random source: the variant's draw, then each group the leading hex digits of one draw. */
  private uuid(): string {
    const r = this.random;
    const variant = ((r.next() & 0x3) | 0x8).toString(16);
    const a = r.next();
    const b = r.next();
    const c = r.next();
    const d = r.next();
    const e = r.next();
    const f = r.next();
    return `${hex8(a)}-${hex8(b).slice(0, 4)}-4${hex8(c).slice(0, 3)}-${variant}${hex8(d).slice(0, 3)}-${hex8(e)}${hex8(f).slice(0, 4)}`;
  }

  private readonly timestamps = new SecondTimestamps();

  private timestamp(): string {
    return this.timestamps.format(this.clock.now());
  }

  private async audited<T extends Result<Obj>>(ctx: RequestContext, verb: string, ref: ResourceRef, options: { dryRun?: boolean | undefined }, run: () => Promise<T>): Promise<T> {
    const receivedAt = this.clock.now();
    // Within the budget the write starts at once, as a caller that does not await it expects.
    const turn = this.writeBudget.take();
    if (turn) await turn;
    try {
      const result = await run();
      if (ref.resource === 'pods' && !ref.group) this.podGraph?.catchUpSoon();
      this.boundHistory();
      this.recordAudit(ctx, verb, ref, options, receivedAt);
      return result;
    } catch (err) {
      const status = asStatusError(err);
      this.recordAudit(ctx, verb, ref, options, receivedAt, status);
      throw status;
    }
  }

  /** Records a request in the audit log: its success, or its `failure`. */
  private recordAudit(ctx: RequestContext, verb: string, ref: ResourceRef, options: { dryRun?: boolean | undefined }, receivedAt: number, failure?: StatusError): void {
    if (!this.audit.records(verb)) return;
    // Built member by member, not spread: every write records one.
    const objectRef: AuditInput['objectRef'] = { resource: ref.resource };
    if (ref.namespace) objectRef.namespace = ref.namespace;
    if (ref.name) objectRef.name = ref.name;
    objectRef.apiGroup = ref.group;
    objectRef.apiVersion = ref.version;
    if (ref.subresource) objectRef.subresource = ref.subresource;
    const request: AuditInput = { user: ctx.user, verb, objectRef, dryRun: !!options.dryRun, receivedAt, code: verb === 'create' ? 201 : 200 };
    // An in-process caller's request has no URI: the log makes its REST path when it is read.
    if (ctx.requestURI !== undefined) request.requestURI = ctx.requestURI;
    if (ctx.userAgent) request.userAgent = ctx.userAgent;
    if (failure) {
      request.code = failure.code;
      request.reason = failure.reason ?? '';
      request.message = failure.message;
    }
    this.audit.record(request);
  }

  // ---- what the authorizers read ----

  private rbacSource(): RbacSource {
    const rbac = (resource: string) => this.storage('rbac.authorization.k8s.io', resource);
    // Every request of a user outside system:masters reads these: the shared, frozen decodes.
    return {
      clusterRoleBindings: () => (rbac('clusterrolebindings')?.listShared(undefined) ?? []) as never,
      roleBindings: (namespace) => (rbac('rolebindings')?.listShared(namespace) ?? []) as never,
      clusterRole: (name) => rbac('clusterroles')?.getShared(undefined, name) as never,
      role: (namespace, name) => rbac('roles')?.getShared(namespace, name) as never,
    };
  }

  /**
   * The pods under `prefix` whose spec.nodeName is `node` at `revision`, in key order, read through
   * the nodeName index of the shared pods watch (kube-apiserver's watch cache index) and, for the
   * keys written between the index's revision and `revision` (before or after it: a continue token
   * reads an older one), the store's history: O(pods on the node), not O(pods). Undefined when that
   * cannot serve the revision (no pods watch open, or that history compacted), and the caller reads
   * the whole range instead.
   */
  private podsOnNode(storage: ResourceStorage, prefix: string, node: string, revision: number): KeyValue[] | undefined {
    const fanout = this.fanouts.get(storage);
    if (!fanout || fanout.closed) return undefined;
    const position = fanout.catchUp();
    const indexed = fanout.keysWithTrigger(node);
    const end = storage.rangeEnd(prefix);
    // The index stands at `settled`, with perhaps part of the revision after it (`position`) whose
    // events are being offered right now: every key written between there and `revision` is read
    // again at `revision`.
    const changed = indexed && this.store.keysChanged(prefix, end, Math.min(fanout.settled, revision), Math.max(position, revision));
    if (!indexed || !changed) return undefined;
    const keys = new Set<string>();
    for (const key of indexed) if (key >= prefix && key < end) keys.add(key);
    for (const key of changed) keys.add(key);
    const kvs: KeyValue[] = [];
    for (const key of [...keys].sort()) {
      const kv = this.store.get(key, revision);
      if (kv) kvs.push(kv);
    }
    return kvs;
  }

  /** The node a list's or watch's field selector pins, for pods (kube-apiserver's pod trigger field, spec.nodeName). */
  private pinnedNode(storage: ResourceStorage, fieldSelector: string | undefined): string | undefined {
    return storage === this.storage('', 'pods') ? nodeNameRequired(fieldSelector) : undefined;
  }

  private nodeGraph(): NodeGraph {
    return (this.podGraph = new PodNodeGraph(this.store, () => this.storage('', 'pods')));
  }
}

/** Usage an admitted write adds to a ResourceQuota, written to its status before the write. */
interface QuotaCharge {
  quota: Obj;
  delta: ReadonlyMap<string, Quantity>;
  forbid: (why: string) => Error;
}

/** How the aggregator marks the APIServices it made itself: `onstart` for its own APIs, `true` for CRDs'. */
const automanagedLabel = 'kube-aggregator.kubernetes.io/automanaged';

/**
 * kube-apiserver's APIService priorities for the group versions it serves (the aggregator orders
 * discovery by them), and metrics-server's for metrics.k8s.io, which this server serves itself.
 */
const localAPIServicePriorities: ReadonlyMap<string, readonly [group: number, version: number]> = new Map([
  ['/v1', [18000, 1]],
  ['apiregistration.k8s.io/v1', [18000, 15]],
  ['apps/v1', [17800, 15]],
  ['events.k8s.io/v1', [17750, 15]],
  ['authentication.k8s.io/v1', [17700, 15]],
  ['authorization.k8s.io/v1', [17600, 15]],
  ['autoscaling/v2', [17500, 30]],
  ['autoscaling/v1', [17500, 15]],
  ['batch/v1', [17400, 15]],
  ['certificates.k8s.io/v1', [17300, 15]],
  ['networking.k8s.io/v1', [17200, 15]],
  ['policy/v1', [17100, 15]],
  ['rbac.authorization.k8s.io/v1', [17000, 15]],
  ['storage.k8s.io/v1', [16800, 15]],
  ['apiextensions.k8s.io/v1', [16700, 15]],
  ['admissionregistration.k8s.io/v1', [16700, 15]],
  ['scheduling.k8s.io/v1', [16600, 15]],
  ['coordination.k8s.io/v1', [16500, 15]],
  ['node.k8s.io/v1', [16300, 15]],
  ['discovery.k8s.io/v1', [16200, 15]],
  ['flowcontrol.apiserver.k8s.io/v1', [16100, 21]],
  ['metrics.k8s.io/v1beta1', [100, 100]],
]);

/**
 * deepEqual of two objects over their members other than those `skip` names (a member set to
 * undefined counts as absent, as in the JSON they stand for). The skipped members are the caller's to compare.
 */
function sameMembers(a: Record<string, unknown>, b: Record<string, unknown>, skip: (key: string) => boolean): boolean {
  if (!isObject(a) || !isObject(b)) return deepEqual(a, b);
  let count = 0;
  for (const k in a) {
    if (skip(k) || a[k] === undefined) continue;
    if (b[k] === undefined || !deepEqual(a[k], b[k])) return false;
    count++;
  }
  for (const k in b) if (!skip(k) && b[k] !== undefined) count--;
  return count === 0;
}

/** Events of history one compaction step discards: a few milliseconds of work. */
const compactionStepEvents = 5_000;

/** What the main endpoint of a resource with a status subresource resets. */
const mainResetFields = [['f:status']] as const;

/**
 * Writes one turn of the event loop may make before the rest wait for the next: a pod write with
 * what it sets off in watchers and controllers takes 1–4 ms at 10,000 pods, so 8 keep a turn short
 * and an API get waiting behind a burst is answered soon. Throughput does not depend on it (the
 * work is CPU-bound): in the 10k-pod cluster benchmark, 8 against 16 and 32 in the same window
 * took the same wall time within the noise, with a get p99 of 67–80 ms against 85–106 and 150–250.
 */
const writesPerTurn = 8;

/** The strict decoder's error for members a type does not have (sorted, as the unstructured converter sorts them). */
function strictDecodingError(unknown: readonly FieldError[], sorted = false): string {
  const found = unknown.map(formatFieldError);
  return `strict decoding error: ${(sorted ? found.sort() : found).join(', ')}`;
}

/** The handler's 400 for a body that does not decode (transformDecodeError). */
function cannotBeHandled(info: KindInfo, detail: string): StatusError {
  return statusErrors.badRequest(`${info.kind} in version ${JSON.stringify(info.version)} cannot be handled as a ${info.kind}: ${detail}`);
}

/** The patch that made an object a write stores from the current one, and its type. */
interface PatchMade {
  type: PatchType;
  patch: unknown;
}

/** Two lowercase hex digits for each byte value. */
const hexByte = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A uint32 as eight hex digits. */
function hex8(n: number): string {
  return hexByte[n >>> 24]! + hexByte[(n >>> 16) & 0xff]! + hexByte[(n >>> 8) & 0xff]! + hexByte[n & 0xff]!;
}

/** The predicate of a watch or list without selectors. */
const matchEverything = (): boolean => true;

/** A fresh decode of `kv`, without metadata.managedFields for a reader that trims them (the decode is its own). */
function decodeFor(storage: ResourceStorage, kv: KeyValue, trim: boolean): Obj {
  const obj = storage.decode(kv);
  if (trim && obj.metadata?.managedFields !== undefined) {
    // A rest copy, not `delete`: deleting a member turns the object into a slow dictionary.
    const { managedFields: _m, ...metadata } = obj.metadata;
    obj.metadata = metadata;
  }
  return obj;
}

/** decodeFor for a reader that changes nothing: the shared decode, trimmed in a shallow copy. */
function sharedFor(storage: ResourceStorage, kv: KeyValue, trim: boolean): Obj {
  const obj = storage.sharedDecode(kv) as Obj;
  if (!trim || obj.metadata?.managedFields === undefined) return obj;
  const { managedFields: _m, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** One page of `kvs` (sorted by key) after the key `after`, as the store lists a range. */
function pageOf(kvs: readonly KeyValue[], limit: number, after: string | undefined): { kvs: KeyValue[]; more: boolean; count: number } {
  let lo = 0;
  let hi = kvs.length;
  while (after !== undefined && lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (kvs[mid]!.key <= after) lo = mid + 1;
    else hi = mid;
  }
  const page = limit ? kvs.slice(lo, lo + limit) : kvs.slice(lo);
  return { kvs: page, more: lo + page.length < kvs.length, count: kvs.length - lo };
}

/** The node a pods field selector pins (`spec.nodeName=worker-1`, as a kubelet's watch has), if any. */
function nodeNameRequired(fieldSelector: string | undefined): string | undefined {
  for (const term of (fieldSelector ?? '').split(',')) {
    const m = /^\s*spec\.nodeName\s*==?\s*(.+?)\s*$/.exec(term);
    if (m) return m[1];
  }
  return undefined;
}

function isService(storage: ResourceStorage): boolean {
  return storage.info.group === '' && storage.info.kind === 'Service';
}

function isFlowControl(storage: ResourceStorage): boolean {
  return storage.info.group === 'flowcontrol.apiserver.k8s.io';
}

function isCRD(storage: ResourceStorage): boolean {
  return storage.info.group === 'apiextensions.k8s.io' && storage.info.kind === 'CustomResourceDefinition';
}
