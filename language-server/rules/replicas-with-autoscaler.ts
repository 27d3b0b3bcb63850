// replicas-with-autoscaler: a workload that sets spec.replicas while an autoscaler in the workspace scales it.
import { valueAt } from '../parsedDocument';
import { namespaceOf } from './objects';
import type { LintRule } from './types';

export const replicasWithAutoscaler: LintRule = {
  id: 'replicas-with-autoscaler',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A Deployment or StatefulSet with `spec.replicas` that a HorizontalPodAutoscaler in the workspace scales (kube-score: deployment targeted by HPA does not have replicas configured).',
  description:
    'The autoscaler owns the replica count: each `kubectl apply` of this manifest sets it back to the written number, scaling a busy workload down (or an idle one up) until the autoscaler corrects it minutes later. Leave `spec.replicas` out and set `minReplicas` on the autoscaler. Quick fix: remove `spec.replicas`.',
  docs: 'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling',
  appliesTo: ['Deployment', 'StatefulSet'],
  check(object, { kind, workspace }) {
    const name = valueAt(object, ['metadata', 'name']);
    if (typeof name !== 'string' || valueAt(object, ['spec', 'replicas']) === undefined) return [];
    if (!workspace.referencedBy(kind, namespaceOf(object), name, 'HorizontalPodAutoscaler')) return [];
    const path = ['spec', 'replicas'];
    return [{ path, onKey: true, message: `a HorizontalPodAutoscaler scales this ${kind}: each apply resets its replica count`, fix: { title: 'Remove replicas', remove: path } }];
  },
};
