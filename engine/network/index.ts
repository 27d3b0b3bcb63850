// The cluster network: node pod CIDRs and pod IPs, Service cluster IPs, and where a request goes
// through Service names and IPs, node ports and Ingress rules.
export { ClusterIPAllocator, defaultServiceCIDR } from './clusterIPAllocator';
export { controllerAnswer, type ControllerAnswer, hostMatches, ingressServesHost, type IngressMatch, matchIngress, matchIngresses, parseTarget, pathMatches } from './ingressRouter';
export { answer as corefileAnswer, type Corefile, CorefileError, kubeadmCorefile, parseCorefile, serverAddresses, tryParseCorefile } from './corefile';
export { IPAllocator } from './ipAllocator';
export { type Cidr, formatCidr, formatIPv4, parseCidr, parseIPv4 } from './ipv4';
export { defaultClusterCIDR, defaultNodeCIDR, type NodeNetwork, PodNetwork } from './podNetwork';
export {
  type Caller,
  clusterDomain,
  type EndpointChoice,
  type EndpointPick,
  findServicePort,
  type Hop,
  type NetworkObjects,
  networkObjects,
  type NoEndpoint,
  parseRequestURL,
  type ProxyRequest,
  type Route,
  ServiceProxy,
  type ServiceEndpoint,
  serviceEndpoints,
} from './serviceProxy';
