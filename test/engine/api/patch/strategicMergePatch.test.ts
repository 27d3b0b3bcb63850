import assert from 'node:assert/strict';
import { createThreeWayMergePatch, createTwoWayMergePatch, strategicMergePatch, StrategicMergePatchError } from '../../../../engine/api/patch/strategicMergePatch';
import { deploymentSchema, podSchema } from './schemaFixture';

type Obj = Record<string, any>;

/** The patch-demo Deployment of the "Update API Objects in Place Using kubectl patch" task. */
function patchDemo(): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'patch-demo' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'nginx' } },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: {
          containers: [{ name: 'patch-demo-ctr', image: 'nginx' }],
          tolerations: [{ effect: 'NoSchedule', key: 'dedicated', value: 'test-team' }],
        },
      },
    },
  };
}

describe('strategic merge patch: the kubectl patch task page', () => {
  it('merges containers by name: the added container comes first, the existing one is kept', () => {
    const patched = strategicMergePatch(patchDemo(), { spec: { template: { spec: { containers: [{ name: 'patch-demo-ctr-2', image: 'redis' }] } } } }, deploymentSchema);
    assert.deepEqual(patched.spec.template.spec.containers, [
      { name: 'patch-demo-ctr-2', image: 'redis' },
      { name: 'patch-demo-ctr', image: 'nginx' },
    ]);
  });

  it('replaces tolerations, which have no patch strategy', () => {
    const patched = strategicMergePatch(patchDemo(), { spec: { template: { spec: { tolerations: [{ effect: 'NoSchedule', key: 'disktype', value: 'ssd' }] } } } }, deploymentSchema);
    assert.deepEqual(patched.spec.template.spec.tolerations, [{ effect: 'NoSchedule', key: 'disktype', value: 'ssd' }]);
  });

  it('clears strategy.rollingUpdate with $retainKeys when switching to Recreate', () => {
    const live = patchDemo();
    live.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
    const patched = strategicMergePatch(live, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, deploymentSchema);
    assert.deepEqual(patched.spec.strategy, { type: 'Recreate' });
  });

  it('without $retainKeys the same patch keeps rollingUpdate (the error the task page shows comes from validation)', () => {
    const live = patchDemo();
    live.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } };
    const patched = strategicMergePatch(live, { spec: { strategy: { type: 'Recreate' } } }, deploymentSchema);
    assert.deepEqual(patched.spec.strategy, { type: 'Recreate', rollingUpdate: { maxSurge: '25%' } });
  });

  it('never changes its inputs', () => {
    const live = patchDemo();
    const patch = { spec: { replicas: 3, template: { spec: { containers: [{ name: 'patch-demo-ctr', $patch: 'delete' }] } } } };
    const before = JSON.stringify([live, patch]);
    strategicMergePatch(live, patch, deploymentSchema);
    assert.equal(JSON.stringify([live, patch]), before);
  });
});

