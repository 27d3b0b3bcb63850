// privileged-container: a container with every capability of the node's root.
import { containersOf, podKinds, podSpecOf } from './podSpecs';
import type { LintRule } from './types';

export const privilegedContainer: LintRule = {
  id: 'privileged-container',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A container running privileged (`securityContext.privileged: true`).',
  description:
    'A privileged container has all capabilities and every device of the node: it is as good as root on the node. The baseline Pod Security Standard forbids it. Grant the few capabilities the process needs instead (`securityContext.capabilities.add`). No quick fix: the container may really need it.',
  docs: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  appliesTo: podKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    if (!pod) return [];
    return containersOf(pod)
      .filter(({ container }) => container.securityContext?.privileged === true)
      .map(({ path, label }) => ({ path: [...path, 'securityContext', 'privileged'], message: `${label} is privileged` }));
  },
};
