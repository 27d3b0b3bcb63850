// The composition root of the embedded cluster: one store (etcd), an API server per control-plane
// node over it, the scheduler and the controller manager leader-elected across the control-plane
// nodes, and a kubelet per node — each component a client of the API server with its own identity.
import { createHash, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { isIPv4 } from 'node:net';
import * as path from 'node:path';
import type { Service } from 'kubernetes-types/core/v1';
import { StatusError, statusErrors } from '../api/errors';
import { isMirrorPod } from '../api/meta/mirrorPods';
import type { WebhookCall, WebhookReply } from '../apiserver/admission/webhooks';
import { ApiServer, type ContainerProcess, type ContainerStreams, type PodConnection } from '../apiserver/apiserver';
import { groups, TokenAuthenticator, type UserInfo, users } from '../apiserver/auth/user';
import { ApiClient } from '../apiserver/client';
import type { Obj } from '../apiserver/registry/strategy';
import { EventRecorder } from '../client/eventRecorder';
import { ControllerManager, type SigningCA } from '../controllers/index';
import { standardStorageClass } from '../controllers/localpathprovisioner';
import { ensureServiceAccountKey, ensureServingPKI } from '../http/pki';
import { ServiceAccountTokenSigner } from '../apiserver/auth/serviceAccountToken';
import { createCertificate } from '../util/x509';
import type { LogOptions } from '../kubelet/containerLog';
import { coreDNSImage } from '../kubelet/behavior';
import { Kubelet } from '../kubelet/kubelet';
import { kubeletPort } from '../kubelet/kubeletServer';
import { defaultNodeCapacity, kubeletVersion, type NodeCapacity } from '../kubelet/nodeStatus';
import { VolumeDisks } from '../kubelet/volumeDisks';
import type { NodeUsage } from '../kubelet/usage';
import { serverAddresses } from '../network/corefile';
import { ClusterIPAllocator } from '../network/clusterIPAllocator';
import { defaultClusterCIDR, PodNetwork } from '../network/podNetwork';
import { type Caller, ServiceProxy } from '../network/serviceProxy';
import { Scheduler } from '../scheduler/index';
import { Store } from '../store/index';
import { type Clock, RealClock, rfc3339Micro } from '../util/clock';
import { type ComponentLog, klogLine, structured } from '../util/klog';
import { Random } from '../util/random';
import { kubeletMaySetLabel } from '../api/meta/nodeLabels';
import { type Addons, coreDNSObjects, kubeProxyObjects } from './addons';
import { KubeProxies } from './kubeProxies';
import { LeaderElector } from './leader-election';
import { APIServiceAvailability } from './apiServiceAvailability';
import { clientNetworkObjects, type PodDialer, proxyRoute, type RequestBody, respond, type ServiceResponse } from './request';

export type { Addons } from './addons';
export { LeaderElector, type LeaderElectorOptions } from './leader-election';
export type { ServiceResponse } from './request';

export interface ClusterConfig {
  /** Control-plane nodes (default 1): each runs an API server and a candidate scheduler and controller manager. */
  controlPlaneNodes?: number;
  /** Worker nodes (default 3). */
  workers?: number;
  /** What each node offers (default 4 CPUs, 8Gi, 110 pods). */
  nodeCapacity?: Partial<NodeCapacity>;
  /**
   * The pod network each node's /24 comes from, as kind's `networking.podSubnet` (default
   * 10.244.0.0/16: 256 nodes); a cluster of 5,000 nodes needs a /11.
   */
  podSubnet?: string;
  /** Real time by default; a VirtualClock for tests and benchmarks. */
  clock?: Clock;
  /** Seeds every random choice (uids, names, tokens, IPs), so a run replays exactly. */
  seed?: number;
  /** Persist the store (`store/`) and the PKI (`pki/`) here; without it the cluster lives in memory. */
  stateDir?: string;
  /**
   * The cluster CA bundle (PEM) the root CA publisher puts in every namespace's `kube-root-ca.crt`;
   * by default the CA of `stateDir/pki`, or a CA made for this run when there is no state directory.
   */
  rootCA?: string;
  /**
   * The CA the controller manager's signers issue certificates with for approved
   * CertificateSigningRequests (kube-controller-manager's --cluster-signing-cert-file and
   * --cluster-signing-key-file); by default the cluster's own CA, the one `rootCA` defaults to.
   * With a `rootCA` given and no signing CA, nothing is signed.
   */
  signingCA?: SigningCA;
  /**
   * The key service account tokens are signed with (ECDSA P-256); by default `stateDir/pki/sa.key`,
   * or a key made for this run when there is no state directory.
   */
  serviceAccountKey?: KeyObject;
  /**
   * kubeadm's addons, installed once the control plane is up: CoreDNS (the cluster DNS) and
   * kube-proxy on every node. Both by default, as kubeadm and kind install them. And load balancers
   * for Services of type LoadBalancer, as MetalLB gives on kind (on unless `loadBalancer: false`).
   */
  addons?: Addons;
}

export interface NodeOptions {
  controlPlane?: boolean;
  capacity?: Partial<NodeCapacity>;
  labels?: Record<string, string>;
}

const podsResource = { group: '', version: 'v1', resource: 'pods' } as const;
const nodesResource = { group: '', version: 'v1', resource: 'nodes' } as const;
const servicesResource = { group: '', version: 'v1', resource: 'services' } as const;

export const adminUser: UserInfo = { name: 'kubeside-admin', groups: [groups.masters] };

/** One control-plane node's share of the control plane. */
interface ControlPlaneMember {
  node: string;
  apiServer: ApiServer;
  schedulerElector: LeaderElector;
  controllerManagerElector: LeaderElector;
  scheduler?: Scheduler;
  controllerManager?: ControllerManager;
  /** The logs of the component processes that run on the node. */
  logs: { scheduler: ComponentLog; controllerManager: ComponentLog };
}

export class Cluster {
  readonly clock: Clock;
  readonly random: Random;
  readonly store: Store;
  readonly authenticator = new TokenAuthenticator();
  readonly network: PodNetwork;
  readonly clusterIPs: ClusterIPAllocator;
  readonly disks = new VolumeDisks();
  /** kube-proxy, CoreDNS and the ingress controller: where a simulated request goes (round-robin state). */
  readonly serviceProxy = new ServiceProxy();
  /** Whether each node's kube-proxy runs, and the rules it left where it stopped. */
  private kubeProxies: KubeProxies | undefined;
  private apiServiceAvailability: APIServiceAvailability | undefined;
  /** The bearer token of `kubeside-admin` (group system:masters), for kubeconfig. */
  readonly adminToken: string;
  private readonly config: ClusterConfig;
  private readonly servers: ApiServer[] = [];
  private readonly members: ControlPlaneMember[] = [];
  private readonly kubelets = new Map<string, Kubelet>();
  private readonly failed = new Set<string>();
  private readonly nodeTokens = new Map<string, string>();
  /** Labels of a node that its kubelet may not set (NodeRestriction): the cluster sets them once it registers. */
  private readonly administeredLabels = new Map<string, Record<string, string>>();
  /** Control-plane components' log lines waiting for their container to start, by `node/component`. */
  private readonly waitingLogLines = new Map<string, { at: number; text: string }[]>();
  /** Each node's InternalIP, where a control-plane node's API server listens (:6443). */
  private readonly nodeIPs = new Map<string, string>();
  private workerCount = 0;
  private controlPlaneCount = 0;
  private stopped = false;
  /** Requests through the API server's service proxy so far: each takes the next ready endpoint. */
  private proxyTurn = 0;
  /** The cluster CA bundle the root CA publisher publishes. */
  private readonly rootCA: string;
  private readonly signingCA: SigningCA | undefined;

  /** Signs the service account tokens every API server of the cluster issues and accepts. */
  readonly serviceAccountTokens: ServiceAccountTokenSigner;

  private constructor(config: ClusterConfig & { rootCA: string; serviceAccountKey: KeyObject }, store: Store) {
    this.config = config;
    this.clock = config.clock ?? new RealClock();
    // A cluster restarted from its state directory must not hand out the uids and names it gave
    // before: the seed is mixed with the store's revision (the same state still replays the same).
    this.random = new Random(((config.seed ?? 1) ^ Math.imul(store.revision, 0x9e3779b1)) >>> 0);
    this.store = store;
    this.network = new PodNetwork(config.podSubnet);
    this.clusterIPs = new ClusterIPAllocator(this.random);
    this.rootCA = config.rootCA;
    this.signingCA = config.signingCA;
    this.serviceAccountTokens = new ServiceAccountTokenSigner(config.serviceAccountKey);
    this.adminToken = this.token();
    this.authenticator.add(this.adminToken, adminUser);
  }

  /** Boots a cluster: store, API servers and bootstrap policy, then every node, waiting until each is registered. */
  static async start(config: ClusterConfig = {}): Promise<Cluster> {
    const clock = config.clock ?? new RealClock();
    const pki = config.stateDir ? await ensureServingPKI(path.join(config.stateDir, 'pki'), clock.now()) : undefined;
    const ownCA = pki ? { cert: pki.caCert, key: pki.caKey } : config.rootCA ? undefined : ephemeralCA(clock.now());
    const rootCA = config.rootCA ?? ownCA!.cert;
    const signingCA = config.signingCA ?? ownCA;
    const store = config.stateDir ? await Store.open({ dir: path.join(config.stateDir, 'store'), clock }) : Store.inMemory({ clock });
    // `kubeadm init` runs once: a cluster restarted from its state directory keeps its addons as they were left.
    const fresh = store.revision === 0;
    const serviceAccountKey = config.serviceAccountKey ?? (config.stateDir ? await ensureServiceAccountKey(path.join(config.stateDir, 'pki')) : generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);
    const cluster = new Cluster({ ...config, clock, rootCA, ...(signingCA ? { signingCA } : {}), serviceAccountKey }, store);
    // The API servers come first: kubelets and control-plane components need the bootstrap policy.
    const controlPlane: string[] = [];
    for (let i = 0; i < Math.max(1, config.controlPlaneNodes ?? 1); i++) controlPlane.push(cluster.createNode(undefined, { controlPlane: true }));
    await cluster.apiServer.ensureBootstrap();
    cluster.kubeProxies = new KubeProxies(cluster.adminClient('kube-proxy/v1.36.0'), () => store.revision, config.addons?.kubeProxy !== false);
    await cluster.ensureDefaultStorageClass();
    for (const name of controlPlane) await cluster.startNode(name);
    await cluster.reconcileApiServerEndpoints();
    if (fresh) await cluster.installAddons(config.addons ?? {});
    cluster.apiServiceAvailability = new APIServiceAvailability(
      cluster.adminClient('kube-apiserver'),
      clock,
      // Sent from the node of a live API server, as its aggregator's check is.
      (url) => cluster.request('GET', url, { from: { node: cluster.members.find((m) => !cluster.failed.has(m.node))?.node ?? controlPlane[0]! } }),
      (group, version) => cluster.apiServer.resources().some((k) => k.group === group && k.version === version),
    );
    cluster.apiServiceAvailability.start();
    // The workers boot together, as a cluster's machines do: each kubelet registers its Node and
    // reports it Ready on its own, and the control plane takes their writes as they come (one by
    // one, a thousand joining nodes would each wait for the controllers' work on the last).
    const workers = Array.from({ length: config.workers ?? 3 }, () => cluster.createNode(undefined, {}));
    await Promise.all(workers.map((name) => cluster.startNode(name)));
    return cluster;
  }

  /** The first control-plane node's API server (all of them serve the same store). */
  get apiServer(): ApiServer {
    const server = this.servers[0];
    if (!server) throw new Error('the cluster has no control-plane node');
    return server;
  }

  get apiServers(): readonly ApiServer[] {
    return this.servers;
  }

  /** A client as `kubeside-admin` (system:masters), on the first running API server. */
  adminClient(userAgent = 'kubeside'): ApiClient {
    return new ApiClient(this.liveApiServer(), adminUser, userAgent);
  }

  /** Node names, control plane first. */
  nodeNames(): string[] {
    return [...this.kubelets.keys()];
  }

  kubelet(node: string): Kubelet | undefined {
    return this.kubelets.get(node);
  }

  /** Which control-plane node's scheduler and controller manager lead now (as their candidates see it). */
  leaders(): { scheduler?: string; controllerManager?: string } {
    const scheduler = this.members.find((m) => m.schedulerElector.isLeader)?.node;
    const controllerManager = this.members.find((m) => m.controllerManagerElector.isLeader)?.node;
    return { ...(scheduler ? { scheduler } : {}), ...(controllerManager ? { controllerManager } : {}) };
  }

  /** What metrics-server scrapes: the usage summary of every kubelet that runs (metrics.k8s.io reads it). */
  nodeUsage(): NodeUsage[] {
    return [...this.kubelets.values()].flatMap((k) => k.usageSummary() ?? []);
  }

  /** The log of a container of a pod, from the kubelet of the pod's node (the pods/log subresource). */
  logs(namespace: string, pod: string, container?: string, options: LogOptions = {}): string {
    return this.kubeletOf(namespace, pod).logs(namespace, pod, container, options);
  }

  /** The kubelet of the node a pod is bound to; a pod not yet on a node has no log, as the API server answers. */
  private kubeletOf(namespace: string, pod: string): Kubelet {
    const obj = this.adminClient().get(podsResource, namespace, pod);
    const kubelet = obj.spec?.nodeName ? this.kubelets.get(obj.spec.nodeName) : undefined;
    if (!kubelet?.isRunning) throw statusErrors.badRequest(obj.spec?.nodeName ? `Get "https://${obj.spec.nodeName}:10250/containerLogs/${namespace}/${pod}": dial tcp: connect: connection refused` : `pod ${pod} does not have a host assigned`);
    return kubelet;
  }

  /** `kubectl logs -f`: streams a container's log from the kubelet of the pod's node until it exits. */
  followLogs(namespace: string, pod: string, container: string | undefined, options: LogOptions, onData: (text: string) => void, onEnd?: () => void): { dispose(): void } {
    return this.kubeletOf(namespace, pod).followLogs(namespace, pod, container, options, onData, onEnd);
  }

  /** `kubectl exec`: runs a command in a container, through the kubelet of the pod's node (pods/exec). */
  exec(namespace: string, pod: string, container: string, command: string[], streams: ContainerStreams): ContainerProcess {
    return this.streamingKubelet(namespace, pod).exec(namespace, pod, container, command, streams);
  }

  /** `kubectl attach`: a running container's output, through the kubelet of the pod's node (pods/attach). */
  attach(namespace: string, pod: string, container: string, streams: ContainerStreams): ContainerProcess {
    return this.streamingKubelet(namespace, pod).attach(namespace, pod, container, streams);
  }

  /** `kubectl port-forward`: a connection to a port of a pod, through the kubelet of its node (pods/portforward). */
  portForward(namespace: string, pod: string, port: number, onData: (data: Buffer) => void, onEnd: () => void): PodConnection {
    return this.streamingKubelet(namespace, pod).portForward(namespace, pod, port, onData, onEnd);
  }

  /**
   * A simulated HTTP request sent inside the cluster (from a pod or a node) or from outside it: its
   * way through Ingress, Service and node port, and the answer of the pod it reached (see ../network).
   * Throws a 404 Status when `from` names a pod or node that does not exist.
   */
  request(method: string, url: string, options: { from?: Caller; body?: RequestBody } = {}): ServiceResponse {
    const objects = clientNetworkObjects(this.adminClient('kube-proxy/v1.36.0'));
    const route = this.serviceProxy.route(objects, { url, ...(options.from ? { from: options.from } : {}) }, this.clock.now(), (node) => this.kubeProxies?.rulesOf(node));
    return respond(route, method, url, this.dialPod, options.body);
  }

  /**
   * An admission webhook call of the API server on `node`. kube-apiserver resolves a webhook's
   * Service to its cluster IP and dials that from its own node, so the call takes that node's
   * kube-proxy rules as any client's would: no ready endpoint, and it is refused. A URL is dialed as
   * written; the node's resolver knows none of the cluster's names, so only an address reaches it.
   */
  private callWebhook(node: string, call: WebhookCall): WebhookReply {
    let target: string;
    if (call.service) {
      const { namespace, name, port, path } = call.service;
      const service = this.adminClient('kube-apiserver').tryGet(servicesResource, namespace, name) as Service | undefined;
      if (!service) return { error: `service ${JSON.stringify(name)} not found` };
      const type = service.spec?.type ?? 'ClusterIP';
      if (type === 'ExternalName') return { error: `dial tcp: lookup ${service.spec?.externalName ?? ''}: no such host` };
      if (service.spec?.clusterIP === 'None') return { error: 'cannot route to service with ClusterIP "None"' };
      if (!(service.spec?.ports ?? []).some((p) => p.port === port)) return { error: `no service port ${port} found for service ${JSON.stringify(name)}` };
      target = `http://${service.spec?.clusterIP ?? ''}:${port}${path}`;
    } else {
      const url = new URL(call.url ?? '');
      if (!isIPv4(url.hostname)) return { error: `dial tcp: lookup ${url.hostname}: no such host` };
      target = `http://${url.hostname}:${url.port || 443}${url.pathname}${url.search}`;
    }
    const answer = this.request('POST', target, { from: { node }, body: { contentType: 'application/json', data: call.body } });
    return answer.error !== undefined ? { error: answer.error } : { status: answer.status, body: answer.body };
  }

  /**
   * What ComponentStatus reports of the scheduler and the controller manager: kube-apiserver probes
   * their health endpoints on its own node (127.0.0.1:10259 and :10257), so a component is healthy
   * while the node of the first live API server runs.
   */
  componentHealth(): { name: string; error?: string }[] {
    const member = this.members.find((m) => !this.failed.has(m.node));
    const refused = (port: number) => `Get "https://127.0.0.1:${port}/healthz": dial tcp 127.0.0.1:${port}: connect: connection refused`;
    return [
      { name: 'scheduler', ...(member ? {} : { error: refused(10259) }) },
      { name: 'controller-manager', ...(member ? {} : { error: refused(10257) }) },
    ];
  }

  /**
   * kube-apiserver's proxy subresource (services/<name>[:port]/proxy/<path>, pods/<name>[:port]/proxy/<path>):
   * one HTTP exchange with a ready endpoint of the Service or with the pod, straight to its address.
   * Undefined when the Service or pod does not exist.
   */
  proxy(resource: 'services' | 'pods' | 'nodes', namespace: string, target: string, method: string, path: string, body?: RequestBody): ServiceResponse | undefined {
    if (resource === 'nodes') return this.nodeProxy(target, method, path);
    const route = proxyRoute(clientNetworkObjects(this.adminClient('kube-apiserver')), resource, namespace, target, this.proxyTurn++);
    if (!route) return undefined;
    const host = route.outcome === 'pod' ? `${route.pod.ip}:${route.pod.port}` : 'localhost';
    return respond(route, method, `http://${host}${path}`, this.dialPod, body);
  }

  /**
   * nodes/<name>[:port]/proxy/<path>: one request to the node's kubelet API at its InternalIP, port
   * 10250 (the only one a kind node listens on for it). A node that is down refuses the connection.
   * Undefined when the Node does not exist.
   */
  private nodeProxy(target: string, method: string, path: string): ServiceResponse | undefined {
    const parts = target.split(':');
    const [name = '', port = String(kubeletPort)] = parts.length === 3 ? parts.slice(1) : parts;
    const node = this.adminClient('kube-apiserver').tryGet(nodesResource, undefined, name);
    if (!node) return undefined;
    const kubelet = this.kubelets.get(name);
    const ip = node.status?.addresses?.find((a: { type: string }) => a.type === 'InternalIP')?.address ?? name;
    if (!kubelet?.isRunning || port !== String(kubeletPort)) return { headers: {}, body: '', error: `dial tcp ${ip}:${port}: connect: connection refused`, hops: [] };
    const answer = kubelet.serve(method, path);
    return { status: answer.status, headers: { 'Content-Type': answer.contentType }, body: answer.body, hops: [] };
  }

  /** A connection to a routed pod's port, through its node's kubelet; undefined when that node is down. */
  private readonly dialPod: PodDialer = (pod, onData, onEnd) => {
    const kubelet = pod.node ? this.kubelets.get(pod.node) : undefined;
    return kubelet?.isRunning ? kubelet.portForward(pod.namespace, pod.name, pod.port, onData, onEnd) : undefined;
  };

  /** The kubelet of a pod's node, or the error of dialing a node whose kubelet is down. */
  private streamingKubelet(namespace: string, pod: string): Kubelet {
    const obj = this.adminClient().get(podsResource, namespace, pod);
    const node = obj.spec?.nodeName ?? '';
    const kubelet = this.kubelets.get(node);
    if (!kubelet?.isRunning) throw new Error(`error dialing backend: dial tcp ${node}:10250: connect: connection refused`);
    return kubelet;
  }


  /**
   * Adds a node and starts its kubelet, which registers it. Workers are named `worker-1`, `worker-2`…
   * and control-plane nodes `control-plane`, `control-plane-2`…, as kind names them.
   */
  async addNode(name?: string, options: NodeOptions = {}): Promise<Kubelet> {
    const nodeName = this.createNode(name, options);
    await this.startNode(nodeName);
    return this.kubelets.get(nodeName)!;
  }

  /** The node stops: no heartbeats, its containers die, its control-plane components stop leading. */
  async failNode(name: string): Promise<void> {
    const kubelet = this.mustKubelet(name);
    this.failed.add(name);
    kubelet.stop();
    const member = this.members.find((m) => m.node === name);
    if (member) {
      // No clean hand-over: the others take the leases once they expire.
      await member.schedulerElector.stop(false);
      await member.controllerManagerElector.stop(false);
      await this.reconcileApiServerEndpoints();
    }
  }

  /** The node comes back: its kubelet starts again (its pods' containers restart) and it rejoins elections. */
  async recoverNode(name: string): Promise<void> {
    this.mustKubelet(name);
    this.failed.delete(name);
    await this.startNode(name);
    if (this.members.some((m) => m.node === name)) await this.reconcileApiServerEndpoints();
  }

  /**
   * `kubectl drain`: cordons the node, then evicts its pods through the eviction API (so
   * PodDisruptionBudgets are honoured: a refused eviction is retried every 5 s of the clock) and
   * waits until they are gone. DaemonSet pods and mirror pods stay, as `--ignore-daemonsets` leaves them.
   */
  async drain(name: string, options: { timeoutSeconds?: number } = {}): Promise<void> {
    await this.cordon(name);
    const admin = this.adminClient('kubectl/v1.36.0');
    const deadline = this.clock.now() + (options.timeoutSeconds ?? 300) * 1000;
    const podsOnNode = () =>
      (admin.list(podsResource, undefined, { fieldSelector: `spec.nodeName=${name}` }).items as Obj[]).filter(
        (p) => !(p.metadata.ownerReferences ?? []).some((o: Obj) => o.controller && o.kind === 'DaemonSet') && !isMirrorPod(p),
      );
    for (;;) {
      const remaining = podsOnNode();
      if (remaining.length === 0) return;
      for (const pod of remaining) {
        if (pod.metadata.deletionTimestamp) continue;
        try {
          await admin.create(podsResource, pod.metadata.namespace, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace } }, {}, { name: pod.metadata.name, subresource: 'eviction' });
        } catch (err) {
          // 429: a disruption budget says not now; 404: already gone.
          if (!(err instanceof StatusError && (err.code === 429 || err.code === 404))) throw err;
        }
      }
      if (this.clock.now() >= deadline) throw new Error(`drain did not complete within ${options.timeoutSeconds ?? 300}s: ${remaining.length} pod(s) left on node ${name}`);
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, 5000));
    }
  }

  /** `kubectl delete node`: the kubelet stops and the Node goes; its pod CIDR and address return to the pool. */
  async removeNode(name: string): Promise<void> {
    const kubelet = this.mustKubelet(name);
    if (this.members.some((m) => m.node === name)) throw new Error(`node ${name} is a control-plane node`);
    kubelet.stop();
    this.kubelets.delete(name);
    this.failed.delete(name);
    this.authenticator.remove(this.nodeTokens.get(name) ?? '');
    this.nodeTokens.delete(name);
    try {
      await this.adminClient('kubectl/v1.36.0').delete({ group: '', version: 'v1', resource: 'nodes' }, undefined, name);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
    this.network.detach(name);
  }

  /** `kubectl cordon`: no new pods are scheduled on the node. */
  async cordon(name: string): Promise<void> {
    await this.setUnschedulable(name, true);
  }

  /** `kubectl uncordon`. */
  async uncordon(name: string): Promise<void> {
    await this.setUnschedulable(name, false);
  }

  /** Stops every component; the leaders hand their leases back; a persisted store is flushed and closed. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.kubeProxies?.stop();
    this.apiServiceAvailability?.stop();
    for (const m of this.members) {
      await m.schedulerElector.stop(true);
      await m.controllerManagerElector.stop(true);
    }
    for (const k of this.kubelets.values()) k.stop();
    for (const server of this.servers) server.stop();
    await this.store.close();
  }

  /** Waits until every kubelet's pending pod status writes are in the API server. */
  async flushStatus(): Promise<void> {
    for (const k of this.kubelets.values()) if (k.isRunning) await k.flushStatus();
  }

  // ---- internals ----

  /**
   * The default StorageClass, as kind installs `standard` when it creates a cluster; made when
   * absent, so a cluster kept from before has one too.
   */
  private attachNetwork(nodeName: string): ReturnType<PodNetwork['attach']> {
    const network = this.network.attach(nodeName);
    this.nodeIPs.set(nodeName, network.internalIP);
    return network;
  }

  /**
   * The `kubernetes` Service's endpoints: the API server of every control-plane node that runs, at its
   * InternalIP:6443 — what kube-apiserver's endpoint reconciler keeps in the Endpoints and the
   * EndpointSlice named `kubernetes` (the Service has no selector, so no controller manages them).
   */
  private async reconcileApiServerEndpoints(): Promise<void> {
    const ips = this.members.filter((m) => !this.failed.has(m.node)).map((m) => this.nodeIPs.get(m.node)!).sort();
    const admin = this.adminClient('kube-apiserver/v1.36.0');
    const port = { name: 'https', port: 6443, protocol: 'TCP' };
    const meta = { name: 'kubernetes', namespace: 'default' };
    await admin.apply({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { ...meta, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: ips.length ? [{ addresses: ips.map((ip) => ({ ip })), ports: [port] }] : [],
    }, 'kube-apiserver', { force: true });
    await admin.apply({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { ...meta, labels: { 'kubernetes.io/service-name': 'kubernetes' } },
      addressType: 'IPv4',
      endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
      ports: [port],
    }, 'kube-apiserver', { force: true });
  }

  /**
   * kubeadm's addon phases of `init`: creates the addons' objects, as kubeadm (user agent `kubeadm`)
   * does, through the API like any client.
   */
  private async installAddons(addons: Addons): Promise<void> {
    const objects = [
      ...(addons.coreDNS !== false ? coreDNSObjects() : []),
      ...(addons.kubeProxy !== false ? kubeProxyObjects({ apiServer: `https://${this.nodeIPs.get(this.members[0]!.node)}:6443`, clusterCIDR: this.config.podSubnet ?? defaultClusterCIDR }) : []),
    ];
    const kubeadm = this.adminClient(`kubeadm/${kubeletVersion}`);
    for (const obj of objects) {
      try {
        await kubeadm.create(ApiClient.resourceOf(obj), obj.metadata.namespace, obj);
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 409)) throw err;
      }
    }
  }

  private async ensureDefaultStorageClass(): Promise<void> {
    const admin = this.adminClient();
    const type = ApiClient.resourceOf(standardStorageClass);
    if (admin.tryGet(type, undefined, standardStorageClass.metadata.name)) return;
    try {
      await admin.create(type, undefined, structuredClone(standardStorageClass), { fieldManager: 'kubeside' });
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    }
  }

  private controlPlaneMember(node: string, apiServer: ApiServer): ControlPlaneMember {
    const member: ControlPlaneMember = { node, apiServer } as ControlPlaneMember;
    const clientAs = (user: UserInfo, agent: string) => new ApiClient(apiServer, user, agent);
    const schedulerClient = clientAs({ name: users.scheduler, groups: [groups.authenticated] }, 'kube-scheduler/v1.36.0');
    const cmClient = clientAs({ name: users.controllerManager, groups: [groups.authenticated] }, 'kube-controller-manager/v1.36.0');
    const identity = () => `${node}_${this.uuid()}`;
    const schedulerLog = this.componentLog(node, 'kube-scheduler');
    const cmLog = this.componentLog(node, 'kube-controller-manager');
    member.schedulerElector = new LeaderElector({
      client: schedulerClient,
      clock: this.clock,
      namespace: 'kube-system',
      name: 'kube-scheduler',
      identity: identity(),
      log: schedulerLog,
      recorder: new EventRecorder(schedulerClient, this.clock, 'default-scheduler', undefined, schedulerLog),
      onStartedLeading: () => {
        member.scheduler = new Scheduler({ client: schedulerClient, clock: this.clock, random: new Random(this.random.next()), log: schedulerLog });
        void member.scheduler.start();
      },
      onStoppedLeading: () => {
        member.scheduler?.stop();
        member.scheduler = undefined;
      },
    });
    member.controllerManagerElector = new LeaderElector({
      client: cmClient,
      clock: this.clock,
      namespace: 'kube-system',
      name: 'kube-controller-manager',
      identity: identity(),
      log: cmLog,
      recorder: new EventRecorder(cmClient, this.clock, 'kube-controller-manager', undefined, cmLog),
      onStartedLeading: () => {
        const disabled = this.config.addons?.loadBalancer === false ? ['service-lb-controller'] : [];
        member.controllerManager = new ControllerManager({ client: cmClient, clock: this.clock, random: new Random(this.random.next()), rootCA: this.rootCA, ...(this.signingCA ? { signingCA: this.signingCA } : {}), serviceAccountTokens: this.serviceAccountTokens, disabled, log: cmLog });
        void member.controllerManager.start();
      },
      onStoppedLeading: () => {
        member.controllerManager?.stop();
        member.controllerManager = undefined;
      },
    });
    member.logs = { scheduler: schedulerLog, controllerManager: cmLog };
    return member;
  }

  /**
   * The log of a control-plane component of `node`: klog lines in the log of the container its
   * static pod runs it in (`kubectl logs -n kube-system kube-scheduler-<node>`). Lines written
   * before that container runs wait for it to start, as a process's first lines wait for its start.
   */
  private componentLog(node: string, component: string): ComponentLog {
    const key = `${node}/${component}`;
    return {
      write: (severity, source, message) => {
        const at = this.clock.now();
        const line = { at, text: klogLine(severity, at, source, message) };
        const waiting = this.waitingLogLines.get(key);
        if (!waiting && this.kubelets.get(node)?.writeContainerLog('kube-system', `${component}-${node}`, component, at, line.text)) return;
        if (!waiting) this.waitingLogLines.set(key, [line]);
        // A process that never starts keeps only its last lines, as a pipe's buffer would.
        else if (waiting.push(line) > 1_000) waiting.shift();
      },
    };
  }

  /** A control-plane node's container started: a component that runs in it writes what it had to say. */
  private flushComponentLog(node: string, namespace: string, podName: string, container: string): void {
    const key = `${node}/${container}`;
    const waiting = this.waitingLogLines.get(key);
    if (namespace !== 'kube-system' || podName !== `${container}-${node}` || !waiting) return;
    this.waitingLogLines.delete(key);
    for (const line of waiting) this.kubelets.get(node)?.writeContainerLog(namespace, podName, container, line.at, line.text);
  }

  /**
   * What the process of one of the cluster's own images prints as it starts on `node`: kube-proxy
   * (in the IPVS mode the addon configures) its proxier, its node's IP, its version and its
   * informers syncing; kube-apiserver its address and version; CoreDNS its zone and the SHA-512 of
   * the Corefile it loaded, as its reload plugin prints it.
   */
  private processStarted(node: string, namespace: string, pod: string, container: string, image: string): void {
    const at = this.clock.now();
    const ip = this.nodeIPs.get(node) ?? '';
    const klog = (lines: [string, string][]) => lines.map(([source, message]) => klogLine('I', at, source, message));
    let output: string[] = [];
    if (/(^|\/)kube-proxy(:|@|$)/.test(image)) {
      output = klog([
        ['server_linux.go:66', structured('Using ipvs Proxier')],
        ['server.go:698', `${structured('Successfully retrieved node IP(s)')} IPs=[${JSON.stringify(ip)}]`],
        ['server.go:853', structured('Version info', { version: kubeletVersion })],
        ['config.go:199', structured('Starting service config controller')],
        ['shared_informer.go:313', 'Waiting for caches to sync for service config'],
        ['config.go:105', structured('Starting endpoint slice config controller')],
        ['shared_informer.go:313', 'Waiting for caches to sync for endpoint slice config'],
        ['shared_informer.go:320', 'Caches are synced for service config'],
        ['shared_informer.go:320', 'Caches are synced for endpoint slice config'],
      ]);
      void this.kubeProxyStarting(node, at);
    } else if (/(^|\/)kube-apiserver(:|@|$)/.test(image)) {
      output = klog([
        ['options.go:221', `external host was not specified, using ${ip}`],
        ['server.go:148', `Version: ${kubeletVersion}`],
        ['secure_serving.go:213', 'Serving securely on [::]:6443'],
      ]);
    } else if (coreDNSImage.test(image)) {
      const corefile = this.adminClient().tryGet({ group: '', version: 'v1', resource: 'configmaps' }, 'kube-system', 'coredns')?.data?.Corefile;
      const servers = typeof corefile === 'string' ? serverAddresses(corefile) : undefined;
      if (servers) output = [...servers, `[INFO] plugin/reload: Running configuration SHA512 = ${createHash('sha512').update(corefile).digest('hex')}`, `CoreDNS-${image.split(':').pop()!.replace(/^v/, '')}`];
    }
    const kubelet = this.kubelets.get(node);
    for (const line of output) kubelet?.writeContainerLog(namespace, pod, container, at, line);
  }

  /**
   * The event kube-proxy records on its Node as it starts, through the events.k8s.io API (`kubectl
   * describe node` shows it as `Starting` from kube-proxy): action StartKubeProxy, no note, the
   * Node referred to by its name as kube-proxy refers to it, reported by `kube-proxy-<hostname>`
   * (kube-proxy runs on the host's network, so its hostname is the node's).
   */
  private async kubeProxyStarting(node: string, at: number): Promise<void> {
    const eventTime = rfc3339Micro(at);
    try {
      await this.adminClient('kube-proxy/v1.36.0').create({ group: 'events.k8s.io', version: 'v1', resource: 'events' }, 'default', {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: `${node}.${(BigInt(Math.floor(at)) * 1_000_000n).toString(16)}`, namespace: 'default' },
        eventTime,
        reportingController: 'kube-proxy',
        reportingInstance: `kube-proxy-${node}`,
        action: 'StartKubeProxy',
        reason: 'Starting',
        regarding: { kind: 'Node', name: node, uid: node, apiVersion: 'v1' },
        note: '',
        type: 'Normal',
      });
    } catch {
      // An event that cannot be written is dropped, as the events library drops it.
    }
  }

  /** Creates a node's kubelet (and, for the control plane, its API server and election candidates). */
  private createNode(name: string | undefined, options: NodeOptions): string {
    const controlPlane = !!options.controlPlane;
    const nodeName = name ?? (controlPlane ? (++this.controlPlaneCount === 1 ? 'control-plane' : `control-plane-${this.controlPlaneCount}`) : `worker-${++this.workerCount}`);
    if (this.kubelets.has(nodeName)) throw new Error(`node ${nodeName} already exists`);
    if (controlPlane) {
      const apiServer = new ApiServer({ store: this.store, clock: this.clock, random: new Random(this.random.next()), authenticator: this.authenticator, serviceAccountTokens: this.serviceAccountTokens });
      // pods/log, exec, attach and portforward reach the kubelet of the pod's node.
      apiServer.setPodLogSource(this);
      apiServer.setPodExecSource(this);
      apiServer.setWebhookTransport((call) => this.callWebhook(nodeName, call));
      apiServer.setMetricsSource(this);
      this.servers.push(apiServer);
      this.members.push(this.controlPlaneMember(nodeName, apiServer));
    }
    const token = this.token();
    this.authenticator.add(token, { name: users.node(nodeName), groups: [groups.nodes] });
    this.nodeTokens.set(nodeName, token);
    const capacity = { ...defaultNodeCapacity, ...(this.config.nodeCapacity ?? {}), ...(options.capacity ?? {}) };
    const server = this.liveApiServer();
    this.kubelets.set(nodeName, new Kubelet({
      nodeName,
      // Authenticated by its token, as a kubelet's requests to a remote API server are.
      client: new ApiClient(server, server.authenticate(token), 'kubelet/v1.36.0'),
      clock: this.clock,
      random: new Random(this.random.next()),
      network: this.attachNetwork(nodeName),
      disks: this.disks,
      podTraffic: {
        request: (from, method, url, body) => this.request(method, url, { from, ...(body ? { body } : {}) }),
        lookup: (from, name) => this.serviceProxy.lookupName(clientNetworkObjects(this.adminClient('coredns/v1.12.1')), name, from, (node) => this.kubeProxies?.rulesOf(node)),
      },
      capacity,
      controlPlane,
      labels: Object.fromEntries(Object.entries(options.labels ?? {}).filter(([k]) => kubeletMaySetLabel(k))),
    }));
    this.kubelets.get(nodeName)!.onContainerStart((namespace, pod, container, image) => {
      if (controlPlane) this.flushComponentLog(nodeName, namespace, pod, container);
      this.processStarted(nodeName, namespace, pod, container, image);
    });
    // What the kubelet may not set on its own Node, the cluster sets once it has registered, as
    // kubeadm's mark-control-plane phase sets the control-plane role (and an administrator the rest).
    const administered = Object.entries(options.labels ?? {}).filter(([k]) => !kubeletMaySetLabel(k));
    if (controlPlane) administered.push(['node-role.kubernetes.io/control-plane', ''], ['node.kubernetes.io/exclude-from-external-load-balancers', '']);
    if (administered.length) this.administeredLabels.set(nodeName, Object.fromEntries(administered));
    return nodeName;
  }

  private async startNode(name: string): Promise<void> {
    await this.mustKubelet(name).start();
    const labels = this.administeredLabels.get(name);
    if (labels) await this.adminClient('kubeadm').patch({ group: '', version: 'v1', resource: 'nodes' }, undefined, name, 'strategic', { metadata: { labels } });
    const member = this.members.find((m) => m.node === name);
    if (member) {
      // Each component's process starts, says which version it is, then competes for its lease.
      member.logs.scheduler.write('I', 'server.go:167', structured('Starting Kubernetes Scheduler', { version: kubeletVersion }));
      member.schedulerElector.start();
      member.logs.controllerManager.write('I', 'controllermanager.go:193', structured('Starting', { version: kubeletVersion }));
      member.controllerManagerElector.start();
    }
  }

  /** The API server of the first control-plane node that has not failed. */
  private liveApiServer(): ApiServer {
    return (this.members.find((m) => !this.failed.has(m.node)) ?? this.members[0])?.apiServer ?? this.apiServer;
  }

  private mustKubelet(name: string): Kubelet {
    const k = this.kubelets.get(name);
    if (!k) throw new Error(`node ${name} not found`);
    return k;
  }

  private async setUnschedulable(name: string, unschedulable: boolean): Promise<void> {
    await this.adminClient('kubectl/v1.36.0').patch({ group: '', version: 'v1', resource: 'nodes' }, undefined, name, 'strategic', { spec: { unschedulable: unschedulable || null } });
  }

  /** A bearer token: credentials come from the system's secure source, never the seeded randomness. */
  private token(): string {
    return secureTokens.next();
  }

  private uuid(): string {
    const h = () => this.random.next().toString(16).padStart(8, '0');
    return `${h()}-${h().slice(0, 4)}-4${h().slice(0, 3)}-a${h().slice(0, 3)}-${h()}${h().slice(0, 4)}`;
  }
}

/** A self-signed cluster CA for a cluster that keeps no state: valid ten years from now. */
function ephemeralCA(now: number): SigningCA {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { cert: createCertificate({ publicKey: pair.publicKey, signingKey: pair.privateKey, commonName: 'kubeside-ca', notBefore: now - 3_600_000, notAfter: now + 10 * 365 * 86_400_000, isCA: true }), key: pair.privateKey };
}

/**
 * Bearer tokens of 32 random bytes from the system's secure source, drawn from a buffer filled 256
 * tokens at a time: a cluster of 5,000 nodes makes a token per kubelet, and each small read of the
 * secure source costs a system call.
 */
class SecureTokens {
  private pool = Buffer.alloc(0);
  private offset = 0;

  next(): string {
    if (this.offset + 32 > this.pool.length) {
      this.pool = randomBytes(32 * 256);
      this.offset = 0;
    }
    const token = this.pool.toString('hex', this.offset, this.offset + 32);
    // A token handed out is not kept in the pool.
    this.pool.fill(0, this.offset, this.offset + 32);
    this.offset += 32;
    return token;
  }
}

const secureTokens = new SecureTokens();
