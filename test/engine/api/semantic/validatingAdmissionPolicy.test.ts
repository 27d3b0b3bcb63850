// ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding: what the API server defaults and
// refuses, with the exact field paths and messages kube-apiserver returns.

import assert from 'node:assert/strict';
import { applyDefaults } from '../../../../engine/api/defaults/index.js';
import { formatFieldError } from '../../../../engine/api/errors.js';
import { validateSemantics, type KindRef } from '../../../../engine/api/validation/semantic/index.js';
import { dns1035Msg, labelValueMsg, qualifiedNameMsg, subdomainMsg } from './messages.js';

type Obj = Record<string, any>;

const group = 'admissionregistration.k8s.io';
const policyKind: KindRef = { group, version: 'v1', kind: 'ValidatingAdmissionPolicy', namespaced: false };
const bindingKind: KindRef = { group, version: 'v1', kind: 'ValidatingAdmissionPolicyBinding', namespaced: false };

const denyAndWarn = 'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)';

const policy = (): Obj => ({
  apiVersion: `${group}/v1`,
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name: 'replica-limit' },
  spec: {
    failurePolicy: 'Fail',
    paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
    matchConstraints: {
      matchPolicy: 'Equivalent',
      namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] },
      objectSelector: {},
      resourceRules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], resourceNames: ['web', 'api'], scope: 'Namespaced' }],
      excludeResourceRules: [{ operations: ['*'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments/scale'], scope: '*' }],
    },
    matchConditions: [{ name: 'not-system', expression: "!request.userInfo.username.startsWith('system:')" }],
    variables: [
      { name: 'replicas', expression: 'object.spec.replicas' },
      { name: 'limit', expression: 'int(params.data.maxReplicas)' },
    ],
    validations: [{ expression: 'variables.replicas <= variables.limit', messageExpression: "'at most ' + string(variables.limit) + ' replicas'", reason: 'Invalid' }],
    auditAnnotations: [{ key: 'replicas', valueExpression: 'string(variables.replicas)' }],
  },
});

const binding = (): Obj => ({
  apiVersion: `${group}/v1`,
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name: 'replica-limit-prod' },
  spec: {
    policyName: 'replica-limit',
    paramRef: { name: 'limits', namespace: 'default', parameterNotFoundAction: 'Deny' },
    matchResources: { matchPolicy: 'Exact', namespaceSelector: { matchLabels: { env: 'prod' } }, objectSelector: {} },
    validationActions: ['Deny', 'Audit'],
  },
});

const errors = (kind: KindRef, obj: Obj, old?: Obj): string[] => validateSemantics(obj, kind, old).map(formatFieldError);

/** A valid object with its spec changed by `edit`. */
function edited(make: () => Obj, edit: (spec: Obj) => void): Obj {
  const o = make();
  edit(o.spec);
  return o;
}

type Case = [scenario: string, edit: (spec: Obj) => void, expected: string[]];

