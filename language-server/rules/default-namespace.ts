// default-namespace: an object that lands in the `default` namespace.
import { isClusterScoped } from '../resourceReferences';
import { isRecord } from '../parsedDocument';
import type { LintRule } from './types';

export const defaultNamespace: LintRule = {
  id: 'default-namespace',
  kubeLinterId: 'use-namespace',
  severity: 'information',
  enabledByDefault: false,
  summary: 'A namespaced object in the `default` namespace, or without `metadata.namespace`.',
  description:
    'Everything in `default` shares one set of quotas, network policies and RBAC grants, and is deleted together by nothing. Give each application its own namespace. Off by default: many teams leave the namespace to `kubectl apply -n` on purpose.',
  docs: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/',
  appliesTo: '*',
  check(object, { kind }) {
    if (isClusterScoped(kind)) return [];
    const metadata = object['metadata'];
    const namespace = isRecord(metadata) ? metadata['namespace'] : undefined;
    if (namespace === 'default') return [{ path: ['metadata', 'namespace'], message: 'the object is in the default namespace' }];
    if (namespace === undefined) return [{ path: ['metadata', 'namespace'], message: 'no metadata.namespace: kubectl puts the object in the default namespace unless told otherwise' }];
    return [];
  },
};
