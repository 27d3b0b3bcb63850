// The patch and apply code against the vendored Kubernetes OpenAPI schemas, not hand-built ones.
import assert from 'node:assert/strict';
import { apply, ApplyConflictError, update } from '../../../../engine/api/apply/fieldManager';
import { adoptionPatch, isControlledBy } from '../../../../engine/api/meta/ownerReferences';
import { createTwoWayMergePatch, strategicMergePatch } from '../../../../engine/api/patch/strategicMergePatch';
import { openapi, type SchemaNode } from '../../../../engine/api/schema/index';

type Obj = Record<string, any>;

describe('patch and apply on the real Kubernetes schemas', () => {
  let deploymentSchema: SchemaNode;
  let podSchema: SchemaNode;
  before(() => {
    deploymentSchema = openapi().forKind('apps', 'v1', 'Deployment')!;
    podSchema = openapi().forKind('', 'v1', 'Pod')!;
    assert.ok(deploymentSchema && podSchema);
  });

  const patchDemo = (): Obj => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'patch-demo' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'nginx' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: { containers: [{ name: 'patch-demo-ctr', image: 'nginx' }], tolerations: [{ effect: 'NoSchedule', key: 'dedicated', value: 'test-team' }] },
      },
    },
  });

  it('strategic merge patch: containers merge by name, tolerations are replaced, $retainKeys clears rollingUpdate', () => {
    const patched = strategicMergePatch(
      patchDemo(),
      {
        spec: {
          strategy: { $retainKeys: ['type'], type: 'Recreate' },
          template: { spec: { containers: [{ name: 'patch-demo-ctr-2', image: 'redis' }], tolerations: [{ effect: 'NoSchedule', key: 'disktype', value: 'ssd' }] } },
        },
      },
      deploymentSchema,
    );
    assert.deepEqual(patched.spec.template.spec.containers.map((c: Obj) => c.name), ['patch-demo-ctr-2', 'patch-demo-ctr']);
    assert.deepEqual(patched.spec.template.spec.tolerations, [{ effect: 'NoSchedule', key: 'disktype', value: 'ssd' }]);
    assert.deepEqual(patched.spec.strategy, { type: 'Recreate' });
  });

  it('a two-way patch between two Deployments applies back exactly', () => {
    const original = patchDemo();
    const modified = patchDemo();
    modified.spec.template.spec.containers[0].ports = [{ containerPort: 80 }, { containerPort: 443 }];
    modified.spec.template.spec.containers[0].env = [{ name: 'MODE', value: 'prod' }];
    modified.metadata.finalizers = ['example.com/keep'];
    const patch = createTwoWayMergePatch(original, modified, deploymentSchema);
    assert.deepEqual(strategicMergePatch(original, patch, deploymentSchema), modified);
  });

  it('a controller adopts a pod through ownerReferences merged by uid', () => {
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'default', uid: 'rs-1' } };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1-x', namespace: 'default', uid: 'p-1', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n', uid: 'n-1' }] } };
    const adopted = strategicMergePatch(pod, adoptionPatch(rs, pod), podSchema);
    assert.equal(isControlledBy(adopted, rs), true);
    assert.equal(adopted.metadata.ownerReferences.length, 2);
  });

  it('server-side apply of the nginx Deployment records containers and ports by their keys', () => {
    const config = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nginx-deployment', labels: { app: 'nginx' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'nginx' } },
        template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.14.2', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } },
      },
    };
    const out = apply(undefined, config, { schema: deploymentSchema, manager: 'kubectl', apiVersion: 'apps/v1', time: '2026-01-01T00:00:00Z', ignoredFields: [['f:status']] }) as Obj;
    assert.deepEqual(out.metadata.managedFields[0].fieldsV1, {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
              },
            },
          },
        },
      },
    });

    // The ReplicaSet controller's scale update takes replicas; re-applying a new count conflicts.
    const scaled = update(out, { ...out, spec: { ...out.spec, replicas: 5 } }, { schema: deploymentSchema, manager: 'kube-controller-manager', apiVersion: 'apps/v1', time: '2026-01-01T00:01:00Z' });
    assert.throws(
      () => apply(scaled, { ...config, spec: { ...config.spec, replicas: 4 } }, { schema: deploymentSchema, manager: 'kubectl', apiVersion: 'apps/v1', time: '2026-01-01T00:02:00Z' }),
      (e: unknown) => e instanceof ApplyConflictError && e.message === 'Apply failed with 1 conflict: conflict with "kube-controller-manager" using apps/v1: .spec.replicas',
    );
  });
});
