// The node lifecycle controller (pkg/controller/nodelifecycle): watches every node's heartbeats (its
// Lease in kube-node-lease and its Ready condition). A node silent for nodeMonitorGracePeriod has
// its conditions set to Unknown ("Kubelet stopped posting node status."), its pods marked not
// ready, and the `node.kubernetes.io/unreachable` taints; a node reporting NotReady gets the
// `not-ready` taints. Both go again once the node is Ready. The NoExecute taints are what the taint
// eviction controller acts on. Its events, from `node-controller`, are those `kubectl describe node`
// shows: RegisteredNode for every node it comes to know (each time a new leader starts), NodeNotReady
// when a Ready node falls silent (and on each of its pods it marks not ready), RemovingNode.
import type { Obj } from '../apiserver/registry/strategy';
import { deepEqual } from '../api/patch/jsonValue';
import type { EventRecorder } from '../client/eventRecorder';
import { Controller, type ControllerContext, isNotFound, timestamp } from './runtime/controller';
import { indexes, resources } from './runtime/sharedInformerFactory';

/** --node-monitor-period. */
export const nodeMonitorPeriodMs = 5_000;
/** --node-monitor-grace-period (50 s since Kubernetes 1.32). */
export const nodeMonitorGracePeriodMs = 50_000;
/** --node-startup-grace-period: a node that never reported Ready gets this long. */
export const nodeStartupGracePeriodMs = 60_000;

export const taintNotReady = 'node.kubernetes.io/not-ready';
export const taintUnreachable = 'node.kubernetes.io/unreachable';
const monitoredConditions = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** What the controller last saw of a node's heartbeats, by its own clock (nodeHealthData). */
interface NodeHealth {
  probeTimestamp: number;
  heartbeat: string;
}

