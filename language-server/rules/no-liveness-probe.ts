// no-liveness-probe: a container of a long-running workload without a liveness probe.
import { containersOf, podSpecOf, serviceWorkloadKinds } from './podSpecs';
import type { LintRule } from './types';

export const noLivenessProbe: LintRule = {
  id: 'no-liveness-probe',
  severity: 'information',
  enabledByDefault: true,
  summary: 'A container of a Deployment, StatefulSet or DaemonSet without `livenessProbe`.',
  description:
    'Without a liveness probe the kubelet restarts a container only when its process exits: a deadlocked or wedged server keeps its pod Running, and its share of traffic fails. Add `livenessProbe` (an HTTP GET, TCP or exec check that fails only when a restart would help). No quick fix: the check depends on the application.',
  docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
  appliesTo: serviceWorkloadKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    if (!pod) return [];
    return containersOf(pod, true)
      .filter(({ container }) => container.livenessProbe === undefined)
      .map(({ path, label }) => ({ path: [...path, 'livenessProbe'], message: `${label} does not specify a liveness probe` }));
  },
};
