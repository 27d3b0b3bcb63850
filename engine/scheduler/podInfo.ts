// Everything the scheduler reads from a pod, computed once when the pod is seen (requests as
// integers, tolerations, compiled affinity terms), so no plugin re-parses the pod per node.
// After kube-scheduler's framework.PodInfo.
import type { Pod, PodAffinityTerm, Toleration } from 'kubernetes-types/core/v1';
import { labelSelectorAsSelector } from '../api/labels/labelSelector';
import type { Selector } from '../api/labels/selector';
import { objectKey } from '../client/types';
import { computePodRequests, type Resource } from './resources';

export type Labels = Readonly<Record<string, string>>;

export interface AffinityTerm {
  /** The namespaces whose pods the term selects; undefined means every namespace. */
  namespaces: ReadonlySet<string> | undefined;
  selector: Selector;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** A host port a container asks for: `protocol/port` and the host IP ('0.0.0.0' for every address). */
export interface HostPort {
  key: string;
  hostIP: string;
}

export interface PodInfo {
  pod: Pod;
  key: string;
  namespace: string;
  name: string;
  labels: Labels;
  priority: number;
  requests: Resource;
  nonZeroMilliCPU: number;
  nonZeroMemory: number;
  tolerations: readonly Toleration[];
  requiredAffinityTerms: readonly AffinityTerm[];
  requiredAntiAffinityTerms: readonly AffinityTerm[];
  preferredAffinityTerms: readonly WeightedAffinityTerm[];
  preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];
  /** Whether any of the four lists above is non-empty. */
  hasAffinity: boolean;
  hostPorts: readonly HostPort[];
}

const emptyLabels: Labels = Object.freeze({});

function affinityTerm(pod: Pod, term: PodAffinityTerm): AffinityTerm {
  // No namespaces and no namespaceSelector: the pod's own namespace. An empty namespaceSelector: all.
  // A non-empty namespaceSelector needs namespace labels, which this scheduler does not watch; it
  // then selects only the listed namespaces.
  const listed = term.namespaces ?? [];
  const selectAll = term.namespaceSelector !== undefined && term.namespaceSelector !== null && Object.keys(term.namespaceSelector).every((k) => {
    const v = (term.namespaceSelector as Record<string, unknown>)[k];
    return v === undefined || (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && v !== null && Object.keys(v).length === 0);
  });
  let namespaces: Set<string> | undefined;
  if (selectAll) namespaces = undefined;
  else if (listed.length === 0 && !term.namespaceSelector) namespaces = new Set([pod.metadata?.namespace ?? '']);
  else namespaces = new Set(listed);
  return { namespaces, selector: labelSelectorAsSelector(term.labelSelector), topologyKey: term.topologyKey };
}

function hostPortsOf(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ key: `${p.protocol ?? 'TCP'}/${p.hostPort}`, hostIP: p.hostIP || '0.0.0.0' });
    }
  }
  return out;
}

export function newPodInfo(pod: Pod): PodInfo {
  const { requests, nonZeroMilliCPU, nonZeroMemory } = computePodRequests(pod);
  const affinity = pod.spec?.affinity;
  const requiredAffinityTerms = (affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t));
  const requiredAntiAffinityTerms = (affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t));
  const preferredAffinityTerms = (affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({ ...affinityTerm(pod, w.podAffinityTerm), weight: w.weight }));
  const preferredAntiAffinityTerms = (affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({ ...affinityTerm(pod, w.podAffinityTerm), weight: w.weight }));
  return {
    pod,
    key: objectKey(pod),
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    labels: pod.metadata?.labels ?? emptyLabels,
    priority: pod.spec?.priority ?? 0,
    requests,
    nonZeroMilliCPU,
    nonZeroMemory,
    tolerations: pod.spec?.tolerations ?? [],
    requiredAffinityTerms,
    requiredAntiAffinityTerms,
    preferredAffinityTerms,
    preferredAntiAffinityTerms,
    hasAffinity: requiredAffinityTerms.length + requiredAntiAffinityTerms.length + preferredAffinityTerms.length + preferredAntiAffinityTerms.length > 0,
    hostPorts: hostPortsOf(pod),
  };
}

/** Whether `term` (of some pod) selects the pod `other`. */
export function termMatches(term: AffinityTerm, other: PodInfo): boolean {
  return (term.namespaces === undefined || term.namespaces.has(other.namespace)) && term.selector.matches(other.labels);
}
