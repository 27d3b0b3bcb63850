// pdb-min-available: a PodDisruptionBudget with minAvailable 100%.
import { valueAt } from '../parsedDocument';
import type { LintRule } from './types';

export const pdbMinAvailable: LintRule = {
  id: 'pdb-min-available',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A PodDisruptionBudget with `minAvailable: 100%`.',
  description:
    'Every selected pod must stay: no voluntary disruption is ever allowed, and drains, node upgrades and the cluster autoscaler wait forever. Use a lower percentage, or an integer below the replica count (`pdb-blocks-eviction` checks that against the workloads in the workspace). No quick fix: the right number depends on the workload.',
  docs: 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/#specifying-a-poddisruptionbudget',
  appliesTo: ['PodDisruptionBudget'],
  check(object) {
    if (valueAt(object, ['spec', 'minAvailable']) !== '100%') return [];
    return [{ path: ['spec', 'minAvailable'], message: 'minAvailable 100% allows no eviction: node drains would wait forever' }];
  },
};
