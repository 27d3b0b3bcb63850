// FlowSchema and PriorityLevelConfiguration: the bootstrap configuration kube-apiserver creates, what v1
// defaulting fills in, and what validation refuses, with the exact field paths and messages.

import assert from 'node:assert/strict';
import { applyDefaults } from '../../../../engine/api/defaults/index.js';
import { formatFieldError } from '../../../../engine/api/errors.js';
import { validateSemantics, type KindRef } from '../../../../engine/api/validation/semantic/index.js';
import * as bootstrap from '../../../../engine/api/flowcontrol/bootstrap.js';
import { subdomainMsg } from './messages.js';

type Obj = Record<string, any>;

// The bootstrap objects, typed loosely so the tests can reach into them.
const mandatoryPriorityLevels = bootstrap.mandatoryPriorityLevels as readonly Obj[];
const suggestedPriorityLevels = bootstrap.suggestedPriorityLevels as readonly Obj[];
const mandatoryFlowSchemas = bootstrap.mandatoryFlowSchemas as readonly Obj[];
const suggestedFlowSchemas = bootstrap.suggestedFlowSchemas as readonly Obj[];

const group = 'flowcontrol.apiserver.k8s.io';
const flowSchemaKind: KindRef = { group, version: 'v1', kind: 'FlowSchema', namespaced: false };
const priorityLevelKind: KindRef = { group, version: 'v1', kind: 'PriorityLevelConfiguration', namespaced: false };

const dns1123LabelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

const copy = <T>(v: T): T => structuredClone(v);

