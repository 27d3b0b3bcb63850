// writable-host-mount: a container that mounts a hostPath volume without readOnly.
import { containersOf, hostPathVolumesOf, podKinds, podSpecOf } from './podSpecs';
import type { Finding, LintRule } from './types';

export const writableHostMount: LintRule = {
  id: 'writable-host-mount',
  severity: 'warning',
  enabledByDefault: false,
  summary: 'A container that mounts a `hostPath` volume without `readOnly: true`.',
  description:
    "Whatever the container writes lands on the node's file system, outside any quota, and outlives the pod: a compromised container can plant files for the node or for the next pod to read. Mount it read-only unless writing is its purpose. Off by default, as in kube-linter: node agents (log collectors, storage drivers) write to the node by design. Quick fix: set `readOnly: true` on the mount.",
  docs: 'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
  appliesTo: podKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    if (!pod) return [];
    const hostVolumes = new Map(hostPathVolumesOf(pod).map((v) => [v.volume, v.hostPath]));
    if (hostVolumes.size === 0) return [];
    const findings: Finding[] = [];
    for (const { path, container, label } of containersOf(pod)) {
      (Array.isArray(container.volumeMounts) ? container.volumeMounts : []).forEach((mount, i) => {
        const hostPath = hostVolumes.get(String(mount?.name));
        if (hostPath === undefined || mount.readOnly === true) return;
        const readOnly = [...path, 'volumeMounts', i, 'readOnly'];
        findings.push({ path: readOnly, message: `${label} can write to the node's ${hostPath} (volume "${mount.name}")`, fix: { title: 'Set readOnly: true', set: readOnly, value: true } });
      });
    }
    return findings;
  },
};