export class NodeLifecycleController extends Controller {
  readonly name = 'node-lifecycle-controller';
  private readonly nodes;
  private readonly leases;
  private readonly pods;
  private readonly health = new Map<string, NodeHealth>();
  /** The nodes this controller has registered (knownNodeSet). */
  private readonly known = new Set<string>();
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext) {
    super(ctx);
    this.recorder = ctx.recorder('node-controller');
    this.nodes = ctx.informers.informerFor(resources.nodes);
    this.leases = ctx.informers.informerFor(resources.leases);
    this.pods = ctx.informers.informerFor(resources.pods);
    const removed = (n: Obj) => {
      this.health.delete(n.metadata.name);
      if (this.known.delete(n.metadata.name)) this.nodeEvent(n, 'RemovingNode', `Removing Node ${n.metadata.name} from Controller`);
    };
    this.nodes.addEventHandler({ onAdd: (n) => this.enqueue(n), onUpdate: (_o, n) => this.enqueue(n), onDelete: removed });
    // monitorNodeHealth runs every nodeMonitorPeriod, whatever the watch says.
    this.every(nodeMonitorPeriodMs, () => { for (const node of this.nodes.store.list()) this.enqueue(node); });
  }

  async sync(key: string): Promise<void> {
    const cached = this.nodes.store.get(key);
    if (!cached) return;
    let node = cached;
    if (!this.known.has(key)) {
      this.known.add(key);
      this.nodeEvent(node, 'RegisteredNode', `Registered Node ${key} in Controller`);
    }
    const now = this.ctx.clock.now();
    const ready = (node.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');
    const lease = this.leases.store.get(`kube-node-lease/${key}`);
    // Any change of heartbeat, seen by this controller's own clock, proves the node alive.
    const heartbeat = `${ready?.lastHeartbeatTime ?? ''}|${ready?.status ?? ''}|${lease?.spec?.renewTime ?? ''}`;
    const seen = this.health.get(key);
    if (!seen || seen.heartbeat !== heartbeat) this.health.set(key, { probeTimestamp: now, heartbeat });
    const probe = this.health.get(key)!.probeTimestamp;
    const grace = ready ? nodeMonitorGracePeriodMs : nodeStartupGracePeriodMs;

    if (now > probe + grace && ready?.status !== 'Unknown') {
      node = await this.markUnknown(node);
      this.health.set(key, { probeTimestamp: probe, heartbeat: `${(node.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready')?.lastHeartbeatTime ?? ''}|Unknown|${lease?.spec?.renewTime ?? ''}` });
    }
    const status = (node.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready')?.status;
    // RecordNodeStatusChange, once, when the node was Ready as its kubelet last said and is no longer.
    if (ready?.status === 'True' && status !== 'True') {
      this.recorder.event(nodeRef(node), 'Normal', 'NodeNotReady', `Node ${key} status is now: NodeNotReady`);
    }
    await this.syncTaints(node, status);
    if (status && status !== 'True') await this.markPodsNotReady(key);
  }

  /** tryUpdateNodeHealth: every condition the kubelet reports becomes Unknown. */
  private async markUnknown(node: Obj): Promise<Obj> {
    const now = timestamp(this.ctx.clock);
    const conditions: Obj[] = [...(node.status?.conditions ?? [])];
    for (const type of monitoredConditions) {
      const i = conditions.findIndex((c) => c.type === type);
      const unknown = { type, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: conditions[i]?.lastHeartbeatTime ?? node.metadata.creationTimestamp, lastTransitionTime: now };
      if (i < 0) conditions.push({ ...unknown, reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
      else if (conditions[i]!.status !== 'Unknown') conditions[i] = unknown;
    }
    try {
      return (await this.ctx.client.update(resources.nodes, undefined, { ...node, status: { ...node.status, conditions } }, {}, 'status')).object;
    } catch (err) {
      if (isNotFound(err)) return node;
      throw err;
    }
  }

  /** RecordNodeEvent: `Node <name> event: <what>` about the node. */
  private nodeEvent(node: Obj, reason: string, what: string): void {
    this.recorder.event(nodeRef(node), 'Normal', reason, `Node ${node.metadata.name} event: ${what}`);
  }

  /** The not-ready / unreachable taints (NoSchedule and NoExecute) that match the Ready condition. */
  private async syncTaints(node: Obj, ready: string | undefined): Promise<void> {
    const managed = new Set([taintNotReady, taintUnreachable]);
    const keep = (node.spec?.taints ?? []).filter((t: Obj) => !managed.has(t.key));
    const wantKey = ready === 'False' ? taintNotReady : ready === 'Unknown' ? taintUnreachable : undefined;
    const existing = (node.spec?.taints ?? []).filter((t: Obj) => managed.has(t.key));
    const now = timestamp(this.ctx.clock);
    const want = wantKey
      ? ['NoSchedule', 'NoExecute'].map((effect) => existing.find((t: Obj) => t.key === wantKey && t.effect === effect) ?? { key: wantKey, effect, ...(effect === 'NoExecute' ? { timeAdded: now } : {}) })
      : [];
    if (deepEqual(existing, want)) return;
    const taints = [...keep, ...want];
    try {
      await this.ctx.client.patch(resources.nodes, undefined, node.metadata.name, 'merge', { spec: { taints: taints.length ? taints : null } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** MarkPodsNotReady: the node cannot report on its pods any more, so none of them is ready. */
  private async markPodsNotReady(nodeName: string): Promise<void> {
    const now = timestamp(this.ctx.clock);
    for (const pod of this.pods.store.byIndex(indexes.nodeName, nodeName)) {
      const conditions: Obj[] = pod.status?.conditions ?? [];
      const ready = conditions.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      const next = conditions.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: now } : c));
      try {
        await this.ctx.client.update(resources.pods, pod.metadata.namespace, { ...pod, status: { ...pod.status, conditions: next } }, {}, 'status');
      } catch (err) {
        if (!isNotFound(err) && (err as { code?: number }).code !== 409) throw err;
        continue;
      }
      // Recorded once the update went through, so that the pod still exists.
      this.recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
    }
  }
}

/** The reference node events are about: a Node has no namespace (its events go to `default`). */
function nodeRef(node: Obj): Obj {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: node.metadata.name, uid: node.metadata.uid } };
}