const policyCases: Case[] = [
  // failure policy
  ['no failurePolicy', (s) => delete s.failurePolicy, ['spec.failurePolicy: Required value']],
  ['an unknown failurePolicy', (s) => (s.failurePolicy = 'Retry'), ['spec.failurePolicy: Unsupported value: "Retry": supported values: "Fail", "Ignore"']],
  // paramKind
  ['a paramKind without apiVersion', (s) => delete s.paramKind.apiVersion, ['spec.paramKind.apiVersion: Required value']],
  [
    'a paramKind apiVersion of three parts',
    (s) => (s.paramKind.apiVersion = 'example.com/v1/x'),
    ['spec.paramKind.apiVersion: Invalid value: "example.com/v1/x": unexpected GroupVersion string: example.com/v1/x'],
  ],
  ['a paramKind group that is not a DNS subdomain', (s) => (s.paramKind.apiVersion = 'Example.com/v1'), [`spec.paramKind.apiVersion: Invalid value: "Example.com": ${subdomainMsg}`]],
  ['a paramKind apiVersion without version', (s) => (s.paramKind.apiVersion = 'example.com/'), ['spec.paramKind.apiVersion: Invalid value: "example.com/": version must be specified']],
  ['a paramKind version that is not a DNS-1035 label', (s) => (s.paramKind.apiVersion = 'example.com/1'), [`spec.paramKind.apiVersion: Invalid value: "1": ${dns1035Msg}`]],
  ['a paramKind without kind', (s) => delete s.paramKind.kind, ['spec.paramKind.kind: Required value']],
  [
    'a paramKind kind that is no DNS-1035 label in lower case',
    (s) => (s.paramKind.kind = 'Config_Map'),
    [`spec.paramKind.kind: Invalid value: "Config_Map": may have mixed case, but should otherwise match: ${dns1035Msg}`],
  ],
  // match constraints
  ['no matchConstraints', (s) => delete s.matchConstraints, ['spec.matchConstraints: Required value']],
  ['matchConstraints without resourceRules', (s) => delete s.matchConstraints.resourceRules, ['spec.matchConstraints.resourceRules: Required value']],
  ['matchConstraints without matchPolicy', (s) => delete s.matchConstraints.matchPolicy, ['spec.matchConstraints.matchPolicy: Required value']],
  [
    'an unknown matchPolicy',
    (s) => (s.matchConstraints.matchPolicy = 'Loose'),
    ['spec.matchConstraints.matchPolicy: Unsupported value: "Loose": supported values: "Equivalent", "Exact"'],
  ],
  ['matchConstraints without namespaceSelector', (s) => delete s.matchConstraints.namespaceSelector, ['spec.matchConstraints.namespaceSelector: Required value']],
  ['matchConstraints without objectSelector', (s) => delete s.matchConstraints.objectSelector, ['spec.matchConstraints.objectSelector: Required value']],
  [
    'an object selector with an invalid label value',
    (s) => (s.matchConstraints.objectSelector = { matchLabels: { app: 'web app' } }),
    [`spec.matchConstraints.objectSelector.matchLabels: Invalid value: "web app": ${labelValueMsg}`],
  ],
  ['a resource rule without operations', (s) => (s.matchConstraints.resourceRules[0].operations = []), ['spec.matchConstraints.resourceRules[0].operations: Required value']],
  [
    'a resource rule with an unknown operation',
    (s) => (s.matchConstraints.resourceRules[0].operations = ['PATCH']),
    ['spec.matchConstraints.resourceRules[0].operations[0]: Unsupported value: "PATCH": supported values: "*", "CONNECT", "CREATE", "DELETE", "UPDATE"'],
  ],
  [
    'a repeated resource name',
    (s) => (s.matchConstraints.resourceRules[0].resourceNames = ['web', 'web']),
    ['spec.matchConstraints.resourceRules[0].resourceNames[1]: Duplicate value: "web"'],
  ],
  [
    'a resource name that is no path segment',
    (s) => (s.matchConstraints.resourceRules[0].resourceNames = ['web/v2']),
    [`spec.matchConstraints.resourceRules[0].resourceNames[0]: Invalid value: "web/v2": may not contain '/'`],
  ],
  [
    'an exclude rule with an unknown scope',
    (s) => (s.matchConstraints.excludeResourceRules[0].scope = 'Global'),
    ['spec.matchConstraints.excludeResourceRules[0].scope: Unsupported value: "Global": supported values: "*", "Cluster", "Namespaced"'],
  ],
  [
    "an exclude rule with '*/*' among other resources",
    (s) => (s.matchConstraints.excludeResourceRules[0].resources = ['*/*', 'pods']),
    [`spec.matchConstraints.excludeResourceRules[0].resources: Invalid value: ["*/*","pods"]: if '*/*' is present, must not specify other resources`],
  ],
  // match conditions
  ['a match condition without name', (s) => delete s.matchConditions[0].name, ['spec.matchConditions[0].name: Required value']],
  ['a blank match condition expression', (s) => (s.matchConditions[0].expression = ' '), ['spec.matchConditions[0].expression: Required value']],
  [
    'a repeated match condition name',
    (s) => s.matchConditions.push({ name: 'not-system', expression: 'true' }),
    ['spec.matchConditions[1].name: Duplicate value: "not-system"'],
  ],
  [
    'a match condition that reads variables',
    (s) => (s.matchConditions[0].expression = 'variables.replicas > 1'),
    [`spec.matchConditions[0].expression: Invalid value: "variables.replicas > 1": compilation failed: ERROR: <input>:1:1: undeclared reference to 'variables' (in container '')`],
  ],
  [
    'a match condition that reads params without a paramKind',
    (s) => ((s.matchConditions[0].expression = 'params.data.enabled == "true"'), delete s.paramKind, (s.variables[1].expression = '5')),
    [`spec.matchConditions[0].expression: Invalid value: "params.data.enabled == \\"true\\"": compilation failed: ERROR: <input>:1:1: undeclared reference to 'params' (in container '')`],
  ],
  // variables
  ['a variable without name', (s) => s.variables.push({ name: ' ', expression: '1' }), ['spec.variables[2].name: Required value: name is not specified']],
  ['a variable name that is no CEL identifier', (s) => s.variables.push({ name: '4ever', expression: '1' }), ['spec.variables[2].name: Invalid value: "4ever": name is not a valid CEL identifier']],
  ['a variable named by a reserved word', (s) => s.variables.push({ name: 'namespace', expression: '1' }), ['spec.variables[2].name: Invalid value: "namespace": name is not a valid CEL identifier']],
  [
    'a variable without expression',
    (s) => delete s.variables[1].expression,
    // Never compiled, the variable is never declared: what reads it no longer compiles either.
    [
      'spec.variables[1].expression: Required value: expression is not specified',
      `spec.validations[0].expression: Invalid value: "variables.replicas <= variables.limit": compilation failed: ERROR: <input>:1:32: undefined field 'limit'`,
      `spec.validations[0].messageExpression: Invalid value: "'at most ' + string(variables.limit) + ' replicas'": compilation failed: ERROR: <input>:1:30: undefined field 'limit'`,
    ],
  ],
  [
    'a renamed variable that is still read',
    (s) => (s.variables[0].name = 'count'),
    [
      `spec.validations[0].expression: Invalid value: "variables.replicas <= variables.limit": compilation failed: ERROR: <input>:1:10: undefined field 'replicas'`,
      `spec.auditAnnotations[0].valueExpression: Invalid value: "string(variables.replicas)": compilation failed: ERROR: <input>:1:17: undefined field 'replicas'`,
    ],
  ],
  [
    'a variable that reads a later one',
    (s) => (s.variables[0].expression = 'variables.limit * 2'),
    [`spec.variables[0].expression: Invalid value: "variables.limit * 2": compilation failed: ERROR: <input>:1:10: undefined field 'limit'`],
  ],
  [
    'a variable that does not compile',
    (s) => (s.variables[0].expression = 'object.spec.replicas +'),
    ['spec.variables[0].expression: Invalid value: "object.spec.replicas +": compilation failed: ERROR: <input>:1:23: unexpected token: EOF'],
  ],
  // validations
  ['a validation without expression', (s) => (s.validations[0].expression = '  '), ['spec.validations[0].expression: Required value: expression is not specified']],
  [
    'a validation that reads an undefined variable',
    (s) => (s.validations[0].expression = 'variables.replica <= 5'),
    [`spec.validations[0].expression: Invalid value: "variables.replica <= 5": compilation failed: ERROR: <input>:1:10: undefined field 'replica'`],
  ],
  [
    'a validation that does not compile',
    (s) => (s.validations[0].expression = 'object.spec.replicas <='),
    ['spec.validations[0].expression: Invalid value: "object.spec.replicas <=": compilation failed: ERROR: <input>:1:24: unexpected token: EOF'],
  ],
  [
    'a blank messageExpression',
    (s) => (s.validations[0].messageExpression = '  '),
    ['spec.validations[0].messageExpression: Invalid value: "  ": must be non-empty if specified'],
  ],
  [
    'a messageExpression that asks the authorizer',
    (s) => (s.validations[0].messageExpression = "authorizer.requestResource.check('update').reason()"),
    [
      `spec.validations[0].messageExpression: Invalid value: "authorizer.requestResource.check('update').reason()": compilation failed: ERROR: <input>:1:1: undeclared reference to 'authorizer' (in container '')`,
    ],
  ],
  ['a blank message', (s) => (s.validations[0].message = ' '), ['spec.validations[0].message: Invalid value: " ": message must be non-empty if specified']],
  ['a message with a line break', (s) => (s.validations[0].message = 'too\nmany'), ['spec.validations[0].message: Invalid value: "too\\nmany": message must not contain line breaks']],
  [
    'reason Unauthorized',
    (s) => (s.validations[0].reason = 'Unauthorized'),
    ['spec.validations[0].reason: Unsupported value: "Unauthorized": supported values: "Forbidden", "Invalid", "RequestEntityTooLarge"'],
  ],
  [
    'neither validations nor auditAnnotations',
    (s) => ((s.validations = []), delete s.auditAnnotations),
    [
      'spec.validations: Required value: validations or auditAnnotations must contain at least one item',
      'spec.auditAnnotations: Required value: validations or auditAnnotations must contain at least one item',
    ],
  ],
  // audit annotations
  [
    'an audit annotation key that makes no qualified name',
    (s) => (s.auditAnnotations[0].key = 'replica count'),
    [`spec.auditAnnotations[0].key: Invalid value: "replica-limit/replica count": ${qualifiedNameMsg}`],
  ],
  [
    'a repeated audit annotation key',
    (s) => s.auditAnnotations.push({ key: 'replicas', valueExpression: "'x'" }),
    ['spec.auditAnnotations[1].key: Duplicate value: "replicas"'],
  ],
  ['an audit annotation without valueExpression', (s) => delete s.auditAnnotations[0].valueExpression, ['spec.auditAnnotations[0].valueExpression: Required value: valueExpression is not specified']],
  [
    'a valueExpression over 5120 bytes',
    (s) => (s.auditAnnotations[0].valueExpression = `'${'x'.repeat(5120)}'`),
    ['spec.auditAnnotations[0].valueExpression: Required value: must not exceed 5120 bytes in length'],
  ],
  [
    'a valueExpression that does not compile, shown untrimmed',
    (s) => (s.auditAnnotations[0].valueExpression = ' string( '),
    ['spec.auditAnnotations[0].valueExpression: Invalid value: " string( ": compilation failed: ERROR: <input>:1:8: unexpected token: EOF'],
  ],
];

