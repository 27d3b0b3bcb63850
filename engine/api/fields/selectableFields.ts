// Which fields each kind lets a field selector use, and their values for one object, as the API
// server's per-kind field label conversions and ToSelectableFields functions define them. Every
// kind supports metadata.name and metadata.namespace; anything else is
// `field label not supported: <field>` (400 Bad Request).
import { statusErrors } from '../errors';
import { type Fields, type FieldSelector, FieldSelectorError, parseFieldSelector } from './selector';

type Obj = Record<string, any>;

interface KindFields {
  readonly names: readonly string[];
  readonly extract: (obj: Obj) => Record<string, string>;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The selectable fields of an object reference (an Event's involvedObject or regarding). */
const referenceMembers = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'] as const;
const referenceNames = (prefix: string) => referenceMembers.map((m) => `${prefix}.${m}`);
const referenceFields = (prefix: string, ref: Obj | undefined): Record<string, string> => Object.fromEntries(referenceMembers.map((m) => [`${prefix}.${m}`, str(ref?.[m])]));
const bool = (v: unknown): string => (v === true ? 'true' : 'false');
const int = (v: unknown): string => String(typeof v === 'number' ? Math.trunc(v) : 0);

const byKind: Record<string, KindFields> = {
  '/Pod': {
    names: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
    extract: (o) => ({
      'spec.nodeName': str(o.spec?.nodeName),
      'spec.restartPolicy': str(o.spec?.restartPolicy),
      'spec.schedulerName': str(o.spec?.schedulerName),
      'spec.serviceAccountName': str(o.spec?.serviceAccountName),
      'spec.hostNetwork': bool(o.spec?.hostNetwork),
      'status.phase': str(o.status?.phase),
      // The first of status.podIPs is the pod's primary IP; older objects only carry status.podIP.
      'status.podIP': str(o.status?.podIPs?.[0]?.ip ?? o.status?.podIP),
      'status.nominatedNodeName': str(o.status?.nominatedNodeName),
    }),
  },
  '/Event': {
    names: [...referenceNames('involvedObject'), 'reason', 'reportingComponent', 'source', 'type'],
    extract: (o) => ({
      ...referenceFields('involvedObject', o.involvedObject),
      reason: str(o.reason),
      reportingComponent: str(o.reportingComponent),
      source: str(o.source?.component),
      type: str(o.type),
    }),
  },
  // events.k8s.io/v1's field label conversion (AddFieldLabelConversionsForEvent) maps its labels to
  // the core fields above; read off the events.k8s.io object, they are these.
  'events.k8s.io/Event': {
    names: [...referenceNames('regarding'), 'reason', 'reportingController', 'source', 'type'],
    extract: (o) => ({
      ...referenceFields('regarding', o.regarding),
      reason: str(o.reason),
      reportingController: str(o.reportingController),
      // There is no source in events.k8s.io/v1: kube still selects on the core field behind deprecatedSource.
      source: str(o.deprecatedSource?.component),
      type: str(o.type),
    }),
  },
  '/Secret': { names: ['type'], extract: (o) => ({ type: str(o.type) }) },
  '/Node': { names: ['spec.unschedulable'], extract: (o) => ({ 'spec.unschedulable': bool(o.spec?.unschedulable) }) },
  '/Namespace': { names: ['status.phase'], extract: (o) => ({ 'status.phase': str(o.status?.phase) }) },
  '/Service': { names: ['spec.clusterIP', 'spec.type'], extract: (o) => ({ 'spec.clusterIP': str(o.spec?.clusterIP), 'spec.type': str(o.spec?.type) }) },
  '/ReplicationController': { names: ['status.replicas'], extract: (o) => ({ 'status.replicas': int(o.status?.replicas) }) },
  'apps/ReplicaSet': { names: ['status.replicas'], extract: (o) => ({ 'status.replicas': int(o.status?.replicas) }) },
  'batch/Job': { names: ['status.successful'], extract: (o) => ({ 'status.successful': int(o.status?.succeeded) }) },
};

const metaFields = ['metadata.name', 'metadata.namespace'];

/** The field labels a kind's field selectors may use. */
export function selectableFieldNames(group: string, kind: string): readonly string[] {
  return [...metaFields, ...(byKind[`${group}/${kind}`]?.names ?? [])];
}

/** The selectable fields of one object of the kind (ObjectMetaFieldsSet merged with the kind's own). */
export function selectableFields(group: string, kind: string, obj: Obj): Fields {
  const own = byKind[`${group}/${kind}`]?.extract(obj) ?? {};
  return { 'metadata.name': str(obj.metadata?.name), 'metadata.namespace': str(obj.metadata?.namespace), ...own };
}

/**
 * Parses `selector` and checks every field against the kind, as the API server does before a list
 * or watch; both kinds of failure are a 400 with Kubernetes' message.
 */
export function parseFieldSelectorForKind(group: string, kind: string, selector: string): FieldSelector {
  let parsed: FieldSelector;
  try {
    parsed = parseFieldSelector(selector);
  } catch (e) {
    if (e instanceof FieldSelectorError) throw statusErrors.badRequest(e.message);
    throw e;
  }
  const allowed = new Set(selectableFieldNames(group, kind));
  for (const r of parsed.requirements()) {
    if (!allowed.has(r.field)) throw statusErrors.badRequest(`field label not supported: ${r.field}`);
  }
  return parsed;
}

/** A predicate over objects of the kind, for list and watch filtering. */
export function fieldSelectorPredicate(group: string, kind: string, selector: string | FieldSelector): (obj: Obj) => boolean {
  const parsed = typeof selector === 'string' ? parseFieldSelectorForKind(group, kind, selector) : selector;
  if (parsed.empty()) return () => true;
  return (obj) => parsed.matches(selectableFields(group, kind, obj));
}
