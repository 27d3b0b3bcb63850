// privilege-escalation-container: a container whose processes may gain more privileges than their parent.
import { containersOf, podKinds, podSpecOf } from './podSpecs';
import type { LintRule } from './types';

export const privilegeEscalationContainer: LintRule = {
  id: 'privilege-escalation-container',
  severity: 'information',
  enabledByDefault: true,
  summary: 'A container that does not set `securityContext.allowPrivilegeEscalation: false`.',
  description:
    'Unless `allowPrivilegeEscalation` is `false`, a process can gain privileges through setuid binaries (the `no_new_privs` flag is not set). The restricted Pod Security Standard requires `false`. Quick fix: set `allowPrivilegeEscalation: false`.',
  docs: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
  appliesTo: podKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    if (!pod) return [];
    return containersOf(pod)
      .filter(({ container }) => container.securityContext?.allowPrivilegeEscalation !== false)
      .map(({ path, label, container }) => {
        const field = [...path, 'securityContext', 'allowPrivilegeEscalation'];
        const allowed = container.securityContext?.allowPrivilegeEscalation === true;
        return {
          path: field,
          message: allowed ? `${label} allows privilege escalation` : `${label} does not forbid privilege escalation (allowPrivilegeEscalation is not false)`,
          fix: { title: 'Set allowPrivilegeEscalation: false', set: field, value: false },
        };
      });
  },
};
