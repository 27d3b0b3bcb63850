// Controllers tell users what they did through core/v1 Events, as client-go's record package does:
// an event repeated for the same object (same reason, message and type, from the same component)
// is not written again but has its `count` raised and `lastTimestamp` moved (EventCorrelator's
// EventLogger), so `kubectl describe` shows "x3 over 2m" instead of three rows.
import type { ApiClient } from '../../apiserver/client';
import type { Obj } from '../../apiserver/registry/strategy';
import type { Clock } from '../../util/clock';
import { resources } from './sharedInformerFactory';

export type EventType = 'Normal' | 'Warning';

interface Recorded {
  namespace: string;
  name: string;
  count: number;
  firstTimestamp: string;
}

/** How many distinct events a recorder remembers for aggregation (client-go: maxLruCacheEntries). */
const cacheSize = 4096;

export class EventRecorder {
  private readonly seen = new Map<string, Recorded>();
  private sequence = 0;
  /** Writes in flight; tests and shutdown can wait for them. */
  private pending = new Set<Promise<void>>();

  constructor(private readonly client: ApiClient, private readonly clock: Clock, private readonly component: string) {}

  /** Records an event about `obj`; never throws and never blocks the caller (the write is async). */
  event(obj: Obj, type: EventType, reason: string, message: string): void {
    const p = this.write(obj, type, reason, message).catch(() => {
      // An event that cannot be written (say its namespace is terminating) is dropped, as client-go does.
    });
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Resolves when every event recorded so far has been written. */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private async write(obj: Obj, type: EventType, reason: string, message: string): Promise<void> {
    const meta = obj.metadata ?? {};
    const namespace: string = meta.namespace || 'default';
    const key = [this.component, obj.kind, meta.namespace ?? '', meta.name, meta.uid, type, reason, message].join('\u0000');
    const now = this.timestamp();
    const previous = this.seen.get(key);
    if (previous) {
      previous.count++;
      this.touch(key, previous);
      try {
        await this.client.patch(resources.events, previous.namespace, previous.name, 'merge', { count: previous.count, lastTimestamp: now });
        return;
      } catch (err) {
        // The earlier event expired or was deleted: start a new series.
        if ((err as { code?: number }).code !== 404) throw err;
      }
    }
    // client-go names events `<object>.<unix nanoseconds in hex>`; a sequence keeps two events of one
    // virtual millisecond apart.
    const nanos = BigInt(this.clock.now()) * 1_000_000n + BigInt(this.sequence++ % 1_000_000);
    const name = `${meta.name}.${nanos.toString(16)}`;
    const event: Obj = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        kind: obj.kind,
        namespace: meta.namespace,
        name: meta.name,
        uid: meta.uid,
        apiVersion: obj.apiVersion,
        resourceVersion: meta.resourceVersion,
      },
      reason,
      message,
      source: { component: this.component },
      firstTimestamp: previous?.firstTimestamp ?? now,
      lastTimestamp: now,
      count: previous?.count ?? 1,
      type,
      eventTime: null,
      reportingComponent: this.component,
      reportingInstance: '',
    };
    if (!meta.namespace) delete event.involvedObject.namespace;
    const record: Recorded = { namespace, name, count: event.count, firstTimestamp: event.firstTimestamp };
    this.touch(key, record);
    await this.client.create(resources.events, namespace, event);
  }

  private touch(key: string, record: Recorded): void {
    this.seen.delete(key);
    this.seen.set(key, record);
    if (this.seen.size > cacheSize) this.seen.delete(this.seen.keys().next().value!);
  }

  private timestamp(): string {
    return new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}
