// The PersistentVolume binder (pkg/controller/volume/persistentvolume, kube-controller-manager's
// persistentvolume-binder): binds each Pending claim to the smallest Available volume that fits, or
// asks its class's provisioner for one; once a bound claim is gone its volume is Released, and
// reclaimed as its reclaim policy says. Claims are keyed `namespace/name`, volumes `name` (they are
// cluster-scoped), so one queue serves both as the controller's claim and volume queues do.
// https://kubernetes.io/docs/concepts/storage/persistent-volumes/#lifecycle-of-a-volume-and-claim
import type { Obj } from '../apiserver/registry/strategy';
import { deepCopy, deepEqual } from '../api/patch/jsonValue';
import type { EventRecorder } from '../client/eventRecorder';
import { Controller, type ControllerContext, isNotFound } from './runtime/controller';
import { resources } from './runtime/sharedInformerFactory';
import {
  annBetaStorageProvisioner,
  annBindCompleted,
  annBoundByController,
  annDynamicallyProvisioned,
  annSelectedNode,
  annStorageProvisioner,
  claimClass,
  findMatchingVolume,
  isDelayBindingMode,
  isVolumeBoundToClaim,
} from './util/persistentvolume';

const isClaimKey = (key: string) => key.includes('/');
const resyncPeriodMs = 15_000;

export class PersistentVolumeBinderController extends Controller {
  readonly name = 'persistentvolume-binder-controller';
  private readonly recorder: EventRecorder;
  private readonly claims;
  private readonly volumes;
  private readonly classes;

  constructor(ctx: ControllerContext) {
    super(ctx);
    // Events carry the real controller's source component.
    this.recorder = ctx.recorder('persistentvolume-controller');
    this.claims = ctx.informers.informerFor(resources.persistentvolumeclaims);
    this.volumes = ctx.informers.informerFor(resources.persistentvolumes);
    this.classes = ctx.informers.informerFor(resources.storageclasses);
    this.claims.addEventHandler({
      onAdd: (c) => this.enqueue(c),
      onUpdate: (_o, c) => this.enqueue(c),
      // The claim's volume is now Released (or, if it was never bound, nothing happens).
      onDelete: (c) => { if (c.spec?.volumeName) this.queue.add(c.spec.volumeName); },
    });
    this.volumes.addEventHandler({ onAdd: (v) => this.enqueue(v), onUpdate: (_o, v) => this.enqueue(v) });
    // A class made after its claims: the claims waiting for it are looked at again.
    this.classes.addEventHandler({ onAdd: (sc) => { for (const c of this.claims.store.list()) if (claimClass(c) === sc.metadata.name && !c.spec?.volumeName) this.enqueue(c); } });
    // A new volume does not wake Pending claims: every claim and volume is looked at again on a
    // period (kube-controller-manager's --pvclaimbinder-sync-period, 15 s).
    this.every(resyncPeriodMs, () => {
      for (const c of this.claims.store.list()) this.enqueue(c);
      for (const v of this.volumes.store.list()) this.enqueue(v);
    });
  }

  async sync(key: string): Promise<void> {
    if (isClaimKey(key)) {
      const claim = this.claims.store.get(key);
      if (!claim || claim.metadata.deletionTimestamp) return;
      await (claim.metadata.annotations?.[annBindCompleted] ? this.syncBoundClaim(claim) : this.syncUnboundClaim(claim));
    } else {
      const volume = this.volumes.store.get(key);
      if (volume) await this.syncVolume(volume);
    }
  }

  // ---- claims ----

