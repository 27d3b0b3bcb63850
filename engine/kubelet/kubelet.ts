// The node agent: registers its Node, heartbeats through a Lease and NodeStatus, and runs the pods
// bound to it through the container runtime — init containers in order, then sidecars and app
// containers, restarts with back-off, probes, graceful termination — reporting each pod's status
// through pods/status. It is a client of the API server as `system:node:<name>`, nothing more.
// See https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/
import type { Container, ContainerStatus, Pod, Probe, Volume } from 'kubernetes-types/core/v1';
import { StatusError, statusErrors } from '../api/errors';
import { withoutManagedFields } from '../api/meta/managedFields';
import { deepEqual, shallowCopy } from '../api/patch/jsonValue';
import { Quantity } from '../api/quantity';
import type { ApiClient } from '../apiserver/client';
import type { ContainerProcess, ContainerStreams, PodConnection } from '../apiserver/apiserver';
import type { Obj } from '../apiserver/registry/strategy';
import { Informer } from '../client/informer';
import { objectKey } from '../client/types';
import { runWorkers, WorkQueue } from '../client/workqueue';
import { EventRecorder } from '../client/eventRecorder';
import type { NodeNetwork } from '../network/podNetwork';
import { matchesRequiredNodeAffinity, requiredNodeAffinity } from '../scheduler/plugins/nodeAffinity';
import { type Clock, rfc3339, rfc3339Micro, rfc3339Nano, type Timer } from '../util/clock';
import { type ComponentLog, structured } from '../util/klog';
import { Random } from '../util/random';
import { Backoff } from './backoff';
import { behaviorOf, commandDurationMs, startupError } from './behavior';
import { containerEnv, expand } from './containerEnv';
import { containerFiles, type ProjectedTokenSource, subPathFiles, type VolumeNotReady, volumeFiles, writtenVolume } from './containerFiles';
import { TokenManager } from './tokenManager';
import type { LogOptions } from './containerLog';
import { defaultNodeCapacity, initialNode, type NodeCapacity, type NodeIdentity, nodeStatus } from './nodeStatus';
import type { ContainerKind, ContainerRecord, PodRecord } from './podRecord';
import { podStatus } from './podStatus';
import { ProbeWorker } from './prober';
import { StatusManager } from './statusManager';
import type { DnsAnswer, HttpOutcome } from './execCommand';
import { type ContainerRuntime, type ContainerView, type MountedVolume, SimulatedRuntime } from './runtime';
import { type KubeletAnswer, KubeletJournal, serveKubelet } from './kubeletServer';
import { type NodeUsage, usageSummary } from './usage';
import type { Disk, VolumeDisks } from './volumeDisks';
import { pace } from '../util/eventLoop';
import { isMirrorPod } from '../api/meta/mirrorPods';
import { staticPods } from './staticPods';

/** The persistent volumes of a container that mounts none (most): one empty map for all. */
const noDisks: ReadonlyMap<string, Disk> = new Map();

const core = { group: '', version: 'v1' } as const;
const podsResource = { ...core, resource: 'pods' };
const csiNodesResource = { group: 'storage.k8s.io', version: 'v1', resource: 'csinodes' };
/** The in-tree volume plugins migrated to CSI drivers, as the kubelet lists them on its CSINode. */
const migratedInTreePlugins = ['kubernetes.io/aws-ebs', 'kubernetes.io/azure-disk', 'kubernetes.io/azure-file', 'kubernetes.io/cinder', 'kubernetes.io/gce-pd', 'kubernetes.io/portworx-volume', 'kubernetes.io/vsphere-volume'];
const nodesResource = { ...core, resource: 'nodes' };
const leasesResource = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };

export interface KubeletOptions {
  nodeName: string;
  /** A client authenticated as `system:node:<nodeName>`. */
  client: ApiClient;
  clock: Clock;
  random?: Random;
  network: NodeNetwork;
  disks: VolumeDisks;
  runtime?: ContainerRuntime;
  capacity?: NodeCapacity;
  controlPlane?: boolean;
  labels?: Record<string, string>;
  /** Lease renewal period (kubelet: a quarter of the 40 s lease, 10 s), plus up to 4% jitter each round. */
  leaseRenewIntervalMs?: number;
  /** How often the node status is computed (--node-status-update-frequency, 10 s), plus up to 4% jitter each round. */
  nodeStatusUpdateFrequencyMs?: number;
  /** How often an unchanged node status is still posted (--node-status-report-frequency, 5 min). */
  nodeStatusReportFrequencyMs?: number;
  /** How many pod workers sync pods concurrently. */
  workers?: number;
  /**
   * What a pod's processes send into the cluster network: HTTP requests (a `curl` in an exec) and
   * DNS queries (`nslookup`); absent, pods have no network to send on.
   */
  podTraffic?: {
    request(from: { namespace: string; name: string }, method: string, url: string, body?: { contentType?: string; data: string }): HttpOutcome;
    lookup(from: { namespace: string; name: string }, name: string): DnsAnswer;
  };
}

export const nodeLeaseNamespace = 'kube-node-lease';
const leaseDurationSeconds = 40;
/**
 * The kubelet's heartbeat loops (the lease controller's renewals, syncNodeStatus) run under
 * wait.JitterUntil with this factor: each wait is the period plus up to 4% of it, drawn anew, so
 * thousands of nodes that started together drift apart instead of writing on the same tick.
 */
const heartbeatJitterFactor = 0.04;
/** The pod worker's retry after a failed sync (pkg/kubelet: backOffPeriod). */
const syncRetryMs = 10_000;
/** How long a Secret or ConfigMap read stays fresh enough to reuse. */
const objectCacheTTLMs = 1_000;
/** The volume manager retries a failed mount about this often. */
const mountRetryMs = 2_000;
/**
 * A pod worker syncs its pod again this long after each sync (--sync-frequency, 1 min), plus up to
 * half of it (workerResyncIntervalJitterFactor): the periodic sync that rewrites ConfigMap, Secret,
 * downward API and projected volumes.
 */
const podResyncMs = 60_000;
const podResyncJitterFactor = 0.5;
/** How soon a mirror pod the API refused or lost is made again. */
const mirrorPodRetryMs = 1_000;

export class Kubelet {
  readonly nodeName: string;
  readonly runtime: ContainerRuntime;
  private readonly client: ApiClient;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly network: NodeNetwork;
  private readonly disks: VolumeDisks;
  private readonly identity: NodeIdentity;
  private readonly options: KubeletOptions;
  private readonly records = new Map<string, PodRecord>();
  private readonly keyByUid = new Map<string, string>();
  private readonly objectCache = new Map<string, { at: number; obj: Obj }>();
  /** The files last written into a volume of a pod of each namespace, for other pods to share (shareFiles). */
  private readonly lastWrittenFiles = new Map<string, ReadonlyMap<string, string>>();
  private readonly recorder: EventRecorder;
  /** The service account tokens of projected volumes, fetched bound to their pods. */
  private readonly tokens: TokenManager;
  private readonly crashBackoff = new Backoff();
  private readonly imageBackoff = new Backoff();
  /** When each container's last image pull failed (the ImagePullBackOff clock starts there). */
  private readonly pullFailures = new Map<string, number>();
  private informer: Informer<Pod & Obj> | undefined;
  private queue: WorkQueue<string> | undefined;
  private timers: Timer[] = [];
  private readonly startListeners: ((namespace: string, podName: string, containerName: string, image: string) => void)[] = [];
  /** The timer for the earliest periodic pod sync due (scheduleResync). */
  private resyncTimer: { at: number; timer: Timer } | undefined;
  private running = false;
  /** When this start of the kubelet began: its usage summary covers whole windows since then. */
  private startedAt = 0;
  private nodeUid = '';
  /**
   * The Lease as last written: renewals start from it, as the lease controller's latestLease. It is
   * kept without managedFields, which the updates leave to the server.
   */
  private latestLease: Obj | undefined;
  /**
   * What this kubelet uses of the Node as it last wrote it: its uid and labels. Not the whole
   * object: a status update carries only the status, built on `lastNodeStatus`, and with thousands
   * of nodes a copy of each Node in its kubelet would be most of what a kubelet holds.
   */
  private latestNode: { uid: string; labels: Readonly<Record<string, string>> } | undefined;
  /** Draws the heartbeat jitter; apart from `random` so that jitter does not shift the runtime's ids. */
  private readonly jitter: Random;
  private lastNodeStatus: Obj | undefined;
  private lastNodeReport = 0;
  /** Node conditions reported as events since this start. */
  private readonly reportedConditions = new Map<string, string>();
  /** Status writes waiting for the next batch: pod key → status. */
  private readonly statusManager: StatusManager;
  /** Counters for tests and benchmarks. */
  private readonly counters = { syncs: 0, leaseRenewals: 0, nodeStatusWrites: 0 };
  /** The kubelet's log, as journald keeps it on the node; read through the node log query. */
  private readonly journal = new KubeletJournal(() => this.clock.now());
  private readonly log: ComponentLog = this.journal;