/** Policies Kubernetes accepts though the compiler here lacks some of the CEL it offers them. */
const acceptedPolicies: [scenario: string, edit: (spec: Obj) => void][] = [
  ['a validation that asks the authorizer', (s) => (s.validations[0].expression = "authorizer.group('apps').resource('deployments').check('scale').allowed()")],
  ['a variable that parses a quantity', (s) => (s.variables.push({ name: 'memory', expression: "quantity(object.spec.memory).isLessThan(quantity('1Gi'))" }))],
  ['an audit annotation left out with null', (s) => (s.auditAnnotations[0].valueExpression = "variables.replicas > 10 ? 'high' : null")],
  ['a validation that reads the namespace', (s) => (s.validations[0].expression = "namespaceObject.metadata.labels['env'] == 'prod'")],
  ['an optional select of a variable', (s) => (s.validations[0].expression = 'variables.?replicas.orValue(0) < 10')],
  // Kubernetes does not refuse a variable name used twice: the later one wins.
  ['a variable name used twice', (s) => s.variables.push({ name: 'replicas', expression: '3' })],
  ['only audit annotations', (s) => delete s.validations],
  ['only validations', (s) => delete s.auditAnnotations],
  ['no paramKind when nothing reads params', (s) => (delete s.paramKind, (s.variables[1].expression = '5'))],
];

