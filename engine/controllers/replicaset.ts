// The ReplicaSet controller (pkg/controller/replicaset/replica_set.go): keeps `spec.replicas` pods
// of a ReplicaSet's template alive — creating from the template, adopting orphans its selector
// matches, releasing pods it no longer selects, deleting the least valuable pods first — and
// reports what it sees in the ReplicaSet's status. The same code keeps ReplicationControllers, as
// kube-controller-manager's replication manager does (pkg/controller/replication): only the kind,
// its resource and the form of its selector differ.
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import type { ResourceType } from '../apiserver/client';
import type { Obj } from '../apiserver/registry/strategy';
import { labelSelectorAsSelector } from '../api/labels/labelSelector';
import { selectorFromSet, type Selector } from '../api/labels/selector';
import { adoptionPatch, claimDecision, getControllerOf, releasePatch } from '../api/meta/ownerReferences';
import { deepEqual } from '../api/patch/jsonValue';
import type { EventRecorder } from '../client/eventRecorder';
import { Controller, type ControllerContext, isNotFound, statusCode, timestamp } from './runtime/controller';
import { ControllerExpectations } from './runtime/expectations';
import { indexes, resources } from './runtime/sharedInformerFactory';
import { deleteBefore, isPodActive, isPodAvailable, isPodReady, podFromTemplate } from './util/pod';
import { ReplicaSetTally, type TallyCounts } from './replicaSetTally';
import { verifyCaches } from '../util/mutationDetector';

/** What calculateStatus counts of the claimed pods. */
type StatusCounts = Omit<TallyCounts, 'unselected'> & { available: number };

/** How many pods one sync creates or deletes at most (BurstReplicas). */
export const burstReplicas = 500;

/**
 * slowStartBatch: runs `count` calls in batches of 1, 2, 4…, stopping after a batch with a failure,
 * so a template that cannot be created fails once, not `count` times. Returns the successes.
 */
export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, fn));
    let error: unknown;
    for (const r of results) {
      if (r.status === 'fulfilled') successes++;
      else error ??= r.reason;
    }
    if (error !== undefined) return { successes, error };
    remaining -= batch;
  }
  return { successes };
}

/** The kind a replica controller keeps pods of. */
export interface ReplicatedKind {
  /** The controller's name, which is also its events' source. */
  readonly controller: string;
  readonly resource: ResourceType;
  readonly apiVersion: string;
  readonly kind: string;
  /** The object's selector as a LabelSelector. */
  selector(obj: Obj): LabelSelector | undefined;
}

export const replicaSetKind: ReplicatedKind = {
  controller: 'replicaset-controller',
  resource: resources.replicasets,
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  selector: (rs) => rs.spec?.selector,
};

/** A ReplicationController's selector is a label map, which selects as matchLabels does (conversion.go). */
export const replicationControllerKind: ReplicatedKind = {
  controller: 'replication-controller',
  resource: resources.replicationcontrollers,
  apiVersion: 'v1',
  kind: 'ReplicationController',
  selector: (rc) => (rc.spec?.selector ? { matchLabels: rc.spec.selector } : undefined),
};

export class ReplicaSetController extends Controller {
  readonly name: string;
  readonly expectations: ControllerExpectations;
  private readonly recorder: EventRecorder;
  private readonly replicaSets;
  private readonly pods;
  private readonly compiled = new WeakMap<Obj, { selector: Selector; templateLabels: Selector; templateKey: string } | null>();
  /** Each ReplicaSet's pod counts, kept between syncs (see ReplicaSetTally), by ReplicaSet key. */
  private readonly tallies = new Map<string, ReplicaSetTally>();

