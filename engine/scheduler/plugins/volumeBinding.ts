// VolumeBinding, the part that needs no volume controller: a pod whose PersistentVolumeClaims do not
// exist yet (or are being deleted) waits in the queue until they do, instead of going to a node
// whose kubelet could not mount them. Claim-to-volume binding and topology are not modelled.
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import { clusterEvent, type Plugin, Rejection, skip } from '../framework';
import type { PodInfo } from '../podInfo';

export const volumeBindingName = 'VolumeBinding';

/** Reads claims from the scheduler's informer cache. */
export interface ClaimLister {
  get(namespace: string, name: string): PersistentVolumeClaim | undefined;
}

/** The claims a pod uses: named ones, and the one each generic ephemeral volume gets (<pod>-<volume>). */
function claimNames(pod: PodInfo): string[] {
  const names: string[] = [];
  for (const v of pod.pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) names.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral) names.push(`${pod.name}-${v.name}`);
  }
  return names;
}

export function newVolumeBinding(claims: ClaimLister): Plugin<undefined, undefined> {
  return {
    name: volumeBindingName,
    events: clusterEvent.pvcChange,
    preFilter: (pod) => {
      for (const name of claimNames(pod)) {
        const claim = claims.get(pod.namespace, name);
        if (!claim) return new Rejection(`persistentvolumeclaim "${name}" not found`);
        if (claim.metadata?.deletionTimestamp) return new Rejection(`persistentvolumeclaim "${name}" is being deleted`);
      }
      return skip;
    },
    filter: () => null,
  };
}
