// DefaultPreemption (PostFilter): when no node fits, look for a node where deleting pods of lower
// priority would make room; pick the node whose victims matter least, keep as many of them as still
// leaves room (reprieve), and nominate the node. When no node would do, say why, node by node.
// https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
// PodDisruptionBudgets are not weighed when choosing victims (kube-scheduler prefers nodes where
// none would be violated).
import type { SchedulerCache } from '../cache';
import { FitError, type Framework, type Plugin, type PostFilterResult } from '../framework';
import type { NodeInfo } from '../nodeInfo';
import type { PodInfo } from '../podInfo';

export const defaultPreemptionName = 'DefaultPreemption';
const notHelpful = 'Preemption is not helpful for scheduling';
const noVictims = 'No preemption victims found for incoming pod';
const minCandidateNodesPercentage = 10;
const minCandidateNodesAbsolute = 100;

interface Candidate {
  node: NodeInfo;
  victims: PodInfo[];
}

/** How many candidate nodes a dry run collects before choosing: 10% of nodes, at least 100. */
function numCandidates(numNodes: number): number {
  let n = Math.trunc((numNodes * minCandidateNodesPercentage) / 100);
  if (n < minCandidateNodesAbsolute) n = minCandidateNodesAbsolute;
  return Math.min(n, numNodes);
}

/**
 * The fewest lower-priority pods to delete from `node` for `pod` to fit, or why none would do.
 * Works on the node in place and puts everything back before returning.
 */
function selectVictimsOnNode(pod: PodInfo, node: NodeInfo, cache: SchedulerCache, framework: Framework): Candidate | readonly string[] {
  const potential = [...node.pods.values()].filter((p) => p.priority < pod.priority);
  if (potential.length === 0) return [noVictims];
  for (const p of potential) node.removePod(p.key);
  const victims: PodInfo[] = [];
  try {
    const status = framework.filterNode(pod, node, cache);
    if (status) return status.reasons;
    // Reprieve the most important pods first: each stays if the pod still fits beside it.
    potential.sort((a, b) => b.priority - a.priority);
    for (const p of potential) {
      node.addPod(p);
      if (framework.filterNode(pod, node, cache)) {
        node.removePod(p.key);
        victims.push(p);
      }
    }
    return { node, victims };
  } finally {
    for (const p of potential) if (!node.pods.has(p.key)) node.addPod(p);
  }
}

/** pickOneNodeForPreemption without budgets: lowest top victim priority, then lowest sum, then fewest victims. */
function pickOne(candidates: Candidate[]): Candidate {
  const key = (c: Candidate) => {
    let max = -Infinity;
    let sum = 0;
    for (const v of c.victims) {
      max = Math.max(max, v.priority);
      sum += v.priority;
    }
    return [max, sum, c.victims.length];
  };
  let best = candidates[0]!;
  let bestKey = key(best);
  for (const c of candidates.slice(1)) {
    const k = key(c);
    const better = k[0]! < bestKey[0]! || (k[0] === bestKey[0] && (k[1]! < bestKey[1]! || (k[1] === bestKey[1] && k[2]! < bestKey[2]!)));
    if (better) {
      best = c;
      bestKey = k;
    }
  }
  return best;
}

export const defaultPreemption: Plugin = {
  name: defaultPreemptionName,
  postFilter: (pod, fit, cache, framework): PostFilterResult => {
    if (pod.pod.spec?.preemptionPolicy === 'Never') return { message: 'not eligible due to preemptionPolicy=Never.' };
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated) {
      // Victims of an earlier preemption are still terminating there: wait for them.
      const node = cache.node(nominated);
      for (const p of node?.pods.values() ?? []) {
        if (p.pod.metadata?.deletionTimestamp && p.priority < pod.priority) return { message: 'not eligible due to a terminating pod on the nominated node.' };
      }
    }
    const reasons = new Map<string, number>();
    const bump = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);
    const candidates: Candidate[] = [];
    const want = numCandidates(fit.numAllNodes);
    // Nodes a PreFilter left out (absent from the statuses) failed unresolvably.
    if (fit.statuses.length < fit.numAllNodes) reasons.set(notHelpful, fit.numAllNodes - fit.statuses.length);
    for (const status of fit.statuses) {
      if (!status.plugin.resolvable?.(status.reasons, pod, status.node)) {
        bump(notHelpful);
        continue;
      }
      const result = selectVictimsOnNode(pod, status.node, cache, framework);
      if ('victims' in result) {
        candidates.push(result);
        if (candidates.length >= want) break;
      } else {
        for (const r of result) bump(r);
      }
    }
    if (candidates.length === 0) return { message: FitError.format(fit.numAllNodes, reasons), ...(nominated ? { nominatedNodeName: '' } : {}) };
    const chosen = pickOne(candidates);
    return { nominatedNodeName: chosen.node.name, victims: chosen.victims };
  },
};
