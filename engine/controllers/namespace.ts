// The namespace controller (pkg/controller/namespace): a namespace being deleted is emptied — its
// pods first (OrderedNamespaceDeletion), then every other namespaced resource — and once nothing is
// left it is finalized through `namespaces/<name>/finalize` with the `kubernetes` finalizer removed,
// which lets the API server delete it. Progress is reported in the namespace's deletion conditions.
import type { ResourceType } from '../apiserver/client';
import type { Obj } from '../apiserver/registry/strategy';
import { deepEqual } from '../api/patch/jsonValue';
import { Controller, type ControllerContext, isNotFound, timestamp } from './runtime/controller';
import { discoverResources } from './runtime/discovery';
import { resources } from './runtime/sharedInformerFactory';

export const finalizerKubernetes = 'kubernetes';
/** A default estimate for finalizers of remaining content to complete (finalizerEstimateSeconds). */
const finalizerEstimateSeconds = 15;

/** The deletion conditions and their values when all is well (status_condition_utils.go). */
const conditionTypes = ['NamespaceDeletionDiscoveryFailure', 'NamespaceDeletionGroupVersionParsingFailure', 'NamespaceDeletionContentFailure', 'NamespaceContentRemaining', 'NamespaceFinalizersRemaining'] as const;
const okReasons: Record<string, string> = {
  NamespaceDeletionDiscoveryFailure: 'ResourcesDiscovered',
  NamespaceDeletionGroupVersionParsingFailure: 'ParsedGroupVersions',
  NamespaceDeletionContentFailure: 'ContentDeleted',
  NamespaceContentRemaining: 'ContentRemoved',
  NamespaceFinalizersRemaining: 'ContentHasNoFinalizers',
};
const okMessages: Record<string, string> = {
  NamespaceDeletionDiscoveryFailure: 'All resources successfully discovered',
  NamespaceDeletionGroupVersionParsingFailure: 'All legacy kube types successfully parsed',
  NamespaceDeletionContentFailure: 'All content successfully deleted, may be waiting on finalization',
  NamespaceContentRemaining: 'All content successfully removed',
  NamespaceFinalizersRemaining: 'All content-preserving finalizers finished',
};

/** What is left after one pass over a resource. */
interface Remaining {
  estimate: number;
  count: number;
  finalizers: Map<string, number>;
  error?: string;
}

export class NamespaceController extends Controller {
  readonly name = 'namespace-controller';
  private readonly namespaces;

  constructor(ctx: ControllerContext) {
    // nsControllerRateLimiter: 5 ms doubling up to a minute.
    super(ctx, { baseDelayMs: 5, maxDelayMs: 60_000 });
    this.namespaces = ctx.informers.informerFor(resources.namespaces);
    this.namespaces.addEventHandler({ onAdd: (ns) => this.enqueue(ns), onUpdate: (_o, ns) => this.enqueue(ns) });
  }

  /** Every namespaced resource that can be listed and deleted, pods first (discovered on each pass, as CRDs come and go). */
  private deletable(): ResourceType[] {
    const found = discoverResources(this.ctx.client, ['list', 'delete']).filter((r) => r.namespaced);
    const isPods = (r: ResourceType) => r.group === '' && r.resource === 'pods';
    return [...found.filter(isPods), ...found.filter((r) => !isPods(r))];
  }

  async sync(key: string): Promise<void> {
    const cached = this.namespaces.store.get(key);
    if (!cached?.metadata.deletionTimestamp) return;
    // Act on the namespace as it is now, not as the cache last saw it.
    const ns = this.ctx.client.tryGet(resources.namespaces, undefined, key);
    if (!ns || ns.metadata.uid !== cached.metadata.uid || !ns.metadata.deletionTimestamp) return;
    if (!(ns.spec?.finalizers ?? []).includes(finalizerKubernetes)) return;

    const deletedAt = Date.parse(ns.metadata.deletionTimestamp);
    const byResource = new Map<ResourceType, Remaining>();
    for (const resource of this.deletable()) {
      byResource.set(resource, await this.deleteAllOf(resource, key, deletedAt));
      // OrderedNamespaceDeletion: nothing else is touched while pods remain.
      if (resource.group === '' && resource.resource === 'pods' && byResource.get(resource)!.count > 0) break;
    }
    await this.updateConditions(ns, byResource);

    const errors = [...byResource.values()].flatMap((r) => (r.error ? [r.error] : []));
    if (errors.length) throw new Error(errors.join(', '));
    const estimate = Math.max(0, ...[...byResource.values()].map((r) => r.estimate));
    if (estimate > 0) {
      this.queue.addAfter(key, (Math.floor(estimate / 2) + 1) * 1000);
      return;
    }
    if ([...byResource.values()].some((r) => r.count > 0)) throw new Error(`some content remains in the namespace ${key}`);
    await this.finalize(ns);
  }