describe('ValidatingAdmissionPolicy validation', () => {
  it('accepts a valid policy', () => {
    assert.deepEqual(errors(policyKind, policy()), []);
  });

  for (const [scenario, edit] of acceptedPolicies) {
    it(`accepts ${scenario}`, () => {
      assert.deepEqual(errors(policyKind, edited(policy, edit)), []);
    });
  }

  for (const [scenario, edit, expected] of policyCases) {
    it(`rejects ${scenario}`, () => {
      assert.deepEqual(errors(policyKind, edited(policy, edit)), expected);
    });
  }

  it('rejects more than 20 audit annotations', () => {
    const annotations = Array.from({ length: 21 }, (_, i) => ({ key: `k${i}`, valueExpression: "'x'" }));
    const shown = JSON.stringify(annotations);
    assert.deepEqual(errors(policyKind, edited(policy, (s) => (s.auditAnnotations = annotations))), [
      `spec.auditAnnotations: Invalid value: ${shown}: must not have more than 20 auditAnnotations`,
    ]);
  });

  it('needs a policy name to make audit annotation keys of', () => {
    const o = policy();
    o.metadata = {};
    assert.deepEqual(errors(policyKind, o), [
      'metadata.name: Required value: name or generateName is required',
      'spec.auditAnnotations[0].key: Invalid value: "replicas": requires metadata.name be non-empty',
    ]);
  });

  it('checks the object name as a DNS subdomain', () => {
    const o = policy();
    o.metadata.name = 'Replica_Limit';
    assert.deepEqual(errors(policyKind, o), [
      `metadata.name: Invalid value: "Replica_Limit": ${subdomainMsg}`,
      `spec.auditAnnotations[0].key: Invalid value: "Replica_Limit/replicas": prefix part ${subdomainMsg}`,
    ]);
  });
});

