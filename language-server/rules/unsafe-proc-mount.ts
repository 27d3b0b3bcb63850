// unsafe-proc-mount: a container with procMount: Unmasked.
import { findingsPerContainer, podKinds } from './podSpecs';
import type { LintRule } from './types';

export const unsafeProcMount: LintRule = {
  id: 'unsafe-proc-mount',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A container whose `securityContext.procMount` is `Unmasked`.',
  description:
    "The container runtime masks and makes read-only the parts of `/proc` that expose or control the node (`/proc/kcore`, `/proc/sys`, …); `Unmasked` turns that off. It is meant for nested containers in a user namespace, and the Baseline Pod Security Standard forbids it. Quick fix: remove it, for the `Default` masking.",
  docs: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  appliesTo: podKinds,
  check(object, { kind }) {
    return findingsPerContainer(kind, object, ({ path, container, label }, findings) => {
      if (container.securityContext?.procMount !== 'Unmasked') return;
      const field = [...path, 'securityContext', 'procMount'];
      findings.push({ path: field, message: `${label} has an unmasked /proc`, fix: { title: 'Remove procMount', remove: field } });
    });
  },
};
