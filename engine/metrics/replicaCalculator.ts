// The horizontal pod autoscaler's replica calculator for resource metrics
// (pkg/controller/podautoscaler/replica_calculator.go and metrics/utilization.go): from the pods a
// target's selector matches and their PodMetrics, how many replicas would bring the average back to
// the target. Pods being deleted or failed are ignored; pending and (for CPU) not-yet-ready pods are
// left out, and pods without metrics counted conservatively, so that neither skews a decision:
// on a scale-up they count as using nothing, on a scale-down as using their whole request.
import { Quantity } from '../api/quantity';
import type { Obj } from '../apiserver/registry/strategy';

/** --horizontal-pod-autoscaler-cpu-initialization-period: a new pod's CPU is not trusted before. */
export const cpuInitializationPeriodMs = 5 * 60_000;
/** --horizontal-pod-autoscaler-initial-readiness-delay: readiness flaps this early after start are ignored. */
export const initialReadinessDelayMs = 30_000;
/** --horizontal-pod-autoscaler-tolerance. */
export const defaultTolerance = 0.1;

/** One pod's usage of a resource in milli-units (millicores; milli-bytes for memory, as kube counts). */
export interface PodMetric {
  value: number;
  timestamp: number;
  windowMs: number;
}

export type PodMetricsInfo = Map<string, PodMetric>;

/** How far the usage ratio may stray from 1 before the replica count moves (behavior.scaleDown/scaleUp.tolerance). */
export interface Tolerances {
  scaleDown: number;
  scaleUp: number;
}

export function isWithin(t: Tolerances, ratio: number): boolean {
  return 1 - t.scaleDown <= ratio && ratio <= 1 + t.scaleUp;
}

/**
 * The `metrics.k8s.io` PodMetricsList read as the HPA's resource metrics client reads it: per pod,
 * the sum over its containers (or the one named `container`); a pod with a container that reports
 * no such resource is left out.
 */
export function podMetricsInfo(items: readonly Obj[], resource: string, container?: string): PodMetricsInfo {
  const out: PodMetricsInfo = new Map();
  for (const m of items) {
    const timestamp = Date.parse(m.timestamp);
    const windowMs = parseSeconds(m.window);
    let sum = 0;
    let missing = false;
    let found = false;
    for (const c of (m.containers ?? []) as Obj[]) {
      if (container !== undefined && c.name !== container) continue;
      const q = Quantity.tryParse(c.usage?.[resource]);
      if (!q) {
        missing = true;
        break;
      }
      found = true;
      sum += q.milliValue();
    }
    if (!missing && (container === undefined || found)) out.set(m.metadata.name, { value: sum, timestamp, windowMs });
  }
  return out;
}

function parseSeconds(text: unknown): number {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(String(text ?? ''));
  return m ? Math.round(Number(m[1]) * 1000) : 0;
}

function condition(pod: Obj, type: string): Obj | undefined {
  return (pod.status?.conditions ?? []).find((c: Obj) => c.type === type);
}

/** groupPods: ready pods counted, and the names of the unready, missing and ignored ones. */
export function groupPods(pods: readonly Obj[], metrics: PodMetricsInfo, resource: string, now: number) {
  let readyCount = 0;
  const unready = new Set<string>();
  const missing = new Set<string>();
  const ignored = new Set<string>();
  for (const pod of pods) {
    const name: string = pod.metadata.name;
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Failed') {
      ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      missing.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const ready = condition(pod, 'Ready');
      const start = pod.status?.startTime ? Date.parse(pod.status.startTime) : undefined;
      let isUnready: boolean;
      if (!ready || start === undefined) isUnready = true;
      else {
        const transition = Date.parse(ready.lastTransitionTime ?? '') || 0;
        if (start + cpuInitializationPeriodMs > now) {
          // Still starting: a sample is trusted once the pod is ready and a whole window has passed since.
          isUnready = ready.status === 'False' || metric.timestamp < transition + metric.windowMs;
        } else {
          // Past the initialization period: only a pod that has never been ready is left out.
          isUnready = ready.status === 'False' && start + initialReadinessDelayMs > transition;
        }
      }
      if (isUnready) {
        unready.add(name);
        continue;
      }
    }
    readyCount++;
  }
  return { readyCount, unready, missing, ignored };
}

