// Leader election through a Lease, with client-go's leaderelection semantics: candidates try to
// acquire or renew every retry period; a lease whose holder has not renewed it within the lease
// duration (as this candidate observed it, by its own clock) may be taken over, which counts a
// transition; a leader that cannot renew within the renew deadline steps down.
// See https://kubernetes.io/docs/concepts/architecture/leases/#leader-election
import { StatusError } from '../api/errors';
import type { ApiClient } from '../apiserver/client';
import type { Obj } from '../apiserver/registry/strategy';
import type { Clock, Timer } from '../util/clock';

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

  constructor(private readonly options: LeaderElectorOptions) {
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
    void this.tick();
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
        this.options.onStartedLeading();
      }
    } else if (this.leading && now - this.lastRenew >= this.renewDeadlineMs) {
      // client-go: "failed to renew lease … timed out waiting for the condition": leadership is lost.
      this.leading = false;
      this.options.onStoppedLeading();
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
        await client.create(leases, namespace, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: record });
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
      await client.update(leases, namespace, { ...current, spec: { ...current.spec, ...next } });
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
    return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
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
