// ValidatingWebhookConfiguration and MutatingWebhookConfiguration: what the API server defaults and
// refuses, with the exact field paths and messages kube-apiserver returns, on create and on update.

import assert from 'node:assert/strict';
import { applyDefaults } from '../../../../engine/api/defaults/index.js';
import { formatFieldError } from '../../../../engine/api/errors.js';
import { validateSemantics, type KindRef } from '../../../../engine/api/validation/semantic/index.js';
import { dns1035Msg, labelValueMsg, qualifiedNameMsg, subdomainMsg } from './messages.js';

type Obj = Record<string, any>;

const group = 'admissionregistration.k8s.io';
const validating: KindRef = { group, version: 'v1', kind: 'ValidatingWebhookConfiguration', namespaced: false };
const mutating: KindRef = { group, version: 'v1', kind: 'MutatingWebhookConfiguration', namespaced: false };

const form = '; desired format: https://host[/path]';

const webhook = (): Obj => ({
  name: 'policy.example.com',
  clientConfig: { service: { namespace: 'webhooks', name: 'policy', path: '/validate', port: 8443 } },
  rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments', 'deployments/scale'], scope: 'Namespaced' }],
  failurePolicy: 'Fail',
  matchPolicy: 'Equivalent',
  sideEffects: 'None',
  timeoutSeconds: 5,
  admissionReviewVersions: ['v1', 'v1beta1'],
  namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] },
  objectSelector: { matchLabels: { app: 'web' } },
  matchConditions: [{ name: 'not-system', expression: "!request.userInfo.username.startsWith('system:')" }],
});

const config = (kind: KindRef, ...hooks: Obj[]): Obj => ({ apiVersion: `${group}/v1`, kind: kind.kind, metadata: { name: 'policy' }, webhooks: hooks });

/** A valid configuration with its first webhook changed by `edit`. */
function withHook(kind: KindRef, edit: (hook: Obj) => void): Obj {
  const hook = webhook();
  edit(hook);
  return config(kind, hook);
}

const errors = (kind: KindRef, obj: Obj, old?: Obj): string[] => validateSemantics(obj, kind, old).map(formatFieldError);
/** As the API server sees an update: both objects defaulted (the stored one was, on its create). */
const updateErrors = (kind: KindRef, next: Obj, old: Obj): string[] => errors(kind, applyDefaults(next), applyDefaults(old));

type Case = [scenario: string, edit: (hook: Obj) => void, expected: string[]];

