// The dashboard's copy of the cluster, as the extension's messages describe it: nodes, pods grouped
// by node (in arrival order, which decides which chips a full node shows), counts per phase and
// namespace kept as pods change, recent events and the phase history. Applying a message reports
// what the renderer must touch, so a frame redraws only the nodes that changed.
import {
  type EventSummary,
  type HostMessage,
  type NodeSummary,
  type PhaseSample,
  type PodChip,
  podPhases,
} from '../../extension/webviews/protocol/dashboard';

/** Pods not bound to a node yet are shown in a lane of their own under this key. */
export const unscheduled = '';

export interface Dirty {
  /** Node lanes (unscheduled included) whose card or chips must be redrawn. */
  readonly nodes: Set<string>;
  readonly removedNodes: Set<string>;
  /** Pods whose chip changed in place (phase, status, readiness) without changing node. */
  readonly pods: Set<string>;
  /** Pods gone from the cluster (their chips leave with a transition). */
  readonly removedPods: Set<string>;
  counts: boolean;
  events: boolean;
  history: boolean;
  /** A snapshot replaced everything. */
  reset: boolean;
}

export function noDirt(): Dirty {
  return { nodes: new Set(), removedNodes: new Set(), pods: new Set(), removedPods: new Set(), counts: false, events: false, history: false, reset: false };
}

export class DashboardState {
  readonly nodes = new Map<string, NodeSummary>();
  readonly pods = new Map<string, PodChip>();
  /** Pods per node lane by uid, in arrival order. */
  readonly podsByNode = new Map<string, Map<string, PodChip>>();
  /** Pods per phase (podPhases order) per namespace. */
  readonly countsByNamespace = new Map<string, number[]>();
  events: EventSummary[] = [];
  history: PhaseSample[] = [];
  nodeActions = false;

  constructor(
    private readonly maxEvents = 50,
    private readonly historyLength = 60,
  ) {}

  apply(message: HostMessage, dirty: Dirty): void {
    if (message.type === 'init') {
      this.nodes.clear();
      this.pods.clear();
      this.podsByNode.clear();
      this.countsByNamespace.clear();
      this.nodeActions = message.nodeActions;
      for (const node of message.nodes) this.nodes.set(node.name, node);
      for (const pod of message.pods) this.setPod(pod);
      this.events = message.events.slice(-this.maxEvents);
      this.history = message.history.slice(-this.historyLength);
      dirty.reset = true;
      return;
    }
    for (const node of message.nodes.updated) {
      this.nodes.set(node.name, node);
      dirty.nodes.add(node.name);
      dirty.removedNodes.delete(node.name);
    }
    for (const name of message.nodes.deleted) {
      this.nodes.delete(name);
      dirty.removedNodes.add(name);
      dirty.nodes.delete(name);
    }
    for (const pod of message.pods.updated) {
      const previous = this.pods.get(pod.uid);
      if (previous && previous.node !== pod.node) dirty.nodes.add(previous.node);
      if (!previous || previous.node !== pod.node) dirty.nodes.add(pod.node);
      else dirty.pods.add(pod.uid);
      dirty.removedPods.delete(pod.uid);
      this.setPod(pod);
    }
    for (const uid of message.pods.deleted) {
      const pod = this.pods.get(uid);
      if (!pod) continue;
      this.deletePod(pod);
      dirty.nodes.add(pod.node);
      dirty.pods.delete(uid);
      dirty.removedPods.add(uid);
    }
    if (message.pods.updated.length || message.pods.deleted.length) dirty.counts = true;
    if (message.events.length) {
      const byUid = new Map(this.events.map((e) => [e.uid, e]));
      for (const e of message.events) byUid.set(e.uid, e);
      this.events = [...byUid.values()].sort((a, b) => a.time - b.time).slice(-this.maxEvents);
      dirty.events = true;
    }
    if (message.samples.length) {
      this.history = [...this.history, ...message.samples].slice(-this.historyLength);
      dirty.history = true;
    }
  }

  /** Pods per phase in one namespace, or in all when namespace is undefined. */
  counts(namespace: string | undefined): readonly number[] {
    if (namespace !== undefined) return this.countsByNamespace.get(namespace) ?? podPhases.map(() => 0);
    const total = podPhases.map(() => 0);
    for (const counts of this.countsByNamespace.values()) counts.forEach((n, i) => (total[i]! += n));
    return total;
  }

  namespaces(): string[] {
    return [...this.countsByNamespace].filter(([, counts]) => counts.some((n) => n > 0)).map(([ns]) => ns).sort();
  }

  private setPod(pod: PodChip): void {
    const previous = this.pods.get(pod.uid);
    if (previous) this.deletePod(previous, previous.node === pod.node);
    this.pods.set(pod.uid, pod);
    let lane = this.podsByNode.get(pod.node);
    if (!lane) this.podsByNode.set(pod.node, (lane = new Map()));
    // Set on an existing key keeps its place: a pod that only changed phase keeps its chip's slot.
    lane.set(pod.uid, pod);
    let counts = this.countsByNamespace.get(pod.namespace);
    if (!counts) this.countsByNamespace.set(pod.namespace, (counts = podPhases.map(() => 0)));
    counts[podPhases.indexOf(pod.phase)]!++;
  }

  private deletePod(pod: PodChip, keepSlot = false): void {
    this.pods.delete(pod.uid);
    if (!keepSlot) {
      const lane = this.podsByNode.get(pod.node);
      lane?.delete(pod.uid);
      if (lane?.size === 0 && !this.nodes.has(pod.node)) this.podsByNode.delete(pod.node);
    }
    const counts = this.countsByNamespace.get(pod.namespace);
    if (counts) counts[podPhases.indexOf(pod.phase)]!--;
  }
}
