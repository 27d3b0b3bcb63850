// One node as the scheduler sees it: its allocatable resources, what the pods assigned to it
// (bound or assumed) already request, labels, taints by effect, and its pods. Updated
// incrementally as pods and nodes change. After kube-scheduler's framework.NodeInfo.
import type { Node, Taint } from 'kubernetes-types/core/v1';
import type { Labels, PodInfo } from './podInfo';
import { addResourceList, emptyResource, type Resource } from './resources';

const emptyLabels: Labels = Object.freeze({});

export class NodeInfo {
  node: Node | undefined;
  labels: Labels = emptyLabels;
  /** Taints with effect NoSchedule or NoExecute: the ones Filter respects. */
  noScheduleTaints: readonly Taint[] = [];
  preferNoScheduleTaints: readonly Taint[] = [];
  unschedulable = false;
  allocatable: Resource = emptyResource();
  readonly requested: Resource = emptyResource();
  nonZeroMilliCPU = 0;
  nonZeroMemory = 0;
  readonly pods = new Map<string, PodInfo>();
  /** How many of `pods` carry pod affinity terms, and required anti-affinity terms. */
  podsWithAffinity = 0;
  podsWithRequiredAntiAffinity = 0;
  /** Host ports in use: `protocol/port` → host IP → how many pods use it; undefined until one does. */
  usedPorts: Map<string, Map<string, number>> | undefined;
  /** Images the node holds (status.images): each name → size in bytes. */
  images: ReadonlyMap<string, number> = new Map();
  /** Position in the cache's node list (for round-robin sampling); -1 while the node is unknown. */
  index = -1;
  /** Pending pods nominated to this node by preemption; undefined when there are none. */
  nominated: PodInfo[] | undefined;

  constructor(readonly name: string) {}

  /**
   * This node as `pod` must see it: with the room held by nominated pods of at least its priority
   * (other than itself) taken, so a lower-priority pod cannot take what a preemption freed.
   */
  withNominated(pod: PodInfo): NodeInfo {
    let copy: NodeInfo | undefined;
    for (const p of this.nominated ?? []) {
      if (p.key === pod.key || p.priority < pod.priority) continue;
      copy ??= this.clone();
      copy.addPod(p);
    }
    return copy ?? this;
  }

  private clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.labels = this.labels;
    c.noScheduleTaints = this.noScheduleTaints;
    c.preferNoScheduleTaints = this.preferNoScheduleTaints;
    c.unschedulable = this.unschedulable;
    c.allocatable = this.allocatable;
    c.images = this.images;
    for (const p of this.pods.values()) c.addPod(p);
    return c;
  }

  setNode(node: Node): void {
    this.node = node;
    this.labels = node.metadata?.labels ?? emptyLabels;
    const taints = node.spec?.taints ?? [];
    this.noScheduleTaints = taints.filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
    this.preferNoScheduleTaints = taints.filter((t) => t.effect === 'PreferNoSchedule');
    this.unschedulable = node.spec?.unschedulable === true;
    const allocatable = emptyResource();
    addResourceList(allocatable, node.status?.allocatable as Record<string, string> | undefined);
    this.allocatable = allocatable;
    const images = new Map<string, number>();
    for (const image of node.status?.images ?? []) for (const name of image.names ?? []) images.set(name, image.sizeBytes ?? 0);
    this.images = images;
  }

  addPod(p: PodInfo): void {
    this.pods.set(p.key, p);
    this.account(p, 1);
  }

  removePod(key: string): PodInfo | undefined {
    const p = this.pods.get(key);
    if (!p) return undefined;
    this.pods.delete(key);
    this.account(p, -1);
    return p;
  }

  private account(p: PodInfo, sign: 1 | -1): void {
    const r = this.requested;
    r.milliCPU += sign * p.requests.milliCPU;
    r.memory += sign * p.requests.memory;
    r.ephemeralStorage += sign * p.requests.ephemeralStorage;
    if (p.requests.scalar) {
      r.scalar ??= new Map();
      for (const [k, v] of p.requests.scalar) r.scalar.set(k, (r.scalar.get(k) ?? 0) + sign * v);
    }
    this.nonZeroMilliCPU += sign * p.nonZeroMilliCPU;
    this.nonZeroMemory += sign * p.nonZeroMemory;
    if (p.hasAffinity) this.podsWithAffinity += sign;
    for (const hp of p.hostPorts) {
      const ips = (this.usedPorts ??= new Map()).get(hp.key) ?? new Map<string, number>();
      const n = (ips.get(hp.hostIP) ?? 0) + sign;
      if (n > 0) ips.set(hp.hostIP, n);
      else ips.delete(hp.hostIP);
      if (ips.size > 0) this.usedPorts.set(hp.key, ips);
      else this.usedPorts.delete(hp.key);
    }
    if (p.requiredAntiAffinityTerms.length > 0) this.podsWithRequiredAntiAffinity += sign;
  }
}
