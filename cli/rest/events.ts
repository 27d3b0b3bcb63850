// Reading core/v1 Events for `describe` and `events`: when one was last (and first) seen, and how
// kubectl shows a repeated one ("3m (x4 over 10m)").
import { humanDuration } from '../../engine/http/printers';

export type Event = Record<string, any>;

const time = (s: unknown): number | undefined => {
  const t = typeof s === 'string' ? Date.parse(s) : NaN;
  return Number.isNaN(t) ? undefined : t;
};

/** When the event last happened: its series' last observation, lastTimestamp or eventTime. */
export function lastSeen(e: Event): number | undefined {
  return time(e.series?.lastObservedTime) ?? time(e.lastTimestamp) ?? time(e.eventTime) ?? time(e.firstTimestamp) ?? time(e.metadata?.creationTimestamp);
}

export function firstSeen(e: Event): number | undefined {
  return time(e.firstTimestamp) ?? time(e.eventTime) ?? lastSeen(e);
}

/** How many times the event happened (a series' count, or the deprecated count). */
export function eventCount(e: Event): number {
  return Number(e.series?.count ?? e.count ?? 1) || 1;
}

/** kubectl's age of an event: `10s`, or `3m (x4 over 10m)` for one seen several times. */
export function eventAge(e: Event, now: number): string {
  const last = lastSeen(e);
  if (last === undefined) return '<unknown>';
  const age = humanDuration(now - last);
  const count = eventCount(e);
  if (count <= 1) return age;
  const first = firstSeen(e) ?? last;
  return `${age} (x${count} over ${humanDuration(now - first)})`;
}

/** Who reported it, as kubectl's describe prints `From`: the component only (`kubelet`, not its node). */
export function eventSource(e: Event): string {
  return e.source?.component || e.reportingController || e.reportingComponent || '';
}

export function byLastSeen(a: Event, b: Event): number {
  return (lastSeen(a) ?? 0) - (lastSeen(b) ?? 0);
}
