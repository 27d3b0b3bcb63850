// The resource metrics API, metrics.k8s.io/v1beta1, as metrics-server serves it
// (k8s.io/metrics/pkg/apis/metrics/v1beta1). It is an aggregated API, so its kinds are not in the
// core OpenAPI spec: PodMetrics and NodeMetrics are defined here, read-only (get and list).
import type { KindInfo } from '../api/kinds/index';

export const metricsGroup = 'metrics.k8s.io';
export const metricsVersion = 'v1beta1';
export const metricsApiVersion = `${metricsGroup}/${metricsVersion}`;

/** CPU and memory as quantities: `cpu: 251340n`, `memory: 8192Ki`. */
export interface ResourceUsage {
  cpu: string;
  memory: string;
}

export interface ContainerMetrics {
  name: string;
  usage: ResourceUsage;
}

interface MetricsObjectMeta {
  name: string;
  namespace?: string;
  creationTimestamp: string;
  labels?: Record<string, string>;
}

/** One pod's containers' usage over `window`, ending at `timestamp`. */
export interface PodMetrics {
  kind: 'PodMetrics';
  apiVersion: typeof metricsApiVersion;
  metadata: MetricsObjectMeta & { namespace: string };
  timestamp: string;
  /** A Go duration, e.g. `15s`. */
  window: string;
  containers: ContainerMetrics[];
}

export interface NodeMetrics {
  kind: 'NodeMetrics';
  apiVersion: typeof metricsApiVersion;
  metadata: MetricsObjectMeta;
  timestamp: string;
  window: string;
  usage: ResourceUsage;
}

/** The two resources, as discovery lists them (metrics-server's APIResourceList: get and list only). */
export const metricsKinds: readonly KindInfo[] = [
  { group: metricsGroup, version: metricsVersion, kind: 'NodeMetrics', plural: 'nodes', singular: '', shortNames: [], namespaced: false, verbs: ['get', 'list'], subresources: [], served: true },
  { group: metricsGroup, version: metricsVersion, kind: 'PodMetrics', plural: 'pods', singular: '', shortNames: [], namespaced: true, verbs: ['get', 'list'], subresources: [], served: true },
];
