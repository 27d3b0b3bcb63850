// The cluster's flat pod network, as a CNI such as kindnet sets it up: each node gets a /24 pod CIDR
// out of 10.244.0.0/16 (the node IPAM controller's job) and an InternalIP on the node network, and
// pods get IPs from their node's CIDR through host-local IPAM.
import { IPAllocator } from './ipAllocator';
import { formatCidr, parseCidr } from './ipv4';

export const defaultClusterCIDR = '10.244.0.0/16';
export const defaultNodeCIDR = '172.18.0.0/16';

export interface NodeNetwork {
  /** The node's address on the node network (its `InternalIP`). */
  readonly internalIP: string;
  /** `10.244.<n>.0/24`. */
  readonly podCIDR: string;
  /** Hands out pod IPs from the pod CIDR. */
  readonly podIPs: IPAllocator;
}

export class PodNetwork {
  private readonly clusterCidr;
  private readonly nodeSubnets: number;
  private readonly nodes = new Map<string, NodeNetwork & { index: number }>();
  private readonly usedSubnets = new Set<number>();
  /** Where the search for a free pod CIDR starts: after the one handed out last. */
  private nextSubnet = 0;
  private readonly nodeIPs: IPAllocator;

  constructor(clusterCIDR = defaultClusterCIDR, nodeCIDR = defaultNodeCIDR, private readonly nodeCIDRMaskSize = 24) {
    this.clusterCidr = parseCidr(clusterCIDR);
    this.nodeSubnets = 2 ** (nodeCIDRMaskSize - this.clusterCidr.prefix);
    // The node network's `.1` is its gateway.
    this.nodeIPs = new IPAllocator(nodeCIDR, 1);
  }

  /**
   * The node's network, assigning one the first time: the next free pod CIDR after the one handed out
   * last (the range allocator's cidrset moves on from its last candidate, wrapping around, so a
   * freed CIDR is reused only once the others are taken, and 5,000 nodes joining cost no rescans),
   * and the next InternalIP.
   */
  attach(nodeName: string): NodeNetwork {
    const existing = this.nodes.get(nodeName);
    if (existing) return existing;
    let index = -1;
    for (let i = 0; i < this.nodeSubnets; i++) {
      const candidate = (this.nextSubnet + i) % this.nodeSubnets;
      if (!this.usedSubnets.has(candidate)) {
        index = candidate;
        break;
      }
    }
    if (index < 0) throw new Error(`failed to allocate cidr from cluster cidr at idx:0: CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range`);
    this.nextSubnet = (index + 1) % this.nodeSubnets;
    this.usedSubnets.add(index);
    const size = 2 ** (32 - this.nodeCIDRMaskSize);
    const podCIDR = formatCidr({ base: this.clusterCidr.base + index * size, prefix: this.nodeCIDRMaskSize, size });
    const node = { index, internalIP: this.nodeIPs.allocateNext(), podCIDR, podIPs: new IPAllocator(podCIDR, 1) };
    this.nodes.set(nodeName, node);
    return node;
  }

  get(nodeName: string): NodeNetwork | undefined {
    return this.nodes.get(nodeName);
  }

  /** Forgets a node that left the cluster; its CIDR and address go back to the pool. */
  detach(nodeName: string): void {
    const node = this.nodes.get(nodeName);
    if (!node) return;
    this.nodes.delete(nodeName);
    this.usedSubnets.delete(node.index);
    this.nodeIPs.release(node.internalIP);
  }
}