  constructor(options: KubeletOptions) {
    this.options = options;
    this.nodeName = options.nodeName;
    this.client = options.client;
    this.clock = options.clock;
    this.random = options.random ?? new Random(1);
    this.network = options.network;
    this.disks = options.disks;
    this.runtime = options.runtime ?? new SimulatedRuntime({ clock: this.clock, random: this.random });
    const hex = () => this.random.next().toString(16).padStart(8, '0');
    this.identity = {
      name: options.nodeName,
      internalIP: options.network.internalIP,
      podCIDR: options.network.podCIDR,
      controlPlane: !!options.controlPlane,
      capacity: options.capacity ?? defaultNodeCapacity,
      ...(options.labels ? { labels: options.labels } : {}),
      machineID: hex() + hex() + hex() + hex(),
      bootID: '',
      containerRuntimeVersion: this.runtime.version,
    };
    // Seeded from the (seeded) machine id and the node's name: a run replays, and each node draws its own sequence.
    this.jitter = new Random(Number.parseInt(this.identity.machineID.slice(0, 8), 16) ^ fnv1a(options.nodeName));
    this.recorder = new EventRecorder(options.client, options.clock, 'kubelet', options.nodeName);
    this.statusManager = new StatusManager(options.client, options.clock);
    this.tokens = new TokenManager(options.client, options.clock);
    this.runtime.onContainerExit((status) => {
      const key = this.keyByUid.get(status.podUid);
      if (key) this.queue?.add(key);
    });
  }

