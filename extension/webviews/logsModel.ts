// The Logs page's data, free of `vscode`: the log streams of one pod's containers, or of every pod of
// a workload (found through the informer cache's controller index, pods that join are followed as
// their containers start), read through the ClusterBackend as `kubectl logs -f` does. A container
// that restarts is followed again in its new instance; `previous` reads the last terminated
// instance of each instead. Lines are gathered and sent in batches, bounded in number.
import type { Clock, Timer } from '../../engine/util/clock';
import type { ClusterBackend, Disposable, KubeObj } from '../backend/clusterBackend';
import type { CacheChange, ClusterCache, WatchedKind } from '../cache/clusterCache';
import type { InitMessage, LinesMessage, LogSource, LogTarget, SourceState, SourcesMessage } from './protocol/logs';

/** The workload kinds whose pods the model follows, and the informer holding each. */
export const logWorkloads: Readonly<Record<string, WatchedKind>> = {
  Pod: 'pods',
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  ReplicationController: 'replicationcontrollers',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
};

export interface LogsModelOptions {
  readonly clock: Clock;
  readonly target: LogTarget;
  readonly previous: boolean;
  /** Lines read back from each container's log when it is first followed (kubectl's --tail; default 1000). */
  readonly tailLines?: number;
  /** How long lines are gathered before they are sent (default 100 ms). */
  readonly batchMs?: number;
  /** Lines kept waiting for a send at most; older ones are dropped, as the page would drop them (default 50,000). */
  readonly maxPendingLines?: number;
}

interface SourceRecord {
  readonly id: number;
  readonly podUid: string;
  readonly pod: string;
  readonly container: string;
  state: SourceState;
  message: string;
  stream: Disposable | undefined;
  /** The containerID (runtime instance) last followed; a new one means the container restarted. */
  followed: string | undefined;
  /** Previous logs are read once. */
  read: boolean;
  /** The text after the last newline of the stream so far. */
  partial: string;
}

type Listener = (message: SourcesMessage | LinesMessage) => void;

export class LogsModel implements Disposable {
  private readonly sources = new Map<string, SourceRecord>();
  private readonly listeners = new Set<Listener>();
  private readonly subscription: Disposable;
  private pendingSource: number[] = [];
  private pendingText: string[] = [];
  private readonly dirty = new Set<SourceRecord>();
  private timer: Timer | undefined;
  private disposed = false;
  private readonly tailLines: number;
  private readonly batchMs: number;
  private readonly maxPending: number;

  constructor(
    private readonly cache: ClusterCache,
    private readonly backend: Pick<ClusterBackend, 'logs' | 'followLogs'>,
    private readonly options: LogsModelOptions,
  ) {
    this.tailLines = options.tailLines ?? 1000;
    this.batchMs = options.batchMs ?? 100;
    this.maxPending = options.maxPendingLines ?? 50_000;
    this.subscription = cache.onDidChange((changes) => {
      if (changes.some((c) => this.concerns(c))) this.sync();
    });
    this.sync();
  }

  /** The sources so far; they are not sent again until they change. */
  snapshot(): InitMessage {
    this.dirty.clear();
    return { type: 'init', target: this.options.target, previous: this.options.previous, sources: [...this.sources.values()].map(sourceOf) };
  }

  /** Hears `sources` and `lines` messages, at most one of each per batch. */
  onDidChange(listener: Listener): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  dispose(): void {
    this.disposed = true;
    this.subscription.dispose();
    this.timer?.cancel();
    for (const source of this.sources.values()) source.stream?.dispose();
    this.listeners.clear();
  }

  private concerns(change: CacheChange): boolean {
    return change.kind === 'pods' || change.kind === 'replicasets' || change.kind === logWorkloads[this.options.target.kind];
  }

  /** The pods the target stands for now. */
  private pods(): KubeObj[] {
    const { kind, namespace, name } = this.options.target;
    const watched = logWorkloads[kind];
    const obj = watched ? this.cache.get(watched, namespace || undefined, name) : undefined;
    if (!obj) return [];
    if (kind === 'Pod') return [obj];
    const owners = kind === 'Deployment' ? this.cache.byIndex('replicasets', 'controller', obj.metadata.uid) : [obj];
    return owners.flatMap((owner) => this.cache.byIndex('pods', 'controller', owner.metadata.uid));
  }

