// The DaemonSet controller (pkg/controller/daemon): one pod of the template on every node that
// should run it (its nodeSelector and required node affinity match, its taints are tolerated),
// pinned there by a `metadata.name` node-affinity term and scheduled by the scheduler as any pod;
// pods on nodes that should not run it are removed; a template change is rolled out node by node
// within maxUnavailable. Template versions are ControllerRevisions named `<set>-<hash>`.
import type { Taint, Toleration } from 'kubernetes-types/core/v1';
import type { Obj } from '../apiserver/registry/strategy';
import { labelSelectorAsSelector } from '../api/labels/labelSelector';
import { getControllerOf, newControllerRef } from '../api/meta/ownerReferences';
import { deepCopy, deepEqual } from '../api/patch/jsonValue';
import type { EventRecorder } from '../client/eventRecorder';
import { compileNodeSelector } from '../scheduler/nodeSelector';
import { tolerationsTolerateTaint } from '../scheduler/taints';
import { Controller, type ControllerContext, isAlreadyExists, isNamespaceTerminating, isNotFound } from './runtime/controller';
import { ControllerExpectations } from './runtime/expectations';
import { indexes, resources } from './runtime/sharedInformerFactory';
import { computeHash, scaledValue } from './util/deployment';
import { isPodAvailable, isPodReady, podFromTemplate } from './util/pod';

export const controllerRevisionHashLabel = 'controller-revision-hash';
export const podTemplateGenerationLabel = 'pod-template-generation';

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

export class DaemonSetController extends Controller {
  readonly name = 'daemonset-controller';
  readonly expectations: ControllerExpectations;
  private readonly recorder: EventRecorder;
  private readonly sets;
  private readonly pods;
  private readonly nodes;
  private readonly revisions;

  constructor(ctx: ControllerContext) {
    super(ctx);
    this.expectations = new ControllerExpectations(ctx.clock);
    this.recorder = ctx.recorder(this.name);
    this.sets = ctx.informers.informerFor(resources.daemonsets);
    this.pods = ctx.informers.informerFor(resources.pods);
    this.nodes = ctx.informers.informerFor(resources.nodes);
    this.revisions = ctx.informers.informerFor(resources.controllerrevisions);
    this.sets.addEventHandler({ onAdd: (s) => this.enqueue(s), onUpdate: (_o, s) => this.enqueue(s), onDelete: (s) => this.expectations.delete(this.key(s)) });
    const podEvent = (pod: Obj, event: 'add' | 'update' | 'delete') => {
      const ref = getControllerOf(pod);
      if (ref?.kind !== 'DaemonSet') return;
      const set = this.sets.store.get(`${pod.metadata.namespace}/${ref.name}`);
      if (!set || set.metadata.uid !== ref.uid) return;
      const key = this.key(set);
      if (event === 'add' && !pod.metadata.deletionTimestamp) this.expectations.creationObserved(key);
      if (event === 'delete' || (event === 'update' && pod.metadata.deletionTimestamp)) this.expectations.deletionObserved(key, pod.metadata.uid);
      this.queue.add(key);
    };
    this.pods.addEventHandler({ onAdd: (p) => podEvent(p, 'add'), onUpdate: (_o, p) => podEvent(p, 'update'), onDelete: (p) => podEvent(p, 'delete') });
    // A node that comes, goes or changes labels or taints may change where every DaemonSet runs.
    const nodeChanged = () => { for (const set of this.sets.store.list()) this.enqueue(set); };
    this.nodes.addEventHandler({
      onAdd: nodeChanged,
      onUpdate: (o, n) => { if (!deepEqual(o.metadata.labels, n.metadata.labels) || !deepEqual(o.spec?.taints, n.spec?.taints)) nodeChanged(); },
      onDelete: nodeChanged,
    });
  }

  private key(set: Obj): string {
    return `${set.metadata.namespace}/${set.metadata.name}`;
  }

