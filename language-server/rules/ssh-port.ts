// ssh-port: a container that declares port 22, the port of SSH.
import { findingsPerContainer, podKinds } from './podSpecs';
import type { LintRule } from './types';

export const sshPort: LintRule = {
  id: 'ssh-port',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A container that declares the TCP port 22, the port of SSH.',
  description:
    'An SSH server in a container is a way in that bypasses the API server\'s authentication, audit and RBAC, and keys baked into images leak. Use `kubectl exec` (or `kubectl debug`) to get a shell; if the port serves something else, move it. No quick fix.',
  docs: 'https://kubernetes.io/docs/tasks/debug/debug-application/get-shell-running-container/',
  appliesTo: podKinds,
  check(object, { kind }) {
    return findingsPerContainer(kind, object, ({ path, container, label }, findings) => {
      (Array.isArray(container.ports) ? container.ports : []).forEach((port, i) => {
        if (port?.containerPort === 22 && (port.protocol ?? 'TCP') === 'TCP') findings.push({ path: [...path, 'ports', i, 'containerPort'], message: `${label} declares port 22, the port of SSH` });
      });
    });
  },
};
