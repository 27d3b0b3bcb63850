// The `kubeside/clusterFacts` notification: what the extension tells the language server about the
// running cluster, so manifests can be checked against it. Plain JSON, small enough to send often.
import { createHash } from 'node:crypto';
import type { Taint } from 'kubernetes-types/core/v1';

/** Notification from client to server; params are ClusterFacts, or null when no cluster runs. */
export const clusterFactsNotification = 'kubeside/clusterFacts';

export interface NodeFacts {
  /** status.allocatable, as numbers: cpu in millicores, memory in bytes, pods in pods. */
  readonly allocatable: { readonly milliCPU: number; readonly memory: number; readonly pods: number };
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  /** spec.unschedulable: cordoned. */
  readonly unschedulable: boolean;
  /** Whether the node's Ready condition is True. */
  readonly ready: boolean;
}

/** A Deployment, StatefulSet or DaemonSet of the cluster, as far as "will applying this replace its pods?" needs. */
export interface WorkloadFacts {
  /** podTemplateDigest of its spec.template (as stored: defaults applied). */
  readonly template: string;
  /** Its pods now (status.replicas; a DaemonSet's currentNumberScheduled). */
  readonly pods: number;
  /** spec.strategy.type (Deployment) or spec.updateStrategy.type. */
  readonly strategy: string;
}

export interface ClusterFacts {
  /** Every node, by name. */
  readonly nodes: Readonly<Record<string, NodeFacts>>;
  /**
   * The most cpu and memory free (allocatable less the requests of the pods on it that have not
   * terminated) on any Ready node that is not cordoned; each is the largest on its own, so the two
   * may come from different nodes.
   */
  readonly largestFree: { readonly milliCPU: number; readonly memory: number };
  readonly namespaces: readonly string[];
  /** `namespace/name` of each object. */
  readonly configMaps: readonly string[];
  readonly secrets: readonly string[];
  readonly persistentVolumeClaims: readonly string[];
  /** `Kind/namespace/name` → the workload; absent from clients that do not send workloads. */
  readonly workloads?: Readonly<Record<string, WorkloadFacts>>;
}

/** The annotation `kubectl rollout restart` sets on a pod template: another manager's field, kept by an apply. */
const restartedAt = 'kubectl.kubernetes.io/restartedAt';

/**
 * A digest of a pod template that two sides compute alike: the extension from the stored object,
 * the language server from a manifest after the API server's defaulting. Keys are sorted, and nulls,
 * empty maps and empty lists dropped (`creationTimestamp: null`, `securityContext: {}` as Go writes
 * them mean "not set"), as is the annotation of `kubectl rollout restart`.
 */
export function podTemplateDigest(template: unknown): string {
  const canonical = (value: unknown, path: string): unknown => {
    if (Array.isArray(value)) {
      const items = value.map((v) => canonical(v, `${path}[]`)).filter((v) => v !== undefined);
      return items.length ? items : undefined;
    }
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value).sort()) {
        if (path === '.metadata.annotations' && key === restartedAt) continue;
        const v = canonical((value as Record<string, unknown>)[key], `${path}.${key}`);
        if (v !== undefined) out[key] = v;
      }
      return Object.keys(out).length ? out : undefined;
    }
    return value === null ? undefined : value;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(template, '') ?? {}))
    .digest('hex');
}

/** Whether a notification's params have the shape of ClusterFacts (the lists and maps the checks read). */
export function isClusterFacts(value: unknown): value is ClusterFacts {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
  const free = v.largestFree as Record<string, unknown> | undefined;
  return (
    !!v.nodes &&
    typeof v.nodes === 'object' &&
    Object.values(v.nodes).every(isNodeFacts) &&
    !!free &&
    typeof free.milliCPU === 'number' &&
    typeof free.memory === 'number' &&
    strings(v.namespaces) &&
    strings(v.configMaps) &&
    strings(v.secrets) &&
    strings(v.persistentVolumeClaims) &&
    (v.workloads === undefined || (!!v.workloads && typeof v.workloads === 'object' && Object.values(v.workloads).every(isWorkloadFacts)))
  );
}

function isWorkloadFacts(value: unknown): value is WorkloadFacts {
  const w = value as Record<string, unknown> | null;
  return !!w && typeof w === 'object' && typeof w.template === 'string' && typeof w.pods === 'number' && typeof w.strategy === 'string';
}

function isNodeFacts(value: unknown): value is NodeFacts {
  if (!value || typeof value !== 'object') return false;
  const n = value as Record<string, unknown>;
  const a = n.allocatable as Record<string, unknown> | undefined;
  return (
    !!a &&
    typeof a.milliCPU === 'number' &&
    typeof a.memory === 'number' &&
    typeof a.pods === 'number' &&
    !!n.labels &&
    typeof n.labels === 'object' &&
    Array.isArray(n.taints) &&
    typeof n.unschedulable === 'boolean' &&
    typeof n.ready === 'boolean'
  );
}