describe('ValidatingAdmissionPolicy on update', () => {
  const unnamed = () => edited(policy, (s) => delete s.matchConditions[0].name);

  it('does not check stored match conditions again', () => {
    assert.deepEqual(errors(policyKind, edited(unnamed, (s) => (s.failurePolicy = 'Ignore')), unnamed()), []);
  });

  it('checks them when they change', () => {
    const changed = edited(unnamed, (s) => (s.matchConditions[0].expression = 'true'));
    assert.deepEqual(errors(policyKind, changed, unnamed()), ['spec.matchConditions[0].name: Required value']);
  });

  it('checks them when the paramKind they may read changes', () => {
    const changed = edited(unnamed, (s) => (s.paramKind.kind = 'Secret'));
    assert.deepEqual(errors(policyKind, changed, unnamed()), ['spec.matchConditions[0].name: Required value']);
  });

  it('holds everything else to the create rules', () => {
    assert.deepEqual(errors(policyKind, edited(policy, (s) => (s.failurePolicy = 'Retry')), policy()), [
      'spec.failurePolicy: Unsupported value: "Retry": supported values: "Fail", "Ignore"',
    ]);
  });

  it('checks the type-checking warnings of a status update, not the spec', () => {
    const o = edited(policy, (s) => delete s.failurePolicy);
    o.status = { typeChecking: { expressionWarnings: [{ fieldRef: 'spec.validations[0].expression', warning: 'no such field' }, { fieldRef: ' ', warning: '' }] } };
    assert.deepEqual(validateSemantics(o, policyKind, policy(), 'status').map(formatFieldError), [
      'status.typeChecking.expressionWarnings[1].warning: Required value',
      'status.typeChecking.expressionWarnings[1].fieldRef: Required value',
    ]);
  });
});

const bindingCases: Case[] = [
  ['no policyName', (s) => delete s.policyName, ['spec.policyName: Required value']],
  ['a policyName that is not a DNS subdomain', (s) => (s.policyName = 'Replica-Limit'), [`spec.policyName: Invalid value: "Replica-Limit": ${subdomainMsg}`]],
  // paramRef
  ['a paramRef with neither name nor selector', (s) => delete s.paramRef.name, ['spec.paramRef: Required value: one of name or selector must be specified']],
  [
    'a paramRef with both name and selector',
    (s) => (s.paramRef.selector = { matchLabels: { tier: 'gold' } }),
    ['spec.paramRef.name: Forbidden: name and selector are mutually exclusive', 'spec.paramRef.selector: Forbidden: name and selector are mutually exclusive'],
  ],
  ['a paramRef name that is no path segment', (s) => (s.paramRef.name = '..'), [`spec.paramRef.name: Invalid value: "..": may not be '..'`]],
  [
    'a paramRef selector with an invalid label value',
    (s) => (delete s.paramRef.name, (s.paramRef.selector = { matchLabels: { tier: 'gold plated' } })),
    [`spec.paramRef.selector.matchLabels: Invalid value: "gold plated": ${labelValueMsg}`],
  ],
  ['a paramRef without parameterNotFoundAction', (s) => delete s.paramRef.parameterNotFoundAction, ['spec.paramRef.parameterNotFoundAction: Required value']],
  ['an empty parameterNotFoundAction', (s) => (s.paramRef.parameterNotFoundAction = ''), ['spec.paramRef.parameterNotFoundAction: Required value']],
  [
    'an unknown parameterNotFoundAction',
    (s) => (s.paramRef.parameterNotFoundAction = 'Ignore'),
    ['spec.paramRef.parameterNotFoundAction: Unsupported value: "Ignore": supported values: "Deny", "Allow"'],
  ],
  // match resources, under Kubernetes' misspelt path
  ['matchResources without matchPolicy', (s) => delete s.matchResources.matchPolicy, ['spec.matchResouces.matchPolicy: Required value']],
  ['matchResources without namespaceSelector', (s) => delete s.matchResources.namespaceSelector, ['spec.matchResouces.namespaceSelector: Required value']],
  [
    'a match resource rule with a repeated resource name',
    (s) => (s.matchResources.resourceRules = [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], resourceNames: ['a', 'a'] }]),
    ['spec.matchResouces.resourceRules[0].resourceNames[1]: Duplicate value: "a"'],
  ],
  // validation actions
  ['no validationActions', (s) => (s.validationActions = []), ['spec.validationActions: Required value: at least one validation action is required']],
  [
    'an unknown validation action',
    (s) => (s.validationActions = ['Block']),
    ['spec.validationActions[0]: Unsupported value: "Block": supported values: "Audit", "Deny", "Warn"'],
  ],
  ['a repeated validation action', (s) => (s.validationActions = ['Audit', 'Audit']), ['spec.validationActions[1]: Duplicate value: "Audit"']],
  ['Deny and Warn together', (s) => (s.validationActions = ['Deny', 'Warn']), [`spec.validationActions: Invalid value: ["Deny","Warn"]: ${denyAndWarn}`]],
];

