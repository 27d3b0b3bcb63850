// A container's environment as the kubelet builds it when the container starts: envFrom sources
// first, then env in order, with `$(VAR)` references to variables defined before expanded. A missing
// ConfigMap, Secret or key that is not optional is the container's CreateContainerConfigError.
// After makeEnvironmentVariables in pkg/kubelet/kubelet_pods.go.
import type { Container, EnvVar, Pod } from 'kubernetes-types/core/v1';
import { Quantity } from '../api/quantity';
import type { Obj } from '../apiserver/registry/strategy';

export interface EnvSources {
  /** A ConfigMap or Secret of the pod's namespace, or undefined when it does not exist. */
  get(resource: 'configmaps' | 'secrets', namespace: string, name: string): Obj | undefined;
  podIP: string | undefined;
  hostIP: string;
  /** What a resourceFieldRef to a limit the container does not set resolves to. */
  allocatable: { cpu: string; memory: string };
}

export type EnvResult = { env: Record<string, string> } | { error: string };

const decode = (data: Record<string, string> | undefined) => Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));

export function containerEnv(pod: Pod, spec: Container, sources: EnvSources): EnvResult {
  const ns = pod.metadata?.namespace ?? '';
  const env: Record<string, string> = {};
  for (const from of spec.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const kind = from.configMapRef ? 'configmaps' : 'secrets';
    const obj = sources.get(kind, ns, ref.name ?? '');
    if (!obj) {
      if (ref.optional) continue;
      return { error: `${kind === 'configmaps' ? 'configmap' : 'secret'} "${ref.name}" not found` };
    }
    const data = kind === 'configmaps' ? (obj.data ?? {}) : decode(obj.data);
    for (const [k, v] of Object.entries(data)) env[`${from.prefix ?? ''}${k}`] = String(v);
  }
  for (const e of spec.env ?? []) {
    const value = envValue(pod, spec, e, sources);
    if (typeof value === 'object') return value;
    if (value !== undefined) env[e.name] = e.valueFrom ? value : expand(value, env);
  }
  return { env };
}

/**
 * Kubernetes' `$(VAR)` expansion: a reference to a variable defined before is replaced by its value,
 * `$$` is a literal `$`, and a reference to anything else is left as written.
 */
export function expand(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && name in env ? env[name]! : m;
  });
}

function envValue(pod: Pod, spec: Container, e: EnvVar, sources: EnvSources): string | undefined | { error: string } {
  if (!e.valueFrom) return e.value ?? '';
  const ns = pod.metadata?.namespace ?? '';
  const cm = e.valueFrom.configMapKeyRef;
  const sec = e.valueFrom.secretKeyRef;
  if (cm || sec) {
    const ref = (cm ?? sec)!;
    const obj = sources.get(cm ? 'configmaps' : 'secrets', ns, ref.name ?? '');
    if (!obj) return ref.optional ? undefined : { error: `${cm ? 'configmap' : 'secret'} "${ref.name}" not found` };
    const raw = obj.data?.[ref.key];
    if (raw === undefined) return ref.optional ? undefined : { error: `couldn't find key ${ref.key} in ${cm ? 'ConfigMap' : 'Secret'} ${ns}/${ref.name}` };
    return cm ? String(raw) : Buffer.from(raw, 'base64').toString();
  }
  const field = e.valueFrom.fieldRef?.fieldPath;
  if (field) {
    const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(field);
    if (label) return pod.metadata?.[label[1] as 'labels']?.[label[2]!] ?? '';
    const values: Record<string, string | undefined> = {
      'metadata.name': pod.metadata?.name,
      'metadata.namespace': ns,
      'metadata.uid': pod.metadata?.uid,
      'spec.nodeName': pod.spec?.nodeName,
      'spec.serviceAccountName': pod.spec?.serviceAccountName,
      'status.hostIP': sources.hostIP,
      'status.hostIPs': sources.hostIP,
      'status.podIP': sources.podIP,
      'status.podIPs': sources.podIP,
    };
    return values[field] ?? '';
  }
  const resource = e.valueFrom.resourceFieldRef?.resource;
  if (resource) {
    // Divisor 1: CPU in whole cores rounded up, memory in bytes; no limit means the node's allocatable.
    const [kind, name] = resource.split('.') as ['limits' | 'requests', string];
    const q = Quantity.tryParse(spec.resources?.[kind]?.[name]) ?? Quantity.tryParse(name === 'cpu' ? sources.allocatable.cpu : sources.allocatable.memory);
    if (!q) return '';
    return name === 'cpu' ? String(Math.ceil(q.milliValue() / 1000)) : String(q.value());
  }
  return '';
}
