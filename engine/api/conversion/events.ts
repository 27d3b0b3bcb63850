// events.k8s.io/v1 Event served over core/v1 Event storage, as kube-apiserver serves the two: one
// object under /registry/events/, the internal type being core's (pkg/apis/events/v1/conversion.go
// and its generated conversions). The fields map one to one, so nothing travels in annotations:
//   regarding                 <-> involvedObject
//   note                      <-> message
//   reportingController       <-> reportingComponent (core/v1's JSON name; its Go name is ReportingController)
//   deprecatedSource          <-> source
//   deprecatedFirstTimestamp  <-> firstTimestamp
//   deprecatedLastTimestamp   <-> lastTimestamp
//   deprecatedCount           <-> count
// and eventTime, series (count, lastObservedTime), action, reason, type, related and
// reportingInstance keep their names. Fields are written in each version's Go struct order; absent
// ones stay absent (omitempty), except the object reference, which Go always writes.
import type { VersionConversion } from './types';

type Obj = Record<string, any>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const copy = <T>(v: T): T => (v === undefined || v === null ? (undefined as T) : (JSON.parse(JSON.stringify(v)) as T));

/** Builds an object from [key, value] pairs in order, leaving out undefined values. */
function fields(...entries: [string, unknown][]): Obj {
  const out: Obj = {};
  for (const [k, v] of entries) if (v !== undefined) out[k] = v;
  return out;
}

/** An int32 with omitempty: zero (or no number) is left out. */
const count = (v: unknown): number | undefined => (typeof v === 'number' && v !== 0 ? v : undefined);
/** A string with omitempty. */
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
/** EventSeries is converted field by field (its two fields are the same in both versions). */
const series = (v: unknown): Obj | undefined => (isObj(v) ? fields(['count', v.count], ['lastObservedTime', v.lastObservedTime ?? undefined]) : undefined);
/** A non-pointer ObjectReference: always written, empty when there is none. */
const reference = (v: unknown): Obj => (isObj(v) ? copy(v) : {});
/** EventSource with omitempty fields: an empty one is left out. */
const source = (v: unknown): Obj | undefined => {
  if (!isObj(v)) return undefined;
  const out = fields(['component', text(v.component)], ['host', text(v.host)]);
  return Object.keys(out).length ? out : undefined;
};

/** Convert_v1_Event_To_core_Event. */
export function eventToCore(e: Obj): Obj {
  return fields(
    ['apiVersion', 'v1'],
    ['kind', 'Event'],
    ['metadata', copy(e.metadata) ?? {}],
    ['involvedObject', reference(e.regarding)],
    ['reason', text(e.reason)],
    ['message', text(e.note)],
    ['source', source(e.deprecatedSource)],
    ['firstTimestamp', e.deprecatedFirstTimestamp ?? undefined],
    ['lastTimestamp', e.deprecatedLastTimestamp ?? undefined],
    ['count', count(e.deprecatedCount)],
    ['type', text(e.type)],
    ['eventTime', e.eventTime ?? undefined],
    ['series', series(e.series)],
    ['action', text(e.action)],
    ['related', isObj(e.related) ? copy(e.related) : undefined],
    ['reportingComponent', text(e.reportingController)],
    ['reportingInstance', text(e.reportingInstance)],
  );
}

/** Convert_core_Event_To_v1_Event. */
export function eventFromCore(e: Obj): Obj {
  return fields(
    ['apiVersion', 'events.k8s.io/v1'],
    ['kind', 'Event'],
    ['metadata', copy(e.metadata) ?? {}],
    ['eventTime', e.eventTime ?? undefined],
    ['series', series(e.series)],
    ['reportingController', text(e.reportingComponent)],
    ['reportingInstance', text(e.reportingInstance)],
    ['action', text(e.action)],
    ['reason', text(e.reason)],
    ['regarding', reference(e.involvedObject)],
    ['related', isObj(e.related) ? copy(e.related) : undefined],
    ['note', text(e.message)],
    ['type', text(e.type)],
    ['deprecatedSource', source(e.source)],
    ['deprecatedFirstTimestamp', e.firstTimestamp ?? undefined],
    ['deprecatedLastTimestamp', e.lastTimestamp ?? undefined],
    ['deprecatedCount', count(e.count)],
  );
}

/** core/v1 top-level fields under another name in events.k8s.io/v1. */
const servedNames: Record<string, string> = {
  involvedObject: 'regarding',
  message: 'note',
  reportingComponent: 'reportingController',
  source: 'deprecatedSource',
  firstTimestamp: 'deprecatedFirstTimestamp',
  lastTimestamp: 'deprecatedLastTimestamp',
  count: 'deprecatedCount',
};

/** A core/v1 Event field path in events.k8s.io/v1's names (`involvedObject.namespace` → `regarding.namespace`). */
function eventServedPath(path: string): string | undefined {
  const end = path.search(/[.[]/);
  const head = end < 0 ? path : path.slice(0, end);
  const renamed = servedNames[head];
  return renamed === undefined ? undefined : renamed + (end < 0 ? '' : path.slice(end));
}

export const eventsV1Event: VersionConversion = {
  group: 'events.k8s.io',
  kind: 'Event',
  served: 'v1',
  storageGroup: '',
  storage: 'v1',
  toStorage: eventToCore,
  fromStorage: eventFromCore,
  // events.k8s.io/v1 has no defaulting functions (its zz_generated.defaults.go registers none).
  defaultServed: () => {},
  statusAnnotations: [],
  specAnnotations: [],
  servedPath: eventServedPath,
};
