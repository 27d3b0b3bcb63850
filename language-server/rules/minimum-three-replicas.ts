// minimum-three-replicas: a replicated workload with fewer than three replicas.
import type { LintRule } from './types';
import { isRecord, valueAt } from '../parsedDocument';
import { namespaceOf } from './objects';

export const minimumThreeReplicas: LintRule = {
  id: 'minimum-three-replicas',
  severity: 'information',
  enabledByDefault: false,
  summary: 'A Deployment or StatefulSet with fewer than three replicas (`spec.replicas` unset means one), unless a HorizontalPodAutoscaler in the workspace scales it.',
  description:
    'With one replica, every rollout, node drain or crash is an outage; with two, losing one halves capacity while the other takes all the load. A workload an autoscaler scales is left to `hpa-minimum-three-replicas`. Off by default: a development cluster has good reason for fewer.',
  docs: 'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/',
  appliesTo: ['Deployment', 'StatefulSet'],
  check(object, { kind, workspace }) {
    const spec = object['spec'];
    if (!isRecord(spec)) return [];
    const replicas = spec['replicas'] ?? 1;
    if (typeof replicas !== 'number' || replicas >= 3) return [];
    const name = valueAt(object, ['metadata', 'name']);
    if (typeof name === 'string' && workspace.referencedBy(kind, namespaceOf(object), name, 'HorizontalPodAutoscaler')) return [];
    return [{ path: ['spec', 'replicas'], message: `${replicas} replica${replicas === 1 ? '' : 's'}: fewer than three do not survive a node failure during a rollout` }];
  },
};
