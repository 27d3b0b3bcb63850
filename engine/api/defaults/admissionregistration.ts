// Webhook configuration defaults (admissionregistration/v1 SetDefaults_ValidatingWebhook, _MutatingWebhook,
// _Rule and _ServiceReference): a webhook that fails closed, matches equivalent requests, selects every
// namespace and object, and waits 10 seconds; rules of any scope; a service on port 443.

import { isObj, list, registerDefaulter, type Obj } from './registry.js';

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
