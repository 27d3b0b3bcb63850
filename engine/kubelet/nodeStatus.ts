// The Node object a kubelet registers and the status it reports: capacity, addresses, nodeInfo and
// the pressure and Ready conditions, worded as pkg/kubelet/nodestatus words them.
import type { Node, NodeCondition } from 'kubernetes-types/core/v1';

export const kubeletVersion = 'v1.36.0';

export interface NodeCapacity {
  cpu: string;
  memory: string;
  pods: number;
  ephemeralStorage?: string;
}

export const defaultNodeCapacity: NodeCapacity = { cpu: '4', memory: '8Gi', pods: 110, ephemeralStorage: '100Gi' };

export const controlPlaneTaint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' } as const;

export interface NodeIdentity {
  name: string;
  internalIP: string;
  podCIDR: string;
  controlPlane: boolean;
  capacity: NodeCapacity;
  labels?: Record<string, string>;
  /** Stable per node: machine-id, system UUID, boot id. */
  machineID: string;
  bootID: string;
  containerRuntimeVersion: string;
}

/** The Node as the kubelet first registers it (initialNode in pkg/kubelet/kubelet_node_status.go). */
export function initialNode(id: NodeIdentity): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: id.name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': id.name,
        'kubernetes.io/os': 'linux',
        ...(id.labels ?? {}),
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: {
      podCIDR: id.podCIDR,
      podCIDRs: [id.podCIDR],
      providerID: `kind://docker/kubeside/${id.name}`,
      ...(id.controlPlane ? { taints: [{ ...controlPlaneTaint }] } : {}),
    },
  };
}

const resources = (c: NodeCapacity) => ({
  cpu: c.cpu,
  'ephemeral-storage': c.ephemeralStorage ?? '100Gi',
  'hugepages-1Gi': '0',
  'hugepages-2Mi': '0',
  memory: c.memory,
  pods: String(c.pods),
});

/** The node's status now; conditions keep their transition times while their status holds. */
export function nodeStatus(id: NodeIdentity, previous: Node['status'] | undefined, now: string, images: { names: string[] }[]): NonNullable<Node['status']> {
  const old = new Map((previous?.conditions ?? []).map((c) => [c.type, c]));
  const condition = (type: string, status: 'True' | 'False', reason: string, message: string): NodeCondition => {
    const prior = old.get(type);
    const changed = !prior || prior.status !== status;
    return { type, status, lastHeartbeatTime: now, lastTransitionTime: changed ? now : prior.lastTransitionTime!, reason, message };
  };
  return {
    capacity: resources(id.capacity),
    allocatable: resources(id.capacity),
    conditions: [
      condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
    ],
    addresses: [
      { type: 'InternalIP', address: id.internalIP },
      { type: 'Hostname', address: id.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: id.machineID,
      systemUUID: id.machineID,
      bootID: id.bootID,
      kernelVersion: '6.8.0-kubeside',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: id.containerRuntimeVersion,
      kubeletVersion,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
    images: images.map((i) => ({ ...i, sizeBytes: 50_000_000 })),
  };
}
