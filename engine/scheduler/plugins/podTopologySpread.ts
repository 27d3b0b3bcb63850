// PodTopologySpread: spreads pods matching a selector across topology domains (nodes, zones…).
// DoNotSchedule constraints filter: placing the pod must keep (count in domain + 1) - global
// minimum ≤ maxSkew. ScheduleAnyway constraints score: fewer matching pods in the domain, better.
// https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1';
import { labelSelectorAsSelector } from '../../api/labels/labelSelector';
import { newRequirement, type Selector } from '../../api/labels/selector';
import type { SchedulerCache } from '../cache';
import { clusterEvent, type FilterResult, maxNodeScore, type Plugin, skip } from '../framework';
import type { NodeInfo } from '../nodeInfo';
import type { PodInfo } from '../podInfo';
import { findMatchingUntoleratedTaint } from '../taints';
import { matchesRequiredNodeAffinity, requiredNodeAffinity } from './nodeAffinity';

export const podTopologySpreadName = 'PodTopologySpread';
const constraintsNotMatch: FilterResult = ["node(s) didn't match pod topology spread constraints"];
const missingLabel: FilterResult = ["node(s) didn't match pod topology spread constraints (missing required label)"];
const hostnameLabel = 'kubernetes.io/hostname';

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  minDomains: number;
  selector: Selector;
  honorNodeAffinity: boolean;
  honorTaints: boolean;
  /** 1 when the incoming pod matches its own selector. */
  selfMatch: number;
}

function compile(pod: PodInfo, c: TopologySpreadConstraint): Constraint {
  let selector = labelSelectorAsSelector(c.labelSelector);
  // matchLabelKeys: the pod's own values for these keys narrow the selector (e.g. pod-template-hash).
  for (const key of c.matchLabelKeys ?? []) {
    const value = pod.labels[key];
    if (value !== undefined) selector = selector.add(newRequirement(key, 'in', [value]));
  }
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    minDomains: c.minDomains ?? 1,
    selector,
    honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
    honorTaints: c.nodeTaintsPolicy === 'Honor',
    selfMatch: selector.matches(pod.labels) ? 1 : 0,
  };
}

function constraintsOf(pod: PodInfo, when: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  return (pod.pod.spec?.topologySpreadConstraints ?? []).filter((c) => c.whenUnsatisfiable === when).map((c) => compile(pod, c));
}

/** Whether a pod counts for a constraint: in the incoming pod's namespace, not being deleted, selected. */
function countsFor(p: PodInfo, pod: PodInfo, selector: Selector): boolean {
  return p.namespace === pod.namespace && !p.pod.metadata?.deletionTimestamp && selector.matches(p.labels);
}

/** Whether a node takes part in spreading: it has every key and passes the policies. */
function eligible(node: NodeInfo, pod: PodInfo, constraints: readonly Constraint[], affinity: ReturnType<typeof requiredNodeAffinity>): boolean {
  if (!node.node) return false;
  for (const c of constraints) {
    if (node.labels[c.topologyKey] === undefined) return false;
    if (c.honorNodeAffinity && affinity && !matchesRequiredNodeAffinity(affinity, node.labels, node.name)) return false;
    if (c.honorTaints && findMatchingUntoleratedTaint(node.noScheduleTaints, pod.tolerations)) return false;
  }
  return true;
}

interface FilterState {
  constraints: Constraint[];
  counts: Map<string, number>[];
  minMatch: number[];
}

