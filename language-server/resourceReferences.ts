// Where one Kubernetes object names another by name: a pod's ConfigMaps, Secrets, claims and service
// account, a StatefulSet's governing Service, an Ingress's backends. The table below is the one
// source for definition, references, hover and name completion.
import type { PathSegment } from './parsedDocument';

/** The kinds that objects refer to by name within their own namespace. */
export type ReferencedKind = 'ConfigMap' | 'Secret' | 'Service' | 'PersistentVolumeClaim' | 'ServiceAccount';

/** `*` matches any sequence index. */
type Pattern = readonly (string | '*')[];

interface ReferenceField {
  readonly pattern: Pattern;
  readonly kind: ReferencedKind;
}

const containerFields = (list: string): ReferenceField[] => [
  { pattern: [list, '*', 'envFrom', '*', 'configMapRef', 'name'], kind: 'ConfigMap' },
  { pattern: [list, '*', 'envFrom', '*', 'secretRef', 'name'], kind: 'Secret' },
  { pattern: [list, '*', 'env', '*', 'valueFrom', 'configMapKeyRef', 'name'], kind: 'ConfigMap' },
  { pattern: [list, '*', 'env', '*', 'valueFrom', 'secretKeyRef', 'name'], kind: 'Secret' },
];

/** Fields of a PodSpec (core/v1) that name another object. */
const podSpecFields: readonly ReferenceField[] = [
  { pattern: ['serviceAccountName'], kind: 'ServiceAccount' },
  { pattern: ['serviceAccount'], kind: 'ServiceAccount' }, // deprecated alias of serviceAccountName
  { pattern: ['imagePullSecrets', '*', 'name'], kind: 'Secret' },
  { pattern: ['volumes', '*', 'configMap', 'name'], kind: 'ConfigMap' },
  { pattern: ['volumes', '*', 'secret', 'secretName'], kind: 'Secret' },
  { pattern: ['volumes', '*', 'persistentVolumeClaim', 'claimName'], kind: 'PersistentVolumeClaim' },
  { pattern: ['volumes', '*', 'projected', 'sources', '*', 'configMap', 'name'], kind: 'ConfigMap' },
  { pattern: ['volumes', '*', 'projected', 'sources', '*', 'secret', 'name'], kind: 'Secret' },
  ...containerFields('containers'),
  ...containerFields('initContainers'),
  ...containerFields('ephemeralContainers'),
];

/** Where each workload kind keeps its pod template's spec. */
const podSpecPaths: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** Fields outside the pod spec, by kind. */
const objectFields: Readonly<Record<string, readonly ReferenceField[]>> = {
  StatefulSet: [{ pattern: ['spec', 'serviceName'], kind: 'Service' }],
  Ingress: [
    { pattern: ['spec', 'defaultBackend', 'service', 'name'], kind: 'Service' },
    { pattern: ['spec', 'rules', '*', 'http', 'paths', '*', 'backend', 'service', 'name'], kind: 'Service' },
    { pattern: ['spec', 'tls', '*', 'secretName'], kind: 'Secret' },
  ],
};

function fieldsOf(kind: string): ReferenceField[] {
  const fields = [...(objectFields[kind] ?? [])];
  const podSpec = podSpecPaths[kind];
  if (podSpec) for (const f of podSpecFields) fields.push({ pattern: [...podSpec, ...f.pattern], kind: f.kind });
  return fields;
}

const fieldsByKind = new Map<string, ReferenceField[]>();
function cachedFieldsOf(kind: string): ReferenceField[] {
  let fields = fieldsByKind.get(kind);
  if (!fields) fieldsByKind.set(kind, (fields = fieldsOf(kind)));
  return fields;
}

/** The path to a workload kind's pod template (`spec.template` for a Deployment), if it has one. */
export function podTemplatePath(kind: string): readonly string[] | undefined {
  const spec = podSpecPaths[kind];
  return spec && kind !== 'Pod' ? spec.slice(0, -1) : undefined;
}

/** The kind a field names, when the field at `path` of an object of `kind` is a reference. */
export function referencedKindAt(kind: string, path: readonly PathSegment[]): ReferencedKind | undefined {
  for (const f of cachedFieldsOf(kind)) {
    if (f.pattern.length !== path.length) continue;
    if (f.pattern.every((p, i) => (p === '*' ? typeof path[i] === 'number' : p === path[i]))) return f.kind;
  }
  return undefined;
}

export interface ResourceReference {
  readonly kind: ReferencedKind;
  readonly name: string;
  /** The path to the field holding the name. */
  readonly path: readonly PathSegment[];
}

/** Every reference an object of `kind` makes, in document order of the table above. */
export function findReferences(kind: string, object: unknown): ResourceReference[] {
  const found: ResourceReference[] = [];
  for (const f of cachedFieldsOf(kind)) collect(object, f.pattern, 0, [], f.kind, found);
  return found;
}

function collect(value: unknown, pattern: Pattern, at: number, path: PathSegment[], kind: ReferencedKind, out: ResourceReference[]): void {
  if (at === pattern.length) {
    if (typeof value === 'string' && value !== '') out.push({ kind, name: value, path: [...path] });
    return;
  }
  const step = pattern[at]!;
  if (step === '*') {
    if (!Array.isArray(value)) return;
    value.forEach((item, i) => collect(item, pattern, at + 1, [...path, i], kind, out));
    return;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return;
  collect((value as Record<string, unknown>)[step], pattern, at + 1, [...path, step], kind, out);
}
