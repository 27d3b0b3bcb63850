// Leader election through a Lease, with client-go's leaderelection semantics: candidates try to
// acquire or renew every retry period; a lease whose holder has not renewed it within the lease
// duration (as this candidate observed it, by its own clock) may be taken over, which counts a
// transition; a leader that cannot renew within the renew deadline steps down.
// See https://kubernetes.io/docs/concepts/architecture/leases/#leader-election
import { StatusError } from '../api/errors';
import type { ApiClient } from '../apiserver/client';
import type { Obj } from '../apiserver/registry/strategy';
import type { EventRecorder } from '../client/eventRecorder';
import { type Clock, rfc3339Micro, type Timer } from '../util/clock';
import { type ComponentLog, discardLog } from '../util/klog';

const leases = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };

export interface LeaderElectorOptions {
  client: ApiClient;
  clock: Clock;
  /** The Lease's namespace and name, e.g. kube-system/kube-scheduler. */
  namespace: string;
  name: string;
  /** This candidate's identity, e.g. `control-plane-1_<uuid>`. */
  identity: string;
  /** How long a non-leader waits after the last observed renewal before taking over (15 s). */
  leaseDurationMs?: number;
  /** How long a leader keeps trying to renew before it gives up leading (10 s). */
  renewDeadlineMs?: number;
  /** How often candidates try to acquire or renew (2 s). */
  retryPeriodMs?: number;
  onStartedLeading(): void;
  onStoppedLeading(): void;
  onNewLeader?(identity: string): void;
  /** The candidate's log: where it tries, wins and loses the lease (client-go's klog lines). */
  log?: ComponentLog;
  /** Records the LeaderElection events on the Lease: `<identity> became leader`, `<identity> stopped leading`. */
  recorder?: EventRecorder;
}

/** The lease's record as leader election reads it (resourcelock.LeaderElectionRecord). */
interface ElectionRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions: number;
}

export class LeaderElector {
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private observed: ElectionRecord | undefined;
  private observedTime = 0;
  private leading = false;
  private lastRenew = 0;
  private timer: Timer | undefined;
  private running = false;
  private reportedLeader = '';
  /** The Lease as last read or written, for the events about it. */
  private lease: Obj | undefined;
  private readonly log: ComponentLog;

