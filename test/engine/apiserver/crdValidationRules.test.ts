// A CRD's CEL validation rules (x-kubernetes-validations), as the API server enforces them on its
// custom resources: rules over self, transition rules over oldSelf, messages, reasons and field
// paths, evaluation errors, ratcheting of unchanged values, and CRDs whose rules do not compile.
import assert from 'node:assert/strict';
import { newCluster, rejects } from './fixture';

const crds = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' };
const pools = { group: 'shop.example.com', version: 'v1', resource: 'pools' };

function poolCRD(spec: Record<string, unknown>, rootRules: unknown[] = []) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'pools.shop.example.com' },
    spec: {
      group: 'shop.example.com',
      scope: 'Namespaced',
      names: { kind: 'Pool', plural: 'pools', singular: 'pool' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-validations': rootRules, properties: { spec } } } }],
    },
  };
}

const scaling = {
  type: 'object',
  'x-kubernetes-validations': [
    { rule: 'self.minReplicas <= self.maxReplicas', message: 'minReplicas must not exceed maxReplicas' },
    { rule: "!has(self.tier) || self.tier in ['gold', 'silver']", messageExpression: "'tier ' + self.tier + ' is not offered'", fieldPath: '.tier', reason: 'FieldValueForbidden' },
    { rule: 'self.maxReplicas >= oldSelf.maxReplicas', message: 'maxReplicas may only grow' },
  ],
  properties: {
    minReplicas: { type: 'integer' },
    maxReplicas: { type: 'integer' },
    tier: { type: 'string' },
    zones: {
      type: 'array',
      items: { type: 'string' },
      'x-kubernetes-validations': [{ rule: 'self.all(z, z.startsWith("eu-"))' }, { rule: 'self.isSorted()', message: 'zones must be sorted' }],
    },
    weights: { type: 'object', additionalProperties: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self > 0', message: 'a weight must be positive' }] } },
  },
};

const pool = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'shop.example.com/v1', kind: 'Pool', metadata: { name }, spec });

describe('API server: CRD validation rules (CEL)', () => {
  it('refuses a custom resource that breaks a rule, with its message, messageExpression, reason and field path', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(crds, undefined, poolCRD(scaling));
    await client.create(pools, 'shop', pool('web', { minReplicas: 1, maxReplicas: 3, tier: 'gold', zones: ['eu-north', 'eu-west'], weights: { a: 2 } }));
    await rejects(client.create(pools, 'shop', pool('big', { minReplicas: 5, maxReplicas: 3 })), 422, 'Pool.shop.example.com "big" is invalid: spec: Invalid value: "object": minReplicas must not exceed maxReplicas');
    await rejects(client.create(pools, 'shop', pool('plat', { minReplicas: 1, maxReplicas: 3, tier: 'platinum' })), 422, 'Pool.shop.example.com "plat" is invalid: spec.tier: Forbidden: tier platinum is not offered');
    const err = await rejects(client.create(pools, 'shop', pool('zones', { minReplicas: 1, maxReplicas: 3, zones: ['us-east', 'eu-west'], weights: { a: 0 } })), 422);
    assert.deepEqual(
      err.status.details.causes.map((c: any) => `${c.field}: ${c.message}`),
      [
        'spec.zones: Invalid value: "array": failed rule: self.all(z, z.startsWith("eu-"))',
        'spec.zones: Invalid value: "array": zones must be sorted',
        'spec.weights[a]: Invalid value: "integer": a weight must be positive',
      ],
    );
  });

  it('checks a transition rule against the value it replaces, only on update', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(crds, undefined, poolCRD(scaling));
    await client.create(pools, 'shop', pool('web', { minReplicas: 1, maxReplicas: 5 }));
    await rejects(client.patch(pools, 'shop', 'web', 'merge', { spec: { maxReplicas: 4 } }), 422, 'Pool.shop.example.com "web" is invalid: spec: Invalid value: "object": maxReplicas may only grow');
    await client.patch(pools, 'shop', 'web', 'merge', { spec: { maxReplicas: 8 } });
  });

  it('says why a rule could not be evaluated', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(crds, undefined, poolCRD({ type: 'object', 'x-kubernetes-validations': [{ rule: 'self.replicas / self.shards >= 1' }], properties: { replicas: { type: 'integer' }, shards: { type: 'integer' } } }));
    await rejects(
      client.create(pools, 'shop', pool('web', { replicas: 2, shards: 0 })),
      422,
      'Pool.shop.example.com "web" is invalid: spec: Invalid value: "object": division by zero evaluating rule: self.replicas / self.shards >= 1',
    );
    await rejects(client.create(pools, 'shop', pool('web', { replicas: 2 })), 422, /spec: Invalid value: "object": no such key: shards evaluating rule: self\.replicas \/ self\.shards >= 1/);
  });

  it('lets an object stored before a rule was added be edited elsewhere: an unchanged value that breaks it is only a warning', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(crds, undefined, poolCRD({ type: 'object', properties: { name: { type: 'string' }, size: { type: 'integer' } } }));
    await client.create(pools, 'shop', pool('legacy', { name: 'Legacy_Pool', size: 1 }));
    const crd = client.get(crds, undefined, 'pools.shop.example.com');
    crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.name['x-kubernetes-validations'] = [{ rule: "self.matches('^[a-z-]+$')", message: 'name must be lower case' }];
    await client.update(crds, undefined, crd);
    const updated = await client.patch(pools, 'shop', 'legacy', 'merge', { spec: { size: 2 } });
    assert.equal(updated.object.spec.size, 2);
    assert.deepEqual(updated.warnings, ['spec.name: Invalid value: "string": name must be lower case']);
    await rejects(client.patch(pools, 'shop', 'legacy', 'merge', { spec: { name: 'Still_Wrong' } }), 422, /spec\.name: Invalid value: "string": name must be lower case/);
  });

  it('refuses a CRD whose rule does not compile, naming the rule', async () => {
    const { client } = await newCluster();
    const err = await rejects(client.create(crds, undefined, poolCRD({ type: 'object', 'x-kubernetes-validations': [{ rule: 'self.size > replicas' }], properties: { size: { type: 'integer' } } })), 422);
    assert.equal(err.status.details.causes[0].field, 'spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule');
    assert.match(err.status.details.causes[0].message, /^Invalid value: apiextensions\.ValidationRule\{Rule:"self\.size > replicas", Message:"", MessageExpression:"", Reason:\(\*apiextensions\.FieldValueErrorReason\)\(nil\), FieldPath:"", OptionalOldSelf:\(\*bool\)\(nil\)\}: compilation failed: ERROR: <input>:1:13: undeclared reference to 'replicas' \(in container ''\)$/);
  });
});
