// The Cluster dashboard's data, free of `vscode`: a compact summary of each node and pod kept from
// the informer cache, turned into the protocol's `init` snapshot and, per cache batch, a `changes`
// message holding only what a viewer would see change. Pods by phase are sampled on the clock for
// the time chart.
import { podStatus } from '../../engine/http/printers';
import { addResourceList, computePodRequests, emptyResource } from '../../engine/scheduler/resources';
import type { Clock, Timer } from '../../engine/util/clock';
import type { Disposable, KubeObj } from '../backend/clusterBackend';
import type { CacheChange, ClusterCache } from '../cache/clusterCache';
import {
  type ChangesMessage,
  type EventSummary,
  type InitMessage,
  type NodeResources,
  type NodeSummary,
  type PhaseSample,
  type PodChip,
  type PodPhase,
  podPhases,
} from './protocol/dashboard';

export interface DashboardModelOptions {
  readonly clock: Clock;
  /** Whether the backend can change nodes (only the embedded cluster can). */
  readonly nodeActions: boolean;
  /** Nodes whose kubelet was stopped on purpose (NodeOperations.failed). */
  readonly failedNodes?: () => readonly string[];
  /** How often pods by phase are sampled for the chart (default 5 s). */
  readonly sampleMs?: number;
  /** Samples kept (default 60: five minutes at 5 s). */
  readonly historyLength?: number;
  /** Recent events kept (default 50). */
  readonly maxEvents?: number;
}

/** What a pod adds to its node's requested resources while it is bound and not finished. */
interface Allocation {
  readonly node: string;
  readonly cpu: number;
  readonly memory: number;
}

const controlPlaneLabel = 'node-role.kubernetes.io/control-plane';

export class DashboardModel implements Disposable {
  private readonly nodeObjects = new Map<string, KubeObj>();
  private readonly nodes = new Map<string, NodeSummary>();
  private readonly pods = new Map<string, PodChip>();
  private readonly allocations = new Map<string, Allocation>();
  /** Requested resources per node, kept as pods come and go so a summary never scans pods. */
  private readonly requested = new Map<string, { cpu: number; memory: number; pods: number }>();
  private readonly phaseCounts = podPhases.map(() => 0);
  /** Newest last, at most maxEvents. */
  private events: EventSummary[] = [];
  private readonly history: PhaseSample[] = [];
  private readonly listeners = new Set<(message: ChangesMessage) => void>();
  private readonly subscription: Disposable;
  private sampler: Timer | undefined;
  private readonly sampleMs: number;
  private readonly historyLength: number;
  private readonly maxEvents: number;

  constructor(
    cache: ClusterCache,
    private readonly options: DashboardModelOptions,
  ) {
    this.sampleMs = options.sampleMs ?? 5_000;
    this.historyLength = options.historyLength ?? 60;
    this.maxEvents = options.maxEvents ?? 50;
    for (const node of cache.list('nodes')) this.nodeObjects.set(node.metadata.name, node);
    for (const pod of cache.list('pods')) this.setPod(pod);
    for (const node of this.nodeObjects.keys()) this.nodes.set(node, this.summarize(node));
    this.addEvents(cache.list('events'));
    this.subscription = cache.onDidChange((changes) => this.apply(changes));
    this.sample();
  }

  snapshot(): InitMessage {
    return {
      type: 'init',
      nodes: [...this.nodes.values()],
      pods: [...this.pods.values()],
      events: [...this.events],
      history: [...this.history],
      nodeActions: this.options.nodeActions,
    };
  }

