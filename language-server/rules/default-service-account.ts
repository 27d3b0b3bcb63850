// default-service-account: a pod that runs as its namespace's default ServiceAccount.
import { podKinds, podSpecOf } from './podSpecs';
import type { LintRule } from './types';

export const defaultServiceAccount: LintRule = {
  id: 'default-service-account',
  severity: 'information',
  enabledByDefault: false,
  summary: 'A pod spec without `serviceAccountName`, or naming `default`.',
  description:
    "Every pod of the namespace that names no account shares `default`: a permission granted to one of them (by a RoleBinding to `default`) is granted to all, and their API requests cannot be told apart in audit logs. Give the workload its own ServiceAccount, and set `automountServiceAccountToken: false` if it does not call the API. Off by default, as in kube-linter. No quick fix: the account has to be created.",
  docs: 'https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts',
  appliesTo: podKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    if (!pod) return [];
    const name = pod.spec.serviceAccountName ?? pod.spec.serviceAccount;
    if (name !== undefined && name !== '' && name !== 'default') return [];
    const field = pod.spec.serviceAccountName !== undefined || pod.spec.serviceAccount === undefined ? 'serviceAccountName' : 'serviceAccount';
    return [{ path: [...pod.path, field], onKey: name === undefined, message: "the pods run as the namespace's default ServiceAccount" }];
  },
};
