// unset-cpu-requirements: a container without a CPU request, so the scheduler places it as if it needed none.
import { containersOf, podKinds, podSpecOf } from './podSpecs';
import type { LintRule } from './types';

export const unsetCpuRequirements: LintRule = {
  id: 'unset-cpu-requirements',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A container without a CPU request (`resources.requests.cpu`, or a limit it defaults from).',
  description:
    'The scheduler places pods by their requests: without one, a node can be packed with pods that together need more CPU than it has, and the pod is first to be starved. A CPU limit alone also sets the request (the API server defaults one from the other). Unlike kube-linter, a missing CPU *limit* is not flagged: limits throttle a container even when the node is idle. No quick fix: only you know the amount.',
  docs: 'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
  appliesTo: podKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    if (!pod) return [];
    return containersOf(pod)
      .filter(({ container }) => container.resources?.requests?.cpu === undefined && container.resources?.limits?.cpu === undefined)
      .map(({ path, label }) => ({ path: [...path, 'resources', 'requests', 'cpu'], message: `${label} has no CPU request` }));
  },
};
