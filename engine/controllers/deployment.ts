// The Deployment controller (pkg/controller/deployment): one ReplicaSet per pod template, named
// `<deployment>-<pod-template-hash>`; a template change rolls out a new ReplicaSet (RollingUpdate
// within maxSurge/maxUnavailable, or Recreate), an old template brings its ReplicaSet back (a
// rollback), revisions are annotated and old ReplicaSets pruned to revisionHistoryLimit, a scale is
// spread proportionally across ReplicaSets, and status carries the Available and Progressing
// conditions with Kubernetes' reasons.
import type { Obj } from '../apiserver/registry/strategy';
import { labelSelectorAsSelector } from '../api/labels/labelSelector';
import { adoptionPatch, claimDecision, getControllerOf, newControllerRef, releasePatch } from '../api/meta/ownerReferences';
import { deepCopy, deepEqual } from '../api/patch/jsonValue';
import type { EventRecorder } from '../client/eventRecorder';
import { Controller, type ControllerContext, isAlreadyExists, isNotFound, timestamp } from './runtime/controller';
import { indexes, resources } from './runtime/sharedInformerFactory';
import * as util from './util/deployment';

export class DeploymentController extends Controller {
  readonly name = 'deployment-controller';
  private readonly recorder: EventRecorder;
  private readonly deployments;
  private readonly replicaSets;
  private readonly pods;

  constructor(ctx: ControllerContext) {
    super(ctx);
    this.recorder = ctx.recorder(this.name);
    this.deployments = ctx.informers.informerFor(resources.deployments);
    this.replicaSets = ctx.informers.informerFor(resources.replicasets);
    this.pods = ctx.informers.informerFor(resources.pods);
    this.deployments.addEventHandler({ onAdd: (d) => this.enqueue(d), onUpdate: (_o, d) => this.enqueue(d), onDelete: (d) => this.enqueue(d) });
    this.replicaSets.addEventHandler({ onAdd: (rs) => this.replicaSetChanged(undefined, rs), onUpdate: (o, rs) => this.replicaSetChanged(o, rs), onDelete: (rs) => this.enqueueOwner(rs) });
    // Recreate waits for every old pod to be gone before it creates the new ReplicaSet.
    this.pods.addEventHandler({ onDelete: (pod) => this.podDeleted(pod) });
  }

  private ownerOf(rs: Obj, ref = getControllerOf(rs)): Obj | undefined {
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.deployments.store.get(`${rs.metadata.namespace}/${ref.name}`);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  }

  private enqueueOwner(rs: Obj, ref = getControllerOf(rs)): void {
    const d = this.ownerOf(rs, ref);
    if (d) this.enqueue(d);
  }

  /** getDeploymentsForReplicaSet: the deployments in its namespace whose selector matches it. */
  private deploymentsSelecting(rs: Obj): Obj[] {
    return this.deployments.store.byIndex(indexes.namespace, rs.metadata.namespace).filter((d) => {
      try {
        const s = labelSelectorAsSelector(d.spec?.selector);
        return !s.empty() && s.matches(rs.metadata.labels ?? {});
      } catch {
        return false;
      }
    });
  }

  private replicaSetChanged(old: Obj | undefined, rs: Obj): void {
    const ref = getControllerOf(rs);
    const oldRef = old && getControllerOf(old);
    if (old && oldRef && oldRef.uid !== ref?.uid) this.enqueueOwner(old, oldRef);
    if (ref) return this.enqueueOwner(rs, ref);
    const labelsChanged = !old || !deepEqual(old.metadata.labels ?? {}, rs.metadata.labels ?? {});
    if (labelsChanged || oldRef) for (const d of this.deploymentsSelecting(rs)) this.enqueue(d);
  }

  private podDeleted(pod: Obj): void {
    const ref = getControllerOf(pod);
    if (ref?.kind !== 'ReplicaSet') return;
    const rs = this.replicaSets.store.get(`${pod.metadata.namespace}/${ref.name}`);
    if (!rs || rs.metadata.uid !== ref.uid) return;
    const d = this.ownerOf(rs);
    if (d && !util.isRollingUpdate(d)) this.enqueue(d);
  }

