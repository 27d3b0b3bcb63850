// The Resource details page's data, free of `vscode`: what `kubectl describe` tells of one object
// (status, conditions, events, owners, containers with their probes, a Deployment's rollout
// history, a Secret's keys), computed from the informer cache. Each cache batch that touches the
// object, its events, its owners or its ReplicaSets recomputes the sections, and only those that
// changed are sent on.
import { nodeRoles, nodeStatus, podStatus, serviceExternalIP, servicePorts } from '../../engine/http/printers';
import type { Clock } from '../../engine/util/clock';
import { rolloutHistory } from '../actions/resourceActions';
import type { Disposable, KubeObj } from '../backend/clusterBackend';
import type { CacheChange, ClusterCache, WatchedKind } from '../cache/clusterCache';
import {
  type ConditionRow,
  type ContainerRow,
  type Details,
  type EventRow,
  type Field,
  type InitMessage,
  type ObjectLink,
  type OwnerRow,
  type ProbeRow,
  type ProbeType,
  type RevisionRow,
  sectionNames,
  type StatusLevel,
  type Summary,
  type UpdateMessage,
} from './protocol/details';

/** The kinds the details page shows, and the informer that holds each. */
export const detailsKinds: Readonly<Record<string, WatchedKind>> = {
  Namespace: 'namespaces',
  Node: 'nodes',
  Pod: 'pods',
  Service: 'services',
  EndpointSlice: 'endpointslices',
  Ingress: 'ingresses',
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  PersistentVolumeClaim: 'persistentvolumeclaims',
  PersistentVolume: 'persistentvolumes',
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  ReplicationController: 'replicationcontrollers',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
  CronJob: 'cronjobs',
};

/** Kinds whose pods have logs the Logs panel can show. */
export const kindsWithLogs: ReadonlySet<string> = new Set(['Pod', 'Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet', 'Job']);

const revisionAnnotation = 'deployment.kubernetes.io/revision';

export interface DetailsModelOptions {
  readonly clock: Clock;
}

export class DetailsModel implements Disposable {
  private readonly kind: WatchedKind | undefined;
  private details: Details | null = null;
  /** uids whose change can change the page: the object and its owners. */
  private watchedUids = new Set<string>();
  private readonly listeners = new Set<(message: InitMessage | UpdateMessage) => void>();
  private readonly subscription: Disposable;

  constructor(
    private readonly cache: ClusterCache,
    readonly target: ObjectLink,
    private readonly options: DetailsModelOptions,
  ) {
    this.kind = detailsKinds[target.kind];
    this.details = this.compute();
    this.subscription = cache.onDidChange((changes) => this.apply(changes));
  }

  snapshot(): InitMessage {
    return { type: 'init', target: this.target, details: this.details, now: this.options.clock.now(), logs: kindsWithLogs.has(this.target.kind) };
  }