  /** nodeShouldRunDaemonPod: the node matches the pod's node selection and it tolerates the node's taints. */
  private shouldRun(set: Obj, node: Obj): boolean {
    const spec = set.spec.template.spec ?? {};
    const labels = node.metadata.labels ?? {};
    for (const [k, v] of Object.entries<string>(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
    const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (required && !compileNodeSelector(required)(labels, node.metadata.name)) return false;
    const tolerations = daemonPodTolerations(spec);
    return (node.spec?.taints ?? []).every((t: Taint) => (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') || tolerationsTolerateTaint(tolerations, t));
  }

  async sync(key: string): Promise<void> {
    const cached = this.sets.store.get(key);
    if (!cached) return;
    const set = deepCopy(cached);
    let selector;
    try {
      selector = labelSelectorAsSelector(set.spec?.selector);
    } catch {
      return;
    }
    const hash = await this.ensureRevision(set);
    const pods = this.pods.store.byIndex(indexes.controllerUid, set.metadata.uid).filter((p) => selector.matches(p.metadata.labels ?? {}));
    const byNode = new Map<string, Obj[]>();
    for (const pod of pods) {
      const node = targetNode(pod);
      if (!node) continue;
      byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }
    const nodes = [...this.nodes.store.list()];
    if (!set.metadata.deletionTimestamp && this.expectations.satisfied(key)) await this.manage(set, key, nodes, byNode, hash);
    await this.updateStatus(set, nodes, byNode, hash);
  }

  /** The ControllerRevision of the current template, created when missing; returns its hash. */
  private async ensureRevision(set: Obj): Promise<string> {
    const data = { spec: { template: { ...deepCopy(set.spec.template), $patch: 'replace' } } };
    const hash = computeHash(data, set.status?.collisionCount);
    const owned = this.revisions.store.byIndex(indexes.controllerUid, set.metadata.uid);
    if (owned.some((r) => r.metadata.name === `${set.metadata.name}-${hash}`)) return hash;
    const revision = owned.reduce((m, r) => Math.max(m, r.revision ?? 0), 0) + 1;
    try {
      await this.ctx.client.create(resources.controllerrevisions, set.metadata.namespace, {
        apiVersion: 'apps/v1',
        kind: 'ControllerRevision',
        metadata: { name: `${set.metadata.name}-${hash}`, namespace: set.metadata.namespace, labels: { ...(set.spec.selector?.matchLabels ?? {}), [controllerRevisionHashLabel]: hash }, ownerReferences: [newControllerRef(set, 'apps/v1', 'DaemonSet')] },
        data,
        revision,
      });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    return hash;
  }

  /** manage + rollingUpdate: create where missing, delete where not wanted, replace old pods within maxUnavailable. */
  private async manage(set: Obj, key: string, nodes: Obj[], byNode: Map<string, Obj[]>, hash: string): Promise<void> {
    const create: string[] = [];
    const remove: Obj[] = [];
    for (const node of nodes) {
      const name = node.metadata.name;
      const existing = (byNode.get(name) ?? []).filter((p) => !p.metadata.deletionTimestamp);
      if (!this.shouldRun(set, node)) {
        remove.push(...existing);
        continue;
      }
      const failed = existing.filter((p) => p.status?.phase === 'Failed');
      remove.push(...failed);
      const alive = existing.filter((p) => p.status?.phase !== 'Failed').sort((a, b) => Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp));
      // A terminating pod on the node is waited for, so two daemon pods never overlap.
      if (alive.length === 0 && !(byNode.get(name) ?? []).some((p) => p.metadata.deletionTimestamp)) create.push(name);
      // More than one: keep the oldest.
      remove.push(...alive.slice(1));
    }
    // RollingUpdate: old pods go while no more than maxUnavailable nodes lack an available pod.
    if ((set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
      const now = this.ctx.clock.now();
      const minReady = set.spec.minReadySeconds ?? 0;
      const desired = nodes.filter((n) => this.shouldRun(set, n));
      const maxUnavailable = scaledValue(set.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, desired.length, true);
      let unavailable = 0;
      const oldAvailable: Obj[] = [];
      for (const node of desired) {
        const pod = (byNode.get(node.metadata.name) ?? []).find((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Failed');
        if (!pod || !isPodAvailable(pod, minReady, now)) {
          unavailable++;
          if (pod && pod.metadata.labels?.[controllerRevisionHashLabel] !== hash && !remove.includes(pod)) remove.push(pod);
          continue;
        }
        if (pod.metadata.labels?.[controllerRevisionHashLabel] !== hash) oldAvailable.push(pod);
      }
      for (const pod of oldAvailable) {
        if (unavailable >= maxUnavailable) break;
        remove.push(pod);
        unavailable++;
      }
    }
    this.expectations.expectCreations(key, create.length);
    let created = 0;
    try {
      for (const node of create) {
        await this.createPod(set, node, hash);
        created++;
      }
    } finally {
      if (created < create.length) this.expectations.lower(key, create.length - created);
    }
    for (const pod of remove) {
      try {
        await this.ctx.client.delete(resources.pods, pod.metadata.namespace, pod.metadata.name);
        this.recorder.event(set, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  private async createPod(set: Obj, node: string, hash: string): Promise<void> {
    const pod = podFromTemplate(set.spec.template, set, 'apps/v1', 'DaemonSet');
    pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [controllerRevisionHashLabel]: hash, [podTemplateGenerationLabel]: String(set.metadata.generation ?? 1) };
    pod.spec.tolerations = daemonPodTolerations(pod.spec);
    // ReplaceDaemonSetPodNodeNameNodeAffinity: every required term now names exactly this node.
    const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    const nodeField = { key: 'metadata.name', operator: 'In', values: [node] };
    const terms = (required?.nodeSelectorTerms ?? []).length ? required.nodeSelectorTerms.map((t: Obj) => ({ ...t, matchFields: [nodeField] })) : [{ matchFields: [nodeField] }];
    pod.spec.affinity = { ...(pod.spec.affinity ?? {}), nodeAffinity: { ...(pod.spec.affinity?.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } };
    try {
      const { object } = await this.ctx.client.create(resources.pods, set.metadata.namespace, pod);
      this.recorder.event(set, 'Normal', 'SuccessfulCreate', `Created pod: ${object.metadata.name}`);
    } catch (err) {
      if (isNamespaceTerminating(err)) return;
      this.recorder.event(set, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  }

  private async updateStatus(set: Obj, nodes: Obj[], byNode: Map<string, Obj[]>, hash: string): Promise<void> {
    const now = this.ctx.clock.now();
    const minReady = set.spec.minReadySeconds ?? 0;
    let desired = 0, current = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
    for (const node of nodes) {
      const pods = (byNode.get(node.metadata.name) ?? []).filter((p) => !p.metadata.deletionTimestamp);
      const should = this.shouldRun(set, node);
      if (should) desired++;
      if (!pods.length) continue;
      if (!should) {
        misscheduled++;
        continue;
      }
      current++;
      const pod = pods[0]!;
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, now)) available++;
      }
      if (pod.metadata.labels?.[controllerRevisionHashLabel] === hash) updated++;
    }
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
