// The probe port rules (liveness-port, readiness-port, startup-port): a probe aimed at a port name its
// container does not declare. One check, three kube-linter ids, so each can be ignored on its own.
import { containersOf, podKinds, podSpecOf } from './podSpecs';
import type { Finding, LintRule } from './types';

type ProbeField = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

const consequence: Record<ProbeField, string> = {
  livenessProbe: 'it always fails and the kubelet restarts the container over and over',
  readinessProbe: 'it always fails and the pod never receives Service traffic',
  startupProbe: 'it always fails and the kubelet kills the container before it ever starts',
};

export function probePortRule(id: string, field: ProbeField): LintRule {
  const word = field.replace('Probe', '');
  return {
    id,
    severity: 'warning',
    enabledByDefault: true,
    summary: `A ${word} probe aimed at a port name its container does not declare.`,
    description: `The kubelet resolves a named probe port among the container's own \`ports\`: with no port of that name, ${consequence[field]}. A port number is probed as is, declared or not (health ports such as 10254 or 8081 often are not), so numbers are left alone. No quick fix.`,
    docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#use-a-named-port',
    appliesTo: podKinds,
    check(object, { kind }) {
      const pod = podSpecOf(kind, object);
      if (!pod) return [];
      const findings: Finding[] = [];
      for (const { path, container, label } of containersOf(pod)) {
        const probe = container[field];
        if (!probe || typeof probe !== 'object') continue;
        const ports = Array.isArray(container.ports) ? container.ports : [];
        for (const handler of ['httpGet', 'tcpSocket', 'grpc'] as const) {
          const port: unknown = (probe[handler] as { port?: unknown } | undefined)?.port;
          const at = [...path, field, handler, 'port'];
          // A string of digits is not a port name: validation reports it.
          if (typeof port === 'string' && !/^\d+$/.test(port) && !ports.some((p) => p?.name === port)) {
            findings.push({ path: at, message: `${label} has no port named "${port}" for its ${word} probe: ${consequence[field]}` });
          }
        }
      }
      return findings;
    },
  };
}