  /** Hears an `update` per cache batch that changed a section, or an `init` when the object appears or goes. */
  onDidChange(listener: (message: InitMessage | UpdateMessage) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  dispose(): void {
    this.subscription.dispose();
    this.listeners.clear();
  }

  private apply(changes: readonly CacheChange[]): void {
    if (!changes.some((c) => this.concerns(c))) return;
    const before = this.details;
    this.details = this.compute();
    const after = this.details;
    if (!before || !after) {
      if (before !== after) this.emit(this.snapshot());
      return;
    }
    const changed: Partial<Record<keyof Details, unknown>> = {};
    for (const name of sectionNames) if (JSON.stringify(before[name]) !== JSON.stringify(after[name])) changed[name] = after[name];
    if (Object.keys(changed).length) this.emit({ type: 'update', details: changed as Partial<Details>, now: this.options.clock.now() });
  }

  /** Whether a change can alter the page: the object itself, an event about it, an owner, a Deployment's ReplicaSet. */
  private concerns(change: CacheChange): boolean {
    const o = change.object;
    if (change.kind === this.kind && o.metadata?.name === this.target.name && (o.metadata?.namespace ?? '') === this.target.namespace) return true;
    if (change.kind === 'events') return this.isAbout(o);
    if (this.watchedUids.has(o.metadata?.uid)) return true;
    const uid = this.details?.summary.uid;
    return this.target.kind === 'Deployment' && change.kind === 'replicasets' && !!uid && controllerUid(o) === uid;
  }

  private isAbout(event: KubeObj): boolean {
    const involved = event.involvedObject ?? {};
    const uid = this.details?.summary.uid;
    if (uid && involved.uid) return involved.uid === uid;
    return involved.kind === this.target.kind && involved.name === this.target.name && (involved.namespace ?? '') === this.target.namespace;
  }

  private emit(message: InitMessage | UpdateMessage): void {
    for (const listener of [...this.listeners]) listener(message);
  }

  private compute(): Details | null {
    const obj = this.kind ? this.cache.get(this.kind, this.target.namespace || undefined, this.target.name) : undefined;
    if (!obj) {
      this.watchedUids = new Set();
      return null;
    }
    const owners = this.ownerChain(obj);
    this.watchedUids = new Set([obj.metadata.uid, ...owners.uids]);
    const events = this.eventsAbout(obj);
    return {
      summary: summarize(this.target.kind, obj),
      conditions: (obj.status?.conditions ?? []).map(conditionRow),
      events: events.map(eventRow).sort((a, b) => a.last - b.last),
      owners: owners.rows,
      containers: this.target.kind === 'Pod' ? containerRows(obj, events) : [],
      rollout: this.target.kind === 'Deployment' ? this.rollout(obj) : null,
      dataKeys: this.target.kind === 'Secret' || this.target.kind === 'ConfigMap' ? dataKeys(obj) : null,
    };
  }

  /** Follows controller references up, as far as the cache knows the owners (pod → ReplicaSet → Deployment). */
  private ownerChain(obj: KubeObj): { rows: OwnerRow[]; uids: string[] } {
    const rows: OwnerRow[] = [];
    const uids: string[] = [];
    const seen = new Set<string>([obj.metadata.uid]);
    let current: KubeObj | undefined = obj;
    while (current) {
      const refs: KubeObj[] = current.metadata?.ownerReferences ?? [];
      const ref = refs.find((r) => r.controller) ?? refs[0];
      if (!ref || seen.has(ref.uid)) break;
      seen.add(ref.uid);
      uids.push(ref.uid);
      const namespace: string = current.metadata.namespace ?? '';
      const kind = detailsKinds[ref.kind];
      const owner = kind ? this.cache.get(kind, namespace || undefined, ref.name) : undefined;
      const found = owner?.metadata?.uid === ref.uid ? owner : undefined;
      rows.push({ kind: ref.kind, namespace, name: ref.name, linked: !!found });
      current = found;
    }
    return { rows, uids };
  }

  private eventsAbout(obj: KubeObj): KubeObj[] {
    const namespace = obj.metadata.namespace;
    // Events about a cluster-scoped object (a Node) live in the default namespace, or any.
    const candidates = namespace ? this.cache.byIndex('events', 'namespace', namespace) : this.cache.list('events');
    return candidates.filter((e) => this.isAboutObject(e, obj));
  }

  private isAboutObject(event: KubeObj, obj: KubeObj): boolean {
    const involved = event.involvedObject ?? {};
    if (involved.uid) return involved.uid === obj.metadata.uid;
    return involved.kind === this.target.kind && involved.name === obj.metadata.name && (involved.namespace ?? '') === (obj.metadata.namespace ?? '');
  }

  private rollout(deployment: KubeObj): RevisionRow[] {
    const currentRevision = Number(deployment.metadata?.annotations?.[revisionAnnotation] ?? 0);
    return rolloutHistory(deployment, (uid) => this.cache.byIndex('replicasets', 'controller', uid)).map(({ revision, replicaSet }) => ({
      revision,
      replicaSet: replicaSet.metadata.name,
      images: (replicaSet.spec?.template?.spec?.containers ?? []).map((c: KubeObj) => c.image ?? ''),
      ready: replicaSet.status?.readyReplicas ?? 0,
      replicas: replicaSet.spec?.replicas ?? 0,
      current: revision === currentRevision,
      created: time(replicaSet.metadata.creationTimestamp),
      changeCause: replicaSet.metadata?.annotations?.['kubernetes.io/change-cause'] ?? '',
    }));
  }
}

function controllerUid(obj: KubeObj): string | undefined {
  return (obj.metadata?.ownerReferences ?? []).find((r: KubeObj) => r.controller)?.uid;
}

function time(value: string | undefined): number {
  return (value && Date.parse(value)) || 0;
}

function conditionRow(c: KubeObj): ConditionRow {
  return { type: c.type ?? '', status: c.status ?? 'Unknown', reason: c.reason ?? '', message: c.message ?? '', since: time(c.lastTransitionTime ?? c.lastUpdateTime) };
}

function eventRow(e: KubeObj): EventRow {
  return {
    uid: e.metadata?.uid ?? `${e.metadata?.namespace}/${e.metadata?.name}`,
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: e.message ?? '',
    source: e.source?.component ?? e.reportingComponent ?? '',
    count: e.count ?? e.series?.count ?? 1,
    last: time(e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp),
  };
}

function dataKeys(obj: KubeObj): string[] {
  // Keys only: the cache already blanks a Secret's values, and the page must never receive one.
  return [...new Set([...Object.keys(obj.data ?? {}), ...Object.keys(obj.binaryData ?? {})])].sort();
}

const isTrue = (obj: KubeObj, type: string) => (obj.status?.conditions ?? []).find((c: KubeObj) => c.type === type)?.status;

/** The status word and level of an object, per kind, in the words kubectl and the controllers use. */
function summarize(kind: string, obj: KubeObj): Summary {
  const fields: Field[] = [];
  const add = (label: string, value: unknown) => {
    if (value !== undefined && value !== null && value !== '') fields.push({ label, value: String(value) });
  };
  let status = '';
  let level: StatusLevel = 'unknown';
  const spec = obj.spec ?? {};
  const st = obj.status ?? {};
  switch (kind) {
    case 'Pod': {
      const p = podStatus(obj);
      status = p.status;
      level = podLevel(obj, p.status, p.ready === p.total);
      add('Ready', `${p.ready}/${p.total}`);
      add('Restarts', p.restarts);
      add('Node', spec.nodeName);
      add('Pod IP', st.podIP);
      add('QoS class', st.qosClass);
      break;
    }
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'ReplicationController': {
      const desired = spec.replicas ?? 0;
      const ready = st.readyReplicas ?? 0;
      add('Ready', `${ready}/${desired}`);
      // Only a Deployment and a StatefulSet roll out templates, so only they count up-to-date pods.
      if (kind === 'Deployment' || kind === 'StatefulSet') add('Up-to-date', st.updatedReplicas ?? 0);
      add('Available', st.availableReplicas ?? 0);
      if (kind === 'Deployment') add('Strategy', spec.strategy?.type);
      // A ReplicationController's selector is a plain label map.
      add('Selector', Object.entries((kind === 'ReplicationController' ? spec.selector : spec.selector?.matchLabels) ?? {}).map(([k, v]) => `${k}=${v}`).join(','));
      const progressing = (st.conditions ?? []).find((c: KubeObj) => c.type === 'Progressing');
      if (progressing?.reason === 'ProgressDeadlineExceeded') [status, level] = ['ProgressDeadlineExceeded', 'error'];
      else if (ready === desired && (st.updatedReplicas ?? desired) === desired) [status, level] = [desired === 0 ? 'Scaled to zero' : 'Available', desired === 0 ? 'done' : 'ok'];
      else [status, level] = ['Progressing', 'progress'];
      break;
    }
    case 'DaemonSet': {
      const desired = st.desiredNumberScheduled ?? 0;
      const ready = st.numberReady ?? 0;
      add('Ready', `${ready}/${desired}`);
      add('Up-to-date', st.updatedNumberScheduled ?? 0);
      add('Available', st.numberAvailable ?? 0);
      [status, level] = ready === desired ? ['Available', 'ok'] : ['Progressing', 'progress'];
      break;
    }
    case 'Job': {
      add('Completions', `${st.succeeded ?? 0}/${spec.completions ?? 1}`);
      add('Active', st.active ?? 0);
      add('Failed', st.failed ?? 0);
      if (isTrue(obj, 'Complete') === 'True') [status, level] = ['Complete', 'done'];
      else if (isTrue(obj, 'Failed') === 'True') [status, level] = ['Failed', 'error'];
      else [status, level] = ['Running', 'progress'];
      break;
    }
    case 'CronJob':
      add('Schedule', spec.schedule);
      add('Active', (st.active ?? []).length);
      add('Last schedule', st.lastScheduleTime);
      [status, level] = spec.suspend ? ['Suspended', 'warning'] : ['Scheduled', 'ok'];
      break;
    case 'Node':
      status = nodeStatus(obj);
      level = status.startsWith('Ready') ? (spec.unschedulable ? 'warning' : 'ok') : 'error';
      add('Roles', nodeRoles(obj));
      add('Internal IP', (st.addresses ?? []).find((a: KubeObj) => a.type === 'InternalIP')?.address);
      add('Kubelet', st.nodeInfo?.kubeletVersion);
      add('Pod CIDR', spec.podCIDR);
      break;
    case 'Service':
      [status, level] = ['Active', 'ok'];
      add('Type', spec.type ?? 'ClusterIP');
      add('Cluster IP', spec.clusterIP);
      const external = serviceExternalIP(obj);
      if (external !== '<none>') add('External IP', external);
      add('Ports', servicePorts(obj));
      add('Selector', Object.entries(spec.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(','));
      break;
    case 'PersistentVolumeClaim':
    case 'PersistentVolume':
      status = st.phase ?? '';
      level = status === 'Bound' ? 'ok' : status === 'Pending' || status === 'Available' ? 'progress' : status ? 'warning' : 'unknown';
      add('Storage class', spec.storageClassName);
      add('Capacity', st.capacity?.storage ?? spec.capacity?.storage);
      add('Access modes', (spec.accessModes ?? []).join(','));
      add(kind === 'PersistentVolume' ? 'Claim' : 'Volume', kind === 'PersistentVolume' ? (spec.claimRef ? `${spec.claimRef.namespace}/${spec.claimRef.name}` : '') : spec.volumeName);
      break;
    case 'Namespace':
      status = st.phase ?? 'Active';
      level = status === 'Active' ? 'ok' : 'progress';
      break;
    case 'Secret':
      [status, level] = ['Active', 'ok'];
      add('Type', obj.type ?? 'Opaque');
      break;
    default:
      [status, level] = ['Active', 'ok'];
  }
  const labels = Object.entries<string>(obj.metadata?.labels ?? {}).map(([label, value]) => ({ label, value }));
  return { uid: obj.metadata.uid, created: time(obj.metadata.creationTimestamp), status, level, fields, labels };
}

function podLevel(pod: KubeObj, status: string, allReady: boolean): StatusLevel {
  if (pod.metadata?.deletionTimestamp) return 'progress';
  if (status === 'Completed' || pod.status?.phase === 'Succeeded') return 'done';
  if (status === 'Running') return allReady ? 'ok' : 'warning';
  if (/BackOff|Err|Error|OOMKilled|Failed|Invalid|ExitCode|Signal|Evicted|OutOf/.test(status) || pod.status?.phase === 'Failed') return 'error';
  if (status === 'Pending' || status === 'ContainerCreating' || status === 'PodInitializing' || status.startsWith('Init:')) return 'progress';
  return status === 'Unknown' ? 'unknown' : 'warning';
}

/** Each container of a pod, init containers first, with its state and the probes it declares. */
function containerRows(pod: KubeObj, events: readonly KubeObj[]): ContainerRow[] {
  const statuses = new Map<string, KubeObj>([...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].map((s: KubeObj) => [s.name, s]));
  const init = (pod.spec?.initContainers ?? []).map((c: KubeObj) => ({ c, role: c.restartPolicy === 'Always' ? ('sidecar' as const) : ('init' as const), path: `spec.initContainers{${c.name}}` }));
  const app = (pod.spec?.containers ?? []).map((c: KubeObj) => ({ c, role: 'app' as const, path: `spec.containers{${c.name}}` }));
  return [...init, ...app].map(({ c, role, path }) => {
    const s = statuses.get(c.name) ?? {};
    const [state, reason, since] = s.state?.running
      ? (['running', '', time(s.state.running.startedAt)] as const)
      : s.state?.terminated
        ? (['terminated', s.state.terminated.reason ?? `ExitCode:${s.state.terminated.exitCode}`, time(s.state.terminated.finishedAt)] as const)
        : s.state?.waiting
          ? (['waiting', s.state.waiting.reason ?? '', 0] as const)
          : (['unknown', '', 0] as const);
    const last = s.lastState?.terminated;
    // Only this instance's failures count: an Unhealthy event from before the last start is history.
    const unhealthy = events.filter((e) => e.reason === 'Unhealthy' && e.involvedObject?.fieldPath === path && eventTime(e) >= since);
    const probes: ProbeRow[] = [];
    for (const type of ['startup', 'liveness', 'readiness'] as const) {
      const probe = c[`${type}Probe`];
      if (probe) probes.push(probeRow(type, probe, c, s, state, unhealthy));
    }
    return {
      name: c.name,
      role,
      image: c.image ?? '',
      ready: !!s.ready,
      restarts: s.restartCount ?? 0,
      state,
      reason,
      since,
      lastTermination: last ? { reason: last.reason ?? '', exitCode: last.exitCode ?? 0, finished: time(last.finishedAt) } : undefined,
      probes,
    };
  });
}

function eventTime(e: KubeObj): number {
  return time(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp);
}

const probeWords: Record<ProbeType, string> = { startup: 'Startup', liveness: 'Liveness', readiness: 'Readiness' };

/**
 * What the kubelet reports of a probe: readiness through `ready`, startup through `started`; liveness
 * has no status field, so only an Unhealthy event of this instance tells it failed.
 */
function probeRow(type: ProbeType, probe: KubeObj, container: KubeObj, status: KubeObj, state: ContainerRow['state'], unhealthy: readonly KubeObj[]): ProbeRow {
  const failure = unhealthy.filter((e) => (e.message ?? '').startsWith(`${probeWords[type]} probe failed`)).sort((a, b) => eventTime(b) - eventTime(a))[0];
  let result: ProbeRow['result'] = 'unknown';
  if (state === 'running') {
    if (type === 'readiness') result = status.ready ? 'success' : 'failure';
    else if (type === 'startup') result = status.started ? 'success' : 'failure';
    else result = failure ? 'failure' : 'success';
  }
  const message = result === 'failure' && failure ? failure.message : '';
  return { type, description: describeProbe(probe, container), result, message };
}

/** As `kubectl describe pod` prints a probe. */
export function describeProbe(probe: KubeObj, container: KubeObj): string {
  let handler = 'unknown';
  if (probe.httpGet) {
    const port = probe.httpGet.port;
    const named = typeof port === 'string' ? (container.ports ?? []).find((p: KubeObj) => p.name === port)?.containerPort : undefined;
    handler = `http-get ${(probe.httpGet.scheme ?? 'HTTP').toLowerCase()}://${probe.httpGet.host ?? ''}:${named ?? port}${probe.httpGet.path ?? '/'}`;
  } else if (probe.tcpSocket) handler = `tcp-socket ${probe.tcpSocket.host ?? ''}:${probe.tcpSocket.port}`;
  else if (probe.exec) handler = `exec [${(probe.exec.command ?? []).join(' ')}]`;
  else if (probe.grpc) handler = `grpc <pod>:${probe.grpc.port} ${probe.grpc.service ?? ''}`.trimEnd();
  return `${handler} delay=${probe.initialDelaySeconds ?? 0}s timeout=${probe.timeoutSeconds ?? 1}s period=${probe.periodSeconds ?? 10}s #success=${probe.successThreshold ?? 1} #failure=${probe.failureThreshold ?? 3}`;
}
