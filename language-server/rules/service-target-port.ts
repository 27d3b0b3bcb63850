// service-target-port: a Service port whose targetPort no container of the pods it selects declares.
import { isRecord, valueAt } from '../parsedDocument';
import { labelsAt, namespaceOf } from './objects';
import type { Finding, LintRule } from './types';

export const serviceTargetPort: LintRule = {
  id: 'service-target-port',
  severity: 'warning',
  enabledByDefault: true,
  summary: "A Service port whose `targetPort` (a name, or a number when the pods declare their ports) matches no container port of the pods its selector picks in the workspace.",
  description:
    'A named `targetPort` is looked up in each selected pod\'s container ports: where no container has a port of that name, the pod is left out of the endpoints, and the Service port has none. A number is sent to as is, but when every selected pod lists its ports and none is that number, the traffic goes where nothing listens. Services whose selector picks no pod are `dangling-service`\'s concern. Quick fix, when the pods declare exactly one port number: set `targetPort` to it.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports',
  appliesTo: ['Service'],
  check(object, { workspace }) {
    const selector = labelsAt(object, ['spec', 'selector']);
    const ports = valueAt(object, ['spec', 'ports']);
    if (!selector || Object.keys(selector).length === 0 || valueAt(object, ['spec', 'type']) === 'ExternalName' || !Array.isArray(ports)) return [];
    const pods = workspace.podPorts(selector, namespaceOf(object));
    if (pods.length === 0) return [];
    const declared = [...new Set(pods.flat().map((p) => p.containerPort))];
    const findings: Finding[] = [];
    ports.forEach((port, i) => {
      if (!isRecord(port)) return;
      const given = port['targetPort'];
      // An unset targetPort is the port itself.
      const target = given ?? port['port'];
      const path = given === undefined ? ['spec', 'ports', i, 'port'] : ['spec', 'ports', i, 'targetPort'];
      const unset = given === undefined ? ` (targetPort unset: it is the port)` : '';
      // A string of digits is not a port name: validation reports it.
      if (typeof target === 'string' && !/^\d+$/.test(target)) {
        if (!pods.some((list) => list.some((p) => p.name === target))) findings.push({ path, message: `no container of the selected pods has a port named "${target}": this Service port would have no endpoints` });
      } else if (typeof target === 'number') {
        // Ports need not be declared to be reached: judge only pods that all list theirs.
        if (pods.some((list) => list.length === 0) || pods.some((list) => list.some((p) => p.containerPort === target))) return;
        const fix = declared.length === 1 ? { title: `Set targetPort: ${declared[0]}`, set: ['spec', 'ports', i, 'targetPort'], value: declared[0]! } : undefined;
        findings.push({
          path,
          message: `the selected pods declare the container port${declared.length === 1 ? '' : 's'} ${declared.join(', ')}, not ${target}${unset}`,
          ...(fix ? { fix } : {}),
        });
      }
    });
    return findings;
  },
};
