// The dynamic provisioner of the default StorageClass, after the local-path provisioner kind ships
// (an external provisioner, on sig-storage-lib-external-provisioner's controller): a claim the
// binder handed to `kubeside.dev/local-path` gets a volume `pvc-<claim uid>`, a directory on the node
// the scheduler chose, pre-bound to the claim; a Released volume it made with reclaim policy Delete
// is deleted. Claims are keyed `namespace/name`, volumes `name`.
// https://kubernetes.io/docs/concepts/storage/dynamic-provisioning/
import type { Obj } from '../apiserver/registry/strategy';
import type { EventRecorder } from '../client/eventRecorder';
import { defaultClassAnnotation } from '../apiserver/admission/default-storage-class';
import { Controller, type ControllerContext, isAlreadyExists, isNotFound } from './runtime/controller';
import { resources } from './runtime/sharedInformerFactory';
import { annBetaStorageProvisioner, annDynamicallyProvisioned, annSelectedNode, annStorageProvisioner, claimClass, isDelayBindingMode } from './util/persistentvolume';

export const localPathProvisionerName = 'kubeside.dev/local-path';

/** Where on a node the provisioner makes its directories (kind's local-path-provisioner path). */
const basePath = '/var/local-path-provisioner';

/**
 * The default StorageClass a new cluster gets, as kind's `standard`: volumes bound once a pod uses
 * the claim (WaitForFirstConsumer), so each is made on the node the pod was scheduled to, and deleted
 * with their claim.
 */
export const standardStorageClass: Obj = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'standard', annotations: { [defaultClassAnnotation]: 'true' } },
  provisioner: localPathProvisionerName,
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
};

const isClaimKey = (key: string) => key.includes('/');

export class LocalPathProvisioner extends Controller {
  readonly name = 'local-path-provisioner';
  private readonly recorder: EventRecorder;
  private readonly claims;
  private readonly volumes;
  private readonly classes;
  private readonly nodes;

  constructor(ctx: ControllerContext) {
    super(ctx);
    // Events carry the provisioner's name as their source, as external provisioners record them.
    this.recorder = ctx.recorder(localPathProvisionerName);
    this.claims = ctx.informers.informerFor(resources.persistentvolumeclaims);
    this.volumes = ctx.informers.informerFor(resources.persistentvolumes);
    this.classes = ctx.informers.informerFor(resources.storageclasses);
    this.nodes = ctx.informers.informerFor(resources.nodes);
    this.claims.addEventHandler({ onAdd: (c) => this.enqueue(c), onUpdate: (_o, c) => this.enqueue(c) });
    this.volumes.addEventHandler({ onAdd: (v) => this.enqueue(v), onUpdate: (_o, v) => this.enqueue(v) });
  }

  async sync(key: string): Promise<void> {
    if (isClaimKey(key)) {
      const claim = this.claims.store.get(key);
      if (claim) await this.syncClaim(claim);
    } else {
      const volume = this.volumes.store.get(key);
      if (volume) await this.syncVolume(volume);
    }
  }

  /** shouldProvision, then provisionClaimOperation. */
  private async syncClaim(claim: Obj): Promise<void> {
    if (claim.spec?.volumeName || claim.metadata.deletionTimestamp) return;
    const annotations = claim.metadata.annotations ?? {};
    if ((annotations[annStorageProvisioner] ?? annotations[annBetaStorageProvisioner]) !== localPathProvisionerName) return;
    const storageClass = this.classes.store.get(claimClass(claim));
    if (storageClass?.provisioner !== localPathProvisionerName) return;
    const name = `pvc-${claim.metadata.uid}`;
    if (this.volumes.store.get(name)) return;

    // Bound on first consumer: the volume goes where the scheduler put that pod. Bound at once, the
    // volume is not tied to a node (the simulated disk follows its claim anywhere).
    const nodeName: string | undefined = annotations[annSelectedNode];
    if (isDelayBindingMode(claim, storageClass)) {
      if (!nodeName) return;
      if (!this.nodes.store.get(nodeName)) {
        this.recorder.event(claim, 'Warning', 'ProvisioningFailed', `failed to get target node: node "${nodeName}" not found`);
        return;
      }
    }
    const ref = `${claim.metadata.namespace}/${claim.metadata.name}`;
    this.recorder.event(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${ref}"`);
    const volume: Obj = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, annotations: { [annDynamicallyProvisioned]: localPathProvisionerName } },
      spec: {
        capacity: { storage: claim.spec.resources?.requests?.storage ?? '0' },
        accessModes: [...(claim.spec.accessModes ?? [])],
        persistentVolumeReclaimPolicy: storageClass.reclaimPolicy ?? 'Delete',
        storageClassName: storageClass.metadata.name,
        volumeMode: claim.spec.volumeMode ?? 'Filesystem',
        ...(storageClass.mountOptions ? { mountOptions: [...storageClass.mountOptions] } : {}),
        claimRef: { kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid, apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion },
        hostPath: { path: `${basePath}/${name}_${claim.metadata.namespace}_${claim.metadata.name}`, type: 'DirectoryOrCreate' },
        ...(nodeName ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName] }] }] } } } : {}),
      },
    };
    try {
      await this.ctx.client.create(resources.persistentvolumes, undefined, volume);
    } catch (err) {
      if (isAlreadyExists(err)) return;
      this.recorder.event(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${storageClass.metadata.name}": ${(err as Error).message}`);
      throw err;
    }
    this.recorder.event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`);
  }

  /** shouldDelete: a Released volume of ours whose reclaim policy is Delete. */
  private async syncVolume(volume: Obj): Promise<void> {
    if (volume.metadata.annotations?.[annDynamicallyProvisioned] !== localPathProvisionerName) return;
    if (volume.status?.phase !== 'Released' || volume.spec.persistentVolumeReclaimPolicy !== 'Delete' || volume.metadata.deletionTimestamp) return;
    try {
      await this.ctx.client.delete(resources.persistentvolumes, undefined, volume.metadata.name);
    } catch (err) {
      if (!isNotFound(err)) {
        this.recorder.event(volume, 'Warning', 'VolumeFailedDelete', (err as Error).message);
        throw err;
      }
    }
  }
}
