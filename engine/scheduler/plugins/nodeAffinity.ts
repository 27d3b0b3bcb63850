// NodeAffinity: the pod's nodeSelector and required node affinity must both match the node's
// labels; each preferred term that matches adds its weight to the node's score.
// https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity
import { compileNodeSelector, compileNodeSelectorTerm, type NodeMatcher } from '../nodeSelector';
import { clusterEvent, defaultNormalizeScore, type FilterResult, type Plugin, skip } from '../framework';
import type { PodInfo } from '../podInfo';

export const nodeAffinityName = 'NodeAffinity';
const didNotMatch: FilterResult = ["node(s) didn't match Pod's node affinity/selector"];

interface RequiredNodeAffinity {
  nodeSelector: [string, string][];
  required: NodeMatcher | undefined;
}

interface PreferredTerm {
  weight: number;
  matches: NodeMatcher;
}

export function requiredNodeAffinity(pod: PodInfo): RequiredNodeAffinity | undefined {
  const nodeSelector = Object.entries(pod.pod.spec?.nodeSelector ?? {});
  const selector = pod.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (nodeSelector.length === 0 && !selector) return undefined;
  return { nodeSelector, required: selector ? compileNodeSelector(selector) : undefined };
}

export function matchesRequiredNodeAffinity(a: RequiredNodeAffinity, labels: Readonly<Record<string, string>>, nodeName: string): boolean {
  for (const [k, v] of a.nodeSelector) if (labels[k] !== v) return false;
  return a.required ? a.required(labels, nodeName) : true;
}

export const nodeAffinity: Plugin<RequiredNodeAffinity, PreferredTerm[]> = {
  name: nodeAffinityName,
  events: clusterEvent.nodeAdd | clusterEvent.nodeLabelChange,
  preFilter: (pod) => requiredNodeAffinity(pod) ?? skip,
  filter: (a, _pod, node) => (matchesRequiredNodeAffinity(a, node.labels, node.name) ? null : didNotMatch),
  preScore: (pod) => {
    const terms = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    // An empty preference matches every node with weight 0: it adds nothing, so it is left out.
    const compiled = terms.filter((t) => t.weight !== 0).map((t) => ({ weight: t.weight, matches: compileNodeSelectorTerm(t.preference) }));
    return compiled.length ? compiled : skip;
  },
  score: (terms, _pod, node) => {
    let score = 0;
    for (const t of terms) if (t.matches(node.labels, node.name)) score += t.weight;
    return score;
  },
  normalizeScore: (_state, scores, n) => defaultNormalizeScore(scores, n, false),
};
