// sensitive-host-mounts: a pod that mounts a system directory of its node.
import { podKinds, podSpecOf } from './podSpecs';
import type { Finding, LintRule } from './types';

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
    const findings: Finding[] = [];
    (Array.isArray(pod?.spec.volumes) ? pod.spec.volumes : []).forEach((volume, i) => {
      const path = volume?.hostPath?.path;
      if (typeof path !== 'string') return;
      const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
      if (sensitive.has(normalized)) findings.push({ path: [...pod!.path, 'volumes', i, 'hostPath', 'path'], message: `volume "${volume.name}" mounts the node's sensitive directory ${normalized}` });
    });
    return findings;
  },
};
