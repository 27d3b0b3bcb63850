// The disruption controller (pkg/controller/disruption): keeps each PodDisruptionBudget's status —
// how many of its pods are healthy, how many must stay healthy, and so how many voluntary
// disruptions (evictions) are allowed now. The eviction subresource spends from that allowance and
// records the pod under status.disruptedPods until the controller sees it go (or two minutes pass).
import type { Obj } from '../apiserver/registry/strategy';
import { labelSelectorAsSelector } from '../api/labels/labelSelector';
import { everything } from '../api/labels/selector';
import { getControllerOf } from '../api/meta/ownerReferences';
import { deepCopy, deepEqual } from '../api/patch/jsonValue';
import { Controller, type ControllerContext, timestamp } from './runtime/controller';
import { indexes, resources } from './runtime/sharedInformerFactory';
import { scaledValue } from './util/deployment';
import { isPodReady } from './util/pod';

/** How long an eviction's entry in disruptedPods stands without the pod being seen to go (DeletionTimeout). */
export const deletionTimeoutMs = 2 * 60 * 1000;

export class DisruptionController extends Controller {
  readonly name = 'disruption-controller';
  private readonly budgets;
  private readonly pods;
  private readonly replicaSets;
  private readonly deployments;
  private readonly statefulSets;
  private readonly replicationControllers;

  constructor(ctx: ControllerContext) {
    super(ctx);
    this.budgets = ctx.informers.informerFor(resources.poddisruptionbudgets);
    this.pods = ctx.informers.informerFor(resources.pods);
    this.replicaSets = ctx.informers.informerFor(resources.replicasets);
    this.deployments = ctx.informers.informerFor(resources.deployments);
    this.statefulSets = ctx.informers.informerFor(resources.statefulsets);
    this.replicationControllers = ctx.informers.informerFor(resources.replicationcontrollers);
    this.budgets.addEventHandler({ onAdd: (b) => this.enqueue(b), onUpdate: (_o, b) => this.enqueue(b) });
    const podChanged = (pod: Obj) => {
      for (const pdb of this.budgets.store.byIndex(indexes.namespace, pod.metadata.namespace)) if (this.selectorOf(pdb).matches(pod.metadata.labels ?? {})) this.enqueue(pdb);
    };
    this.pods.addEventHandler({ onAdd: podChanged, onUpdate: (o, p) => { podChanged(p); if (!deepEqual(o.metadata.labels, p.metadata.labels)) podChanged(o); }, onDelete: podChanged });
  }

  /** policy/v1: an empty selector selects every pod of the namespace, a missing one none. */
  private selectorOf(pdb: Obj) {
    const s = pdb.spec?.selector;
    if (s && !(s.matchLabels && Object.keys(s.matchLabels).length) && !(s.matchExpressions ?? []).length) return everything();
    try {
      return labelSelectorAsSelector(s);
    } catch {
      return labelSelectorAsSelector(undefined);
    }
  }

  async sync(key: string): Promise<void> {
    const cached = this.budgets.store.get(key);
    if (!cached) return;
    const pdb = deepCopy(cached);
    const selector = this.selectorOf(pdb);
    const pods = this.pods.store.byIndex(indexes.namespace, pdb.metadata.namespace).filter((p) => selector.matches(p.metadata.labels ?? {}));
    const now = this.ctx.clock.now();
    const disrupted = this.disruptedPods(pdb, pods, now);
    let expected: number;
    let desired: number;
    try {
      ({ expected, desired } = this.expectations(pdb, pods));
    } catch (err) {
      return this.writeStatus(pdb, { ...(pdb.status ?? {}), disruptionsAllowed: 0, observedGeneration: pdb.metadata.generation }, 'False', 'SyncFailed', (err as Error).message);
    }
    const healthy = pods.filter((p) => !p.metadata.deletionTimestamp && !disrupted[p.metadata.name] && isPodReady(p)).length;
    const allowed = Math.max(healthy - desired, 0);
    const status: Obj = {
      observedGeneration: pdb.metadata.generation,
      ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
      disruptionsAllowed: allowed,
      currentHealthy: healthy,
      desiredHealthy: desired,
      expectedPods: expected,
    };
    await this.writeStatus(pdb, status, allowed > 0 ? 'True' : 'False', allowed > 0 ? 'SufficientPods' : 'InsufficientPods', '');
  }

