// The addons kubeadm installs once the control plane is up (its `addon/coredns` and
// `addon/kube-proxy` phases): CoreDNS, a Deployment behind the `kube-dns` Service at the cluster DNS
// address, and kube-proxy, a DaemonSet with a pod on every node. They are ordinary workloads of
// kube-system: scheduled, run by the kubelets, restarted, scaled and deleted like any other. The
// cluster's DNS answers while CoreDNS has a ready endpoint (see ../network/serviceProxy.ts).
// After cmd/kubeadm/app/phases/addons/{dns,proxy}/manifests.go.
import { systemClusterCritical, systemNodeCritical } from '../api/validation/semantic/priorityclass';
import type { Obj } from '../apiserver/registry/strategy';
import { kubeadmCorefile } from '../network/corefile';
import { clusterDNS, clusterDomain } from '../network/serviceProxy';
import { kubeletVersion } from '../kubelet/nodeStatus';

export const coreDNSImage = 'registry.k8s.io/coredns/coredns:v1.12.1';
export const kubeProxyImage = `registry.k8s.io/kube-proxy:${kubeletVersion}`;

/** Which of kubeadm's addons a cluster gets (kubeadm's `--skip-phases=addon/coredns`, kind's `kubeProxyMode: none`). */
export interface Addons {
  /** CoreDNS and the kube-dns Service (default true): without it, no cluster name resolves. */
  coreDNS?: boolean;
  /** kube-proxy on every node (default true). */
  kubeProxy?: boolean;
  /**
   * Load balancers for Services of type LoadBalancer (default true): addresses from
   * 172.18.255.200-250, as MetalLB gives on kind. Without them such a Service's external IP stays
   * pending, as on a bare kind cluster.
   */
  loadBalancer?: boolean;
}

const system = 'kube-system';
const rbac = 'rbac.authorization.k8s.io/v1';

/** The objects of the CoreDNS addon, in the order kubeadm creates them. */
export function coreDNSObjects(): Obj[] {
  const labels = { 'k8s-app': 'kube-dns' };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'coredns', namespace: system } },
    {
      apiVersion: rbac,
      kind: 'ClusterRole',
      metadata: { name: 'system:coredns' },
      rules: [
        { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
        { apiGroups: [''], resources: ['nodes'], verbs: ['get'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
    },
    {
      apiVersion: rbac,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:coredns' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:coredns' },
      subjects: [{ kind: 'ServiceAccount', name: 'coredns', namespace: system }],
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'coredns', namespace: system },
      data: {
        Corefile: kubeadmCorefile(clusterDomain),
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: system, labels },
      spec: {
        replicas: 2,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            priorityClassName: systemClusterCritical.name,
            serviceAccountName: 'coredns',
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 100, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns'] }] }, topologyKey: 'kubernetes.io/hostname' } },
                ],
              },
            },
            tolerations: [
              { key: 'CriticalAddonsOnly', operator: 'Exists' },
              { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
            ],
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: 'coredns',
                image: coreDNSImage,
                imagePullPolicy: 'IfNotPresent',
                resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
                args: ['-conf', '/etc/coredns/Corefile'],
                volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
                ports: [
                  { containerPort: 53, name: 'dns', protocol: 'UDP' },
                  { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
                  { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
                  { containerPort: 8080, name: 'liveness-probe', protocol: 'TCP' },
                  { containerPort: 8181, name: 'readiness-probe', protocol: 'TCP' },
                ],
                livenessProbe: { httpGet: { path: '/health', port: 'liveness-probe', scheme: 'HTTP' }, initialDelaySeconds: 60, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 5 },
                readinessProbe: { httpGet: { path: '/ready', port: 'readiness-probe', scheme: 'HTTP' } },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] }, readOnlyRootFilesystem: true },
              },
            ],
            dnsPolicy: 'Default',
            volumes: [{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kube-dns',
        namespace: system,
        labels: { ...labels, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
        annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
      },
      spec: {
        clusterIP: clusterDNS,
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
          { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
        ],
        selector: labels,
      },
    },
  ];
}

/**
 * The objects of the kube-proxy addon. Its configuration says what the cluster's service proxy does:
 * IPVS with the round-robin scheduler, over the cluster's pod network.
 */
export function kubeProxyObjects(options: { apiServer: string; clusterCIDR: string }): Obj[] {
  const labels = { 'k8s-app': 'kube-proxy' };
  const config = [
    'apiVersion: kubeproxy.config.k8s.io/v1alpha1',
    'bindAddress: 0.0.0.0',
    'clientConnection:',
    '  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf',
    `clusterCIDR: ${options.clusterCIDR}`,
    'ipvs:',
    '  scheduler: rr',
    'kind: KubeProxyConfiguration',
    'mode: ipvs',
    '',
  ].join('\n');
  const kubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    '    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
    `    server: ${options.apiServer}`,
    '  name: default',
    'contexts:',
    '- context:',
    '    cluster: default',
    '    namespace: default',
    '    user: default',
    '  name: default',
    'current-context: default',
    'users:',
    '- name: default',
    '  user:',
    '    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token',
    '',
  ].join('\n');
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'kube-proxy', namespace: system } },
    {
      apiVersion: rbac,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kubeadm:node-proxier' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node-proxier' },
      subjects: [{ kind: 'ServiceAccount', name: 'kube-proxy', namespace: system }],
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-proxy', namespace: system, labels: { app: 'kube-proxy' } }, data: { 'config.conf': config, 'kubeconfig.conf': kubeconfig } },
    {
      apiVersion: rbac,
      kind: 'Role',
      metadata: { name: 'kube-proxy', namespace: system },
      rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['kube-proxy'], verbs: ['get'] }],
    },
    {
      apiVersion: rbac,
      kind: 'RoleBinding',
      metadata: { name: 'kube-proxy', namespace: system },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kube-proxy' },
      subjects: [{ kind: 'Group', name: 'system:bootstrappers:kubeadm:default-node-token' }],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'kube-proxy', namespace: system, labels },
      spec: {
        selector: { matchLabels: labels },
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels },
          spec: {
            priorityClassName: systemNodeCritical.name,
            containers: [
              {
                name: 'kube-proxy',
                image: kubeProxyImage,
                imagePullPolicy: 'IfNotPresent',
                command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'],
                securityContext: { privileged: true },
                volumeMounts: [
                  { mountPath: '/var/lib/kube-proxy', name: 'kube-proxy' },
                  { mountPath: '/run/xtables.lock', name: 'xtables-lock', readOnly: false },
                  { mountPath: '/lib/modules', name: 'lib-modules', readOnly: true },
                ],
                env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
              },
            ],
            hostNetwork: true,
            serviceAccountName: 'kube-proxy',
            volumes: [
              { name: 'kube-proxy', configMap: { name: 'kube-proxy' } },
              { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
              { name: 'lib-modules', hostPath: { path: '/lib/modules' } },
            ],
            tolerations: [{ operator: 'Exists' }],
            nodeSelector: { 'kubernetes.io/os': 'linux' },
          },
        },
      },
    },
  ];
}
