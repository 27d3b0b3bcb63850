// The registry of lint rules: the one list the linter runs, the settings accept and the README's
// rules table is generated from (`node --import tsx scripts/gen-rules-doc.mjs`).
import { accessToCreatePods } from './access-to-create-pods';
import { accessToSecrets } from './access-to-secrets';
import { clusterAdminRoleBinding } from './cluster-admin-role-binding';
import { containerEphemeralStorageRequestAndLimit } from './container-ephemeral-storage-request-and-limit';
import { danglingHorizontalPodAutoscaler } from './dangling-horizontalpodautoscaler';
import { danglingIngress } from './dangling-ingress';
import { danglingNetworkPolicy } from './dangling-networkpolicy';
import { danglingNetworkPolicyPeerPodSelector } from './dangling-networkpolicypeer-podselector';
import { danglingService } from './dangling-service';
import { defaultNamespace } from './default-namespace';
import { defaultServiceAccount } from './default-service-account';
import { deprecatedServiceAccountField } from './deprecated-service-account-field';
import { dockerSock } from './docker-sock';
import { dropNetRawCapability } from './drop-net-raw-capability';
import { duplicateEnvVar } from './duplicate-env-var';
import { envVarSecret } from './env-var-secret';
import { exposedServices } from './exposed-services';
import { hostIPC } from './host-ipc';
import { hostNetwork } from './host-network';
import { hostPID } from './host-pid';
import { hpaMinimumThreeReplicas } from './hpa-minimum-three-replicas';
import { jobTtlSecondsAfterFinished } from './job-ttl-seconds-after-finished';
import { latestTag } from './latest-tag';
import { livenessPort } from './liveness-port';
import { minimumThreeReplicas } from './minimum-three-replicas';
import { noAntiAffinity } from './no-anti-affinity';
import { noLivenessProbe } from './no-liveness-probe';
import { noReadOnlyRootFs } from './no-read-only-root-fs';
import { noReadinessProbe } from './no-readiness-probe';
import { noRollingUpdateStrategy } from './no-rolling-update-strategy';
import { nonExistentServiceAccount } from './non-existent-service-account';
import { nonIsolatedPod } from './non-isolated-pod';
import { pdbBlocksEviction } from './pdb-blocks-eviction';
import { pdbMaxUnavailable } from './pdb-max-unavailable';
import { pdbMinAvailable } from './pdb-min-available';
import { pdbUnhealthyPodEvictionPolicy } from './pdb-unhealthy-pod-eviction-policy';
import { podDisruptionBudgetHasPolicy } from './poddisruptionbudget-has-policy';
import { podProbesIdentical } from './pod-probes-identical';
import { privilegeEscalationContainer } from './privilege-escalation-container';
import { privilegedContainer } from './privileged-container';
import { privilegedPorts } from './privileged-ports';
import { readSecretFromEnvVar } from './read-secret-from-env-var';
import { readinessPort } from './readiness-port';
import { replicasWithAutoscaler } from './replicas-with-autoscaler';
import { requiredLabelOwner } from './required-label-owner';
import { runAsNonRoot } from './run-as-non-root';
import { sensitiveHostMounts } from './sensitive-host-mounts';
import { serviceTargetPort } from './service-target-port';
import { sshPort } from './ssh-port';
import { startupPort } from './startup-port';
import { statefulSetServiceName } from './statefulset-service-name';
import { unsafeProcMount } from './unsafe-proc-mount';
import { unsafeSysctls } from './unsafe-sysctls';
import { unsetCpuRequirements } from './unset-cpu-requirements';
import { unsetMemoryRequirements } from './unset-memory-requirements';
import { wildcardInRules } from './wildcard-in-rules';
import { writableHostMount } from './writable-host-mount';
import { podKinds } from './podSpecs';
import type { LintRule } from './types';

/** Every rule, in the order the README lists them. */
export const lintRules: readonly LintRule[] = [
  latestTag,
  runAsNonRoot,
  privilegedContainer,
  privilegeEscalationContainer,
  noReadOnlyRootFs,
  dropNetRawCapability,
  unsafeProcMount,
  hostNetwork,
  hostPID,
  hostIPC,
  unsafeSysctls,
  dockerSock,
  sensitiveHostMounts,
  writableHostMount,
  sshPort,
  privilegedPorts,
  envVarSecret,
  readSecretFromEnvVar,
  duplicateEnvVar,
  unsetCpuRequirements,
  unsetMemoryRequirements,
  containerEphemeralStorageRequestAndLimit,
  noLivenessProbe,
  noReadinessProbe,
  livenessPort,
  readinessPort,
  startupPort,
  podProbesIdentical,
  noAntiAffinity,
  deprecatedServiceAccountField,
  nonExistentServiceAccount,
  defaultServiceAccount,
  danglingService,
  serviceTargetPort,
  danglingIngress,
  exposedServices,
  danglingNetworkPolicy,
  danglingNetworkPolicyPeerPodSelector,
  nonIsolatedPod,
  statefulSetServiceName,
  pdbBlocksEviction,
  pdbMaxUnavailable,
  pdbMinAvailable,
  pdbUnhealthyPodEvictionPolicy,
  podDisruptionBudgetHasPolicy,
  minimumThreeReplicas,
  hpaMinimumThreeReplicas,
  danglingHorizontalPodAutoscaler,
  replicasWithAutoscaler,
  noRollingUpdateStrategy,
  jobTtlSecondsAfterFinished,
  defaultNamespace,
  requiredLabelOwner,
  wildcardInRules,
  accessToSecrets,
  accessToCreatePods,
  clusterAdminRoleBinding,
];

export const lintRulesById: ReadonlyMap<string, LintRule> = new Map(lintRules.map((r) => [r.id, r]));

/** The README's rules table, one row per rule, written from the rules themselves. */
export function rulesMarkdown(): string {
  const kinds = (rule: LintRule) => (rule.appliesTo === '*' ? 'every kind' : rule.appliesTo === podKinds ? 'Pod and every kind with a pod template' : rule.appliesTo.join(', '));
  const rows = lintRules.map((rule) => {
    const severity = rule.enabledByDefault ? rule.severity : `off (${rule.severity} when on)`;
    const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
    const alias = rule.kubeLinterId ? ` (kube-linter: \`${rule.kubeLinterId}\`)` : '';
    return `| <a id="${rule.id}"></a>\`${rule.id}\`${alias} | ${severity} | ${cell(rule.summary)} ${cell(rule.description)} [Kubernetes docs](${rule.docs}) | ${kinds(rule)} |`;
  });
  return ['| rule | default | what and why | kinds |', '|---|---|---|---|', ...rows].join('\n');
}

/**
 * The `kubeside.lint.rules` settings schema's properties (package.json): one per rule, in registry
 * order, so VS Code completes and checks every rule id.
 */
export function rulesSettingsSchema(): Record<string, { type: 'string'; enum: string[]; markdownDescription: string }> {
  return Object.fromEntries(
    lintRules.map((rule) => [
      rule.id,
      { type: 'string', enum: ['off', 'hint', 'information', 'warning', 'error'], markdownDescription: `${rule.summary} Default: ${rule.enabledByDefault ? rule.severity : 'off'}.` },
    ]),
  );
}