  /** Counters for tests and benchmarks. */
  get stats(): { syncs: number; statusWrites: number; leaseRenewals: number; nodeStatusWrites: number } {
    return { ...this.counters, statusWrites: this.statusManager.writes };
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Registers the node, starts heartbeats and starts running the pods bound to it. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.startedAt = this.clock.now();
    this.statusManager.start();
    const b = () => this.random.next().toString(16).padStart(8, '0');
    // Every start of the kubelet is a boot of the node.
    this.identity.bootID = `${b()}-${b().slice(0, 4)}-${b().slice(0, 4)}-${b().slice(0, 4)}-${b()}${b().slice(0, 4)}`;
    this.reportedConditions.clear();
    this.log.write('I', 'kubelet_node_status.go:75', structured('Attempting to register node', { node: this.nodeName }));
    const registered = await this.registerNode();
    this.log.write('I', 'kubelet_node_status.go:78', structured('Successfully registered node', { node: this.nodeName }));
    this.latestNode = nodeRecord(registered.node);
    // The CSI plugin manager's own start: not waited for, as it runs beside the node's registration.
    void this.ensureCSINode();
    this.recorder.event(this.nodeRef(), 'Normal', 'Starting', 'Starting kubelet.');
    this.recorder.event(this.nodeRef(), 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
    if (registered.withStatus) this.reportedStatus(registered.withStatus, this.clock.now());
    this.latestLease = undefined;
    await this.renewLease();
    // A Node found from an earlier start still has that start's status: report this one's now.
    if (!registered.withStatus) await this.updateNodeStatus(true);
    this.every(this.options.leaseRenewIntervalMs ?? 10_000, () => this.renewLease(), { source: 'controller.go:145', message: 'Failed to update lease' });
    this.every(this.options.nodeStatusUpdateFrequencyMs ?? 10_000, () => this.updateNodeStatus(false), { source: 'kubelet_node_status.go:549', message: 'Error updating node status, will retry' });

    const queue = new WorkQueue<string>(this.clock, { baseDelayMs: 1000, maxDelayMs: 60_000 });
    this.queue = queue;
    const informer = new Informer<Pod & Obj>(this.client.listerWatcher(podsResource, undefined, { fieldSelector: `spec.nodeName=${this.nodeName}`, trimManagedFields: true }), { clock: this.clock });
    this.informer = informer;
    informer.addEventHandler({
      onAdd: (pod) => queue.add(objectKey(pod)),
      // The kubelet's own status writes come back as updates: only a change of what it acts on
      // (spec, metadata, deletion) needs a sync, as the kubelet's pod config source filters them.
      onUpdate: (old, pod) => {
        const key = objectKey(pod);
        this.statusManager.observed(key, pod.status);
        if (podsDifferSemantically(old, pod) || readinessGateChanged(old, pod)) queue.add(key);
      },
      onDelete: (pod) => {
        queue.add(objectKey(pod));
        // A static pod runs whatever happens to its mirror: the kubelet makes the mirror again.
        if (this.options.controlPlane && isMirrorPod(pod)) this.clock.setTimeout(() => void this.ensureMirrorPods(), mirrorPodRetryMs);
      },
    });
    informer.start();
    await informer.waitForSync();
    if (this.options.controlPlane) void this.ensureMirrorPods();
    // Syncs are synchronous and the queue hands keys over through promises: unpaced, thousands of
    // pods over every node would be synced in one turn of the event loop.
    void runWorkers(queue, this.options.workers ?? 4, async (key) => {
      const turn = pace();
      if (turn) await turn;
      this.syncPod(key);
    });
  }

  /**
   * Creates the mirror pods of this control-plane node's static pods that the API does not have,
   * as the kubelet's mirror client does for each static pod it runs; tries again shortly when the
   * API refuses.
   */
  private async ensureMirrorPods(): Promise<void> {
    if (!this.running) return;
    try {
      const uid = this.latestNode?.uid ?? this.client.get(nodesResource, undefined, this.nodeName).metadata.uid;
      const seen = rfc3339Nano(this.clock.now());
      for (const pod of staticPods({ name: this.nodeName, uid, ip: this.network.internalIP }, seen)) {
        if (this.informer?.store.get(`kube-system/${pod.metadata.name}`)) continue;
        try {
          await this.client.create(podsResource, 'kube-system', pod);
        } catch (err) {
          if (!(err instanceof StatusError && err.code === 409)) throw err;
        }
      }
    } catch {
      // The Node is not there yet or the API refused: the mirror client tries again shortly.
      if (this.running) this.clock.setTimeout(() => void this.ensureMirrorPods(), mirrorPodRetryMs);
    }
  }

  /**
   * Stops the kubelet as a node losing power does: no more heartbeats or status, and every
   * container dies with it. The pods stay bound to the node in the API until something acts.
   */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers) t.cancel();
    this.timers = [];
    this.resyncTimer?.timer.cancel();
    this.resyncTimer = undefined;
    this.informer?.stop();
    this.queue?.shutDown();
    this.queue = undefined;
    for (const rec of [...this.records.values()]) {
      this.teardown(rec, true);
      this.forget(rec, false);
    }
    this.statusManager.stop();
    this.objectCache.clear();
  }

  /** Waits until queued status writes are in the API server. */
  flushStatus(): Promise<void> {
    return this.statusManager.flush();
  }

  /** Waits until the events recorded so far are written. */
  flushEvents(): Promise<void> {
    return this.recorder.flush();
  }

  /**
   * A container's log, as the pods/log subresource serves it. Errors are what kube-apiserver
   * answers for the same request (400 for a container that has not started, 404 for unknown ones).
   */
  logs(namespace: string, podName: string, containerName: string | undefined, options: LogOptions = {}): string {
    const id = this.logContainer(namespace, podName, containerName, options);
    return this.runtime.readLog(id, options);
  }

  /**
   * `kubectl logs -f`: the log so far (as `options` select it), then each line as it is written,
   * until the container exits (`onEnd`) or the caller disposes of the stream.
   */
  followLogs(namespace: string, podName: string, containerName: string | undefined, options: LogOptions, onData: (text: string) => void, onEnd: () => void = () => {}): { dispose(): void } {
    const id = this.logContainer(namespace, podName, containerName, options);
    return this.runtime.followLog(id, options, onData, onEnd);
  }

  /** The runtime container whose log a request means, or the API server's error for it. */
  private logContainer(namespace: string, podName: string, containerName: string | undefined, options: LogOptions): string {
    const key = `${namespace}/${podName}`;
    const rec = this.records.get(key);
    const pod = this.informer?.store.get(key);
    if (!pod) throw statusErrors.notFound('pods', '', podName);
    let name = containerName;
    if (!name) {
      if ((pod.spec?.containers ?? []).length !== 1) {
        throw statusErrors.badRequest(`a container name must be specified for pod ${podName}, choose one of: [${(pod.spec?.containers ?? []).map((c: Container) => c.name).join(' ')}]`);
      }
      name = pod.spec!.containers[0]!.name;
    }
    if (!containerSpec(pod, name)) throw statusErrors.badRequest(`container ${name} is not valid for pod ${podName}`);
    const c = rec?.containers.get(name);
    if (options.previous) {
      if (!c?.previousId) throw statusErrors.badRequest(`previous terminated container "${name}" in pod "${podName}" not found`);
      return c.previousId;
    }
    if (!c?.id) throw statusErrors.badRequest(`container "${name}" in pod "${podName}" is waiting to start: ${c?.waiting?.reason ?? 'ContainerCreating'}`);
    return c.id;
  }

  /**
   * The kubelet's streaming server for exec: runs `command` in the running instance of a container,
   * which sees its mounted ConfigMaps, Secrets and downward API files and the kubelet's /etc files.
   * Throws the kubelet's error when the container does not run (`container not found ("web")`).
   */
  exec(namespace: string, podName: string, containerName: string, command: string[], streams: ContainerStreams): ContainerProcess {
    const { pod, rec, id } = this.runningContainer(namespace, podName, containerName);
    return this.runtime.exec(id, command, this.containerView(pod, rec, containerName), streams);
  }

  /**
   * What a process in a container of a pod on this node prints (a control-plane component running in
   * its static pod), at `at`, into the container's log; false when that container does not run.
   */
  writeContainerLog(namespace: string, podName: string, containerName: string, at: number, text: string): boolean {
    const id = this.records.get(`${namespace}/${podName}`)?.containers.get(containerName)?.id;
    return id !== undefined && this.runtime.appendLog(id, at, text);
  }

  /** Calls `listener` whenever a container of a pod on this node starts, with the image it runs. */
  onContainerStart(listener: (namespace: string, podName: string, containerName: string, image: string) => void): void {
    this.startListeners.push(listener);
  }

  /**
   * `kubectl attach`: the running container's output from now until it exits; an interactive
   * container's shell also reads the client's stdin, seeing the files exec would.
   */
  attach(namespace: string, podName: string, containerName: string, streams: ContainerStreams): ContainerProcess {
    const { pod, rec, id } = this.runningContainer(namespace, podName, containerName);
    return this.runtime.attach(id, streams, this.containerView(pod, rec, containerName));
  }

  /** `kubectl port-forward`: a connection to a port in the pod's network namespace, or the runtime's error. */
  portForward(namespace: string, podName: string, port: number, onData: (data: Buffer) => void, onEnd: () => void): PodConnection {
    const rec = this.records.get(`${namespace}/${podName}`);
    if (!rec || !rec.ip) throw new Error(`pod ${podName}_${namespace} not found`);
    return this.runtime.portForward(rec.uid, port, onData, onEnd);
  }

  /**
   * What a process started in a container sees of its pod (what exec and an interactive attach read
   * and write): the files the kubelet writes; each volume at its mount point, on its disk when it has
   * one (an emptyDir, a claim's volume), read-only as mounted or as the kubelet's are; and the
   * cluster network, its requests sent from the pod.
   */
  private containerView(pod: Pod & Obj, rec: PodRecord, containerName: string): ContainerView {
    const container = containerSpec(pod, containerName)!;
    const files = this.filesOf(pod, rec, containerName);
    const volumes: MountedVolume[] = [];
    for (const mount of container.volumeMounts ?? []) {
      const v = pod.spec?.volumes?.find((x) => x.name === mount.name);
      const path = mount.mountPath.replace(/\/+$/, '');
      if (!v || !path) continue;
      const at = { path, readOnly: mount.readOnly === true, ...(mount.subPath ? { subPath: mount.subPath } : {}) };
      if (v.persistentVolumeClaim) {
        const disk = rec.persistentVolumes.get(v.name);
        volumes.push({ ...at, readOnly: at.readOnly || v.persistentVolumeClaim.readOnly === true, ...(disk ? { disk } : {}) });
      } else if (v.emptyDir) volumes.push({ ...at, disk: this.disks.emptyDir(rec.uid, v.name) });
      else if (writtenVolume(v)) volumes.push({ ...at, readOnly: true });
    }
    const traffic = this.options.podTraffic;
    if (!traffic) return { files, volumes };
    const from = { namespace: pod.metadata!.namespace!, name: pod.metadata!.name! };
    return { files, volumes, request: (method, url, body) => traffic.request(from, method, url, body), lookup: (name) => traffic.lookup(from, name) };
  }

  /** The files the kubelet writes into a container: its volumes' and /etc's. */
  private filesOf(pod: Pod & Obj, rec: PodRecord, containerName: string): Map<string, string> {
    return containerFiles(pod, containerSpec(pod, containerName)!, rec.ip ?? '', rec.volumeFiles, rec.containers.get(containerName)?.subPathFiles ?? new Map());
  }

  /** The running instance of a container; as the kubelet's findContainer, only running containers are found. */
  private runningContainer(namespace: string, podName: string, containerName: string): { pod: Pod & Obj; rec: PodRecord; id: string } {
    const key = `${namespace}/${podName}`;
    const pod = this.informer?.store.get(key);
    const rec = this.records.get(key);
    const c = rec?.containers.get(containerName);
    if (!pod || !rec || !c?.id || this.runtime.containerStatus(c.id)?.state !== 'running') throw new Error(`container not found (${JSON.stringify(containerName)})`);
    return { pod, rec, id: c.id };
  }

  /** The summary API (`/stats/summary`) metrics-server scrapes: the node's and its running pods' CPU and memory; undefined while it is down or before a whole window. */
  usageSummary(): NodeUsage | undefined {
    if (!this.running) return undefined;
    const pods = [...this.records.values()].map((rec) => {
      const [namespace = '', name = ''] = rec.key.split('/');
      const containers = [...rec.containers.values()].flatMap((c) => (c.id && this.runtime.containerStatus(c.id)?.state === 'running' ? [{ name: c.name, id: c.id }] : []));
      return { namespace, name, containers };
    });
    return usageSummary(this.nodeName, this.startedAt, this.clock.now(), pods, (id) => this.runtime.containerUsage(id));
  }

  /** A request to the kubelet's HTTPS API (port 10250), as the API server's node proxy sends it. */
  serve(method: string, path: string): KubeletAnswer {
    return serveKubelet(
      {
        nodeName: this.nodeName,
        startedAt: this.startedAt,
        memoryCapacity: this.identity.capacity.memory,
        pods: () => [...(this.informer?.store.list() ?? [])],
        usage: () => this.usageSummary(),
        journal: () => this.journal.lines(),
      },
      method,
      path,
    );
  }

  /** The pod IP the kubelet gave a pod (undefined when it has none on this node). */
  podIP(namespace: string, name: string): string | undefined {
    return this.records.get(`${namespace}/${name}`)?.ip;
  }

  // ---- node registration and heartbeats ----

  /**
   * Runs `fn` every `ms` plus jitter (wait.JitterUntil with factor 0.04) while the kubelet runs;
   * a failed round (API server busy) just waits for the next.
   */
  private every(ms: number, fn: () => Promise<void> | void, failure: { source: string; message: string }): void {
    const slot = this.timers.length;
    const period = () => ms * (1 + heartbeatJitterFactor * this.jitter.float());
    const tick = () => {
      if (!this.running) return;
      // A failed round is retried on the next one, and said in the kubelet's log, as klog.ErrorS says it.
      void Promise.resolve()
        .then(fn)
        .catch((err: unknown) => this.log.write('E', failure.source, structured(failure.message, { err: err instanceof Error ? err.message : String(err) })));
      this.timers[slot] = this.clock.setTimeout(tick, period());
    };
    this.timers[slot] = this.clock.setTimeout(tick, period());
  }

  /**
   * Creates the Node with its status, as the kubelet's initialNode does (the Node strategy keeps a
   * status given on create), or finds it from an earlier start; returns the Node as stored and, when
   * it was created, the status written with it.
   */
  private async registerNode(): Promise<{ node: Obj; withStatus?: Obj }> {
    const status = this.currentStatus();
    const node: Obj = initialNode(this.identity);
    node.status = status;
    try {
      const created = await this.client.create(nodesResource, undefined, node);
      this.nodeUid = created.object.metadata.uid;
      return { node: created.object, withStatus: status };
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
      // Already registered (a restart): keep the object, refresh what the kubelet owns on it.
      const existing = this.client.get(nodesResource, undefined, this.nodeName);
      this.nodeUid = existing.metadata.uid;
      const labels = { ...existing.metadata.labels, ...node.metadata.labels };
      if (!deepEqual(labels, existing.metadata.labels)) {
        return { node: (await this.client.patch(nodesResource, undefined, this.nodeName, 'merge', { metadata: { labels } })).object };
      }
      return { node: existing };
    }
  }

  /**
   * The node's CSINode, as the kubelet's CSI node info manager initializes it: owned by the Node, no
   * CSI driver registered (none runs in the simulated runtime), and the in-tree volume plugins whose
   * volumes would go to CSI drivers listed in its annotation. One from an earlier start is kept.
   */
  private async ensureCSINode(): Promise<void> {
    if (this.client.tryGet(csiNodesResource, undefined, this.nodeName)) return;
    try {
      await this.client.create(csiNodesResource, undefined, {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'CSINode',
        metadata: {
          name: this.nodeName,
          annotations: { 'storage.alpha.kubernetes.io/migrated-plugins': migratedInTreePlugins.join(',') },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: this.nodeUid ?? '' }],
        },
        spec: { drivers: [] },
      });
    } catch {
      // Made meanwhile, or the node stopped: the next start tries again.
    }
  }

  /**
   * The lease controller's sync: an update of the Lease it last wrote, with a fresh renewTime; only
   * when there is none (first start) or that fails (a conflict, the Lease deleted) does it create the
   * Lease, or read and renew the one there (nodelease's retryUpdateLease and backoffEnsureLease).
   */
  private async renewLease(): Promise<void> {
    if (!this.running) return;
    const renewTime = rfc3339Micro(this.clock.now());
    const spec = { holderIdentity: this.nodeName, leaseDurationSeconds, renewTime };
    const renew = async (base: Obj) => (await this.client.update(leasesResource, nodeLeaseNamespace, { ...base, spec: { ...base.spec, ...spec } })).object;
    let lease: Obj | undefined;
    if (this.latestLease) {
      try {
        lease = await renew(this.latestLease);
      } catch {
        this.latestLease = undefined;
      }
    }
    if (!lease) {
      // A node's first start finds no Lease: create it, and only when it exists already (a restart,
      // a failed renewal) read it and renew that one.
      try {
        lease = (await this.client.create(leasesResource, nodeLeaseNamespace, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.nodeName, namespace: nodeLeaseNamespace, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: this.nodeUid }] },
          spec,
        })).object;
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 409)) throw err;
        lease = await renew(this.client.get(leasesResource, nodeLeaseNamespace, this.nodeName));
      }
    }
    this.latestLease = withoutManagedFields(lease);
    this.counters.leaseRenewals++;
  }

  /**
   * syncNodeStatus: computes the status and writes it when it changed (heartbeat times aside) or
   * nodeStatusReportFrequency has passed. It runs in a timer of the clock, thousands of nodes in
   * one turn, so it reads nothing from the API server: the write goes on the Node last written.
   */
  private async updateNodeStatus(force: boolean): Promise<void> {
    if (!this.running) return;
    const now = this.clock.now();
    const status = this.currentStatus();
    // Heartbeat times aside, has anything changed? With the Lease as heartbeat, an unchanged status
    // is only reported every nodeStatusReportFrequency.
    const strip = (s: Obj | undefined) => s && { ...s, conditions: (s.conditions ?? []).map((c: Obj) => ({ ...c, lastHeartbeatTime: undefined })) };
    const due = now - this.lastNodeReport >= (this.options.nodeStatusReportFrequencyMs ?? 300_000);
    if (!force && !due && deepEqual(strip(status), strip(this.lastNodeStatus))) return;
    try {
      // A patch of the status alone (PatchNodeStatus): the labels and annotations others set are
      // not the kubelet's to undo, and a status update would write back its copy of them. `add`
      // sets the status whether or not the Node has one (someone else may have registered it).
      const patch = [{ op: 'add', path: '/status', value: status }];
      this.latestNode = nodeRecord((await this.client.patch(nodesResource, undefined, this.nodeName, 'json', patch, {}, 'status')).object);
    } catch (err) {
      // The Node went away or the write failed: the next round reads it again.
      this.latestNode = undefined;
      throw err;
    }
    this.reportedStatus(status, now);
  }

  /** The node's status as of now (setNodeStatus), carried over from the one last reported. */
  private currentStatus(): Obj {
    const images = this.runtime instanceof SimulatedRuntime ? this.runtime.listImages() : [];
    return nodeStatus(this.identity, this.lastNodeStatus, rfc3339(this.clock.now()), images) as Obj;
  }

  /** Remembers a status as written (at registration or by a status update) and records its conditions' changes. */
  private reportedStatus(status: Obj, now: number): void {
    this.lastNodeStatus = status;
    this.lastNodeReport = now;
    this.counters.nodeStatusWrites++;
    this.recordNodeConditions(status);
  }

  /** `Node worker-1 status is now: NodeReady` and the like, for each condition that changed since this start. */
  private recordNodeConditions(status: Obj): void {
    const eventReason: Record<string, Record<string, string>> = {
      MemoryPressure: { False: 'NodeHasSufficientMemory', True: 'NodeHasInsufficientMemory' },
      DiskPressure: { False: 'NodeHasNoDiskPressure', True: 'NodeHasDiskPressure' },
      PIDPressure: { False: 'NodeHasSufficientPID', True: 'NodeHasInsufficientPID' },
      Ready: { True: 'NodeReady', False: 'NodeNotReady' },
    };
    for (const c of status.conditions ?? []) {
      const reason = eventReason[c.type]?.[c.status];
      if (!reason || this.reportedConditions.get(c.type) === c.status) continue;
      this.reportedConditions.set(c.type, c.status);
      this.recorder.event(this.nodeRef(), 'Normal', reason, `Node ${this.nodeName} status is now: ${reason}`);
    }
  }

  /** The Node as events refer to it (the kubelet uses the node name as its uid there). */
  private nodeRef(): Obj {
    return { apiVersion: 'v1', kind: 'Node', metadata: { name: this.nodeName, uid: this.nodeName } };
  }

  // ---- pod sync ----

  private syncPod(key: string): void {
    if (!this.running) return;
    this.counters.syncs++;
    const pod = this.informer!.store.get(key);
    let rec = this.records.get(key);
    if (rec?.mirrorUid !== undefined && !rec.terminalPhase && (!pod || isMirrorPod(pod))) {
      // A static pod runs whatever happens to its mirror (kubelet's handleMirrorPod): while there
      // is none nothing changes, and a new one shows the same containers.
      if (!pod) return;
      if (pod.metadata?.deletionTimestamp) {
        // A mirror being deleted goes at once, and the mirror client makes a new one.
        void this.finalDelete(pod).catch(() => this.queue?.addRateLimited(key));
        return;
      }
      if (rec.mirrorUid !== pod.metadata!.uid) {
        // A new mirror holds none of what was written to the last one.
        this.statusManager.forget(key);
        rec.mirrorUid = pod.metadata!.uid!;
      }
    } else if (rec && (!pod || pod.metadata?.uid !== rec.uid)) {
      // Gone from the API (or replaced by a new pod of the same name): nothing of it may keep running.
      this.teardown(rec, true);
      this.forget(rec);
      rec = undefined;
    }
    if (!pod || pod.spec?.nodeName !== this.nodeName) return;
    if (!rec) {
      // A pod that finished before this kubelet started has nothing left to run.
      if ((pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') && !pod.metadata?.deletionTimestamp) return;
      if (pod.metadata?.deletionTimestamp && !(pod.status?.containerStatuses ?? []).length) {
        void this.finalDelete(pod).catch(() => this.queue?.addRateLimited(key));
        return;
      }
      rec = this.admit(pod);
    }
    if (pod.metadata?.deletionTimestamp) {
      this.terminate(pod, rec);
    } else if (!rec.terminalPhase && this.pastActiveDeadline(pod, rec)) {
      rec.failure = { reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' };
      this.finish(rec, 'Failed', pod);
    } else if (!rec.terminalPhase) {
      if (!rec.volumesReady) this.mountVolumes(pod, rec);
      else this.rewriteVolumes(pod, rec);
      this.addEphemeralContainers(pod, rec);
      if (rec.volumesReady && this.createSandbox(pod, rec)) this.runContainers(pod, rec);
      // Only the volumes the periodic sync rewrites make it observable; other pods skip it.
      if (rec.volumesReady && (pod.spec?.volumes ?? []).some(writtenVolume)) this.scheduleResync(rec);
    }
    this.setStatus(pod, rec);
  }

  /** A pod new to this kubelet: its sandbox (IP) and container records. */
  private admit(pod: Pod & Obj): PodRecord {
    const key = objectKey(pod);
    const uid = pod.metadata!.uid!;
    const previous = new Map<string, ContainerStatus>();
    for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      if (s.containerID) previous.set(s.name, s);
    }
    const containers = new Map<string, ContainerRecord>();
    const add = (c: Container, kind: ContainerKind) => {
      const rec: ContainerRecord = { name: c.name, kind, restartCount: 0, busy: false, started: false, ready: false, probes: [], stopping: false };
      // A container that ran before this kubelet started (the node rebooted) died with the node:
      // it comes back counted as a restart, its last state unknown (exit code 255, reason Unknown).
      const before = previous.get(c.name);
      if (before) {
        const running = before.state?.running;
        rec.restartCount = before.restartCount + (running ? 1 : 0);
        rec.lostInstance = running
          ? { exitCode: 255, reason: 'Unknown', startedAt: running.startedAt, finishedAt: rfc3339(this.clock.now()), containerID: before.containerID }
          : before.state?.terminated ?? before.lastState?.terminated;
      }
      containers.set(c.name, rec);
    };
    for (const c of pod.spec?.initContainers ?? []) add(c, c.restartPolicy === 'Always' ? 'sidecar' : 'init');
    for (const c of pod.spec?.containers ?? []) add(c, 'app');
    for (const c of pod.spec?.ephemeralContainers ?? []) add(c as Container, 'ephemeral');
    const rec: PodRecord = {
      uid,
      key,
      requests: podRequests(pod),
      startTime: pod.status?.startTime ?? rfc3339(this.clock.now()),
      volumesReady: false,
      volumeFiles: new Map(),
      persistentVolumes: new Map(),
      containers,
      terminating: false,
      deleted: false,
    };
    if (this.options.controlPlane && isMirrorPod(pod)) rec.mirrorUid = uid;
    this.records.set(key, rec);
    this.keyByUid.set(uid, key);
    const rejection = this.admissionFailure(pod, rec);
    if (rejection) {
      rec.rejected = rejection;
      rec.terminalPhase = 'Failed';
      this.recorder.event(pod, 'Warning', rejection.reason, rejection.message);
      return rec;
    }
    return rec;
  }

  /**
   * The pod sandbox's network: an IP from the node's pod CIDR (the node's own for hostNetwork pods).
   * With the range exhausted the sandbox cannot be created and the pod waits in ContainerCreating.
   */
  private createSandbox(pod: Pod & Obj, rec: PodRecord): boolean {
    if (rec.ip) return true;
    if (pod.spec?.hostNetwork) {
      rec.ip = this.network.internalIP;
      return true;
    }
    try {
      rec.ip = this.network.podIPs.allocateNext();
      return true;
    } catch (err) {
      if (this.retryLater(rec, mountRetryMs)) {
        const message = `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox: plugin type="host-local" failed (add): failed to allocate for range 0: ${(err as Error).message}`;
        this.recorder.event(pod, 'Warning', 'FailedCreatePodSandBox', message);
      }
      return false;
    }
  }

  /** The Node's labels as the API has them (the kubelet's node lister); those it registers with while it cannot read them. */
  private nodeLabels(): Readonly<Record<string, string>> {
    try {
      return this.client.get(nodesResource, undefined, this.nodeName).metadata?.labels ?? {};
    } catch {
      return this.latestNode?.labels ?? initialNode(this.identity).metadata!.labels!;
    }
  }

  /**
   * The kubelet's own admission (lifecycle.PredicateAdmitHandler): a pod bound here by someone
   * other than the scheduler still has to fit what the node has left (checked first, as
   * AdmissionCheck does), and match its nodeSelector and required node affinity by the Node's labels
   * as they are now (getNodeAnyWay), those an administrator added included.
   */
  private admissionFailure(pod: Pod & Obj, rec: PodRecord): { reason: string; message: string } | undefined {
    return this.resourceFailure(rec) ?? this.affinityFailure(pod);
  }

  private affinityFailure(pod: Pod & Obj): { reason: string; message: string } | undefined {
    const affinity = requiredNodeAffinity({ pod });
    if (!affinity || matchesRequiredNodeAffinity(affinity, this.nodeLabels(), this.nodeName)) return undefined;
    return { reason: 'NodeAffinity', message: 'Predicate NodeAffinity failed' };
  }

  private resourceFailure(rec: PodRecord): { reason: string; message: string } | undefined {
    const used = { cpu: 0, memory: 0, pods: 0 };
    for (const other of this.records.values()) {
      if (other === rec || other.terminalPhase) continue;
      used.cpu += other.requests.cpu;
      used.memory += other.requests.memory;
      used.pods++;
    }
    const capacity = this.identity.capacity;
    const allocatable = { cpu: Quantity.parse(capacity.cpu).milliValue(), memory: Quantity.parse(capacity.memory).value(), pods: capacity.pods };
    const over = (resource: 'cpu' | 'memory' | 'pods', requested: number) =>
      used[resource] + requested > allocatable[resource]
        ? { reason: `OutOf${resource}`, message: `Node didn't have enough resource: ${resource}, requested: ${requested}, used: ${used[resource]}, capacity: ${allocatable[resource]}` }
        : undefined;
    return over('pods', 1) ?? (rec.requests.cpu ? over('cpu', rec.requests.cpu) : undefined) ?? (rec.requests.memory ? over('memory', rec.requests.memory) : undefined);
  }

  /**
   * Sets up every volume: writes the files of ConfigMap, Secret, downward API and projected volumes,
   * and finds the disks of claims and emptyDirs. A missing source keeps the pod in ContainerCreating.
   */
  private mountVolumes(pod: Pod & Obj, rec: PodRecord): void {
    const ns = pod.metadata!.namespace!;
    for (const v of pod.spec?.volumes ?? []) {
      if (writtenVolume(v) && !this.writeVolume(pod, rec, v)) return;
      if (v.persistentVolumeClaim) {
        const claim = this.getObject('persistentvolumeclaims', ns, v.persistentVolumeClaim.claimName);
        if (!claim) return this.mountFailed(pod, rec, `persistentvolumeclaim "${v.persistentVolumeClaim.claimName}" not found`);
        rec.persistentVolumes.set(v.name, this.disks.claim(claim.metadata.uid));
      } else if (v.emptyDir) {
        this.disks.emptyDir(rec.uid, v.name);
      }
    }
    rec.volumesReady = true;
  }

  /**
   * What every sync of a running pod does to its written volumes (the volume manager remounts them):
   * their files are written again from the ConfigMaps, Secrets and pod fields as they are now. A
   * volume whose source has gone keeps the files it had, and the pod gets a FailedMount warning.
   */
  private rewriteVolumes(pod: Pod & Obj, rec: PodRecord): void {
    for (const v of pod.spec?.volumes ?? []) if (writtenVolume(v)) this.writeVolume(pod, rec, v);
  }

  /**
   * Writes the files of a written volume from its sources as they are now; false, with the pod told
   * why (FailedMount), when a source is missing, and the files it had stay.
   */
  private writeVolume(pod: Pod & Obj, rec: PodRecord, v: Volume): boolean {
    const files = volumeFiles(pod, v, this.volumeSource, this.tokenSource(pod));
    if (!(files instanceof Map)) {
      this.mountFailed(pod, rec, setUpFailed(v, files));
      return false;
    }
    // Unchanged files stay as they were written: thousands of pods resync, few of their volumes change.
    if (!sameFiles(rec.volumeFiles.get(v.name), files)) rec.volumeFiles.set(v.name, this.shareFiles(pod.metadata!.namespace!, files));
    return true;
  }

  /**
   * Due again after the sync period plus jitter, replacing any earlier due time, as the pod worker
   * enqueues its pod after each sync. The kubelet's work queue keeps times, not timers (the sync
   * loop's 1 s ticker takes what is due): here a pod keeps its due time, rounded up to the ticker's
   * next second, and one timer waits for the earliest.
   */
  private scheduleResync(rec: PodRecord): void {
    const at = Math.ceil((this.clock.now() + podResyncMs * (1 + podResyncJitterFactor * this.jitter.float())) / 1000) * 1000;
    rec.resyncAt = at;
    if (!this.resyncTimer || at < this.resyncTimer.at) this.armResync(at);
  }

  private armResync(at: number): void {
    this.resyncTimer?.timer.cancel();
    const timer = this.clock.setTimeout(() => {
      this.resyncTimer = undefined;
      if (!this.running) return;
      const now = this.clock.now();
      let next = Infinity;
      for (const rec of this.records.values()) {
        if (rec.resyncAt === undefined) continue;
        if (rec.resyncAt <= now) {
          rec.resyncAt = undefined;
          this.queue?.add(rec.key);
        } else if (rec.resyncAt < next) next = rec.resyncAt;
      }
      if (next < Infinity) this.armResync(next);
    }, at - this.clock.now());
    this.resyncTimer = { at, timer };
  }

  /**
   * `files`, or the same files another pod of the namespace was last given: every pod's service
   * account volume holds the same CA and namespace, and a thousand pods need not keep a thousand copies.
   */
  private shareFiles(namespace: string, files: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
    const last = this.lastWrittenFiles.get(namespace);
    if (last && sameFiles(last, files)) return last;
    if (this.lastWrittenFiles.size >= 1_000) this.lastWrittenFiles.clear();
    this.lastWrittenFiles.set(namespace, files);
    return files;
  }

  /** Where a pod's projected service account token sources get their tokens: bound to the pod. */
  private tokenSource(pod: Pod & Obj): ProjectedTokenSource {
    return (source) =>
      this.tokens.get({
        namespace: pod.metadata!.namespace!,
        serviceAccount: pod.spec?.serviceAccountName || 'default',
        audiences: source.audience ? [source.audience] : [],
        expirationSeconds: source.expirationSeconds ?? 3600,
        pod: { name: pod.metadata!.name!, uid: pod.metadata!.uid! },
      });
  }

  private readonly volumeSource = (resource: 'configmaps' | 'secrets', namespace: string, name: string) => this.getObject(resource, namespace, name);

  /** The pod's volumes are retried later; a FailedMount event says why, once per round of retries. */
  private mountFailed(pod: Pod & Obj, rec: PodRecord, message: string): void {
    if (this.retryLater(rec, mountRetryMs)) this.recorder.event(pod, 'Warning', 'FailedMount', message);
  }

  /**
   * A Secret, ConfigMap or claim a pod uses. Found objects are kept for a moment, as the kubelet's
   * cache-based object manager keeps them, so a thousand pods that mount the same ConfigMap cost one
   * read, not a thousand; a missing one is asked for again on every retry.
   */
  private getObject(resource: string, namespace: string, name: string): Obj | undefined {
    const key = `${resource}/${namespace}/${name}`;
    const now = this.clock.now();
    const cached = this.objectCache.get(key);
    if (cached && now - cached.at < objectCacheTTLMs) return cached.obj;
    try {
      const obj = this.client.get({ group: core.group, version: core.version, resource }, namespace, name);
      if (this.objectCache.size > 10_000) this.objectCache.clear();
      this.objectCache.set(key, { at: now, obj });
      return obj;
    } catch (err) {
      if (err instanceof StatusError && (err.code === 404 || err.code === 403)) {
        this.objectCache.delete(key);
        return undefined;
      }
      throw err;
    }
  }

  /**
   * Queues the pod for another sync after `ms` (the queue keeps the earliest time asked for). True
   * when this starts a new round of retries, so that a failure is reported once per round.
   */
  private retryLater(rec: PodRecord, ms: number): boolean {
    const now = this.clock.now();
    this.queue?.addAfter(rec.key, ms);
    const fresh = rec.retryAt === undefined || rec.retryAt <= now;
    if (fresh || now + ms < rec.retryAt!) rec.retryAt = now + ms;
    return fresh;
  }

  /**
   * kuberuntime's SyncPod: init containers one at a time (sidecars start and stay), then every app
   * container, restarting what exited as the restart policy says, after its back-off.
   */
  private runContainers(pod: Pod & Obj, rec: PodRecord): void {
    const policy = pod.spec?.restartPolicy ?? 'Always';
    for (const spec of pod.spec?.initContainers ?? []) {
      const c = rec.containers.get(spec.name)!;
      const status = c.id ? this.runtime.containerStatus(c.id) : undefined;
      if (c.kind === 'sidecar') {
        if (!status || status.state === 'exited') this.startContainer(pod, rec, spec, c);
        // The next init container waits until this sidecar has started (its startup probe passed).
        if (!c.started) return;
        continue;
      }
      if (status?.state === 'exited' && status.exitCode === 0) continue;
      if (status?.state === 'running' || c.busy) return;
      if (status?.state === 'exited' && policy === 'Never') {
        this.finish(rec, 'Failed', pod);
        return;
      }
      this.startContainer(pod, rec, spec, c);
      return;
    }
    this.runEphemeralContainers(pod, rec);
    let anyToRun = false;
    for (const spec of pod.spec?.containers ?? []) {
      const c = rec.containers.get(spec.name)!;
      const status = c.id ? this.runtime.containerStatus(c.id) : undefined;
      // The image is the one mutable part of a container: a new one means a new container.
      if (status?.state === 'running' && c.image !== undefined && c.image !== spec.image) this.killForRestart(rec, spec, c, 'definition');
      if (status?.state === 'running' || c.busy) {
        anyToRun = true;
        continue;
      }
      const restart = !status || c.restartForUpdate || policy === 'Always' || (policy === 'OnFailure' && status.exitCode !== 0);
      if (!restart) continue;
      anyToRun = true;
      this.startContainer(pod, rec, spec, c);
    }
    if (!anyToRun) {
      const failed = (pod.spec?.containers ?? []).some((s: Container) => this.runtime.containerStatus(rec.containers.get(s.name)!.id!)?.exitCode !== 0);
      this.finish(rec, failed ? 'Failed' : 'Succeeded', pod);
    }
  }

  /** Ephemeral containers the pod gained (`kubectl debug`) get records; they are never removed. */
  private addEphemeralContainers(pod: Pod & Obj, rec: PodRecord): void {
    for (const spec of pod.spec?.ephemeralContainers ?? []) {
      if (!rec.containers.has(spec.name)) rec.containers.set(spec.name, { name: spec.name, kind: 'ephemeral', restartCount: 0, busy: false, started: false, ready: false, probes: [], stopping: false });
    }
  }

  /**
   * Starts each ephemeral container once the pod's init containers are done, as computePodActions
   * does: once only, whatever the pod's restart policy, and never again after it exits.
   */
  private runEphemeralContainers(pod: Pod & Obj, rec: PodRecord): void {
    for (const spec of pod.spec?.ephemeralContainers ?? []) {
      const c = rec.containers.get(spec.name);
      if (!c || c.id || c.busy) continue;
      this.startContainer(pod, rec, spec as Container, c);
    }
  }

  /** spec.activeDeadlineSeconds, counted from the pod's start on this node; a sync is queued for the deadline. */
  private pastActiveDeadline(pod: Pod & Obj, rec: PodRecord): boolean {
    const seconds = pod.spec?.activeDeadlineSeconds;
    if (seconds === undefined || seconds === null) return false;
    const left = Date.parse(rec.startTime) + seconds * 1000 - this.clock.now();
    if (left > 0) this.queue?.addAfter(rec.key, left);
    return left <= 0;
  }

  /** The pod is done: what still runs is stopped, the sandbox goes, and its IP goes back to the pool. */
  private finish(rec: PodRecord, phase: 'Succeeded' | 'Failed', pod?: Pod & Obj): void {
    rec.terminalPhase = phase;
    const grace = (pod?.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    for (const c of rec.containers.values()) {
      for (const p of c.probes) p.stop();
      c.probes = [];
      c.ready = false;
      c.waiting = undefined;
      if (c.id && this.runtime.containerStatus(c.id)?.state === 'running') {
        if (pod) this.recorder.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`);
        void this.runtime.stopContainer(c.id, grace).then(() => this.queue?.add(rec.key));
      }
    }
    if (rec.ip && rec.ip !== this.network.internalIP) this.network.podIPs.release(rec.ip);
  }

  private startContainer(pod: Pod & Obj, rec: PodRecord, spec: Container, c: ContainerRecord): void {
    if (c.busy || c.stopping) return;
    const now = this.clock.now();
    const backoffKey = `${rec.uid}/${spec.name}`;
    const last = c.id ? this.runtime.containerStatus(c.id) : undefined;
    if (last?.finishedAt !== undefined && !c.restartForUpdate) {
      if (this.crashBackoff.isInBackOffSince(backoffKey, last.finishedAt, now)) {
        const delay = this.crashBackoff.get(backoffKey);
        c.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(delay)} restarting failed container=${spec.name} pod=${pod.metadata!.name}_${pod.metadata!.namespace}(${rec.uid})` };
        if (this.retryLater(rec, this.crashBackoff.releaseAt(backoffKey, last.finishedAt) - now)) {
          this.recorder.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${spec.name} in pod ${pod.metadata!.name}_${pod.metadata!.namespace}(${rec.uid})`);
        }
        return;
      }
      this.crashBackoff.next(backoffKey, now);
    }
    const config = containerEnv(pod, spec, {
      get: (resource, namespace, name) => this.getObject(resource, namespace, name),
      podIP: rec.ip,
      hostIP: this.network.internalIP,
      allocatable: this.identity.capacity,
    });
    if ('error' in config) {
      c.waiting = { reason: 'CreateContainerConfigError', message: config.error };
      if (this.retryLater(rec, syncRetryMs)) this.recorder.event(pod, 'Warning', 'Failed', `Error: ${config.error}`);
      return;
    }
    // Command and args see the environment's `$(VAR)` references expanded, as the runtime receives them.
    const withEnv = (argv: string[] | undefined) => argv?.map((a) => expand(a, config.env));
    const argv = { command: withEnv(spec.command), args: withEnv(spec.args) };
    const chosen = behaviorOf(Object.assign(shallowCopy(spec), argv), pod.metadata?.annotations ?? {}, pod.spec?.restartPolicy);
    const image = spec.image ?? '';
    // A process that refuses its configuration prints why and exits 1 as it starts. Its files are
    // gathered only for an image that reads one, not on every container start.
    const refused = startupError(image, [...(argv.command ?? []), ...(argv.args ?? [])], (path) => this.filesOf(pod, rec, spec.name).get(path));
    const behavior = refused === undefined ? chosen : { ...chosen, exitCode: 1, runForMs: 0, serves: false, output: [...chosen.output, refused] };
    const pullPolicy = spec.imagePullPolicy ?? (image.endsWith(':latest') || !/:[^/]+$/.test(image) ? 'Always' : 'IfNotPresent');
    const imageKey = `${rec.uid}/${spec.name}/image`;
    const run = () => {
      c.busy = false;
      if (!this.running || rec.terminating || rec.terminalPhase || this.records.get(rec.key) !== rec) return;
      if (c.id) {
        if (c.previousId) this.runtime.removeContainer(c.previousId);
        c.previousId = c.id;
        c.restartCount++;
      }
      const limit = Quantity.tryParse(spec.resources?.limits?.memory);
      c.id = this.runtime.startContainer({
        podUid: rec.uid,
        namespace: pod.metadata!.namespace!,
        podName: pod.metadata!.name!,
        podIP: rec.ip ?? '',
        container: spec,
        behavior,
        env: config.env,
        ...(limit ? { memoryLimitBytes: limit.value() } : {}),
        persistentVolumes: rec.persistentVolumes.size ? new Map([...rec.persistentVolumes].filter(([name]) => (spec.volumeMounts ?? []).some((m) => m.name === name))) : noDisks,
        ...(behavior.run ? { view: () => this.containerView(pod, rec, spec.name) } : {}),
      });
      c.subPathFiles = spec.volumeMounts?.some((m) => m.subPath) ? subPathFiles(spec, rec.volumeFiles) : undefined;
      c.waiting = undefined;
      c.image = spec.image;
      c.restartForUpdate = false;
      this.recorder.event(pod, 'Normal', 'Created', `Created container: ${spec.name}`);
      this.recorder.event(pod, 'Normal', 'Started', `Started container ${spec.name}`);
      for (const listener of this.startListeners) {
        try {
          listener(pod.metadata!.namespace!, pod.metadata!.name!, spec.name, image);
        } catch {
          // What watches containers start cannot stop this one.
        }
      }
      this.startProbes(rec, spec, c);
      this.queue?.add(rec.key);
    };
    if (pullPolicy === 'Never' && !this.runtime.hasImage(image)) {
      c.waiting = { reason: 'ErrImageNeverPull', message: `Container image "${image}" is not present with pull policy of Never` };
      return;
    }
    if (pullPolicy !== 'Always' && this.runtime.hasImage(image)) {
      this.recorder.event(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      return run();
    }
    const failedAt = this.pullFailures.get(imageKey);
    if (failedAt !== undefined && this.imageBackoff.isInBackOffSince(imageKey, failedAt, now)) {
      c.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` };
      if (this.retryLater(rec, this.imageBackoff.releaseAt(imageKey, failedAt) - now)) {
        this.recorder.event(pod, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
        this.recorder.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      }
      return;
    }
    c.busy = true;
    c.waiting ??= { reason: 'ContainerCreating' };
    this.recorder.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const pulled = () => {
      this.pullFailures.delete(imageKey);
      const took = goDuration(this.clock.now() - now);
      this.recorder.event(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: 50000000 bytes.`);
      run();
    };
    this.runtime.pullImage(image, behavior).then(() => {
      // Pulls of one image on every node finish together: each start takes its turn.
      const turn = pace();
      if (turn) return turn.then(pulled);
      pulled();
    }, (err: Error) => {
      c.busy = false;
      const at = this.clock.now();
      this.imageBackoff.next(imageKey, at);
      this.pullFailures.set(imageKey, at);
      c.waiting = { reason: 'ErrImagePull', message: `rpc error: code = NotFound desc = ${err.message}` };
      this.recorder.event(pod, 'Warning', 'Failed', `Failed to pull image "${image}": ${c.waiting.message}`);
      this.recorder.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
      const current = this.informer?.store.get(rec.key);
      if (current && this.records.get(rec.key) === rec) this.setStatus(current, rec);
      // The pod worker retries a failed sync soon; that sync finds the image in back-off.
      this.queue?.addAfter(rec.key, 1000);
    });
  }

  private startProbes(rec: PodRecord, spec: Container, c: ContainerRecord): void {
    for (const p of c.probes) p.stop();
    c.probes = [];
    c.started = !spec.startupProbe;
    c.ready = !spec.readinessProbe && c.started;
    const add = (type: 'liveness' | 'readiness' | 'startup', probe: Probe | undefined) => {
      if (!probe || !c.id) return;
      const worker = new ProbeWorker(this.clock, this.runtime, c.id, type, probe, (w, changed, success) => this.probeResult(rec, spec, c, w, changed, success));
      c.probes.push(worker);
      // Liveness and readiness wait for the startup probe to pass.
      if (type === 'startup' || c.started) worker.start();
    };
    add('startup', spec.startupProbe);
    add('liveness', spec.livenessProbe);
    add('readiness', spec.readinessProbe);
  }

  private probeResult(rec: PodRecord, spec: Container, c: ContainerRecord, w: ProbeWorker, changed: boolean, success: boolean): void {
    if (this.records.get(rec.key) !== rec || w.containerId !== c.id) return;
    const pod = this.informer?.store.get(rec.key);
    if (!success && pod) this.recorder.event(pod, 'Warning', 'Unhealthy', `${w.type[0]!.toUpperCase()}${w.type.slice(1)} probe failed: ${w.lastOutput}`);
    if (!changed) return;
    if (w.type === 'readiness') {
      c.ready = w.result === true;
    } else if (w.type === 'startup' && w.result === true) {
      c.started = true;
      if (!spec.readinessProbe) c.ready = true;
      for (const p of c.probes) if (p.type !== 'startup') p.start();
    } else if (w.result === false) {
      // Liveness or startup failed: the container is killed and restarted as the restart policy says.
      this.killForRestart(rec, spec, c, w.probe);
    }
    this.queue?.add(rec.key);
  }

  /** Stops a container so that it restarts (as the restart policy allows): a failed probe, or a changed image. */
  private killForRestart(rec: PodRecord, spec: Container, c: ContainerRecord, why: Probe | 'definition'): void {
    if (!c.id || c.stopping) return;
    for (const p of c.probes) p.stop();
    c.probes = [];
    c.ready = false;
    c.stopping = true;
    const pod = this.informer?.store.get(rec.key);
    const message = why === 'definition'
      ? `Container ${spec.name} definition changed, will be restarted`
      : `Container ${spec.name} failed ${why === spec.startupProbe ? 'startup' : 'liveness'} probe, will be restarted`;
    if (pod) this.recorder.event(pod, 'Normal', 'Killing', message);
    const probeGrace = why === 'definition' ? undefined : why.terminationGracePeriodSeconds;
    const grace = (probeGrace ?? pod?.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    void this.runtime.stopContainer(c.id, grace).then(() => {
      c.stopping = false;
      // A container killed to apply a new definition restarts without back-off, whatever the policy.
      if (why === 'definition') c.restartForUpdate = true;
      this.queue?.add(rec.key);
    });
  }

  /**
   * Graceful termination: app containers get SIGTERM and the pod's remaining grace period, then the
   * sidecars; once all have stopped the kubelet reports the final status and deletes the pod for good.
   */
  private terminate(pod: Pod & Obj, rec: PodRecord): void {
    if (rec.deleted) return;
    const deadline = Date.parse(pod.metadata!.deletionTimestamp!);
    const grace = Math.max(0, deadline - this.clock.now());
    const runningOf = (kind: (k: ContainerKind) => boolean) =>
      [...rec.containers.values()].filter((c) => kind(c.kind) && c.id && this.runtime.containerStatus(c.id)?.state === 'running');
    if (!rec.terminating) {
      rec.terminating = true;
      for (const c of rec.containers.values()) {
        for (const p of c.probes) p.stop();
        c.probes = [];
        c.ready = false;
      }
    }
    const apps = runningOf((k) => k !== 'sidecar');
    const sidecars = runningOf((k) => k === 'sidecar');
    const stopping = apps.length ? apps : sidecars;
    if (stopping.length) {
      for (const c of stopping) {
        if (c.stopping) continue;
        c.stopping = true;
        this.recorder.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`);
        // The preStop hook runs first, within the grace period; SIGTERM follows when it is done.
        const spec = containerSpec(pod, c.name);
        const hookMs = Math.min(preStopMs(spec), grace);
        const id = c.id!;
        const stop = () =>
          void this.runtime.stopContainer(id, grace - hookMs).then(() => {
            c.stopping = false;
            this.queue?.add(rec.key);
          });
        if (hookMs > 0) this.clock.setTimeout(stop, hookMs);
        else stop();
      }
      return;
    }
    rec.deleted = true;
    if (!rec.terminalPhase) {
      const failed = [...rec.containers.values()].some((c) => c.kind === 'app' && (!c.id || this.runtime.containerStatus(c.id)?.exitCode !== 0));
      rec.terminalPhase = failed ? 'Failed' : 'Succeeded';
    }
    // The last status first (containers terminated, terminal phase), then the delete that ends it.
    this.setStatus(pod, rec);
    void this.flushStatus()
      .then(() => (this.running ? this.finalDelete(pod) : undefined))
      .then(() => {
        if (rec.ip && rec.ip !== this.network.internalIP) this.network.podIPs.release(rec.ip);
      })
      .catch(() => {
        // The API server refused the delete for now: the next sync tries again.
        rec.deleted = false;
        this.queue?.addRateLimited(rec.key);
      });
  }

  private async finalDelete(pod: Pod & Obj): Promise<void> {
    try {
      await this.client.delete(podsResource, pod.metadata!.namespace, pod.metadata!.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata!.uid! } });
    } catch (err) {
      // Already gone, or a new pod took the name: either way this one is deleted.
      if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
    }
  }

  /** Stops whatever of a pod still runs; `now` kills at once (the pod is gone or the node is down). */
  private teardown(rec: PodRecord, now: boolean): void {
    for (const c of rec.containers.values()) {
      for (const p of c.probes) p.stop();
      c.probes = [];
      if (c.id && now) this.runtime.killContainer(c.id);
    }
    if (rec.ip && rec.ip !== this.network.internalIP) this.network.podIPs.release(rec.ip);
  }

  /** Drops everything kept for a pod; its emptyDir volumes go too when the pod is gone for good. */
  private forget(rec: PodRecord, podGone = true): void {
    for (const c of rec.containers.values()) {
      if (c.id) this.runtime.removeContainer(c.id);
      if (c.previousId) this.runtime.removeContainer(c.previousId);
    }
    if (podGone) this.disks.removePodVolumes(rec.uid);
    this.crashBackoff.forgetPrefix(`${rec.uid}/`);
    this.imageBackoff.forgetPrefix(`${rec.uid}/`);
    for (const key of [...this.pullFailures.keys()]) if (key.startsWith(`${rec.uid}/`)) this.pullFailures.delete(key);
    this.records.delete(rec.key);
    this.keyByUid.delete(rec.uid);
    if (podGone) this.tokens.forgetPod(rec.uid);
    this.statusManager.forget(rec.key);
  }

  // ---- status ----

  /** Queues the pod's status for the status manager's next batch of writes. */
  private setStatus(pod: Pod & Obj, rec: PodRecord): void {
    const status = podStatus(pod, rec, this.runtime, { now: rfc3339(this.clock.now()), hostIP: this.network.internalIP });
    this.statusManager.set(rec.key, rec.mirrorUid ?? rec.uid, status, pod.status);
  }
}