function preFilter(pod: PodInfo, cache: SchedulerCache): FilterState | typeof skip {
  const constraints = constraintsOf(pod, 'DoNotSchedule');
  if (constraints.length === 0) return skip;
  const affinity = requiredNodeAffinity(pod);
  // Every eligible node's domain takes part, with zero matching pods to begin with.
  const counts = constraints.map(() => new Map<string, number>());
  for (const node of cache.nodeList) {
    if (!eligible(node, pod, constraints, affinity)) continue;
    for (let i = 0; i < constraints.length; i++) {
      const value = node.labels[constraints[i]!.topologyKey]!;
      if (!counts[i]!.has(value)) counts[i]!.set(value, 0);
    }
  }
  constraints.forEach((c, i) => {
    cache.forEachCandidate(c.selector, (p, node) => {
      if (!countsFor(p, pod, c.selector) || !eligible(node, pod, constraints, affinity)) return;
      const value = node.labels[c.topologyKey]!;
      counts[i]!.set(value, counts[i]!.get(value)! + 1);
    });
  });
  const minMatch = constraints.map((c, i) => {
    const m = counts[i]!;
    // Fewer domains than minDomains: the global minimum is taken as 0.
    if (m.size < c.minDomains) return 0;
    let min = Infinity;
    for (const v of m.values()) min = Math.min(min, v);
    return Number.isFinite(min) ? min : 0;
  });
  return { constraints, counts, minMatch };
}

interface ScoreState {
  constraints: Constraint[];
  counts: Map<string, number>[];
  weights: number[];
}

function preScore(pod: PodInfo, nodes: readonly NodeInfo[], cache: SchedulerCache): ScoreState | typeof skip {
  const constraints = constraintsOf(pod, 'ScheduleAnyway');
  if (constraints.length === 0) return skip;
  const affinity = requiredNodeAffinity(pod);
  const counts = constraints.map(() => new Map<string, number>());
  const domains = constraints.map(() => new Set<string>());
  for (const node of nodes) {
    if (!eligible(node, pod, constraints, affinity)) continue;
    constraints.forEach((c, i) => domains[i]!.add(node.labels[c.topologyKey]!));
  }
  // Hostname domains are the candidate nodes themselves; other domains count pods cluster-wide.
  constraints.forEach((c, i) => {
    cache.forEachCandidate(c.selector, (p, node) => {
      if (!countsFor(p, pod, c.selector)) return;
      const value = node.labels[c.topologyKey];
      if (value === undefined) return;
      if (c.topologyKey === hostnameLabel ? !domains[i]!.has(value) : !eligible(node, pod, constraints, affinity)) return;
      counts[i]!.set(value, (counts[i]!.get(value) ?? 0) + 1);
    });
  });
  const weights = domains.map((d) => Math.log(d.size + 2));
  return { constraints, counts, weights };
}

export const podTopologySpread: Plugin<FilterState, ScoreState> = {
  name: podTopologySpreadName,
  events: clusterEvent.assignedPodAdd | clusterEvent.assignedPodUpdate | clusterEvent.assignedPodDelete | clusterEvent.nodeAdd | clusterEvent.nodeLabelChange | clusterEvent.nodeTaintChange,
  preFilter,
  filter: (s, _pod, node) => {
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      const value = node.labels[c.topologyKey];
      if (value === undefined) return missingLabel;
      const skew = (s.counts[i]!.get(value) ?? 0) + c.selfMatch - s.minMatch[i]!;
      if (skew > c.maxSkew) return constraintsNotMatch;
    }
    return null;
  },
  resolvable: (reasons) => reasons !== missingLabel,
  preScore,
  score: (s, _pod, node) => {
    let score = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      const value = node.labels[c.topologyKey];
      // A node without the keys is ignored: it gets the lowest score after normalizing.
      if (value === undefined) return -1;
      const w = s.weights[i]!;
      score += (s.counts[i]!.get(value) ?? 0) * w + (c.maxSkew - 1) * w;
    }
    return Math.round(score);
  },
  normalizeScore: (_s, scores, n) => {
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const v = scores[i]!;
      if (v < 0) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    for (let i = 0; i < n; i++) {
      const v = scores[i]!;
      if (v < 0) scores[i] = 0;
      else if (max === 0) scores[i] = maxNodeScore;
      else scores[i] = Math.trunc((maxNodeScore * (max + min - v)) / max);
    }
  },
};