  constructor(ctx: ControllerContext, private readonly kind: ReplicatedKind = replicaSetKind) {
    super(ctx);
    this.name = kind.controller;
    this.expectations = new ControllerExpectations(ctx.clock);
    this.recorder = ctx.recorder(this.name);
    this.replicaSets = ctx.informers.informerFor(kind.resource);
    this.pods = ctx.informers.informerFor(resources.pods);
    this.replicaSets.addEventHandler({
      onAdd: (rs) => this.enqueue(rs),
      onUpdate: (_old, rs) => this.enqueue(rs),
      onDelete: (rs) => {
        this.expectations.delete(this.keyOf(rs));
        this.tallies.delete(this.keyOf(rs));
        this.enqueue(rs);
      },
    });
    this.pods.addEventHandler({ onAdd: (p) => this.addPod(p), onUpdate: (o, p) => this.updatePod(o, p), onDelete: (p) => this.deletePod(p) });
  }

  private keyOf(obj: Obj): string {
    return `${obj.metadata.namespace}/${obj.metadata.name}`;
  }

  /** An event of `pod`, which `rs` controls or controlled: its tally looks at the pod again. */
  private touch(rs: Obj, pod: Obj): void {
    this.tallies.get(this.keyOf(rs))?.touch(this.keyOf(pod));
  }

  /** The ReplicaSet a controller reference points at, if it is in the cache with that uid. */
  private resolveControllerRef(namespace: string, ref: Obj | undefined): Obj | undefined {
    if (!ref || ref.kind !== this.kind.kind) return undefined;
    const rs = this.replicaSets.store.get(`${namespace}/${ref.name}`);
    return rs && rs.metadata.uid === ref.uid ? rs : undefined;
  }

  /** getPodReplicaSets: the ReplicaSets in the pod's namespace whose selector matches it. */
  private replicaSetsSelecting(pod: Obj): Obj[] {
    return this.replicaSets.store.byIndex(indexes.namespace, pod.metadata.namespace).filter((rs) => {
      try {
        const selector = labelSelectorAsSelector(this.kind.selector(rs));
        return !selector.empty() && selector.matches(pod.metadata.labels ?? {});
      } catch {
        return false;
      }
    });
  }

  private addPod(pod: Obj): void {
    // A pod that shows up already being deleted (a restart of the controller manager) counts as deleted.
    if (pod.metadata.deletionTimestamp) return this.deletePod(pod);
    const ref = getControllerOf(pod);
    if (ref) {
      const rs = this.resolveControllerRef(pod.metadata.namespace, ref);
      if (!rs) return;
      this.touch(rs, pod);
      this.expectations.creationObserved(this.keyOf(rs));
      this.enqueue(rs);
      return;
    }
    for (const rs of this.replicaSetsSelecting(pod)) this.enqueue(rs);
  }

