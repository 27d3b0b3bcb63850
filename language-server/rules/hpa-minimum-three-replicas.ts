// hpa-minimum-three-replicas: a HorizontalPodAutoscaler that may scale below three replicas.
import { isRecord, valueAt } from '../parsedDocument';
import type { LintRule } from './types';

export const hpaMinimumThreeReplicas: LintRule = {
  id: 'hpa-minimum-three-replicas',
  severity: 'information',
  enabledByDefault: false,
  summary: 'A HorizontalPodAutoscaler whose `minReplicas` is below three (unset means one).',
  description:
    'When load is low the autoscaler scales down to `minReplicas`: with fewer than three, a node failure or a rollout at a quiet hour leaves one replica, or none, serving. Off by default, like `minimum-three-replicas`. Quick fix: `minReplicas: 3`.',
  docs: 'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/',
  appliesTo: ['HorizontalPodAutoscaler'],
  check(object) {
    if (!isRecord(valueAt(object, ['spec']))) return [];
    const min = valueAt(object, ['spec', 'minReplicas']) ?? 1;
    if (typeof min !== 'number' || min >= 3) return [];
    const path = ['spec', 'minReplicas'];
    return [{ path, message: `minReplicas ${min}: the autoscaler may leave fewer than three replicas`, fix: { title: 'Set minReplicas: 3', set: path, value: 3 } }];
  },
};
