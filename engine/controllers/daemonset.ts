// The DaemonSet controller (pkg/controller/daemon): one pod of the template on every node that
// should run it (its nodeSelector and required node affinity match, its taints are tolerated),
// pinned there by a `metadata.name` node-affinity term and scheduled by the scheduler as any pod;
// pods on nodes that should not run it are removed; a template change is rolled out node by node
// within maxUnavailable. Template versions are ControllerRevisions named `<set>-<hash>`.
import type { Taint, Toleration } from 'kubernetes-types/core/v1';
import type { Obj } from '../apiserver/registry/strategy';
import { labelSelectorAsSelector } from '../api/labels/labelSelector';
import type { Selector } from '../api/labels/selector';
import { templateGenerationOf } from '../api/meta/daemonSets';
import { adoptionPatch, claimDecision, getControllerOf, newControllerRef, releasePatch } from '../api/meta/ownerReferences';
import { deepCopy, deepEqual } from '../api/patch/jsonValue';
import type { EventRecorder } from '../client/eventRecorder';
import { compileNodeSelector } from '../scheduler/nodeSelector';
import { tolerationsTolerateTaint } from '../scheduler/taints';
import { Controller, type ControllerContext, isAlreadyExists, isNotFound } from './runtime/controller';
import { ControllerExpectations } from './runtime/expectations';
import { indexes, resources } from './runtime/sharedInformerFactory';
import { controllerRevisionHashLabel, podTemplateGenerationLabel, SetTally, type Totals, type Work } from './daemonsetTally';
import { slowStartBatch } from './replicaset';
import { computeHash, scaledValue } from './util/deployment';
import { isPodAvailable, podFromTemplate } from './util/pod';

/** How many daemon pods one sync creates at most (the DaemonSet controller's BurstReplicas). */
export const daemonBurstReplicas = 250;

export { controllerRevisionHashLabel };

/** AddOrUpdateDaemonPodTolerations: what every daemon pod tolerates, so node trouble does not evict it. */
function daemonPodTolerations(spec: Obj): Toleration[] {
  const added: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec.hostNetwork) added.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const existing: Toleration[] = spec.tolerations ?? [];
  return [...existing, ...added.filter((t) => !existing.some((e) => e.key === t.key && e.effect === t.effect))];
}

/** GetTargetNodeName: the node a daemon pod is for, bound or not. */
function targetNode(pod: Obj): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    const f = (term.matchFields ?? []).find((m: Obj) => m.key === 'metadata.name' && m.operator === 'In' && m.values?.length === 1);
    if (f) return f.values[0];
  }
  return undefined;
}

/** Where one template's pods should run, and whether a node is such a place. */
interface Placement {
  generation: number | undefined;
  nodeShouldRun: (node: Obj) => boolean;
  /** Every node the informer has, by name, in the order they came. */
  shouldRun: Map<string, boolean>;
}

