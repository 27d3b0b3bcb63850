// The kubelet's status manager: pod statuses go to the API server through pods/status in batches,
// only when they changed since the last one written, and never onto a newer pod that took the same
// name. After pkg/kubelet/status/status_manager.go.
import type { PodStatus } from 'kubernetes-types/core/v1';
import { StatusError } from '../api/errors';
import { deepEqual } from '../api/patch/jsonValue';
import type { ApiClient } from '../apiserver/client';
import type { Clock } from '../util/clock';
import { yieldToEventLoop } from '../util/eventLoop';

const podsResource = { group: '', version: 'v1', resource: 'pods' } as const;
/** Writes between yields to the event loop, so a thousand statuses never hold it for long. */
const writesPerYield = 25;
/** A write the API server refused for a passing reason is tried again this much later. */
const retryMs = 1000;

export class StatusManager {
  private readonly pending = new Map<string, { uid: string; status: PodStatus }>();
  private readonly sent = new Map<string, PodStatus>();
  private scheduled = false;
  private flushing: Promise<void> | undefined;
  private stopped = false;
  /** Statuses written, for tests and benchmarks. */
  writes = 0;

  /** Written statuses kept until the pod informer delivers them (for tests). */
  get held(): number {
    return this.sent.size;
  }

  constructor(private readonly client: ApiClient, private readonly clock: Clock) {}

  /**
   * Queues `status` for pod `key` (`namespace/name`, uid `uid`) unless it is what was last written,
   * or, before any write, what the API server holds (`current`).
   */
  set(key: string, uid: string, status: PodStatus, current: PodStatus | undefined): void {
    if (deepEqual(status, this.sent.get(key) ?? current)) {
      this.pending.delete(key);
      return;
    }
    this.pending.set(key, { uid, status });
    this.schedule(0);
  }

  /**
   * The API server's copy of pod `key`'s status, as the pod informer just delivered it: once it is
   * what was last written, that copy is the one to compare with, and the written one is let go (a
   * kubelet's pods would otherwise each hold their status twice).
   */
  observed(key: string, current: PodStatus | undefined): void {
    const sent = this.sent.get(key);
    if (sent && deepEqual(sent, current)) this.sent.delete(key);
  }

  /** Forgets a pod that is gone. */
  forget(key: string): void {
    this.pending.delete(key);
    this.sent.delete(key);
  }

  start(): void {
    this.stopped = false;
  }

  /** Drops everything queued: the kubelet is down. */
  stop(): void {
    this.stopped = true;
    this.pending.clear();
    this.sent.clear();
  }

  /** Resolves once every queued status is written (or dropped). */
  async flush(): Promise<void> {
    while (!this.stopped && (this.flushing || this.pending.size)) await (this.flushing ?? this.write());
  }

  private schedule(ms: number): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.clock.setTimeout(() => void this.write(), ms);
  }

  private write(): Promise<void> {
    this.scheduled = false;
    if (this.flushing) return this.flushing;
    let retry = false;
    this.flushing = (async () => {
      let written = 0;
      while (this.pending.size && !this.stopped) {
        const [key, entry] = this.pending.entries().next().value!;
        this.pending.delete(key);
        const slash = key.indexOf('/');
        // Taken as written from the moment it is sent: the pod informer may deliver it before the
        // write's answer arrives.
        const before = this.sent.get(key);
        this.sent.set(key, entry.status);
        try {
          // The uid test keeps a status from landing on a new pod that took the same name.
          await this.client.patch(podsResource, key.slice(0, slash), key.slice(slash + 1), 'json', [
            { op: 'test', path: '/metadata/uid', value: entry.uid },
            { op: 'replace', path: '/status', value: entry.status },
          ], {}, 'status');
          this.writes++;
        } catch (err) {
          if (this.sent.get(key) === entry.status) {
            if (before) this.sent.set(key, before);
            else this.sent.delete(key);
          }
          // Gone (404) or replaced (the uid test fails, 422): nothing to write. Anything else is
          // tried again shortly, unless a newer status was queued meanwhile.
          const gone = err instanceof StatusError && (err.code === 404 || err.code === 422);
          if (!gone && !this.pending.has(key)) {
            this.pending.set(key, entry);
            retry = true;
          }
          if (!gone) break;
        }
        if (++written % writesPerYield === 0) await yieldToEventLoop();
      }
    })().finally(() => {
      this.flushing = undefined;
      // Statuses queued while the last write was in flight go in the next batch.
      if (this.pending.size && !this.stopped) this.schedule(retry ? retryMs : 0);
    });
    return this.flushing;
  }
}
