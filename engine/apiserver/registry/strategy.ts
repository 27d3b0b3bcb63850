// What differs between resources in the API server's generic registry, one small strategy per
// kind, after kube-apiserver's `pkg/registry/<group>/<resource>/strategy.go`: which fields a write
// may touch through which endpoint, when `metadata.generation` moves, what a new object starts
// with, and how deletion proceeds.
import type { KindInfo } from '../../api/kinds/index';
import { deepEqual } from '../../api/patch/jsonValue';
import { templateGenerationAnnotation, templateGenerationOf } from '../../api/meta/daemonSets';
import { externallyAccessible, needsClusterIP, needsHealthCheckNodePort, needsNodePort, serviceType } from '../../api/meta/services';
import { Quantity } from '../../api/quantity';
import type { UserInfo } from '../auth/user';

export type Obj = Record<string, any>;

export interface Strategy {
  /** The kind has a status subresource: the main endpoint keeps the stored status, `/status` keeps everything else. */
  readonly hasStatus: boolean;
  /** `metadata.generation` starts at 1 and moves on every change outside metadata and status. */
  readonly tracksGeneration: boolean;
  /** DELETE answers with the object (pods) rather than a Success Status. */
  readonly returnDeletedObject: boolean;
  /**
   * Fills what a new object starts with (e.g. a Pod's `status.phase: Pending`); `now` is the API
   * server's time (RFC 3339), `user` who sends the create (a CSR records its requestor).
   */
  prepareForCreate(obj: Obj, now: string, user?: UserInfo): void;
  /** Adjusts an update before validation; `old` is the stored object. */
  prepareForUpdate(obj: Obj, old: Obj): void;
  /**
   * What an update through `/status` stores (the status strategy's PrepareForUpdate), built from
   * the request's object, whose system metadata is already the stored one, and the stored object.
   * `obj` is not changed. With `applied`, `obj` is server-side apply's result and its
   * managedFields are the new ones. `now` is the API server's time (RFC 3339).
   */
  prepareForStatusUpdate(obj: Obj, old: Obj, applied: boolean, now: string): Obj;
  /**
   * What an update through a pod's `/ephemeralcontainers` stores: the stored pod with the request's
   * spec.ephemeralContainers (ephemeralContainersStrategy.PrepareForUpdate); undefined for other kinds.
   */
  prepareForEphemeralContainersUpdate?(obj: Obj, old: Obj): Obj;
  /**
   * What an update through a CSR's `/approval` stores: the stored object with the request's
   * metadata and status.conditions (csrApprovalStrategy.PrepareForUpdate); undefined for other kinds.
   */
  prepareForApprovalUpdate?(obj: Obj, old: Obj, now: string): Obj;
  /** The fields `/approval` resets, in managed-fields path elements. */
  readonly approvalResetFields?: readonly (readonly string[])[];
  /** The fields `/status` resets (GetResetFields), in managed-fields path elements: nobody owns them through it. */
  readonly statusResetFields: readonly (readonly string[])[];
  /** Seconds a graceful DELETE waits, or 0 to delete at once (pods honour terminationGracePeriodSeconds). */
  gracePeriodSeconds(obj: Obj, requested: number | undefined): number;
}

/** Kinds whose objects carry `metadata.generation` (their strategies set it; custom resources do too). */
const generationKinds = new Set([
  'apps/Deployment', 'apps/ReplicaSet', 'apps/StatefulSet', 'apps/DaemonSet',
  'batch/Job', 'batch/CronJob',
  'autoscaling/HorizontalPodAutoscaler', 'policy/PodDisruptionBudget',
  'networking.k8s.io/Ingress', 'networking.k8s.io/NetworkPolicy',
  'apiextensions.k8s.io/CustomResourceDefinition', '/Pod', '/PodTemplate', '/ReplicationController',
]);

