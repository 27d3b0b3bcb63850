// What a Service's type implies (pkg/api/service and the Service registry's helpers): which
// Services have cluster IPs, node ports, a health check port, and which are reachable from
// outside the cluster. Shared by defaulting, validation, the registry strategy and the allocator.

type ServiceSpec = { type?: string; externalIPs?: unknown; externalTrafficPolicy?: string; clusterIP?: string; clusterIPs?: string[] } | undefined;

/** The Service's type, ClusterIP when it names none. */
export const serviceType = (spec: ServiceSpec): string => spec?.type ?? 'ClusterIP';
const typeOf = serviceType;

/** The Service's cluster IPs: `clusterIPs`, or the `clusterIP` alone a client set without it (`None` included). */
export function clusterIPsOf(spec: ServiceSpec): string[] {
  return spec?.clusterIPs?.length ? spec.clusterIPs : spec?.clusterIP ? [spec.clusterIP] : [];
}

/** Every type but ExternalName has cluster IPs (headless `None` counts as one). */
export function needsClusterIP(spec: ServiceSpec): boolean {
  return typeOf(spec) !== 'ExternalName';
}

export function needsNodePort(spec: ServiceSpec): boolean {
  return typeOf(spec) === 'NodePort' || typeOf(spec) === 'LoadBalancer';
}

/** A LoadBalancer that keeps traffic on the node it reaches has a health check port for the load balancer. */
export function needsHealthCheckNodePort(spec: ServiceSpec): boolean {
  return typeOf(spec) === 'LoadBalancer' && spec?.externalTrafficPolicy === 'Local';
}

/** ExternallyAccessible: a LoadBalancer, a NodePort, or a ClusterIP Service with external IPs. */
export function externallyAccessible(spec: ServiceSpec): boolean {
  return needsNodePort(spec) || (typeOf(spec) === 'ClusterIP' && Array.isArray(spec?.externalIPs) && spec.externalIPs.length > 0);
}