  private async syncUnboundClaim(claim: Obj): Promise<void> {
    const storageClass = this.classes.store.get(claimClass(claim));
    if (!claim.spec.volumeName) {
      const delayBinding = isDelayBindingMode(claim, storageClass);
      const volume = findMatchingVolume(claim, this.volumes.store.list(), { delayBinding });
      if (volume) return this.bind(volume, claim);
      if (delayBinding && !claim.metadata.annotations?.[annSelectedNode]) {
        this.recorder.event(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      } else if (claimClass(claim) !== '') {
        await this.provisionClaim(claim, storageClass);
      } else {
        this.recorder.event(claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      }
      return this.updateClaimStatus(claim, 'Pending');
    }
    // The claim names its volume (a user pre-bound it, or the binder stopped half-way).
    const volume = this.volumes.store.get(claim.spec.volumeName);
    if (!volume) return this.updateClaimStatus(claim, 'Pending');
    if (!volume.spec.claimRef || isVolumeBoundToClaim(volume, claim)) {
      if (!volume.spec.claimRef && !findMatchingVolume(claim, [volume], { delayBinding: false })) {
        this.recorder.event(claim, 'Warning', 'VolumeMismatch', 'Cannot bind to requested volume "' + volume.metadata.name + '": requested PV is too small or does not match the claim');
        return this.updateClaimStatus(claim, 'Pending');
      }
      return this.bind(volume, claim);
    }
    this.recorder.event(claim, 'Warning', 'FailedBinding', `volume "${volume.metadata.name}" already bound to a different claim.`);
    await this.updateClaimStatus(claim, 'Pending');
  }

  private async syncBoundClaim(claim: Obj): Promise<void> {
    if (!claim.spec.volumeName) return this.claimLost(claim, 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
    const volume = this.volumes.store.get(claim.spec.volumeName);
    if (!volume) return this.claimLost(claim, 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
    if (!volume.spec.claimRef || isVolumeBoundToClaim(volume, claim)) return this.bind(volume, claim);
    this.recorder.event(claim, 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
    await this.updateClaimStatus(claim, 'Lost');
  }

  private async claimLost(claim: Obj, message: string): Promise<void> {
    if (claim.status?.phase === 'Lost') return;
    this.recorder.event(claim, 'Warning', 'ClaimLost', message);
    await this.updateClaimStatus(claim, 'Lost');
  }

  /**
   * provisionClaim for an external provisioner: the claim is annotated with the class's provisioner,
   * which watches for that and makes the volume, pre-bound to the claim.
   */
  private async provisionClaim(claim: Obj, storageClass: Obj | undefined): Promise<void> {
    if (!storageClass) {
      this.recorder.event(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${claimClass(claim)}" not found`);
      return;
    }
    const provisioner: string = storageClass.provisioner;
    const annotations = claim.metadata.annotations ?? {};
    if (annotations[annStorageProvisioner] !== provisioner || annotations[annBetaStorageProvisioner] !== provisioner) {
      await this.ctx.client.update(resources.persistentvolumeclaims, claim.metadata.namespace, { ...claim, metadata: { ...claim.metadata, annotations: { ...annotations, [annStorageProvisioner]: provisioner, [annBetaStorageProvisioner]: provisioner } } });
    }
    this.recorder.event(claim, 'Normal', 'ExternalProvisioning', `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`);
  }

  /**
   * bind: the volume's claimRef, the volume Bound, the claim's volumeName and annotations, the claim
   * Bound with the volume's capacity and access modes — each step skipped when already done, so a
   * bind interrupted half-way is finished by the next sync.
   */
  private async bind(volume: Obj, claim: Obj): Promise<void> {
    let pv: Obj = volume;
    if (!isVolumeBoundToClaim(pv, claim) || pv.spec.claimRef.uid !== claim.metadata.uid) {
      const claimRef = { kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid, apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion };
      const annotations = isVolumeBoundToClaim(pv, claim) ? pv.metadata.annotations : { ...(pv.metadata.annotations ?? {}), [annBoundByController]: 'yes' };
      pv = (await this.ctx.client.update(resources.persistentvolumes, undefined, { ...pv, metadata: { ...pv.metadata, ...(annotations ? { annotations } : {}) }, spec: { ...pv.spec, claimRef } })).object;
    }
    if (pv.status?.phase !== 'Bound') pv = (await this.ctx.client.update(resources.persistentvolumes, undefined, { ...pv, status: { ...(pv.status ?? {}), phase: 'Bound' } }, {}, 'status')).object;

    let pvc: Obj = claim;
    const annotations = pvc.metadata.annotations ?? {};
    if (pvc.spec.volumeName !== pv.metadata.name || !annotations[annBindCompleted]) {
      const bySelf = pvc.spec.volumeName !== pv.metadata.name;
      const updated = { ...annotations, [annBindCompleted]: 'yes', ...(bySelf ? { [annBoundByController]: 'yes' } : {}) };
      pvc = (await this.ctx.client.update(resources.persistentvolumeclaims, pvc.metadata.namespace, { ...pvc, metadata: { ...pvc.metadata, annotations: updated }, spec: { ...pvc.spec, volumeName: pv.metadata.name } })).object;
    }
    await this.updateClaimStatus(pvc, 'Bound', pv);
  }

  /** The claim's phase; a Bound claim shows its volume's access modes and capacity, others none. */
  private async updateClaimStatus(claim: Obj, phase: string, volume?: Obj): Promise<void> {
    const status: Obj = { ...deepCopy(claim.status ?? {}), phase };
    if (volume) {
      status.accessModes = deepCopy(volume.spec.accessModes);
      status.capacity = deepCopy(volume.spec.capacity);
    } else {
      delete status.accessModes;
      delete status.capacity;
    }
    if (deepEqual(status, claim.status ?? {})) return;
    await this.ctx.client.update(resources.persistentvolumeclaims, claim.metadata.namespace, { ...claim, status }, {}, 'status');
  }

  // ---- volumes ----

  private async syncVolume(volume: Obj): Promise<void> {
    const ref = volume.spec.claimRef;
    // Unbound, or pre-bound by a user to a claim that does not exist yet.
    if (!ref || !ref.uid) {
      await this.updateVolumePhase(volume, 'Available');
      return;
    }
    let claim: Obj | undefined = this.claims.store.get(`${ref.namespace}/${ref.name}`);
    // A claim of the same name made after the bound one was deleted is not the volume's claim.
    if (claim && claim.metadata.uid !== ref.uid) claim = undefined;
    if (!claim) {
      if (volume.status?.phase !== 'Released' && volume.status?.phase !== 'Failed') volume = await this.updateVolumePhase(volume, 'Released');
      return this.reclaimVolume(volume);
    }
    if (!claim.spec.volumeName) {
      // Bound on the volume's side only (provisioned for the claim, or the scheduler chose it):
      // the claim's sync finishes the binding.
      this.enqueue(claim);
      return;
    }
    if (claim.spec.volumeName === volume.metadata.name) {
      await this.updateVolumePhase(volume, 'Bound');
      return;
    }
    // The claim went to another volume. One the binder bound is freed; one a user bound is left be.
    if (volume.metadata.annotations?.[annBoundByController]) {
      const { [annBoundByController]: _bound, ...annotations } = volume.metadata.annotations;
      const spec = { ...volume.spec };
      delete spec.claimRef;
      const unbound = (await this.ctx.client.update(resources.persistentvolumes, undefined, { ...volume, metadata: { ...volume.metadata, annotations }, spec })).object;
      await this.updateVolumePhase(unbound, 'Available');
    }
  }

  /**
   * reclaimVolume: Retain keeps the Released volume for an administrator; Delete leaves it to the
   * provisioner that made it (external provisioners delete their own volumes), and a volume made by
   * hand has no deleter; Recycle has no recycler here.
   */
  private async reclaimVolume(volume: Obj): Promise<void> {
    switch (volume.spec.persistentVolumeReclaimPolicy ?? 'Retain') {
      case 'Retain':
        return;
      case 'Recycle':
        if (volume.status?.phase !== 'Failed') await this.updateVolumePhase(volume, 'Failed', 'VolumeFailedRecycle', 'No recycler plugin found for the volume!');
        return;
      case 'Delete':
        if (!volume.metadata.annotations?.[annDynamicallyProvisioned] && volume.status?.phase !== 'Failed') {
          await this.updateVolumePhase(volume, 'Failed', 'VolumeFailedDelete', 'error getting deleter volume plugin for volume "' + volume.metadata.name + '": no deletable volume plugin matched');
        }
        return;
    }
  }

  private async updateVolumePhase(volume: Obj, phase: string, reason?: string, message?: string): Promise<Obj> {
    if (volume.status?.phase === phase && (volume.status?.message ?? undefined) === message) return volume;
    if (reason && message) this.recorder.event(volume, 'Warning', reason, message);
    const status: Obj = { ...(volume.status ?? {}), phase, ...(message ? { message } : {}) };
    if (!message) delete status.message;
    try {
      return (await this.ctx.client.update(resources.persistentvolumes, undefined, { ...volume, status }, {}, 'status')).object;
    } catch (err) {
      if (isNotFound(err)) return volume;
      throw err;
    }
  }
}