/** Everything of an object but metadata and status: what a generation counts changes of. */
function specOf(obj: Obj): Obj {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

export function specChanged(obj: Obj, old: Obj): boolean {
  return !deepEqual(specOf(obj), specOf(old));
}

class GenericStrategy implements Strategy {
  readonly hasStatus: boolean;
  readonly tracksGeneration: boolean;
  readonly returnDeletedObject: boolean = false;
  readonly statusResetFields: readonly (readonly string[])[];

  constructor(info: KindInfo, private readonly custom: boolean) {
    this.hasStatus = info.subresources.includes('status');
    this.tracksGeneration = custom || generationKinds.has(`${info.group}/${info.kind}`);
    // A custom resource's status strategy starts from the stored object, metadata included.
    this.statusResetFields = custom ? [['f:spec'], ['f:metadata']] : [['f:spec']];
  }

  prepareForCreate(obj: Obj, _now: string): void {
    // A create cannot set status through the main endpoint when status is a subresource.
    if (this.hasStatus) delete obj.status;
    if (this.tracksGeneration) obj.metadata.generation = 1;
  }

  prepareForUpdate(obj: Obj, old: Obj): void {
    if (this.hasStatus) {
      if (old.status === undefined) delete obj.status;
      else obj.status = old.status;
    }
    if (this.tracksGeneration) {
      const prior = old.metadata?.generation ?? 1;
      obj.metadata.generation = specChanged(obj, old) ? prior + 1 : prior;
    }
  }

  /**
   * A built-in kind's status strategy takes the spec (every field but metadata and status) from
   * the stored object, and the metadata and status from the request: labels, annotations,
   * finalizers and owner references change through `/status` too. A custom resource's keeps
   * everything of the stored object but its status (and managedFields, which track the write).
   */
  prepareForStatusUpdate(obj: Obj, old: Obj, applied: boolean, _now: string): Obj {
    const out: Obj = this.custom
      ? { ...old, metadata: { ...old.metadata, ...(applied ? { managedFields: obj.metadata.managedFields } : {}) } }
      : { ...old, metadata: obj.metadata };
    if (obj.status === undefined) delete out.status;
    else out.status = obj.status;
    return out;
  }

  gracePeriodSeconds(_obj: Obj, requested: number | undefined): number {
    return requested ?? 0;
  }
}

/**
 * The annotations `keys` of `old` (none on create) replace those of `obj`, in a copy of its
 * metadata when any differ. No annotations left is no annotations map.
 */
export function keepStoredAnnotations(obj: Obj, old: Obj | undefined, keys: readonly string[]): void {
  if (!keys.some((k) => obj.metadata.annotations?.[k] !== undefined || old?.metadata?.annotations?.[k] !== undefined)) return;
  const metadata = { ...obj.metadata };
  const annotations: Record<string, string> = { ...(metadata.annotations ?? {}) };
  for (const key of keys) {
    const kept = old?.metadata?.annotations?.[key];
    if (kept === undefined) delete annotations[key];
    else annotations[key] = kept;
  }
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  else delete metadata.annotations;
  obj.metadata = metadata;
}

/** Takes `key` of the stored metadata (or its absence) into a copy of `obj`'s metadata. */
function keepStoredMetadata(obj: Obj, old: Obj, key: string): void {
  const metadata = { ...obj.metadata };
  if (old.metadata?.[key] === undefined) delete metadata[key];
  else metadata[key] = old.metadata[key];
  obj.metadata = metadata;
}

class PodStrategy extends GenericStrategy {
  override readonly returnDeletedObject = true;
  override readonly statusResetFields = [['f:spec'], ['f:metadata', 'f:deletionTimestamp'], ['f:metadata', 'f:ownerReferences']];

  /**
   * The stored owner references stay: old kubelets sent them back damaged, and the garbage
   * collector relies on them. A status without its QoS class keeps the stored one (the class is
   * fixed at creation; old kubelets dropped it).
   */
  override prepareForStatusUpdate(obj: Obj, old: Obj, applied: boolean, now: string): Obj {
    const out = super.prepareForStatusUpdate(obj, old, applied, now);
    keepStoredMetadata(out, old, 'ownerReferences');
    if (out.status && !out.status.qosClass && old.status?.qosClass) out.status = { ...out.status, qosClass: old.status.qosClass };
    return out;
  }

  override prepareForCreate(obj: Obj, now: string): void {
    super.prepareForCreate(obj, now);
    obj.status = { phase: 'Pending', qosClass: qosClass(obj) };
  }

  /** Only the ephemeral containers change: the rest is the stored pod's, and the generation moves with them. */
  prepareForEphemeralContainersUpdate(obj: Obj, old: Obj): Obj {
    const spec = { ...old.spec };
    if (obj.spec?.ephemeralContainers === undefined) delete spec.ephemeralContainers;
    else spec.ephemeralContainers = obj.spec.ephemeralContainers;
    const out: Obj = { ...old, metadata: { ...old.metadata, ...(obj.metadata.managedFields ? { managedFields: obj.metadata.managedFields } : {}) }, spec };
    if (specChanged(out, old)) out.metadata.generation = (old.metadata?.generation ?? 1) + 1;
    return out;
  }

  /** A pod that never ran (unscheduled) or has finished goes at once; a running one gets its grace period. */
  override gracePeriodSeconds(obj: Obj, requested: number | undefined): number {
    if (!obj.spec?.nodeName) return 0;
    const phase = obj.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return 0;
    return requested ?? obj.spec?.terminationGracePeriodSeconds ?? 30;
  }
}

class NamespaceStrategy extends GenericStrategy {
  override prepareForCreate(obj: Obj, now: string): void {
    super.prepareForCreate(obj, now);
    obj.spec = { ...(obj.spec ?? {}), finalizers: ['kubernetes'] };
    obj.status = { phase: 'Active' };
  }

  override prepareForUpdate(obj: Obj, old: Obj): void {
    super.prepareForUpdate(obj, old);
    // spec.finalizers only change through /finalize.
    obj.spec = { ...(obj.spec ?? {}), finalizers: old.spec?.finalizers ?? [] };
  }
}

/**
 * A Deployment's generation also moves when its annotations change (rollbacks were once asked for
 * through one), and its labels are not the status writer's to change.
 */
class DeploymentStrategy extends GenericStrategy {
  override readonly statusResetFields = [['f:spec'], ['f:metadata', 'f:labels']];

  override prepareForUpdate(obj: Obj, old: Obj): void {
    super.prepareForUpdate(obj, old);
    const prior = old.metadata?.generation ?? 1;
    if (obj.metadata.generation === prior && !deepEqual(obj.metadata.annotations ?? {}, old.metadata?.annotations ?? {})) obj.metadata.generation = prior + 1;
  }

  override prepareForStatusUpdate(obj: Obj, old: Obj, applied: boolean, now: string): Obj {
    const out = super.prepareForStatusUpdate(obj, old, applied, now);
    keepStoredMetadata(out, old, 'labels');
    return out;
  }
}

/**
 * A DaemonSet's template generation starts at 1 and moves with each change of its template (the
 * generation moves with any spec change). apps/v1 has no field for it, so it is stored, and read,
 * as an annotation; a write cannot set it, and `/status` keeps it with the rest of the spec.
 */
class DaemonSetStrategy extends GenericStrategy {
  override prepareForCreate(obj: Obj, now: string): void {
    super.prepareForCreate(obj, now);
    setTemplateGeneration(obj, 1);
  }

  override prepareForUpdate(obj: Obj, old: Obj): void {
    super.prepareForUpdate(obj, old);
    const prior = templateGenerationOf(old) ?? 0;
    setTemplateGeneration(obj, deepEqual(obj.spec?.template, old.spec?.template) ? prior : prior + 1);
  }

  override prepareForStatusUpdate(obj: Obj, old: Obj, applied: boolean, now: string): Obj {
    const out = super.prepareForStatusUpdate(obj, old, applied, now);
    keepStoredAnnotations(out, old, [templateGenerationAnnotation]);
    return out;
  }
}

function setTemplateGeneration(obj: Obj, generation: number): void {
  obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [templateGenerationAnnotation]: String(generation) };
}

