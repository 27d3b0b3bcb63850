// The scheduler's view of the cluster: a NodeInfo per node with the pods assigned to it, kept up to
// date from the informers event by event, plus the pods it has assumed onto a node while their
// binding is in flight. A scheduling cycle runs synchronously, so it reads this cache directly as
// its snapshot: nothing can change it mid-cycle. After kube-scheduler's internal/cache.
import type { Node, Pod } from 'kubernetes-types/core/v1';
import { objectKey } from '../client/types';
import { NodeInfo } from './nodeInfo';
import { newPodInfo, type PodInfo } from './podInfo';

export class SchedulerCache {
  private readonly infos = new Map<string, NodeInfo>();
  /** Nodes that exist, in a stable order for round-robin sampling. */
  readonly nodeList: NodeInfo[] = [];
  /** Pod key → the node it is on (bound or assumed). */
  private readonly podNodes = new Map<string, string>();
  private readonly assumed = new Set<string>();
  /** Nodes hosting pods with pod affinity terms / required anti-affinity terms: the only nodes InterPodAffinity must visit for existing pods. */
  readonly nodesWithAffinityPods = new Set<NodeInfo>();
  readonly nodesWithRequiredAntiAffinityPods = new Set<NodeInfo>();

  get numNodes(): number {
    return this.nodeList.length;
  }

  node(name: string): NodeInfo | undefined {
    const info = this.infos.get(name);
    return info?.node ? info : undefined;
  }

  isAssumed(key: string): boolean {
    return this.assumed.has(key);
  }

  nodeOf(key: string): string | undefined {
    return this.podNodes.get(key);
  }

  /** Records (or, with no node, clears) the node a pending pod was nominated to by preemption. */
  setNominated(p: PodInfo, nodeName: string | undefined): void {
    const previous = this.nominations.get(p.key);
    if (previous !== undefined) {
      const info = this.infos.get(previous);
      if (info?.nominated) {
        info.nominated = info.nominated.filter((x) => x.key !== p.key);
        if (info.nominated.length === 0) info.nominated = undefined;
      }
      this.nominations.delete(p.key);
    }
    if (!nodeName) return;
    const info = this.infoFor(nodeName);
    (info.nominated ??= []).push(p);
    this.nominations.set(p.key, nodeName);
  }

  private readonly nominations = new Map<string, string>();

  /** Image name → how many nodes hold it, for ImageLocality's spread factor. */
  readonly imageNodes = new Map<string, number>();

  /** How many nodes carry a PreferNoSchedule taint: none, and TaintToleration's score is the same everywhere. */
  nodesWithPreferNoScheduleTaints = 0;

  /** Adds (or takes away) what a node contributes to the cluster-wide counts above. */
  private countNodeWide(info: NodeInfo, sign: 1 | -1): void {
    if (info.preferNoScheduleTaints.length > 0) this.nodesWithPreferNoScheduleTaints += sign;
    for (const name of info.images.keys()) {
      const n = (this.imageNodes.get(name) ?? 0) + sign;
      if (n > 0) this.imageNodes.set(name, n);
      else this.imageNodes.delete(name);
    }
  }

  /** Adds or replaces a Node. */
  setNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const info = this.infoFor(name);
    if (info.node) this.countNodeWide(info, -1);
    info.setNode(node);
    this.countNodeWide(info, 1);
    if (info.index < 0) {
      info.index = this.nodeList.length;
      this.nodeList.push(info);
    }
  }

  removeNode(name: string): void {
    const info = this.infos.get(name);
    if (!info || info.index < 0) return;
    this.countNodeWide(info, -1);
    // Swap-remove keeps removal O(1); the order only needs to be stable between changes.
    const last = this.nodeList.pop()!;
    if (last !== info) {
      this.nodeList[info.index] = last;
      last.index = info.index;
    }
    info.index = -1;
    info.node = undefined;
    // Pods still bound to a deleted node stay accounted until they are deleted, as in kube-scheduler.
    if (info.pods.size === 0 && !info.nominated) this.infos.delete(name);
  }

  /** A pod the informer reports as assigned to a node (newly seen, or confirming an assumed one). */
  addPod(pod: Pod): void {
    const key = objectKey(pod);
    if (this.assumed.has(key)) {
      this.assumed.delete(key);
      this.removePodByKey(key);
    } else if (this.podNodes.has(key)) {
      this.removePodByKey(key);
    }
    this.place(newPodInfo(pod), pod.spec!.nodeName!);
  }

  removePod(pod: Pod): void {
    const key = objectKey(pod);
    this.assumed.delete(key);
    this.removePodByKey(key);
  }

  /** Puts a pod on a node before its binding is confirmed, so the next cycles see the node as used. */
  assumePod(p: PodInfo, nodeName: string): void {
    this.assumed.add(p.key);
    this.place(p, nodeName);
  }

  /** Undoes assumePod after a failed binding. */
  forgetPod(key: string): void {
    if (!this.assumed.delete(key)) return;
    this.removePodByKey(key);
  }

  private place(p: PodInfo, nodeName: string): void {
    const info = this.infoFor(nodeName);
    info.addPod(p);
    this.podNodes.set(p.key, nodeName);
    this.trackAffinity(info);
  }

  private removePodByKey(key: string): void {
    const nodeName = this.podNodes.get(key);
    if (nodeName === undefined) return;
    this.podNodes.delete(key);
    const info = this.infos.get(nodeName);
    if (!info) return;
    info.removePod(key);
    this.trackAffinity(info);
    if (!info.node && info.pods.size === 0 && !info.nominated) this.infos.delete(nodeName);
  }

  private trackAffinity(info: NodeInfo): void {
    if (info.podsWithAffinity > 0) this.nodesWithAffinityPods.add(info);
    else this.nodesWithAffinityPods.delete(info);
    if (info.podsWithRequiredAntiAffinity > 0) this.nodesWithRequiredAntiAffinityPods.add(info);
    else this.nodesWithRequiredAntiAffinityPods.delete(info);
  }

  private infoFor(name: string): NodeInfo {
    let info = this.infos.get(name);
    if (!info) this.infos.set(name, (info = new NodeInfo(name)));
    return info;
  }
}