  /** deleteAllContentForGroupVersionResource: delete everything of one resource, then see what is left. */
  private async deleteAllOf(resource: ResourceType, namespace: string, deletedAt: number): Promise<Remaining> {
    let estimate = resource.group === '' && resource.resource === 'pods' ? this.estimateGracefulTerminationForPods(namespace) : 0;
    // A namespace deleted longer ago than the estimate has waited long enough.
    if (this.ctx.clock.now() - deletedAt >= estimate * 1000) estimate = 0;
    for (const item of this.ctx.client.list(resource, namespace).items as Obj[]) {
      if (item.metadata.deletionTimestamp) continue;
      try {
        await this.ctx.client.delete(resource, namespace, item.metadata.name, { propagationPolicy: 'Background' });
      } catch (err) {
        if (!isNotFound(err)) return { estimate, count: 1, finalizers: new Map(), error: (err as Error).message };
      }
    }
    const left = this.ctx.client.list(resource, namespace).items as Obj[];
    const finalizers = new Map<string, number>();
    for (const item of left) for (const f of item.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
    if (left.length && estimate === 0) {
      // Finalizers are a normal reason to wait; anything else left over should have gone.
      if (finalizers.size) return { estimate: finalizerEstimateSeconds, count: left.length, finalizers };
      return { estimate, count: left.length, finalizers, error: `unexpected items still remain in namespace: ${namespace} for gvr: ${resource.group}/${resource.version}, Resource=${resource.resource}` };
    }
    return { estimate, count: left.length, finalizers };
  }

  /** The longest termination grace period of the namespace's running pods. */
  private estimateGracefulTerminationForPods(namespace: string): number {
    let estimate = 0;
    for (const pod of this.ctx.client.list(resources.pods, namespace).items as Obj[]) {
      const phase = pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') continue;
      estimate = Math.max(estimate, pod.spec?.terminationGracePeriodSeconds ?? 30);
    }
    return estimate;
  }

  /** The five deletion conditions, each either its all-is-well value or what is wrong. */
  private async updateConditions(ns: Obj, byResource: Map<ResourceType, Remaining>): Promise<void> {
    const now = timestamp(this.ctx.clock);
    const remaining = [...byResource.entries()].filter(([, r]) => r.count > 0).map(([res, r]) => `${res.resource}.${res.group} has ${r.count} resource instances`).sort();
    const finalizers = new Map<string, number>();
    for (const r of byResource.values()) for (const [f, n] of r.finalizers) finalizers.set(f, (finalizers.get(f) ?? 0) + n);
    const errors = [...byResource.values()].flatMap((r) => (r.error ? [r.error] : []));
    const bad: Record<string, { reason: string; message: string }> = {};
    if (errors.length) bad.NamespaceDeletionContentFailure = { reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${errors.length} remaining: ${errors.join(', ')}` };
    if (remaining.length) bad.NamespaceContentRemaining = { reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining.join(', ')}` };
    if (finalizers.size) bad.NamespaceFinalizersRemaining = { reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${[...finalizers].map(([f, n]) => `${f} in ${n} resource instances`).sort().join(', ')}` };
    const previous = new Map<string, Obj>((ns.status?.conditions ?? []).map((c: Obj) => [c.type, c]));
    const conditions = conditionTypes.map((type) => {
      const c = bad[type] ? { type, status: 'True', reason: bad[type].reason, message: bad[type].message } : { type, status: 'False', reason: okReasons[type], message: okMessages[type] };
      const old = previous.get(type);
      return { ...c, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : now };
    });
    const kept = (ns.status?.conditions ?? []).filter((c: Obj) => !(conditionTypes as readonly string[]).includes(c.type));
    const next = [...kept, ...conditions];
    if (deepEqual(ns.status?.conditions ?? [], next)) return;
    try {
      const { object } = await this.ctx.client.update(resources.namespaces, undefined, { ...ns, status: { ...ns.status, conditions: next } }, {}, 'status');
      ns.metadata.resourceVersion = object.metadata.resourceVersion;
      ns.status = object.status;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** finalizeNamespace: `kubernetes` leaves spec.finalizers through the finalize subresource. */
  private async finalize(ns: Obj): Promise<void> {
    const finalizers = (ns.spec?.finalizers ?? []).filter((f: string) => f !== finalizerKubernetes);
    try {
      await this.ctx.client.update(resources.namespaces, undefined, { ...ns, spec: { ...ns.spec, finalizers } }, {}, 'finalize');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