/**
 * A Service is a union on its type (dropTypeDependentFields): an update that changes the type
 * drops what the new type does not use, when the request left it as it was (a value it changed is
 * validation's to judge): cluster IPs and IP families for ExternalName, node ports, the health
 * check port, allocateLoadBalancerNodePorts, loadBalancerClass and externalTrafficPolicy. A Service
 * that is not a LoadBalancer has no load balancer status. The allocator frees what was dropped.
 */
class ServiceStrategy extends GenericStrategy {
  override prepareForUpdate(obj: Obj, old: Obj): void {
    super.prepareForUpdate(obj, old);
    const spec = (obj.spec ??= {});
    const before = old.spec ?? {};
    const same = (a: unknown, b: unknown) => deepEqual(a ?? null, b ?? null);
    if (needsClusterIP(before) && !needsClusterIP(spec)) {
      if (spec.clusterIP === before.clusterIP && same(spec.clusterIPs, before.clusterIPs)) {
        delete spec.clusterIP;
        delete spec.clusterIPs;
      }
      if (same(spec.ipFamilies, before.ipFamilies)) delete spec.ipFamilies;
      if ((spec.ipFamilyPolicy ?? '') === (before.ipFamilyPolicy ?? '')) delete spec.ipFamilyPolicy;
    }
    if (needsNodePort(before) && !needsNodePort(spec)) {
      const had = new Set((before.ports ?? []).map((p: Obj) => p.nodePort).filter(Boolean));
      if ((spec.ports ?? []).every((p: Obj) => !p.nodePort || had.has(p.nodePort))) for (const p of spec.ports ?? []) delete p.nodePort;
    }
    if (needsHealthCheckNodePort(before) && !needsHealthCheckNodePort(spec) && (spec.healthCheckNodePort ?? 0) === (before.healthCheckNodePort ?? 0)) delete spec.healthCheckNodePort;
    if (serviceType(before) === 'LoadBalancer' && serviceType(spec) !== 'LoadBalancer') {
      if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts === before.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
      if (same(spec.loadBalancerClass, before.loadBalancerClass)) delete spec.loadBalancerClass;
    }
    if (externallyAccessible(before) && !externallyAccessible(spec) && spec.externalTrafficPolicy === before.externalTrafficPolicy) delete spec.externalTrafficPolicy;
    if (serviceType(spec) !== 'LoadBalancer' && obj.status?.loadBalancer && Object.keys(obj.status.loadBalancer).length) obj.status = { ...obj.status, loadBalancer: {} };
  }
}

