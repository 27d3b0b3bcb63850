// NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory would be used in similar
// proportions once the pod is placed: score = (1 - standard deviation of the used fractions) × 100.
import { maxNodeScore, type Plugin } from '../framework';

export const nodeResourcesBalancedAllocationName = 'NodeResourcesBalancedAllocation';
// Bound locally: Score runs for every feasible node (see nodeResourcesFit.ts).
const maxScore = maxNodeScore;

export const nodeResourcesBalancedAllocation: Plugin<undefined, undefined> = {
  name: nodeResourcesBalancedAllocationName,
  score: (_state, pod, node) => {
    const alloc = node.allocatable;
    let cpu = -1;
    let memory = -1;
    if (alloc.milliCPU > 0) cpu = Math.min(1, (node.requested.milliCPU + pod.requests.milliCPU) / alloc.milliCPU);
    if (alloc.memory > 0) memory = Math.min(1, (node.requested.memory + pod.requests.memory) / alloc.memory);
    // With two resources the standard deviation is half their difference; with one it is 0.
    const std = cpu >= 0 && memory >= 0 ? Math.abs(cpu - memory) / 2 : 0;
    return Math.trunc((1 - std) * maxScore);
  },
};
