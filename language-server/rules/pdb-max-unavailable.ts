// pdb-max-unavailable: a PodDisruptionBudget with maxUnavailable 0.
import { valueAt } from '../parsedDocument';
import type { LintRule } from './types';

export const pdbMaxUnavailable: LintRule = {
  id: 'pdb-max-unavailable',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A PodDisruptionBudget with `maxUnavailable: 0` (or `0%`).',
  description:
    'No voluntary disruption is ever allowed: `kubectl drain`, node upgrades and the cluster autoscaler wait on these pods forever, until someone deletes them by hand. Allow at least one, and run enough replicas to afford it. Quick fix: `maxUnavailable: 1`.',
  docs: 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/#arbitrary-controllers-and-selectors',
  appliesTo: ['PodDisruptionBudget'],
  check(object) {
    const value = valueAt(object, ['spec', 'maxUnavailable']);
    if (value !== 0 && value !== '0%') return [];
    const path = ['spec', 'maxUnavailable'];
    return [{ path, message: 'maxUnavailable 0 allows no eviction: node drains would wait forever', fix: { title: 'Set maxUnavailable: 1', set: path, value: 1 } }];
  },
};
