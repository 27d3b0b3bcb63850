// The scheduler, the controllers and the kubelets tell users what they did through core/v1 Events,
// as client-go's record package does: an event repeated for the same object (same reason, message
// and type, from the same component) is not written again but has its `count` raised and
// `lastTimestamp` moved (EventCorrelator's EventLogger), so `kubectl describe` shows "x3 over 2m" instead of three rows; and once an object
// has had more than ten events of one reason with different messages within ten minutes, further
// ones are folded into one "(combined from similar events): …" event (EventAggregator). And a
// component may write about one object in a burst of 25 events, then one every five minutes
// (EventSourceObjectSpamFilter's token bucket): a pod crash-looping for hours does not flood the
// store, while its repeated event's count still grows, carried by the next write that goes through.
import type { ApiClient } from '../apiserver/client';
import type { Obj } from '../apiserver/registry/strategy';
import { type Clock, SecondTimestamps } from '../util/clock';
import { type ComponentLog, discardLog, structured } from '../util/klog';
import type { KubeObject } from './types';

const events = { group: '', version: 'v1', resource: 'events' } as const;

export type EventType = 'Normal' | 'Warning';

interface QueuedEvent {
  obj: KubeObject;
  type: EventType;
  reason: string;
  message: string;
  at: number;
}

/**
 * The distinct messages of one object, type and reason seen lately: almost always one, kept as the
 * string itself (a list is made at the second).
 */
interface Similar {
  messages: string | string[];
  last: number;
}

interface Recorded {
  namespace: string;
  name: string;
  count: number;
  firstTimestamp: string;
}

/**
 * Events a recorder holds that are not written yet: one recorded beyond them is dropped, so a
 * component that records faster than the API server takes its events (a scheduler binding
 * thousands of pods) neither waits on them nor keeps an ever longer queue of them in memory.
 * client-go's broadcaster queues maxQueuedEvents (1,000) as they come (ActionOrDrop drops past
 * them) and as many again for the sink that writes them (DropIfChannelFull): 2,000 in all.
 */
const maxQueuedEvents = 2000;
/** How many distinct events a recorder remembers for aggregation (client-go: maxLruCacheEntries). */
const cacheSize = 4096;
/** EventAggregator's defaults: similar events beyond ten within ten minutes are combined. */
const aggregateMaxEvents = 10;
const aggregateIntervalMs = 600_000;
/** EventSourceObjectSpamFilter's defaults: a burst of 25 writes per source and object, refilled at one per 300 s. */
const spamBurst = 25;
const spamRefillMs = 300_000;

/**
 * Shared by every recorder in the process: two components recording about one object in the same
 * virtual millisecond (the binder and a provisioner, say) must not make the same event name.
 */
let sequence = 0;

export class EventRecorder {
  private readonly seen = new Map<string, Recorded>();
  /** Per object, type and reason: the distinct messages seen lately (fewer than ten: a list is smaller than a set). */
  private readonly similar = new Map<string, Similar>();
  /**
   * Per object: the spam filter's token bucket (tokens left when last checked, and when). One
   * recorder is one source, so the object alone keys it.
   */
  private readonly spam = new Map<string, { tokens: number; at: number }>();
  /**
   * One copy of each message text lately recorded, so the caches hold it once: a kubelet's messages
   * are built for each pod ("Started container web") but mostly say the same.
   */
  private texts = new Map<string, string>();
  /**
   * Events waiting to be written, oldest first from `head`: plain records, not a promise chain, so
   * the thousands a burst leaves waiting (every node of a large cluster saying it started) hold a
   * few fields each.
   */
  private queue: (QueuedEvent | undefined)[] = [];
  private head = 0;
  /** Whether a loop is writing the queue out (from when it is due to start). */
  private writing = false;
  /** Waiting in `flush` for the queue to be written out. */
  private flushed: (() => void)[] = [];
  private readonly timestamps = new SecondTimestamps();
  /** Events dropped because `maxQueuedEvents` were waiting to be written. */
  dropped = 0;

  /**
   * `host` is the node a node agent reports from (the kubelet's `source.host` and
   * `reportingInstance`); control-plane components leave it out.
   */
  constructor(
    private readonly client: ApiClient,
    private readonly clock: Clock,
    private readonly component: string,
    private readonly host?: string,
    private readonly log: ComponentLog = discardLog,
  ) {}

