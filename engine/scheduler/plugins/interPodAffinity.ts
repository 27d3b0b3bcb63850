// InterPodAffinity: required pod affinity and anti-affinity of the incoming pod, and the required
// anti-affinity of pods already running, counted per topology domain (any node label, usually
// kubernetes.io/hostname or a zone); preferred terms of both sides score.
// https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity
import type { SchedulerCache } from '../cache';
import { clusterEvent, type FilterResult, maxNodeScore, type Plugin, skip } from '../framework';
import type { NodeInfo } from '../nodeInfo';
import { type AffinityTerm, type PodInfo, termMatches, type WeightedAffinityTerm } from '../podInfo';

export const interPodAffinityName = 'InterPodAffinity';
const affinityNotMatch: FilterResult = ["node(s) didn't match pod affinity rules"];
const antiAffinityNotMatch: FilterResult = ["node(s) didn't match pod anti-affinity rules"];
const existingAntiAffinityNotMatch: FilterResult = ["node(s) didn't satisfy existing pods anti-affinity rules"];
/** Weight of an existing pod's required affinity toward the incoming pod (hardPodAffinityWeight). */
const hardPodAffinityWeight = 1;

/** topologyKey → topology value → count (or score). Nested maps, so lookups allocate no pair keys. */
type TopologyCounts = Map<string, Map<string, number>>;

function bump(counts: TopologyCounts, key: string, value: string, by: number): void {
  let values = counts.get(key);
  if (!values) counts.set(key, (values = new Map()));
  values.set(value, (values.get(value) ?? 0) + by);
}

interface FilterState {
  existingAntiAffinity: TopologyCounts;
  affinityCounts: TopologyCounts;
  antiAffinityCounts: TopologyCounts;
  /** No pod matches the affinity terms yet, and the pod matches them itself: the first of a group. */
  firstOfGroup: boolean;
}

function preFilter(pod: PodInfo, cache: SchedulerCache): FilterState | typeof skip {
  const existingAntiAffinity: TopologyCounts = new Map();
  cache.forEachOnNode(cache.podsWithRequiredAntiAffinity, (existing, node) => {
    for (const term of existing.requiredAntiAffinityTerms) {
      const value = node.labels[term.topologyKey];
      if (value !== undefined && termMatches(term, pod)) bump(existingAntiAffinity, term.topologyKey, value, 1);
    }
  });
  const affinity = pod.requiredAffinityTerms;
  const anti = pod.requiredAntiAffinityTerms;
  if (existingAntiAffinity.size === 0 && affinity.length === 0 && anti.length === 0) return skip;
  const affinityCounts: TopologyCounts = new Map();
  const antiAffinityCounts: TopologyCounts = new Map();
  if (affinity.length) {
    // A pod counts toward affinity only when it matches every required affinity term.
    cache.forEachCandidate(affinity[0]!.selector, (existing, node) => {
      if (!affinity.every((t) => termMatches(t, existing))) return;
      for (const t of affinity) {
        const value = node.labels[t.topologyKey];
        if (value !== undefined) bump(affinityCounts, t.topologyKey, value, 1);
      }
    });
  }
  for (const t of anti) {
    cache.forEachCandidate(t.selector, (existing, node) => {
      const value = node.labels[t.topologyKey];
      if (value !== undefined && termMatches(t, existing)) bump(antiAffinityCounts, t.topologyKey, value, 1);
    });
  }
  const firstOfGroup = affinityCounts.size === 0 && affinity.every((t) => termMatches(t, pod));
  return { existingAntiAffinity, affinityCounts, antiAffinityCounts, firstOfGroup };
}

function count(counts: TopologyCounts, key: string, value: string): number {
  return counts.get(key)?.get(value) ?? 0;
}

function satisfiesAffinity(s: FilterState, terms: readonly AffinityTerm[], node: NodeInfo): boolean {
  let podsExist = true;
  for (const t of terms) {
    const value = node.labels[t.topologyKey];
    // Every topology the terms name must exist on the node.
    if (value === undefined) return false;
    if (count(s.affinityCounts, t.topologyKey, value) <= 0) podsExist = false;
  }
  return podsExist || s.firstOfGroup;
}

interface ScoreState {
  scores: TopologyCounts;
}

function preScore(pod: PodInfo, _nodes: readonly NodeInfo[], cache: SchedulerCache): ScoreState | typeof skip {
  const hasPreferred = pod.preferredAffinityTerms.length > 0 || pod.preferredAntiAffinityTerms.length > 0;
  if (!hasPreferred && cache.podsWithAffinity.size === 0) return skip;
  const scores: TopologyCounts = new Map();
  const incoming = (t: WeightedAffinityTerm, sign: 1 | -1) =>
    cache.forEachCandidate(t.selector, (existing, node) => {
      const v = node.labels[t.topologyKey];
      if (v !== undefined && termMatches(t, existing)) bump(scores, t.topologyKey, v, sign * t.weight);
    });
  for (const t of pod.preferredAffinityTerms) incoming(t, 1);
  for (const t of pod.preferredAntiAffinityTerms) incoming(t, -1);
  // The terms of pods already running toward the incoming pod count too (symmetry).
  cache.forEachOnNode(cache.podsWithAffinity, (existing, node) => {
    for (const t of existing.requiredAffinityTerms) {
      const v = node.labels[t.topologyKey];
      if (v !== undefined && termMatches(t, pod)) bump(scores, t.topologyKey, v, hardPodAffinityWeight);
    }
    for (const t of existing.preferredAffinityTerms) {
      const v = node.labels[t.topologyKey];
      if (v !== undefined && termMatches(t, pod)) bump(scores, t.topologyKey, v, t.weight);
    }
    for (const t of existing.preferredAntiAffinityTerms) {
      const v = node.labels[t.topologyKey];
      if (v !== undefined && termMatches(t, pod)) bump(scores, t.topologyKey, v, -t.weight);
    }
  });
  return scores.size ? { scores } : skip;
}

export const interPodAffinity: Plugin<FilterState, ScoreState> = {
  name: interPodAffinityName,
  events: clusterEvent.assignedPodAdd | clusterEvent.assignedPodUpdate | clusterEvent.assignedPodDelete | clusterEvent.nodeAdd | clusterEvent.nodeLabelChange,
  preFilter,
  filter: (s, pod, node) => {
    if (pod.requiredAffinityTerms.length && !satisfiesAffinity(s, pod.requiredAffinityTerms, node)) return affinityNotMatch;
    for (const t of pod.requiredAntiAffinityTerms) {
      const value = node.labels[t.topologyKey];
      if (value !== undefined && count(s.antiAffinityCounts, t.topologyKey, value) > 0) return antiAffinityNotMatch;
    }
    for (const [key, values] of s.existingAntiAffinity) {
      const value = node.labels[key];
      if (value !== undefined && (values.get(value) ?? 0) > 0) return existingAntiAffinityNotMatch;
    }
    return null;
  },
  // Deleting pods cannot create the pods an affinity term asks for.
  resolvable: (reasons) => reasons !== affinityNotMatch,
  preScore,
  score: (s, _pod, node) => {
    let total = 0;
    for (const [key, values] of s.scores) {
      const value = node.labels[key];
      if (value !== undefined) total += values.get(value) ?? 0;
    }
    return total;
  },
  normalizeScore: (_s, scores, n) => {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      if (scores[i]! < min) min = scores[i]!;
      if (scores[i]! > max) max = scores[i]!;
    }
    const diff = max - min;
    for (let i = 0; i < n; i++) scores[i] = diff > 0 ? Math.trunc((maxNodeScore * (scores[i]! - min)) / diff) : 0;
  },
};
