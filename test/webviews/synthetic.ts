// Clusters of any size for the scale tests and the benchmark: nodes with pods spread evenly, and
// batches of phase changes, in the dashboard protocol's shapes.
import type { ChangesMessage, InitMessage, NodeSummary, PodChip, PodPhase } from '../../extension/webviews/protocol/dashboard';

export function syntheticCluster(nodeCount: number, podCount: number): InitMessage {
  const nodes: NodeSummary[] = Array.from({ length: nodeCount }, (_, i) => ({
    name: i === 0 ? 'control-plane' : `worker-${i}`,
    role: i === 0 ? 'control-plane' : 'worker',
    ready: true,
    cordoned: false,
    failed: false,
    requested: { cpu: 0, memory: 0, pods: 0 },
    allocatable: { cpu: 64_000, memory: 256 * 2 ** 30, pods: Math.ceil(podCount / nodeCount) + 10 },
  }));
  const pods: PodChip[] = Array.from({ length: podCount }, (_, i) => ({
    uid: `uid-${i}`,
    name: `app-${Math.floor(i / 1000)}-${i}`,
    namespace: `team-${i % 5}`,
    node: nodes[i % nodeCount]!.name,
    phase: 'Running',
    status: 'Running',
    ready: true,
  }));
  return { type: 'init', nodes, pods, events: [], history: [], nodeActions: true };
}

/** `count` pods of the cluster (from `offset`) moved to a phase, as one change batch. */
export function phaseChanges(init: InitMessage, offset: number, count: number, phase: PodPhase): ChangesMessage {
  const updated = init.pods.slice(offset, offset + count).map((p) => ({ ...p, phase, status: phase, ready: phase === 'Running' }));
  return { type: 'changes', nodes: { updated: [], deleted: [] }, pods: { updated, deleted: [] }, events: [], samples: [] };
}
