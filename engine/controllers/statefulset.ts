// The StatefulSet controller (pkg/controller/statefulset): pods with stable identities
// `<set>-<ordinal>`, each with its own PersistentVolumeClaims `<template>-<set>-<ordinal>` that
// outlive the pod; with OrderedReady, pods are created one at a time in ordinal order, each once its
// predecessors are Running and Ready, and removed from the highest ordinal down. Template versions
// are ControllerRevisions; a RollingUpdate replaces pods from the highest ordinal down to the
// partition, one at a time.
import type { Obj } from '../apiserver/registry/strategy';
import { labelSelectorAsSelector } from '../api/labels/labelSelector';
import { adoptionPatch, claimDecision, getControllerOf, newControllerRef, releasePatch } from '../api/meta/ownerReferences';
import { deepCopy, deepEqual } from '../api/patch/jsonValue';
import type { EventRecorder } from '../client/eventRecorder';
import { Controller, type ControllerContext, isAlreadyExists, isNotFound } from './runtime/controller';
import { indexes, resources } from './runtime/sharedInformerFactory';
import { computeHash } from './util/deployment';
import { isPodAvailable, isPodReady, isPodTerminal, podFromTemplate } from './util/pod';

export const controllerRevisionHashLabel = 'controller-revision-hash';
export const statefulSetPodNameLabel = 'statefulset.kubernetes.io/pod-name';
export const podIndexLabel = 'apps.kubernetes.io/pod-index';

/** `<set>-<ordinal>` → ordinal, or -1 when the pod is not named as a member of the set. */
export function ordinalOf(setName: string, podName: string): number {
  const m = /^(.*)-(\d+)$/.exec(podName);
  return m && m[1] === setName ? Number(m[2]) : -1;
}

const isRunningAndReady = (pod: Obj) => pod.status?.phase === 'Running' && isPodReady(pod);
const isTerminating = (pod: Obj) => !!pod.metadata.deletionTimestamp;
const revisionOf = (pod: Obj): string | undefined => pod.metadata.labels?.[controllerRevisionHashLabel];

export class StatefulSetController extends Controller {
  readonly name = 'statefulset-controller';
  private readonly recorder: EventRecorder;
  private readonly sets;
  private readonly pods;
  private readonly revisions;

  constructor(ctx: ControllerContext) {
    super(ctx);
    this.recorder = ctx.recorder(this.name);
    this.sets = ctx.informers.informerFor(resources.statefulsets);
    this.pods = ctx.informers.informerFor(resources.pods);
    this.revisions = ctx.informers.informerFor(resources.controllerrevisions);
    this.sets.addEventHandler({ onAdd: (s) => this.enqueue(s), onUpdate: (_o, s) => this.enqueue(s), onDelete: (s) => this.enqueue(s) });
    const podChanged = (pod: Obj) => {
      const ref = getControllerOf(pod);
      if (ref?.kind !== 'StatefulSet') {
        if (!ref) for (const set of this.sets.store.byIndex(indexes.namespace, pod.metadata.namespace)) if (ordinalOf(set.metadata.name, pod.metadata.name) >= 0) this.enqueue(set);
        return;
      }
      const set = this.sets.store.get(`${pod.metadata.namespace}/${ref.name}`);
      if (set && set.metadata.uid === ref.uid) this.enqueue(set);
    };
    this.pods.addEventHandler({ onAdd: podChanged, onUpdate: (_o, p) => podChanged(p), onDelete: podChanged });
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
    const pods = await this.claimPods(set, selector);
    const { current, update } = await this.revisionsFor(set, pods);
    const status = set.metadata.deletionTimestamp ? undefined : await this.updateStatefulSet(set, pods, current, update);
    await this.updateStatus(set, status ?? this.calculateStatus(set, pods, current, update));
  }

