// VolumeBinding (pkg/scheduler/framework/plugins/volumebinding): a pod waits until its
// PersistentVolumeClaims exist and, unless their class binds on the first consumer, are bound; a
// node fits when the volumes of its bound claims reach it and each claim that waits for its first
// consumer can get a volume there (an Available one, or one its class provisions). PreBind carries
// the choice out — a chosen volume's claimRef, or the claim's `volume.kubernetes.io/selected-node`
// for the provisioner — and waits until the binder has bound every claim.
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import type { ApiClient } from '../../apiserver/client';
import { annBoundByController, annSelectedNode, claimClass, findMatchingVolume, isClaimBound, isDelayBindingMode, isVolumeBoundToClaim, noProvisioner, volumeNodeAffinityMatches } from '../../controllers/util/persistentvolume';
import type { Clock } from '../../util/clock';
import { clusterEvent, type Plugin, Rejection, skip } from '../framework';
import type { NodeInfo } from '../nodeInfo';
import { compileNodeSelector } from '../nodeSelector';
import type { PodInfo } from '../podInfo';

export const volumeBindingName = 'VolumeBinding';

export const errReasonBindConflict = "node(s) didn't find available persistent volumes to bind";
export const errReasonNodeConflict = 'node(s) had volume node affinity conflict';
export const errReasonPVNotExist = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const errUnboundImmediateClaims = 'pod has unbound immediate PersistentVolumeClaims';

const bindConflict = [errReasonBindConflict] as const;
const nodeConflict = [errReasonNodeConflict] as const;
const pvNotExist = [errReasonPVNotExist] as const;

/** How long PreBind waits for the binder (kube-scheduler's bindTimeoutSeconds) and how often it looks. */
const bindTimeoutMs = 600_000;
const bindPollMs = 1_000;

/** What the plugin reads from the scheduler's informer caches. */
export interface VolumeListers {
  claims: { get(namespace: string, name: string): PersistentVolumeClaim | undefined };
  volumes?: { get(name: string): PersistentVolume | undefined; list(): Iterable<PersistentVolume> };
  classes?: { get(name: string): StorageClass | undefined };
}

/** With a client and clock, PreBind writes the binding decisions; without, the plugin only filters. */
export interface VolumeBindingOptions extends VolumeListers {
  client?: ApiClient;
  clock?: Clock;
}

/** A claim waiting for its first consumer, with what could give it a volume. */
interface DelayedClaim {
  claim: PersistentVolumeClaim;
  /** Static volumes of the claim's class, not yet bound. */
  volumes: PersistentVolume[];
  /** Whether the class provisions volumes, and on which nodes (allowedTopologies). */
  provisions: ((node: NodeInfo) => boolean) | undefined;
}

interface VolumeBindingState {
  /** Volumes of bound claims that only some nodes reach. */
  boundVolumes: PersistentVolume[];
  missingVolume: boolean;
  delayed: DelayedClaim[];
}

const volumesResource = { group: '', version: 'v1', resource: 'persistentvolumes' } as const;
const claimsResource = { group: '', version: 'v1', resource: 'persistentvolumeclaims' } as const;

/** The claims a pod uses: named ones, and the one each generic ephemeral volume gets (<pod>-<volume>). */
function claimNames(pod: PodInfo): string[] {
  const names: string[] = [];
  for (const v of pod.pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) names.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral) names.push(`${pod.name}-${v.name}`);
  }
  return names;
}