/**
 * A CustomResourceDefinition records each version its objects have been stored in: the storage
 * version is added to status.storedVersions on create and whenever the spec makes another version
 * the storage version (the status the main endpoint otherwise keeps).
 */
class CustomResourceDefinitionStrategy extends GenericStrategy {
  override prepareForCreate(obj: Obj, now: string): void {
    super.prepareForCreate(obj, now);
    obj.status = { storedVersions: [] };
    recordStorageVersion(obj);
  }

  override prepareForUpdate(obj: Obj, old: Obj): void {
    super.prepareForUpdate(obj, old);
    recordStorageVersion(obj);
  }
}

function recordStorageVersion(crd: Obj): void {
  const storage = (crd.spec?.versions ?? []).find((v: Obj) => v.storage === true)?.name;
  const stored: string[] = crd.status?.storedVersions ?? [];
  if (storage !== undefined && !stored.includes(storage)) crd.status = { ...crd.status, storedVersions: [...stored, storage] };
}

/**
 * A PersistentVolume starts Pending and records when its phase last changed
 * (status.lastPhaseTransitionTime): a status write that changes the phase without setting a new
 * time gets the API server's, one that keeps the phase keeps the stored time.
 */
class PersistentVolumeStrategy extends GenericStrategy {
  override prepareForCreate(obj: Obj, now: string): void {
    super.prepareForCreate(obj, now);
    obj.status = { phase: 'Pending', lastPhaseTransitionTime: now };
  }

  override prepareForStatusUpdate(obj: Obj, old: Obj, applied: boolean, now: string): Obj {
    const out = super.prepareForStatusUpdate(obj, old, applied, now);
    const before = old.status ?? {};
    const after = out.status ?? {};
    let time = after.lastPhaseTransitionTime;
    if (before.phase === after.phase && time == null) time = before.lastPhaseTransitionTime;
    else if (before.phase !== after.phase && (time == null || time === before.lastPhaseTransitionTime)) time = now;
    if (time !== after.lastPhaseTransitionTime) {
      out.status = { ...after };
      if (time == null) delete out.status.lastPhaseTransitionTime;
      else out.status.lastPhaseTransitionTime = time;
    }
    return out;
  }
}

/** Nodes allow every field, status included, to be set on create: a kubelet registers its Node with its status in one write. */
class NodeStrategy extends GenericStrategy {
  override prepareForCreate(obj: Obj, now: string): void {
    const status = obj.status;
    super.prepareForCreate(obj, now);
    if (status !== undefined) obj.status = status;
  }
}

/** The QoS class Kubernetes gives a pod from its containers' requests and limits (pkg/apis/core/helper/qos). */
type Condition = { type?: string; status?: string; lastUpdateTime?: string; lastTransitionTime?: string };

/**
 * CertificateSigningRequests (pkg/registry/certificates/certificates): the requestor is whoever
 * creates one, never what the body says; the spec never changes after; `/status` carries the
 * issued certificate but keeps the approval conditions; `/approval` changes only the conditions.
 */