/** calculatePodRequests: each pod's request of the resource in milli-units (its containers and sidecars, or one container). */
export function podRequests(pods: readonly Obj[], resource: string, container?: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    const containers: Obj[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c: Obj) => c.restartPolicy === 'Always')];
    let sum = 0;
    for (const c of containers) {
      if (container !== undefined && c.name !== container) continue;
      const q = Quantity.tryParse(c.resources?.requests?.[resource]);
      if (!q) throw new Error(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`);
      sum += q.milliValue();
    }
    out.set(pod.metadata.name, sum);
  }
  return out;
}

/** GetResourceUtilizationRatio: usage over request across the pods with both, as an integer percentage. */
export function utilizationRatio(metrics: PodMetricsInfo, requests: Map<string, number>, targetUtilization: number): { ratio: number; utilization: number; rawAverage: number } {
  let usage = 0;
  let requested = 0;
  let entries = 0;
  for (const [name, m] of metrics) {
    const r = requests.get(name);
    if (r === undefined) continue;
    usage += m.value;
    requested += r;
    entries++;
  }
  if (requested === 0) throw new Error('no metrics returned matched known pods');
  const utilization = Math.trunc((usage * 100) / requested);
  return { ratio: utilization / targetUtilization, utilization, rawAverage: Math.trunc(usage / entries) };
}

/** GetMetricUsageRatio: the average usage over the target average. */
function usageRatio(metrics: PodMetricsInfo, target: number): { ratio: number; average: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const average = Math.trunc(total / metrics.size);
  return { ratio: average / target, average };
}

export interface Proposal {
  replicas: number;
  /** The percentage of requests used (Utilization targets). */
  utilization?: number;
  /** The average usage per pod, in milli-units. */
  rawAverage: number;
  timestamp: number;
}

/**
 * The replica count for a Utilization (`targetUtilization` percent) or an AverageValue
 * (`targetAverage` milli-units) target. Throws with kube's messages when it cannot compute one.
 */
export function resourceReplicas(args: {
  currentReplicas: number;
  pods: readonly Obj[];
  metrics: PodMetricsInfo;
  timestamp: number;
  resource: string;
  container?: string;
  tolerances: Tolerances;
  now: number;
  target: { utilization: number } | { averageValue: number };
}): Proposal {
  const { currentReplicas, pods, resource, tolerances } = args;
  const metrics = new Map(args.metrics);
  if (pods.length === 0) throw new Error('no pods returned by selector while calculating replica count');
  const { readyCount, unready, missing, ignored } = groupPods(pods, metrics, resource, args.now);
  for (const name of [...ignored, ...unready]) metrics.delete(name);
  if (metrics.size === 0) throw new Error('did not receive metrics for targeted pods (pods might be unready)');

  const utilizationTarget = 'utilization' in args.target ? args.target.utilization : undefined;
  const averageTarget = 'averageValue' in args.target ? args.target.averageValue : undefined;
  const requests = utilizationTarget !== undefined ? podRequests(pods, resource, args.container) : undefined;
  const ratioOf = (m: PodMetricsInfo) => (requests ? utilizationRatio(m, requests, utilizationTarget!).ratio : usageRatio(m, averageTarget!).ratio);

  let ratio: number;
  let utilization: number | undefined;
  let rawAverage: number;
  if (requests) {
    const r = utilizationRatio(metrics, requests, utilizationTarget!);
    ({ ratio, utilization, rawAverage } = r);
  } else {
    const r = usageRatio(metrics, averageTarget!);
    ratio = r.ratio;
    rawAverage = r.average;
  }
  const result = (replicas: number): Proposal => ({ replicas, ...(utilization !== undefined ? { utilization } : {}), rawAverage, timestamp: args.timestamp });

  const scaleUpWithUnready = unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && missing.size === 0) {
    if (isWithin(tolerances, ratio)) return result(currentReplicas);
    return result(Math.ceil(ratio * readyCount));
  }
  if (missing.size > 0) {
    if (ratio < 1) {
      // Scaling down: a pod without metrics counts as using its whole request (or exactly the target).
      for (const name of missing) {
        const value = requests ? Math.trunc((requests.get(name)! * Math.max(100, utilizationTarget!)) / 100) : averageTarget!;
        metrics.set(name, { value, timestamp: args.timestamp, windowMs: 0 });
      }
    } else if (ratio > 1 || !requests) {
      // Scaling up: as using nothing.
      for (const name of missing) metrics.set(name, { value: 0, timestamp: args.timestamp, windowMs: 0 });
    }
  }
  if (scaleUpWithUnready) for (const name of unready) metrics.set(name, { value: 0, timestamp: args.timestamp, windowMs: 0 });

  const newRatio = ratioOf(metrics);
  // Too small a change, or one the conservative assumptions would turn around: stay.
  if (isWithin(tolerances, newRatio) || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return result(currentReplicas);
  const replicas = Math.ceil(newRatio * metrics.size);
  if ((newRatio < 1 && replicas > currentReplicas) || (newRatio > 1 && replicas < currentReplicas)) return result(currentReplicas);
  return result(replicas);
}