  /** buildDisruptedPodMap: evicted pods still counted as disrupted, until seen gone or timed out. */
  private disruptedPods(pdb: Obj, pods: Obj[], now: number): Record<string, string> {
    const byName = new Map(pods.map((p) => [p.metadata.name, p]));
    const out: Record<string, string> = {};
    let nextExpiry: number | undefined;
    for (const [name, at] of Object.entries<string>(pdb.status?.disruptedPods ?? {})) {
      const pod = byName.get(name);
      if (!pod || pod.metadata.deletionTimestamp) continue;
      const expiry = Date.parse(at) + deletionTimeoutMs;
      if (expiry < now) continue;
      out[name] = at;
      nextExpiry = nextExpiry === undefined ? expiry : Math.min(nextExpiry, expiry);
    }
    if (nextExpiry !== undefined) this.queue.addAfter(`${pdb.metadata.namespace}/${pdb.metadata.name}`, nextExpiry - now + 1000);
    return out;
  }

  /** How many pods there should be, and how many of them must stay healthy. */
  private expectations(pdb: Obj, pods: Obj[]): { expected: number; desired: number } {
    const { maxUnavailable, minAvailable } = pdb.spec ?? {};
    if (maxUnavailable !== undefined && maxUnavailable !== null) {
      const expected = this.expectedScale(pods);
      return { expected, desired: Math.max(expected - scaledValue(maxUnavailable, expected, true), 0) };
    }
    if (typeof minAvailable === 'number') return { expected: pods.length, desired: minAvailable };
    if (typeof minAvailable === 'string') {
      const expected = this.expectedScale(pods);
      return { expected, desired: scaledValue(minAvailable, expected, true) };
    }
    // Neither set (policy/v1 defaults neither): getExpectedPodCount leaves both counts at zero, so
    // every healthy pod may be disrupted.
    return { expected: 0, desired: 0 };
  }

  /** getExpectedScale: the replicas every controller of these pods asks for, each counted once. */
  private expectedScale(pods: Obj[]): number {
    const scales = new Map<string, number>();
    for (const pod of pods) {
      const ref = getControllerOf(pod);
      if (!ref) throw new Error(`found no controllers for pod ${JSON.stringify(pod.metadata.name)}`);
      const owner = this.scaleOf(pod.metadata.namespace, ref);
      if (!owner) throw new Error(`found no controllers for pod ${JSON.stringify(pod.metadata.name)}`);
      scales.set(owner.uid, owner.replicas);
    }
    return [...scales.values()].reduce((a, b) => a + b, 0);
  }

  /** The finders: a ReplicaSet (or the Deployment above it), a StatefulSet or a ReplicationController, with its spec.replicas. */
  private scaleOf(namespace: string, ref: Obj): { uid: string; replicas: number } | undefined {
    if (ref.kind === 'ReplicaSet') {
      const rs = this.replicaSets.store.get(`${namespace}/${ref.name}`);
      if (!rs || rs.metadata.uid !== ref.uid) return undefined;
      const dref = getControllerOf(rs);
      if (dref?.kind === 'Deployment') {
        const d = this.deployments.store.get(`${namespace}/${dref.name}`);
        if (d && d.metadata.uid === dref.uid) return { uid: d.metadata.uid, replicas: d.spec?.replicas ?? 1 };
      }
      return { uid: rs.metadata.uid, replicas: rs.spec?.replicas ?? 1 };
    }
    if (ref.kind === 'StatefulSet') {
      const sts = this.statefulSets.store.get(`${namespace}/${ref.name}`);
      return sts && sts.metadata.uid === ref.uid ? { uid: sts.metadata.uid, replicas: sts.spec?.replicas ?? 1 } : undefined;
    }
    if (ref.kind === 'ReplicationController') {
      const rc = this.replicationControllers.store.get(`${namespace}/${ref.name}`);
      return rc && rc.metadata.uid === ref.uid ? { uid: rc.metadata.uid, replicas: rc.spec?.replicas ?? 1 } : undefined;
    }
    return undefined;
  }

  private async writeStatus(pdb: Obj, status: Obj, allowed: 'True' | 'False', reason: string, message: string): Promise<void> {
    const old = (pdb.status?.conditions ?? []).find((c: Obj) => c.type === 'DisruptionAllowed');
    const condition = old && old.status === allowed && old.reason === reason && old.message === message ? old : { type: 'DisruptionAllowed', status: allowed, observedGeneration: pdb.metadata.generation, lastTransitionTime: old?.status === allowed ? old.lastTransitionTime : timestamp(this.ctx.clock), reason, message };
    const next = { ...status, conditions: [...(pdb.status?.conditions ?? []).filter((c: Obj) => c.type !== 'DisruptionAllowed'), condition] };
    if (deepEqual(pdb.status ?? {}, next)) return;
    await this.ctx.client.update(resources.poddisruptionbudgets, pdb.metadata.namespace, { ...pdb, status: next }, {}, 'status');
  }
}
