// unset-memory-requirements: a container without a memory request or limit.
import { findingsPerContainer, podKinds } from './podSpecs';
import type { LintRule } from './types';

export const unsetMemoryRequirements: LintRule = {
  id: 'unset-memory-requirements',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A container without a memory limit, or without a memory request.',
  description:
    'Without a memory request the scheduler may place the pod on a node that cannot hold it; without a limit one leaking container can push the node into memory pressure, and the kubelet evicts other pods. A limit alone also sets the request (the API server defaults one from the other). No quick fix: only you know the amount.',
  docs: 'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
  appliesTo: podKinds,
  check(object, { kind }) {
    return findingsPerContainer(kind, object, ({ path, container, label }, findings) => {
      const limit = container.resources?.limits?.memory;
      const request = container.resources?.requests?.memory;
      if (limit === undefined && request === undefined) findings.push({ path: [...path, 'resources'], message: `${label} has no memory request or limit` });
      else if (limit === undefined) findings.push({ path: [...path, 'resources', 'limits', 'memory'], message: `${label} has no memory limit` });
    });
  },
};
