// env-var-secret: a credential written into the manifest as a literal environment variable.
import { findingsPerContainer, podKinds } from './podSpecs';
import type { LintRule } from './types';

/**
 * Names that hold credentials: a word such as PASSWORD or TOKEN anywhere in the name, or KEY as its
 * last word (`API_KEY`, `AWS_SECRET_ACCESS_KEY`), so `KEY_PREFIX` is left alone.
 */
const secretName = /(^|[_.-])(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIALS?|APIKEY)([_.-]|$)|(^|[_.-])KEY$/i;

export const envVarSecret: LintRule = {
  id: 'env-var-secret',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'An environment variable whose name says secret (`PASSWORD`, `TOKEN`, `SECRET`, `…_KEY`) with a literal `value`.',
  description:
    'A literal value is stored in the workload object: anyone who can read Deployments (and every copy of the manifest in git) reads the credential. Put it in a Secret and reference it with `valueFrom.secretKeyRef`. No quick fix: the Secret has to be created first.',
  docs: 'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables',
  appliesTo: podKinds,
  check(object, { kind }) {
    return findingsPerContainer(kind, object, ({ path, container, label }, findings) => {
      (Array.isArray(container.env) ? container.env : []).forEach((env, i) => {
        if (typeof env?.name !== 'string' || !secretName.test(env.name)) return;
        if (typeof env.value !== 'string' || env.value === '') return;
        findings.push({ path: [...path, 'env', i, 'value'], message: `${label} sets the environment variable ${env.name} to a literal value: use valueFrom.secretKeyRef` });
      });
    });
  },
};