/** nodeShouldRunDaemonPod for one pod template: its node selection compiled once, its tolerations added once. */
function compileNodeShouldRun(spec: Obj): (node: Obj) => boolean {
  const nodeSelector = Object.entries<string>(spec.nodeSelector ?? {});
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const affinity = required ? compileNodeSelector(required) : undefined;
  const tolerations = daemonPodTolerations(spec);
  return (node) => {
    const labels = node.metadata.labels ?? {};
    for (const [k, v] of nodeSelector) if (labels[k] !== v) return false;
    if (affinity && !affinity(labels, node.metadata.name)) return false;
    return (node.spec?.taints ?? []).every((t: Taint) => (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') || tolerationsTolerateTaint(tolerations, t));
  };
}

export class DaemonSetController extends Controller {
  readonly name = 'daemonset-controller';
  readonly expectations: ControllerExpectations;
  private readonly recorder: EventRecorder;
  private readonly sets;
  private readonly pods;
  private readonly nodes;
  private readonly revisions;
  /** By DaemonSet uid: where its template's generation should run, node by node; see placement. */
  private readonly placements = new Map<string, Placement>();
  /** By DaemonSet uid: its nodes' tallies for the current template; see daemonsetTally.ts. */
  private readonly tallies = new Map<string, SetTally>();
  /** By DaemonSet uid, then node: the pods it controls that name that node, by pod uid. */
  private readonly daemonPods = new Map<string, Map<string, Map<string, Obj>>>();
  /** By DaemonSet uid: pods it controls whose labels its selector no longer matches, to release. */
  private readonly unselected = new Map<string, Map<string, Obj>>();
  /** By DaemonSet uid: its selector (immutable in apps/v1), compiled; null if it does not compile. */
  private readonly selectors = new Map<string, Selector | null>();
  /** By DaemonSet uid: its template's hash, for the generation and collision count it was worked out for. */
  private readonly hashes = new Map<string, { generation: number | undefined; collisionCount: number | undefined; hash: string }>();

  constructor(ctx: ControllerContext) {
    super(ctx);
    this.expectations = new ControllerExpectations(ctx.clock);
    this.recorder = ctx.recorder(this.name);
    this.sets = ctx.informers.informerFor(resources.daemonsets);
    this.pods = ctx.informers.informerFor(resources.pods);
    this.nodes = ctx.informers.informerFor(resources.nodes);
    this.revisions = ctx.informers.informerFor(resources.controllerrevisions);
    this.sets.addEventHandler({ onAdd: (s) => this.enqueue(s), onUpdate: (_o, s) => this.enqueue(s), onDelete: (s) => {
      this.expectations.delete(this.key(s));
      this.forget(s.metadata.uid);
    } });
    const podEvent = (pod: Obj, event: 'add' | 'update' | 'delete', old?: Obj) => {
      const before = old && getControllerOf(old);
      if (before?.kind === 'DaemonSet') this.indexPod(before.uid, old!, false);
      const ref = getControllerOf(pod);
      // A pod released by its DaemonSet (or handed to another controller) concerns the set it left.
      if (before?.kind === 'DaemonSet' && before.uid !== (ref?.kind === 'DaemonSet' ? ref.uid : undefined)) {
        const left = this.sets.store.get(`${pod.metadata.namespace}/${before.name}`);
        if (left?.metadata.uid === before.uid) this.enqueue(left);
      }
      if (ref?.kind !== 'DaemonSet') return;
      this.indexPod(ref.uid, pod, event !== 'delete');
      const set = this.sets.store.get(`${pod.metadata.namespace}/${ref.name}`);
      if (!set || set.metadata.uid !== ref.uid) return;
      // A pod whose labels left the selector is released by the next sync, wherever it runs.
      if (event !== 'delete' && !this.selects(set, pod)) this.unselectedOf(ref.uid).set(pod.metadata.uid, pod);
      else this.unselected.get(ref.uid)?.delete(pod.metadata.uid);
      const key = this.key(set);
      if (event === 'add' && !pod.metadata.deletionTimestamp) this.expectations.creationObserved(key);
      if (event === 'delete' || (event === 'update' && pod.metadata.deletionTimestamp)) this.expectations.deletionObserved(key, pod.metadata.uid);
      this.queue.add(key);
    };
    this.pods.addEventHandler({ onAdd: (p) => podEvent(p, 'add'), onUpdate: (o, p) => podEvent(p, 'update', o), onDelete: (p) => podEvent(p, 'delete') });
    // A node that comes concerns the DaemonSets that should run there (addNode); one whose labels or
    // taints change, those for which that changes the answer (updateNode).
    const nodeCame = (node: Obj) => {
      for (const set of this.sets.store.list()) {
        const placement = this.placement(set);
        const should = placement.nodeShouldRun(node);
        placement.shouldRun.set(node.metadata.name, should);
        this.tallies.get(set.metadata.uid)?.touch(node.metadata.name);
        if (should) this.enqueue(set);
      }
    };
    this.nodes.addEventHandler({
      onAdd: nodeCame,
      onUpdate: (o, n) => {
        if (deepEqual(o.metadata.labels, n.metadata.labels) && deepEqual(o.spec?.taints, n.spec?.taints)) return;
        for (const set of this.sets.store.list()) {
          const placement = this.placement(set);
          const should = placement.nodeShouldRun(n);
          if (placement.shouldRun.get(n.metadata.name) === should) continue;
          placement.shouldRun.set(n.metadata.name, should);
          this.tallies.get(set.metadata.uid)?.touch(n.metadata.name);
          this.enqueue(set);
        }
      },
      // Its pods go with it, wanted there or not.
      onDelete: (node) => {
        for (const set of this.sets.store.list()) {
          this.placement(set).shouldRun.delete(node.metadata.name);
          this.tallies.get(set.metadata.uid)?.touch(node.metadata.name);
          this.enqueue(set);
        }
      },
    });
  }

  private key(set: Obj): string {
    return `${set.metadata.namespace}/${set.metadata.name}`;
  }

  /**
   * Whether each node should run the set's pod (nodeShouldRunDaemonPod), for its template's
   * generation: worked out for all nodes when the template changes, then for a node when it joins,
   * leaves, or changes labels or taints.
   */
  private placement(set: Obj): Placement {
    let placement = this.placements.get(set.metadata.uid);
    if (!placement || placement.generation !== set.metadata.generation) {
      const nodeShouldRun = compileNodeShouldRun(set.spec.template.spec ?? {});
      const shouldRun = new Map<string, boolean>();
      for (const node of this.nodes.store.list()) shouldRun.set(node.metadata.name, nodeShouldRun(node));
      placement = { generation: set.metadata.generation, nodeShouldRun, shouldRun };
      this.placements.set(set.metadata.uid, placement);
    }
    return placement;
  }

  async sync(key: string): Promise<void> {
    const cached = this.sets.store.get(key);
    if (!cached) return;
    const set = deepCopy(cached);
    const selector = this.selector(set);
    if (!selector) return;
    const hash = await this.ensureRevision(set);
    const uid: string = set.metadata.uid;
    const placement = this.placement(set);
    const minReady = set.spec.minReadySeconds ?? 0;
    let tally = this.tallies.get(uid);
    // Availability after minReadySeconds depends on the time: then every node is looked at again.
    const templateGeneration = templateGenerationOf(set);
    if (!tally || tally.hash !== hash || tally.generation !== set.metadata.generation || tally.templateGeneration !== templateGeneration || tally.shouldRun !== placement.shouldRun || minReady > 0) {
      this.tallies.set(uid, (tally = new SetTally(hash, set.metadata.generation, templateGeneration, placement.shouldRun)));
    }
    // ClaimPods, as getDaemonPods runs it: orphans the selector matches are adopted, and pods the
    // set controls that it no longer selects are released. An adopted pod comes back through its
    // watch event, under the set. Pod events note the pods relabelled out of the selector; a node
    // tallied again also yields those whose events came before the set was in the cache.
    await this.adoptOrphans(set, selector);
    const now = this.ctx.clock.now();
    const owned = this.daemonPods.get(uid);
    const unselected: Obj[] = [];
    tally.refresh(
      (node) => {
        const pods = owned?.get(node);
        if (!pods) return [];
        const selected: Obj[] = [];
        for (const p of pods.values()) (selector.matches(p.metadata.labels ?? {}) ? selected : unselected).push(p);
        return selected;
      },
      (pod) => isPodAvailable(pod, minReady, now),
    );
    const released = new Map(unselected.map((p) => [p.metadata.uid as string, p]));
    for (const [podUid, pod] of this.unselected.get(uid) ?? []) released.set(podUid, pod);
    this.unselected.delete(uid);
    for (const pod of released.values()) await this.release(set, pod);
    if (!set.metadata.deletionTimestamp && this.expectations.satisfied(key)) {
      const rolling = (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
      const maxUnavailable = scaledValue(set.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, tally.totals.desired, true);
      await this.manage(set, key, tally.work(rolling, maxUnavailable), hash);
    }
    await this.updateStatus(set, tally.totals);
    // Pods ready but not yet available for minReadySeconds: look again when they will be.
    if (minReady > 0 && tally.totals.ready !== tally.totals.available) this.queue.addAfter(key, minReady * 1000);
    // Deleted while this sync waited on the API: what it kept for the set goes.
    if (this.sets.store.get(key)?.metadata.uid !== uid) this.forget(uid);
  }

  private async adoptOrphans(set: Obj, selector: Selector): Promise<void> {
    let adoptable: boolean | undefined;
    for (const pod of this.pods.store.byIndex(indexes.orphanNamespace, set.metadata.namespace)) {
      if (claimDecision(set, pod, selector.matches(pod.metadata.labels ?? {})) !== 'adopt') continue;
      // Only a set that is really still there, and not being deleted, adopts (RecheckDeletionTimestamp).
      adoptable ??= this.canAdopt(resources.daemonsets, set);
      if (!adoptable) return;
      try {
        const { object } = await this.ctx.client.patch(resources.pods, pod.metadata.namespace, pod.metadata.name, 'strategic', adoptionPatch(set, pod, 'apps/v1', 'DaemonSet'));
        // Counted at once, as ClaimPods returns it: its node needs no pod of its own.
        this.indexPod(set.metadata.uid, object, true);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  private async release(set: Obj, seen: Obj): Promise<void> {
    // Decided on the pod as it is now: its labels may have come back.
    const pod = this.pods.store.get(`${seen.metadata.namespace}/${seen.metadata.name}`);
    if (!pod || pod.metadata.uid !== seen.metadata.uid || claimDecision(set, pod, this.selects(set, pod)) !== 'release') return;
    try {
      await this.ctx.client.patch(resources.pods, pod.metadata.namespace, pod.metadata.name, 'strategic', releasePatch(set.metadata.uid, pod));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** The set's selector, compiled once (it is immutable in apps/v1); undefined if it does not compile. */
  private selector(set: Obj): Selector | undefined {
    let selector = this.selectors.get(set.metadata.uid);
    if (selector === undefined) {
      try {
        selector = labelSelectorAsSelector(set.spec?.selector);
      } catch {
        selector = null;
      }
      this.selectors.set(set.metadata.uid, selector);
    }
    return selector ?? undefined;
  }

  /** Whether the set's selector matches the pod; a selector that does not compile releases nothing. */
  private selects(set: Obj, pod: Obj): boolean {
    const selector = this.selector(set);
    return !selector || selector.matches(pod.metadata.labels ?? {});
  }

  private unselectedOf(uid: string): Map<string, Obj> {
    let pods = this.unselected.get(uid);
    if (!pods) this.unselected.set(uid, (pods = new Map()));
    return pods;
  }

  /** Drops what the controller keeps for a DaemonSet that is gone. */
  private forget(uid: string): void {
    this.unselected.delete(uid);
    this.selectors.delete(uid);
    this.placements.delete(uid);
    this.hashes.delete(uid);
    this.tallies.delete(uid);
    this.daemonPods.delete(uid);
  }

  /** Files a pod its DaemonSet controls under the node it is for (`present`), or takes it out. */
  private indexPod(setUid: string, pod: Obj, present: boolean): void {
    const node = targetNode(pod);
    if (!node) return;
    let bySet = this.daemonPods.get(setUid);
    if (present) {
      if (!bySet) this.daemonPods.set(setUid, (bySet = new Map()));
      let onNode = bySet.get(node);
      if (!onNode) bySet.set(node, (onNode = new Map()));
      onNode.set(pod.metadata.uid, pod);
    } else {
      const onNode = bySet?.get(node);
      onNode?.delete(pod.metadata.uid);
      if (onNode?.size === 0) bySet!.delete(node);
      if (bySet?.size === 0) this.daemonPods.delete(setUid);
    }
    this.tallies.get(setUid)?.touch(node);
  }

  /** The template's hash, worked out once per generation and collision count. */
  private templateHash(set: Obj, data: () => Obj): string {
    const known = this.hashes.get(set.metadata.uid);
    const collisionCount = set.status?.collisionCount;
    if (known && known.generation === set.metadata.generation && known.collisionCount === collisionCount) return known.hash;
    const hash = computeHash(data(), collisionCount);
    this.hashes.set(set.metadata.uid, { generation: set.metadata.generation, collisionCount, hash });
    return hash;
  }

  /** The ControllerRevision of the current template, created when missing; returns its hash. */
  private async ensureRevision(set: Obj): Promise<string> {
    const data = () => ({ spec: { template: { ...deepCopy(set.spec.template), $patch: 'replace' } } });
    const hash = this.templateHash(set, data);
    const owned = this.revisions.store.byIndex(indexes.controllerUid, set.metadata.uid);
    if (owned.some((r) => r.metadata.name === `${set.metadata.name}-${hash}`)) return hash;
    const revision = owned.reduce((m, r) => Math.max(m, r.revision ?? 0), 0) + 1;
    try {
      await this.ctx.client.create(resources.controllerrevisions, set.metadata.namespace, {
        apiVersion: 'apps/v1',
        kind: 'ControllerRevision',
        metadata: { name: `${set.metadata.name}-${hash}`, namespace: set.metadata.namespace, labels: { ...(set.spec.selector?.matchLabels ?? {}), [controllerRevisionHashLabel]: hash }, ownerReferences: [newControllerRef(set, 'apps/v1', 'DaemonSet')] },
        data: data(),
        revision,
      });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    return hash;
  }

  /** manage + rollingUpdate: creates and deletes what the tally found. */
  private async manage(set: Obj, key: string, { create, remove }: Work, hash: string): Promise<void> {
    // syncNodes: at most burstReplicas creations and as many deletions a sync, all awaited in the
    // expectations; creations in slow-start batches. The rest come once these are observed.
    const creating = create.slice(0, daemonBurstReplicas);
    const deleting = [...remove].slice(0, daemonBurstReplicas);
    this.expectations.expect(key, creating.length, deleting.map((p) => p.metadata.uid));
    let next = 0;
    const { successes, error } = await slowStartBatch(creating.length, 1, () => this.createPod(set, creating[next++]!, hash));
    // Creations that failed or were never tried will not be observed: stop waiting for them.
    if (successes < creating.length) this.expectations.lower(key, creating.length - successes);
    let deleteError: unknown;
    for (const pod of deleting) {
      try {
        await this.ctx.client.delete(resources.pods, pod.metadata.namespace, pod.metadata.name);
        this.recorder.event(set, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      } catch (err) {
        // A deletion that failed (or found the pod gone) will not be observed either.
        this.expectations.lower(key, 0, [pod.metadata.uid]);
        if (!isNotFound(err)) deleteError ??= err;
      }
    }
    if (error !== undefined) throw error;
    if (deleteError !== undefined) throw deleteError;
  }

  private async createPod(set: Obj, node: string, hash: string): Promise<void> {
    const pod = podFromTemplate(set.spec.template, set, 'apps/v1', 'DaemonSet');
    const templateGeneration = templateGenerationOf(set);
    pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [controllerRevisionHashLabel]: hash, ...(templateGeneration !== undefined ? { [podTemplateGenerationLabel]: String(templateGeneration) } : {}) };
    pod.spec.tolerations = daemonPodTolerations(pod.spec);
    // ReplaceDaemonSetPodNodeNameNodeAffinity: every required term now names exactly this node.
    const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    const nodeField = { key: 'metadata.name', operator: 'In', values: [node] };
    const terms = (required?.nodeSelectorTerms ?? []).length ? required.nodeSelectorTerms.map((t: Obj) => ({ ...t, matchFields: [nodeField] })) : [{ matchFields: [nodeField] }];
    pod.spec.affinity = { ...(pod.spec.affinity ?? {}), nodeAffinity: { ...(pod.spec.affinity?.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } };
    await this.createPodFor(this.recorder, set, pod);
  }

  private async updateStatus(set: Obj, { desired, current, misscheduled, ready, available, updated }: Totals): Promise<void> {
    const status: Obj = {
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration: set.metadata.generation,
      ...(updated ? { updatedNumberScheduled: updated } : {}),
      ...(available ? { numberAvailable: available } : {}),
      ...(desired - available > 0 ? { numberUnavailable: desired - available } : {}),
      ...(set.status?.collisionCount !== undefined ? { collisionCount: set.status.collisionCount } : {}),
      ...(set.status?.conditions ? { conditions: set.status.conditions } : {}),
    };
    if (deepEqual(set.status ?? {}, status)) return;
    await this.ctx.client.update(resources.daemonsets, set.metadata.namespace, { ...set, status }, {}, 'status');
  }
}
