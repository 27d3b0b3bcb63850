// no-readiness-probe: a container of a long-running workload without a readiness probe.
import { containersOf, podSpecOf, serviceWorkloadKinds } from './podSpecs';
import type { LintRule } from './types';

export const noReadinessProbe: LintRule = {
  id: 'no-readiness-probe',
  severity: 'information',
  enabledByDefault: true,
  summary: 'A container of a Deployment, StatefulSet or DaemonSet without `readinessProbe`.',
  description:
    'Without a readiness probe a pod is added to its Services as soon as its containers start, before the application listens, and stays there while it is overloaded: clients get refused connections during every rollout. Add `readinessProbe`. No quick fix: the check depends on the application.',
  docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
  appliesTo: serviceWorkloadKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    if (!pod) return [];
    return containersOf(pod, true)
      .filter(({ container }) => container.readinessProbe === undefined)
      .map(({ path, label }) => ({ path: [...path, 'readinessProbe'], message: `${label} does not specify a readiness probe` }));
  },
};
