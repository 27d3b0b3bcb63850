// The scheduler's view of the cluster: a NodeInfo per node with the pods assigned to it, kept up to
// date from the informers event by event, plus the pods it has assumed onto a node while their
// binding is in flight. A scheduling cycle runs synchronously, so it reads this cache directly as
// its snapshot: nothing can change it mid-cycle. After kube-scheduler's internal/cache.
import type { Node, Pod } from 'kubernetes-types/core/v1';
import type { Selector } from '../api/labels/selector';
import { objectKey } from '../client/types';
import { NodeInfo } from './nodeInfo';
import { newPodInfo, type PodInfo } from './podInfo';

export class SchedulerCache {
  private readonly infos = new Map<string, NodeInfo>();
  /** Nodes that exist, in a stable order for round-robin sampling. */
  readonly nodeList: NodeInfo[] = [];
  /** Pod key → the node it is on (bound or assumed). */
  private readonly podNodes = new Map<string, NodeInfo>();
  /** Every pod on a node, by key, and by each of its labels (`key\0value`): affinity and spreading look up only the pods a selector can match. */
  private readonly assignedPods = new Map<string, PodInfo>();
  private readonly podsByLabel = new Map<string, Set<PodInfo>>();
  private readonly assumed = new Set<string>();
  /** Pods with pod affinity terms / required anti-affinity terms: the only running pods whose own terms InterPodAffinity must read. */
  readonly podsWithAffinity = new Set<PodInfo>();
  readonly podsWithRequiredAntiAffinity = new Set<PodInfo>();

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
    return this.podNodes.get(key)?.name;
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

  /** Calls `fn` for each of `pods` still on an existing node, with that node. */
  forEachOnNode(pods: Iterable<PodInfo>, fn: (p: PodInfo, node: NodeInfo) => void): void {
    for (const p of pods) {
      const info = this.podNodes.get(p.key);
      if (info?.node && info.pods.get(p.key) === p) fn(p, info);
    }
  }

  /**
   * Calls `fn` for each pod on an existing node that `selector` may match, found through the
   * selector's most selective `key=value` requirement when it has one; the caller still checks the
   * selector (and namespaces). Pods a preemption dry run took off their node are left out.
   */
  forEachCandidate(selector: Selector, fn: (p: PodInfo, node: NodeInfo) => void): void {
    const reqs = selector.requirements();
    if (!reqs) return;
    let candidates: Iterable<PodInfo> = this.assignedPods.values();
    let smallest = Infinity;
    for (const r of reqs) {
      if (!((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1)) continue;
      const set = this.podsByLabel.get(`${r.key}\0${r.values[0]}`);
      if (!set) return;
      if (set.size < smallest) {
        smallest = set.size;
        candidates = set;
      }
    }
    this.forEachOnNode(candidates, fn);
  }

  private place(p: PodInfo, nodeName: string): void {
    const info = this.infoFor(nodeName);
    info.addPod(p);
    this.podNodes.set(p.key, info);
    this.assignedPods.set(p.key, p);
    for (const k of Object.keys(p.labels)) {
      const label = `${k}\0${p.labels[k]}`;
      let set = this.podsByLabel.get(label);
      if (!set) this.podsByLabel.set(label, (set = new Set()));
      set.add(p);
    }
    if (p.hasAffinity) this.podsWithAffinity.add(p);
    if (p.requiredAntiAffinityTerms.length) this.podsWithRequiredAntiAffinity.add(p);
  }

  private removePodByKey(key: string): void {
    const info = this.podNodes.get(key);
    if (info === undefined) return;
    this.podNodes.delete(key);
    const p = this.assignedPods.get(key);
    this.assignedPods.delete(key);
    if (p) {
      this.podsWithAffinity.delete(p);
      this.podsWithRequiredAntiAffinity.delete(p);
      for (const k of Object.keys(p.labels)) {
        const label = `${k}\0${p.labels[k]}`;
        const set = this.podsByLabel.get(label);
        set?.delete(p);
        if (set?.size === 0) this.podsByLabel.delete(label);
      }
    }
    info.removePod(key);
    if (!info.node && info.pods.size === 0 && !info.nominated) this.infos.delete(info.name);
  }

  private infoFor(name: string): NodeInfo {
    let info = this.infos.get(name);
    if (!info) this.infos.set(name, (info = new NodeInfo(name)));
    return info;
  }
}
