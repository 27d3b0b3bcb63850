// statefulset-service-name: a StatefulSet whose serviceName names no headless Service selecting its pods.
import { valueAt } from '../parsedDocument';
import { labelsAt, namespaceOf } from './objects';
import type { LintRule } from './types';

export const statefulSetServiceName: LintRule = {
  id: 'statefulset-service-name',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A StatefulSet whose `spec.serviceName` names no Service in the workspace, or one that is not headless (`clusterIP: None`) or does not select its pods.',
  description:
    'The governing Service gives each pod its stable DNS name (`web-0.web.shop.svc`): the StatefulSet is created without it, but the names never resolve, and peers that find each other by them (databases, quorums) cannot. It must be headless and select the pods. No quick fix: the Service is another object.',
  docs: 'https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id',
  appliesTo: ['StatefulSet'],
  check(object, { workspace }) {
    const name = valueAt(object, ['spec', 'serviceName']);
    if (typeof name !== 'string' || name === '') return [];
    const path = ['spec', 'serviceName'];
    const services = workspace.services(name, namespaceOf(object));
    if (services.length === 0) return [{ path, message: `no Service "${name}" in the workspace: the pods' DNS names would not resolve` }];
    if (!services.some((s) => s.headless)) return [{ path, message: `the Service "${name}" is not headless (clusterIP: None): the pods get no DNS names of their own` }];
    const labels = labelsAt(object, ['spec', 'template', 'metadata', 'labels']) ?? {};
    const selects = (selector: Readonly<Record<string, string>>) => Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
    if (!services.some((s) => s.headless && selects(s.selector))) return [{ path, message: `the headless Service "${name}" does not select this StatefulSet's pods: they get no DNS names` }];
    return [];
  },
};
