// What differs between resources in the API server's generic registry, one small strategy per
// kind, after kube-apiserver's `pkg/registry/<group>/<resource>/strategy.go`: which fields a write
// may touch through which endpoint, when `metadata.generation` moves, what a new object starts
// with, and how deletion proceeds.
import type { KindInfo } from '../../api/kinds/index';
import { deepEqual } from '../../api/patch/jsonValue';
import { Quantity } from '../../api/quantity';

export type Obj = Record<string, any>;

export interface Strategy {
  /** The kind has a status subresource: the main endpoint keeps the stored status, `/status` keeps everything else. */
  readonly hasStatus: boolean;
  /** `metadata.generation` starts at 1 and moves on every change outside metadata and status. */
  readonly tracksGeneration: boolean;
  /** DELETE answers with the object (pods) rather than a Success Status. */
  readonly returnDeletedObject: boolean;
  /** Fills what a new object starts with (e.g. a Pod's `status.phase: Pending`). */
  prepareForCreate(obj: Obj): void;
  /** Adjusts an update before validation; `old` is the stored object. */
  prepareForUpdate(obj: Obj, old: Obj): void;
  /** Seconds a graceful DELETE waits, or 0 to delete at once (pods honour terminationGracePeriodSeconds). */
  gracePeriodSeconds(obj: Obj, requested: number | undefined): number;
}

/** Kinds whose objects carry `metadata.generation` (their strategies set it; custom resources do too). */
const generationKinds = new Set([
  'apps/Deployment', 'apps/ReplicaSet', 'apps/StatefulSet', 'apps/DaemonSet',
  'batch/Job', 'batch/CronJob',
  'autoscaling/HorizontalPodAutoscaler', 'policy/PodDisruptionBudget',
  'networking.k8s.io/Ingress', 'networking.k8s.io/NetworkPolicy',
  'apiextensions.k8s.io/CustomResourceDefinition', '/Pod',
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

  constructor(info: KindInfo, custom: boolean) {
    this.hasStatus = info.subresources.includes('status');
    this.tracksGeneration = custom || generationKinds.has(`${info.group}/${info.kind}`);
  }

  prepareForCreate(obj: Obj): void {
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

  gracePeriodSeconds(_obj: Obj, requested: number | undefined): number {
    return requested ?? 0;
  }
}

class PodStrategy extends GenericStrategy {
  override readonly returnDeletedObject = true;

  override prepareForCreate(obj: Obj): void {
    super.prepareForCreate(obj);
    obj.status = { phase: 'Pending', qosClass: qosClass(obj) };
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
  override prepareForCreate(obj: Obj): void {
    super.prepareForCreate(obj);
    obj.spec = { ...(obj.spec ?? {}), finalizers: ['kubernetes'] };
    obj.status = { phase: 'Active' };
  }

  override prepareForUpdate(obj: Obj, old: Obj): void {
    super.prepareForUpdate(obj, old);
    // spec.finalizers only change through /finalize.
    obj.spec = { ...(obj.spec ?? {}), finalizers: old.spec?.finalizers ?? [] };
  }
}

/** Nodes allow every field, status included, to be set on create: a kubelet registers its Node with its status in one write. */
class NodeStrategy extends GenericStrategy {
  override prepareForCreate(obj: Obj): void {
    const status = obj.status;
    super.prepareForCreate(obj);
    if (status !== undefined) obj.status = status;
  }
}

/** The QoS class Kubernetes gives a pod from its containers' requests and limits (pkg/apis/core/helper/qos). */
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
  return new GenericStrategy(info, custom);
}
