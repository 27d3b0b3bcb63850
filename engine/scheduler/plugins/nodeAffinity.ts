// NodeAffinity: the pod's nodeSelector and required node affinity must both match the node's
// labels; each preferred term that matches adds its weight to the node's score.
// https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity
import { compileNodeSelector, compileNodeSelectorTerm, type NodeMatcher } from '../nodeSelector';
import { clusterEvent, defaultNormalizeScore, type FilterResult, type Plugin, Rejection, skip } from '../framework';
import type { PodInfo } from '../podInfo';
import type { NodeSelector } from 'kubernetes-types/core/v1';

export const nodeAffinityName = 'NodeAffinity';
const didNotMatch: FilterResult = ["node(s) didn't match Pod's node affinity/selector"];
const conflict = new Rejection('pod affinity terms conflict');

interface RequiredNodeAffinity {
  nodeSelector: [string, string][];
  required: NodeMatcher | undefined;
  /** The only nodes the required terms allow by name, when every term names some (`metadata.name In`). */
  nodeNames?: ReadonlySet<string>;
}

interface PreferredTerm {
  weight: number;
  matches: NodeMatcher;
}

/** GetRequiredNodeAffinity: the pod's nodeSelector and required node affinity (the kubelet admits by it too). */
export function requiredNodeAffinity(pod: Pick<PodInfo, 'pod'>): RequiredNodeAffinity | undefined {
  const nodeSelector = Object.entries(pod.pod.spec?.nodeSelector ?? {});
  const selector = pod.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (nodeSelector.length === 0 && !selector) return undefined;
  const nodeNames = selector ? namedNodes(selector) : undefined;
  return { nodeSelector, required: selector ? compileNodeSelector(selector) : undefined, ...(nodeNames ? { nodeNames } : {}) };
}

/**
 * The nodes required terms allow by name (NodeAffinity's PreFilterResult): each term's
 * `metadata.name In` fields intersected, the terms' sets united; undefined when some term names
 * none, since terms are ORed and that one may match any node. How a DaemonSet pod, pinned to its
 * node this way, is checked against one node rather than all of them.
 */
function namedNodes(selector: NodeSelector): Set<string> | undefined {
  const terms = selector.nodeSelectorTerms ?? [];
  if (terms.length === 0) return undefined;
  const names = new Set<string>();
  for (const term of terms) {
    let termNames: Set<string> | undefined;
    for (const r of term.matchFields ?? []) {
      if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
      const values = new Set(r.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => values.has(n))) : values;
    }
    if (!termNames) return undefined;
    for (const n of termNames) names.add(n);
  }
  return names;
}

export function matchesRequiredNodeAffinity(a: RequiredNodeAffinity, labels: Readonly<Record<string, string>>, nodeName: string): boolean {
  for (const [k, v] of a.nodeSelector) if (labels[k] !== v) return false;
  return a.required ? a.required(labels, nodeName) : true;
}

export const nodeAffinity: Plugin<RequiredNodeAffinity, PreferredTerm[]> = {
  name: nodeAffinityName,
  events: clusterEvent.nodeAdd | clusterEvent.nodeLabelChange,
  preFilter: (pod) => {
    const a = requiredNodeAffinity(pod);
    if (!a) return skip;
    // Every term names nodes, and no node satisfies all of a term's names.
    return a.nodeNames?.size === 0 ? conflict : a;
  },
  preFilterNodes: (a) => a.nodeNames,
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
