// NodeResourcesFit: a node fits when its allocatable covers what its pods already request plus this
// pod's request, resource by resource, and it has room for one more pod. Scores with the
// LeastAllocated strategy (kube-scheduler's default): the more cpu and memory left free, the better.
import { clusterEvent, type FilterResult, maxNodeScore, type Plugin } from '../framework';
import type { NodeInfo } from '../nodeInfo';
import type { PodInfo } from '../podInfo';
import type { Resource } from '../resources';

export const nodeResourcesFitName = 'NodeResourcesFit';

const tooManyPods = 'Too many pods';
const insufficient = (name: string) => `Insufficient ${name}`;
const onlyTooManyPods: FilterResult = [tooManyPods];
const onlyCPU: FilterResult = [insufficient('cpu')];
const onlyMemory: FilterResult = [insufficient('memory')];

function isZero(r: Resource): boolean {
  if (r.milliCPU !== 0 || r.memory !== 0 || r.ephemeralStorage !== 0) return false;
  if (r.scalar) for (const v of r.scalar.values()) if (v !== 0) return false;
  return true;
}

/** The reasons `pod` does not fit on `node`, in kube-scheduler's order; null when it fits. */
export function fitsRequest(pod: PodInfo, node: NodeInfo, requestsNothing = isZero(pod.requests)): FilterResult {
  const req = pod.requests;
  const alloc = node.allocatable;
  const used = node.requested;
  let out: string[] | undefined;
  if (node.pods.size + 1 > alloc.allowedPodNumber) out = [tooManyPods];
  if (requestsNothing) return out ?? null;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) (out ??= []).push(onlyCPU![0]!);
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) (out ??= []).push(onlyMemory![0]!);
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) (out ??= []).push(insufficient('ephemeral-storage'));
  if (req.scalar) {
    for (const [name, quantity] of req.scalar) {
      if (quantity > 0 && quantity > (alloc.scalar?.get(name) ?? 0) - (used.scalar?.get(name) ?? 0)) (out ??= []).push(insufficient(name));
    }
  }
  if (!out) return null;
  // The common single reasons come back as shared arrays.
  if (out.length === 1) return out[0] === tooManyPods ? onlyTooManyPods : out[0] === onlyCPU![0] ? onlyCPU : out[0] === onlyMemory![0] ? onlyMemory : out;
  return out;
}

// Bound locally: Score runs for every feasible node, and an imported binding may be read through a
// module getter when the code is not bundled.
const maxScore = maxNodeScore;

/** leastRequestedScore for one resource: the free share after placing the pod, 0..100. */
function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * maxScore) / capacity);
}

export const nodeResourcesFit: Plugin<boolean, undefined> = {
  name: nodeResourcesFitName,
  events: clusterEvent.nodeAdd | clusterEvent.nodeAllocatableChange | clusterEvent.assignedPodDelete,
  // PreFilter: whether the pod requests nothing at all, so Filter only counts pods.
  preFilter: (pod) => isZero(pod.requests),
  filter: (requestsNothing, pod, node) => fitsRequest(pod, node, requestsNothing),
  // Deleting pods helps unless the pod asks for more than the node has in all.
  resolvable: (_reasons, pod, node) => {
    const req = pod.requests;
    const alloc = node.allocatable;
    if (req.milliCPU > alloc.milliCPU || req.memory > alloc.memory || req.ephemeralStorage > alloc.ephemeralStorage || alloc.allowedPodNumber < 1) return false;
    if (req.scalar) for (const [name, q] of req.scalar) if (q > (alloc.scalar?.get(name) ?? 0)) return false;
    return true;
  },
  score: (_state, pod, node) => {
    // Scoring counts containers without requests at kube-scheduler's defaults (100m, 200Mi).
    const cpu = leastRequested(node.nonZeroMilliCPU + pod.nonZeroMilliCPU, node.allocatable.milliCPU);
    const memory = leastRequested(node.nonZeroMemory + pod.nonZeroMemory, node.allocatable.memory);
    return Math.trunc((cpu + memory) / 2);
  },
};
