// privileged-ports: a container that declares a port below 1024.
import { findingsPerContainer, podKinds } from './podSpecs';
import type { LintRule } from './types';

export const privilegedPorts: LintRule = {
  id: 'privileged-ports',
  severity: 'information',
  enabledByDefault: false,
  summary: 'A container that declares a port below 1024.',
  description:
    'Binding a port below 1024 takes root or the `NET_BIND_SERVICE` capability, so the container cannot run as a non-root user with every capability dropped. Listen on a high port and let the Service map the well-known one (`port: 80`, `targetPort: 8080`). Off by default: many official images (nginx, for one) listen on 80 and are run that way on purpose.',
  docs: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
  appliesTo: podKinds,
  check(object, { kind }) {
    return findingsPerContainer(kind, object, ({ path, container, label }, findings) => {
      (Array.isArray(container.ports) ? container.ports : []).forEach((port, i) => {
        const number = port?.containerPort;
        if (typeof number === 'number' && number > 0 && number < 1024) findings.push({ path: [...path, 'ports', i, 'containerPort'], message: `${label} declares the privileged port ${number}` });
      });
    });
  },
};
