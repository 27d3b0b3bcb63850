// The Topology panel's data, free of `vscode`: the app graph of each namespace (Ingress → Service →
// pods ← ReplicaSet ← Deployment, pods ← StatefulSet, pods → the ConfigMaps, Secrets and claims they
// use) built from the informer cache, and per cache batch the nodes and edges that changed. It also
// answers where a simulated request goes (requestPath.ts), in the graph's node ids.
import { podStatus } from '../../engine/http/printers';
import type { Disposable, KubeObj, ObjectRef } from '../backend/clusterBackend';
import { type CacheChange, type ClusterCache, type WatchedKind, watchedResources } from '../cache/clusterCache';
import type { ChangesMessage, EdgeRelation, InitMessage, RequestPathMessage, TopologyEdge, TopologyKind, TopologyNode, TopologyStatus } from './protocol/topology';
import { type Hop, RequestRouter } from './requestPath';

/** A controller with more pods than this shows them as one "pods ×N" node, so a graph stays readable and fast. */
export const podGroupThreshold = 20;

/** The resource types the graph is built from; changes to others (events, nodes) never touch it. */
const graphKinds = new Set<WatchedKind>(['ingresses', 'services', 'endpointslices', 'deployments', 'replicasets', 'replicationcontrollers', 'statefulsets', 'pods', 'configmaps', 'secrets', 'persistentvolumeclaims']);

const watchedKindOf: Partial<Record<TopologyKind, WatchedKind>> = {
  Ingress: 'ingresses',
  Service: 'services',
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  ReplicaSet: 'replicasets',
  ReplicationController: 'replicationcontrollers',
  Pod: 'pods',
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  PersistentVolumeClaim: 'persistentvolumeclaims',
};

const serviceNameLabel = 'kubernetes.io/service-name';

/** One namespace's part of the graph; every edge stays within a namespace, so each is built alone. */
interface Subgraph {
  readonly nodes: Map<string, TopologyNode>;
  readonly edges: Map<string, TopologyEdge>;
  /** Pod name → the node that shows it: its own, or its controller's PodGroup. */
  readonly podNodes: Map<string, string>;
}

export type TopologyRef = ObjectRef & { kind: string };

export interface TopologyModelOptions {
  /** Pods per controller above which they are grouped (default podGroupThreshold). */
  readonly podGroupThreshold?: number;
}