/** A pod's effective requests: its app containers and sidecars together, or its largest init container if more. */
function podRequests(pod: Pod): { cpu: number; memory: number } {
  const of = (c: Container) => ({
    cpu: Quantity.tryParse(c.resources?.requests?.cpu)?.milliValue() ?? 0,
    memory: Quantity.tryParse(c.resources?.requests?.memory)?.value() ?? 0,
  });
  const total = { cpu: 0, memory: 0 };
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((i) => i.restartPolicy === 'Always')]) {
    const r = of(c);
    total.cpu += r.cpu;
    total.memory += r.memory;
  }
  for (const c of (pod.spec?.initContainers ?? []).filter((i) => i.restartPolicy !== 'Always')) {
    const r = of(c);
    total.cpu = Math.max(total.cpu, r.cpu);
    total.memory = Math.max(total.memory, r.memory);
  }
  return total;
}

/** The volume manager's error for a volume whose ConfigMap or Secret is missing. */
/** A container of the pod by name: an app, init or ephemeral one (they share one namespace of names). */
function containerSpec(pod: Pod, name: string): Container | undefined {
  const spec = pod.spec;
  return spec?.containers.find((c) => c.name === name) ?? spec?.initContainers?.find((c) => c.name === name) ?? (spec?.ephemeralContainers?.find((c) => c.name === name) as Container | undefined);
}

