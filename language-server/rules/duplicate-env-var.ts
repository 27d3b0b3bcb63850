// duplicate-env-var: a container that defines the same environment variable twice.
import { findingsPerContainer, podKinds } from './podSpecs';
import type { LintRule } from './types';

export const duplicateEnvVar: LintRule = {
  id: 'duplicate-env-var',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A container whose `env` defines the same variable more than once.',
  description:
    'The API server accepts it (with a warning that `kubectl apply` may not show): the last definition wins and the earlier ones are silently ignored, so a value edited in the first place has no effect. Server-side apply and strategic merge patches, which key `env` by name, may also keep the wrong one. Remove all but one. No quick fix: which one is meant is yours to say.',
  docs: 'https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/',
  appliesTo: podKinds,
  check(object, { kind }) {
    return findingsPerContainer(kind, object, ({ path, container, label }, findings) => {
      const seen = new Set<string>();
      (Array.isArray(container.env) ? container.env : []).forEach((env, i) => {
        const name = env?.name;
        if (typeof name !== 'string') return;
        if (seen.has(name)) findings.push({ path: [...path, 'env', i, 'name'], message: `${label} defines the environment variable ${name} again: only the last definition counts` });
        seen.add(name);
      });
    });
  },
};