  /** ClaimPods, for members only: an orphan is adopted only if its name makes it one of the set's pods. */
  private async claimPods(set: Obj, selector: ReturnType<typeof labelSelectorAsSelector>): Promise<Obj[]> {
    const candidates = [...this.pods.store.byIndex(indexes.controllerUid, set.metadata.uid), ...this.pods.store.byIndex(indexes.orphanNamespace, set.metadata.namespace)];
    const claimed: Obj[] = [];
    for (const pod of candidates) {
      const member = ordinalOf(set.metadata.name, pod.metadata.name) >= 0;
      const decision = claimDecision(set, pod, member && selector.matches(pod.metadata.labels ?? {}));
      try {
        if (decision === 'owned') claimed.push(pod);
        else if (decision === 'adopt') claimed.push((await this.ctx.client.patch(resources.pods, pod.metadata.namespace, pod.metadata.name, 'strategic', adoptionPatch(set, pod, 'apps/v1', 'StatefulSet'))).object);
        else if (decision === 'release') await this.ctx.client.patch(resources.pods, pod.metadata.namespace, pod.metadata.name, 'strategic', releasePatch(set.metadata.uid, pod));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return claimed;
  }

  // ---- revisions ----

  /** getPatch: what a ControllerRevision records, the template to replace the set's with. */
  private revisionData(set: Obj): Obj {
    return { spec: { template: { ...deepCopy(set.spec.template), $patch: 'replace' } } };
  }

  /**
   * getStatefulSetRevisions: the revision of the current template (created, or an equal older one
   * brought forward as the newest), the revision pods were last all at, and history truncated.
   */
  private async revisionsFor(set: Obj, pods: Obj[]): Promise<{ current: Obj; update: Obj }> {
    const owned = this.revisions.store.byIndex(indexes.controllerUid, set.metadata.uid).sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
    const data = this.revisionData(set);
    const maxRevision = owned.reduce((m, r) => Math.max(m, r.revision ?? 0), 0);
    let update = [...owned].reverse().find((r) => deepEqual(r.data, data));
    if (update && update !== owned[owned.length - 1]) {
      // A rollback: the equal older revision becomes the newest.
      update = (await this.ctx.client.update(resources.controllerrevisions, set.metadata.namespace, { ...update, revision: maxRevision + 1 })).object;
    } else if (!update) {
      const hash = computeHash(data, set.status?.collisionCount);
      const revision: Obj = {
        apiVersion: 'apps/v1',
        kind: 'ControllerRevision',
        metadata: { name: `${set.metadata.name}-${hash}`, namespace: set.metadata.namespace, labels: { ...(set.spec.selector?.matchLabels ?? {}), [controllerRevisionHashLabel]: hash }, ownerReferences: [newControllerRef(set, 'apps/v1', 'StatefulSet')] },
        data,
        revision: maxRevision + 1,
      };
      try {
        update = (await this.ctx.client.create(resources.controllerrevisions, set.metadata.namespace, revision)).object;
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        const existing = this.ctx.client.get(resources.controllerrevisions, set.metadata.namespace, revision.metadata.name);
        if (!deepEqual(existing.data, data)) {
          // A hash collision: hash again with a new count.
          await this.updateStatus(set, { ...(set.status ?? {}), collisionCount: (set.status?.collisionCount ?? 0) + 1 });
          throw err;
        }
        update = existing;
      }
    }
    const currentName = set.status?.currentRevision;
    const current = owned.find((r) => r.metadata.name === currentName) ?? update!;
    await this.truncateHistory(set, owned, pods, current, update!);
    return { current, update: update! };
  }

  /** truncateHistory: revisions nobody uses, oldest first, beyond revisionHistoryLimit. */
  private async truncateHistory(set: Obj, owned: Obj[], pods: Obj[], current: Obj, update: Obj): Promise<void> {
    const live = new Set([current.metadata.name, update.metadata.name, ...pods.map(revisionOf)]);
    const historic = owned.filter((r) => !live.has(r.metadata.name));
    const excess = historic.length - (set.spec.revisionHistoryLimit ?? 10);
    for (const r of historic.slice(0, Math.max(excess, 0))) {
      try {
        await this.ctx.client.delete(resources.controllerrevisions, r.metadata.namespace, r.metadata.name);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  // ---- pods ----

  /** newVersionedStatefulSetPod: the pod of one ordinal, at the revision the update strategy gives it. */
  private newPod(set: Obj, ordinal: number, current: Obj, update: Obj): Obj {
    const partition = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    const rolling = (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const revision = rolling && ordinal >= partition ? update : current;
    const { $patch: _replace, ...template } = revision.data.spec.template;
    const pod = podFromTemplate(template, set, 'apps/v1', 'StatefulSet');
    const name = `${set.metadata.name}-${ordinal}`;
    delete pod.metadata.generateName;
    pod.metadata.name = name;
    pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [statefulSetPodNameLabel]: name, [podIndexLabel]: String(ordinal), [controllerRevisionHashLabel]: revision.metadata.name };
    pod.spec.hostname = name;
    if (set.spec.serviceName) pod.spec.subdomain = set.spec.serviceName;
    // updateStorage: each claim template becomes a volume of the same name bound to this ordinal's claim.
    const claims = (set.spec.volumeClaimTemplates ?? []).map((t: Obj) => ({ name: t.metadata.name, persistentVolumeClaim: { claimName: this.claimName(set, t, ordinal) } }));
    if (claims.length) pod.spec.volumes = [...(pod.spec.volumes ?? []).filter((v: Obj) => !claims.some((c: Obj) => c.name === v.name)), ...claims];
    return pod;
  }

  private claimName(set: Obj, template: Obj, ordinal: number): string {
    return `${template.metadata.name}-${set.metadata.name}-${ordinal}`;
  }

  /** createPersistentVolumeClaims: the pod's claims that do not exist yet (an existing one is reused). */
  private async ensureClaims(set: Obj, pod: Obj | string, ordinal: number, condemned = false): Promise<void> {
    const podName = typeof pod === 'string' ? pod : pod.metadata.name;
    for (const template of set.spec.volumeClaimTemplates ?? []) {
      const name = this.claimName(set, template, ordinal);
      const existing = this.ctx.client.tryGet(resources.persistentvolumeclaims, set.metadata.namespace, name);
      if (existing) {
        await this.syncClaimOwners(set, existing, typeof pod === 'string' ? undefined : pod, condemned);
        continue;
      }
      const claim: Obj = {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { ...deepCopy(template.metadata ?? {}), name, namespace: set.metadata.namespace, labels: { ...(template.metadata?.labels ?? {}), ...(set.spec.selector?.matchLabels ?? {}) } },
        spec: deepCopy(template.spec ?? {}),
      };
      const owners = this.claimOwners(set, claim, undefined, false);
      if (owners.length) claim.metadata.ownerReferences = owners;
      try {
        await this.ctx.client.create(resources.persistentvolumeclaims, set.metadata.namespace, claim);
        this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${name} Pod ${podName} in StatefulSet ${set.metadata.name} success`);
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        this.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${name} for Pod ${podName} in StatefulSet ${set.metadata.name} failed error: ${(err as Error).message}`);
        throw err;
      }
    }
  }

  /**
   * persistentVolumeClaimRetentionPolicy as owner references (updateClaimOwnerRefForSetAndPod):
   * whenDeleted: Delete makes the set an owner of every claim, whenScaled: Delete makes a condemned
   * pod the owner of its claims, so the garbage collector removes them with it; Retain owns nothing.
   */
  private claimOwners(set: Obj, claim: Obj, pod: Obj | undefined, condemned: boolean): Obj[] {
    const policy = set.spec.persistentVolumeClaimRetentionPolicy ?? {};
    const refs: Obj[] = (claim.metadata.ownerReferences ?? []).filter((r: Obj) => r.uid !== set.metadata.uid && !(pod && r.kind === 'Pod' && r.name === pod.metadata.name));
    // A condemned pod's claims belong to the pod alone, so they go with it even if the set stays.
    if (pod && condemned && policy.whenScaled === 'Delete') refs.push({ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid });
    else if (policy.whenDeleted === 'Delete') refs.push({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata.name, uid: set.metadata.uid });
    return refs;
  }

  private async syncClaimOwners(set: Obj, claim: Obj, pod: Obj | undefined, condemned: boolean): Promise<void> {
    const refs = this.claimOwners(set, claim, pod, condemned);
    if (deepEqual(claim.metadata.ownerReferences ?? [], refs)) return;
    const metadata = { ...claim.metadata, ownerReferences: refs };
    if (!refs.length) delete metadata.ownerReferences;
    try {
      await this.ctx.client.update(resources.persistentvolumeclaims, claim.metadata.namespace, { ...claim, metadata });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async createPod(set: Obj, pod: Obj, ordinal: number): Promise<void> {
    await this.ensureClaims(set, pod.metadata.name, ordinal);
    try {
      await this.ctx.client.create(resources.pods, set.metadata.namespace, pod);
      this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } catch (err) {
      if (isAlreadyExists(err)) return;
      this.recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(err as Error).message}`);
      throw err;
    }
  }

  private async deletePod(set: Obj, pod: Obj): Promise<void> {
    try {
      await this.ctx.client.delete(resources.pods, pod.metadata.namespace, pod.metadata.name);
      this.recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /**
   * updateStatefulSet: one step towards `spec.replicas` healthy pods at the update revision. With
   * OrderedReady, every step waits for the pods before it to be Running and Ready.
   */
  private async updateStatefulSet(set: Obj, pods: Obj[], current: Obj, update: Obj): Promise<Obj> {
    const replicaCount = set.spec.replicas ?? 1;
    const monotonic = (set.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const replicas: (Obj | undefined)[] = new Array(replicaCount).fill(undefined);
    const condemned: Obj[] = [];
    for (const pod of pods) {
      const ord = ordinalOf(set.metadata.name, pod.metadata.name);
      if (ord >= 0 && ord < replicaCount) replicas[ord] = pod;
      else if (ord >= replicaCount) condemned.push(pod);
    }
    condemned.sort((a, b) => ordinalOf(set.metadata.name, b.metadata.name) - ordinalOf(set.metadata.name, a.metadata.name));
    const status = this.calculateStatus(set, pods, current, update);

    for (let ord = 0; ord < replicaCount; ord++) {
      const pod = replicas[ord];
      if (pod && isPodTerminal(pod)) {
        // A failed or finished member is replaced under the same name.
        await this.deletePod(set, pod);
        if (monotonic) return status;
        continue;
      }
      if (!pod) {
        await this.createPod(set, this.newPod(set, ord, current, update), ord);
        if (monotonic) return status;
        continue;
      }
      if (isTerminating(pod) && monotonic) return status;
      if (!isRunningAndReady(pod) && monotonic) return status;
      // An existing pod keeps its claims: create any that went missing, owned as the policy says.
      await this.ensureClaims(set, pod, ord);
    }

    const firstUnhealthy = [...replicas, ...condemned].find((p) => !p || !isRunningAndReady(p) || isTerminating(p));
    for (const pod of condemned) {
      if (isTerminating(pod)) {
        if (monotonic) return status;
        continue;
      }
      // Scale down one at a time, and only when everything else is healthy.
      if (monotonic && firstUnhealthy && firstUnhealthy !== pod) return status;
      // With whenScaled: Delete, the claims go with the pod: make it their owner first.
      await this.ensureClaims(set, pod, ordinalOf(set.metadata.name, pod.metadata.name), true);
      await this.deletePod(set, pod);
      if (monotonic) return status;
    }

    if ((set.spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return status;
    const partition = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    for (let ord = replicaCount - 1; ord >= partition; ord--) {
      const pod = replicas[ord];
      // A pod created in this pass is not healthy yet: wait for it.
      if (!pod) return status;
      if (revisionOf(pod) !== update.metadata.name && !isTerminating(pod)) {
        await this.deletePod(set, pod);
        return status;
      }
      if (!isRunningAndReady(pod) || isTerminating(pod)) return status;
    }
    return status;
  }

  // ---- status ----

  private calculateStatus(set: Obj, pods: Obj[], current: Obj | undefined, update: Obj | undefined): Obj {
    const now = this.ctx.clock.now();
    const minReady = set.spec.minReadySeconds ?? 0;
    let replicas = 0;
    let ready = 0;
    let available = 0;
    let currentReplicas = 0;
    let updatedReplicas = 0;
    for (const pod of pods) {
      if (isTerminating(pod)) continue;
      replicas++;
      if (isRunningAndReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, now)) available++;
      }
      if (current && revisionOf(pod) === current.metadata.name) currentReplicas++;
      if (update && revisionOf(pod) === update.metadata.name) updatedReplicas++;
    }
    const status: Obj = {
      observedGeneration: set.metadata.generation,
      replicas,
      ...(ready ? { readyReplicas: ready } : {}),
      ...(currentReplicas ? { currentReplicas } : {}),
      ...(updatedReplicas ? { updatedReplicas } : {}),
      availableReplicas: available,
      ...(current ? { currentRevision: current.metadata.name } : {}),
      ...(update ? { updateRevision: update.metadata.name } : {}),
      collisionCount: set.status?.collisionCount ?? 0,
    };
    // Once every replica is at the update revision and ready, that revision is current.
    if (update && updatedReplicas === (set.spec.replicas ?? 1) && ready === updatedReplicas && replicas === updatedReplicas) {
      status.currentRevision = update.metadata.name;
      status.currentReplicas = updatedReplicas;
    }
    return status;
  }

  private async updateStatus(set: Obj, status: Obj): Promise<void> {
    if (deepEqual(set.status ?? {}, status)) return;
    const { object } = await this.ctx.client.update(resources.statefulsets, set.metadata.namespace, { ...set, status }, {}, 'status');
    set.status = object.status;
    set.metadata.resourceVersion = object.metadata.resourceVersion;
  }
}
