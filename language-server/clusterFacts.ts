// The `kubeside/clusterFacts` notification: what the extension tells the language server about the
// running cluster, so manifests can be checked against it. Plain JSON, small enough to send often.
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
    strings(v.persistentVolumeClaims)
  );
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
