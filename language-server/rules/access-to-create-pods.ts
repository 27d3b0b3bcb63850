// access-to-create-pods: a Role or ClusterRole that lets its subjects create pods, directly or through a workload.
import { grants } from './rbacRules';
import type { LintRule } from './types';

/** What creates pods: pods themselves and every workload kind's resource. */
const podCreating = new Set(['pods', 'deployments', 'statefulsets', 'replicasets', 'replicationcontrollers', 'daemonsets', 'jobs', 'cronjobs']);

export const accessToCreatePods: LintRule = {
  id: 'access-to-create-pods',
  severity: 'information',
  enabledByDefault: false,
  summary: 'A Role or ClusterRole rule granting `create` (or `*`) on pods or on a workload resource (deployments, jobs, …).',
  description:
    'A subject that can create pods can run them with any ServiceAccount of the namespace and mount any of its Secrets, ConfigMaps and volumes: it has whatever those grant. Keep it to the controllers and people that need it (CIS Kubernetes Benchmark 5.1.4). Off by default, as in kube-linter. No quick fix.',
  docs: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation',
  appliesTo: ['Role', 'ClusterRole'],
  check(object) {
    return grants(object, podCreating, new Set(['create'])).map(({ index, resource }) => ({
      path: ['rules', index, 'resources'],
      message: `rule ${index + 1} grants creating ${resource}, and so running pods as any ServiceAccount of the namespace`,
    }));
  },
};