  /**
   * Records an event about `obj`; never throws and never blocks the caller (the write is async). One
   * recorded while `maxQueuedEvents` wait to be written is dropped, counted in `dropped` and logged
   * as client-go logs it (the event shown by its object, reason and message).
   */
  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    if (this.waiting() >= maxQueuedEvents) {
      this.dropped++;
      this.log.write('E', 'event.go:368', structured('Unable to record event: too many queued events, dropped event', { event: describeEvent(obj, type, reason, message) }));
      return;
    }
    this.queue.push({ obj, type, reason, message, at: this.clock.now() });
    if (this.writing) return;
    // The loop starts on a later microtask: never inside the caller's own work.
    this.writing = true;
    queueMicrotask(() => void this.writeQueued());
  }

  /** Resolves when every event recorded so far has been written. */
  async flush(): Promise<void> {
    while (this.writing) await new Promise<void>((resolve) => this.flushed.push(resolve));
  }

  /** Events recorded and not yet written, the one being written included. */
  private waiting(): number {
    return this.queue.length - this.head;
  }

  /**
   * Writes the queue out one event after another, as client-go's broadcaster delivers them, so a
   * repeat always finds the event it repeats already written.
   */
  private async writeQueued(): Promise<void> {
    while (this.head < this.queue.length) {
      const { obj, type, reason, message, at } = this.queue[this.head]!;
      try {
        await this.write(obj, type, reason, message, at);
      } catch (err) {
        // An event that cannot be written (say its namespace is terminating) is dropped, as client-go
        // drops it, saying so in the component's log.
        this.log.write('E', 'event.go:307', structured('Server rejected event (will not retry!)', { err: err instanceof Error ? err.message : String(err), event: describeEvent(obj, type, reason, message) }));
      }
      this.queue[this.head++] = undefined;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
    }
    this.queue = [];
    this.head = 0;
    this.writing = false;
    for (const resolve of this.flushed.splice(0)) resolve();
  }

  private async write(obj: KubeObject, type: EventType, reason: string, message: string, at: number): Promise<void> {
    const meta = obj.metadata ?? {};
    const namespace: string = meta.namespace || 'default';
    // Joined, not concatenated: the keys live in the caches, and a join is one flat string where a
    // template would be a rope of its parts.
    // An object's uid names it alone (client-go keys by kind, namespace, name, uid and apiVersion),
    // and keeps the three caches' keys short: a kubelet's hold a few for each of its pods. Nor do
    // the keys name the source, as client-go's do: a recorder's caches are its own, and it is one
    // component on one host.
    const objectKey = meta.uid ? [meta.uid, obj.apiVersion, obj.kind].join('\u0000') : [obj.kind, meta.namespace ?? '', meta.name, '', obj.apiVersion].join('\u0000');
    const aggregateKey = [objectKey, type, reason].join('\u0000');
    message = this.text(message);
    let key = [aggregateKey, message].join('\u0000');
    const nowMs = at;
    let recent = this.similar.get(aggregateKey);
    if (!recent || nowMs - recent.last > aggregateIntervalMs) recent = { messages: message, last: nowMs };
    // A new list is made holding both: an empty one would grow room for 17 at the first push.
    else if (typeof recent.messages === 'string') recent.messages = recent.messages === message ? message : [recent.messages, message];
    else if (!recent.messages.includes(message)) recent.messages.push(message);
    recent.last = nowMs;
    // Looked up and stored again, it is the most recently used: others are forgotten before it.
    remember(this.similar, aggregateKey, recent);
    if (typeof recent.messages !== 'string' && recent.messages.length >= aggregateMaxEvents) {
      // Too many variations: count them all under one combined event.
      recent.messages.splice(recent.messages.indexOf(message), 1);
      key = aggregateKey;
      message = `(combined from similar events): ${message}`;
    }
    const now = this.timestamps.format(at);
    const previous = this.seen.get(key);
    if (previous) previous.count++;
    // The spam filter judges the event once it has been counted: one it drops is not written, but
    // the next one that goes through carries its count.
    if (!this.allow(objectKey, nowMs)) return;
    if (previous) {
      remember(this.seen, key, previous);
      try {
        await this.client.patch(events, previous.namespace, previous.name, 'merge', { count: previous.count, lastTimestamp: now, message });
        return;
      } catch (err) {
        // The earlier event expired or was deleted: start a new series.
        if ((err as { code?: number }).code !== 404) throw err;
      }
    }
    // client-go names events `<object>.<unix nanoseconds in hex>`; a sequence keeps two events of one
    // virtual millisecond apart. A virtual clock may stand between two milliseconds (a jittered
    // timer's), where the name takes the millisecond it is in.
    const nanos = BigInt(Math.floor(at)) * 1_000_000n + BigInt(sequence++ % 1_000_000);
    const name = `${meta.name}.${nanos.toString(16)}`;
    const event: Obj = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: meta.namespace
        ? { kind: obj.kind, namespace: meta.namespace, name: meta.name, uid: meta.uid, apiVersion: obj.apiVersion, resourceVersion: meta.resourceVersion }
        : { kind: obj.kind, name: meta.name, uid: meta.uid, apiVersion: obj.apiVersion, resourceVersion: meta.resourceVersion },
      reason,
      message,
      source: { component: this.component, ...(this.host ? { host: this.host } : {}) },
      firstTimestamp: previous?.firstTimestamp ?? now,
      lastTimestamp: now,
      count: previous?.count ?? 1,
      type,
      eventTime: null,
      reportingComponent: this.component,
      reportingInstance: this.host ?? '',
    };
    const record: Recorded = { namespace, name, count: event.count, firstTimestamp: event.firstTimestamp };
    remember(this.seen, key, record);
    await this.client.create(events, namespace, event);
  }

  /** `message`, or the copy of the same text the caches already hold. */
  private text(message: string): string {
    const held = this.texts.get(message);
    if (held !== undefined) return held;
    if (this.texts.size >= cacheSize) this.texts = new Map();
    this.texts.set(message, message);
    return message;
  }

  /** The spam filter's token bucket for one source and object (a passive bucket: refilled when asked). */
  private allow(spamKey: string, nowMs: number): boolean {
    let bucket = this.spam.get(spamKey);
    if (!bucket) bucket = { tokens: spamBurst, at: nowMs };
    else bucket.tokens = Math.min(spamBurst, bucket.tokens + (nowMs - bucket.at) / spamRefillMs);
    bucket.at = nowMs;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    remember(this.spam, spamKey, bucket);
    return allowed;
  }
}

/** Puts `key` in an LRU cache of `cacheSize` entries as its most recent entry (client-go's lru.Cache.Add). */
function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
}

/** An event as client-go's log lines show it: its object by kind and name, then type, reason and message. */
function describeEvent(obj: KubeObject, type: EventType, reason: string, message: string): string {
  const meta = obj.metadata ?? {};
  return `${obj.kind ?? ''} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name ?? ''}: ${type} ${reason}: ${message}`;
}
