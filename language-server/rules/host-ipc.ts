// host-ipc: a pod in the node's own IPC namespace.
import { podKinds, podSpecOf } from './podSpecs';
import type { LintRule } from './types';

export const hostIPC: LintRule = {
  id: 'host-ipc',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A pod with `hostIPC: true`.',
  description:
    "The pod shares the node's IPC namespace: it can read and write the shared memory of every process on the node. The baseline Pod Security Standard forbids it. No quick fix: system agents may need it.",
  docs: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  appliesTo: podKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    if (pod?.spec.hostIPC !== true) return [];
    return [{ path: [...pod.path, 'hostIPC'], message: "the pod uses the node's IPC namespace (hostIPC: true)" }];
  },
};
