// container-ephemeral-storage-request-and-limit: a container without an ephemeral-storage request or limit.
import { containersOf, podKinds, podSpecOf } from './podSpecs';
import type { Finding, LintRule } from './types';

export const containerEphemeralStorageRequestAndLimit: LintRule = {
  id: 'container-ephemeral-storage-request-and-limit',
  severity: 'information',
  enabledByDefault: false,
  summary: "A container without an `ephemeral-storage` request or limit (kube-score's check of that name).",
  description:
    "Logs, the writable layer and `emptyDir` volumes take the node's disk. Without a request the scheduler does not count it; without a limit one container can fill the disk, and the kubelet then evicts pods under disk pressure, not necessarily this one. Off by default: many clusters do not account for local storage at all. No quick fix: only you know the size.",
  docs: 'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage',
  appliesTo: podKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    if (!pod) return [];
    const findings: Finding[] = [];
    for (const { path, container, label } of containersOf(pod)) {
      const missing = (['requests', 'limits'] as const).filter((k) => container.resources?.[k]?.['ephemeral-storage'] === undefined);
      if (missing.length === 0) continue;
      const where = container.resources?.[missing[0]!] ? [...path, 'resources', missing[0]!] : [...path, 'resources'];
      findings.push({ path: where, onKey: true, message: `${label} has no ephemeral-storage ${missing.map((m) => m.slice(0, -1)).join(' or ')}` });
    }
    return findings;
  },
};