describe('strategic merge patch: directives of the design doc', () => {
  const pod = (): Obj => ({
    metadata: { name: 'web', labels: { app: 'web', tier: 'front' }, finalizers: ['a', 'b', 'c'] },
    spec: {
      containers: [
        { name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
        { name: 'sidecar', image: 'envoy' },
      ],
      volumes: [{ name: 'data', hostPath: { path: '/data' } }],
      nodeSelector: { disk: 'ssd', zone: 'a' },
    },
  });

  const cases: { name: string; patch: Obj; check: (p: Obj) => void }[] = [
    {
      name: 'null deletes a map key; other keys stay',
      patch: { metadata: { labels: { tier: null, track: 'canary' } } },
      check: (p) => assert.deepEqual(p.metadata.labels, { app: 'web', track: 'canary' }),
    },
    {
      name: '$patch: delete removes the list item with that merge key',
      patch: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } },
      check: (p) => assert.deepEqual(p.spec.containers.map((c: Obj) => c.name), ['web']),
    },
    {
      name: 'a matching item merges field by field, nested merge lists too',
      patch: { spec: { containers: [{ name: 'web', image: 'nginx:1.27', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }] }] } },
      check: (p) => {
        assert.equal(p.spec.containers[0].image, 'nginx:1.27');
        assert.deepEqual(p.spec.containers[0].ports, [{ containerPort: 80 }]);
        // Live items keep their live order around the patched ones; new items follow the patch.
        assert.deepEqual(p.spec.containers[0].env, [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]);
        assert.equal(p.spec.containers[1].name, 'sidecar');
      },
    },
    {
      name: '$patch: replace inside a list replaces the whole list',
      patch: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'busybox' }] } },
      check: (p) => assert.deepEqual(p.spec.containers, [{ name: 'only', image: 'busybox' }]),
    },
    {
      name: '$patch: replace on a map replaces the map',
      patch: { metadata: { labels: { $patch: 'replace', fresh: 'yes' } } },
      check: (p) => assert.deepEqual(p.metadata.labels, { fresh: 'yes' }),
    },
    {
      name: '$patch: delete on a map empties it',
      patch: { metadata: { labels: { $patch: 'delete' } } },
      check: (p) => assert.deepEqual(p.metadata.labels, {}),
    },
    {
      name: 'primitive merge lists (finalizers) take the union without duplicates',
      patch: { metadata: { finalizers: ['c', 'd'] } },
      check: (p) => assert.deepEqual([...p.metadata.finalizers].sort(), ['a', 'b', 'c', 'd']),
    },
    {
      name: '$deleteFromPrimitiveList removes values from finalizers',
      patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } },
      check: (p) => assert.deepEqual(p.metadata.finalizers, ['a', 'c']),
    },
    {
      name: '$setElementOrder orders the merged list',
      patch: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }], containers: [{ name: 'web', image: 'nginx:2' }] } },
      check: (p) => assert.deepEqual(p.spec.containers.map((c: Obj) => `${c.name}=${c.image}`), ['sidecar=envoy', 'web=nginx:2']),
    },
    {
      name: 'volumes (merge,retainKeys): $retainKeys inside an item drops the other volume source',
      patch: { spec: { volumes: [{ name: 'data', $retainKeys: ['emptyDir', 'name'], emptyDir: {} }] } },
      check: (p) => assert.deepEqual(p.spec.volumes, [{ name: 'data', emptyDir: {} }]),
    },
    {
      name: 'an atomic map (nodeSelector) still merges under strategic merge patch, which only reads patchStrategy',
      patch: { spec: { nodeSelector: { zone: 'b' } } },
      check: (p) => assert.deepEqual(p.spec.nodeSelector, { disk: 'ssd', zone: 'b' }),
    },
    {
      name: 'a value of another type replaces the field',
      patch: { spec: { volumes: null, containers: [{ name: 'web', ports: null }] } },
      check: (p) => {
        assert.equal('volumes' in p.spec, false);
        assert.equal('ports' in p.spec.containers[0], false);
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => c.check(strategicMergePatch(pod(), c.patch, podSchema)));
  }

  it('rejects a merge-list item without its merge key, with apimachinery\'s message', () => {
    assert.throws(
      () => strategicMergePatch(pod(), { spec: { containers: [{ image: 'nginx' }] } }, podSchema),
      (e: unknown) => e instanceof StrategicMergePatchError && e.message === 'map: map[image:nginx] does not contain declared merge key: name' && e.statusError.code === 500,
    );
  });

  it('rejects an unknown $patch directive', () => {
    assert.throws(() => strategicMergePatch(pod(), { metadata: { labels: { $patch: 'frobnicate' } } }, podSchema), /unknown patch type: frobnicate in map: map\[\$patch:frobnicate\]/);
  });

  it('rejects patch fields missing from $retainKeys as 422', () => {
    const live = patchDemo();
    live.spec.strategy = { type: 'RollingUpdate' };
    assert.throws(
      () => strategicMergePatch(live, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: {} } } }, deploymentSchema),
      (e: unknown) => e instanceof StrategicMergePatchError && e.statusError.code === 422,
    );
  });
});

describe('creating strategic merge patches', () => {
  it('two-way: changed field, deleted container, deleted label and finalizer', () => {
    const original: Obj = {
      metadata: { labels: { app: 'web', old: 'x' }, finalizers: ['a', 'b'] },
      spec: { containers: [{ name: 'web', image: 'nginx:1' }, { name: 'sidecar', image: 'envoy' }] },
    };
    const modified: Obj = {
      metadata: { labels: { app: 'web' }, finalizers: ['a'] },
      spec: { containers: [{ name: 'web', image: 'nginx:2' }] },
    };
    const patch = createTwoWayMergePatch(original, modified, podSchema);
    assert.deepEqual(patch, {
      metadata: { labels: { old: null }, '$deleteFromPrimitiveList/finalizers': ['b'], '$setElementOrder/finalizers': ['a'] },
      spec: {
        containers: [{ name: 'web', image: 'nginx:2' }, { name: 'sidecar', $patch: 'delete' }],
        '$setElementOrder/containers': [{ name: 'web' }],
      },
    });
    assert.deepEqual(strategicMergePatch(original, patch, podSchema), modified);
  });

  it('two-way round-trips random edits: applying the patch to original yields modified', () => {
    const original: Obj = patchDemo();
    const modified: Obj = patchDemo();
    modified.spec.replicas = 5;
    modified.spec.template.spec.containers.push({ name: 'log', image: 'fluentd', env: [{ name: 'LEVEL', value: 'debug' }] });
    modified.spec.template.spec.tolerations = [];
    modified.metadata.annotations = { note: 'hi' };
    const patch = createTwoWayMergePatch(original, modified, deploymentSchema);
    assert.deepEqual(strategicMergePatch(original, patch, deploymentSchema), modified);
  });

  it('three-way (kubectl apply): removes what the last applied config had, keeps what others added', () => {
    const lastApplied: Obj = { metadata: { name: 'web', labels: { app: 'web', stale: 'yes' } }, spec: { replicas: 2 } };
    const live: Obj = { metadata: { name: 'web', labels: { app: 'web', stale: 'yes', 'added-by-controller': 'x' } }, spec: { replicas: 7, minReadySeconds: 5 } };
    const desired: Obj = { metadata: { name: 'web', labels: { app: 'web' } }, spec: { replicas: 3 } };
    const patch = createThreeWayMergePatch(lastApplied, desired, live, deploymentSchema);
    assert.deepEqual(patch, { metadata: { labels: { stale: null } }, spec: { replicas: 3 } });
    const result = strategicMergePatch(live, patch, deploymentSchema);
    assert.deepEqual(result.metadata.labels, { app: 'web', 'added-by-controller': 'x' });
    assert.equal(result.spec.minReadySeconds, 5);
  });
});
