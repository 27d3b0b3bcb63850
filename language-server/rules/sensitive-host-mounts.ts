// sensitive-host-mounts: a pod that mounts a system directory of its node.
import { hostPathVolumesOf, podKinds, podSpecOf } from './podSpecs';
import type { LintRule } from './types';

/** kube-linter's list, with the kubelet's and the runtimes' state directories. */
const sensitive = new Set(['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr', '/root', '/var/lib/kubelet', '/var/lib/docker', '/var/lib/containerd', '/etc/kubernetes']);

export const sensitiveHostMounts: LintRule = {
  id: 'sensitive-host-mounts',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A `hostPath` volume of a sensitive directory of the node (`/`, `/etc`, `/proc`, `/var/lib/kubelet`, …).',
  description:
    "These directories hold the node's configuration, credentials (the kubelet's, the runtime's) and kernel interfaces: a pod that mounts them can read secrets of every pod on the node or take it over. No quick fix.",
  docs: 'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
  appliesTo: podKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    return (pod ? hostPathVolumesOf(pod) : []).flatMap(({ path, volume, hostPath }) => {
      const normalized = hostPath.length > 1 ? hostPath.replace(/\/+$/, '') : hostPath;
      return sensitive.has(normalized) ? [{ path, message: `volume "${volume}" mounts the node's sensitive directory ${normalized}` }] : [];
    });
  },
};
