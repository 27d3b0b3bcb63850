// Event rules (pkg/apis/core/validation/events.go). kube-apiserver validates one internal Event
// whichever group a request came through, and chooses the rules by the request's version: core/v1
// writes get only the lenient legacyValidateEvent; events.k8s.io/v1 writes get it too, plus the
// strict ValidateEventCreate / ValidateEventUpdate. Both rule sets here are handed the object in
// core/v1's shape (an events.k8s.io/v1 body is converted first, see engine/api/conversion/events.ts),
// and report core's field paths, as kube's messages name the internal type's fields.

import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { isQualifiedName, nameIsDNSSubdomain } from '../names.js';
import { at, deepEqual, has, isObj, num, obj, str, validateImmutableField } from './common.js';
import { type Obj, registerKindRules } from './registry.js';

const root = FieldPath.root;

/** ReportingInstanceLengthLimit, ActionLengthLimit, ReasonLengthLimit, NoteLengthLimit. */
const lengthLimits = { reportingInstance: 128, action: 128, reason: 128, message: 1024 } as const;

/** legacyValidateEvent: what every Event write must pass, in any version. */
function legacyValidateEvent(ev: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(obj(ev.metadata).namespace);
  const involvedNs = str(obj(ev.involvedObject).namespace);
  const nsPath = at(root('involvedObject'), 'namespace');
  if (!str(ev.eventTime)) {
    // Old-style events: an event about a cluster-scoped object lives in "default" (or nowhere).
    if (!involvedNs ? ns !== '' && ns !== 'default' : ns !== involvedNs) errs.push(fieldError.invalid(nsPath, involvedNs, 'does not match event.namespace'));
    return errs;
  }
  if (!involvedNs && ns !== 'default' && ns !== 'kube-system') errs.push(fieldError.invalid(nsPath, involvedNs, 'does not match event.namespace'));
  const controller = str(ev.reportingComponent);
  if (!controller) errs.push(fieldError.required(root('reportingController')));
  errs.push(...isQualifiedName(controller).map((m) => fieldError.invalid(root('reportingController'), controller, m)));
  for (const f of ['reportingInstance', 'action', 'reason'] as const) {
    const v = str(ev[f]);
    if (!v) errs.push(fieldError.required(root(f)));
    if (v.length > lengthLimits[f]) errs.push(fieldError.invalid(root(f), '', `can have at most ${lengthLimits[f]} characters`));
  }
  if (str(ev.message).length > lengthLimits.message) errs.push(fieldError.invalid(root('message'), '', `can have at most ${lengthLimits.message} characters`));
  return errs;
}

/** validateV1EventSeries */
function validateV1EventSeries(ev: Obj): FieldError[] {
  if (!isObj(ev.series)) return [];
  const errs: FieldError[] = [];
  if ((num(ev.series.count) ?? 0) < 2) errs.push(fieldError.invalid(root('series.count'), '', 'should be at least 2'));
  if (!str(ev.series.lastObservedTime)) errs.push(fieldError.required(root('series.lastObservedTime')));
  return errs;
}

/** ValidateEventCreate's strict part, for events.k8s.io/v1 requests (ObjectMeta is checked for every kind). */
function validateEventCreateStrict(ev: Obj): FieldError[] {
  const errs = validateV1EventSeries(ev);
  if (!str(ev.eventTime)) errs.push(fieldError.required(root('eventTime')));
  if (ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(fieldError.invalid(root('type'), '', `has invalid value: ${str(ev.type)}`));
  if (has(ev, 'firstTimestamp')) errs.push(fieldError.invalid(root('firstTimestamp'), '', 'needs to be unset'));
  if (has(ev, 'lastTimestamp')) errs.push(fieldError.invalid(root('lastTimestamp'), '', 'needs to be unset'));
  if ((num(ev.count) ?? 0) !== 0) errs.push(fieldError.invalid(root('count'), '', 'needs to be unset'));
  const source = obj(ev.source);
  if (str(source.component) || str(source.host)) errs.push(fieldError.invalid(root('source'), '', 'needs to be unset'));
  return errs;
}

/** The fields ValidateEventUpdate keeps immutable, with the path kube reports each under. */
const immutable: readonly [key: string, path: string][] = [
  ['involvedObject', 'involvedObject'],
  ['reason', 'reason'],
  ['message', 'message'],
  ['source', 'source'],
  ['firstTimestamp', 'firstTimestamp'],
  ['lastTimestamp', 'lastTimestamp'],
  ['count', 'count'],
  ['type', 'type'],
  ['eventTime', 'eventTime'],
  ['action', 'action'],
  ['related', 'related'],
  ['reportingComponent', 'reportingController'],
  ['reportingInstance', 'reportingInstance'],
];

/** ValidateEventUpdate's strict part: a changed series is checked again, the rest may not change. */
function validateEventUpdateStrict(ev: Obj, old: Obj): FieldError[] {
  const errs = deepEqual(ev.series, old.series) ? [] : validateV1EventSeries(ev);
  // A Go zero value and an absent field are the same thing: compare what the internal type holds.
  const zero = (v: unknown): unknown => (v === undefined || v === null || v === '' || v === 0 || (isObj(v) && Object.keys(v).length === 0) ? undefined : v);
  for (const [key, path] of immutable) errs.push(...validateImmutableField(zero(ev[key]), zero(old[key]), root(path)));
  return errs;
}

registerKindRules('', 'Event', {
  name: nameIsDNSSubdomain,
  validate: (ev) => legacyValidateEvent(ev),
});

registerKindRules('events.k8s.io', 'Event', {
  name: nameIsDNSSubdomain,
  validate: (ev, _kind, old) => (old ? legacyValidateEvent(ev) : [...legacyValidateEvent(ev), ...validateEventCreateStrict(ev)]),
  validateUpdate: (ev, old) => validateEventUpdateStrict(ev, old),
});
