// The cluster network: node pod CIDRs and pod IPs, Service cluster IPs.
export { ClusterIPAllocator, defaultServiceCIDR } from './clusterIPAllocator';
export { IPAllocator } from './ipAllocator';
export { type Cidr, formatCidr, formatIPv4, parseCidr, parseIPv4 } from './ipv4';
export { defaultClusterCIDR, defaultNodeCIDR, type NodeNetwork, PodNetwork } from './podNetwork';
