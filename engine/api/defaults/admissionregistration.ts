// admissionregistration.k8s.io/v1 defaults (SetDefaults_ValidatingWebhook, _MutatingWebhook, _Rule,
// _ServiceReference, _ValidatingAdmissionPolicySpec and _MatchResources): a webhook that fails closed,
// matches equivalent requests, selects every namespace and object, and waits 10 seconds; rules of any
// scope; a service on port 443. A policy fails closed too, and its match constraints, like a binding's
// match resources, match equivalent requests in every namespace and of every object. A binding's
// paramRef gets no parameterNotFoundAction: v1 requires one.

import { child, isObj, list, registerDefaulter, type Obj } from './registry.js';

/** These are pointers in Go: only a missing value is defaulted, an empty string is left for validation to refuse. */
function setIfMissing(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

function defaultWebhook(hook: Obj, mutating: boolean): void {
  setIfMissing(hook, 'failurePolicy', 'Fail');
  setIfMissing(hook, 'matchPolicy', 'Equivalent');
  setIfMissing(hook, 'namespaceSelector', {});
  setIfMissing(hook, 'objectSelector', {});
  setIfMissing(hook, 'timeoutSeconds', 10);
  if (mutating) setIfMissing(hook, 'reinvocationPolicy', 'Never');
  for (const rule of list(hook.rules)) setIfMissing(rule, 'scope', '*');
  const service = isObj(hook.clientConfig) ? hook.clientConfig.service : undefined;
  if (isObj(service)) setIfMissing(service, 'port', 443);
}

registerDefaulter('admissionregistration.k8s.io', 'ValidatingWebhookConfiguration', (config) => {
  for (const hook of list(config.webhooks)) defaultWebhook(hook, false);
});

registerDefaulter('admissionregistration.k8s.io', 'MutatingWebhookConfiguration', (config) => {
  for (const hook of list(config.webhooks)) defaultWebhook(hook, true);
});

/** A policy's matchConstraints or a binding's matchResources, when given. */
function defaultMatchResources(match: unknown): void {
  if (!isObj(match)) return;
  setIfMissing(match, 'matchPolicy', 'Equivalent');
  setIfMissing(match, 'namespaceSelector', {});
  setIfMissing(match, 'objectSelector', {});
  for (const rule of [...list(match.resourceRules), ...list(match.excludeResourceRules)]) setIfMissing(rule, 'scope', '*');
}

registerDefaulter('admissionregistration.k8s.io', 'ValidatingAdmissionPolicy', (policy) => {
  // The spec is a struct, never nil, in Go: a policy without one still gets its failure policy.
  const spec = child(policy, 'spec');
  setIfMissing(spec, 'failurePolicy', 'Fail');
  defaultMatchResources(spec.matchConstraints);
});

registerDefaulter('admissionregistration.k8s.io', 'ValidatingAdmissionPolicyBinding', (binding) => {
  if (isObj(binding.spec)) defaultMatchResources(binding.spec.matchResources);
});