/** A valid custom FlowSchema covering resource and non-resource rules. */
const flowSchema = (): Obj => ({
  apiVersion: `${group}/v1`,
  kind: 'FlowSchema',
  metadata: { name: 'team-a' },
  spec: {
    priorityLevelConfiguration: { name: 'workload-low' },
    matchingPrecedence: 500,
    distinguisherMethod: { type: 'ByNamespace' },
    rules: [
      {
        subjects: [
          { kind: 'User', user: { name: 'alice' } },
          { kind: 'Group', group: { name: 'team-a' } },
          { kind: 'ServiceAccount', serviceAccount: { namespace: 'team-a', name: '*' } },
        ],
        resourceRules: [{ verbs: ['get', 'list', 'watch'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments'], namespaces: ['team-a'] }],
        nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/metrics', '/healthz/*'] }],
      },
    ],
  },
});

/** A valid custom Limited level that queues. */
const priorityLevel = (): Obj => ({
  apiVersion: `${group}/v1`,
  kind: 'PriorityLevelConfiguration',
  metadata: { name: 'team-a' },
  spec: {
    type: 'Limited',
    limited: { nominalConcurrencyShares: 10, lendablePercent: 20, borrowingLimitPercent: 50, limitResponse: { type: 'Queue', queuing: { queues: 32, handSize: 4, queueLengthLimit: 20 } } },
  },
});

const errors = (kind: KindRef, o: Obj, old?: Obj, subresource?: string): string[] => validateSemantics(applyDefaults(o), kind, old && applyDefaults(old), subresource).map(formatFieldError);

function edited(make: () => Obj, edit: (o: Obj) => void): Obj {
  const o = make();
  edit(o);
  return o;
}

type Case = [scenario: string, edit: (o: Obj) => void, expected: string[]];

describe('APF bootstrap configuration', () => {
  const all = [...mandatoryPriorityLevels, ...suggestedPriorityLevels, ...mandatoryFlowSchemas, ...suggestedFlowSchemas];

  it('has the mandatory and suggested objects kube-apiserver creates', () => {
    const names = (list: readonly Obj[]): string[] => list.map((o) => o.metadata.name);
    assert.deepEqual(names(mandatoryPriorityLevels), ['catch-all', 'exempt']);
    assert.deepEqual(names(mandatoryFlowSchemas), ['exempt', 'catch-all']);
    assert.deepEqual(names(suggestedPriorityLevels), ['system', 'node-high', 'leader-election', 'workload-high', 'workload-low', 'global-default']);
    assert.deepEqual(names(suggestedFlowSchemas), [
      'system-nodes',
      'system-node-high',
      'probes',
      'system-leader-election',
      'workload-leader-election',
      'endpoint-controller',
      'kube-controller-manager',
      'kube-scheduler',
      'kube-system-service-accounts',
      'service-accounts',
      'global-default',
    ]);
  });

  it('marks every object for automatic spec updates', () => {
    for (const o of all) assert.deepEqual(o.metadata.annotations, { 'apf.kubernetes.io/autoupdate-spec': 'true' }, o.metadata.name);
  });

  it('is already in its defaulted form', () => {
    for (const o of all) assert.deepEqual(applyDefaults(o), o, o.metadata.name);
  });

  it('passes validation, every object', () => {
    for (const o of all) {
      const kind = o.kind === 'FlowSchema' ? flowSchemaKind : priorityLevelKind;
      assert.deepEqual(errors(kind, copy(o)), [], `${o.kind} ${o.metadata.name}`);
    }
  });

  it('references only priority levels it creates', () => {
    const levels = new Set([...mandatoryPriorityLevels, ...suggestedPriorityLevels].map((o) => o.metadata.name));
    for (const fs of [...mandatoryFlowSchemas, ...suggestedFlowSchemas]) assert.ok(levels.has(fs.spec.priorityLevelConfiguration.name), fs.metadata.name);
  });

  it('keeps the exact catch-all and workload-low specs', () => {
    assert.deepEqual(mandatoryPriorityLevels[0].spec, { type: 'Limited', limited: { nominalConcurrencyShares: 5, lendablePercent: 0, limitResponse: { type: 'Reject' } } });
    assert.deepEqual(suggestedPriorityLevels[4].spec, {
      type: 'Limited',
      limited: { nominalConcurrencyShares: 100, lendablePercent: 90, limitResponse: { type: 'Queue', queuing: { queues: 128, handSize: 6, queueLengthLimit: 50 } } },
    });
  });
});

describe('APF defaults', () => {
  it('gives a FlowSchema precedence 1000 when unset or 0', () => {
    assert.equal(applyDefaults(edited(flowSchema, (o) => delete o.spec.matchingPrecedence)).spec.matchingPrecedence, 1000);
    assert.equal(applyDefaults(edited(flowSchema, (o) => (o.spec.matchingPrecedence = 0))).spec.matchingPrecedence, 1000);
    assert.equal(applyDefaults(flowSchema()).spec.matchingPrecedence, 500);
  });

  it('fills in a Limited level: 30 shares, nothing lendable, 64 queues of hand 8 and length 50', () => {
    const pl = applyDefaults({ apiVersion: `${group}/v1`, kind: 'PriorityLevelConfiguration', metadata: { name: 'x' }, spec: { type: 'Limited', limited: { limitResponse: { type: 'Queue', queuing: {} } } } });
    assert.deepEqual(pl.spec, {
      type: 'Limited',
      limited: { nominalConcurrencyShares: 30, lendablePercent: 0, limitResponse: { type: 'Queue', queuing: { queues: 64, handSize: 8, queueLengthLimit: 50 } } },
    });
  });

  it('keeps explicit zero shares, sets no borrowing limit, and adds no queuing to a Reject level', () => {
    const pl = applyDefaults(edited(priorityLevel, (o) => (o.spec.limited = { nominalConcurrencyShares: 0, limitResponse: { type: 'Reject' } })));
    assert.deepEqual(pl.spec.limited, { nominalConcurrencyShares: 0, lendablePercent: 0, limitResponse: { type: 'Reject' } });
  });

  it('fills in an exempt block with zeros, and creates none', () => {
    const exempt = (spec: Obj): Obj => applyDefaults({ apiVersion: `${group}/v1`, kind: 'PriorityLevelConfiguration', metadata: { name: 'exempt' }, spec }).spec;
    assert.deepEqual(exempt({ type: 'Exempt', exempt: {} }), { type: 'Exempt', exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } });
    assert.deepEqual(exempt({ type: 'Exempt', exempt: { lendablePercent: 10 } }), { type: 'Exempt', exempt: { nominalConcurrencyShares: 0, lendablePercent: 10 } });
    assert.deepEqual(exempt({ type: 'Exempt' }), { type: 'Exempt' });
  });
});

const flowSchemaCases: Case[] = [
  // precedence and priority level
  ['a negative precedence', (o) => (o.spec.matchingPrecedence = -1), ['spec.matchingPrecedence: Invalid value: -1: must be a positive value']],
  ['a precedence over 10000', (o) => (o.spec.matchingPrecedence = 10001), ['spec.matchingPrecedence: Invalid value: 10001: must not be greater than 10000']],
  ['precedence 1 on a schema not named exempt', (o) => (o.spec.matchingPrecedence = 1), ["spec.matchingPrecedence: Invalid value: 1: only the schema named 'exempt' may have matchingPrecedence 1"]],
  [
    'an unknown distinguisher method',
    (o) => (o.spec.distinguisherMethod.type = 'ByGroup'),
    ['spec.distinguisherMethod.type: Unsupported value: {"Type":"ByGroup"}: supported values: "ByNamespace", "ByUser"'],
  ],
  ['no priority level', (o) => delete o.spec.priorityLevelConfiguration, ['spec.priorityLevelConfiguration.name: Required value: must reference a priority level']],
  ['a priority level name that is not a DNS subdomain', (o) => (o.spec.priorityLevelConfiguration.name = 'Low'), [`spec.priorityLevelConfiguration.name: Invalid value: "Low": ${subdomainMsg}`]],
  // rules and subjects
  ['a rule without subjects', (o) => (o.spec.rules[0].subjects = []), ['spec.rules[0].subjects: Required value: subjects must contain at least one value']],
  [
    'a rule without resource or non-resource rules',
    (o) => (delete o.spec.rules[0].resourceRules, delete o.spec.rules[0].nonResourceRules),
    ['spec.rules[0]: Required value: at least one of resourceRules and nonResourceRules has to be non-empty'],
  ],
  ['an unknown subject kind', (o) => (o.spec.rules[0].subjects[0].kind = 'Team'), ['spec.rules[0].subjects[0].kind: Unsupported value: "Team": supported values: "Group", "ServiceAccount", "User"']],
  ['a User subject without user', (o) => delete o.spec.rules[0].subjects[0].user, ["spec.rules[0].subjects[0].user: Required value: user is required when subject kind is 'User'"]],
  ['a user without a name', (o) => (o.spec.rules[0].subjects[0].user = {}), ['spec.rules[0].subjects[0].user.name: Required value']],
  [
    'a User subject with a group and a service account',
    (o) => Object.assign(o.spec.rules[0].subjects[0], { group: { name: 'g' }, serviceAccount: { namespace: 'n', name: 's' } }),
    [
      "spec.rules[0].subjects[0].serviceAccount: Forbidden: serviceAccount is forbidden when subject kind is not 'ServiceAccount'",
      "spec.rules[0].subjects[0].group: Forbidden: group is forbidden when subject kind is not 'Group'",
    ],
  ],
  ['a Group subject without group', (o) => delete o.spec.rules[0].subjects[1].group, ["spec.rules[0].subjects[1].group: Required value: group is required when subject kind is 'Group'"]],
  ['a group without a name', (o) => (o.spec.rules[0].subjects[1].group.name = ''), ['spec.rules[0].subjects[1].group.name: Required value']],
  [
    'a Group subject with a user',
    (o) => (o.spec.rules[0].subjects[1].user = { name: 'u' }),
    ["spec.rules[0].subjects[1].user: Forbidden: user is forbidden when subject kind is not 'User'"],
  ],
  [
    'a ServiceAccount subject without serviceAccount',
    (o) => delete o.spec.rules[0].subjects[2].serviceAccount,
    ["spec.rules[0].subjects[2].serviceAccount: Required value: serviceAccount is required when subject kind is 'ServiceAccount'"],
  ],
  [
    'a service account without name or namespace',
    (o) => (o.spec.rules[0].subjects[2].serviceAccount = {}),
    ['spec.rules[0].subjects[2].serviceAccount.name: Required value', 'spec.rules[0].subjects[2].serviceAccount.namespace: Required value: must specify namespace for service account'],
  ],
  [
    'an invalid service account name and namespace',
    (o) => (o.spec.rules[0].subjects[2].serviceAccount = { name: 'Bot', namespace: '-team' }),
    [`spec.rules[0].subjects[2].serviceAccount.name: Invalid value: "Bot": ${subdomainMsg}`, `spec.rules[0].subjects[2].serviceAccount.namespace: Invalid value: "-team": ${dns1123LabelMsg}`],
  ],
  [
    'a ServiceAccount subject with a user',
    (o) => (o.spec.rules[0].subjects[2].user = { name: 'u' }),
    ["spec.rules[0].subjects[2].user: Forbidden: user is forbidden when subject kind is not 'User'"],
  ],
  // resource rules
  ['a resource rule without verbs', (o) => (o.spec.rules[0].resourceRules[0].verbs = []), ['spec.rules[0].resourceRules[0].verbs: Required value: verbs must contain at least one value']],
  [
    "'*' among other verbs",
    (o) => (o.spec.rules[0].resourceRules[0].verbs = ['*', 'get']),
    [`spec.rules[0].resourceRules[0].verbs: Invalid value: ["*","get"]: if '*' is present, must not specify other verbs`],
  ],
  [
    'an unknown verb',
    (o) => (o.spec.rules[0].resourceRules[0].verbs = ['get', 'escalate']),
    [
      'spec.rules[0].resourceRules[0].verbs: Unsupported value: ["get","escalate"]: supported values: "create", "delete", "deletecollection", "get", "list", "patch", "proxy", "update", "watch"',
    ],
  ],
  ['no API groups', (o) => (o.spec.rules[0].resourceRules[0].apiGroups = []), ['spec.rules[0].resourceRules[0].apiGroups: Required value: resource rules must supply at least one api group']],
  [
    "'*' among other API groups",
    (o) => (o.spec.rules[0].resourceRules[0].apiGroups = ['apps', '*']),
    [`spec.rules[0].resourceRules[0].apiGroups: Invalid value: ["apps","*"]: if '*' is present, must not specify other api groups`],
  ],
  ['no resources', (o) => delete o.spec.rules[0].resourceRules[0].resources, ['spec.rules[0].resourceRules[0].resources: Required value: resource rules must supply at least one resource']],
  [
    "'*' among other resources",
    (o) => (o.spec.rules[0].resourceRules[0].resources = ['*', 'pods']),
    [`spec.rules[0].resourceRules[0].resources: Invalid value: ["*","pods"]: if '*' is present, must not specify other resources`],
  ],
  [
    'no namespaces on a rule that is not cluster scoped',
    (o) => (o.spec.rules[0].resourceRules[0].namespaces = []),
    ['spec.rules[0].resourceRules[0].namespaces: Required value: resource rules that are not cluster scoped must supply at least one namespace'],
  ],
  [
    "'*' among other namespaces",
    (o) => (o.spec.rules[0].resourceRules[0].namespaces = ['*', 'team-a']),
    [`spec.rules[0].resourceRules[0].namespaces: Invalid value: ["*","team-a"]: if '*' is present, must not specify other namespaces`],
  ],
  [
    'a namespace that is not a DNS label',
    (o) => (o.spec.rules[0].resourceRules[0].namespaces = ['team-a', '-foo']),
    [`spec.rules[0].resourceRules[0].namespaces[1]: Invalid value: "-foo": each member of this list must be '*' or a DNS-1123 label; ${dns1123LabelMsg}`],
  ],
  // non-resource rules
  ['a non-resource rule without verbs', (o) => delete o.spec.rules[0].nonResourceRules[0].verbs, ['spec.rules[0].nonResourceRules[0].verbs: Required value: verbs must contain at least one value']],
  [
    'no non-resource URLs',
    (o) => (o.spec.rules[0].nonResourceRules[0].nonResourceURLs = []),
    ['spec.rules[0].nonResourceRules[0].nonResourceURLs: Required value: nonResourceURLs must contain at least one value'],
  ],
  [
    "'*' among other non-resource URLs",
    (o) => (o.spec.rules[0].nonResourceRules[0].nonResourceURLs = ['*', '/healthz']),
    [`spec.rules[0].nonResourceRules[0].nonResourceURLs: Invalid value: ["*","/healthz"]: if '*' is present, must not specify other non-resource URLs`],
  ],
  [
    'malformed non-resource URLs',
    (o) => (o.spec.rules[0].nonResourceRules[0].nonResourceURLs = ['', 'healthz', '/a b', '/a//b', '/health*', '/*/x']),
    [
      'spec.rules[0].nonResourceRules[0].nonResourceURLs[0]: Invalid value: "": must not be empty',
      'spec.rules[0].nonResourceRules[0].nonResourceURLs[1]: Invalid value: "healthz": must start with slash',
      'spec.rules[0].nonResourceRules[0].nonResourceURLs[2]: Invalid value: "/a b": must not contain white-space',
      'spec.rules[0].nonResourceRules[0].nonResourceURLs[3]: Invalid value: "/a//b": must not contain double slash',
      'spec.rules[0].nonResourceRules[0].nonResourceURLs[4]: Invalid value: "/health*": wildcard can only do suffix matching',
      'spec.rules[0].nonResourceRules[0].nonResourceURLs[5]: Invalid value: "/*/x": wildcard can only do suffix matching',
    ],
  ],
  // status
  [
    'conditions without a type or with a repeated one',
    (o) => (o.status = { conditions: [{ type: 'Dangling', status: 'False' }, { type: 'Dangling' }, { status: 'True' }] }),
    ['status.conditions[1].type: Duplicate value: "Dangling"', 'status.conditions[2].type: Required value: must not be empty'],
  ],
];

describe('FlowSchema validation', () => {
  it('accepts a valid schema, and the root URL and a cluster-scoped rule without namespaces', () => {
    assert.deepEqual(errors(flowSchemaKind, flowSchema()), []);
    const variant = edited(flowSchema, (o) => {
      o.spec.rules[0].nonResourceRules[0].nonResourceURLs = ['/'];
      o.spec.rules[0].resourceRules[0] = { verbs: ['*'], apiGroups: ['*'], resources: ['*'], clusterScope: true };
      delete o.spec.distinguisherMethod;
    });
    assert.deepEqual(errors(flowSchemaKind, variant), []);
  });

  for (const [scenario, edit, expected] of flowSchemaCases) {
    it(`rejects ${scenario}`, () => assert.deepEqual(errors(flowSchemaKind, edited(flowSchema, edit)), expected));
  }

  it('checks the object name as a DNS subdomain', () => {
    assert.deepEqual(errors(flowSchemaKind, edited(flowSchema, (o) => (o.metadata.name = 'Team'))), [`metadata.name: Invalid value: "Team": ${subdomainMsg}`]);
  });

  it('applies the same rules on update', () => {
    const old = flowSchema();
    assert.deepEqual(errors(flowSchemaKind, edited(flowSchema, (o) => (o.spec.matchingPrecedence = 1)), old), ["spec.matchingPrecedence: Invalid value: 1: only the schema named 'exempt' may have matchingPrecedence 1"]);
  });

  it('checks only the conditions on a status update', () => {
    const old = flowSchema();
    const next = edited(flowSchema, (o) => ((o.spec.matchingPrecedence = -5), (o.status = { conditions: [{ type: '' }] })));
    assert.deepEqual(errors(flowSchemaKind, next, old, 'status'), ['status.conditions[0].type: Required value: must not be empty']);
  });
});

describe('mandatory FlowSchemas', () => {
  const exempt = (): Obj => copy(mandatoryFlowSchemas[0]);

  it('accepts the fixed spec, also without the defaults filled in', () => {
    assert.deepEqual(errors(flowSchemaKind, exempt()), []);
    const catchAll = copy(mandatoryFlowSchemas[1]);
    catchAll.spec.rules[0].resourceRules[0].namespaces = ['*'];
    assert.deepEqual(errors(flowSchemaKind, catchAll), []);
  });

  it('refuses any change to the exempt schema, printing the internal spec', () => {
    const changed = edited(exempt, (o) => (o.spec.distinguisherMethod = { type: 'ByUser' }));
    const printed =
      '{"PriorityLevelConfiguration":{"Name":"exempt"},"MatchingPrecedence":1,"DistinguisherMethod":{"Type":"ByUser"},"Rules":[{"Subjects":[{"Kind":"Group","User":null,"Group":{"Name":"system:masters"},"ServiceAccount":null}],' +
      '"ResourceRules":[{"Verbs":["*"],"APIGroups":["*"],"Resources":["*"],"ClusterScope":true,"Namespaces":["*"]}],"NonResourceRules":[{"Verbs":["*"],"NonResourceURLs":["*"]}]}]}';
    assert.deepEqual(errors(flowSchemaKind, changed), [`spec: Invalid value: ${printed}: spec of 'exempt' must equal the fixed value`]);
  });

  it('refuses a changed catch-all schema, on create and on update', () => {
    const changed = edited(() => copy(mandatoryFlowSchemas[1]), (o) => (o.spec.matchingPrecedence = 9999));
    const messages = errors(flowSchemaKind, changed, copy(mandatoryFlowSchemas[1]));
    assert.equal(messages.length, 1);
    assert.match(messages[0], /^spec: Invalid value: \{"PriorityLevelConfiguration":\{"Name":"catch-all"\},"MatchingPrecedence":9999,.*: spec of 'catch-all' must equal the fixed value$/);
  });
});

const priorityLevelCases: Case[] = [
  ['an unknown type', (o) => (o.spec.type = 'Limitless'), ['spec.type: Unsupported value: "Limitless": supported values: "Exempt", "Limited"']],
  [
    'type Exempt on a level not named exempt',
    (o) => (o.spec = { type: 'Exempt' }),
    ["spec.type: Invalid value: \"Exempt\": type must be 'Exempt' if and only if name is 'exempt'"],
  ],
  [
    'an Exempt level with a limited block',
    (o) => (o.spec.type = 'Exempt'),
    ["spec.type: Invalid value: \"Exempt\": type must be 'Exempt' if and only if name is 'exempt'", 'spec.limited: Forbidden: must be nil if the type is not Limited'],
  ],
  ['a Limited level without its block', (o) => delete o.spec.limited, ['spec.limited: Required value: must not be empty when type is Limited']],
  [
    'a Limited level with an exempt block',
    (o) => (o.spec.exempt = {}),
    ['spec.exempt: Forbidden: must be nil if the type is Limited'],
  ],
  ['negative nominal shares', (o) => (o.spec.limited.nominalConcurrencyShares = -1), ['spec.limited.nominalConcurrencyShares: Invalid value: -1: must be a non-negative integer']],
  ['a lendable percent over 100', (o) => (o.spec.limited.lendablePercent = 101), ['spec.limited.lendablePercent: Invalid value: 101: must be between 0 and 100, inclusive']],
  ['a negative lendable percent', (o) => (o.spec.limited.lendablePercent = -1), ['spec.limited.lendablePercent: Invalid value: -1: must be between 0 and 100, inclusive']],
  ['a negative borrowing limit', (o) => (o.spec.limited.borrowingLimitPercent = -1), ['spec.limited.borrowingLimitPercent: Invalid value: -1: if specified, must be a non-negative integer']],
  [
    'an unknown limit response',
    (o) => (o.spec.limited.limitResponse.type = 'Drop'),
    ['spec.limited.limitResponse.type: Unsupported value: "Drop": supported values: "Queue", "Reject"'],
  ],
  [
    'queuing on a Reject response',
    (o) => (o.spec.limited.limitResponse.type = 'Reject'),
    ['spec.limited.limitResponse.queuing: Forbidden: must be nil if limited.limitResponse.type is not Limited'],
  ],
  [
    'a Queue response without queuing',
    (o) => delete o.spec.limited.limitResponse.queuing,
    ['spec.limited.limitResponse.queuing: Required value: must not be empty if limited.limitResponse.type is Limited'],
  ],
  [
    'negative queuing parameters',
    (o) => (o.spec.limited.limitResponse.queuing = { queues: -1, handSize: -1, queueLengthLimit: -1 }),
    [
      'spec.limited.limitResponse.queuing.queueLengthLimit: Invalid value: -1: must be positive',
      'spec.limited.limitResponse.queuing.queues: Invalid value: -1: must be positive',
      'spec.limited.limitResponse.queuing.handSize: Invalid value: -1: must be positive',
    ],
  ],
  [
    'more than 10^7 queues',
    (o) => (o.spec.limited.limitResponse.queuing.queues = 2147483647),
    [
      'spec.limited.limitResponse.queuing.queues: Invalid value: 2147483647: must not be greater than 10000000',
      // As in Kubernetes, the hand is still measured against the oversized deck.
      'spec.limited.limitResponse.queuing.handSize: Invalid value: 4: required entropy bits of deckSize 2147483647 and handSize 4 should not be greater than 60',
    ],
  ],
  [
    'a hand larger than the deck',
    (o) => Object.assign(o.spec.limited.limitResponse.queuing, { queues: 7, handSize: 8 }),
    ['spec.limited.limitResponse.queuing.handSize: Invalid value: 8: should not be greater than queues (7)'],
  ],
  [
    'a hand that needs more than 60 bits of entropy',
    (o) => Object.assign(o.spec.limited.limitResponse.queuing, { queues: 512, handSize: 8 }),
    ['spec.limited.limitResponse.queuing.handSize: Invalid value: 8: required entropy bits of deckSize 512 and handSize 8 should not be greater than 60'],
  ],
  [
    'the v1beta3 round-trip annotation',
    (o) => (o.metadata.annotations = { 'flowcontrol.k8s.io/v1beta3-preserve-zero-concurrency-shares': '' }),
    ["metadata.annotations: Forbidden: annotation 'flowcontrol.k8s.io/v1beta3-preserve-zero-concurrency-shares' is forbidden"],
  ],
  [
    'conditions without a type or with a repeated one',
    (o) => (o.status = { conditions: [{ type: 'A' }, { type: 'A' }, { type: '' }] }),
    ['status.conditions[1].type: Duplicate value: "A"', 'status.conditions[2].type: Required value: must not be empty'],
  ],
];

describe('PriorityLevelConfiguration validation', () => {
  it('accepts a valid level, zero shares, 10^7 queues with a hand of 2, and a Reject level', () => {
    assert.deepEqual(errors(priorityLevelKind, priorityLevel()), []);
    assert.deepEqual(errors(priorityLevelKind, edited(priorityLevel, (o) => (o.spec.limited.nominalConcurrencyShares = 0))), []);
    assert.deepEqual(errors(priorityLevelKind, edited(priorityLevel, (o) => Object.assign(o.spec.limited.limitResponse.queuing, { queues: 10_000_000, handSize: 2 }))), []);
    assert.deepEqual(errors(priorityLevelKind, edited(priorityLevel, (o) => (o.spec.limited.limitResponse = { type: 'Reject' }))), []);
  });

  for (const [scenario, edit, expected] of priorityLevelCases) {
    it(`rejects ${scenario}`, () => assert.deepEqual(errors(priorityLevelKind, edited(priorityLevel, edit)), expected));
  }

  it('checks only the conditions on a status update', () => {
    const next = edited(priorityLevel, (o) => ((o.spec.limited.lendablePercent = 400), (o.status = { conditions: [{ type: 'A' }, { type: 'A' }] })));
    assert.deepEqual(errors(priorityLevelKind, next, priorityLevel(), 'status'), ['status.conditions[1].type: Duplicate value: "A"']);
  });
});

describe('mandatory PriorityLevelConfigurations', () => {
  const exempt = (): Obj => copy(mandatoryPriorityLevels[1]);
  const catchAll = (): Obj => copy(mandatoryPriorityLevels[0]);

  it('lets administrators tune the exempt level’s exempt block', () => {
    assert.deepEqual(errors(priorityLevelKind, edited(exempt, (o) => (o.spec.exempt = { nominalConcurrencyShares: 10, lendablePercent: 10 }))), []);
    assert.deepEqual(errors(priorityLevelKind, edited(exempt, (o) => delete o.spec.exempt)), []);
  });

  it('still checks the values of that block', () => {
    assert.deepEqual(errors(priorityLevelKind, edited(exempt, (o) => (o.spec.exempt = { nominalConcurrencyShares: -1, lendablePercent: 101 }))), [
      'spec.exempt.nominalConcurrencyShares: Invalid value: -1: must be a non-negative integer',
      'spec.exempt.lendablePercent: Invalid value: 101: must be between 0 and 100, inclusive',
    ]);
  });

  it('refuses any other change to the exempt level', () => {
    const limited = { nominalConcurrencyShares: 42, limitResponse: { type: 'Reject' } };
    assert.deepEqual(errors(priorityLevelKind, edited(exempt, (o) => (o.spec.limited = limited))), [
      'spec.limited: Forbidden: must be nil if the type is not Limited',
      'spec: Invalid value: {"Type":"Exempt","Limited":{"NominalConcurrencyShares":42,"LimitResponse":{"Type":"Reject","Queuing":null},"LendablePercent":0,"BorrowingLimitPercent":null},"Exempt":{"NominalConcurrencyShares":0,"LendablePercent":0}}: ' +
        "spec of 'exempt' except the 'spec.exempt' field must equal the fixed value",
    ]);
    assert.deepEqual(errors(priorityLevelKind, edited(exempt, (o) => (o.spec = { type: 'Limited', limited }))), [
      "spec.type: Invalid value: \"Limited\": type must be 'Exempt' if and only if name is 'exempt'",
      'spec: Invalid value: {"Type":"Limited","Limited":{"NominalConcurrencyShares":42,"LimitResponse":{"Type":"Reject","Queuing":null},"LendablePercent":0,"BorrowingLimitPercent":null},"Exempt":null}: ' +
        "spec of 'exempt' except the 'spec.exempt' field must equal the fixed value",
    ]);
  });

  it('accepts the catch-all level as created, even with lendablePercent left to defaulting', () => {
    assert.deepEqual(errors(priorityLevelKind, edited(catchAll, (o) => delete o.spec.limited.lendablePercent)), []);
  });

  it('refuses a changed catch-all level, on create and on update', () => {
    const changed = edited(catchAll, (o) => (o.spec.limited.nominalConcurrencyShares = 42));
    const expected = [
      'spec: Invalid value: {"Type":"Limited","Limited":{"NominalConcurrencyShares":42,"LimitResponse":{"Type":"Reject","Queuing":null},"LendablePercent":0,"BorrowingLimitPercent":null},"Exempt":null}: ' +
        "spec of 'catch-all' must equal the fixed value",
    ];
    assert.deepEqual(errors(priorityLevelKind, changed), expected);
    assert.deepEqual(errors(priorityLevelKind, changed, catchAll()), expected);
  });
});