/** Rules both kinds share: each case edits the first webhook of an otherwise valid configuration. */
const sharedCases: Case[] = [
  // webhook names
  ['a webhook without a name', (h) => delete h.name, ['webhooks[0].name: Required value']],
  ['a name of fewer than three segments', (h) => (h.name = 'example.com'), ['webhooks[0].name: Invalid value: "example.com": should be a domain with at least three segments separated by dots']],
  ['a name that is not a DNS subdomain', (h) => (h.name = 'Policy.example.com'), [`webhooks[0].name: Invalid value: "Policy.example.com": ${subdomainMsg}`]],
  // side effects
  ['no sideEffects', (h) => delete h.sideEffects, ['webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun']],
  ['sideEffects Some on create', (h) => (h.sideEffects = 'Some'), ['webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"']],
  ['sideEffects Unknown on create', (h) => (h.sideEffects = 'Unknown'), ['webhooks[0].sideEffects: Unsupported value: "Unknown": supported values: "None", "NoneOnDryRun"']],
  // policies and timeout
  ['an unknown failurePolicy', (h) => (h.failurePolicy = 'Retry'), ['webhooks[0].failurePolicy: Unsupported value: "Retry": supported values: "Fail", "Ignore"']],
  ['an unknown matchPolicy', (h) => (h.matchPolicy = 'Loose'), ['webhooks[0].matchPolicy: Unsupported value: "Loose": supported values: "Equivalent", "Exact"']],
  ['a timeout over 30 seconds', (h) => (h.timeoutSeconds = 31), ['webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds']],
  ['a timeout under 1 second', (h) => (h.timeoutSeconds = 0), ['webhooks[0].timeoutSeconds: Invalid value: 0: the timeout value must be between 1 and 30 seconds']],
  // rules
  ['a rule without operations', (h) => (h.rules[0].operations = []), ['webhooks[0].rules[0].operations: Required value']],
  [
    "'*' among other operations",
    (h) => (h.rules[0].operations = ['CREATE', '*']),
    [`webhooks[0].rules[0].operations: Invalid value: ["CREATE","*"]: if '*' is present, must not specify other operations`],
  ],
  [
    'an unknown operation',
    (h) => (h.rules[0].operations = ['CREATE', 'PATCH']),
    ['webhooks[0].rules[0].operations[1]: Unsupported value: "PATCH": supported values: "*", "CONNECT", "CREATE", "DELETE", "UPDATE"'],
  ],
  ['a rule without API groups', (h) => (h.rules[0].apiGroups = []), ['webhooks[0].rules[0].apiGroups: Required value']],
  [
    "'*' among other API groups",
    (h) => (h.rules[0].apiGroups = ['*', 'apps']),
    [`webhooks[0].rules[0].apiGroups: Invalid value: ["*","apps"]: if '*' is present, must not specify other API groups`],
  ],
  ['a rule without API versions', (h) => (h.rules[0].apiVersions = []), ['webhooks[0].rules[0].apiVersions: Required value']],
  ['an empty API version', (h) => (h.rules[0].apiVersions = ['v1', '']), ['webhooks[0].rules[0].apiVersions[1]: Required value']],
  [
    "'*' among other API versions",
    (h) => (h.rules[0].apiVersions = ['v1', '*']),
    [`webhooks[0].rules[0].apiVersions: Invalid value: ["v1","*"]: if '*' is present, must not specify other API versions`],
  ],
  ['an unknown scope', (h) => (h.rules[0].scope = 'Global'), ['webhooks[0].rules[0].scope: Unsupported value: "Global": supported values: "*", "Cluster", "Namespaced"']],
  ['a rule without resources', (h) => (h.rules[0].resources = []), ['webhooks[0].rules[0].resources: Required value']],
  ['an empty resource', (h) => (h.rules[0].resources = ['pods', '']), ['webhooks[0].rules[0].resources[1]: Required value']],
  [
    "'*' with a resource without subresource",
    (h) => (h.rules[0].resources = ['*', 'pods']),
    [`webhooks[0].rules[0].resources: Invalid value: ["*","pods"]: if '*' is present, must not specify other resources without subresources`],
  ],
  [
    "'*/*' with any other resource",
    (h) => (h.rules[0].resources = ['*/*', 'pods/log']),
    [`webhooks[0].rules[0].resources: Invalid value: ["*/*","pods/log"]: if '*/*' is present, must not specify other resources`],
  ],
  [
    "'pods/*' with a subresource of pods",
    (h) => (h.rules[0].resources = ['pods/*', 'pods/log']),
    [`webhooks[0].rules[0].resources[1]: Invalid value: "pods/log": if 'pods/*' is present, must not specify pods/log`],
  ],
  [
    "'*/status' with a status of one resource",
    (h) => (h.rules[0].resources = ['*/status', 'deployments/status']),
    [`webhooks[0].rules[0].resources[1]: Invalid value: "deployments/status": if '*/status' is present, must not specify deployments/status`],
  ],
  // client config
  ['neither url nor service', (h) => (h.clientConfig = {}), ['webhooks[0].clientConfig: Required value: exactly one of url or service is required']],
  [
    'both url and service',
    (h) => (h.clientConfig.url = 'https://policy.example.com/validate'),
    ['webhooks[0].clientConfig: Required value: exactly one of url or service is required'],
  ],
  [
    'an http url',
    (h) => (h.clientConfig = { url: 'http://policy.example.com/validate' }),
    [`webhooks[0].clientConfig.url: Invalid value: "http": 'https' is the only allowed URL scheme${form}`],
  ],
  [
    'a url without scheme',
    (h) => (h.clientConfig = { url: 'policy.example.com/validate' }),
    [`webhooks[0].clientConfig.url: Invalid value: "": 'https' is the only allowed URL scheme${form}`, `webhooks[0].clientConfig.url: Invalid value: "": host must be specified${form}`],
  ],
  ['a url without host', (h) => (h.clientConfig = { url: 'https:///validate' }), [`webhooks[0].clientConfig.url: Invalid value: "": host must be specified${form}`]],
  [
    'a url with user, query and fragment',
    (h) => (h.clientConfig = { url: 'https://admin:s3cret@policy.example.com/validate?dry=1#top' }),
    [
      'webhooks[0].clientConfig.url: Invalid value: "admin:s3cret": user information is not permitted in the URL',
      'webhooks[0].clientConfig.url: Invalid value: "top": fragments are not permitted in the URL',
      'webhooks[0].clientConfig.url: Invalid value: "dry=1": query parameters are not permitted in the URL',
    ],
  ],
  [
    'a url without scheme name',
    (h) => (h.clientConfig = { url: '://policy.example.com' }),
    [`webhooks[0].clientConfig.url: Required value: url must be a valid URL: parse "://policy.example.com": missing protocol scheme${form}`],
  ],
  [
    'a url with a named port',
    (h) => (h.clientConfig = { url: 'https://policy.example.com:webhook/validate' }),
    [`webhooks[0].clientConfig.url: Required value: url must be a valid URL: parse "https://policy.example.com:webhook/validate": invalid port ":webhook" after host${form}`],
  ],
  [
    'a url with a space in its host',
    (h) => (h.clientConfig = { url: 'https://policy example.com/' }),
    [`webhooks[0].clientConfig.url: Required value: url must be a valid URL: parse "https://policy example.com/": invalid character " " in host name${form}`],
  ],
  [
    'a url with a bad escape',
    (h) => (h.clientConfig = { url: 'https://policy.example.com/%zz' }),
    [`webhooks[0].clientConfig.url: Required value: url must be a valid URL: parse "https://policy.example.com/%zz": invalid URL escape "%zz"${form}`],
  ],
  [
    'a url with an IPv4 address in brackets',
    (h) => (h.clientConfig = { url: 'https://[10.0.0.7]:8443/' }),
    [`webhooks[0].clientConfig.url: Required value: url must be a valid URL: parse "https://[10.0.0.7]:8443/": invalid IP-literal${form}`],
  ],
  [
    'a url with a malformed IPv6 address',
    (h) => (h.clientConfig = { url: 'https://[fd00::1::2]/' }),
    [`webhooks[0].clientConfig.url: Required value: url must be a valid URL: parse "https://[fd00::1::2]/": invalid host: ParseAddr("fd00::1::2"): multiple :: in address (at ":2")${form}`],
  ],
  // Kubernetes swaps the service's name and namespace on their way to the check: each is reported on the other's path.
  ['a service without name', (h) => delete h.clientConfig.service.name, ['webhooks[0].clientConfig.service.namespace: Required value']],
  ['a service without namespace', (h) => delete h.clientConfig.service.namespace, ['webhooks[0].clientConfig.service.name: Required value']],
  [
    'a service port out of range',
    (h) => (h.clientConfig.service.port = 65536),
    ['webhooks[0].clientConfig.service.port: Invalid value: 65536: port is not valid: must be between 1 and 65535, inclusive'],
  ],
  ['a relative service path', (h) => (h.clientConfig.service.path = 'validate'), [`webhooks[0].clientConfig.service.path: Invalid value: "validate": must start with a '/'`]],
  ['a service path of two slashes', (h) => (h.clientConfig.service.path = '//'), ['webhooks[0].clientConfig.service.path: Invalid value: "//": segment[0] may not be empty']],
  ['an empty service path segment', (h) => (h.clientConfig.service.path = '/api//validate/'), ['webhooks[0].clientConfig.service.path: Invalid value: "/api//validate/": segment[1] may not be empty']],
  [
    'a service path segment that is not a DNS subdomain',
    (h) => (h.clientConfig.service.path = '/api/Validate'),
    [`webhooks[0].clientConfig.service.path: Invalid value: "/api/Validate": segment[1]: ${subdomainMsg}`],
  ],
  // selectors
  [
    "an 'In' namespace selector without values",
    (h) => (h.namespaceSelector.matchExpressions[0].values = []),
    ["webhooks[0].namespaceSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
  ],
  ['an object selector with an invalid label value', (h) => (h.objectSelector.matchLabels.app = 'web app'), [`webhooks[0].objectSelector.matchLabels: Invalid value: "web app": ${labelValueMsg}`]],
  // admission review versions
  ['no admissionReviewVersions', (h) => delete h.admissionReviewVersions, ['webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1']],
  [
    'a repeated admissionReviewVersion',
    (h) => (h.admissionReviewVersions = ['v1', 'v1']),
    ['webhooks[0].admissionReviewVersions[1]: Invalid value: "v1": duplicate version'],
  ],
  [
    'an admissionReviewVersion that is not a DNS-1035 label',
    (h) => (h.admissionReviewVersions = ['1v', 'v1']),
    [`webhooks[0].admissionReviewVersions[0]: Invalid value: "1v": ${dns1035Msg}`],
  ],
  [
    'no recognized admissionReviewVersion',
    (h) => (h.admissionReviewVersions = ['v2']),
    ['webhooks[0].admissionReviewVersions: Invalid value: ["v2"]: must include at least one of v1, v1beta1'],
  ],
  // match conditions
  [
    'more than 64 match conditions',
    (h) => (h.matchConditions = Array.from({ length: 65 }, (_, i) => ({ name: `c${i}`, expression: 'true' }))),
    ['webhooks[0].matchConditions: Too many: 65: must have at most 64 items'],
  ],
  ['a match condition without name', (h) => delete h.matchConditions[0].name, ['webhooks[0].matchConditions[0].name: Required value']],
  [
    'a match condition name that is not a qualified name',
    (h) => (h.matchConditions[0].name = '-not-system'),
    [`webhooks[0].matchConditions[0].name: Invalid value: "-not-system": ${qualifiedNameMsg}`],
  ],
  ['a blank match condition expression', (h) => (h.matchConditions[0].expression = '  '), ['webhooks[0].matchConditions[0].expression: Required value']],
  [
    'a repeated match condition name',
    (h) => h.matchConditions.push({ name: 'not-system', expression: 'true' }),
    ['webhooks[0].matchConditions[1].name: Duplicate value: "not-system"'],
  ],
];

/** Configurations Kubernetes accepts although they look close to refused ones. */
const acceptedVariants: [scenario: string, edit: (hook: Obj) => void][] = [
  ['an https url with an IPv6 host and a port', (h) => (h.clientConfig = { url: 'https://[fd00::7]:8443/validate' })],
  ['an upper-case scheme', (h) => (h.clientConfig = { url: 'HTTPS://policy.example.com/validate' })],
  ["'*' with resources that have subresources", (h) => (h.rules[0].resources = ['*', 'pods/log', 'deployments/*', '*/scale'])],
  // Kubernetes only looks at the last plain resource when '*' is among them.
  ["'*' after a plain resource", (h) => (h.rules[0].resources = ['pods', '*'])],
  ["'pods/*' with pods itself", (h) => (h.rules[0].resources = ['pods/*', 'pods'])],
  ['the core group', (h) => (h.rules[0].apiGroups = [''])],
  ['a recognized admissionReviewVersion among unknown ones', (h) => (h.admissionReviewVersions = ['v1', 'v9'])],
  ['sideEffects NoneOnDryRun', (h) => (h.sideEffects = 'NoneOnDryRun')],
  ['a root service path', (h) => (h.clientConfig.service.path = '/')],
  ['the same match condition name on two webhooks', () => {}],
];

for (const kind of [validating, mutating]) {
  describe(`${kind.kind} validation`, () => {
    it('accepts a valid configuration', () => {
      assert.deepEqual(errors(kind, config(kind, webhook())), []);
    });

    for (const [scenario, edit] of acceptedVariants) {
      it(`accepts ${scenario}`, () => {
        const second = { ...webhook(), name: 'audit.example.com' };
        const obj = withHook(kind, edit);
        obj.webhooks.push(second);
        assert.deepEqual(errors(kind, obj), []);
      });
    }

    for (const [scenario, edit, expected] of sharedCases) {
      it(`rejects ${scenario}`, () => {
        assert.deepEqual(errors(kind, withHook(kind, edit)), expected);
      });
    }

    it('rejects two webhooks of the same name', () => {
      assert.deepEqual(errors(kind, config(kind, webhook(), webhook())), ['webhooks[1].name: Duplicate value: "policy.example.com"']);
    });

    it('checks the object name as a DNS subdomain', () => {
      const obj = { ...config(kind, webhook()), metadata: { name: 'Policy_1' } };
      assert.deepEqual(errors(kind, obj), [`metadata.name: Invalid value: "Policy_1": ${subdomainMsg}`]);
    });
  });
}

describe('MutatingWebhookConfiguration: reinvocationPolicy', () => {
  it('accepts Never and IfNeeded', () => {
    for (const policy of ['Never', 'IfNeeded']) assert.deepEqual(errors(mutating, withHook(mutating, (h) => (h.reinvocationPolicy = policy))), []);
  });

  it('refuses any other policy', () => {
    assert.deepEqual(errors(mutating, withHook(mutating, (h) => (h.reinvocationPolicy = 'Always'))), [
      'webhooks[0].reinvocationPolicy: Unsupported value: "Always": supported values: "IfNeeded", "Never"',
    ]);
  });

  it('is not a field of a validating webhook', () => {
    // A validating webhook has no such field: the schema prunes or refuses it, validation never reads it.
    assert.deepEqual(errors(validating, withHook(validating, (h) => (h.reinvocationPolicy = 'Always'))), []);
  });
});

for (const kind of [validating, mutating]) {
  describe(`${kind.kind} on update`, () => {
    const edited = (edit: (hook: Obj) => void) => withHook(kind, edit);

    it('allows any side effect class when the stored object had one besides None and NoneOnDryRun', () => {
      const old = edited((h) => (h.sideEffects = 'Unknown'));
      assert.deepEqual(updateErrors(kind, edited((h) => (h.sideEffects = 'Some')), old), []);
      assert.deepEqual(updateErrors(kind, edited((h) => delete h.sideEffects), old), [
        'webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun, Some, Unknown',
      ]);
      assert.deepEqual(updateErrors(kind, edited((h) => (h.sideEffects = 'Maybe')), old), [
        'webhooks[0].sideEffects: Unsupported value: "Maybe": supported values: "None", "NoneOnDryRun", "Some", "Unknown"',
      ]);
    });

    it('keeps None and NoneOnDryRun required when the stored object had only those', () => {
      assert.deepEqual(updateErrors(kind, edited((h) => (h.sideEffects = 'Some')), config(kind, webhook())), [
        'webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"',
      ]);
    });

    it('requires a recognized admissionReviewVersion only when the stored object had one', () => {
      const unrecognized = edited((h) => (h.admissionReviewVersions = ['v0']));
      assert.deepEqual(updateErrors(kind, edited((h) => (h.admissionReviewVersions = ['v2'])), unrecognized), []);
      assert.deepEqual(updateErrors(kind, edited((h) => (h.admissionReviewVersions = ['v2'])), config(kind, webhook())), [
        'webhooks[0].admissionReviewVersions: Invalid value: ["v2"]: must include at least one of v1, v1beta1',
      ]);
    });

    it('still requires some admissionReviewVersion on update', () => {
      const unrecognized = edited((h) => (h.admissionReviewVersions = ['v0']));
      assert.deepEqual(updateErrors(kind, edited((h) => delete h.admissionReviewVersions), unrecognized), [
        'webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1',
      ]);
    });

    it('allows duplicate webhook names only when the stored object had some', () => {
      const twice = config(kind, webhook(), webhook());
      assert.deepEqual(updateErrors(kind, twice, twice), []);
      assert.deepEqual(updateErrors(kind, twice, config(kind, webhook())), ['webhooks[1].name: Duplicate value: "policy.example.com"']);
    });

    it('allows invalid label values in selectors only when the stored object had some', () => {
      const badValue = edited((h) => (h.objectSelector.matchLabels.app = 'web app'));
      assert.deepEqual(updateErrors(kind, edited((h) => (h.namespaceSelector.matchExpressions[0].values = ['prod env'])), badValue), []);
      assert.deepEqual(updateErrors(kind, badValue, config(kind, webhook())), [`webhooks[0].objectSelector.matchLabels: Invalid value: "web app": ${labelValueMsg}`]);
    });

    it('does not check stored match conditions again, but checks changed ones', () => {
      const unnamed = edited((h) => delete h.matchConditions[0].name);
      assert.deepEqual(updateErrors(kind, edited((h) => ((h.timeoutSeconds = 7), delete h.matchConditions[0].name)), unnamed), []);
      assert.deepEqual(
        updateErrors(
          kind,
          edited((h) => ((h.matchConditions[0].expression = 'true'), delete h.matchConditions[0].name)),
          unnamed,
        ),
        ['webhooks[0].matchConditions[0].name: Required value'],
      );
    });

    it('holds everything else to the create rules', () => {
      assert.deepEqual(updateErrors(kind, edited((h) => (h.timeoutSeconds = 60)), config(kind, webhook())), [
        'webhooks[0].timeoutSeconds: Invalid value: 60: the timeout value must be between 1 and 30 seconds',
      ]);
    });
  });
}

describe('webhook configuration defaults', () => {
  const bare = (kind: KindRef): Obj =>
    config(kind, {
      name: 'policy.example.com',
      clientConfig: { service: { namespace: 'webhooks', name: 'policy' } },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
    });

  it('fills in a validating webhook as SetDefaults_ValidatingWebhook, _Rule and _ServiceReference do', () => {
    const out = applyDefaults(bare(validating));
    assert.deepEqual(out.webhooks[0], {
      name: 'policy.example.com',
      clientConfig: { service: { namespace: 'webhooks', name: 'policy', port: 443 } },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: '*' }],
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      namespaceSelector: {},
      objectSelector: {},
      timeoutSeconds: 10,
    });
  });

  it('also sets a mutating webhook to be invoked once', () => {
    assert.equal(applyDefaults(bare(mutating)).webhooks[0].reinvocationPolicy, 'Never');
  });

  it('keeps what the user set, and defaults no side effects or review versions', () => {
    const hook = webhook();
    delete hook.sideEffects;
    delete hook.admissionReviewVersions;
    hook.reinvocationPolicy = 'IfNeeded';
    const out = applyDefaults(config(mutating, hook));
    assert.deepEqual(out.webhooks[0], hook);
  });

  it('adds no port to a webhook called by url', () => {
    const hook = { ...webhook(), clientConfig: { url: 'https://policy.example.com/validate' } };
    assert.deepEqual(applyDefaults(config(validating, hook)).webhooks[0].clientConfig, { url: 'https://policy.example.com/validate' });
  });

  it('leaves an empty policy for validation to refuse, as Go leaves a set pointer', () => {
    const out = applyDefaults(withHook(validating, (h) => (h.failurePolicy = '')));
    assert.equal(out.webhooks[0].failurePolicy, '');
    assert.deepEqual(errors(validating, out), ['webhooks[0].failurePolicy: Unsupported value: "": supported values: "Fail", "Ignore"']);
  });

  it('produces objects that validate', () => {
    for (const kind of [validating, mutating]) assert.deepEqual(errors(kind, applyDefaults(bare(kind))), []);
  });
});
