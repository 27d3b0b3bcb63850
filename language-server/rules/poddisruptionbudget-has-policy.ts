// poddisruptionbudget-has-policy: a PodDisruptionBudget with neither minAvailable nor maxUnavailable.
import { isRecord, valueAt } from '../parsedDocument';
import type { LintRule } from './types';

export const podDisruptionBudgetHasPolicy: LintRule = {
  id: 'poddisruptionbudget-has-policy',
  severity: 'warning',
  enabledByDefault: true,
  summary: "A PodDisruptionBudget with neither `minAvailable` nor `maxUnavailable` (kube-score's check of that name).",
  description:
    'The disruption controller then expects no pod to stay: every eviction is allowed and the budget protects nothing, though it looks as if it did. Say how many pods may go (`maxUnavailable`) or must stay (`minAvailable`). Quick fix: `maxUnavailable: 1`.',
  docs: 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/#specifying-a-poddisruptionbudget',
  appliesTo: ['PodDisruptionBudget'],
  check(object) {
    const spec = valueAt(object, ['spec']);
    if (!isRecord(spec) || spec['minAvailable'] !== undefined || spec['maxUnavailable'] !== undefined) return [];
    return [{ path: ['spec'], onKey: true, message: 'neither minAvailable nor maxUnavailable: the budget allows every eviction', fix: { title: 'Set maxUnavailable: 1', set: ['spec', 'maxUnavailable'], value: 1 } }];
  },
};
