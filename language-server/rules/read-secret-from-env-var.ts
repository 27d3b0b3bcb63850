// read-secret-from-env-var: a container that reads a Secret through environment variables.
import { findingsPerContainer, podKinds } from './podSpecs';
import type { LintRule } from './types';

export const readSecretFromEnvVar: LintRule = {
  id: 'read-secret-from-env-var',
  severity: 'information',
  enabledByDefault: false,
  summary: 'A container that reads a Secret into environment variables (`env[].valueFrom.secretKeyRef` or `envFrom[].secretRef`).',
  description:
    'Environment variables leak: into crash dumps and error pages, into child processes, into `kubectl describe`-style debug output and logs. A Secret mounted as files is only readable where the application opens it, and is updated in place when the Secret changes (CIS Kubernetes Benchmark 5.4.1). Off by default, as in kube-linter: many applications only read configuration from the environment. No quick fix.',
  docs: 'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod',
  appliesTo: podKinds,
  check(object, { kind }) {
    return findingsPerContainer(kind, object, ({ path, container, label }, findings) => {
      (Array.isArray(container.env) ? container.env : []).forEach((env, i) => {
        const ref = env?.valueFrom?.secretKeyRef;
        if (ref) findings.push({ path: [...path, 'env', i, 'valueFrom', 'secretKeyRef'], onKey: true, message: `${label} reads the Secret "${ref.name}" into the environment variable ${env.name}` });
      });
      (Array.isArray(container.envFrom) ? container.envFrom : []).forEach((source, i) => {
        const ref = source?.secretRef;
        if (ref) findings.push({ path: [...path, 'envFrom', i, 'secretRef'], onKey: true, message: `${label} reads every key of the Secret "${ref.name}" into environment variables` });
      });
    });
  },
};
