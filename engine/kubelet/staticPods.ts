// The static pods of a control-plane node, as kubeadm writes them to /etc/kubernetes/manifests: etcd,
// kube-apiserver, kube-controller-manager and kube-scheduler. The embedded cluster runs these
// components in process; the kubelet of a control-plane node shows them as real clusters do, through
// mirror pods in kube-system (`etcd-control-plane`, `kube-apiserver-control-plane`…), on the host
// network, owned by the Node, that tolerate every NoExecute taint and so stay when the node fails.
import { createHash } from 'node:crypto';
import type { Obj } from '../apiserver/registry/strategy';
import { systemNodeCritical } from '../api/validation/semantic/priorityclass';
import { kubeletVersion } from './nodeStatus';

const etcdImage = 'registry.k8s.io/etcd:3.6.4-0';

interface Component {
  name: string;
  image: string;
  command: (ip: string) => string[];
  requests: Record<string, string>;
  annotations?: (ip: string) => Record<string, string>;
  /** The health endpoint kubeadm probes: host, port, scheme, and the liveness, readiness and startup paths. */
  health: { host?: string; port: number; scheme: 'HTTP' | 'HTTPS'; live: string; ready?: string; startup: string };
}

/** kubeadm's probes (its staticpod utilities): patient liveness, a quick readiness, a long startup. */
function probes(health: Component['health'], ip: string): Record<string, unknown> {
  const get = (path: string) => ({ host: health.host ?? ip, path, port: health.port, scheme: health.scheme });
  return {
    livenessProbe: { httpGet: get(health.live), initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 15, failureThreshold: 8 },
    ...(health.ready ? { readinessProbe: { httpGet: get(health.ready), periodSeconds: 1, timeoutSeconds: 15, failureThreshold: 3 } } : {}),
    startupProbe: { httpGet: get(health.startup), initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 15, failureThreshold: 24 },
  };
}

// kubeadm runs the control plane at the kubelet's version.
const components: readonly Component[] = [
  {
    name: 'etcd',
    image: etcdImage,
    command: (ip) => ['etcd', `--advertise-client-urls=https://${ip}:2379`, '--data-dir=/var/lib/etcd', `--listen-client-urls=https://127.0.0.1:2379,https://${ip}:2379`, `--listen-peer-urls=https://${ip}:2380`, '--snapshot-count=10000'],
    requests: { cpu: '100m', memory: '100Mi' },
    annotations: (ip) => ({ 'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://${ip}:2379` }),
    health: { host: '127.0.0.1', port: 2381, scheme: 'HTTP', live: '/livez', ready: '/readyz', startup: '/readyz' },
  },
  {
    name: 'kube-apiserver',
    image: `registry.k8s.io/kube-apiserver:${kubeletVersion}`,
    command: (ip) => ['kube-apiserver', `--advertise-address=${ip}`, '--authorization-mode=Node,RBAC', '--enable-admission-plugins=NodeRestriction', '--etcd-servers=https://127.0.0.1:2379', '--secure-port=6443', '--service-cluster-ip-range=10.96.0.0/12'],
    requests: { cpu: '250m' },
    annotations: (ip) => ({ 'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${ip}:6443` }),
    health: { port: 6443, scheme: 'HTTPS', live: '/livez', ready: '/readyz', startup: '/livez' },
  },
  {
    name: 'kube-controller-manager',
    image: `registry.k8s.io/kube-controller-manager:${kubeletVersion}`,
    command: () => ['kube-controller-manager', '--allocate-node-cidrs=true', '--leader-elect=true', '--use-service-account-credentials=true'],
    requests: { cpu: '200m' },
    health: { host: '127.0.0.1', port: 10257, scheme: 'HTTPS', live: '/healthz', startup: '/healthz' },
  },
  {
    name: 'kube-scheduler',
    image: `registry.k8s.io/kube-scheduler:${kubeletVersion}`,
    command: () => ['kube-scheduler', '--bind-address=127.0.0.1', '--leader-elect=true'],
    requests: { cpu: '100m' },
    health: { host: '127.0.0.1', port: 10259, scheme: 'HTTPS', live: '/livez', ready: '/readyz', startup: '/livez' },
  },
];


/** The mirror pods of a control-plane node's static pods, owned by its Node. */
export function staticPods(node: { name: string; uid: string; ip: string }, seenAt: string): Obj[] {
  return components.map((c) => {
    const spec = {
      containers: [{ name: c.name, image: c.image, imagePullPolicy: 'IfNotPresent', command: c.command(node.ip), resources: { requests: c.requests }, ...probes(c.health, node.ip) }],
      hostNetwork: true,
      nodeName: node.name,
      // The kubelet sets the priority of a mirror pod itself, as the Priority admission plugin resolves the class.
      priorityClassName: systemNodeCritical.name,
      priority: systemNodeCritical.value,
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
    };
    // The kubelet names a static pod's config by a hash of its manifest; the mirror pod carries it.
    const hash = createHash('md5').update(JSON.stringify({ name: c.name, spec })).digest('hex');
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${c.name}-${node.name}`,
        namespace: 'kube-system',
        labels: { component: c.name, tier: 'control-plane' },
        annotations: {
          ...(c.annotations?.(node.ip) ?? {}),
          'kubernetes.io/config.hash': hash,
          'kubernetes.io/config.mirror': hash,
          'kubernetes.io/config.seen': seenAt,
          'kubernetes.io/config.source': 'file',
        },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid, controller: true }],
      },
      spec,
    };
  });
}
