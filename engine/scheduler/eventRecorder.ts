// Events about pods, written as core/v1 Events through the API: a repeat of the same event (same
// object, type, reason and message) bumps the existing Event's count instead of adding another,
// as client-go's EventCorrelator does. Writes never block scheduling; a failed write is dropped,
// as client-go's broadcaster drops what it cannot record.
import type { ObjectReference } from 'kubernetes-types/core/v1';
import type { ApiClient } from '../apiserver/client';
import type { KubeObject } from '../client/types';
import type { Clock } from '../util/clock';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  event(object: KubeObject, type: EventType, reason: string, message: string): void;
}

const events = { group: '', version: 'v1', resource: 'events' } as const;
/** How many distinct recent events are remembered for counting repeats (client-go: 4096). */
const maxRemembered = 4096;

interface Remembered {
  name: string;
  namespace: string;
  count: number;
  /** The write in flight, so a repeat patches only after the Event exists. */
  written: Promise<unknown>;
}

export class ApiEventRecorder implements EventRecorder {
  private readonly recent = new Map<string, Remembered>();
  private seq = 0;

  constructor(private readonly client: ApiClient, private readonly clock: Clock, private readonly component = 'default-scheduler') {}

  event(object: KubeObject, type: EventType, reason: string, message: string): void {
    const meta = object.metadata ?? {};
    const namespace = meta.namespace || 'default';
    const now = new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const key = [meta.uid, namespace, meta.name, type, reason, message].join('\u0000');
    const seen = this.recent.get(key);
    if (seen) {
      seen.count++;
      const count = seen.count;
      this.recent.delete(key);
      this.recent.set(key, seen);
      seen.written = seen.written
        .then(() => this.client.patch(events, seen.namespace, seen.name, 'merge', { count, lastTimestamp: now }))
        .catch(() => undefined);
      return;
    }
    const involvedObject: ObjectReference = {
      kind: object.kind ?? 'Pod',
      apiVersion: object.apiVersion ?? 'v1',
      namespace,
      name: meta.name ?? '',
      ...(meta.uid ? { uid: meta.uid } : {}),
      ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
    };
    // client-go names an event <object>.<unix nanoseconds in hex>; the sequence keeps two in one
    // millisecond apart.
    const nanos = BigInt(this.clock.now()) * 1_000_000n + BigInt(this.seq++ % 1_000_000);
    const name = `${meta.name}.${nanos.toString(16)}`;
    const written = this.client
      .create(events, namespace, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject,
        reason,
        message,
        source: { component: this.component },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type,
        reportingComponent: this.component,
        reportingInstance: '',
      })
      .catch(() => undefined);
    this.recent.set(key, { name, namespace, count: 1, written });
    if (this.recent.size > maxRemembered) this.recent.delete(this.recent.keys().next().value!);
  }
}
