// container-ephemeral-storage-request-and-limit: a container without an ephemeral-storage request or limit.
import { findingsPerContainer, podKinds } from './podSpecs';
import type { LintRule } from './types';

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
    return findingsPerContainer(kind, object, ({ path, container, label }, findings) => {
      const missing = (['requests', 'limits'] as const).filter((k) => container.resources?.[k]?.['ephemeral-storage'] === undefined);
      if (missing.length === 0) return;
      const where = container.resources?.[missing[0]!] ? [...path, 'resources', missing[0]!] : [...path, 'resources'];
      findings.push({ path: where, onKey: true, message: `${label} has no ephemeral-storage ${missing.map((m) => m.slice(0, -1)).join(' or ')}` });
    });
  },
};
