// What a simulated container consumes, as the kubelet's summary API (cAdvisor) reports it and
// metrics-server serves it: CPU averaged over the last scrape window and the memory working set.
// CPU is a small baseline, plus the steady load the `cpu=` directive asks for, plus the work of the
// HTTP requests the container served in the window; memory is what `memory=` says, or a baseline.
// Everything is a function of the cluster clock, so the same requests at the same times give the
// same figures.
import type { Container } from 'kubernetes-types/core/v1';
import { Quantity } from '../api/quantity';
import type { ContainerBehavior } from './behavior';

/** metrics-server's default --metric-resolution: the window usage is averaged over. */
export const metricsWindowMs = 15_000;
/** CPU an idle process uses (its event loop, timers), in millicores. */
export const baselineCpuMillicores = 1;
/** Memory an idle process keeps resident, in bytes (8Mi). */
export const baselineMemoryBytes = 8 * 1024 * 1024;
/** CPU time one HTTP request costs, in millicore-seconds: one request a second keeps 100m busy. */
export const defaultCpuPerRequestMillicoreSeconds = 100;

/** A usage sample: averaged over `windowMs` up to `timestamp`. */
export interface UsageSample {
  readonly timestamp: number;
  readonly windowMs: number;
  /** CPU in nanocores, as the summary API's `usageNanoCores`. */
  readonly cpuNanoCores: number;
  /** The working set in bytes. */
  readonly memoryBytes: number;
}

/** One running container's consumption: its steady rate and the times of the requests it served. */
export class ContainerUsage {
  private readonly requests: number[] = [];
  private readonly steadyMillicores: number;
  private readonly perRequestMillicoreSeconds: number;
  private readonly memoryBytes: number;
  /** The CPU limit in millicores: CFS throttling holds usage there. */
  private readonly cpuLimitMillicores: number | undefined;

  constructor(private readonly startedAt: number, behavior: ContainerBehavior, container: Container) {
    this.steadyMillicores = baselineCpuMillicores + (behavior.cpuMillicores ?? 0);
    this.perRequestMillicoreSeconds = behavior.cpuPerRequestMillicoreSeconds ?? defaultCpuPerRequestMillicoreSeconds;
    this.memoryBytes = behavior.memoryBytes ?? baselineMemoryBytes;
    const limit = Quantity.tryParse(container.resources?.limits?.cpu);
    this.cpuLimitMillicores = limit ? limit.milliValue() : undefined;
  }

  /** The container served an HTTP request at `at`. */
  served(at: number): void {
    this.requests.push(at);
    this.forget(at);
  }

  /**
   * Usage over the window ending `now`; undefined until the container has run a whole window, as
   * metrics-server has no rate for a container it has sampled only once.
   */
  sample(now: number): UsageSample | undefined {
    if (now - this.startedAt < metricsWindowMs) return undefined;
    this.forget(now);
    const from = now - metricsWindowMs;
    const inWindow = this.requests.filter((t) => t > from && t <= now).length;
    let millicores = this.steadyMillicores + (inWindow * this.perRequestMillicoreSeconds * 1000) / metricsWindowMs;
    if (this.cpuLimitMillicores !== undefined) millicores = Math.min(millicores, this.cpuLimitMillicores);
    return { timestamp: now, windowMs: metricsWindowMs, cpuNanoCores: Math.round(millicores * 1_000_000), memoryBytes: this.memoryBytes };
  }

  /** Requests older than the window no longer count. */
  private forget(now: number): void {
    const from = now - metricsWindowMs;
    let drop = 0;
    while (drop < this.requests.length && this.requests[drop]! <= from) drop++;
    if (drop) this.requests.splice(0, drop);
  }
}

/** CPU and memory the node's own daemons (kubelet, containerd, systemd) use beside its pods. */
export const nodeOverhead = { cpuMillicores: 40, memoryBytes: 300 * 1024 * 1024 };

export interface ContainerUsageStats {
  readonly name: string;
  readonly cpuNanoCores: number;
  readonly memoryBytes: number;
}

/** One pod's containers over one window, as the summary API's `pods[]` gives them. */
export interface PodUsage {
  readonly namespace: string;
  readonly name: string;
  readonly timestamp: number;
  readonly windowMs: number;
  readonly containers: readonly ContainerUsageStats[];
}

/** The kubelet's summary (`/stats/summary`): the node's total and each pod's. */
export interface NodeUsage {
  readonly node: string;
  readonly timestamp: number;
  readonly windowMs: number;
  readonly cpuNanoCores: number;
  readonly memoryBytes: number;
  readonly pods: readonly PodUsage[];
}

/** What a summary reads of the pods a kubelet runs: each pod's running containers by name and runtime id. */
export interface RunningPod {
  readonly namespace: string;
  readonly name: string;
  readonly containers: readonly { readonly name: string; readonly id: string }[];
}

/**
 * The summary of a node up since `startedAt`: undefined before a whole window, as metrics-server
 * has no node rate yet. A pod is listed once every one of its running containers has a rate (a
 * restarted container starts a new window), as metrics-server drops pods with incomplete metrics.
 */
export function usageSummary(node: string, startedAt: number, now: number, pods: Iterable<RunningPod>, usageOf: (id: string) => UsageSample | undefined): NodeUsage | undefined {
  if (now - startedAt < metricsWindowMs) return undefined;
  let cpu = nodeOverhead.cpuMillicores * 1_000_000;
  let memory = nodeOverhead.memoryBytes;
  const listed: PodUsage[] = [];
  for (const pod of pods) {
    const containers: ContainerUsageStats[] = [];
    let complete = pod.containers.length > 0;
    for (const c of pod.containers) {
      const sample = usageOf(c.id);
      if (!sample) {
        complete = false;
        continue;
      }
      cpu += sample.cpuNanoCores;
      memory += sample.memoryBytes;
      containers.push({ name: c.name, cpuNanoCores: sample.cpuNanoCores, memoryBytes: sample.memoryBytes });
    }
    if (complete) listed.push({ namespace: pod.namespace, name: pod.name, timestamp: now, windowMs: metricsWindowMs, containers });
  }
  return { node, timestamp: now, windowMs: metricsWindowMs, cpuNanoCores: cpu, memoryBytes: memory, pods: listed };
}
