// deprecated-service-account-field: a pod spec naming its ServiceAccount by the deprecated `serviceAccount`.
import { podKinds, podSpecOf } from './podSpecs';
import type { FieldFix, LintRule } from './types';

export const deprecatedServiceAccountField: LintRule = {
  id: 'deprecated-service-account-field',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A pod spec with the deprecated `serviceAccount` field.',
  description:
    '`serviceAccount` is a deprecated alias of `serviceAccountName`, kept for old clients. Quick fix: rename it to `serviceAccountName` (or drop it when `serviceAccountName` already names the same account).',
  docs: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security',
  appliesTo: podKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    const deprecated = pod?.spec.serviceAccount;
    if (!pod || typeof deprecated !== 'string') return [];
    const field = [...pod.path, 'serviceAccount'];
    const current = pod.spec.serviceAccountName;
    // Two different names: which one was meant is the user's call.
    const fix: FieldFix | undefined =
      current === undefined ? { title: 'Rename to serviceAccountName', rename: field, to: 'serviceAccountName' } : current === deprecated ? { title: 'Remove serviceAccount', remove: field } : undefined;
    return [{ path: field, onKey: true, message: 'serviceAccount is deprecated: use serviceAccountName', ...(fix ? { fix } : {}) }];
  },
};