const acceptedBindings: [scenario: string, edit: (spec: Obj) => void][] = [
  ['no paramRef and no matchResources', (s) => (delete s.paramRef, delete s.matchResources)],
  ['a selector matching every parameter', (s) => (delete s.paramRef.name, (s.paramRef.selector = {}))],
  ['parameterNotFoundAction Allow', (s) => (s.paramRef.parameterNotFoundAction = 'Allow')],
  ['Warn and Audit', (s) => (s.validationActions = ['Warn', 'Audit'])],
];

describe('ValidatingAdmissionPolicyBinding validation', () => {
  it('accepts a valid binding', () => {
    assert.deepEqual(errors(bindingKind, binding()), []);
  });

  for (const [scenario, edit] of acceptedBindings) {
    it(`accepts ${scenario}`, () => {
      assert.deepEqual(errors(bindingKind, edited(binding, edit)), []);
    });
  }

  for (const [scenario, edit, expected] of bindingCases) {
    it(`rejects ${scenario}`, () => {
      assert.deepEqual(errors(bindingKind, edited(binding, edit)), expected);
    });
  }

  it('holds an update to the create rules', () => {
    assert.deepEqual(errors(bindingKind, edited(binding, (s) => (s.validationActions = ['Deny', 'Warn'])), binding()), [
      `spec.validationActions: Invalid value: ["Deny","Warn"]: ${denyAndWarn}`,
    ]);
  });
});

describe('admission policy defaults', () => {
  const rule = { operations: ['CREATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] };

  it('fills in a policy as SetDefaults_ValidatingAdmissionPolicySpec, _MatchResources and _Rule do', () => {
    const bare = { ...policy(), spec: { matchConstraints: { resourceRules: [rule], excludeResourceRules: [rule] }, validations: [{ expression: 'true' }] } };
    const out = applyDefaults(bare);
    assert.deepEqual(out.spec, {
      failurePolicy: 'Fail',
      matchConstraints: {
        matchPolicy: 'Equivalent',
        namespaceSelector: {},
        objectSelector: {},
        resourceRules: [{ ...rule, scope: '*' }],
        excludeResourceRules: [{ ...rule, scope: '*' }],
      },
      validations: [{ expression: 'true' }],
    });
    assert.deepEqual(errors(policyKind, out), []);
  });

  it('gives a policy without spec its failure policy', () => {
    const out = applyDefaults({ apiVersion: `${group}/v1`, kind: 'ValidatingAdmissionPolicy', metadata: { name: 'p' } });
    assert.deepEqual((out as Obj).spec, { failurePolicy: 'Fail' });
  });

  it('keeps what the user set', () => {
    assert.deepEqual(applyDefaults(policy()), policy());
    const ignoring = edited(policy, (s) => (s.failurePolicy = 'Ignore'));
    assert.equal(applyDefaults(ignoring).spec.failurePolicy, 'Ignore');
  });

  it("fills in a binding's match resources, and not its paramRef's parameterNotFoundAction", () => {
    const bare = edited(binding, (s) => {
      s.matchResources = { resourceRules: [rule] };
      delete s.paramRef.parameterNotFoundAction;
    });
    const out = applyDefaults(bare);
    assert.deepEqual(out.spec.matchResources, { matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {}, resourceRules: [{ ...rule, scope: '*' }] });
    assert.deepEqual(out.spec.paramRef, { name: 'limits', namespace: 'default' });
  });

  it('adds no matchResources to a binding without', () => {
    const out = applyDefaults(edited(binding, (s) => delete s.matchResources));
    assert.equal('matchResources' in out.spec, false);
  });
});