  /** Level-triggered: compares each source with its container's status and starts or notes what it must. */
  private sync(): void {
    if (this.disposed) return;
    const present = new Set<string>();
    const pods = this.pods().sort((a, b) => String(a.metadata.name).localeCompare(b.metadata.name));
    for (const pod of pods) {
      const statuses = new Map<string, KubeObj>([...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].map((s: KubeObj) => [s.name, s]));
      const containers: string[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c: KubeObj) => c.name);
      for (const container of containers) {
        if (this.options.target.container && container !== this.options.target.container) continue;
        const key = `${pod.metadata.uid}/${container}`;
        present.add(key);
        let source = this.sources.get(key);
        if (!source) {
          source = { id: this.sources.size, podUid: pod.metadata.uid, pod: pod.metadata.name, container, state: 'waiting', message: '', stream: undefined, followed: undefined, read: false, partial: '' };
          this.sources.set(key, source);
          this.dirty.add(source);
        }
        if (this.options.previous) this.readPrevious(pod, source);
        else this.follow(pod, source, statuses.get(container));
      }
    }
    for (const [key, source] of this.sources) {
      if (present.has(key)) continue;
      source.stream?.dispose();
      source.stream = undefined;
      this.setState(source, 'ended', 'pod deleted');
    }
    this.schedule();
  }

  private follow(pod: KubeObj, source: SourceRecord, status: KubeObj | undefined): void {
    if (source.stream) return;
    const id: string | undefined = status?.containerID;
    const started = !!status?.state?.running || (!!status?.state?.terminated && !!id);
    if (!started || !id) {
      if (source.followed === undefined) this.setState(source, 'waiting', status?.state?.waiting?.reason ?? 'ContainerCreating');
      return;
    }
    if (id === source.followed) return;
    source.followed = id;
    source.partial = '';
    this.setState(source, 'streaming', '');
    let ended = false;
    const stream = this.backend.followLogs(
      pod.metadata.namespace,
      source.pod,
      source.container,
      { tailLines: this.tailLines },
      (text) => this.write(source, text),
      (err) => {
        ended = true;
        if (source.stream === stream) source.stream = undefined;
        if (this.disposed) return;
        this.endPartial(source);
        this.setState(source, err ? 'error' : 'ended', err ? err.message : 'container exited');
        this.schedule();
      },
    );
    // A stream that ended at once (an exited container, a refusal) has no further use.
    if (!ended) source.stream = stream;
  }

  private readPrevious(pod: KubeObj, source: SourceRecord): void {
    if (source.read) return;
    source.read = true;
    this.setState(source, 'streaming', '');
    this.backend.logs(pod.metadata.namespace, source.pod, source.container, { previous: true, tailLines: this.tailLines }).then(
      (text) => {
        if (this.disposed) return;
        this.write(source, text);
        this.endPartial(source);
        this.setState(source, 'ended', '');
        this.schedule();
      },
      (err: unknown) => {
        if (this.disposed) return;
        this.setState(source, 'error', err instanceof Error ? err.message : String(err));
        this.schedule();
      },
    );
  }

  private write(source: SourceRecord, text: string): void {
    if (this.disposed) return;
    const parts = (source.partial + text).split('\n');
    source.partial = parts.pop()!;
    for (const line of parts) {
      this.pendingSource.push(source.id);
      this.pendingText.push(line);
    }
    if (this.pendingText.length > this.maxPending) {
      const drop = this.pendingText.length - this.maxPending;
      this.pendingSource.splice(0, drop);
      this.pendingText.splice(0, drop);
    }
    this.schedule();
  }

  /** A stream that ended mid-line still wrote that line. */
  private endPartial(source: SourceRecord): void {
    if (!source.partial) return;
    this.pendingSource.push(source.id);
    this.pendingText.push(source.partial);
    source.partial = '';
  }

  private setState(source: SourceRecord, state: SourceState, message: string): void {
    if (source.state === state && source.message === message) return;
    source.state = state;
    source.message = message;
    this.dirty.add(source);
  }

  private schedule(): void {
    if (this.timer || this.disposed || (!this.dirty.size && !this.pendingText.length)) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.batchMs);
  }

  /** Sends what is pending now: changed sources first, so every line names a source the page knows. */
  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.dirty.size) {
      const message: SourcesMessage = { type: 'sources', sources: [...this.dirty].map(sourceOf) };
      this.dirty.clear();
      this.emit(message);
    }
    if (this.pendingText.length) {
      const message: LinesMessage = { type: 'lines', source: this.pendingSource, text: this.pendingText };
      this.pendingSource = [];
      this.pendingText = [];
      this.emit(message);
    }
  }

  private emit(message: SourcesMessage | LinesMessage): void {
    for (const listener of [...this.listeners]) listener(message);
  }
}

function sourceOf(s: SourceRecord): LogSource {
  return { id: s.id, pod: s.pod, container: s.container, state: s.state, message: s.message };
}
