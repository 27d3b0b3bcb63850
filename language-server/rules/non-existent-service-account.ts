// non-existent-service-account: a pod spec naming a ServiceAccount the workspace does not declare.
import { podKinds, podSpecOf } from './podSpecs';
import { namespaceOf } from './objects';
import type { LintRule } from './types';

export const nonExistentServiceAccount: LintRule = {
  id: 'non-existent-service-account',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A pod spec whose `serviceAccountName` names a ServiceAccount no manifest in the workspace declares (`default` always exists).',
  description:
    'The API server refuses to create a pod whose ServiceAccount does not exist: a workload\'s controller keeps failing with `serviceaccount "…" not found` and no pod ever starts. Declare the ServiceAccount beside the workload, or fix the name. No quick fix.',
  docs: 'https://kubernetes.io/docs/concepts/security/service-accounts/#assign-to-pod',
  appliesTo: podKinds,
  check(object, { kind, workspace }) {
    const pod = podSpecOf(kind, object);
    if (!pod) return [];
    // The deprecated alias counts when serviceAccountName is not given, as the API server reads it.
    const field = typeof pod.spec.serviceAccountName === 'string' ? 'serviceAccountName' : 'serviceAccount';
    const name = pod.spec[field];
    if (typeof name !== 'string' || name === '' || name === 'default') return [];
    if (workspace.exists('ServiceAccount', namespaceOf(object), name)) return [];
    return [{ path: [...pod.path, field], message: `no ServiceAccount "${name}" in the workspace: the pods could not be created` }];
  },
};
