// Where one Kubernetes object names another by name: a pod's ConfigMaps, Secrets, claims, service
// account and classes, a StatefulSet's governing Service, an Ingress's backends, a binding's role and
// subjects, an autoscaler's target. The table below is the one source for definition, references,
// rename, hover and name completion.
import { kinds } from '../engine/api/kinds/index';
import { isRecord, type PathSegment, valueAt } from './parsedDocument';

/** `*` matches any sequence index. */
type Pattern = readonly (string | '*')[];

interface ReferenceField {
  readonly pattern: Pattern;
  /** The kind named, fixed, or read from a field beside the name (`roleRef.kind`). */
  readonly kind: string | { readonly from: string };
  /** Only when a field beside the name has this value (`subjects[*].kind: ServiceAccount`). */
  readonly when?: { readonly field: string; readonly equals: string };
  /** A field beside the name that gives the target's namespace (`subjects[*].namespace`). */
  readonly namespaceFrom?: string;
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
  { pattern: ['priorityClassName'], kind: 'PriorityClass' },
  { pattern: ['runtimeClassName'], kind: 'RuntimeClass' },
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

/** A binding's subjects: only ServiceAccounts are objects (users and groups are names from outside). */
const subjects: ReferenceField = { pattern: ['subjects', '*', 'name'], kind: 'ServiceAccount', when: { field: 'kind', equals: 'ServiceAccount' }, namespaceFrom: 'namespace' };

/** Fields outside the pod spec, by kind. */
const objectFields: Readonly<Record<string, readonly ReferenceField[]>> = {
  StatefulSet: [{ pattern: ['spec', 'serviceName'], kind: 'Service' }],
  Ingress: [
    { pattern: ['spec', 'ingressClassName'], kind: 'IngressClass' },
    { pattern: ['spec', 'defaultBackend', 'service', 'name'], kind: 'Service' },
    { pattern: ['spec', 'rules', '*', 'http', 'paths', '*', 'backend', 'service', 'name'], kind: 'Service' },
    { pattern: ['spec', 'tls', '*', 'secretName'], kind: 'Secret' },
  ],
  PersistentVolumeClaim: [
    { pattern: ['spec', 'storageClassName'], kind: 'StorageClass' },
    { pattern: ['spec', 'volumeName'], kind: 'PersistentVolume' },
  ],
  RoleBinding: [{ pattern: ['roleRef', 'name'], kind: { from: 'kind' } }, subjects],
  ClusterRoleBinding: [{ pattern: ['roleRef', 'name'], kind: { from: 'kind' } }, subjects],
  HorizontalPodAutoscaler: [{ pattern: ['spec', 'scaleTargetRef', 'name'], kind: { from: 'kind' } }],
};

function fieldsOf(kind: string): ReferenceField[] {
  const fields = [...(objectFields[kind] ?? [])];
  const podSpec = podSpecPaths[kind];
  if (podSpec) for (const f of podSpecFields) fields.push({ ...f, pattern: [...podSpec, ...f.pattern] });
  return fields;
}

const fieldsByKind = new Map<string, ReferenceField[]>();
function cachedFieldsOf(kind: string): ReferenceField[] {
  let fields = fieldsByKind.get(kind);
  if (!fields) fieldsByKind.set(kind, (fields = fieldsOf(kind)));
  return fields;
}

const clusterScoped = new Map<string, boolean>();

/** Whether objects of `kind` live outside namespaces (Namespace, ClusterRole, StorageClass, …). */
export function isClusterScoped(kind: string): boolean {
  let scoped = clusterScoped.get(kind);
  if (scoped === undefined) {
    const info = kinds().all().find((i) => i.kind === kind && i.plural);
    scoped = info ? !info.namespaced : false;
    clusterScoped.set(kind, scoped);
  }
  return scoped;
}

/** The path to a workload kind's pod template (`spec.template` for a Deployment), if it has one. */
export function podTemplatePath(kind: string): readonly string[] | undefined {
  const spec = podSpecPaths[kind];
  return spec && kind !== 'Pod' ? spec.slice(0, -1) : undefined;
}

export interface ResourceReference {
  readonly kind: string;
  readonly name: string;
  /** The namespace the reference names explicitly (a binding's subject), if it does. */
  readonly namespace?: string;
  /** The path to the field holding the name. */
  readonly path: readonly PathSegment[];
}

/**
 * The kind the field at `path` of `object` (of kind `kind`) refers to, when it is a reference;
 * for completion, where the name may not be typed yet.
 */
export function referencedKindAt(kind: string, path: readonly PathSegment[], object: unknown): string | undefined {
  for (const f of cachedFieldsOf(kind)) {
    if (f.pattern.length !== path.length) continue;
    if (!f.pattern.every((p, i) => (p === '*' ? typeof path[i] === 'number' : p === path[i]))) continue;
    const parent = valueAt(object, path.slice(0, -1));
    const target = resolve(f, parent);
    if (target) return target.kind;
  }
  return undefined;
}

/** Every reference an object of `kind` makes, in the order of the table above. */
export function findReferences(kind: string, object: unknown): ResourceReference[] {
  const found: ResourceReference[] = [];
  for (const f of cachedFieldsOf(kind)) collect(object, f, 0, [], undefined, found);
  return found;
}

/** The target kind and namespace of a reference field, given the object that holds the name. */
function resolve(f: ReferenceField, parent: unknown): { kind: string; namespace?: string } | undefined {
  const sibling = (field: string) => {
    const v = isRecord(parent) ? parent[field] : undefined;
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  if (f.when && sibling(f.when.field) !== f.when.equals) return undefined;
  const kind = typeof f.kind === 'string' ? f.kind : sibling(f.kind.from);
  if (!kind) return undefined;
  const namespace = f.namespaceFrom ? sibling(f.namespaceFrom) : undefined;
  return namespace ? { kind, namespace } : { kind };
}

function collect(value: unknown, f: ReferenceField, at: number, path: PathSegment[], parent: unknown, out: ResourceReference[]): void {
  if (at === f.pattern.length) {
    const target = typeof value === 'string' && value !== '' ? resolve(f, parent) : undefined;
    if (target) out.push({ ...target, name: value as string, path: [...path] });
    return;
  }
  const step = f.pattern[at]!;
  if (step === '*') {
    if (!Array.isArray(value)) return;
    value.forEach((item, i) => collect(item, f, at + 1, [...path, i], value, out));
    return;
  }
  if (!isRecord(value)) return;
  collect(value[step], f, at + 1, [...path, step], value, out);
}

