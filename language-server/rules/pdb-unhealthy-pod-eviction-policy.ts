// pdb-unhealthy-pod-eviction-policy: a PodDisruptionBudget that leaves unhealthyPodEvictionPolicy unset.
import { isRecord, valueAt } from '../parsedDocument';
import type { LintRule } from './types';

export const pdbUnhealthyPodEvictionPolicy: LintRule = {
  id: 'pdb-unhealthy-pod-eviction-policy',
  severity: 'information',
  enabledByDefault: true,
  summary: 'A PodDisruptionBudget without `spec.unhealthyPodEvictionPolicy`.',
  description:
    'Unset, it is `IfHealthyBudget`: a pod that is running but not ready (crash-looping, misconfigured) may be evicted only while the application is otherwise healthy, so a broken rollout can block node drains. `AlwaysAllow` lets drains evict pods that are not ready anyway, which is what most applications want. Quick fix: set `AlwaysAllow`.',
  docs: 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/#unhealthy-pod-eviction-policy',
  appliesTo: ['PodDisruptionBudget'],
  check(object) {
    if (!isRecord(valueAt(object, ['spec'])) || valueAt(object, ['spec', 'unhealthyPodEvictionPolicy']) !== undefined) return [];
    const path = ['spec', 'unhealthyPodEvictionPolicy'];
    return [{ path, onKey: true, message: 'no unhealthyPodEvictionPolicy: pods that are not ready may block node drains', fix: { title: 'Set unhealthyPodEvictionPolicy: AlwaysAllow', set: path, value: 'AlwaysAllow' } }];
  },
};
