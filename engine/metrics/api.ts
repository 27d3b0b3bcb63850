// metrics.k8s.io/v1beta1 served by the API server, as metrics-server answers it behind the
// aggregator: the kubelets' summaries (CPU averaged over the scrape window, the memory working set)
// joined with the Pods and Nodes the API holds, so a PodMetrics carries its pod's labels and a pod
// that is gone has none. Read-only: get and list, with label and field selectors.
import { StatusError, statusErrors } from '../api/errors';
import { fieldSelectorPredicate } from '../api/fields/selectableFields';
import { parseSelector, type Selector } from '../api/labels/selector';
import { Quantity } from '../api/quantity';
import type { Obj } from '../apiserver/registry/strategy';
import type { ListOptions, ResourceRef } from '../apiserver/request';
import type { ContainerUsageStats, NodeUsage } from '../kubelet/usage';
import { rfc3339 } from '../util/clock';
import { metricsApiVersion, metricsGroup, metricsKinds, type NodeMetrics, type PodMetrics, type ResourceUsage } from './types';

/** Where the figures come from: every running kubelet's summary (what metrics-server scrapes). */
export interface MetricsSource {
  nodeUsage(): NodeUsage[];
}

/** What the API holds, read by the API server for this API (no authorization: the caller was authorized for metrics). */
export interface MetricsObjects {
  pod(namespace: string, name: string): Obj | undefined;
  node(name: string): Obj | undefined;
}

/** Nanocores as resource.NewScaledQuantity(n, Nano) prints them: `250m`, `1500u`, `251340n`. */
export function formatCpu(nanoCores: number): string {
  const n = Math.round(nanoCores);
  if (n === 0) return '0';
  if (n % 1_000_000_000 === 0) return String(n / 1_000_000_000);
  if (n % 1_000_000 === 0) return `${n / 1_000_000}m`;
  if (n % 1_000 === 0) return `${n / 1_000}u`;
  return `${n}n`;
}

/** Bytes as resource.NewQuantity(n, BinarySI) prints them: `8Mi`, `12345Ki`. */
export function formatMemory(bytes: number): string {
  return Quantity.fromValue(Math.round(bytes), 'BinarySI').toString();
}

function usage(u: { cpuNanoCores: number; memoryBytes: number }): ResourceUsage {
  return { cpu: formatCpu(u.cpuNanoCores), memory: formatMemory(u.memoryBytes) };
}

/** A Go duration in seconds, as metav1.Duration prints `15s` or `10.5s`. */
function duration(ms: number): string {
  return `${ms / 1000}s`;
}


function labelSelector(text: string | undefined): Selector | undefined {
  if (!text) return undefined;
  try {
    return parseSelector(text);
  } catch (err) {
    throw statusErrors.badRequest((err as Error).message);
  }
}

export class ResourceMetricsApi {
  constructor(private readonly source: MetricsSource, private readonly objects: MetricsObjects, private readonly now: () => number) {}

  /** Whether `ref` is a resource of this API (any other in the group is the 404 of an unknown resource). */
  static handles(ref: Pick<ResourceRef, 'group'>): boolean {
    return ref.group === metricsGroup;
  }

  /** The resources discovery lists. */
  kinds() {
    return metricsKinds;
  }

  /** 404 for what this API does not serve; 405 for a verb it does not allow on what it serves. */
  check(ref: ResourceRef, verb: string): void {
    const served = metricsKinds.find((k) => k.version === ref.version && k.plural === ref.resource);
    if (!served || ref.subresource) {
      const kind = ref.subresource ? `${ref.resource}/${ref.subresource}` : ref.resource;
      throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: { group: ref.group, kind }, code: 404 });
    }
    if (!served.verbs.includes(verb)) throw statusErrors.methodNotAllowed('the server does not allow this method on the requested resource');
  }

  /** Any verb but get and list: the 404 of an unknown resource, or 405. */
  refuse(ref: ResourceRef): never {
    this.check(ref, '');
    throw statusErrors.methodNotAllowed('the server does not allow this method on the requested resource');
  }

  get(ref: ResourceRef): PodMetrics | NodeMetrics {
    this.check(ref, 'get');
    const name = ref.name ?? '';
    if (ref.resource === 'pods') {
      const found = this.podMetrics(ref.namespace, (ns, n) => ns === ref.namespace && n === name)[0];
      if (!found) throw statusErrors.notFound('podmetrics', metricsGroup, `${ref.namespace}/${name}`);
      return found;
    }
    const found = this.nodeMetrics((n) => n === name)[0];
    if (!found) throw statusErrors.notFound('nodemetrics', metricsGroup, name);
    return found;
  }

  list(ref: ResourceRef, options: ListOptions): Obj {
    this.check(ref, 'list');
    const labels = labelSelector(options.labelSelector);
    const kind = ref.resource === 'pods' ? 'PodMetrics' : 'NodeMetrics';
    const fields = options.fieldSelector ? fieldSelectorPredicate(metricsGroup, kind, options.fieldSelector) : () => true;
    const match = (obj: Obj) => (!labels || labels.matches(obj.metadata.labels ?? {})) && fields(obj);
    const items: Obj[] = ref.resource === 'pods' ? this.podMetrics(ref.namespace, () => true).filter(match) : this.nodeMetrics(() => true).filter(match);
    items.sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name));
    return { kind: `${kind}List`, apiVersion: metricsApiVersion, metadata: {}, items };
  }

  private podMetrics(namespace: string | undefined, wanted: (namespace: string, name: string) => boolean): PodMetrics[] {
    const out: PodMetrics[] = [];
    const now = rfc3339(this.now());
    for (const node of this.source.nodeUsage()) {
      for (const p of node.pods) {
        if ((namespace && p.namespace !== namespace) || !wanted(p.namespace, p.name)) continue;
        const pod = this.objects.pod(p.namespace, p.name);
        // The kubelet may still run a pod the API no longer has (or a new one of the same name on another node).
        if (!pod || pod.spec?.nodeName !== node.node) continue;
        const labels = pod.metadata?.labels;
        out.push({
          kind: 'PodMetrics',
          apiVersion: metricsApiVersion,
          metadata: { name: p.name, namespace: p.namespace, creationTimestamp: now, ...(labels ? { labels: { ...labels } } : {}) },
          timestamp: rfc3339(p.timestamp),
          window: duration(p.windowMs),
          containers: p.containers.map((c: ContainerUsageStats) => ({ name: c.name, usage: usage(c) })),
        });
      }
    }
    return out;
  }

  private nodeMetrics(wanted: (name: string) => boolean): NodeMetrics[] {
    const out: NodeMetrics[] = [];
    const now = rfc3339(this.now());
    for (const node of this.source.nodeUsage()) {
      if (!wanted(node.node)) continue;
      const obj = this.objects.node(node.node);
      if (!obj) continue;
      const labels = obj.metadata?.labels;
      out.push({
        kind: 'NodeMetrics',
        apiVersion: metricsApiVersion,
        metadata: { name: node.node, creationTimestamp: now, ...(labels ? { labels: { ...labels } } : {}) },
        timestamp: rfc3339(node.timestamp),
        window: duration(node.windowMs),
        usage: usage(node),
      });
    }
    return out;
  }
}
