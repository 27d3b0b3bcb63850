// kube-scheduler: watches pods and nodes, keeps the node cache and the scheduling queue current,
// and schedules one pod at a time — a synchronous cycle over the cache, then an asynchronous
// binding through the API, many in flight — so a pod's placement is visible to the next cycle at
// once (it is "assumed") while its binding is still on the wire. A pod that fits nowhere gets
// PodScheduled=False and a FailedScheduling event, and waits for a cluster change that could help.
// After kube-scheduler's scheduler.go, schedule_one.go and eventhandlers.go.
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import type { StatusError } from '../api/errors';
import type { ApiClient } from '../apiserver/client';
import { EventRecorder } from '../client/eventRecorder';
import { Informer } from '../client/informer';
import { objectKey } from '../client/types';
import { type Clock, rfc3339 } from '../util/clock';
import type { ComponentLog } from '../util/klog';
import { Random } from '../util/random';
import { SchedulerCache } from './cache';
import { clusterEvent, FitError, Framework, PreBindError, type WeightedPlugin } from './framework';
import type { NodeInfo } from './nodeInfo';
import { newPodInfo, type PodInfo } from './podInfo';
import { defaultProfile } from './plugins/registry';
import type { QueuedPodInfo } from './queue';
import { SchedulingQueue } from './queue';
import { yieldToEventLoop } from '../util/eventLoop';

export const defaultSchedulerName = 'default-scheduler';