export function newVolumeBinding(options: VolumeBindingOptions): Plugin<VolumeBindingState, undefined> {
  const { claims, volumes, classes } = options;

  /** checkVolumeProvisions: the class provisions, and (with allowedTopologies) on which nodes. */
  const provisionerOf = (claim: PersistentVolumeClaim): DelayedClaim['provisions'] => {
    const storageClass = classes?.get(claimClass(claim));
    if (!storageClass || storageClass.provisioner === noProvisioner) return undefined;
    const terms = storageClass.allowedTopologies ?? [];
    if (!terms.length) return () => true;
    const matches = compileNodeSelector({ nodeSelectorTerms: terms.map((t) => ({ matchExpressions: (t.matchLabelExpressions ?? []).map((e) => ({ key: e.key, operator: 'In', values: e.values })) })) });
    return (node) => matches(node.labels, node.name);
  };

  /** FindPodVolumes for one node: a volume or provisioning for each delayed claim, chosen volumes apart. */
  const decide = (state: VolumeBindingState, node: NodeInfo): Map<PersistentVolumeClaim, PersistentVolume | 'provision'> | undefined => {
    const chosen = new Set<string>();
    const decisions = new Map<PersistentVolumeClaim, PersistentVolume | 'provision'>();
    for (const d of state.delayed) {
      const selected = d.claim.metadata?.annotations?.[annSelectedNode];
      if (selected !== undefined) {
        // Provisioning already started on a node: only that node will do.
        if (selected !== node.name || !d.provisions?.(node)) return undefined;
        decisions.set(d.claim, 'provision');
        continue;
      }
      const volume = findMatchingVolume(d.claim, d.volumes, { delayBinding: true, node, excluded: chosen });
      if (volume) {
        chosen.add(volume.metadata!.name!);
        decisions.set(d.claim, volume);
      } else if (d.provisions?.(node)) {
        decisions.set(d.claim, 'provision');
      } else {
        return undefined;
      }
    }
    return decisions;
  };

  /** GetPodVolumeClaims: what Filter checks for the pod, or why no node can take it. */
  const prepare = (pod: PodInfo): VolumeBindingState | Rejection | typeof skip => {
    const state: VolumeBindingState = { boundVolumes: [], missingVolume: false, delayed: [] };
    let immediate = false;
    for (const name of claimNames(pod)) {
      const claim = claims.get(pod.namespace, name);
      if (!claim) return new Rejection(`persistentvolumeclaim "${name}" not found`);
      if (claim.metadata?.deletionTimestamp) return new Rejection(`persistentvolumeclaim "${name}" is being deleted`);
      if (!volumes) continue;
      if (isClaimBound(claim)) {
        const volume = volumes.get(claim.spec!.volumeName!);
        if (!volume) state.missingVolume = true;
        else if (volume.spec?.nodeAffinity?.required) state.boundVolumes.push(volume);
      } else if (isDelayBindingMode(claim, classes?.get(claimClass(claim)))) {
        const candidates = [...volumes.list()].filter((v) => (v.spec?.storageClassName ?? '') === claimClass(claim) && (!v.spec?.claimRef || isVolumeBoundToClaim(v, claim)));
        state.delayed.push({ claim, volumes: candidates, provisions: provisionerOf(claim) });
      } else {
        immediate = true;
      }
    }
    if (immediate) return new Rejection(errUnboundImmediateClaims);
    if (!state.missingVolume && !state.boundVolumes.length && !state.delayed.length) return skip;
    return state;
  };

  const plugin: Plugin<VolumeBindingState, undefined> = {
    name: volumeBindingName,
    events: clusterEvent.pvcChange | clusterEvent.pvChange | clusterEvent.storageClassChange | clusterEvent.nodeAdd | clusterEvent.nodeLabelChange,
    preFilter: (pod) => prepare(pod),
    filter: (state, _pod, node) => {
      if (state.missingVolume) return pvNotExist;
      for (const volume of state.boundVolumes) if (!volumeNodeAffinityMatches(volume, node)) return nodeConflict;
      if (state.delayed.length && !decide(state, node)) return bindConflict;
      return null;
    },
  };

  const { client, clock } = options;
  if (client && clock && volumes) {
    /** BindPodVolumes, then checkBindings every second until every claim is bound, or the timeout. */
    plugin.preBind = async (pod, node) => {
      const state = prepare(pod);
      if (state instanceof Rejection) throw new Error(state.reason);
      if (state === skip || !state.delayed.length) return;
      const decisions = decide(state, node);
      if (!decisions) throw new Error(`binding volumes: ${errReasonBindConflict} on node "${node.name}"`);
      const nodeName = node.name;
      for (const [claim, decision] of decisions) {
        if (decision === 'provision') {
          if (claim.metadata?.annotations?.[annSelectedNode] === nodeName) continue;
          await client.patch(claimsResource, claim.metadata!.namespace, claim.metadata!.name!, 'merge', { metadata: { annotations: { [annSelectedNode]: nodeName } } });
        } else if (!isVolumeBoundToClaim(decision, claim)) {
          const claimRef = { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata!.namespace, name: claim.metadata!.name, uid: claim.metadata!.uid, resourceVersion: claim.metadata!.resourceVersion };
          await client.update(volumesResource, undefined, { ...decision, metadata: { ...decision.metadata, annotations: { ...(decision.metadata?.annotations ?? {}), [annBoundByController]: 'yes' } }, spec: { ...decision.spec, claimRef } } as never);
        }
      }
      const deadline = clock.now() + bindTimeoutMs;
      for (;;) {
        if (allBound(pod)) return;
        if (clock.now() >= deadline) throw new Error('binding volumes: context deadline exceeded');
        await new Promise<void>((resolve) => clock.setTimeout(resolve, bindPollMs));
      }
    };
  }

  /** checkBindings: every claim of the pod is bound, to a volume bound back to it. */
  const allBound = (pod: PodInfo): boolean => claimNames(pod).every((name) => {
    const claim = claims.get(pod.namespace, name);
    if (!claim) throw new Error(`persistentvolumeclaim "${name}" not found`);
    const volume = isClaimBound(claim) ? volumes!.get(claim.spec!.volumeName!) : undefined;
    return !!volume && isVolumeBoundToClaim(volume, claim);
  });

  return plugin;
}
