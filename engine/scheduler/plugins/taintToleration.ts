// TaintToleration: a node's NoSchedule and NoExecute taints keep out pods that do not tolerate them;
// PreferNoSchedule taints only lower a node's score, by how many of them the pod does not tolerate.
import type { Toleration } from 'kubernetes-types/core/v1';
import { clusterEvent, defaultNormalizeScore, type Plugin, skip } from '../framework';
import { findMatchingUntoleratedTaint, tolerationsTolerateTaint } from '../taints';

export const taintTolerationName = 'TaintToleration';

export const taintToleration: Plugin<undefined, readonly Toleration[]> = {
  name: taintTolerationName,
  events: clusterEvent.nodeAdd | clusterEvent.nodeTaintChange,
  filter: (_state, pod, node) => {
    if (node.noScheduleTaints.length === 0) return null;
    const taint = findMatchingUntoleratedTaint(node.noScheduleTaints, pod.tolerations);
    return taint ? [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`] : null;
  },
  // Only tolerations that apply to PreferNoSchedule (or to every effect) count when scoring. With no
  // such taint anywhere every node would score the same, so the plugin stays out of this cycle.
  preScore: (pod, _nodes, cache) => (cache.nodesWithPreferNoScheduleTaints === 0 ? skip : pod.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule')),
  score: (tolerations, _pod, node) => {
    let count = 0;
    for (const taint of node.preferNoScheduleTaints) if (!tolerationsTolerateTaint(tolerations, taint)) count++;
    return count;
  },
  normalizeScore: (_state, scores, n) => defaultNormalizeScore(scores, n, true),
};