const podsResource = { group: '', version: 'v1', resource: 'pods' } as const;
const nodesResource = { group: '', version: 'v1', resource: 'nodes' } as const;
const claimsResource = { group: '', version: 'v1', resource: 'persistentvolumeclaims' } as const;
const volumesResource = { group: '', version: 'v1', resource: 'persistentvolumes' } as const;
const classesResource = { group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses' } as const;

export interface SchedulerOptions {
  /** A client authenticated as system:kube-scheduler. */
  client: ApiClient;
  clock: Clock;
  random?: Random;
  /** 0 or unset: kube-scheduler's adaptive share of nodes to find feasible before scoring. */
  percentageOfNodesToScore?: number;
  /** Where Scheduled, FailedScheduling and Preempted events go; by default, Events written through the API. */
  recorder?: Pick<EventRecorder, 'event'>;
  /** Pods whose spec.schedulerName is this are ours. */
  schedulerName?: string;
  /** The scheduler's own log (the kube-scheduler container's): events it had to drop. */
  log?: ComponentLog;
  profile?: WeightedPlugin[];
  /** Bindings allowed in flight before the scheduling loop waits for one to finish. */
  maxBindsInFlight?: number;
  /** Scheduling cycles between yields to the event loop, so informers and bindings keep moving. */
  cyclesPerYield?: number;
}

export interface SchedulerStats {
  attempts: number;
  scheduled: number;
  unschedulable: number;
  bindFailures: number;
  /** Pods deleted to make room for pods of higher priority. */
  preemptions: number;
  /** Nodes run through Filter, over all cycles. */
  evaluatedNodes: number;
}

function assigned(pod: Pod): boolean {
  return !!pod.spec?.nodeName;
}

function sameJSON(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  readonly stats: SchedulerStats = { attempts: 0, scheduled: 0, unschedulable: 0, bindFailures: 0, preemptions: 0, evaluatedNodes: 0 };
  private readonly client: ApiClient;
  private readonly clock: Clock;
  private readonly framework: Framework;
  private readonly recorder: Pick<EventRecorder, 'event'>;
  private readonly schedulerName: string;
  private readonly podInformer: Informer<Pod>;
  private readonly nodeInformer: Informer<Node>;
  private readonly claimInformer: Informer<PersistentVolumeClaim>;
  private readonly volumeInformer: Informer<PersistentVolume>;
  private readonly classInformer: Informer<StorageClass>;
  private readonly maxBindsInFlight: number;
  private readonly cyclesPerYield: number;
  private bindsInFlight = 0;
  private bindSlotWaiter: (() => void) | undefined;
  private started = false;
  private stopped = true;
  private loop: Promise<void> | undefined;

  constructor(options: SchedulerOptions) {
    this.client = options.client;
    this.clock = options.clock;
    this.schedulerName = options.schedulerName ?? defaultSchedulerName;
    this.recorder = options.recorder ?? new EventRecorder(options.client, options.clock, this.schedulerName, undefined, options.log);
    this.claimInformer = new Informer<PersistentVolumeClaim>(this.client.listerWatcher<PersistentVolumeClaim>(claimsResource, undefined, { trimManagedFields: true }), { clock: this.clock });
    this.volumeInformer = new Informer<PersistentVolume>(this.client.listerWatcher<PersistentVolume>(volumesResource, undefined, { trimManagedFields: true }), { clock: this.clock });
    this.classInformer = new Informer<StorageClass>(this.client.listerWatcher<StorageClass>(classesResource, undefined, { trimManagedFields: true }), { clock: this.clock });
    const volumes = {
      claims: { get: (namespace: string, name: string) => this.claimInformer.store.get(`${namespace}/${name}`) },
      volumes: { get: (name: string) => this.volumeInformer.store.get(name), list: () => this.volumeInformer.store.list() },
      classes: { get: (name: string) => this.classInformer.store.get(name) },
      client: this.client,
      clock: this.clock,
    };
    this.framework = new Framework(options.profile ?? defaultProfile(volumes), options.random ?? new Random(1), options.percentageOfNodesToScore);
    this.queue = new SchedulingQueue(options.clock);
    this.maxBindsInFlight = options.maxBindsInFlight ?? 1024;
    this.cyclesPerYield = options.cyclesPerYield ?? 32;
    // Terminal pods hold no resources: the informer does not see them, as kube-scheduler's does not.
    this.podInformer = new Informer<Pod>(this.client.listerWatcher<Pod>(podsResource, undefined, { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed', trimManagedFields: true }), { clock: this.clock });
    this.nodeInformer = new Informer<Node>(this.client.listerWatcher<Node>(nodesResource, undefined, { trimManagedFields: true }), { clock: this.clock });
    this.podInformer.addEventHandler({
      onAdd: (pod) => this.onPodAdd(pod),
      onUpdate: (old, pod) => this.onPodUpdate(old, pod),
      onDelete: (pod) => this.onPodDelete(pod),
    });
    this.nodeInformer.addEventHandler({
      onAdd: (node) => {
        this.cache.setNode(node);
        this.queue.moveOnEvent(clusterEvent.nodeAdd);
      },
      onUpdate: (old, node) => {
        this.cache.setNode(node);
        const event = nodeUpdateEvent(old, node);
        if (event) this.queue.moveOnEvent(event);
      },
      onDelete: (node) => this.cache.removeNode(node.metadata?.name ?? ''),
    });
    this.claimInformer.addEventHandler({
      onAdd: () => this.queue.moveOnEvent(clusterEvent.pvcChange),
      onUpdate: () => this.queue.moveOnEvent(clusterEvent.pvcChange),
    });
    this.volumeInformer.addEventHandler({
      onAdd: () => this.queue.moveOnEvent(clusterEvent.pvChange),
      onUpdate: () => this.queue.moveOnEvent(clusterEvent.pvChange),
    });
    this.classInformer.addEventHandler({
      onAdd: () => this.queue.moveOnEvent(clusterEvent.storageClassChange),
      onUpdate: () => this.queue.moveOnEvent(clusterEvent.storageClassChange),
    });
  }

  /** Starts the informers, waits until all have listed, then starts scheduling. */
  async start(): Promise<void> {
    if (this.started) {
      if (this.stopped) throw new Error('a stopped Scheduler cannot be started again');
      return;
    }
    this.started = true;
    this.stopped = false;
    this.nodeInformer.start();
    this.claimInformer.start();
    this.volumeInformer.start();
    this.classInformer.start();
    this.podInformer.start();
    await Promise.all([this.nodeInformer, this.claimInformer, this.volumeInformer, this.classInformer, this.podInformer].map((i) => i.waitForSync()));
    if (this.stopped) return;
    this.loop = this.run();
  }

  /** Stops watching and scheduling; bindings in flight finish. A stopped Scheduler is not restarted: make a new one. */
  stop(): void {
    this.stopped = true;
    this.podInformer.stop();
    this.nodeInformer.stop();
    this.claimInformer.stop();
    this.volumeInformer.stop();
    this.classInformer.stop();
    this.queue.close();
    this.bindSlotWaiter?.();
  }

  /** Resolves once the scheduling loop has ended after stop(). */
  async whenStopped(): Promise<void> {
    await this.loop;
  }

  private responsibleFor(pod: Pod): boolean {
    return (pod.spec?.schedulerName ?? defaultSchedulerName) === this.schedulerName && !pod.metadata?.deletionTimestamp;
  }

  // ---- informer events ----

  private onPodAdd(pod: Pod): void {
    if (assigned(pod)) {
      this.queue.delete(objectKey(pod));
      this.cache.addPod(pod);
      this.queue.moveOnEvent(clusterEvent.assignedPodAdd);
    } else if (this.responsibleFor(pod)) {
      const info = newPodInfo(pod);
      this.cache.setNominated(info, pod.status?.nominatedNodeName);
      this.queue.add(info);
    }
  }

  private onPodUpdate(old: Pod, pod: Pod): void {
    const key = objectKey(pod);
    if (assigned(pod)) {
      // Bound: by us (confirming the assumed pod) or by someone else.
      this.queue.delete(key);
      if (!assigned(old)) this.cache.setNominated(newPodInfo(old), undefined);
      this.cache.addPod(pod);
      if (!assigned(old)) this.queue.moveOnEvent(clusterEvent.assignedPodAdd);
      else if (!sameJSON(old.metadata?.labels, pod.metadata?.labels)) this.queue.moveOnEvent(clusterEvent.assignedPodUpdate);
    } else if (this.responsibleFor(pod)) {
      const specChanged = !sameJSON(old.spec, pod.spec) || !sameJSON(old.metadata?.labels, pod.metadata?.labels);
      const info = newPodInfo(pod);
      this.cache.setNominated(info, pod.status?.nominatedNodeName);
      this.queue.update(info, specChanged);
    } else {
      this.queue.delete(key);
      this.cache.setNominated(newPodInfo(pod), undefined);
    }
  }

  private onPodDelete(pod: Pod): void {
    const key = objectKey(pod);
    this.queue.delete(key);
    if (!assigned(pod)) this.cache.setNominated(newPodInfo(pod), undefined);
    if (this.cache.nodeOf(key) !== undefined) {
      this.cache.removePod(pod);
      this.queue.moveOnEvent(clusterEvent.assignedPodDelete);
    }
  }

  // ---- the scheduling loop ----

  private async run(): Promise<void> {
    let cycles = 0;
    while (!this.stopped) {
      const q = this.queue.pop();
      if (!q) {
        await this.queue.wait();
        continue;
      }
      this.scheduleOne(q);
      if (++cycles >= this.cyclesPerYield) {
        cycles = 0;
        await yieldToEventLoop();
      }
      if (this.bindsInFlight >= this.maxBindsInFlight) await new Promise<void>((resolve) => { this.bindSlotWaiter = resolve; });
    }
  }

  private scheduleOne(q: QueuedPodInfo): void {
    this.stats.attempts++;
    const result = this.framework.schedulePod(q.info, this.cache);
    if (result instanceof Error) return this.handleSchedulingFailure(q, result);
    this.stats.evaluatedNodes += result.evaluatedNodes;
    // Assume: the next cycle already sees the pod on its node while the binding is in flight.
    this.cache.assumePod(q.info, result.node.name);
    this.bindsInFlight++;
    void this.bind(q, result.node);
  }

  /** PreBind (the pod's volumes), then DefaultBinder: POST pods/<name>/binding. */
  private async bind(q: QueuedPodInfo, node: NodeInfo): Promise<void> {
    const { pod, key, namespace, name } = q.info;
    const nodeName = node.name;
    try {
      await this.framework.runPreBind(q.info, node);
      await this.client.create(podsResource, namespace, { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, ...(pod.metadata?.uid ? { uid: pod.metadata.uid } : {}) }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } }, {}, { name, subresource: 'binding' });
      this.stats.scheduled++;
      this.queue.done(key);
      this.recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${nodeName}`);
    } catch (err) {
      this.stats.bindFailures++;
      this.cache.forgetPod(key);
      const code = (err as StatusError).code;
      if (code === 404 || code === 409) {
        // Deleted, being deleted, or bound by someone else: the informer tells the rest.
        this.queue.done(key);
      } else {
        this.recorder.event(pod, 'Warning', 'FailedScheduling', err instanceof PreBindError ? err.message : `Binding rejected: ${(err as Error).message}`);
        this.queue.addBackoff(q);
      }
    } finally {
      this.bindsInFlight--;
      const w = this.bindSlotWaiter;
      this.bindSlotWaiter = undefined;
      w?.();
    }
  }

  private handleSchedulingFailure(q: QueuedPodInfo, err: Error): void {
    this.stats.unschedulable++;
    const interest = err instanceof FitError ? this.framework.interestOf(err.rejectors) : clusterEvent.nodeAdd;
    this.queue.addUnschedulable(q, interest);
    const pod = this.podInformer.store.get(q.info.key) ?? q.info.pod;
    const nominated = err instanceof FitError ? err.postFilter?.nominatedNodeName : undefined;
    if (err instanceof FitError && nominated) this.preempt(q.info.pod, nominated, err.postFilter?.victims ?? []);
    this.recorder.event(pod, 'Warning', 'FailedScheduling', err.message);
    void this.setUnschedulableCondition(pod, err.message, nominated);
  }

  /** Deletes the victims a preemption chose; the pod waits, nominated to the node, for them to go. */
  private preempt(preemptor: Pod, nodeName: string, victims: readonly PodInfo[]): void {
    this.cache.setNominated(newPodInfo({ ...preemptor, status: { ...preemptor.status, nominatedNodeName: nodeName } }), nodeName);
    for (const victim of victims) {
      this.stats.preemptions++;
      this.recorder.event(victim.pod, 'Normal', 'Preempted', `Preempted by pod ${preemptor.metadata?.uid ?? ''} on node ${nodeName}`);
      this.client.delete(podsResource, victim.namespace, victim.name).catch(() => undefined);
    }
  }

  /**
   * PodScheduled=False, reason Unschedulable, through the status subresource, with the node a
   * preemption nominated ('' clears it); unchanged conditions are not rewritten.
   */
  private async setUnschedulableCondition(pod: Pod, message: string, nominatedNodeName?: string): Promise<void> {
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const nominationChanges = nominatedNodeName !== undefined && nominatedNodeName !== (pod.status?.nominatedNodeName ?? '');
    if (current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message && !nominationChanges) return;
    const now = rfc3339(this.clock.now());
    const lastTransitionTime = current?.status === 'False' && current.lastTransitionTime ? current.lastTransitionTime : now;
    const condition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime };
    const status: Record<string, unknown> = { conditions: [condition] };
    if (nominationChanges) status.nominatedNodeName = nominatedNodeName || null;
    try {
      await this.client.patch(podsResource, pod.metadata?.namespace, pod.metadata?.name ?? '', 'strategic', { status }, {}, 'status');
    } catch {
      // The pod is gone or was bound meanwhile; the informer brings the news.
    }
  }
}

/** Which cluster events a node update amounts to (none for heartbeats and condition changes). */
function nodeUpdateEvent(old: Node, node: Node): number {
  let event = 0;
  if (!sameJSON(old.status?.allocatable, node.status?.allocatable)) event |= clusterEvent.nodeAllocatableChange;
  if (!sameJSON(old.metadata?.labels, node.metadata?.labels)) event |= clusterEvent.nodeLabelChange;
  if (!sameJSON(old.spec?.taints, node.spec?.taints)) event |= clusterEvent.nodeTaintChange;
  if ((old.spec?.unschedulable ?? false) !== (node.spec?.unschedulable ?? false)) event |= clusterEvent.nodeSpecUnschedulableChange;
  return event;
}
