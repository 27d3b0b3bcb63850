// ValidatingAdmissionPolicy and its bindings: CEL checks the API server evaluates on the writes they
// match, with parameters, variables, the request's namespace, and the binding's actions.
import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { configmaps, deployment, deployments, namespaces, newCluster, rejects } from './fixture';

const policies = { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingadmissionpolicies' };
const bindings = { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingadmissionpolicybindings' };

const deploymentRules = [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] }];

function policy(name: string, spec: Obj): Obj {
  return { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name }, spec: { matchConstraints: { resourceRules: deploymentRules }, ...spec } };
}

function binding(name: string, spec: Obj): Obj {
  return { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name }, spec: { policyName: name, validationActions: ['Deny'], ...spec } };
}

const scaled = (name: string, replicas: number): Obj => ({ ...deployment(name, replicas), metadata: { name } });

describe('admission: ValidatingAdmissionPolicy', () => {
  it('denies a write its bound policy finds invalid, with the failed expression or its message, and does nothing unbound', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(policies, undefined, policy('max-replicas', { validations: [{ expression: 'object.spec.replicas <= 5' }] }));
    await client.create(deployments, 'shop', scaled('unbound', 9));
    await client.create(bindings, undefined, binding('max-replicas', {}));
    const err = await rejects(
      client.create(deployments, 'shop', scaled('web', 6)),
      422,
      "deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas' denied request: failed expression: object.spec.replicas <= 5",
    );
    assert.equal(err.status.reason, 'Invalid');
    await client.create(deployments, 'shop', scaled('web', 5));
    // An update is judged too; the policy's reason and message are the refusal's.
    await client.update(policies, undefined, { ...client.get(policies, undefined, 'max-replicas'), spec: { ...client.get(policies, undefined, 'max-replicas').spec, validations: [{ expression: 'object.spec.replicas <= 5', message: 'at most 5 replicas', reason: 'Forbidden' }] } });
    await rejects(client.patch(deployments, 'shop', 'web', 'merge', { spec: { replicas: 7 } }), 403, "deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas' denied request: at most 5 replicas");
  });

  it("reads its limit from the binding's parameter, and fails or allows as parameterNotFoundAction says when it is missing", async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(policies, undefined, policy('limits', {
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      validations: [{ expression: 'object.spec.replicas <= int(params.data.maxReplicas)', messageExpression: "'replicas must be at most ' + params.data.maxReplicas" }],
    }));
    await client.create(bindings, undefined, binding('limits', { paramRef: { name: 'replica-limits', namespace: 'default', parameterNotFoundAction: 'Deny' } }));
    await rejects(client.create(deployments, 'shop', scaled('web', 1)), 422, "deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'limits' with binding 'limits' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction");
    await client.create(configmaps, 'default', { metadata: { name: 'replica-limits' }, data: { maxReplicas: '3' } });
    await client.create(deployments, 'shop', scaled('web', 3));
    await rejects(client.create(deployments, 'shop', scaled('api', 4)), 422, /denied request: replicas must be at most 3$/);
    await client.delete(configmaps, 'default', 'replica-limits');
    await client.patch(bindings, undefined, 'limits', 'merge', { spec: { paramRef: { parameterNotFoundAction: 'Allow' } } });
    await client.create(deployments, 'shop', scaled('api', 4));
  });

  it("uses variables and the request's namespace, and only warns with a Warn binding", async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.patch(namespaces, undefined, 'shop', 'merge', { metadata: { labels: { env: 'prod' } } });
    await namespace('lab');
    await client.create(policies, undefined, policy('prod-replicas', {
      variables: [{ name: 'env', expression: "namespaceObject.metadata.labels.?env.orValue('dev')" }, { name: 'minimum', expression: "variables.env == 'prod' ? 2 : 1" }],
      validations: [{ expression: 'object.spec.replicas >= variables.minimum', messageExpression: "variables.env + ' needs at least ' + string(variables.minimum) + ' replicas'" }],
    }));
    await client.create(bindings, undefined, binding('prod-replicas', { validationActions: ['Warn'] }));
    const warned = await client.create(deployments, 'shop', scaled('web', 1));
    assert.deepEqual(warned.warnings, ["Validation failed for ValidatingAdmissionPolicy 'prod-replicas' with binding 'prod-replicas': prod needs at least 2 replicas"]);
    assert.deepEqual((await client.create(deployments, 'lab', scaled('web', 1))).warnings, []);
  });

  it('skips requests its matchConditions exclude or its binding does not select, and fails on an evaluation error unless failurePolicy is Ignore', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await namespace('lab');
    await client.create(policies, undefined, policy('no-latest', {
      matchConditions: [{ name: 'not-paused', expression: '!has(object.spec.paused) || !object.spec.paused' }],
      validations: [{ expression: "object.spec.template.spec.containers.all(c, !c.image.endsWith(':latest'))", message: 'images must be pinned' }],
    }));
    await client.create(bindings, undefined, binding('no-latest', { matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } } }));
    const latest = (name: string, extra: Obj = {}) => {
      const d = scaled(name, 1);
      d.spec.template.spec.containers[0].image = 'nginx:latest';
      Object.assign(d.spec, extra);
      return d;
    };
    await rejects(client.create(deployments, 'shop', latest('web')), 422, /denied request: images must be pinned$/);
    await client.create(deployments, 'shop', latest('paused', { paused: true }));
    await client.create(deployments, 'lab', latest('web'));
    await client.update(policies, undefined, { ...client.get(policies, undefined, 'no-latest'), spec: { ...client.get(policies, undefined, 'no-latest').spec, validations: [{ expression: 'object.spec.missing == 1' }] } });
    await rejects(client.create(deployments, 'shop', scaled('api', 1)), 422, /denied request: expression 'object\.spec\.missing == 1' resulted in error: no such key: missing$/);
    await client.patch(policies, undefined, 'no-latest', 'merge', { spec: { failurePolicy: 'Ignore' } });
    await client.create(deployments, 'shop', scaled('api', 1));
  });

  it("asks the API server's authorizers through `authorizer`: what the user may do elsewhere, and on the request's own resource", async () => {
    const { client, namespace, as } = await newCluster();
    await namespace('shop');
    const rbac = { group: 'rbac.authorization.k8s.io', version: 'v1' };
    await client.create({ ...rbac, resource: 'roles' }, 'shop', { metadata: { name: 'config-writer' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['create'] }] });
    await client.create({ ...rbac, resource: 'rolebindings' }, 'shop', { metadata: { name: 'jane' }, subjects: [{ kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'config-writer' } });
    await client.create(policies, undefined, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'owner-label' },
      spec: {
        matchConstraints: { resourceRules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }] },
        validations: [
          {
            expression: "!('owner' in object.metadata.?labels.orValue({})) || authorizer.group('').resource('namespaces').name(object.metadata.namespace).check('update').allowed()",
            messageExpression: "'only who may update namespace ' + object.metadata.namespace + ' may set its owner label'",
            reason: 'Forbidden',
          },
          { expression: "!authorizer.requestResource.check('delete').allowed() || request.userInfo.username == 'kubeside-admin'", message: 'only the admin may create what it can delete' },
        ],
      },
    });
    await client.create(bindings, undefined, binding('owner-label', {}));
    const jane = as({ name: 'jane', groups: ['system:authenticated'] });
    await jane.create(configmaps, 'shop', { metadata: { name: 'plain' } });
    await rejects(
      jane.create(configmaps, 'shop', { metadata: { name: 'owned', labels: { owner: 'jane' } } }),
      403,
      "configmaps \"owned\" is forbidden: ValidatingAdmissionPolicy 'owner-label' with binding 'owner-label' denied request: only who may update namespace shop may set its owner label",
    );
    await client.create(configmaps, 'shop', { metadata: { name: 'owned', labels: { owner: 'ops' } } });
    // Given delete on configmaps, jane fails the second validation: requestResource is the ConfigMap she creates.
    await client.patch({ ...rbac, resource: 'roles' }, 'shop', 'config-writer', 'merge', { rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'delete'] }] });
    await rejects(jane.create(configmaps, 'shop', { metadata: { name: 'more' } }), 422, /denied request: only the admin may create what it can delete$/);
  });
});
