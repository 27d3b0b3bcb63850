// host-pid: a pod in the node's own PID namespace.
import { podKinds, podSpecOf } from './podSpecs';
import type { LintRule } from './types';

export const hostPID: LintRule = {
  id: 'host-pid',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A pod with `hostPID: true`.',
  description:
    "The pod shares the node's process namespace: it sees every process on the node, with their environment and command lines, and can signal those of its user. The baseline Pod Security Standard forbids it. No quick fix: system agents may need it.",
  docs: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  appliesTo: podKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    if (pod?.spec.hostPID !== true) return [];
    return [{ path: [...pod.path, 'hostPID'], message: "the pod uses the node's PID namespace (hostPID: true)" }];
  },
};