  async sync(key: string): Promise<void> {
    const cached = this.deployments.store.get(key);
    if (!cached) return;
    const d = deepCopy(cached);
    let selector;
    try {
      selector = labelSelectorAsSelector(d.spec?.selector);
    } catch {
      return;
    }
    if (selector.empty()) {
      this.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) await this.updateStatus(d, { ...(d.status ?? {}), observedGeneration: d.metadata.generation });
      return;
    }
    const rsList = await this.claimReplicaSets(d, selector);
    if (d.metadata.deletionTimestamp) return this.syncStatusOnly(d, rsList);
    await this.checkPausedConditions(d);
    if (d.spec?.paused) return this.syncScale(d, rsList);
    if (await this.isScalingEvent(d, rsList)) return this.syncScale(d, rsList);
    return util.isRollingUpdate(d) ? this.rolloutRolling(d, rsList) : this.rolloutRecreate(d, rsList);
  }

  /** ClaimReplicaSets: the ReplicaSets this deployment controls, after adoption and release. */
  private async claimReplicaSets(d: Obj, selector: ReturnType<typeof labelSelectorAsSelector>): Promise<Obj[]> {
    const candidates = [...this.replicaSets.store.byIndex(indexes.controllerUid, d.metadata.uid), ...this.replicaSets.store.byIndex(indexes.orphanNamespace, d.metadata.namespace)];
    const claimed: Obj[] = [];
    let adoptable: boolean | undefined;
    for (const rs of candidates) {
      const decision = claimDecision(d, rs, selector.matches(rs.metadata.labels ?? {}));
      if (decision === 'owned') claimed.push(deepCopy(rs));
      else if (decision === 'adopt') {
        adoptable ??= this.canAdopt(resources.deployments, d);
        if (!adoptable) continue;
        try {
          claimed.push((await this.ctx.client.patch(resources.replicasets, rs.metadata.namespace, rs.metadata.name, 'strategic', adoptionPatch(d, rs, 'apps/v1', 'Deployment'))).object);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      } else if (decision === 'release') {
        try {
          await this.ctx.client.patch(resources.replicasets, rs.metadata.namespace, rs.metadata.name, 'strategic', releasePatch(d.metadata.uid, rs));
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    }
    return claimed;
  }

  private now(): string {
    return timestamp(this.ctx.clock);
  }

  // ---- writes ----

  /**
   * UpdateStatus, with `annotations` when given: the status strategy keeps the spec and labels
   * only, so the revision annotation goes along with the status, as the deployment controller
   * writes it (and the generation does not move, as it would through the main resource).
   */
  private async updateStatus(d: Obj, status: Obj, annotations?: Record<string, string>): Promise<void> {
    const metadata = annotations ? { ...d.metadata, annotations } : d.metadata;
    const { object } = await this.ctx.client.update(resources.deployments, d.metadata.namespace, { ...d, metadata, status }, {}, 'status');
    d.status = object.status;
    d.metadata.annotations = object.metadata.annotations;
    d.metadata.resourceVersion = object.metadata.resourceVersion;
  }

  /** SetDeploymentRevision, with a new `status` if there is one: one status write if either changes anything. */
  private async setRevision(d: Obj, revision: number, status?: Obj): Promise<void> {
    const annotations = d.metadata.annotations?.[util.revisionAnnotation] === String(revision) ? undefined : { ...(d.metadata.annotations ?? {}), [util.revisionAnnotation]: String(revision) };
    if (annotations || status) await this.updateStatus(d, status ?? d.status ?? {}, annotations);
  }

  /** The deployment's status with `condition` set (SetDeploymentCondition on a copy). */
  private withCondition(d: Obj, condition: Obj): Obj {
    const status = deepCopy(d.status ?? {});
    util.setCondition(status, condition);
    return status;
  }

  private async updateReplicaSet(rs: Obj): Promise<Obj> {
    return (await this.ctx.client.update(resources.replicasets, rs.metadata.namespace, rs)).object;
  }

  // ---- finding and creating the new ReplicaSet ----

  /**
   * getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when asked and missing) and the
   * old ones, with the new one's revision brought up to date.
   */
  private async replicaSetsAndSyncRevision(d: Obj, rsList: Obj[], createIfNotExisted: boolean): Promise<{ newRS: Obj | undefined; oldRSs: Obj[] }> {
    const existing = util.findNewReplicaSet(d, rsList);
    const oldRSs = rsList.filter((rs) => rs !== existing);
    const newRS = await this.newReplicaSet(d, rsList, oldRSs, existing, createIfNotExisted);
    return { newRS, oldRSs };
  }

  private async newReplicaSet(d: Obj, rsList: Obj[], oldRSs: Obj[], existing: Obj | undefined, createIfNotExisted: boolean): Promise<Obj | undefined> {
    const newRevision = util.maxRevision(oldRSs) + 1;
    if (existing) {
      const rsCopy = deepCopy(existing);
      const annotationsUpdated = util.setNewReplicaSetAnnotations(d, rsCopy, newRevision, true);
      const minReadyNeedsUpdate = (rsCopy.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
      let rs = existing;
      if (annotationsUpdated || minReadyNeedsUpdate) {
        rsCopy.spec.minReadySeconds = d.spec?.minReadySeconds ?? 0;
        rs = await this.updateReplicaSet(rsCopy);
        Object.assign(existing, rs);
      }
      // A deployment with a deadline that has no progress yet counts it from the first sight of its new ReplicaSet.
      const found = util.hasProgressDeadline(d) && !util.getCondition(d.status, 'Progressing');
      await this.setRevision(d, util.revisionOf(rs), found ? this.withCondition(d, util.newCondition('Progressing', 'True', util.reasons.foundNewRS, `Found new replica set "${rs.metadata.name}"`, this.now())) : undefined);
      return existing;
    }
    if (!createIfNotExisted) return undefined;

    const hash = util.computeHash(d.spec.template, d.status?.collisionCount);
    const template = deepCopy(d.spec.template);
    template.metadata ??= {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [util.defaultDeploymentUniqueLabelKey]: hash };
    const selector = deepCopy(d.spec.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [util.defaultDeploymentUniqueLabelKey]: hash };
    const rs: Obj = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')], labels: { ...template.metadata.labels } },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    };
    const replicas = util.newRSNewReplicas(d, [...oldRSs, rs], rs);
    rs.spec.replicas = replicas;
    util.setNewReplicaSetAnnotations(d, rs, newRevision, false);

    let created: Obj;
    let alreadyExists = false;
    try {
      created = (await this.ctx.client.create(resources.replicasets, d.metadata.namespace, rs)).object;
    } catch (err) {
      if (isAlreadyExists(err)) {
        const found = this.ctx.client.tryGet(resources.replicasets, d.metadata.namespace, rs.metadata.name);
        const controlled = found && getControllerOf(found)?.uid === d.metadata.uid;
        if (found && controlled && util.equalIgnoreHash(found.spec?.template, d.spec.template)) {
          created = found;
          alreadyExists = true;
        } else {
          // A hash collision: another template already has this name. Hash again with a new count.
          const status = deepCopy(d.status ?? {});
          status.collisionCount = (status.collisionCount ?? 0) + 1;
          await this.updateStatus(d, status);
          throw err;
        }
      } else {
        if (util.hasProgressDeadline(d)) {
          const msg = `Failed to create new replica set "${rs.metadata.name}": ${(err as Error).message}`;
          this.recorder.event(d, 'Warning', util.reasons.failedRSCreate, msg);
          await this.updateStatus(d, this.withCondition(d, util.newCondition('Progressing', 'False', util.reasons.failedRSCreate, msg, this.now())));
        }
        throw err;
      }
    }
    rsList.push(created);
    if (!alreadyExists && replicas > 0) this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`);
    const createdNew = !alreadyExists && util.hasProgressDeadline(d);
    await this.setRevision(d, newRevision, createdNew ? this.withCondition(d, util.newCondition('Progressing', 'True', util.reasons.newReplicaSet, `Created new replica set "${created.metadata.name}"`, this.now())) : undefined);
    return created;
  }

  // ---- scaling ----

  /** scaleReplicaSetAndRecordEvent: true when the size changed. */
  private async scaleReplicaSetAndRecordEvent(rs: Obj, newScale: number, d: Obj): Promise<boolean> {
    if (util.specReplicas(rs) === newScale) return false;
    return this.scaleReplicaSet(rs, newScale, d, util.specReplicas(rs) < newScale ? 'up' : 'down');
  }

  private async scaleReplicaSet(rs: Obj, newScale: number, d: Obj, operation: string): Promise<boolean> {
    const oldScale = util.specReplicas(rs);
    const sizeNeedsUpdate = oldScale !== newScale;
    const max = util.replicasOf(d) + util.maxSurge(d);
    if (!sizeNeedsUpdate && !util.replicasAnnotationsNeedUpdate(rs, util.replicasOf(d), max)) return false;
    const copy = deepCopy(rs);
    copy.spec.replicas = newScale;
    util.setReplicasAnnotations(copy, util.replicasOf(d), max);
    const updated = await this.updateReplicaSet(copy);
    // Callers keep working with the same ReplicaSet objects: bring them up to date.
    Object.assign(rs, updated);
    if (sizeNeedsUpdate) this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${rs.metadata.name} from ${oldScale} to ${newScale}`);
    return sizeNeedsUpdate;
  }

  /** isScalingEvent: an active ReplicaSet was sized for a different spec.replicas. */
  private async isScalingEvent(d: Obj, rsList: Obj[]): Promise<boolean> {
    const { newRS, oldRSs } = await this.replicaSetsAndSyncRevision(d, rsList, false);
    for (const rs of util.filterActive([...oldRSs, newRS])) {
      const desired = rs.metadata.annotations?.[util.desiredReplicasAnnotation];
      if (desired === undefined || !Number.isInteger(Number(desired))) continue;
      if (Number(desired) !== util.replicasOf(d)) return true;
    }
    return false;
  }

  /** scale: a new spec.replicas spread across the ReplicaSets in proportion to their size. */
  private async scale(d: Obj, newRS: Obj | undefined, oldRSs: Obj[]): Promise<void> {
    const replicas = util.replicasOf(d);
    const activeOrLatest = util.findActiveOrLatest(newRS, oldRSs);
    if (activeOrLatest) {
      if (util.specReplicas(activeOrLatest) !== replicas) await this.scaleReplicaSetAndRecordEvent(activeOrLatest, replicas, d);
      return;
    }
    // The new ReplicaSet is saturated: the old ones go entirely.
    if (newRS && util.specReplicas(newRS) === replicas && newRS.metadata.annotations?.[util.desiredReplicasAnnotation] === String(replicas) && (newRS.status?.availableReplicas ?? 0) === replicas) {
      for (const old of util.filterActive(oldRSs)) await this.scaleReplicaSetAndRecordEvent(old, 0, d);
      return;
    }
    if (!util.isRollingUpdate(d)) return;
    const all = util.filterActive([...oldRSs, newRS]);
    const allowed = replicas > 0 ? replicas + util.maxSurge(d) : 0;
    const toAdd = allowed - util.replicaCount(all);
    let operation = '';
    if (toAdd > 0) {
      all.sort(util.bySizeNewer);
      operation = 'up';
    } else if (toAdd < 0) {
      all.sort(util.bySizeOlder);
      operation = 'down';
    }
    let added = 0;
    const sizes = new Map<Obj, number>();
    for (const rs of all) {
      if (toAdd !== 0) {
        const p = util.proportion(rs, d, toAdd, added);
        sizes.set(rs, util.specReplicas(rs) + p);
        added += p;
      } else sizes.set(rs, util.specReplicas(rs));
    }
    for (const [i, rs] of all.entries()) {
      let size = sizes.get(rs)!;
      // Whatever rounding left over goes to the largest ReplicaSet.
      if (i === 0 && toAdd !== 0) size = Math.max(size + toAdd - added, 0);
      await this.scaleReplicaSet(rs, size, d, operation);
    }
  }

  /** sync: scaling and pausing, without rolling anything out. */
  private async syncScale(d: Obj, rsList: Obj[]): Promise<void> {
    const { newRS, oldRSs } = await this.replicaSetsAndSyncRevision(d, rsList, false);
    await this.scale(d, newRS, oldRSs);
    if (d.spec?.paused) await this.cleanupDeployment(oldRSs, d);
    await this.syncDeploymentStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS, d);
  }

  // ---- rollouts ----

  private async rolloutRolling(d: Obj, rsList: Obj[]): Promise<void> {
    const { newRS, oldRSs } = await this.replicaSetsAndSyncRevision(d, rsList, true);
    const all = [...oldRSs, newRS!];
    if (await this.reconcileNewReplicaSet(all, newRS!, d)) return this.syncRolloutStatus(all, newRS, d);
    if (await this.reconcileOldReplicaSets(all, util.filterActive(oldRSs), newRS!, d)) return this.syncRolloutStatus(all, newRS, d);
    if (util.deploymentComplete(d, d.status ?? {})) await this.cleanupDeployment(oldRSs, d);
    return this.syncRolloutStatus(all, newRS, d);
  }

  private async reconcileNewReplicaSet(all: Obj[], newRS: Obj, d: Obj): Promise<boolean> {
    const replicas = util.replicasOf(d);
    if (util.specReplicas(newRS) === replicas) return false;
    if (util.specReplicas(newRS) > replicas) return this.scaleReplicaSetAndRecordEvent(newRS, replicas, d);
    return this.scaleReplicaSetAndRecordEvent(newRS, util.newRSNewReplicas(d, all, newRS), d);
  }

  /**
   * reconcileOldReplicaSets: scale old ReplicaSets down as far as maxUnavailable allows, their
   * unhealthy pods first (they count for nothing), then the available ones.
   */
  private async reconcileOldReplicaSets(all: Obj[], oldRSs: Obj[], newRS: Obj, d: Obj): Promise<boolean> {
    if (util.replicaCount(oldRSs) === 0) return false;
    const minAvailable = util.replicasOf(d) - util.maxUnavailable(d);
    const newRSUnavailable = util.specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
    const maxScaledDown = util.replicaCount(all) - minAvailable - newRSUnavailable;
    if (maxScaledDown <= 0) return false;
    const cleaned = await this.cleanupUnhealthyReplicas(oldRSs, d, maxScaledDown);
    const scaledDown = await this.scaleDownOldReplicaSetsForRollingUpdate([...oldRSs, newRS], oldRSs, d);
    return cleaned + scaledDown > 0;
  }

  private async cleanupUnhealthyReplicas(oldRSs: Obj[], d: Obj, maxCleanup: number): Promise<number> {
    let total = 0;
    for (const rs of [...oldRSs].sort(util.byCreation)) {
      if (total >= maxCleanup) break;
      const replicas = util.specReplicas(rs);
      const available = rs.status?.availableReplicas ?? 0;
      if (replicas === 0 || replicas === available) continue;
      const count = Math.min(maxCleanup - total, replicas - available);
      await this.scaleReplicaSetAndRecordEvent(rs, replicas - count, d);
      total += count;
    }
    return total;
  }

  private async scaleDownOldReplicaSetsForRollingUpdate(all: Obj[], oldRSs: Obj[], d: Obj): Promise<number> {
    const minAvailable = util.replicasOf(d) - util.maxUnavailable(d);
    const available = util.availableReplicaCount(all);
    if (available <= minAvailable) return 0;
    const totalScaleDown = available - minAvailable;
    let total = 0;
    for (const rs of [...oldRSs].sort(util.byCreation)) {
      if (total >= totalScaleDown) break;
      const replicas = util.specReplicas(rs);
      if (replicas === 0) continue;
      const count = Math.min(replicas, totalScaleDown - total);
      await this.scaleReplicaSetAndRecordEvent(rs, replicas - count, d);
      total += count;
    }
    return total;
  }

  private async rolloutRecreate(d: Obj, rsList: Obj[]): Promise<void> {
    let { newRS, oldRSs } = await this.replicaSetsAndSyncRevision(d, rsList, false);
    let all = [...oldRSs, ...(newRS ? [newRS] : [])];
    let scaledDown = false;
    for (const rs of util.filterActive(oldRSs)) if (await this.scaleReplicaSetAndRecordEvent(rs, 0, d)) scaledDown = true;
    if (scaledDown) return this.syncRolloutStatus(all, newRS, d);
    if (this.oldPodsRunning(newRS, oldRSs)) return this.syncRolloutStatus(all, newRS, d);
    if (!newRS) {
      ({ newRS, oldRSs } = await this.replicaSetsAndSyncRevision(d, rsList, true));
      all = [...oldRSs, newRS!];
    }
    await this.scaleReplicaSetAndRecordEvent(newRS!, util.replicasOf(d), d);
    if (util.deploymentComplete(d, d.status ?? {})) await this.cleanupDeployment(oldRSs, d);
    return this.syncRolloutStatus(all, newRS, d);
  }

  /** oldPodsRunning: any pod of an old ReplicaSet that has not finished. */
  private oldPodsRunning(newRS: Obj | undefined, oldRSs: Obj[]): boolean {
    if (util.actualReplicaCount(oldRSs) > 0) return true;
    for (const rs of oldRSs) {
      if (newRS && rs.metadata.uid === newRS.metadata.uid) continue;
      for (const pod of this.pods.store.byIndex(indexes.controllerUid, rs.metadata.uid)) {
        const phase = pod.status?.phase;
        if (phase !== 'Failed' && phase !== 'Succeeded') return true;
      }
    }
    return false;
  }

  /** cleanupDeployment: delete the oldest fully scaled-down ReplicaSets beyond revisionHistoryLimit. */
  private async cleanupDeployment(oldRSs: Obj[], d: Obj): Promise<void> {
    const limit = d.spec?.revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
    const diff = cleanable.length - limit;
    if (diff <= 0) return;
    cleanable.sort(util.byRevision);
    for (const rs of cleanable.slice(0, diff)) {
      if ((rs.status?.replicas ?? 0) !== 0 || util.specReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        await this.ctx.client.delete(resources.replicasets, rs.metadata.namespace, rs.metadata.name);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  // ---- status ----

  private calculateStatus(all: Obj[], newRS: Obj | undefined, d: Obj): Obj {
    const available = util.availableReplicaCount(all);
    const unavailable = Math.max(util.replicaCount(all) - available, 0);
    const status: Obj = {
      observedGeneration: d.metadata.generation,
      replicas: util.actualReplicaCount(all),
      updatedReplicas: newRS ? util.actualReplicaCount([newRS]) : 0,
      readyReplicas: util.readyReplicaCount(all),
      availableReplicas: available,
      unavailableReplicas: unavailable,
      ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
      ...(d.status?.conditions ? { conditions: deepCopy(d.status.conditions) } : {}),
    };
    // The API omits zero counts (omitempty).
    for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']) if (status[k] === 0) delete status[k];
    if (available >= util.replicasOf(d) - util.maxUnavailable(d)) {
      util.setCondition(status, util.newCondition('Available', 'True', util.reasons.minimumReplicasAvailable, 'Deployment has minimum availability.', this.now()));
    } else {
      util.setCondition(status, util.newCondition('Available', 'False', util.reasons.minimumReplicasUnavailable, 'Deployment does not have minimum availability.', this.now()));
    }
    return status;
  }

  private async syncDeploymentStatus(all: Obj[], newRS: Obj | undefined, d: Obj): Promise<void> {
    const status = this.calculateStatus(all, newRS, d);
    if (deepEqual(d.status ?? {}, status)) return;
    await this.updateStatus(d, status);
  }

  private async syncStatusOnly(d: Obj, rsList: Obj[]): Promise<void> {
    const { newRS, oldRSs } = await this.replicaSetsAndSyncRevision(d, rsList, false);
    return this.syncDeploymentStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS, d);
  }

  /** syncRolloutStatus: status plus the Progressing condition (progress, completion, deadline). */
  private async syncRolloutStatus(all: Obj[], newRS: Obj | undefined, d: Obj): Promise<void> {
    const status = this.calculateStatus(all, newRS, d);
    const now = this.now();
    if (!util.hasProgressDeadline(d)) util.removeCondition(status, 'Progressing');
    const current = util.getCondition(d.status, 'Progressing');
    const complete = (status.replicas ?? 0) === (status.updatedReplicas ?? 0) && current?.reason === util.reasons.newRSAvailable;
    if (util.hasProgressDeadline(d) && !complete) {
      const rsName = newRS?.metadata.name;
      if (util.deploymentComplete(d, status)) {
        const msg = rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : `Deployment "${d.metadata.name}" has successfully progressed.`;
        util.setCondition(status, util.newCondition('Progressing', 'True', util.reasons.newRSAvailable, msg, now));
      } else if (util.deploymentProgressing(d, status)) {
        const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
        const condition = util.newCondition('Progressing', 'True', util.reasons.replicaSetUpdated, msg, now);
        // Progress moves lastUpdateTime even when the reason stays; a True condition keeps its transition time.
        if (current) {
          if (current.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
          util.removeCondition(status, 'Progressing');
        }
        util.setCondition(status, condition);
      } else if (util.deploymentTimedOut(d, status, this.ctx.clock.now())) {
        const msg = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
        util.setCondition(status, util.newCondition('Progressing', 'False', util.reasons.timedOut, msg, now));
      }
    }
    const failure = [newRS, ...all].map((rs) => rs && util.getCondition(rs.status, 'ReplicaFailure')).find((c) => c?.status === 'True');
    if (failure) util.setCondition(status, { type: 'ReplicaFailure', status: 'True', lastUpdateTime: now, lastTransitionTime: failure.lastTransitionTime ?? now, reason: failure.reason, message: failure.message });
    else util.removeCondition(status, 'ReplicaFailure');
    if (deepEqual(d.status ?? {}, status)) {
      this.requeueStuckDeployment(d, status);
      return;
    }
    await this.updateStatus(d, status);
  }

  /** requeueStuckDeployment: look again when the progress deadline would pass. */
  private requeueStuckDeployment(d: Obj, status: Obj): void {
    const c = util.getCondition(status, 'Progressing');
    if (!util.hasProgressDeadline(d) || !c || c.reason === util.reasons.newRSAvailable || c.reason === util.reasons.timedOut) return;
    if (util.deploymentComplete(d, status)) return;
    const after = Date.parse(c.lastUpdateTime) + d.spec.progressDeadlineSeconds * 1000 - this.ctx.clock.now();
    const key = `${d.metadata.namespace}/${d.metadata.name}`;
    // Timestamps have second precision: a deadline is only past a full second after it.
    if (after < 1000) this.queue.addAfter(key, 1000);
    else this.queue.addAfter(key, after + 1000);
  }

  /** checkPausedConditions: Progressing says DeploymentPaused / DeploymentResumed. */
  private async checkPausedConditions(d: Obj): Promise<void> {
    if (!util.hasProgressDeadline(d)) return;
    const c = util.getCondition(d.status, 'Progressing');
    if (c?.reason === util.reasons.timedOut) return;
    const pausedExists = c?.reason === util.reasons.paused;
    const status = deepCopy(d.status ?? {});
    if (d.spec?.paused && !pausedExists) util.setCondition(status, util.newCondition('Progressing', 'Unknown', util.reasons.paused, 'Deployment is paused', this.now()));
    else if (!d.spec?.paused && pausedExists) util.setCondition(status, util.newCondition('Progressing', 'Unknown', util.reasons.resumed, 'Deployment is resumed', this.now()));
    else return;
    await this.updateStatus(d, status);
  }
}
