// dangling-ingress: an Ingress backend naming a Service, or a port of it, that the workspace does not declare.
import { isRecord, valueAt, type PathSegment } from '../parsedDocument';
import { namespaceOf } from './objects';
import type { Finding, LintRule } from './types';

/** The paths of an Ingress's Service backends: the default one and each rule path's. */
function backendPaths(object: Readonly<Record<string, unknown>>): PathSegment[][] {
  const paths: PathSegment[][] = [];
  if (isRecord(valueAt(object, ['spec', 'defaultBackend', 'service']))) paths.push(['spec', 'defaultBackend', 'service']);
  const rules = valueAt(object, ['spec', 'rules']);
  (Array.isArray(rules) ? rules : []).forEach((_, i) => {
    const httpPaths = valueAt(object, ['spec', 'rules', i, 'http', 'paths']);
    (Array.isArray(httpPaths) ? httpPaths : []).forEach((__, j) => {
      const path = ['spec', 'rules', i, 'http', 'paths', j, 'backend', 'service'];
      if (isRecord(valueAt(object, path))) paths.push(path);
    });
  });
  return paths;
}

export const danglingIngress: LintRule = {
  id: 'dangling-ingress',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'An Ingress backend whose Service, or whose port of that Service (by number or name), no manifest in the workspace declares.',
  description:
    'The ingress controller sends the requests of that host and path to the named Service port: when the Service does not exist or does not expose that port, they fail with 503 (or the rule is dropped). Usually a typo in the Service name or port name. Resource backends are left alone. No quick fix.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/ingress/#the-ingress-resource',
  appliesTo: ['Ingress'],
  check(object, { workspace }) {
    const namespace = namespaceOf(object);
    const findings: Finding[] = [];
    for (const path of backendPaths(object)) {
      const name = valueAt(object, [...path, 'name']);
      if (typeof name !== 'string' || name === '') continue;
      const services = workspace.services(name, namespace);
      if (services.length === 0) {
        findings.push({ path: [...path, 'name'], message: `no Service "${name}" in the workspace: requests for this backend would fail` });
        continue;
      }
      const number = valueAt(object, [...path, 'port', 'number']);
      const portName = valueAt(object, [...path, 'port', 'name']);
      if (typeof number === 'number' && !services.some((s) => s.ports.some((p) => p.port === number))) {
        findings.push({ path: [...path, 'port', 'number'], message: `the Service "${name}" has no port ${number}` });
      } else if (typeof portName === 'string' && !services.some((s) => s.ports.some((p) => p.name === portName))) {
        findings.push({ path: [...path, 'port', 'name'], message: `the Service "${name}" has no port named "${portName}"` });
      }
    }
    return findings;
  },
};