  /** Hears each change message: one per cache batch that changed what the dashboard shows, and one per sample. */
  onDidChange(listener: (message: ChangesMessage) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Re-reads a node's state that the cache does not carry (failed on purpose), e.g. after a node action. */
  refreshNode(name: string): void {
    const changed = this.resummarize(new Set([name]));
    if (changed.length) this.emit({ ...emptyChanges(), nodes: { updated: changed, deleted: [] } });
  }

  dispose(): void {
    this.subscription.dispose();
    this.sampler?.cancel();
    this.listeners.clear();
  }

  private apply(changes: readonly CacheChange[]): void {
    const dirtyNodes = new Set<string>();
    const deletedNodes = new Set<string>();
    /** The latest chip of each pod the batch touched; null once deleted. */
    const touchedPods = new Map<string, PodChip | null>();
    const events: KubeObj[] = [];
    for (const change of changes) {
      switch (change.kind) {
        case 'nodes': {
          const name: string = change.object.metadata.name;
          if (change.type === 'deleted') {
            this.nodeObjects.delete(name);
            if (this.nodes.delete(name)) deletedNodes.add(name);
            dirtyNodes.delete(name);
          } else {
            this.nodeObjects.set(name, change.object);
            deletedNodes.delete(name);
            dirtyNodes.add(name);
          }
          break;
        }
        case 'pods': {
          const uid: string = change.object.metadata.uid;
          const before = this.allocations.get(uid)?.node;
          if (before) dirtyNodes.add(before);
          if (change.type === 'deleted') {
            this.deletePod(uid);
            touchedPods.set(uid, null);
          } else {
            const previous = this.pods.get(uid);
            const chip = this.setPod(change.object);
            if (!previous || !sameChip(previous, chip)) touchedPods.set(uid, chip);
          }
          const after = this.allocations.get(uid)?.node;
          if (after) dirtyNodes.add(after);
          break;
        }
        case 'events':
          if (change.type !== 'deleted') events.push(change.object);
          break;
        default:
          break;
      }
    }
    for (const name of deletedNodes) this.requested.delete(name);
    const updatedNodes = this.resummarize(dirtyNodes);
    const newEvents = this.addEvents(events);
    const podsUpdated: PodChip[] = [];
    const podsDeleted: string[] = [];
    for (const [uid, chip] of touchedPods) {
      if (chip) podsUpdated.push(chip);
      else podsDeleted.push(uid);
    }
    if (updatedNodes.length || deletedNodes.size || podsUpdated.length || podsDeleted.length || newEvents.length) {
      this.emit({
        type: 'changes',
        nodes: { updated: updatedNodes, deleted: [...deletedNodes] },
        pods: { updated: podsUpdated, deleted: podsDeleted },
        events: newEvents,
        samples: [],
      });
    }
  }

  private setPod(pod: KubeObj): PodChip {
    const uid: string = pod.metadata.uid;
    this.deletePod(uid);
    const { ready, total, status } = podStatus(pod);
    const phase: PodPhase = podPhases.includes(pod.status?.phase) ? pod.status.phase : 'Unknown';
    const chip: PodChip = {
      uid,
      name: pod.metadata.name,
      namespace: pod.metadata.namespace ?? '',
      node: pod.spec?.nodeName ?? '',
      phase,
      status,
      ready: total > 0 && ready === total,
    };
    this.pods.set(uid, chip);
    this.phaseCounts[podPhases.indexOf(phase)]!++;
    // The scheduler counts a bound pod against its node until it has finished.
    if (chip.node && phase !== 'Succeeded' && phase !== 'Failed') {
      const { requests } = computePodRequests(pod as never);
      const allocation = { node: chip.node, cpu: requests.milliCPU, memory: requests.memory };
      this.allocations.set(uid, allocation);
      const total = this.requested.get(chip.node) ?? { cpu: 0, memory: 0, pods: 0 };
      total.cpu += allocation.cpu;
      total.memory += allocation.memory;
      total.pods++;
      this.requested.set(chip.node, total);
    }
    return chip;
  }

  private deletePod(uid: string): void {
    const chip = this.pods.get(uid);
    if (!chip) return;
    this.pods.delete(uid);
    this.phaseCounts[podPhases.indexOf(chip.phase)]!--;
    const allocation = this.allocations.get(uid);
    if (!allocation) return;
    this.allocations.delete(uid);
    const total = this.requested.get(allocation.node);
    if (!total) return;
    total.cpu -= allocation.cpu;
    total.memory -= allocation.memory;
    total.pods--;
  }

  /** Recomputes the summaries of these nodes; returns those that changed. */
  private resummarize(names: ReadonlySet<string>): NodeSummary[] {
    const changed: NodeSummary[] = [];
    for (const name of names) {
      if (!this.nodeObjects.has(name)) continue;
      const summary = this.summarize(name);
      const previous = this.nodes.get(name);
      if (previous && sameNode(previous, summary)) continue;
      this.nodes.set(name, summary);
      changed.push(summary);
    }
    return changed;
  }

  private summarize(name: string): NodeSummary {
    const node = this.nodeObjects.get(name)!;
    const allocatable = emptyResource();
    addResourceList(allocatable, node.status?.allocatable);
    const requested = this.requested.get(name) ?? { cpu: 0, memory: 0, pods: 0 };
    const ready = (node.status?.conditions ?? []).some((c: KubeObj) => c.type === 'Ready' && c.status === 'True');
    return {
      name,
      role: controlPlaneLabel in (node.metadata?.labels ?? {}) ? 'control-plane' : 'worker',
      ready,
      cordoned: !!node.spec?.unschedulable,
      failed: this.options.failedNodes?.().includes(name) ?? false,
      requested: { ...requested },
      allocatable: { cpu: allocatable.milliCPU, memory: allocatable.memory, pods: allocatable.allowedPodNumber },
    };
  }

  /** Keeps the newest events; returns the summaries of those given that are among them. */
  private addEvents(objects: readonly KubeObj[]): EventSummary[] {
    if (!objects.length) return [];
    const added = objects.map(summarizeEvent);
    const byUid = new Map(this.events.map((e) => [e.uid, e]));
    for (const e of added) byUid.set(e.uid, e);
    this.events = [...byUid.values()].sort((a, b) => a.time - b.time).slice(-this.maxEvents);
    const kept = new Set(this.events);
    return added.filter((e) => kept.has(e));
  }

  private sample(): void {
    this.history.push({ time: this.options.clock.now(), counts: [...this.phaseCounts] });
    if (this.history.length > this.historyLength) this.history.shift();
    if (this.history.length > 1) this.emit({ ...emptyChanges(), samples: [this.history[this.history.length - 1]!] });
    this.sampler = this.options.clock.setTimeout(() => this.sample(), this.sampleMs);
  }

  private emit(message: ChangesMessage): void {
    for (const listener of [...this.listeners]) listener(message);
  }
}

function emptyChanges(): ChangesMessage {
  return { type: 'changes', nodes: { updated: [], deleted: [] }, pods: { updated: [], deleted: [] }, events: [], samples: [] };
}

function summarizeEvent(e: KubeObj): EventSummary {
  const involved = e.involvedObject ?? {};
  const time = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return {
    uid: e.metadata?.uid ?? `${e.metadata?.namespace}/${e.metadata?.name}`,
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: e.message ?? '',
    kind: involved.kind ?? '',
    namespace: involved.namespace ?? '',
    name: involved.name ?? '',
    count: e.count ?? 1,
    time: Date.parse(time) || 0,
  };
}

function sameChip(a: PodChip, b: PodChip): boolean {
  return a.node === b.node && a.phase === b.phase && a.status === b.status && a.ready === b.ready && a.name === b.name;
}

const sameResources = (a: NodeResources, b: NodeResources) => a.cpu === b.cpu && a.memory === b.memory && a.pods === b.pods;

function sameNode(a: NodeSummary, b: NodeSummary): boolean {
  return a.role === b.role && a.ready === b.ready && a.cordoned === b.cordoned && a.failed === b.failed && sameResources(a.requested, b.requested) && sameResources(a.allocatable, b.allocatable);
}