class CertificateSigningRequestStrategy extends GenericStrategy {
  override readonly statusResetFields = [['f:spec'], ['f:status', 'f:conditions']];
  readonly approvalResetFields = [['f:spec'], ['f:status', 'f:certificate']];

  override prepareForCreate(obj: Obj, now: string, user?: UserInfo): void {
    super.prepareForCreate(obj, now);
    const spec: Obj = { ...obj.spec };
    for (const f of ['username', 'uid', 'groups', 'extra']) delete spec[f];
    if (user) {
      spec.username = user.name;
      if (user.uid) spec.uid = user.uid;
      if (user.groups.length) spec.groups = [...user.groups];
      if (user.extra && Object.keys(user.extra).length) spec.extra = Object.fromEntries(Object.entries(user.extra).map(([k, v]) => [k, [...v]]));
    }
    obj.spec = spec;
    // Nobody creates a request already approved.
    obj.status = {};
  }

  override prepareForUpdate(obj: Obj, old: Obj): void {
    super.prepareForUpdate(obj, old);
    obj.spec = old.spec;
  }

  override prepareForStatusUpdate(obj: Obj, old: Obj, applied: boolean, now: string): Obj {
    const out = super.prepareForStatusUpdate(obj, old, applied, now);
    const conditions: Condition[] = [...(out.status?.conditions ?? [])];
    // The approval conditions stay as stored; adding or removing one fails validation instead.
    for (const type of ['Approved', 'Denied']) {
      const before = (old.status?.conditions ?? []).filter((c: Condition) => c.type === type);
      const at = conditions.flatMap((c, i) => (c.type === type ? [i] : []));
      if (before.length === at.length) at.forEach((i, n) => (conditions[i] = before[n]));
    }
    if (out.status) out.status = { ...out.status, ...(out.status.conditions ? { conditions: withConditionTimes(conditions, old, now) } : {}) };
    return out;
  }

  prepareForApprovalUpdate(obj: Obj, old: Obj, now: string): Obj {
    const conditions = withConditionTimes(obj.status?.conditions ?? [], old, now);
    const status: Obj = { ...old.status };
    if (conditions.length) status.conditions = conditions;
    else delete status.conditions;
    return { ...old, metadata: obj.metadata, status };
  }
}

/** populateConditionTimestamps: a condition without times gets now, or the transition time of the same type and status before. */
function withConditionTimes(conditions: readonly Condition[], old: Obj, now: string): Condition[] {
  return conditions.map((c) => {
    if (c.lastUpdateTime && c.lastTransitionTime) return c;
    const prior = (old.status?.conditions ?? []).find((o: Condition) => o.type === c.type && o.status === c.status && o.lastTransitionTime);
    return { ...c, lastUpdateTime: c.lastUpdateTime || now, lastTransitionTime: c.lastTransitionTime || prior?.lastTransitionTime || now };
  });
}

export function qosClass(pod: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers: Obj[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      // Limits imply equal requests when requests are absent (defaulting does that).
      const request = Quantity.tryParse(req[r] ?? lim[r]);
      const limit = Quantity.tryParse(lim[r]);
      if (!limit || !request || request.cmp(limit) !== 0) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export function strategyFor(info: KindInfo, custom: boolean): Strategy {
  if (info.group === '' && info.kind === 'Pod') return new PodStrategy(info, custom);
  if (info.group === '' && info.kind === 'Namespace') return new NamespaceStrategy(info, custom);
  if (info.group === '' && info.kind === 'Node') return new NodeStrategy(info, custom);
  if (info.group === 'apps' && info.kind === 'Deployment' && !custom) return new DeploymentStrategy(info, custom);
  if (info.group === 'apps' && info.kind === 'DaemonSet' && !custom) return new DaemonSetStrategy(info, custom);
  if (info.group === '' && info.kind === 'Service' && !custom) return new ServiceStrategy(info, custom);
  if (info.group === 'apiextensions.k8s.io' && info.kind === 'CustomResourceDefinition' && !custom) return new CustomResourceDefinitionStrategy(info, custom);
  if (info.group === '' && info.kind === 'PersistentVolume' && !custom) return new PersistentVolumeStrategy(info, custom);
  if (info.group === 'certificates.k8s.io' && info.kind === 'CertificateSigningRequest' && !custom) return new CertificateSigningRequestStrategy(info, custom);
  return new GenericStrategy(info, custom);
}
