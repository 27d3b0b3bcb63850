// Sums up the informer cache into the facts the language server checks manifests against: each
// node's allocatable resources, labels, taints and readiness, the most room left on any node, and
// the names of the namespaces, ConfigMaps, Secrets and claims that exist, and each workload's pod
// template digest and pod count (so an edit that would replace its pods can say so). Resources are
// read the way kube-scheduler reads them (its resource helpers), so "fits" means what the scheduler would say.
import type { Node, Pod } from 'kubernetes-types/core/v1';
import { addResourceList, computePodRequests, emptyResource } from '../../engine/scheduler/resources';
import { podTemplateDigest, type ClusterFacts, type NodeFacts, type WorkloadFacts } from '../../language-server/clusterFacts';
import type { KubeObj } from '../backend/clusterBackend';
import type { ClusterCache, WatchedKind } from './clusterCache';

/** The kinds whose changes can change the facts; anything else the cache hears about cannot. */
export const factKinds: ReadonlySet<WatchedKind> = new Set(['nodes', 'pods', 'namespaces', 'configmaps', 'secrets', 'persistentvolumeclaims', 'deployments', 'statefulsets', 'daemonsets']);

export function clusterFacts(cache: ClusterCache): ClusterFacts {
  const nodes: Record<string, NodeFacts> = {};
  const largestFree = { milliCPU: 0, memory: 0 };
  for (const node of cache.list('nodes') as Node[]) {
    const name = node.metadata?.name;
    if (!name) continue;
    const allocatable = emptyResource();
    addResourceList(allocatable, node.status?.allocatable as Record<string, string> | undefined);
    const facts: NodeFacts = {
      allocatable: { milliCPU: allocatable.milliCPU, memory: allocatable.memory, pods: allocatable.allowedPodNumber },
      labels: node.metadata?.labels ?? {},
      taints: node.spec?.taints ?? [],
      unschedulable: node.spec?.unschedulable === true,
      ready: node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    };
    nodes[name] = facts;
    if (facts.unschedulable || !facts.ready) continue;
    const requested = emptyResource();
    for (const pod of cache.byIndex('pods', 'node', name) as Pod[]) {
      // A pod that has terminated holds nothing, as kube-scheduler's node accounting leaves it out.
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
      const requests = requestsOf(pod);
      requested.milliCPU += requests.milliCPU;
      requested.memory += requests.memory;
    }
    largestFree.milliCPU = Math.max(largestFree.milliCPU, allocatable.milliCPU - requested.milliCPU);
    largestFree.memory = Math.max(largestFree.memory, allocatable.memory - requested.memory);
  }
  return {
    nodes,
    largestFree,
    namespaces: cache.list('namespaces').map((n) => n.metadata?.name as string).filter(Boolean).sort(),
    configMaps: namespacedNames(cache.list('configmaps')),
    secrets: namespacedNames(cache.list('secrets')),
    persistentVolumeClaims: namespacedNames(cache.list('persistentvolumeclaims')),
    workloads: workloadsOf(cache),
  };
}

const workloadKinds = [
  ['deployments', 'Deployment'],
  ['statefulsets', 'StatefulSet'],
  ['daemonsets', 'DaemonSet'],
] as const;

function workloadsOf(cache: ClusterCache): Record<string, WorkloadFacts> {
  const out: Record<string, WorkloadFacts> = {};
  for (const [resource, kind] of workloadKinds) {
    for (const obj of cache.list(resource)) out[`${kind}/${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`] = workloadFacts(kind, obj);
  }
  return out;
}

/** Per version of a workload, as requestsOf is per pod: facts sent again re-hash only what changed. */
const factsByWorkload = new WeakMap<KubeObj, WorkloadFacts>();
function workloadFacts(kind: (typeof workloadKinds)[number][1], obj: KubeObj): WorkloadFacts {
  let facts = factsByWorkload.get(obj);
  if (!facts) {
    const status = obj.status ?? {};
    facts = {
      template: podTemplateDigest(obj.spec?.template),
      pods: kind === 'DaemonSet' ? (status.currentNumberScheduled ?? 0) : (status.replicas ?? 0),
      // All three default to RollingUpdate.
      strategy: (kind === 'Deployment' ? obj.spec?.strategy?.type : obj.spec?.updateStrategy?.type) ?? 'RollingUpdate',
    };
    factsByWorkload.set(obj, facts);
  }
  return facts;
}

/**
 * A pod's cpu and memory requests, worked out once per version of the pod: the cache replaces an
 * object on every change, so facts sent again and again re-parse only the pods that changed.
 */
const requestsByPod = new WeakMap<Pod, { readonly milliCPU: number; readonly memory: number }>();
function requestsOf(pod: Pod): { readonly milliCPU: number; readonly memory: number } {
  let requests = requestsByPod.get(pod);
  if (!requests) {
    const { milliCPU, memory } = computePodRequests(pod).requests;
    requestsByPod.set(pod, (requests = { milliCPU, memory }));
  }
  return requests;
}

function namespacedNames(objects: readonly KubeObj[]): string[] {
  return objects.map((o) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`).sort();
}
