// run-as-non-root: a container that may run as root, judged as the kubelet does: the container's
// securityContext first, then the pod's.
import { containersOf, podKinds, podSpecOf } from './podSpecs';
import type { Finding, LintRule } from './types';

export const runAsNonRoot: LintRule = {
  id: 'run-as-non-root',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A container that may run as root: neither it nor its pod sets `runAsNonRoot: true` or a non-zero `runAsUser`.',
  description:
    'A process running as root in a container is root on the node if it escapes. With `runAsNonRoot: true` the kubelet refuses to start a container whose image would run as user 0. The restricted Pod Security Standard requires it. Quick fix: set `securityContext.runAsNonRoot: true` on the container.',
  docs: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
  appliesTo: podKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    if (!pod) return [];
    const podContext = pod.spec.securityContext;
    const findings: Finding[] = [];
    for (const { path, container, label } of containersOf(pod)) {
      const own = container.securityContext;
      const nonRoot = own?.runAsNonRoot ?? podContext?.runAsNonRoot;
      const user = own?.runAsUser ?? podContext?.runAsUser;
      if (nonRoot === true || (typeof user === 'number' && user > 0)) continue;
      const field = [...path, 'securityContext', 'runAsNonRoot'];
      findings.push({ path: field, message: `${label} is not set to runAsNonRoot`, fix: { title: 'Set runAsNonRoot: true', set: field, value: true } });
    }
    return findings;
  },
};
