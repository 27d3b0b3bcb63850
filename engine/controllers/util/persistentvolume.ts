// What the PersistentVolume binder and the scheduler's VolumeBinding plugin both need to know about
// claims and volumes: the binding annotations, the binding mode of a claim's class, and which volume
// a claim would bind to (pkg/controller/volume/persistentvolume/util and pkg/volume/util).
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import { labelSelectorAsSelector } from '../../api/labels/labelSelector';
import { Quantity } from '../../api/quantity';
import { compileNodeSelector } from '../../scheduler/nodeSelector';

/** On a claim: the binder finished binding it (the claim's side is final). */
export const annBindCompleted = 'pv.kubernetes.io/bind-completed';
/** On a claim or volume: the binder, not a user, set `spec.volumeName` / `spec.claimRef`. */
export const annBoundByController = 'pv.kubernetes.io/bound-by-controller';
/** On a volume: the provisioner that made it, which also deletes it. */
export const annDynamicallyProvisioned = 'pv.kubernetes.io/provisioned-by';
/** On a claim: the provisioner asked to make its volume. */
export const annStorageProvisioner = 'volume.kubernetes.io/storage-provisioner';
export const annBetaStorageProvisioner = 'volume.beta.kubernetes.io/storage-provisioner';
/** On a claim: the node the scheduler chose for the first pod using it (WaitForFirstConsumer). */
export const annSelectedNode = 'volume.kubernetes.io/selected-node';

/** A provisioner name that means "no dynamic provisioning": volumes are made by hand. */
export const noProvisioner = 'kubernetes.io/no-provisioner';

export const claimClass = (claim: PersistentVolumeClaim): string => claim.spec?.storageClassName ?? '';
export const volumeClass = (volume: PersistentVolume): string => volume.spec?.storageClassName ?? '';

/** IsDelayBindingMode: the claim's class binds on the first consumer (an unknown class or none binds at once). */
export function isDelayBindingMode(claim: PersistentVolumeClaim, storageClass: Pick<StorageClass, 'volumeBindingMode'> | undefined): boolean {
  return claimClass(claim) !== '' && storageClass?.volumeBindingMode === 'WaitForFirstConsumer';
}

/** The claim's volume name and bind-completed annotation are both set (isPVCFullyBound). */
export function isClaimBound(claim: PersistentVolumeClaim): boolean {
  return !!claim.spec?.volumeName && !!claim.metadata?.annotations?.[annBindCompleted];
}

/** IsVolumeBoundToClaim: the volume's claimRef names this claim (and its uid, once it has one). */
export function isVolumeBoundToClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = volume.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata?.uid;
}

/** The claim's storage request (0 when it asks for none). */
export function requestedStorage(claim: PersistentVolumeClaim): Quantity {
  return Quantity.parse(String(claim.spec?.resources?.requests?.storage ?? '0'));
}

export function volumeCapacity(volume: PersistentVolume): Quantity {
  return Quantity.parse(String(volume.spec?.capacity?.storage ?? '0'));
}

/** CheckAccessModes: the volume offers every access mode the claim asks for. */
export function checkAccessModes(claim: PersistentVolumeClaim, volume: PersistentVolume): boolean {
  const offered = new Set(volume.spec?.accessModes ?? []);
  return (claim.spec?.accessModes ?? []).every((m) => offered.has(m));
}

/** CheckNodeAffinity: a volume without required node affinity is reachable from every node. */
export function volumeNodeAffinityMatches(volume: PersistentVolume, node: { name: string; labels: Readonly<Record<string, string>> }): boolean {
  const required = volume.spec?.nodeAffinity?.required;
  return !required || compileNodeSelector(required)(node.labels, node.name);
}

/**
 * FindMatchingVolume: the volume `claim` binds to — one already bound to it (the claimRef a user or
 * a provisioner set), else the smallest Available one of the claim's class whose access modes,
 * capacity, selector and (with `node`) node affinity fit. With `delayBinding` and no node, only a
 * volume bound to the claim qualifies: the scheduler picks the others once it has picked a node.
 */
export function findMatchingVolume(
  claim: PersistentVolumeClaim,
  volumes: Iterable<PersistentVolume>,
  options: { delayBinding: boolean; node?: { name: string; labels: Readonly<Record<string, string>> }; excluded?: ReadonlySet<string> },
): PersistentVolume | undefined {
  const requested = requestedStorage(claim);
  const requestedClass = claimClass(claim);
  const requestedMode = claim.spec?.volumeMode ?? 'Filesystem';
  let selector;
  try {
    selector = claim.spec?.selector ? labelSelectorAsSelector(claim.spec.selector) : undefined;
  } catch {
    return undefined;
  }
  let best: PersistentVolume | undefined;
  let bestCapacity: Quantity | undefined;
  for (const volume of volumes) {
    if (options.excluded?.has(volume.metadata?.name ?? '') || !checkAccessModes(claim, volume)) continue;
    const capacity = volumeCapacity(volume);
    if (capacity.cmp(requested) < 0) continue;
    if ((volume.spec?.volumeMode ?? 'Filesystem') !== requestedMode) continue;
    if (volume.metadata?.deletionTimestamp) continue;
    const nodeAffinityValid = !options.node || volumeNodeAffinityMatches(volume, options.node);
    if (isVolumeBoundToClaim(volume, claim)) return nodeAffinityValid ? volume : undefined;
    if (!options.node && options.delayBinding) continue;
    if (volume.status?.phase !== 'Available' || volume.spec?.claimRef) continue;
    if (selector && !selector.matches(volume.metadata?.labels ?? {})) continue;
    if (volumeClass(volume) !== requestedClass || !nodeAffinityValid) continue;
    // The smallest that fits; of equal ones, the one offering the fewest access modes, then by name.
    const better = !best || bestCapacity!.cmp(capacity) > 0 ||
      (bestCapacity!.cmp(capacity) === 0 && ((volume.spec?.accessModes?.length ?? 0) < (best.spec?.accessModes?.length ?? 0) ||
        ((volume.spec?.accessModes?.length ?? 0) === (best.spec?.accessModes?.length ?? 0) && (volume.metadata?.name ?? '') < (best.metadata?.name ?? ''))));
    if (better) {
      best = volume;
      bestCapacity = capacity;
    }
  }
  return best;
}
