// exposed-services: a Service of type NodePort or LoadBalancer.
import { valueAt } from '../parsedDocument';
import type { LintRule } from './types';

export const exposedServices: LintRule = {
  id: 'exposed-services',
  severity: 'information',
  enabledByDefault: false,
  summary: 'A Service of type `NodePort` or `LoadBalancer`.',
  description:
    'It opens a port on every node, and with a load balancer an address outside the cluster, bypassing the Ingress (or Gateway) where TLS, authentication and rate limits usually live. Prefer `ClusterIP` behind an Ingress. Off by default: exposing a Service is often exactly the intent.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
  appliesTo: ['Service'],
  check(object) {
    const type = valueAt(object, ['spec', 'type']);
    if (type !== 'NodePort' && type !== 'LoadBalancer') return [];
    return [{ path: ['spec', 'type'], message: `a ${type} Service is reachable from outside the cluster` }];
  },
};
