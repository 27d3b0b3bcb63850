// Which labels a kubelet may put on its own Node (kubeletapis.IsKubeletLabel, and NodeRestriction's
// getForbiddenLabels): its hostname, os, arch, topology and instance type, the `kubelet.kubernetes.io`
// and `node.kubernetes.io` namespaces, and any label outside `kubernetes.io` and `k8s.io`. The rest
// of those namespaces (`node-role.kubernetes.io/*`) and `node-restriction.kubernetes.io` are an
// administrator's to set, as kubeadm sets the control-plane role after the kubelet registers.

const kubeletLabels = new Set([
  'kubernetes.io/hostname', 'kubernetes.io/os', 'kubernetes.io/arch', 'beta.kubernetes.io/os', 'beta.kubernetes.io/arch',
  'node.kubernetes.io/instance-type', 'beta.kubernetes.io/instance-type',
  'topology.kubernetes.io/zone', 'topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/region',
]);

const inNamespace = (namespace: string, of: string) => namespace === of || namespace.endsWith(`.${of}`);

/** Whether a kubelet may set, change or remove the label `key` on its Node. */
export function kubeletMaySetLabel(key: string): boolean {
  const namespace = key.includes('/') ? key.slice(0, key.indexOf('/')) : '';
  if (inNamespace(namespace, 'node-restriction.kubernetes.io')) return false;
  if (!inNamespace(namespace, 'kubernetes.io') && !inNamespace(namespace, 'k8s.io')) return true;
  return kubeletLabels.has(key) || inNamespace(namespace, 'kubelet.kubernetes.io') || inNamespace(namespace, 'node.kubernetes.io');
}
