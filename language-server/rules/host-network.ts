// host-network: a pod in the node's own NETWORK namespace.
import { podKinds, podSpecOf } from './podSpecs';
import type { LintRule } from './types';

export const hostNetwork: LintRule = {
  id: 'host-network',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A pod with `hostNetwork: true`.',
  description:
    "The pod shares the node's network namespace: it can bind any port of the node, reach services listening on the node's loopback, and see all its traffic. The baseline Pod Security Standard forbids it. No quick fix: system agents may need it.",
  docs: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  appliesTo: podKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    if (pod?.spec.hostNetwork !== true) return [];
    return [{ path: [...pod.path, 'hostNetwork'], message: "the pod uses the node's network namespace (hostNetwork: true)" }];
  },
};