  constructor(private readonly options: LeaderElectorOptions) {
    this.log = options.log ?? discardLog;
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  get identity(): string {
    return this.options.identity;
  }

  /** Starts competing; the first attempt is made at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.log.write('I', 'leaderelection.go:257', `attempting to acquire leader lease ${this.description}...`);
    void this.tick();
  }

  /** The lock as client-go describes it: `namespace/name`. */
  private get description(): string {
    return `${this.options.namespace}/${this.options.name}`;
  }

  /** resourcelock's RecordEvent: a Normal LeaderElection event on the Lease, `<identity> <what>`. */
  private recordEvent(what: string): void {
    if (!this.lease || !this.options.recorder) return;
    this.options.recorder.event({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: this.lease.metadata }, 'Normal', 'LeaderElection', `${this.options.identity} ${what}`);
  }

  /**
   * Stops competing. With `release`, a leader hands the lease back (client-go's ReleaseOnCancel) so
   * another candidate takes over at once; without it (a node that died), the lease must expire.
   */
  async stop(release = false): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.timer?.cancel();
    const wasLeading = this.leading;
    this.leading = false;
    // A component shut down cleanly says so; one whose node died says nothing.
    if (release && wasLeading) this.recordEvent('stopped leading');
    if (release && wasLeading && this.observed) {
      const now = this.timestamp(this.options.clock.now());
      await this.write({ ...this.observed, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now }).catch(() => undefined);
    }
    if (wasLeading) this.options.onStoppedLeading();
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    let ok = false;
    try {
      ok = await this.tryAcquireOrRenew();
    } catch {
      ok = false;
    }
    if (!this.running) return;
    const now = this.options.clock.now();
    if (ok) {
      this.lastRenew = now;
      if (!this.leading) {
        this.leading = true;
        this.recordEvent('became leader');
        this.log.write('I', 'leaderelection.go:271', `successfully acquired lease ${this.description}`);
        this.options.onStartedLeading();
      }
    } else if (this.leading && now - this.lastRenew >= this.renewDeadlineMs) {
      // client-go's renew loop gives up after the renew deadline: leadership is lost.
      this.leading = false;
      this.recordEvent('stopped leading');
      this.log.write('I', 'leaderelection.go:297', `failed to renew lease ${this.description}: context deadline exceeded`);
      this.options.onStoppedLeading();
      // The candidate starts over, as the component's restarted process does.
      this.log.write('I', 'leaderelection.go:257', `attempting to acquire leader lease ${this.description}...`);
    }
    this.timer = this.options.clock.setTimeout(() => void this.tick(), this.retryPeriodMs);
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { client, namespace, name, identity, clock } = this.options;
    const now = clock.now();
    const nowText = this.timestamp(now);
    const current = client.tryGet(leases, namespace, name);
    if (!current) {
      const record: ElectionRecord = { holderIdentity: identity, leaseDurationSeconds: Math.round(this.leaseDurationMs / 1000), acquireTime: nowText, renewTime: nowText, leaseTransitions: 0 };
      try {
        this.lease = (await client.create(leases, namespace, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: record })).object;
      } catch (err) {
        if (err instanceof StatusError && err.code === 409) return false;
        throw err;
      }
      this.observe(record, now);
      return true;
    }
    const record = recordOf(current);
    // The observed time moves only when the record changes: expiry is judged by this candidate's clock.
    if (!this.observed || !sameRecord(this.observed, record)) this.observe(record, now);
    const held = record.holderIdentity !== '' && record.holderIdentity !== identity;
    if (held && this.observedTime + record.leaseDurationSeconds * 1000 > now) return false;
    const next: ElectionRecord =
      record.holderIdentity === identity
        ? { ...record, leaseDurationSeconds: Math.round(this.leaseDurationMs / 1000), renewTime: nowText }
        : { holderIdentity: identity, leaseDurationSeconds: Math.round(this.leaseDurationMs / 1000), acquireTime: nowText, renewTime: nowText, leaseTransitions: record.leaseTransitions + 1 };
    try {
      this.lease = (await client.update(leases, namespace, { ...current, spec: { ...current.spec, ...next } })).object;
    } catch (err) {
      // Someone else wrote the lease since it was read (409): they won this round.
      if (err instanceof StatusError && err.code === 409) return false;
      throw err;
    }
    this.observe(next, now);
    return true;
  }

  private async write(record: ElectionRecord): Promise<void> {
    const { client, namespace, name } = this.options;
    const current = client.get(leases, namespace, name);
    if (current.spec?.holderIdentity !== this.options.identity) return;
    await client.update(leases, namespace, { ...current, spec: { ...current.spec, ...record } });
  }

  private observe(record: ElectionRecord, now: number): void {
    this.observed = record;
    this.observedTime = now;
    if (record.holderIdentity && record.holderIdentity !== this.reportedLeader) {
      this.reportedLeader = record.holderIdentity;
      this.options.onNewLeader?.(record.holderIdentity);
    }
  }

  /** metav1.MicroTime. */
  private timestamp(ms: number): string {
    return rfc3339Micro(ms);
  }
}

function recordOf(lease: Obj): ElectionRecord {
  const s = lease.spec ?? {};
  return {
    holderIdentity: s.holderIdentity ?? '',
    leaseDurationSeconds: s.leaseDurationSeconds ?? 15,
    ...(s.acquireTime ? { acquireTime: s.acquireTime } : {}),
    ...(s.renewTime ? { renewTime: s.renewTime } : {}),
    leaseTransitions: s.leaseTransitions ?? 0,
  };
}

function sameRecord(a: ElectionRecord, b: ElectionRecord): boolean {
  return a.holderIdentity === b.holderIdentity && a.renewTime === b.renewTime && a.acquireTime === b.acquireTime && a.leaseTransitions === b.leaseTransitions && a.leaseDurationSeconds === b.leaseDurationSeconds;
}