function setUpFailed(v: Volume, why: VolumeNotReady): string {
  const reason = 'failed' in why ? why.failed : `${why.missing.resource === 'configmaps' ? 'configmap' : 'secret'} "${why.missing.name}" not found`;
  return `MountVolume.SetUp failed for volume "${v.name}" : ${reason}`;
}

function sameFiles(a: ReadonlyMap<string, string> | undefined, b: ReadonlyMap<string, string>): boolean {
  if (a?.size !== b.size) return false;
  for (const [path, contents] of b) if (a.get(path) !== contents) return false;
  return true;
}

/** The Node's uid and labels, as the kubelet keeps them (`latestNode`). */
function nodeRecord(node: Obj): { uid: string; labels: Readonly<Record<string, string>> } {
  return { uid: node.metadata.uid, labels: node.metadata.labels ?? {} };
}

/** How long a container's preStop hook takes: a `sleep` action, or an exec command that can be read. */
function preStopMs(spec: Container | undefined): number {
  const hook = spec?.lifecycle?.preStop;
  if (!hook) return 0;
  if (hook.sleep) return hook.sleep.seconds * 1000;
  if (hook.exec?.command) return commandDurationMs(hook.exec.command);
  return 0;
}

/** Whether an update changes what the kubelet acts on: anything but the status (pkg/kubelet/config). */
function podsDifferSemantically(a: Pod, b: Pod): boolean {
  if (a.metadata?.uid !== b.metadata?.uid || a.metadata?.deletionTimestamp !== b.metadata?.deletionTimestamp) return true;
  if (a.metadata?.deletionGracePeriodSeconds !== b.metadata?.deletionGracePeriodSeconds) return true;
  return !deepEqual(a.spec, b.spec) || !deepEqual(a.metadata?.labels, b.metadata?.labels) || !deepEqual(a.metadata?.annotations, b.metadata?.annotations);
}

/** A status change that moves a readiness gate: the Ready condition must be computed again (HandlePodReconcile). */
function readinessGateChanged(a: Pod, b: Pod): boolean {
  const gates = b.spec?.readinessGates ?? [];
  if (!gates.length) return false;
  const of = (p: Pod, type: string) => p.status?.conditions?.find((c) => c.type === type)?.status;
  return gates.some((g) => of(a, g.conditionType) !== of(b, g.conditionType));
}

/** 32-bit FNV-1a of a string. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Go's time.Duration String for whole seconds and minutes: `10s`, `2m40s`, `5m0s`. */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? `${h}h` : ''}${m}m${s % 60}s`;
}