export function nodeId(kind: TopologyKind, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

export class TopologyModel implements Disposable {
  private readonly namespaces = new Map<string, Subgraph>();
  private readonly listeners = new Set<(message: ChangesMessage) => void>();
  private readonly subscription: Disposable;
  private readonly router: RequestRouter;
  private readonly groupAbove: number;

  constructor(
    private readonly cache: ClusterCache,
    options: TopologyModelOptions = {},
  ) {
    this.groupAbove = options.podGroupThreshold ?? podGroupThreshold;
    this.router = new RequestRouter({
      ingress: (namespace, name) => cache.get('ingresses', namespace, name),
      service: (namespace, name) => cache.get('services', namespace, name),
      endpointSlices: (namespace, service) => cache.byIndex('endpointslices', 'namespace', namespace).filter((s) => s.metadata?.labels?.[serviceNameLabel] === service),
    });
    const names = new Set<string>();
    for (const kind of ['ingresses', 'services', 'deployments', 'statefulsets', 'replicasets', 'pods'] as const) for (const o of cache.list(kind)) names.add(o.metadata?.namespace ?? '');
    for (const namespace of [...names].sort()) this.namespaces.set(namespace, this.build(namespace));
    this.subscription = cache.onDidChange((changes) => this.apply(changes));
  }

  snapshot(): InitMessage {
    const nodes: TopologyNode[] = [];
    const edges: TopologyEdge[] = [];
    for (const graph of this.namespaces.values()) {
      nodes.push(...graph.nodes.values());
      edges.push(...graph.edges.values());
    }
    return { type: 'init', nodes, edges };
  }

  /** Hears one message per cache batch that changed the graph. */
  onDidChange(listener: (message: ChangesMessage) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The object a node stands for (a PodGroup: its controller), for the reveal commands; undefined for an unknown id. */
  ref(id: string): TopologyRef | undefined {
    const node = this.node(id);
    if (!node) return undefined;
    const [kind, name] = node.kind === 'PodGroup' ? (id.split('/').slice(2) as [TopologyKind, string]) : [node.kind, node.name];
    const watched = watchedKindOf[kind];
    return watched && { type: watchedResources[watched], namespace: node.namespace, name, kind };
  }

  /** Sends a simulated request to an Ingress or Service node; undefined when the id is neither. */
  sendRequest(id: string, target?: string): RequestPathMessage | undefined {
    const node = this.node(id);
    if (node?.kind !== 'Ingress' && node?.kind !== 'Service') return undefined;
    const path = node.kind === 'Ingress' ? this.router.toIngress(node.namespace, node.name, target) : this.router.toService(node.namespace, node.name, target);
    return { type: 'requestPath', request: path.request, hops: path.hops.map((hop) => this.hopId(hop)), ok: path.ok, message: path.message };
  }

  dispose(): void {
    this.subscription.dispose();
    this.listeners.clear();
  }

  private node(id: string): TopologyNode | undefined {
    const namespace = id.split('/')[1] ?? '';
    return this.namespaces.get(namespace)?.nodes.get(id);
  }

  private hopId(hop: Hop): string {
    if (hop.kind !== 'Pod') return nodeId(hop.kind, hop.namespace, hop.name);
    return this.namespaces.get(hop.namespace)?.podNodes.get(hop.name) ?? nodeId('Pod', hop.namespace, hop.name);
  }

  /**
   * Rebuilds the namespaces a batch touched and sends what differs. Level-triggered like a
   * controller's sync: each namespace's graph is recomputed from the cache as it is now, so the
   * order and duplication of events within a batch cannot leave the graph wrong.
   */
  private apply(changes: readonly CacheChange[]): void {
    const touched = new Set<string>();
    for (const change of changes) if (graphKinds.has(change.kind)) touched.add(change.object.metadata?.namespace ?? '');
    const upserted: TopologyNode[] = [];
    const edges: TopologyEdge[] = [];
    const removed: string[] = [];
    for (const namespace of touched) {
      const before = this.namespaces.get(namespace);
      const after = this.build(namespace);
      if (after.nodes.size) this.namespaces.set(namespace, after);
      else this.namespaces.delete(namespace);
      diff(before?.nodes, after.nodes, upserted, removed);
      diff(before?.edges, after.edges, edges, removed);
    }
    if (!upserted.length && !edges.length && !removed.length) return;
    const message: ChangesMessage = { type: 'changes', nodes: upserted, edges, removed };
    for (const listener of [...this.listeners]) listener(message);
  }

  private build(namespace: string): Subgraph {
    const graph: Subgraph = { nodes: new Map(), edges: new Map(), podNodes: new Map() };
    const inNamespace = (kind: WatchedKind) => this.cache.byIndex(kind, 'namespace', namespace);
    const add = (node: TopologyNode) => graph.nodes.set(node.id, node);
    const link = (source: string, target: string, relation: EdgeRelation, ready?: boolean) => {
      const id = `${source}>${target}`;
      const existing = graph.edges.get(id);
      // A pod both mounting and reading a ConfigMap in env shows one `mounts` edge; a PodGroup's
      // endpoint edge is ready when any of its pods is.
      if (existing && (relation === 'env' || (existing.ready === true && relation === 'endpoint'))) return;
      graph.edges.set(id, ready === undefined ? { id, source, target, relation } : { id, source, target, relation, ready });
    };

    for (const d of inNamespace('deployments')) add(workloadNode('Deployment', d));
    for (const s of inNamespace('statefulsets')) add(workloadNode('StatefulSet', s));
    for (const rc of inNamespace('replicationcontrollers')) add(workloadNode('ReplicationController', rc));
    for (const rs of inNamespace('replicasets')) {
      // A Deployment keeps its old ReplicaSets at zero replicas as rollout history: not part of the app now.
      if ((rs.spec?.replicas ?? 1) === 0 && this.cache.byIndex('pods', 'controller', rs.metadata.uid).length === 0) continue;
      const node = workloadNode('ReplicaSet', rs);
      add(node);
      const owner = controllerOf(rs);
      if (owner?.kind === 'Deployment' && graph.nodes.has(nodeId('Deployment', namespace, owner.name))) link(nodeId('Deployment', namespace, owner.name), node.id, 'owns');
    }

    // Pods, each under its ReplicaSet, StatefulSet or ReplicationController, or grouped when that controller has too many.
    const podsByOwner = new Map<string, KubeObj[]>();
    const bare: KubeObj[] = [];
    for (const pod of inNamespace('pods')) {
      const owner = controllerOf(pod);
      const ownerId = owner && podOwnerKinds.has(owner.kind) ? nodeId(owner.kind as TopologyKind, namespace, owner.name) : undefined;
      if (ownerId && graph.nodes.has(ownerId)) {
        const pods = podsByOwner.get(ownerId);
        if (pods) pods.push(pod);
        else podsByOwner.set(ownerId, [pod]);
      } else bare.push(pod);
    }
    const placed: { pod: KubeObj; nodeId: string }[] = [];
    for (const pod of bare) {
      const node = podNode(pod);
      add(node);
      placed.push({ pod, nodeId: node.id });
    }
    for (const [ownerId, pods] of podsByOwner) {
      if (pods.length > this.groupAbove) {
        const owner = graph.nodes.get(ownerId)!;
        const group = podGroupNode(owner, pods, this.cache);
        add(group);
        link(ownerId, group.id, 'owns');
        for (const pod of pods) placed.push({ pod, nodeId: group.id });
      } else {
        for (const pod of pods) {
          const node = podNode(pod);
          add(node);
          link(ownerId, node.id, 'owns');
          placed.push({ pod, nodeId: node.id });
        }
      }
    }
    for (const { pod, nodeId: shownAs } of placed) {
      graph.podNodes.set(pod.metadata.name, shownAs);
      for (const ref of podReferences(pod)) {
        const id = nodeId(ref.kind, namespace, ref.name);
        if (!graph.nodes.has(id)) add(configNode(ref.kind, namespace, ref.name, this.cache));
        link(shownAs, id, ref.relation);
      }
    }

    // Services, to the pods of their EndpointSlices' endpoints, ready or not.
    const slicesByService = new Map<string, KubeObj[]>();
    for (const slice of inNamespace('endpointslices')) {
      const service = slice.metadata?.labels?.[serviceNameLabel];
      if (!service) continue;
      const slices = slicesByService.get(service);
      if (slices) slices.push(slice);
      else slicesByService.set(service, [slice]);
    }
    for (const svc of inNamespace('services')) {
      const id = nodeId('Service', namespace, svc.metadata.name);
      let ready = 0;
      let notReady = 0;
      for (const slice of slicesByService.get(svc.metadata.name) ?? []) {
        for (const endpoint of slice.endpoints ?? []) {
          const isReady = endpoint.conditions?.ready !== false;
          if (isReady) ready++;
          else notReady++;
          const target = endpoint.targetRef?.kind === 'Pod' ? graph.podNodes.get(endpoint.targetRef.name) : undefined;
          if (target) link(id, target, 'endpoint', isReady);
        }
      }
      add(serviceNode(svc, ready, notReady));
    }

    for (const ingress of inNamespace('ingresses')) {
      const id = nodeId('Ingress', namespace, ingress.metadata.name);
      const backends = new Set<string>();
      const spec = ingress.spec ?? {};
      if (spec.defaultBackend?.service?.name) backends.add(spec.defaultBackend.service.name);
      for (const rule of spec.rules ?? []) for (const p of rule.http?.paths ?? []) if (p.backend?.service?.name) backends.add(p.backend.service.name);
      let missing = 0;
      for (const name of backends) {
        const target = nodeId('Service', namespace, name);
        if (!graph.nodes.has(target)) {
          missing++;
          add(missingNode('Service', namespace, name));
        }
        link(id, target, 'routes');
      }
      add(ingressNode(ingress, missing));
    }
    return graph;
  }
}

/** Adds to `out` what is new or different in `after`, and to `removed` the ids gone from `before`. */
function diff<T extends { id: string }>(before: ReadonlyMap<string, T> | undefined, after: ReadonlyMap<string, T>, out: T[], removed: string[]): void {
  for (const [id, item] of after) {
    const old = before?.get(id);
    if (!old || JSON.stringify(old) !== JSON.stringify(item)) out.push(item);
  }
  for (const id of before?.keys() ?? []) if (!after.has(id)) removed.push(id);
}

function controllerOf(obj: KubeObj): { kind: string; name: string } | undefined {
  return (obj.metadata?.ownerReferences ?? []).find((r: KubeObj) => r.controller);
}

function labelsOf(obj: KubeObj): Record<string, string> {
  return { ...(obj.metadata?.labels ?? {}) };
}

/** The controllers whose pods hang under them in the graph. */
const podOwnerKinds: ReadonlySet<string> = new Set<TopologyKind>(['ReplicaSet', 'StatefulSet', 'ReplicationController']);

/** Deployments, StatefulSets, ReplicaSets and ReplicationControllers: ready replicas against desired, as `kubectl get` shows READY. */
function workloadNode(kind: 'Deployment' | 'StatefulSet' | 'ReplicaSet' | 'ReplicationController', obj: KubeObj): TopologyNode {
  const desired: number = obj.spec?.replicas ?? 1;
  const ready: number = obj.status?.readyReplicas ?? 0;
  const stalled = (obj.status?.conditions ?? []).some((c: KubeObj) => c.type === 'Progressing' && c.status === 'False') || (obj.status?.conditions ?? []).some((c: KubeObj) => c.type === 'ReplicaFailure' && c.status === 'True');
  const status: TopologyStatus = ready >= desired ? 'ready' : stalled ? 'failing' : 'progressing';
  return { id: nodeId(kind, obj.metadata.namespace, obj.metadata.name), kind, namespace: obj.metadata.namespace, name: obj.metadata.name, labels: labelsOf(obj), status, detail: `${ready}/${desired} ready` };
}

/** kubectl's STATUS and READY columns, and a colour from them. */
function podNode(pod: KubeObj): TopologyNode {
  const { ready, total, status } = podStatus(pod);
  const phase: string | undefined = pod.status?.phase;
  const state: TopologyStatus =
    phase === 'Succeeded' ? 'succeeded' : phase === 'Failed' || /BackOff|Err|Error|OOMKilled|Unknown|Evicted/.test(status) ? 'failing' : phase === 'Running' && total > 0 && ready === total ? 'ready' : 'progressing';
  return { id: nodeId('Pod', pod.metadata.namespace, pod.metadata.name), kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, labels: labelsOf(pod), status: state, detail: `${status} ${ready}/${total}` };
}

function podGroupNode(owner: TopologyNode, pods: readonly KubeObj[], cache: ClusterCache): TopologyNode {
  let ready = 0;
  let failing = 0;
  for (const pod of pods) {
    const node = podNode(pod);
    if (node.status === 'ready') ready++;
    else if (node.status === 'failing') failing++;
  }
  const template = cache.get(watchedKindOf[owner.kind]!, owner.namespace, owner.name)?.spec?.template?.metadata?.labels;
  return {
    id: `PodGroup/${owner.namespace}/${owner.kind}/${owner.name}`,
    kind: 'PodGroup',
    namespace: owner.namespace,
    name: owner.name,
    labels: { ...(template ?? {}) },
    status: failing ? 'failing' : ready === pods.length ? 'ready' : 'progressing',
    detail: `${ready}/${pods.length} ready`,
    count: pods.length,
  };
}

function serviceNode(svc: KubeObj, ready: number, notReady: number): TopologyNode {
  const spec = svc.spec ?? {};
  const type: string = spec.type ?? 'ClusterIP';
  const address = type === 'ExternalName' ? `ExternalName ${spec.externalName}` : spec.clusterIP === 'None' ? 'Headless' : `${type} ${spec.clusterIP ?? ''}`.trim();
  const status: TopologyStatus = type === 'ExternalName' || ready > 0 ? 'ready' : notReady > 0 ? 'progressing' : 'failing';
  const endpoints = type === 'ExternalName' ? '' : ` · ${ready}/${ready + notReady} endpoints ready`;
  return { id: nodeId('Service', svc.metadata.namespace, svc.metadata.name), kind: 'Service', namespace: svc.metadata.namespace, name: svc.metadata.name, labels: labelsOf(svc), status, detail: `${address}${endpoints}` };
}

function ingressNode(ingress: KubeObj, missingBackends: number): TopologyNode {
  const hosts = [...new Set<string>((ingress.spec?.rules ?? []).map((r: KubeObj) => r.host ?? '*'))];
  const address = ingress.status?.loadBalancer?.ingress?.[0];
  const detail = [hosts.join(', ') || '*', address?.ip ?? address?.hostname].filter(Boolean).join(' · ');
  return { id: nodeId('Ingress', ingress.metadata.namespace, ingress.metadata.name), kind: 'Ingress', namespace: ingress.metadata.namespace, name: ingress.metadata.name, labels: labelsOf(ingress), status: missingBackends ? 'failing' : 'ready', detail };
}

function missingNode(kind: TopologyKind, namespace: string, name: string): TopologyNode {
  return { id: nodeId(kind, namespace, name), kind, namespace, name, labels: {}, status: 'missing', detail: 'not found' };
}

type ConfigKind = 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim';

/** A ConfigMap, Secret or claim a pod uses, or a "not found" node when the pod names one that does not exist. */
function configNode(kind: ConfigKind, namespace: string, name: string, cache: ClusterCache): TopologyNode {
  const obj = cache.get(watchedKindOf[kind]!, namespace, name);
  if (!obj) return missingNode(kind, namespace, name);
  const base = { id: nodeId(kind, namespace, name), kind, namespace, name, labels: labelsOf(obj) };
  switch (kind) {
    case 'ConfigMap':
      return { ...base, status: 'ready', detail: `${Object.keys(obj.data ?? {}).length + Object.keys(obj.binaryData ?? {}).length} keys` };
    case 'Secret':
      // The type only: nothing of a Secret's data, not even its keys, goes to a webview.
      return { ...base, status: 'ready', detail: obj.type ?? 'Opaque' };
    case 'PersistentVolumeClaim': {
      const phase: string = obj.status?.phase ?? 'Pending';
      const capacity: string | undefined = obj.status?.capacity?.storage ?? obj.spec?.resources?.requests?.storage;
      return { ...base, status: phase === 'Bound' ? 'ready' : phase === 'Lost' ? 'failing' : 'progressing', detail: [phase, capacity].filter(Boolean).join(' ') };
    }
  }
}

/** The ConfigMaps, Secrets and claims a pod names in its volumes (`mounts`) and its containers' environment (`env`). */
export function podReferences(pod: KubeObj): { kind: ConfigKind; name: string; relation: 'mounts' | 'env' }[] {
  const found = new Map<string, { kind: ConfigKind; name: string; relation: 'mounts' | 'env' }>();
  const note = (kind: ConfigKind, name: string | undefined, relation: 'mounts' | 'env') => {
    if (!name) return;
    const key = `${kind}/${name}`;
    if (found.get(key)?.relation !== 'mounts') found.set(key, { kind, name, relation });
  };
  for (const volume of pod.spec?.volumes ?? []) {
    note('ConfigMap', volume.configMap?.name, 'mounts');
    note('Secret', volume.secret?.secretName, 'mounts');
    note('PersistentVolumeClaim', volume.persistentVolumeClaim?.claimName, 'mounts');
    const sources: KubeObj[] = volume.projected?.sources ?? [];
    // The volume the ServiceAccount admission adds to every pod (token, kube-root-ca.crt, namespace)
    // is the API's plumbing, not the app's configuration: drawn, it would tie every pod to one ConfigMap.
    if (sources.some((s) => s.serviceAccountToken)) continue;
    for (const source of sources) {
      note('ConfigMap', source.configMap?.name, 'mounts');
      note('Secret', source.secret?.name, 'mounts');
    }
  }
  for (const container of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const from of container.envFrom ?? []) {
      note('ConfigMap', from.configMapRef?.name, 'env');
      note('Secret', from.secretRef?.name, 'env');
    }
    for (const env of container.env ?? []) {
      note('ConfigMap', env.valueFrom?.configMapKeyRef?.name, 'env');
      note('Secret', env.valueFrom?.secretKeyRef?.name, 'env');
    }
  }
  return [...found.values()];
}