  private updatePod(old: Obj, pod: Obj): void {
    if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
    const labelsChanged = !deepEqual(old.metadata.labels ?? {}, pod.metadata.labels ?? {});
    if (pod.metadata.deletionTimestamp) {
      this.deletePod(pod);
      if (labelsChanged) this.deletePod(old);
      return;
    }
    const oldRef = getControllerOf(old);
    const ref = getControllerOf(pod);
    const refChanged = oldRef?.uid !== ref?.uid;
    if (refChanged && oldRef) {
      const rs = this.resolveControllerRef(old.metadata.namespace, oldRef);
      if (rs) {
        this.touch(rs, old);
        this.enqueue(rs);
      }
    }
    if (ref) {
      const rs = this.resolveControllerRef(pod.metadata.namespace, ref);
      if (!rs) return;
      this.touch(rs, pod);
      this.enqueue(rs);
      // A pod that just became ready becomes available minReadySeconds later: look again then.
      const minReady = rs.spec?.minReadySeconds ?? 0;
      if (minReady > 0 && !isPodReady(old) && isPodReady(pod)) this.queue.addAfter(this.keyOf(rs), minReady * 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const rs of this.replicaSetsSelecting(pod)) this.enqueue(rs);
  }

  private deletePod(pod: Obj): void {
    const rs = this.resolveControllerRef(pod.metadata.namespace, getControllerOf(pod));
    if (!rs) return;
    this.touch(rs, pod);
    this.expectations.deletionObserved(this.keyOf(rs), pod.metadata.uid);
    this.enqueue(rs);
  }

  async sync(key: string): Promise<void> {
    const rs = this.replicaSets.store.get(key);
    if (!rs) {
      this.expectations.delete(key);
      this.tallies.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const compiled = this.selectors(rs);
    // Validation keeps bad selectors out; nothing a retry could fix.
    if (!compiled) return;
    const replicas = rs.spec?.replicas ?? 1;
    const minReady = rs.spec?.minReadySeconds ?? 0;
    const manages = needsSync && !rs.metadata.deletionTimestamp;
    const tally = this.tallyOf(key, rs, compiled);
    // The tally answers for a sync that has nothing to adopt, release or delete, and no pod whose
    // availability waits on minReadySeconds; any other sync looks at every pod, as upstream's does.
    const quick = minReady === 0 && tally.counts.unselected === 0 && !(manages && tally.counts.claimed > replicas) && !this.hasOrphansToAdopt(rs, compiled.selector);
    let counts: StatusCounts;
    let manageError: unknown;
    if (quick) {
      if (verifyCaches) this.verifyTally(rs, compiled.selector, tally);
      const { claimed, fullyLabeled, ready } = tally.counts;
      counts = { claimed, fullyLabeled, ready, available: ready };
      if (manages && counts.claimed < replicas) {
        try {
          await this.createPods(key, rs, replicas - counts.claimed);
        } catch (err) {
          manageError = err;
        }
      }
    } else {
      const pods = await this.claimPods(rs, compiled.selector);
      if (manages) {
        try {
          await this.manageReplicas(key, pods, rs);
        } catch (err) {
          manageError = err;
        }
      }
      counts = this.countPods(rs, pods);
    }
    const status = this.calculateStatus(rs, counts, manageError);
    const updated = await this.updateStatus(rs, status);
    if (manageError === undefined && minReady > 0 && (updated.status?.readyReplicas ?? 0) === replicas && (updated.status?.availableReplicas ?? 0) !== replicas) {
      this.queue.addAfter(key, minReady * 1000);
    }
    if (manageError !== undefined) throw manageError;
  }

  /** The ReplicaSet's tally, made afresh from the pods it controls for a new ReplicaSet or template labels. */
  private tallyOf(key: string, rs: Obj, compiled: { selector: Selector; templateLabels: Selector; templateKey: string }): ReplicaSetTally {
    let tally = this.tallies.get(key);
    if (tally?.fits(rs.metadata.uid, compiled.templateKey)) {
      tally.refresh((podKey) => this.pods.store.get(podKey));
      return tally;
    }
    tally = new ReplicaSetTally(rs.metadata.uid, compiled.templateKey, compiled.selector, compiled.templateLabels, this.pods.store.byIndex(indexes.controllerUid, rs.metadata.uid));
    this.tallies.set(key, tally);
    return tally;
  }

  /** Whether some orphan in the namespace is one claimPods would adopt. */
  private hasOrphansToAdopt(rs: Obj, selector: Selector): boolean {
    for (const pod of this.pods.store.byIndex(indexes.orphanNamespace, rs.metadata.namespace)) {
      if (isPodActive(pod) && claimDecision(rs, pod, selector.matches(pod.metadata.labels ?? {})) === 'adopt') return true;
    }
    return false;
  }

  /**
   * Under the tests' cache checks: the tally must count what a look at every pod counts. A
   * difference is thrown out of the event loop, so the test that ran into it fails.
   */
  private verifyTally(rs: Obj, selector: Selector, tally: ReplicaSetTally): void {
    const controlled = this.pods.store.byIndex(indexes.controllerUid, rs.metadata.uid).filter(isPodActive);
    const selected = controlled.filter((p) => selector.matches(p.metadata.labels ?? {}));
    const { available: _available, ...counted } = this.countPods(rs, selected);
    const expected: TallyCounts = { ...counted, unselected: controlled.length - selected.length };
    if (!deepEqual(expected, tally.counts)) {
      const err = new Error(`${this.kind.kind} ${this.keyOf(rs)}: the tally counts ${JSON.stringify(tally.counts)}, its pods ${JSON.stringify(expected)}`);
      setImmediate(() => {
        throw err;
      });
    }
  }

  /**
   * ClaimPods: the active pods this ReplicaSet controls and still selects, after adopting the
   * orphans it selects and releasing the pods it controls but no longer selects.
   */
  private async claimPods(rs: Obj, selector: Selector): Promise<Obj[]> {
    const claimed: Obj[] = [];
    let adoptable: boolean | undefined;
    // The pods it controls, then the namespace's orphans: the active ones of each, as listed now.
    const lists = [this.pods.store.byIndex(indexes.controllerUid, rs.metadata.uid), this.pods.store.byIndex(indexes.orphanNamespace, rs.metadata.namespace)];
    for (const list of lists) for (const pod of list) {
      if (!isPodActive(pod)) continue;
      const decision = claimDecision(rs, pod, selector.matches(pod.metadata.labels ?? {}));
      if (decision === 'owned') claimed.push(pod);
      else if (decision === 'adopt') {
        // Adopt only if the ReplicaSet is really still there and not being deleted (RecheckDeletionTimestamp).
        adoptable ??= this.canAdopt(this.kind.resource, rs);
        if (!adoptable) continue;
        try {
          const { object } = await this.ctx.client.patch(resources.pods, pod.metadata.namespace, pod.metadata.name, 'strategic', adoptionPatch(rs, pod, this.kind.apiVersion, this.kind.kind));
          claimed.push(object);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      } else if (decision === 'release') {
        try {
          await this.ctx.client.patch(resources.pods, pod.metadata.namespace, pod.metadata.name, 'strategic', releasePatch(rs.metadata.uid, pod));
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    }
    return claimed;
  }

  /**
   * The ReplicaSet's compiled selector and the selector of its template's labels, compiled once
   * per version of the object in the cache (every pod event syncs its ReplicaSet); undefined for a
   * selector that does not compile.
   */
  private selectors(rs: Obj): { selector: Selector; templateLabels: Selector; templateKey: string } | undefined {
    let compiled = this.compiled.get(rs);
    if (compiled === undefined) {
      try {
        const labels = rs.spec?.template?.metadata?.labels ?? {};
        const selector = this.kind.selector(rs);
        // The tally is kept for one selector and one set of template labels: a ReplicationController's
        // selector may change, unlike a ReplicaSet's, and a new one counts the pods afresh.
        compiled = { selector: labelSelectorAsSelector(selector), templateLabels: selectorFromSet(labels), templateKey: JSON.stringify([selector ?? null, labels]) };
      } catch {
        compiled = null;
      }
      this.compiled.set(rs, compiled);
    }
    return compiled ?? undefined;
  }

  private async manageReplicas(key: string, pods: Obj[], rs: Obj): Promise<void> {
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    if (diff < 0) return this.createPods(key, rs, -diff);
    if (diff > 0) {
      const count = Math.min(diff, burstReplicas);
      const victims = this.podsToDelete(pods, this.relatedPods(rs), count);
      this.expectations.expectDeletions(key, victims.map((p) => p.metadata.uid));
      const results = await Promise.allSettled(victims.map(async (pod) => {
        try {
          await this.ctx.client.delete(resources.pods, pod.metadata.namespace, pod.metadata.name);
          this.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
        } catch (err) {
          // Its deletion will never be observed through this call.
          this.expectations.deletionObserved(key, pod.metadata.uid);
          if (isNotFound(err)) return;
          this.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
          throw err;
        }
      }));
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    }
  }

  /** Creates `missing` pods from the template (at most burstReplicas), in slow-start batches. */
  private async createPods(key: string, rs: Obj, missing: number): Promise<void> {
    const count = Math.min(missing, burstReplicas);
    this.expectations.expectCreations(key, count);
    const { successes, error } = await slowStartBatch(count, 1, async () => {
      await this.createPodFor(this.recorder, rs, podFromTemplate(rs.spec?.template ?? {}, rs, this.kind.apiVersion, this.kind.kind));
    });
    // Creations that failed or were never tried will not be observed: stop waiting for them.
    const skipped = count - successes;
    if (skipped > 0) this.expectations.lower(key, skipped);
    if (error !== undefined) throw error;
  }

  /** getIndirectlyRelatedPods: the pods of every ReplicaSet with the same owner (a Deployment's). */
  private relatedPods(rs: Obj): Obj[] {
    const owner = getControllerOf(rs);
    const siblings = owner ? this.replicaSets.store.byIndex(indexes.controllerUid, owner.uid) : [rs];
    return siblings.flatMap((s) => this.pods.store.byIndex(indexes.controllerUid, s.metadata.uid));
  }

  /** getPodsToDelete: the `count` pods to go first, ranked by ActivePodsWithRanks. */
  private podsToDelete(pods: Obj[], related: Obj[], count: number): Obj[] {
    if (count >= pods.length) return pods;
    const onNode = new Map<string, number>();
    for (const p of related) if (isPodActive(p)) onNode.set(p.spec?.nodeName ?? '', (onNode.get(p.spec?.nodeName ?? '') ?? 0) + 1);
    const now = this.ctx.clock.now();
    const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
    ranked.sort((a, b) => (deleteBefore(a.pod, b.pod, a.rank, b.rank, now) ? -1 : deleteBefore(b.pod, a.pod, b.rank, a.rank, now) ? 1 : 0));
    return ranked.slice(0, count).map((r) => r.pod);
  }

  /** What calculateStatus counts of the claimed pods, looking at each. */
  private countPods(rs: Obj, pods: readonly Obj[]): StatusCounts {
    const templateLabels = this.selectors(rs)!.templateLabels;
    const minReady = rs.spec?.minReadySeconds ?? 0;
    const now = this.ctx.clock.now();
    const counts = { claimed: pods.length, fullyLabeled: 0, ready: 0, available: 0 };
    for (const pod of pods) {
      if (templateLabels.matches(pod.metadata.labels ?? {})) counts.fullyLabeled++;
      if (isPodReady(pod)) {
        counts.ready++;
        // A ready pod is available at once without minReadySeconds.
        if (!minReady || isPodAvailable(pod, minReady, now)) counts.available++;
      }
    }
    return counts;
  }

  /** calculateStatus: the counts of the claimed pods, and the ReplicaFailure condition. */
  private calculateStatus(rs: Obj, counts: StatusCounts, manageError: unknown): Obj {
    let conditions: Obj[] = [...(rs.status?.conditions ?? [])];
    const failure = conditions.find((c) => c.type === 'ReplicaFailure');
    if (manageError !== undefined && !failure) {
      const reason = counts.claimed < (rs.spec?.replicas ?? 1) ? 'FailedCreate' : 'FailedDelete';
      conditions.push({ type: 'ReplicaFailure', status: 'True', lastTransitionTime: timestamp(this.ctx.clock), reason, message: (manageError as Error).message });
    } else if (manageError === undefined && failure) {
      conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
    }
    // The API omits zero counts (omitempty); `replicas` is always present.
    return {
      replicas: counts.claimed,
      ...(counts.fullyLabeled ? { fullyLabeledReplicas: counts.fullyLabeled } : {}),
      ...(counts.ready ? { readyReplicas: counts.ready } : {}),
      ...(counts.available ? { availableReplicas: counts.available } : {}),
      ...(rs.metadata.generation ? { observedGeneration: rs.metadata.generation } : {}),
      ...(conditions.length ? { conditions } : {}),
    };
  }

  private async updateStatus(rs: Obj, status: Obj): Promise<Obj> {
    if (deepEqual(rs.status ?? {}, status)) return rs;
    let current = rs;
    for (let attempt = 0; ; attempt++) {
      try {
        const { object } = await this.ctx.client.update(this.kind.resource, current.metadata.namespace, { ...current, status }, {}, 'status');
        return object;
      } catch (err) {
        // One retry against a fresh copy, as updateReplicaSetStatus does; then back off through the queue.
        if (attempt >= 1 || statusCode(err) !== 409) throw err;
        const fresh = this.ctx.client.tryGet(this.kind.resource, rs.metadata.namespace, rs.metadata.name);
        if (!fresh || fresh.metadata.uid !== rs.metadata.uid) return rs;
        current = fresh;
      }
    }
  }
}
