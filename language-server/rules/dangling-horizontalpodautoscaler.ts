// dangling-horizontalpodautoscaler: a HorizontalPodAutoscaler whose target the workspace does not declare.
import { valueAt } from '../parsedDocument';
import { namespaceOf } from './objects';
import type { LintRule } from './types';

/** Kinds whose objects the workspace is expected to declare; a custom resource with a scale subresource may live elsewhere. */
const builtInTargets = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

export const danglingHorizontalPodAutoscaler: LintRule = {
  id: 'dangling-horizontalpodautoscaler',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A HorizontalPodAutoscaler whose `scaleTargetRef` names a Deployment, StatefulSet, ReplicaSet or ReplicationController no manifest in the workspace declares.',
  description:
    'The autoscaler finds nothing to scale: it reports `FailedGetScale` and the workload it was meant for keeps a fixed replica count. Usually a renamed workload or a typo. No quick fix.',
  docs: 'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#how-does-a-horizontalpodautoscaler-work',
  appliesTo: ['HorizontalPodAutoscaler'],
  check(object, { workspace }) {
    const kind = valueAt(object, ['spec', 'scaleTargetRef', 'kind']);
    const name = valueAt(object, ['spec', 'scaleTargetRef', 'name']);
    if (typeof kind !== 'string' || !builtInTargets.has(kind) || typeof name !== 'string' || name === '') return [];
    if (workspace.exists(kind, namespaceOf(object), name)) return [];
    return [{ path: ['spec', 'scaleTargetRef', 'name'], message: `no ${kind} "${name}" in the workspace: the autoscaler has nothing to scale` }];
  },
};
