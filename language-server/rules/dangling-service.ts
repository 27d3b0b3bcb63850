// dangling-service: a Service whose selector picks no pod template defined in the workspace.
import { isRecord } from '../parsedDocument';
import type { LintRule } from './types';

export const danglingService: LintRule = {
  id: 'dangling-service',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A Service whose `spec.selector` matches the pod labels of no workload or pod in the workspace.',
  description:
    'A Service with a selector sends traffic to the pods carrying all its labels: if none do, it has no endpoints and every connection is refused. Usually a label typo on either side. Services without a selector (endpoints managed by hand, `ExternalName`) are left alone. No quick fix.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service',
  appliesTo: ['Service'],
  check(object, { workspace }) {
    const spec = object['spec'];
    const selector = isRecord(spec) ? spec['selector'] : undefined;
    if (!isRecord(selector) || Object.keys(selector).length === 0 || (isRecord(spec) && spec['type'] === 'ExternalName')) return [];
    const labels = Object.fromEntries(Object.entries(selector).map(([k, v]) => [k, String(v)]));
    const metadata = object['metadata'];
    const namespace = isRecord(metadata) && typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '';
    if (workspace.selectsPods(labels, namespace)) return [];
    const text = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
    return [{ path: ['spec', 'selector'], onKey: true, message: `no pod template in the workspace has the labels ${text}: the Service would have no endpoints` }];
  },
};
